"""A joined learner's answers on a lesson step, sent to the class: the lesson asks ``asked`` whether the
class waits for this learner's answer (its form then stays on screen, round 1 or 2), and its Check calls
``answered``. One form serves both: its first answer in a round is the lesson's try and the class's answer.

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


def answered(step: Step, state, answer, sure: str | None) -> bool:
    """Send a Check's answer (a number, or the option's text) and How sure? ("Sure", "Not sure" or None)
    to the learner's class, and say in a caption what became of it; whether the class has it now.
    Nothing for a learner in no class."""
    code = membership.joined()
    question = question_of(step)
    if code is None or question is None or answer is None:
        return False
    if not same_question(step, state):
        st.caption(f":material/groups: {OTHER_NUMBERS}")
        return False
    value = float(answer) if isinstance(question, NumberQuestion) else answer
    said = None if sure is None else sure == SURENESS[0]
    result = attempt(lambda store: store.record_answer(code, membership.learner_id(), question, value, sure=said))
    if result is None:  # the database is out of reach: said once, the lesson goes on
        return False
    if result.ok:
        st.caption(f":material/groups: Sent to class {code}, anonymously (round {result.round}).")
        return True
    if result.status in (Status.UNKNOWN_CLASS, Status.CLOSED):
        membership.leave(result.message)
    elif result.status is Status.INVALID:
        st.caption(f":material/groups: Not sent to the class: {result.message}")
    else:  # already answered this round, or the answer is out
        st.caption(f":material/groups: {result.message}")
    return False


# -- the round waiting for an answer ---------------------------------------------------------------------
# A learner answers the class in the lesson's own form, round 1 or 2 alike: the lesson asks ``asked`` and
# keeps its form on screen while the class waits for this learner's answer, even on a step they passed,
# so a learner never meets two forms. The page learns of a new round from a watcher that asks the store
# now and then and, when the round changes, runs the page again: the form is drawn outside the watcher,
# so its refreshes never touch what the learner is typing.
LEARNER_REFRESH_SECONDS = 3.0
SEEN_ROUND = "pulse_seen_round"  # question key -> the round this page last drew


def asked(step: Step, state) -> int | None:
    """The round of the class's question on ``step`` that waits for this learner's answer (1 or 2), or None:
    in no class, a goal, other numbers, already answered, the answer out, the class ended, or the database
    out of reach. While the question is open it also sets the watcher for the teacher's next round."""
    code = membership.joined()
    question = question_of(step)
    if code is None or question is None or not same_question(step, state):
        return None
    view = attempt(lambda store: store.learner_view(code, membership.learner_id(), question))
    if not isinstance(view, LearnerView) or view.revealed or view.closed:
        return None
    st.session_state.setdefault(SEEN_ROUND, {})[question.key] = view.round
    watch_rounds(code, step.key)
    return None if view.round in view.answered_rounds else view.round


def say_asked(number: int) -> None:
    """Above the lesson's form when the class asks again, or asks a step the learner had passed alone."""
    if number > 1:
        st.markdown(f"**Round {number}:** your teacher asks the class again. Your first answer now goes to it.")
    else:
        st.caption(":material/groups: Your class asks this one too: your first answer here goes to it.")


@st.fragment(run_every=LEARNER_REFRESH_SECONDS)
def watch_rounds(code: str, step_key: str) -> None:
    question = question_of(step_by_key(step_key))
    view = attempt(lambda store: store.learner_view(code, membership.learner_id(), question))
    seen = st.session_state.get(SEEN_ROUND, {})
    if isinstance(view, LearnerView) and seen.get(question.key) not in (None, view.round):
        st.rerun()  # the teacher opened a round: the page keeps the lesson's form on screen for it
