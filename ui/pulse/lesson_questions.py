"""The class's question on each lesson step, and the network's answer to it, built from the step itself.

A class answers each step at the step's first numbers (its start for seed 0, controls untouched), so
every learner's answer is to the same question and the projector's spread compares like with like; a
learner who pressed Try other numbers, or moved the step's controls so that the question changed,
answers for themselves only. A step whose challenge is a goal asks the class nothing. No Streamlit here.
"""

from __future__ import annotations

import math

from ui.lesson import steps as lesson
from ui.lesson.challenges import Choose, Predict, State
from ui.lesson.step import Step
from ui.pulse.questions import ChoiceQuestion, NumberQuestion, Question

CLASS_SEED = 0  # the numbers a step starts with before Try other numbers


def question_key(step: Step) -> str:
    return f"lesson/{step.key}"


def class_state(step: Step) -> State:
    return step.start(CLASS_SEED)


def number_bound(task: Predict, state: State) -> float:
    """How far from 0 a class's answer to ``task`` may lie, from the step's own numbers.

    Wrong answers are what the spread is for, so the range holds ten times the largest of the answer
    and every listed mistake's answer (each computed by rnn_core for these numbers), on both sides of 0
    since a slipped sign is a mistake worth seeing, rounded up to a power of ten a teacher can read.
    What it keeps out is a slip of the keyboard (1e300), which would squash every other bar into one.
    """
    known = [1.0, abs(task.answer(state))]
    known += [abs(value) for mistake in task.mistakes if math.isfinite(value := mistake.answer(state))]
    return 10.0 ** math.ceil(math.log10(10 * max(known)))


def question_of(step: Step) -> Question | None:
    """The class's question on ``step``: a number within bounds, the options as shown, or None (a goal)."""
    task, state = step.challenge, class_state(step)
    if isinstance(task, Predict):
        bound = number_bound(task, state)
        return NumberQuestion(question_key(step), -bound, bound)
    if isinstance(task, Choose):
        return ChoiceQuestion(question_key(step), tuple(task.texts(state)))
    return None


def same_question(step: Step, state: State) -> bool:
    """Whether a learner at ``state`` is asked the class's question: the same numbers for a prediction;
    the same options, right in the same places, for a choice."""
    task, ours = step.challenge, class_state(step)
    if isinstance(task, Choose):
        return task.texts(state) == task.texts(ours) and [o.correct(state) for o in task.options] == [
            o.correct(ours) for o in task.options
        ]
    return state == ours


def network_answer(step: Step) -> float | tuple[str, ...]:
    """What the network answers the class's question: the number, or the right options' texts."""
    task, state = step.challenge, class_state(step)
    if isinstance(task, Predict):
        return float(task.answer(state))
    right = (text for text, option in zip(task.texts(state), task.options, strict=True) if option.correct(state))
    return tuple(right)


def step_by_key(key: str) -> Step:
    return next(step for step in lesson.STEPS if step.key == key)
