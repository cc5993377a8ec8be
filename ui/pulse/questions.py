"""What the pulse store knows of a question: its key and which answers it accepts, never the right one.

The page builds one from a lesson step or a scenario (``NumberQuestion("lesson/6", -10, 10)``,
``ChoiceQuestion("lesson/9", options)``); the store checks every answer against it before writing."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

KEY_LENGTH = 100
OPTION_LENGTH = 200
MAX_OPTIONS = 20


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not 0 < len(key) <= KEY_LENGTH or not key.isprintable():
        raise ValueError(f"a question key is printable text of 1 to {KEY_LENGTH} characters, not {key!r}")


@dataclass(frozen=True)
class NumberQuestion:
    """A prediction: any finite number from ``low`` to ``high`` (inclusive)."""

    key: str
    low: float
    high: float

    def __post_init__(self):
        _check_key(self.key)
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(f"a number question's bounds are finite with low < high, not {self.low}, {self.high}")

    def rejection(self, answer: object) -> str | None:
        """Why ``answer`` cannot be stored (a sentence for the learner), or None when it can."""
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            return "The answer here is a number."
        try:
            value = float(answer)
        except (OverflowError, ValueError):  # an int too large for a float
            value = math.inf
        if math.isnan(value):
            return "The answer here is a number."
        if not self.low <= value <= self.high:
            return f"The answer here lies between {self.low:g} and {self.high:g}."
        return None

    def stored(self, answer: float) -> dict:
        return {"number": float(answer)}


@dataclass(frozen=True)
class ChoiceQuestion:
    """A choice: exactly one of ``options`` (the texts the learner sees, in the order shown)."""

    key: str
    options: tuple[str, ...]

    def __post_init__(self):
        _check_key(self.key)
        options = self.options
        if not (isinstance(options, tuple) and 2 <= len(options) <= MAX_OPTIONS and len(set(options)) == len(options)):
            raise ValueError(f"a choice question has 2 to {MAX_OPTIONS} different options in a tuple")
        if not all(isinstance(o, str) and 0 < len(o) <= OPTION_LENGTH for o in options):
            raise ValueError(f"each option is text of 1 to {OPTION_LENGTH} characters")

    def rejection(self, answer: object) -> str | None:
        if not isinstance(answer, str) or answer not in self.options:
            return "Pick one of the answers shown."
        return None

    def stored(self, answer: str) -> dict:
        return {"choice": answer}


Question = NumberQuestion | ChoiceQuestion
