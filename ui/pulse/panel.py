"""What a lesson step shows of the class, under its question: the spread for the teacher's session, a new
round's form for a joined learner, nothing for anyone else (the lesson's one call for it)."""

from __future__ import annotations

from ui.lesson.step import Step
from ui.pulse.answers import new_round
from ui.pulse.projector import projector


def on_step(step: Step, state) -> None:
    projector(step)
    new_round(step, state)
