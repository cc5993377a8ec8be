"""A joined learner's answer on a lesson step, sent to the class (the lesson's one call into the pulse).

The store keeps each learner's first answer per question and round; later tries are checked by the
lesson as before and never change what the class sees."""

from __future__ import annotations

import streamlit as st

from ui.lesson.calibration import SURENESS
from ui.lesson.step import Step
from ui.pulse import membership
from ui.pulse.connect import attempt
from ui.pulse.lesson_questions import question_of, same_question
from ui.pulse.questions import NumberQuestion
from ui.pulse.results import Status

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
