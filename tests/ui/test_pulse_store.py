"""The class pulse's store (ui.pulse.store), on SQLite always and on PostgreSQL when
``UNROLLED_TEST_POSTGRES_URL`` is set: every test that takes ``store`` or ``engine`` runs on both.

Outside CI a missing PostgreSQL URL skips its cases with the reason; in CI (``CI=true``) it fails them,
since ``.ci/run`` starts PostgreSQL and sets the URL. The clock is the ``now`` argument throughout.
"""

from __future__ import annotations

import math
import os
import secrets
import threading
from collections import Counter
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ui.pulse import store as store_module
from ui.pulse.questions import ChoiceQuestion, NumberQuestion
from ui.pulse.results import LearnerView, Spread, Status, StoreUnavailable
from ui.pulse.schema import answers, classes, engine_options, join_failures, members, with_installed_driver
from ui.pulse.store import CODE_ALPHABET, CODE_LENGTH, LIFETIME, JoinLimits, PulseStore

POSTGRES_URL_VARIABLE = "UNROLLED_TEST_POSTGRES_URL"
START = 1_800_000_000.0  # the class starts here; each test moves the clock on from it
PREDICT = NumberQuestion("lesson/6", low=-100.0, high=100.0)
CHOOSE = ChoiceQuestion("lesson/9", options=("It explodes", "It fades", "It stays the same"))


def learner(n: int) -> str:
    return f"learner-{n:04d}"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_URL_VARIABLE, "").strip()
    if not url:
        if in_ci():
            pytest.fail(
                f"CI=true but {POSTGRES_URL_VARIABLE} is not set: .ci/run should have started PostgreSQL "
                "and exported it before the test step"
            )
        pytest.skip(f"PostgreSQL cases need {POSTGRES_URL_VARIABLE} (bash .ci/run starts one and sets it)")
    return with_installed_driver(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def engine(backend, tmp_path):
    """An empty database: a SQLite file, or a PostgreSQL schema of its own (dropped afterwards), so
    runs at the same time on one server never see each other's classes."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'pulse.sqlite3'}"
        engine = sa.create_engine(url, **engine_options(url))
        yield engine
        engine.dispose()
        return
    url = postgres_url()
    server = sa.create_engine(url, **engine_options(url))
    schema = f"pulse_test_{secrets.token_hex(6)}"
    with server.begin() as connection:
        connection.execute(sa.schema.CreateSchema(schema))
    yield server.execution_options(schema_translate_map={None: schema})
    with server.begin() as connection:
        connection.execute(sa.schema.DropSchema(schema, cascade=True))
    server.dispose()


@pytest.fixture
def store(engine) -> PulseStore:
    return PulseStore(engine)


def rows(engine, table: sa.Table) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def class_with_learners(store: PulseStore, count: int, *, now: float = START):
    started = store.start_class(now=now)
    for n in range(count):
        assert store.join(started.code, learner(n), now=now + 1).ok
    return started


# -- starting a class -----------------------------------------------------------------------------


def test_a_class_gets_a_short_unambiguous_code_and_a_secret_teacher_key_stored_only_as_a_hash(store, engine):
    started = store.start_class(now=START)
    assert len(started.code) == CODE_LENGTH >= 6
    assert set(started.code) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(CODE_ALPHABET)
    assert len(started.teacher_key) >= 32
    assert started.expires_at == START + LIFETIME
    with engine.connect() as connection:
        stored = connection.execute(sa.select(classes)).one()
    assert stored.code == started.code
    assert started.teacher_key not in stored  # only its hash is kept
    assert len(stored.teacher_key_hash) == 64


def test_codes_and_keys_differ_between_classes(store):
    started = [store.start_class(now=START) for _ in range(50)]
    assert len({s.code for s in started}) == 50
    assert len({s.teacher_key for s in started}) == 50


class ScriptedCodes:
    """``secrets`` whose code characters follow a script (whole codes, one after another)."""

    def __init__(self, *codes: str):
        self.characters = iter("".join(codes))

    def choice(self, alphabet):
        return next(self.characters)

    def token_urlsafe(self, size):
        return secrets.token_urlsafe(size)


def test_a_code_in_use_is_never_given_again_but_an_expired_one_is_free_with_none_of_its_answers(store, monkeypatch):
    monkeypatch.setattr(store_module, "secrets", ScriptedCodes("AAAAAA", "AAAAAA", "BBBBBB", "AAAAAA"))
    first = store.start_class(now=START)
    assert first.code == "AAAAAA"
    assert store.join("AAAAAA", learner(1), now=START).ok
    assert store.record_answer("AAAAAA", learner(1), PREDICT, 5.0, now=START).ok
    assert store.start_class(now=START + 1).code == "BBBBBB"  # AAAAAA was taken: drawn again
    later = START + LIFETIME + 1  # the first class has expired
    again = store.start_class(now=later)
    assert again.code == "AAAAAA"
    spread = store.spread("AAAAAA", again.teacher_key, PREDICT, now=later)
    assert spread.joined == 0 and spread.rounds[0].answered == 0
    assert store.spread("AAAAAA", first.teacher_key, PREDICT, now=later).status is Status.REFUSED


# -- joining --------------------------------------------------------------------------------------


def test_a_learner_joins_by_code_as_typed_and_joining_twice_counts_once(store):
    started = store.start_class(now=START)
    typed = f" {started.code[:3].lower()}-{started.code[3:]} "
    joined = store.join(typed, learner(1), now=START + 5)
    assert joined.ok and started.code in joined.message
    assert store.join(started.code, learner(1), now=START + 6).ok
    assert store.spread(started.code, started.teacher_key, PREDICT, now=START + 7).joined == 1


def test_an_unknown_code_gets_a_clear_result(store):
    store.start_class(now=START)
    for code in ("ZZZZZZ", "", "AB", "0O1IL0", None, 123456):
        result = store.join(code, learner(1), requester=f"requester {code!r}", now=START)
        assert result.status is Status.UNKNOWN_CLASS and not result.ok
        assert "No class has this code" in result.message


def test_a_class_and_its_answers_are_deleted_24_hours_after_it_starts(store, engine):
    started = class_with_learners(store, 3)
    other = class_with_learners(store, 2, now=START + 3600)  # started an hour later
    for n in range(3):
        assert store.record_answer(started.code, learner(n), PREDICT, float(n), now=START + 60).ok
    assert store.record_answer(other.code, learner(0), PREDICT, 1.0, now=START + 3600).ok
    just_before = START + LIFETIME - 1
    assert store.spread(started.code, started.teacher_key, PREDICT, now=just_before).rounds[0].answered == 3
    assert store.join(started.code, learner(9), now=just_before).ok

    expired = START + LIFETIME
    assert store.join(started.code, learner(10), now=expired).status is Status.UNKNOWN_CLASS
    assert rows(engine, classes) == 1  # the purge ran on that access: only the later class is left
    assert rows(engine, answers) == 1 and rows(engine, members) == 2
    assert store.spread(started.code, started.teacher_key, PREDICT, now=expired).status is Status.REFUSED
    assert store.record_answer(started.code, learner(0), CHOOSE, CHOOSE.options[0], now=expired).status is (
        Status.UNKNOWN_CLASS
    )
    assert store.spread(other.code, other.teacher_key, PREDICT, now=expired).rounds[0].numbers == (1.0,)


# -- the rate limit -------------------------------------------------------------------------------


def test_failed_lookups_are_rate_limited_per_requester_and_the_wait_is_said(store):
    started = store.start_class(now=START)
    limit = store.limits.per_requester
    for attempt in range(limit):
        assert store.join("ZZZZZZ", learner(1), now=START + attempt).status is Status.UNKNOWN_CLASS
    limited = store.join(started.code, learner(1), now=START + limit)  # even the right code, now
    assert limited.status is Status.RATE_LIMITED
    assert 0 < limited.retry_after <= store.limits.window
    assert f"try again in {limited.retry_after} s" in limited.message
    assert store.join(started.code, learner(2), now=START + limit).ok  # someone else is not limited
    assert store.join(started.code, learner(1), now=START + limit + limited.retry_after).ok


def test_the_requester_the_page_names_is_limited_whatever_learner_ids_it_makes(store):
    store.start_class(now=START)
    for n in range(store.limits.per_requester):
        store.join("ZZZZZZ", learner(n), requester="one browser", now=START)
    fresh_id = store.join("ZZZZZZ", learner(99), requester="one browser", now=START)
    assert fresh_id.status is Status.RATE_LIMITED


def test_failed_lookups_have_a_cap_for_everyone_together(engine):
    store = PulseStore(engine, limits=JoinLimits(per_requester=100, everyone=10, window=60.0))
    started = store.start_class(now=START)
    for n in range(10):
        assert store.join("ZZZZZZ", learner(n), now=START + n).status is Status.UNKNOWN_CLASS
    limited = store.join(started.code, learner(50), now=START + 10)
    assert limited.status is Status.RATE_LIMITED and limited.retry_after == 50
    assert "try again in 50 s" in limited.message
    assert store.join(started.code, learner(50), now=START + 61).ok  # the first failures left the window


def test_a_class_joining_from_one_address_is_not_limited(store, engine):
    """Successful joins do not count, so a class behind one school address all gets in."""
    started = store.start_class(now=START)
    for n in range(3 * store.limits.per_requester):
        assert store.join(started.code, learner(n), requester="the school's address", now=START).ok
    assert rows(engine, join_failures) == 0


# -- answers --------------------------------------------------------------------------------------


def test_a_learners_first_answer_and_confidence_are_stored_once(store, engine):
    started = class_with_learners(store, 2)
    first = store.record_answer(started.code, learner(0), PREDICT, 2.5, sure=True, now=START + 10)
    assert first.ok and first.round == 1
    again = store.record_answer(started.code, learner(0), PREDICT, -7.0, sure=False, now=START + 11)
    assert again.status is Status.ALREADY_ANSWERED and "already in" in again.message
    assert store.record_answer(started.code, learner(1), PREDICT, 40, sure=False, now=START + 12).ok
    spread = store.spread(started.code, started.teacher_key, PREDICT, now=START + 13)
    assert spread.rounds[0].numbers == (2.5, 40.0)
    assert (spread.rounds[0].sure, spread.rounds[0].not_sure) == (1, 1)
    assert rows(engine, answers) == 2


def test_the_bounds_of_a_number_question_are_accepted(store):
    started = class_with_learners(store, 2)
    assert store.record_answer(started.code, learner(0), PREDICT, PREDICT.low, now=START).ok
    assert store.record_answer(started.code, learner(1), PREDICT, PREDICT.high, now=START).ok


def test_a_learner_who_has_not_joined_cannot_answer_and_learns_nothing_about_the_code(store):
    started = class_with_learners(store, 1)
    outsider = store.record_answer(started.code, learner(7), PREDICT, 1.0, now=START)
    unknown = store.record_answer("ZZZZZZ", learner(7), PREDICT, 1.0, now=START)
    assert outsider.status is unknown.status is Status.UNKNOWN_CLASS
    assert outsider.message == unknown.message
    assert store.learner_view(started.code, learner(7), PREDICT, now=START).status is Status.UNKNOWN_CLASS


def short_repr(value) -> str:
    return repr(value)[:24]


SQL_TEXT = "1; DROP TABLE pulse_answers; --"
HOSTILE_NUMBERS = [
    math.nan, math.inf, -math.inf, 1e308, -1e308, 100.000001, 10**400, "2.5", SQL_TEXT, "", None, True, [1.0],
    {"value": 1.0}, Decimal("1.5"), 1 + 2j,
]  # fmt: skip
HOSTILE_CHOICES = [
    "it explodes", "It explodes ", "Something else", SQL_TEXT, "", None, 0, 1.0, ("It explodes",), b"It fades",
]  # fmt: skip


@pytest.mark.parametrize("answer", HOSTILE_NUMBERS, ids=short_repr)
def test_a_number_answer_must_be_finite_and_within_bounds(store, engine, answer):
    started = class_with_learners(store, 1)
    result = store.record_answer(started.code, learner(0), PREDICT, answer, now=START)
    assert result.status is Status.INVALID and result.message
    assert rows(engine, answers) == 0
    assert store.record_answer(started.code, learner(0), PREDICT, 1.0, now=START).ok  # and still answers


@pytest.mark.parametrize("answer", HOSTILE_CHOICES, ids=short_repr)
def test_a_choice_must_be_one_of_the_questions_options(store, engine, answer):
    started = class_with_learners(store, 1)
    result = store.record_answer(started.code, learner(0), CHOOSE, answer, now=START)
    assert result.status is Status.INVALID and result.message == "Pick one of the answers shown."
    assert rows(engine, answers) == 0


@pytest.mark.parametrize("sure", ["Sure", 1, 0.0, "yes"], ids=repr)
def test_how_sure_is_true_false_or_left_out(store, sure):
    started = class_with_learners(store, 1)
    assert store.record_answer(started.code, learner(0), PREDICT, 1.0, sure=sure, now=START).status is Status.INVALID


@pytest.mark.parametrize("learner_id", ["", "short", SQL_TEXT, "x" * 65, None, 42, "ünïcode-id-1"], ids=repr)
def test_a_learner_id_must_look_like_one_the_page_makes(store, engine, learner_id):
    started = store.start_class(now=START)
    assert store.join(started.code, learner_id, now=START).status is Status.INVALID
    assert store.record_answer(started.code, learner_id, PREDICT, 1.0, now=START).status is Status.INVALID
    assert rows(engine, members) == 0


@pytest.mark.parametrize("code", [SQL_TEXT, "' OR '1'='1", "A" * 10_000, "ÄÖÜ234", "%", "*"], ids=short_repr)
def test_sql_looking_or_huge_codes_find_no_class_and_harm_no_table(store, engine, code):
    started = class_with_learners(store, 1)
    assert store.join(code, learner(1), requester="someone", now=START).status is Status.UNKNOWN_CLASS
    assert store.record_answer(code, learner(0), PREDICT, 1.0, now=START).status is Status.UNKNOWN_CLASS
    assert store.reveal(code, started.teacher_key, PREDICT, now=START).status is Status.REFUSED
    assert rows(engine, classes) == 1 and rows(engine, members) == 1


def test_sql_looking_option_text_is_stored_as_text(store):
    question = ChoiceQuestion("scenario/sql", options=(SQL_TEXT, "'); DELETE FROM pulse_classes; --"))
    started = class_with_learners(store, 2)
    assert store.record_answer(started.code, learner(0), question, SQL_TEXT, now=START).ok
    assert store.record_answer(started.code, learner(1), question, question.options[1], now=START).ok
    counts = store.spread(started.code, started.teacher_key, question, now=START).rounds[0].counts
    assert counts == {SQL_TEXT: 1, question.options[1]: 1}


# -- the teacher ----------------------------------------------------------------------------------


def test_a_forged_missing_or_other_class_key_is_refused_and_changes_nothing(store):
    started = class_with_learners(store, 1)
    other = store.start_class(now=START)
    forged = ["", None, "x" * 43, other.teacher_key, started.teacher_key[:-1], started.teacher_key.upper(), SQL_TEXT]
    for key in forged:
        for action in (
            lambda k: store.reveal(started.code, k, PREDICT, now=START),
            lambda k: store.vote_again(started.code, k, PREDICT, now=START),
            lambda k: store.close(started.code, k, now=START),
            lambda k: store.spread(started.code, k, PREDICT, now=START),
        ):
            result = action(key)
            assert result.status is Status.REFUSED and "teacher key" in result.message
    assert store.record_answer(started.code, learner(0), PREDICT, 3.0, now=START).ok  # nothing was closed
    spread = store.spread(started.code, started.teacher_key, PREDICT, now=START)
    assert (spread.revealed, spread.closed, len(spread.rounds)) == (False, False, 1)


def test_a_teacher_key_for_a_code_that_does_not_exist_is_refused_like_a_forged_one(store):
    started = store.start_class(now=START)
    refused = store.reveal("ZZZZZZ", started.teacher_key, PREDICT, now=START)
    forged = store.reveal(started.code, "forged", PREDICT, now=START)
    assert refused == forged and refused.status is Status.REFUSED


def test_reveal_closes_answers_to_that_question_only(store):
    started = class_with_learners(store, 2)
    assert store.record_answer(started.code, learner(0), PREDICT, 1.0, now=START).ok
    assert store.reveal(started.code, started.teacher_key, PREDICT, now=START + 1).ok
    late = store.record_answer(started.code, learner(1), PREDICT, 2.0, now=START + 2)
    assert late.status is Status.REVEALED
    assert store.record_answer(started.code, learner(1), CHOOSE, CHOOSE.options[1], now=START + 2).ok
    spread = store.spread(started.code, started.teacher_key, PREDICT, now=START + 3)
    assert spread.revealed and spread.rounds[0].numbers == (1.0,)
    assert not store.spread(started.code, started.teacher_key, CHOOSE, now=START + 3).revealed
    assert store.vote_again(started.code, started.teacher_key, PREDICT, now=START + 4).status is Status.REVEALED


def test_vote_again_opens_round_two_and_the_rounds_are_kept_side_by_side(store):
    started = class_with_learners(store, 3)
    for n, option in enumerate(("It explodes", "It explodes", "It fades")):
        assert store.record_answer(started.code, learner(n), CHOOSE, option, sure=n == 0, now=START).ok
    opened = store.vote_again(started.code, started.teacher_key, CHOOSE, now=START + 60)
    assert opened.ok and opened.round == 2
    view = store.learner_view(started.code, learner(0), CHOOSE, now=START + 61)
    assert view == LearnerView(round=2, revealed=False, closed=False, answered_rounds=(1,))
    for n in range(3):
        second = store.record_answer(started.code, learner(n), CHOOSE, "It fades", sure=True, now=START + 62)
        assert second.ok and second.round == 2
    assert store.learner_view(started.code, learner(0), CHOOSE, now=START + 63).answered_rounds == (1, 2)
    spread = store.spread(started.code, started.teacher_key, CHOOSE, now=START + 63)
    first_round, second_round = spread.rounds
    assert first_round.counts == {"It explodes": 2, "It fades": 1, "It stays the same": 0}
    assert second_round.counts == {"It explodes": 0, "It fades": 3, "It stays the same": 0}
    assert (first_round.sure, second_round.sure) == (1, 3)
    more = store.vote_again(started.code, started.teacher_key, CHOOSE, now=START + 64)
    assert more.status is Status.NO_MORE_ROUNDS and more.round == 2


def test_close_ends_joining_and_answering_but_the_teacher_still_sees_the_spread(store):
    started = class_with_learners(store, 2)
    assert store.record_answer(started.code, learner(0), PREDICT, 4.0, now=START).ok
    assert store.close(started.code, started.teacher_key, now=START + 1).ok
    assert store.join(started.code, learner(5), now=START + 2).status is Status.CLOSED
    assert store.record_answer(started.code, learner(1), PREDICT, 4.0, now=START + 2).status is Status.CLOSED
    assert store.vote_again(started.code, started.teacher_key, PREDICT, now=START + 2).status is Status.CLOSED
    spread = store.spread(started.code, started.teacher_key, PREDICT, now=START + 3)
    assert spread.closed and spread.rounds[0].numbers == (4.0,)
    assert store.learner_view(started.code, learner(1), PREDICT, now=START + 3).closed


def test_the_spread_before_any_answer_and_what_it_holds(store):
    started = class_with_learners(store, 4)
    spread = store.spread(started.code.lower(), started.teacher_key, PREDICT, now=START + 2)
    assert isinstance(spread, Spread)
    assert (spread.code, spread.question_key, spread.joined) == (started.code, "lesson/6", 4)
    assert [r.answered for r in spread.rounds] == [0]
    # What the projector may show, and nothing else: the store has no right answer to leak.
    assert set(Spread.__dataclass_fields__) == {
        "code", "question_key", "joined", "revealed", "closed", "rounds", "expires_at",
    }  # fmt: skip


def test_a_second_store_on_the_same_database_sees_the_same_classes(store, engine):
    started = class_with_learners(store, 1)
    reopened = PulseStore(engine)  # what a restarted server does: the tables exist, their rows stay
    assert reopened.spread(started.code, started.teacher_key, PREDICT, now=START).joined == 1


# -- a class under load ---------------------------------------------------------------------------


def test_sixty_learners_answering_at_once_each_have_exactly_one_answer_stored(store, engine):
    """Each learner answers from two tabs at the same moment (120 threads): one answer each is stored."""
    started = store.start_class(now=START)
    learners = [learner(n) for n in range(60)]
    go = threading.Barrier(len(learners))
    results: dict[str, list] = {name: [] for name in learners}
    failures: list[BaseException] = []

    def join_then_answer(name: str, n: int) -> None:
        try:
            go.wait()
            assert store.join(started.code, name, now=START + 1).ok
            tabs = [threading.Thread(target=answer, args=(name, value)) for value in (float(n % 7), float(n % 7) + 50)]
            for tab in tabs:
                tab.start()
            for tab in tabs:
                tab.join()
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    def answer(name: str, value: float) -> None:
        try:
            results[name].append(store.record_answer(started.code, name, PREDICT, value, sure=True, now=START + 2))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=join_then_answer, args=(name, n)) for n, name in enumerate(learners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    for name in learners:
        assert sorted(r.status for r in results[name]) == [Status.ALREADY_ANSWERED, Status.OK]
    spread = store.spread(started.code, started.teacher_key, PREDICT, now=START + 3)
    assert spread.joined == 60 and spread.rounds[0].answered == 60 and spread.rounds[0].sure == 60
    with engine.connect() as connection:
        stored = connection.execute(sa.select(answers.c.learner_id, answers.c.number)).all()
    assert Counter(name for name, _ in stored) == Counter(learners)
    # Each stored answer is one its learner sent (either tab may win the race).
    by_learner = dict(stored)
    for n, name in enumerate(learners):
        assert by_learner[name] in (float(n % 7), float(n % 7) + 50)


# -- an unreachable database ----------------------------------------------------------------------


class Outage:
    """An engine whose new connections go nowhere once ``down`` is set: a SQLite file in a folder that
    is not there, a PostgreSQL port nobody listens on."""

    def __init__(self, engine: sa.Engine):
        self.engine, self.down = engine, False
        sa.event.listen(engine, "do_connect", self.redirect)

    def redirect(self, dialect, connection_record, cargs, cparams):
        if not self.down:
            return
        if dialect.name == "sqlite":
            cargs[:] = ["/nonexistent-unrolled-folder/pulse.sqlite3"]
        else:
            cparams.update(host="127.0.0.1", port=1, connect_timeout=2)

    def start(self) -> None:
        self.down = True
        self.engine.dispose()  # pooled connections would otherwise outlive the outage


def test_an_unreachable_database_raises_store_unavailable_from_every_call(engine):
    outage = Outage(engine)
    store = PulseStore(engine)
    started = class_with_learners(store, 1)
    outage.start()
    calls = [
        lambda: store.start_class(now=START),
        lambda: store.join(started.code, learner(0), now=START),
        lambda: store.record_answer(started.code, learner(0), PREDICT, 1.0, now=START),
        lambda: store.learner_view(started.code, learner(0), PREDICT, now=START),
        lambda: store.reveal(started.code, started.teacher_key, PREDICT, now=START),
        lambda: store.vote_again(started.code, started.teacher_key, PREDICT, now=START),
        lambda: store.close(started.code, started.teacher_key, now=START),
        lambda: store.spread(started.code, started.teacher_key, PREDICT, now=START),
        lambda: PulseStore(engine),
    ]
    for call in calls:
        with pytest.raises(StoreUnavailable):
            call()
    outage.down = False  # back: the same store carries on
    assert store.spread(started.code, started.teacher_key, PREDICT, now=START).joined == 1
