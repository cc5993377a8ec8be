"""A joined learner's answers on a lesson step, sent to the class: the lesson's Check calls ``answered``,
and ``new_round`` (through ``ui.pulse.panel``) gives round 2 a form of its own.

The store keeps each learner's first answer per question and round; later tries are checked by the
lesson as before and never change what the class sees."""

from __future__ import annotations

import streamlit as st

from ui.lesson.calibration import SURENESS
from ui.lesson.step import Step
from ui.pulse import membership
from ui.pulse.connect import attempt
from ui.pulse.lesson_questions import question_of, same_question, step_by_key
from ui.pulse.questions import NumberQuestion
from ui.pulse.results import LearnerView, Status

OTHER_NUMBERS = "Not sent to the class: the class answers this step at its first numbers, and these are other ones."


def answered(step: Step, state, answer, sure: str | None) -> None:
    """Send a Check's answer (a number, or the option's text) and How sure? ("Sure", "Not sure" or None)
    to the learner's class, and say in a caption what became of it. Nothing for a learner in no class."""
    code = membership.joined()
    question = question_of(step)
    if code is None or question is None or answer is None:
        return
    if not same_question(step, state):
        st.caption(f":material/groups: {OTHER_NUMBERS}")
        return
    value = float(answer) if isinstance(question, NumberQuestion) else answer
    said = None if sure is None else sure == SURENESS[0]
    result = attempt(lambda store: store.record_answer(code, membership.learner_id(), question, value, sure=said))
    if result is None:  # the database is out of reach: said once, the lesson goes on
        return
    if result.ok:
        st.caption(f":material/groups: Sent to class {code}, anonymously (round {result.round}).")
    elif result.status in (Status.UNKNOWN_CLASS, Status.CLOSED):
        membership.leave(result.message)
    elif result.status is Status.INVALID:
        st.caption(f":material/groups: Not sent to the class: {result.message}")
    else:  # already answered this round, or the answer is out
        st.caption(f":material/groups: {result.message}")


# -- a new round -------------------------------------------------------------------------------------------
# A learner's own Check answers round 1. When the teacher opens round 2 the lesson may have moved on for
# them (a passed step shows no form), so the class's round gets a form of its own under the question. The
# page learns of the new round from a watcher that asks the store now and then and, when the round
# changes, runs the page again: the form itself is drawn outside the watcher, so its refreshes never
# touch what the learner is typing.
LEARNER_REFRESH_SECONDS = 3.0
SEEN_ROUND = "pulse_seen_round"  # question key -> the round this page last drew


def new_round(step: Step, state) -> None:
    """For a joined learner on the class's numbers: round 2's form while it is open and unanswered."""
    code = membership.joined()
    question = question_of(step)
    if code is None or question is None or not same_question(step, state):
        return
    view = attempt(lambda store: store.learner_view(code, membership.learner_id(), question))
    if not isinstance(view, LearnerView):
        return
    st.session_state.setdefault(SEEN_ROUND, {})[question.key] = view.round
    if not (view.revealed or view.closed):
        watch_rounds(code, step.key)
    if view.round == 1 or view.round in view.answered_rounds or view.revealed or view.closed:
        return
    with st.container(border=True, key="pulse_round_form"):
        round_form(step, question, view.round)


def round_form(step: Step, question, number: int) -> None:
    prefix = f"pulse_{step.key}_round{number}_"
    st.markdown(f"**Round {number}:** your teacher asks the class again. What do you answer now?")
    with st.form(key=f"{prefix}form", border=False), st.container(horizontal=True, vertical_alignment="bottom"):
        if isinstance(question, NumberQuestion):
            answer = st.number_input("Your answer now", value=None, format="%g", key=f"{prefix}number", width=150)
            sure = st.segmented_control("How sure?", SURENESS, key=f"{prefix}sure")
        else:
            answer = st.radio("Your answer now", question.options, index=None, key=f"{prefix}choice")
            sure = None
        sent = st.form_submit_button("Send to the class", key=f"{prefix}send")
    if sent and answer is not None:
        said = None if sure is None else sure == SURENESS[0]
        result = attempt(
            lambda store: store.record_answer(membership.joined(), membership.learner_id(), question, answer, sure=said)
        )
        if result is None:  # the database is out of reach: said once
            return
        if result.ok:
            st.caption(f":material/groups: Sent to class {membership.joined()}, anonymously (round {result.round}).")
        elif result.status in (Status.UNKNOWN_CLASS, Status.CLOSED):
            membership.leave(result.message)
        else:
            st.caption(f":material/groups: {result.message}")


@st.fragment(run_every=LEARNER_REFRESH_SECONDS)
def watch_rounds(code: str, step_key: str) -> None:
    question = question_of(step_by_key(step_key))
    view = attempt(lambda store: store.learner_view(code, membership.learner_id(), question))
    seen = st.session_state.get(SEEN_ROUND, {})
    if isinstance(view, LearnerView) and seen.get(question.key) not in (None, view.round):
        st.rerun()  # the teacher opened a round: the page draws its form
