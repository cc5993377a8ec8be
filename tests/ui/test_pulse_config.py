"""Which database the class pulse uses (ui.pulse.schema.database_url), and what a question accepts as its
definition (ui.pulse.questions): mistakes in the page's own code fail loudly, not in front of a class."""

from __future__ import annotations

import math
import tempfile

import pytest
import sqlalchemy as sa

from ui.pulse.questions import ChoiceQuestion, NumberQuestion
from ui.pulse.schema import DATABASE_URL_VARIABLE, database_url, engine_options
from ui.pulse.store import PulseStore

SERVER = "postgresql+psycopg://teacher:secret-password@db.example.org:5432/pulse"


def test_the_environment_variable_comes_before_the_secrets_url():
    environ = {DATABASE_URL_VARIABLE: SERVER}
    assert database_url("sqlite:////srv/other.sqlite3", environ=environ) == SERVER


def test_the_secrets_url_is_used_when_the_environment_has_none_or_a_blank_one():
    assert database_url(SERVER, environ={}) == SERVER
    assert database_url(SERVER, environ={DATABASE_URL_VARIABLE: "  "}) == SERVER


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_a_postgresql_url_without_a_driver_gets_psycopg_which_requirements_install(scheme):
    url = database_url(f"{scheme}://teacher:secret-password@db.example.org/pulse", environ={})
    assert url == "postgresql+psycopg://teacher:secret-password@db.example.org/pulse"


def test_a_url_that_is_not_one_is_named_without_showing_its_password():
    with pytest.raises(ValueError) as raised:
        database_url("secret-password@db.example.org", environ={})
    assert DATABASE_URL_VARIABLE in str(raised.value)
    assert "secret-password" not in str(raised.value)


def test_with_nothing_configured_a_sqlite_file_in_the_users_state_folder_just_works(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    url = database_url(None, environ={})
    assert url == f"sqlite:///{tmp_path / 'state' / 'unrolled' / 'pulse.sqlite3'}"
    engine = sa.create_engine(url, **engine_options(url))
    started = PulseStore(engine).start_class(now=1_800_000_000)
    assert PulseStore(engine).join(started.code, "learner-0001", now=1_800_000_001).ok
    engine.dispose()


def test_a_state_folder_that_cannot_be_made_falls_back_to_the_temporary_folder(tmp_path, monkeypatch):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocked))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    assert database_url(None, environ={}) == f"sqlite:///{tmp_path / 'tmp' / 'unrolled' / 'pulse.sqlite3'}"


@pytest.mark.parametrize(
    "low, high",
    [(1.0, 1.0), (2.0, 1.0), (-math.inf, 1.0), (0.0, math.inf), (math.nan, 1.0)],
)
def test_a_number_questions_bounds_are_finite_and_ordered(low, high):
    with pytest.raises(ValueError):
        NumberQuestion("lesson/6", low, high)


@pytest.mark.parametrize("key", ["", "x" * 101, "line\nbreak", None, 6])
def test_a_question_key_is_short_printable_text(key):
    with pytest.raises(ValueError):
        NumberQuestion(key, 0.0, 1.0)
    with pytest.raises(ValueError):
        ChoiceQuestion(key, ("yes", "no"))


@pytest.mark.parametrize(
    "options",
    [
        ("only one",),
        ("same", "same"),
        ["a", "b"],
        ("a", ""),
        ("a", "x" * 201),
        ("a", 2),
        tuple("abcdefghijklmnopqrstu"),
    ],
    ids=["one", "repeated", "a list", "empty", "too long", "not text", "21 options"],
)
def test_a_choice_question_has_a_few_different_options(options):
    with pytest.raises(ValueError):
        ChoiceQuestion("lesson/9", options)
