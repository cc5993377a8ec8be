"""Sentences about the state on screen, the claims each one makes, and the checks behind them.

A sentence builder returns a ``Said``: the text a learner reads and the ``Claim``s it makes about
the state on screen ("the first input's gradient explodes", "w2 = 0, so nothing reaches day 2").
A claim names a check in ``CHECKS`` and the state it is about; ``Claim.holds()`` computes the
check afresh from rnn_core's numbers for that state, never from the numbers the sentence was
built from. Each check also lists the words that make its claim (``explodes``, ``exactly 0``,
``cancels`` ...): ``unbacked_words`` finds a sentence that uses such a word without declaring a
claim that backs it. A statement that is true of every state (a law the lesson states, a hint
that says how to work something out) is ``general``: it makes no claim about the state shown.

The truth test sweeps states, builds every sentence for each and checks every claim; the
screen test reads every page and finds no claim word outside a sentence built here.
No Streamlit in this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

# -- claims and sentences ------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """A predicate on the engine's numbers for a state, and the words whose use it backs."""

    test: Callable[..., bool]
    words: tuple[str, ...]


CHECKS: dict[str, Check] = {}


def check(kind: str, *words: str):
    """Register ``test`` as the check of the claims of ``kind``, backing ``words`` (regular expressions)."""

    def register(test: Callable[..., bool]) -> Callable[..., bool]:
        CHECKS[kind] = Check(test, words)
        return test

    return register


def _frozen(value):
    """A claim's state as hashable values: lists become tuples, dicts sorted (name, value) pairs."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, np.floating | np.integer):
        return value.item()
    return value


@dataclass(frozen=True)
class Claim:
    """One thing a sentence says about the state on screen: check ``kind`` on the state ``about``."""

    kind: str
    about: tuple[tuple[str, object], ...]

    def holds(self) -> bool:
        return bool(CHECKS[self.kind].test(**dict(self.about)))

    def __str__(self) -> str:
        return f"{self.kind}(" + ", ".join(f"{k}={v!r}" for k, v in self.about) + ")"


def claim(kind: str, **about) -> Claim:
    if kind not in CHECKS:
        raise KeyError(f"no check for claims of kind {kind!r}")
    return Claim(kind, tuple(sorted((name, _frozen(value)) for name, value in about.items())))


@dataclass(frozen=True)
class Said:
    """A sentence a learner reads, with the claims it makes about the state on screen.

    ``general`` holds the stretches of ``text`` (start, end) that speak generally: a law, a way to
    work something out, a choice offered, a topic's name; they make no claim about the state shown."""

    text: str
    claims: tuple[Claim, ...] = ()
    general: tuple[tuple[int, int], ...] = ()

    def __add__(self, other: Said | str) -> Said:
        other = other if isinstance(other, Said) else Said(other)
        shift = len(self.text)
        moved = tuple((a + shift, b + shift) for a, b in other.general)
        return Said(self.text + other.text, self.claims + other.claims, self.general + moved)

    def __radd__(self, other: str) -> Said:
        return Said(other) + self


def said(text: str, *claims: Claim) -> Said:
    return Said(text, tuple(claims))


def general(text: str) -> Said:
    """A statement true of every state the page can show (a law, a way to work something out, a
    choice offered, a topic's name): it makes no claim about the state on screen."""
    return Said(text, (), ((0, len(text)),))


def joined(parts: Iterable[Said | str], sep: str = " ") -> Said:
    out = Said("")
    for i, part in enumerate(parts):
        out = out + (sep if i else "") + part
    return out


def claim_words(text: str) -> list[tuple[int, int, str]]:
    """Where ``text`` uses a word that makes a claim: (start, end, the vocabulary entry)."""
    found = {(m.start(), m.end(), word) for word in VOCABULARY for m in re.finditer(word, text, flags=re.IGNORECASE)}
    return sorted(found)


def backed_spans(sentence: Said) -> list[tuple[int, int]]:
    """The stretches of a sentence's text that it backs: every match of a word of a declared claim's
    check, and its general stretches."""
    words = {word for c in sentence.claims for word in CHECKS[c.kind].words}
    spans = [(m.start(), m.end()) for word in words for m in re.finditer(word, sentence.text, flags=re.IGNORECASE)]
    return spans + list(sentence.general)


def unbacked_words(sentence: Said) -> list[str]:
    """The claim words a sentence uses without a claim that backs them."""
    return uncovered_words(sentence.text, [sentence])


def _squeezed(text: str) -> tuple[str, list[int]]:
    """``text`` with every run of white space made one space and the ends trimmed, and for each
    character kept its index in ``text`` (Streamlit trims and re-indents what it shows)."""
    kept, where = [], []
    for i, char in enumerate(text):
        if char.isspace():
            if kept and kept[-1] != " ":
                kept.append(" ")
                where.append(i)
        else:
            kept.append(char)
            where.append(i)
    while kept and kept[-1] == " ":
        kept.pop()
        where.pop()
    return "".join(kept), where


def uncovered_words(text: str, sentences: Iterable[Said]) -> list[str]:
    """The claim words in ``text`` (as shown on screen) that no built sentence inside it backs.

    A sentence is found in the text with white space compared loosely, as Streamlit trims it."""
    screen, _ = _squeezed(text)
    backed = []
    for sentence in sentences:
        squeezed, where = _squeezed(sentence.text)
        if not squeezed:
            continue
        # Each backed stretch of the sentence, in the squeezed sentence's positions.
        stretches = []
        for a, b in backed_spans(sentence):
            inside = [k for k, i in enumerate(where) if a <= i < b]
            if inside:
                stretches.append((inside[0], inside[-1] + 1))
        start = screen.find(squeezed)
        while start >= 0:
            backed += [(start + a, start + b) for a, b in stretches]
            start = screen.find(squeezed, start + 1)
    merged: list[list[int]] = []  # overlapping backed stretches joined: words of two checks may overlap
    for lo, hi in sorted(backed):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [screen[a:b] for a, b, _ in claim_words(screen) if not any(lo <= a and b <= hi for lo, hi in merged)]


def false_claims(sentence: Said) -> list[Claim]:
    return [c for c in sentence.claims if not c.holds()]


# The checks, by what they are about: importing them registers them in CHECKS.
from ui.claims import lab, statland, training  # noqa: E402, F401

VOCABULARY = frozenset(word for c in CHECKS.values() for word in c.words)
