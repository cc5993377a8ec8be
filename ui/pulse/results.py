"""What the pulse store's calls return: a ``Result`` for an action (refusals say why in a sentence), a
new class's code and key, the spread the projector shows, and what a learner's page needs to know."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ui.pulse.questions import ChoiceQuestion, Question


class StoreUnavailable(Exception):
    """The class's database cannot be reached: tell the learner once, and the lesson goes on alone."""


class Status(StrEnum):
    OK = "ok"
    UNKNOWN_CLASS = "unknown class"  # no such code, expired, or (answering) not joined: one answer for all
    CLOSED = "closed"  # the teacher ended the class
    RATE_LIMITED = "rate limited"
    REFUSED = "refused"  # a teacher action without the class's teacher key
    INVALID = "invalid"  # an answer (or learner id) the question does not accept
    ALREADY_ANSWERED = "already answered"  # this learner's first answer in this round is stored
    REVEALED = "revealed"  # the question's answer is out: no more answers or rounds
    NO_MORE_ROUNDS = "no more rounds"


@dataclass(frozen=True)
class Result:
    status: Status
    message: str  # a sentence for the person who acted
    retry_after: int | None = None  # RATE_LIMITED: whole seconds until a try can succeed
    round: int | None = None  # an answer's round, or the round vote_again opened

    @property
    def ok(self) -> bool:
        return self.status is Status.OK


@dataclass(frozen=True)
class NewClass:
    code: str  # for the join link and the projector
    teacher_key: str  # for the teacher's link only; the store keeps its hash
    expires_at: float


@dataclass(frozen=True)
class RoundSpread:
    round: int
    answered: int
    sure: int  # answers marked "Sure"
    not_sure: int  # answers marked "Not sure" (the rest did not say)
    numbers: tuple[float, ...] = ()  # a number question: every answer, sorted, for a histogram
    counts: dict[str, int] | None = None  # a choice question: answers per option, in the options' order


@dataclass(frozen=True)
class Spread:
    """What the projector shows of one question: never the right answer, which the store does not have."""

    code: str
    question_key: str
    joined: int  # learners in the class
    revealed: bool
    closed: bool
    rounds: tuple[RoundSpread, ...]  # round 1 first; the last is the one open for answers
    expires_at: float


@dataclass(frozen=True)
class ClassStatus:
    """A class as its teacher sees it between questions."""

    code: str
    joined: int  # learners in the class
    closed: bool
    expires_at: float


@dataclass(frozen=True)
class LearnerView:
    """What a learner's page needs to know of a question."""

    round: int  # the round an answer now goes to
    revealed: bool
    closed: bool
    answered_rounds: tuple[int, ...]  # rounds this learner has answered


def spread_of_round(question: Question, number: int, rows: list) -> RoundSpread:
    sure = sum(row.sure is True for row in rows)
    not_sure = sum(row.sure is False for row in rows)
    if isinstance(question, ChoiceQuestion):
        counts = dict.fromkeys(question.options, 0)
        for row in rows:
            if row.choice in counts:  # an option since renamed is left out of the bars
                counts[row.choice] += 1
        return RoundSpread(number, len(rows), sure, not_sure, counts=counts)
    numbers = tuple(sorted(row.number for row in rows if row.number is not None))
    return RoundSpread(number, len(rows), sure, not_sure, numbers=numbers)
