"""How sure the learner was on each prediction's first answer, and how often "sure" was right.

Kept per step as the link writes it (``sure=1sr.3uw``: step 1 sure and right, step 3 not sure and
wrong). No Streamlit here."""

from __future__ import annotations

import re
from dataclasses import dataclass

SURENESS = ("Sure", "Not sure")
_PART = re.compile(r"(\d{1,2})([su])([rw])")


@dataclass(frozen=True)
class FirstAnswer:
    sure: bool
    right: bool


def link_value(answers: dict[int, FirstAnswer]) -> str:
    return ".".join(f"{n}{'s' if a.sure else 'u'}{'r' if a.right else 'w'}" for n, a in sorted(answers.items()))


def parse(raw, steps: int) -> dict[int, FirstAnswer]:
    """The first answers a link holds ('1sr.3uw'); anything else is ignored."""
    found = {}
    for part in str(raw or "").split("."):
        if (match := _PART.fullmatch(part)) and 1 <= int(match[1]) <= steps:
            found[int(match[1])] = FirstAnswer(match[2] == "s", match[3] == "r")
    return found


def summary(answers: dict[int, FirstAnswer]) -> str | None:
    """One sentence: how often a first answer called sure was right, and one called not sure; None
    when no first answer said how sure it was."""
    parts = []
    for sure, word in ((True, "sure"), (False, "not sure")):
        said = [a for a in answers.values() if a.sure == sure]
        if said:
            right = sum(a.right for a in said)
            parts.append(f"when {word}, right {right} of {len(said)} time{'s' if len(said) > 1 else ''}")
    if not parts:
        return None
    return "On your first answers: " + "; ".join(parts) + "."
