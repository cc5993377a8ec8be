"""The class pulse's store: start a class, join it by code, keep each learner's first answer per question
and round, the teacher's reveal / vote again / close, and the spread the projector shows.

No Streamlit and no lesson here: the page passes an SQLAlchemy ``Engine`` (``st.connection("sql").engine``)
and each question's key and acceptable answers (``ui.pulse.questions``); the store never holds a right
answer. A refusal is a ``Result`` saying why in a sentence; the one exception a page catches is
``StoreUnavailable``. Every call takes ``now`` (seconds since the epoch, ``time.time()`` when left out)
and first deletes the classes started ``LIFETIME`` ago or more, with their answers.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ui.pulse.questions import Question
from ui.pulse.results import (
    ClassStatus,
    LearnerView,
    NewClass,
    Result,
    Spread,
    Status,
    StoreUnavailable,
    spread_of_round,
)
from ui.pulse.schema import answers, classes, create_tables, join_failures, members, questions

# Read off a projector and typed on a phone: no 0/O and no 1/I/L. 31^6 is about 9 * 10^8 codes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
LIFETIME = 24 * 3600.0  # seconds a class and its answers are kept
MAX_ROUNDS = 2  # a vote, and a vote again after the class has talked it over
LEARNER_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")  # what secrets.token_urlsafe makes

# Errors that mean the database cannot be used just now (down, unreachable, its pool exhausted, a
# file that cannot be opened), as opposed to a bug in a query.
_UNREACHABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


@dataclass(frozen=True)
class JoinLimits:
    """Failed code lookups allowed within ``window`` seconds: per requester, and for everyone together (a
    requester can make new ids). At 100 a minute, guessing one of 100 live codes takes about two months
    of trying, and a class lives a day."""

    per_requester: int = 5
    everyone: int = 100
    window: float = 60.0


def normalised_code(text: object) -> str | None:
    """A code as typed (any case, spaces or dashes) in canonical form, or None when it cannot be one."""
    if not isinstance(text, str) or len(text) > 32:
        return None
    code = text.replace(" ", "").replace("-", "").upper()
    if len(code) == CODE_LENGTH and all(character in CODE_ALPHABET for character in code):
        return code
    return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _clock(now: float | None) -> float:
    return time.time() if now is None else float(now)


_UNKNOWN = "No class has this code: check it with your teacher (a class's code works for 24 hours)."
_NOT_IN_CLASS = "You are not in a class with this code (or it has ended): join it with its code."
_REFUSED = "This link's teacher key does not match the class (or the class has ended)."
_ENDED = "Your teacher has ended this class; the lesson goes on here on your own."


class PulseStore:
    """One class pulse database. Cheap to share between sessions and threads: every call takes a pooled
    connection for itself."""

    def __init__(self, engine: sa.Engine, *, limits: JoinLimits = JoinLimits()):
        if engine.dialect.name not in ("sqlite", "postgresql"):
            raise ValueError(f"the class pulse runs on SQLite or PostgreSQL, not {engine.dialect.name}")
        self.limits = limits
        # Every write is one statement, so each commits by itself: no transaction holds a lock past its
        # statement, and 60 learners answering at once queue on SQLite's lock instead of deadlocking.
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        with self._connection():  # the same error a page catches everywhere else
            create_tables(engine)

    # -- the teacher ---------------------------------------------------------------------------------

    def start_class(self, *, now: float | None = None) -> NewClass:
        now = _clock(now)
        teacher_key = secrets.token_urlsafe(32)
        with self._connection() as connection:
            self._purge(connection, now)
            for _ in range(20):  # a clash needs a live class with the same code: one in millions
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                row = {"code": code, "teacher_key_hash": _digest(teacher_key), "started_at": now, "closed": False}
                if connection.execute(self._insert_new(classes, ["code"]).values(row)).first() is not None:
                    # Rows a purge left behind for an earlier class with this code are not this class's.
                    for table in (answers, members, questions):
                        connection.execute(sa.delete(table).where(table.c.code == code))
                    return NewClass(code, teacher_key, now + LIFETIME)
        raise StoreUnavailable("no free class code")  # twenty clashes in a row: the codes have run out

    def reveal(self, code: str, teacher_key: str, question: Question, *, now: float | None = None) -> Result:
        now = _clock(now)
        with self._connection() as connection:
            self._purge(connection, now)
            if (found := self._teachers_class(connection, code, teacher_key)) is None:
                return Result(Status.REFUSED, _REFUSED)
            self._add_question(connection, found.code, question)
            connection.execute(
                sa.update(questions)
                .where(questions.c.code == found.code, questions.c.question_key == question.key)
                .values(revealed=True)
            )
        return Result(Status.OK, "The answer is revealed; answers to this question are closed.")

    def vote_again(self, code: str, teacher_key: str, question: Question, *, now: float | None = None) -> Result:
        now = _clock(now)
        with self._connection() as connection:
            self._purge(connection, now)
            if (found := self._teachers_class(connection, code, teacher_key)) is None:
                return Result(Status.REFUSED, _REFUSED)
            if found.closed:
                return Result(Status.CLOSED, "This class has ended: nobody can vote again.")
            self._add_question(connection, found.code, question)
            this_question = (questions.c.code == found.code, questions.c.question_key == question.key)
            # One conditional UPDATE, so a double click opens one round, not two.
            opened = connection.execute(
                sa.update(questions)
                .where(*this_question, questions.c.round < MAX_ROUNDS, questions.c.revealed.is_(False))
                .values(round=questions.c.round + 1)
            ).rowcount
            round_now, revealed = connection.execute(
                sa.select(questions.c.round, questions.c.revealed).where(*this_question)
            ).one()
        if opened:
            return Result(Status.OK, f"Round {round_now} is open: everyone answers again.", round=round_now)
        if revealed:
            return Result(Status.REVEALED, "The answer is out: a new round would not be a prediction.")
        return Result(Status.NO_MORE_ROUNDS, f"This question has had its {MAX_ROUNDS} rounds.", round=round_now)

    def close(self, code: str, teacher_key: str, *, now: float | None = None) -> Result:
        now = _clock(now)
        with self._connection() as connection:
            self._purge(connection, now)
            if (found := self._teachers_class(connection, code, teacher_key)) is None:
                return Result(Status.REFUSED, _REFUSED)
            connection.execute(sa.update(classes).where(classes.c.code == found.code).values(closed=True))
        return Result(Status.OK, "The class has ended: nobody can join or answer; its answers go within 24 hours.")

    def spread(self, code: str, teacher_key: str, question: Question, *, now: float | None = None) -> Spread | Result:
        """The spread of ``question``'s answers for the projector, round by round; a REFUSED ``Result``
        without the class's teacher key."""
        now = _clock(now)
        with self._connection() as connection:
            self._purge(connection, now)
            if (found := self._teachers_class(connection, code, teacher_key)) is None:
                return Result(Status.REFUSED, _REFUSED)
            round_now, revealed = self._question_state(connection, found.code, question.key)
            joined = connection.execute(
                sa.select(sa.func.count()).select_from(members).where(members.c.code == found.code)
            ).scalar_one()
            rows = connection.execute(
                sa.select(answers.c.round, answers.c.number, answers.c.choice, answers.c.sure).where(
                    answers.c.code == found.code, answers.c.question_key == question.key
                )
            ).all()
        rounds = tuple(
            spread_of_round(question, number, [row for row in rows if row.round == number])
            for number in range(1, round_now + 1)
        )
        return Spread(found.code, question.key, joined, revealed, found.closed, rounds, found.started_at + LIFETIME)

    def class_status(self, code: str, teacher_key: str, *, now: float | None = None) -> ClassStatus | Result:
        """The class as its teacher's page sees it between questions (how many joined, whether it has ended);
        a REFUSED ``Result`` without the class's teacher key, exactly as ``spread`` refuses."""
        now = _clock(now)
        with self._connection() as connection:
            self._purge(connection, now)
            if (found := self._teachers_class(connection, code, teacher_key)) is None:
                return Result(Status.REFUSED, _REFUSED)
            joined = connection.execute(
                sa.select(sa.func.count()).select_from(members).where(members.c.code == found.code)
            ).scalar_one()
        return ClassStatus(found.code, joined, found.closed, found.started_at + LIFETIME)

    # -- a learner -----------------------------------------------------------------------------------

    def join(self, code: str, learner_id: str, *, requester: str | None = None, now: float | None = None) -> Result:
        """Put ``learner_id`` in the class with ``code``. ``requester`` is who the rate limit counts failed
        lookups against (the learner's id when left out; the page may pass something harder to renew)."""
        now = _clock(now)
        if not is_learner_id(learner_id):
            return Result(Status.INVALID, "This browser's class id is not valid: reload the page.")
        requester_hash = _digest(requester if isinstance(requester, str) and requester else learner_id)
        with self._connection() as connection:
            self._purge(connection, now)
            if (limited := self._rate_limited(connection, requester_hash, now)) is not None:
                return limited
            wanted = normalised_code(code)
            found = None if wanted is None else self._live_class(connection, wanted)
            if found is None:
                connection.execute(sa.insert(join_failures).values(requester_hash=requester_hash, failed_at=now))
                return Result(Status.UNKNOWN_CLASS, _UNKNOWN)
            if found.closed:
                return Result(Status.CLOSED, _ENDED)
            connection.execute(
                self._insert_new(members, ["code", "learner_id"]).values(
                    code=found.code, learner_id=learner_id, joined_at=now
                )
            )
        return Result(Status.OK, f"You are in class {found.code}: your first answers go to the class, anonymously.")

    def record_answer(
        self,
        code: str,
        learner_id: str,
        question: Question,
        answer: object,
        *,
        sure: bool | None = None,
        now: float | None = None,
    ) -> Result:
        """Store a learner's first answer (and how sure) in the question's open round; later ones are
        reported, never stored. ``sure`` is True for "Sure", False for "Not sure", None when not said."""
        now = _clock(now)
        if not is_learner_id(learner_id):
            return Result(Status.INVALID, "This browser's class id is not valid: reload the page.")
        if (reason := question.rejection(answer)) is not None:
            return Result(Status.INVALID, reason)
        if sure is not None and not isinstance(sure, bool):
            return Result(Status.INVALID, "How sure? is Sure, Not sure, or left out.")
        with self._connection() as connection:
            self._purge(connection, now)
            found = self._learners_class(connection, code, learner_id)
            if found is None:
                return Result(Status.UNKNOWN_CLASS, _NOT_IN_CLASS)
            if found.closed:
                return Result(Status.CLOSED, _ENDED)
            round_now, revealed = self._question_state(connection, found.code, question.key)
            if revealed:
                return Result(Status.REVEALED, "The answer is out: answers to this question are closed.")
            row = {
                "code": found.code,
                "question_key": question.key,
                "round": round_now,
                "learner_id": learner_id,
                "sure": sure,
                "answered_at": now,
                **question.stored(answer),
            }
            target = ["code", "question_key", "round", "learner_id"]
            try:
                stored = connection.execute(self._insert_new(answers, target).values(row)).first() is not None
            except sa.exc.IntegrityError:  # the class was purged between the check and the write
                return Result(Status.UNKNOWN_CLASS, _NOT_IN_CLASS)
        if stored:
            return Result(Status.OK, "Your answer is in.", round=round_now)
        return Result(
            Status.ALREADY_ANSWERED,
            "Your first answer in this round is already in; the class sees that one.",
            round=round_now,
        )

    def learner_view(
        self, code: str, learner_id: str, question: Question, *, now: float | None = None
    ) -> LearnerView | Result:
        """The question's round and state for a learner in the class; an UNKNOWN_CLASS ``Result`` otherwise."""
        now = _clock(now)
        if not is_learner_id(learner_id):
            return Result(Status.INVALID, "This browser's class id is not valid: reload the page.")
        with self._connection() as connection:
            self._purge(connection, now)
            if (found := self._learners_class(connection, code, learner_id)) is None:
                return Result(Status.UNKNOWN_CLASS, _NOT_IN_CLASS)
            round_now, revealed = self._question_state(connection, found.code, question.key)
            answered = connection.execute(
                sa.select(answers.c.round)
                .where(
                    answers.c.code == found.code,
                    answers.c.question_key == question.key,
                    answers.c.learner_id == learner_id,
                )
                .order_by(answers.c.round)
            ).scalars()
            return LearnerView(round_now, revealed, found.closed, tuple(answered))

    # -- inside --------------------------------------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[sa.Connection]:
        try:
            with self._engine.connect() as connection:
                yield connection
        except _UNREACHABLE as error:
            raise StoreUnavailable("the class pulse's database cannot be reached") from error

    def _insert_new(self, table: sa.Table, unique: list[str]):
        """INSERT that leaves an existing row with the same ``unique`` columns alone: the database settles a
        race, so a check made before the write cannot double a row. It returns a row when it wrote one
        (RETURNING: through SQLAlchemy, psycopg reports -1 rows for an INSERT)."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        return (
            dialect.insert(table)
            .on_conflict_do_nothing(index_elements=unique)
            .returning(*(table.c[name] for name in unique))
        )

    def _purge(self, connection: sa.Connection, now: float) -> None:
        """Delete classes started ``LIFETIME`` ago or more with all their rows, and failed lookups older
        than the rate limit's window. Looks first, so a call with nothing to delete does not write."""
        expired = sa.select(classes.c.code).where(classes.c.started_at <= now - LIFETIME)
        if connection.execute(expired.limit(1)).first() is not None:
            for table in (answers, members, questions):
                connection.execute(sa.delete(table).where(table.c.code.in_(expired)))
            connection.execute(sa.delete(classes).where(classes.c.started_at <= now - LIFETIME))
        stale = join_failures.c.failed_at <= now - self.limits.window
        if connection.execute(sa.select(join_failures.c.id).where(stale).limit(1)).first() is not None:
            connection.execute(sa.delete(join_failures).where(stale))

    def _rate_limited(self, connection: sa.Connection, requester_hash: str, now: float) -> Result | None:
        recent = join_failures.c.failed_at > now - self.limits.window
        checks = (
            (join_failures.c.requester_hash == requester_hash, self.limits.per_requester, "from here"),
            (sa.true(), self.limits.everyone, "on this server just now"),
        )
        for whose, limit, where in checks:
            count, oldest = connection.execute(
                sa.select(sa.func.count(), sa.func.min(join_failures.c.failed_at)).where(recent, whose)
            ).one()
            if count >= limit:
                wait = max(1, math.ceil(oldest + self.limits.window - now))
                return Result(
                    Status.RATE_LIMITED, f"Too many wrong codes {where}: try again in {wait} s.", retry_after=wait
                )
        return None

    def _live_class(self, connection: sa.Connection, code: str):
        return connection.execute(sa.select(classes).where(classes.c.code == code)).first()

    def _teachers_class(self, connection: sa.Connection, code: str, teacher_key: str):
        """The class when ``teacher_key`` is its key; None for a wrong, missing or unknown one alike."""
        wanted = normalised_code(code)
        found = None if wanted is None else self._live_class(connection, wanted)
        given = _digest(teacher_key) if isinstance(teacher_key, str) and teacher_key else ""
        # compare_digest takes as long however much of a forged key is right; an unknown code goes through
        # the same comparison, so it is refused exactly like a wrong key.
        expected = found.teacher_key_hash if found is not None else _digest("no class")
        return found if hmac.compare_digest(given, expected) and found is not None else None

    def _learners_class(self, connection: sa.Connection, code: str, learner_id: str):
        wanted = normalised_code(code)
        if wanted is None:
            return None
        return connection.execute(
            sa.select(classes)
            .join(members, members.c.code == classes.c.code)
            .where(classes.c.code == wanted, members.c.learner_id == learner_id)
        ).first()

    def _add_question(self, connection: sa.Connection, code: str, question: Question) -> None:
        row = {"code": code, "question_key": question.key, "round": 1, "revealed": False}
        connection.execute(self._insert_new(questions, ["code", "question_key"]).values(row))

    def _question_state(self, connection: sa.Connection, code: str, question_key: str) -> tuple[int, bool]:
        row = connection.execute(
            sa.select(questions.c.round, questions.c.revealed).where(
                questions.c.code == code, questions.c.question_key == question_key
            )
        ).first()
        return (1, False) if row is None else (row.round, bool(row.revealed))


def is_learner_id(learner_id: object) -> bool:
    return isinstance(learner_id, str) and LEARNER_ID.fullmatch(learner_id) is not None
