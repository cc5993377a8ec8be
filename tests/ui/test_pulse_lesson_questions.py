"""The class's question on each lesson step (ui.pulse.lesson_questions): what the store accepts, and the
network's answer the projector reveals, both from the step itself and rnn_core; and the store's view of a
class for its teacher between questions (class_status)."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa

from ui.lesson import steps as lesson
from ui.lesson.challenges import Choose, Goal, Predict
from ui.pulse.lesson_questions import class_state, network_answer, number_bound, question_of, same_question
from ui.pulse.questions import ChoiceQuestion, NumberQuestion
from ui.pulse.results import ClassStatus, Status
from ui.pulse.schema import engine_options
from ui.pulse.store import PulseStore

PREDICTIONS = [step for step in lesson.STEPS if isinstance(step.challenge, Predict)]
CHOICES = [step for step in lesson.STEPS if isinstance(step.challenge, Choose)]


@pytest.mark.parametrize("step", PREDICTIONS, ids=lambda step: step.key)
def test_a_prediction_accepts_its_answer_every_listed_mistake_and_a_slipped_sign(step):
    question, state = question_of(step), class_state(step)
    assert isinstance(question, NumberQuestion) and question.low == -question.high
    answer = step.challenge.answer(state)
    wrong = [m.answer(state) for m in step.challenge.mistakes if math.isfinite(m.answer(state))]
    for value in [answer, -answer, *wrong, *(-w for w in wrong)]:
        assert question.rejection(value) is None, value
    assert question.rejection(number_bound(step.challenge, state) * 10) is not None  # a keyboard slip is not
    assert question.rejection(math.nan) is not None and question.rejection(math.inf) is not None


@pytest.mark.parametrize("step", CHOICES, ids=lambda step: step.key)
def test_a_choice_offers_the_options_as_shown_and_reveals_the_ones_rnn_core_marks_right(step):
    question, state = question_of(step), class_state(step)
    assert isinstance(question, ChoiceQuestion)
    assert list(question.options) == step.challenge.texts(state)
    right = network_answer(step)
    assert right and set(right) <= set(question.options)
    for text, option in zip(question.options, step.challenge.options, strict=True):
        assert (text in right) == option.correct(state)


def test_a_goal_asks_the_class_nothing():
    goals = [step for step in lesson.STEPS if isinstance(step.challenge, Goal)]
    assert goals and all(question_of(step) is None for step in goals)


@pytest.mark.parametrize("step", PREDICTIONS + CHOICES, ids=lambda step: step.key)
def test_the_class_question_is_the_steps_first_numbers_not_other_ones(step):
    assert same_question(step, class_state(step))
    others = [step.start(seed) for seed in range(1, 6)]
    differs = [state for state in others if state != class_state(step)]
    if isinstance(step.challenge, Predict):
        assert differs and not any(same_question(step, state) for state in differs)


def test_the_network_answer_of_a_prediction_is_rnn_cores_for_the_first_numbers():
    for step in PREDICTIONS:
        assert network_answer(step) == float(step.challenge.answer(step.start(0)))


def test_class_status_tells_the_teacher_who_joined_and_refuses_any_other_key(tmp_path):
    url = f"sqlite:///{tmp_path / 'pulse.sqlite3'}"
    engine = sa.create_engine(url, **engine_options(url))
    store = PulseStore(engine)
    started = store.start_class(now=1_800_000_000)
    assert store.join(started.code, "learner-0001", now=1_800_000_001).ok
    status = store.class_status(started.code.lower(), started.teacher_key, now=1_800_000_002)
    assert status == ClassStatus(started.code, 1, False, started.expires_at)
    for key in ("", "forged-key", started.teacher_key + "x"):
        assert store.class_status(started.code, key, now=1_800_000_002).status is Status.REFUSED
    assert store.close(started.code, started.teacher_key, now=1_800_000_003).ok
    assert store.class_status(started.code, started.teacher_key, now=1_800_000_004).closed
    expired = store.class_status(started.code, started.teacher_key, now=started.expires_at)
    assert expired.status is Status.REFUSED
    engine.dispose()
