"""What a lesson step shows of the class under its question: the spread, for the teacher's session (the
lesson's one call for it). A learner answers the class in the lesson's own form (``ui.pulse.answers``)."""

from __future__ import annotations

from ui.lesson.step import Step
from ui.pulse.projector import projector


def on_step(step: Step, state) -> None:
    projector(step)
