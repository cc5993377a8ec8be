"""The class pulse's load measurement (``python bench/class_load.py --pulse``) still runs, and its check
that every answer is stored exactly once can fail.

A tiny class on SQLite (4 learners, one pressing Check twice) through the real app and the protocol
client: the table has its row, the database holds each first answer once, and the teacher's screen drew
the full count. A class where one learner's answer never reaches the store is reported as losing it.
Behaviour only, never speed: no figure is compared with a target here.
"""

from __future__ import annotations

import contextlib
import io
import re
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from bench import class_load as cl
from ui.pulse.lesson_questions import network_answer, question_of, step_by_key

MS = re.compile(r"^\d+ ms$")
SECONDS = re.compile(r"^\d+\.\d\d s$")


def in_a_thread(function, *args, **kwargs):
    """``function`` on a thread of its own: the bench runs its own event loops (asyncio.run), which a test
    process that has driven a browser (Playwright's sync API) refuses on this one."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(function, *args, **kwargs).result()


@pytest.fixture(scope="module")
def tiny_class():
    printed = io.StringIO()
    argv = ["--pulse", "--learners", "4", "--store", "sqlite", "--within", "2", "--again", "2"]
    with contextlib.redirect_stdout(printed):
        results = in_a_thread(cl.main, argv)
    results["printed"] = printed.getvalue()
    return results


def test_the_pulse_table_has_a_row_for_sqlite_with_every_answer_stored_once(tiny_class):
    table = tiny_class["table"]
    assert table.render() in tiny_class["printed"]
    assert table.header[:5] == ["store", "learners", "answers stored", "lost", "doubled"]
    row = dict(zip(table.header, table.row("sqlite"), strict=True))
    assert row["learners"] == "4" and row["answers stored"] == "4 of 4"
    assert row["lost"] == "0" and row["doubled"] == "0" and row["errors"] == "0 / 0 lost"
    assert all(MS.match(row[name]) for name in ("answer p50", "answer p95", "answer max", "answer alone"))
    assert all(MS.match(part) for part in row["join p50 / p95"].split(" / "))
    assert SECONDS.match(row["teacher shows all"]) and SECONDS.match(row["slowest answer shown"])
    assert re.match(r"^\d+\.\d\d / \d+\.\d\d$", row["load average start / end"])
    assert any(note.startswith("load average at start: ") and "at end: " in note for note in table.notes)


def test_each_learner_was_told_and_the_database_holds_each_first_answer_exactly_once(tiny_class):
    result = tiny_class["results"]["sqlite"]
    assert result.tally == cl.Tally(sent=4, stored=4, lost=0, doubled=0, stray=0) and result.tally.exactly_once
    assert result.joined == 4 and result.rows == 4
    learners = result.phase.learners
    assert [lr.told for lr in learners] == ["sent"] * 4
    pressed_again = [lr for lr in learners if lr.again is not None]
    assert len(pressed_again) == 2 and all(lr.told_again == "already in" for lr in pressed_again)
    assert len(result.answer_times) == 4 and all(t > 0 for t in result.answer_times)
    assert result.phase.seen[-1][1] == 4, "the teacher's screen drew the full count"
    assert result.phase.teacher_refreshes >= 1 and result.phase.errors == [] and result.phase.lost == 0
    assert [line.split(": ", 1)[1].rsplit(": ", 1)[0] for line in tiny_class["verdicts"]] == [
        "every answer stored exactly once",
        "the teacher's count right within 2 s",
        "learners' p95 <= 500 ms",
    ]
    assert tiny_class["verdicts"][0].endswith(": yes")


def test_a_learner_whose_answer_never_reaches_the_store_is_counted_lost():
    # The second learner answers outside the question's bounds: the page sends it, the store refuses it.
    step = step_by_key(cl.PULSE_STEP)
    question = question_of(step)
    crowd = cl.pulse_learners(3, network_answer(step), question.low, question.high, 0, 1.0)
    crowd[1].value = question.high * 10
    result = in_a_thread(cl.measure_pulse, "sqlite", 3, 1.0, 0, crowd=crowd)
    assert result.tally.sent == 3 and result.tally.stored == 2 and result.tally.lost == 1
    assert not result.tally.exactly_once
    assert result.rows == 2 and result.joined == 3
    assert "Not sent to the class" in crowd[1].told
    assert cl.pulse_verdicts(result)[0] == "sqlite: every answer stored exactly once: NO"
    assert cl.pulse_table([result], 3, 1.0, cl.PULSE_STEP).row("sqlite")[2:4] == ["2 of 3", "1"]


def row(number, sure, learner_id):
    return SimpleNamespace(number=number, sure=sure, learner_id=learner_id)


def test_the_tally_finds_a_lost_a_doubled_and_a_stray_answer():
    learners = cl.pulse_learners(3, 0.5, -1000.0, 1000.0, 0, 1.0)
    for learner in learners:
        learner.sent = True
    said = {"Sure": True, "Not sure": False, None: None}
    rows = [row(lr.value, said[lr.sure], f"id-{lr.index}") for lr in learners]
    assert cl.tally_answers(learners, rows).exactly_once
    lost = cl.tally_answers(learners, rows[:2])
    assert (lost.stored, lost.lost, lost.exactly_once) == (2, 1, False)
    twice = cl.tally_answers(learners, [*rows, row(learners[0].value, said[learners[0].sure], "id-new")])
    assert (twice.doubled, twice.exactly_once) == (1, False)
    changed = cl.tally_answers(learners, [*rows[:2], row(-learners[2].value, said[learners[2].sure], "id-2")])
    assert (changed.lost, changed.stray, changed.exactly_once) == (1, 1, False)
    unsure = cl.tally_answers(learners, [*rows[:2], row(learners[2].value, not said[learners[2].sure], "id-2")])
    assert not unsure.exactly_once  # the right number with the wrong How sure? is not the learner's answer


def test_count_delays_wait_for_a_count_that_includes_each_answer():
    written = [10.0, 10.5, 11.0]
    seen = [(9.0, 0), (10.2, 1), (11.4, 2), (12.9, 3)]
    assert cl.count_delays(written, seen) == pytest.approx([0.2, 0.9, 1.9])
    assert cl.count_delays(written, seen[:3])[-1] is None  # the full count was never drawn
