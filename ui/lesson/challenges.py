"""The lesson's three kinds of challenge, each checked on the step's state: predict a number (right
within a stated tolerance, and never stricter than the number the answer is shown as), reach a goal
on the live network, or choose an explanation (every option says why it is right or wrong).
A challenge never stores its answer: it computes it from the state. No Streamlit here."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ui.claims import Said
from ui.kit.format import power_of_ten

State = Mapping[str, object]
TRIES_BEFORE_REVEAL = 2


@dataclass(frozen=True)
class Verdict:
    """The outcome of one try: whether it passed, and what to tell the learner (a sentence built
    from the step's state, with the claims it makes)."""

    passed: bool
    message: Said


def as_said(text: Said | str) -> Said:
    """A sentence as built (``Said``), or plain text that makes no claim about the state."""
    return text if isinstance(text, Said) else Said(text)


def answer_text(value: float) -> tuple[str, str]:
    """A predicted number as the lesson shows it and as a learner types it, to 4 significant digits:
    ('0.001953', '0.001953'), ('−0.1234', '-0.1234'), ('1.863 × 10⁻⁹', '1.863e-09'). A revealed
    answer typed back is accepted (``Predict.room``)."""
    value = float(value)
    if value == 0 or 1e-4 <= abs(value) < 1e6:
        typed = np.format_float_positional(value, precision=4, unique=False, fractional=False, trim="-")
        return typed.replace("-", "−"), typed
    typed = f"{value:.3e}"
    mantissa, exponent = typed.split("e")
    return f"{mantissa.replace('-', '−')} × {power_of_ten(int(exponent))}", typed


@dataclass(frozen=True)
class Mistake:
    """A common wrong way to work a prediction out: the number it gives for the step's state (computed
    by rnn_core, with the mistake made) and the hint that answers it."""

    name: str
    answer: Callable[[State], float]
    hint: str
    reveals: str = ""  # the misconception (``ui.lesson.misconceptions``) behind it, if one is


@dataclass(frozen=True)
class Predict:
    """Predict a number before the view shows it; right within ``tolerance`` (absolute, or
    relative when ``relative``)."""

    prompt: Callable[[State], str]
    answer: Callable[[State], float]
    hint: str  # a nudge towards the view, for a wrong answer that matches no listed mistake
    why: Callable[[State], Said | str]
    tolerance: float = 0.01
    relative: bool = False
    mistakes: tuple[Mistake, ...] = ()
    kind: str = "predict"

    def mistake_made(self, state: State, guess: float) -> Mistake | None:
        """The listed mistake whose wrong answer ``guess`` is (to the check's tolerance), if any: one
        that gives the right answer for this state tells nothing and is passed over."""
        answer, room = self.answer(state), self.room(state)
        for mistake in self.mistakes:
            wrong = mistake.answer(state)
            if math.isfinite(wrong) and abs(wrong - answer) > room and abs(guess - wrong) <= room:
                return mistake
        return None

    def room(self, state: State) -> float:
        """How far a guess may be from the answer: the stated tolerance, and never less than the
        distance of the answer as shown (``answer_text``) from the answer, so typing what was shown passes."""
        answer = self.answer(state)
        room = self.tolerance * abs(answer) if self.relative else self.tolerance
        return max(room, abs(float(answer_text(answer)[1]) - answer) * (1 + 1e-9))

    def check(self, state: State, guess) -> Verdict:
        try:
            guess = float(guess)
        except (TypeError, ValueError):
            return Verdict(False, Said("Type a number, such as 0.5."))
        if not math.isfinite(guess):
            return Verdict(False, Said("Type an ordinary number, such as 0.5."))
        answer = self.answer(state)
        if abs(guess - answer) <= self.room(state):
            return Verdict(True, f"Right: {answer_text(answer)[0]}. " + as_said(self.why(state)))
        mistake = self.mistake_made(state, guess)
        return Verdict(False, as_said(mistake.hint if mistake else self.hint))


@dataclass(frozen=True)
class Goal:
    """Reach a state by changing the live network; checked on every change."""

    prompt: Callable[[State], Said | str]
    met: Callable[[State], bool]
    hint: Said | str
    why: Callable[[State], Said | str]
    kind: str = "goal"

    def check(self, state: State) -> Verdict:
        if self.met(state):
            return Verdict(True, "Done. " + as_said(self.why(state)))
        return Verdict(False, as_said(self.hint))


@dataclass(frozen=True)
class Option:
    text: str
    correct: Callable[[State], bool]
    why: Callable[[State], Said | str]
    # The misconception (``ui.lesson.misconceptions``) a learner who picks it wrongly holds, or a function
    # of the state naming it ("" where a wrong pick there shows none).
    reveals: str | Callable[[State], str] = ""

    def misconception(self, state: State) -> str:
        """The misconception a wrong pick of this option reveals in ``state`` ("" for none or a right pick)."""
        if self.correct(state):
            return ""
        return self.reveals(state) if callable(self.reveals) else self.reveals


@dataclass(frozen=True)
class Choose:
    """Choose an explanation; every option says why it is right or wrong."""

    prompt: Callable[[State], str]
    options: tuple[Option, ...]
    kind: str = "choose"

    def texts(self, state: State) -> list[str]:
        return [option.text.format(**state) for option in self.options]

    def check(self, state: State, choice: int) -> Verdict:
        if not isinstance(choice, int) or not 0 <= choice < len(self.options):
            return Verdict(False, Said("Pick one of the answers."))
        option = self.options[choice]
        return Verdict(option.correct(state), as_said(option.why(state)))
