"""Where the class pulse's database comes from (issue 30): Streamlit's ``st.connection("sql")`` at the
URL of ``UNROLLED_DATABASE_URL``, else of ``[connections.sql] url`` in the secrets, else a SQLite file;
a database the app cannot open is said once and the lesson goes on.

Each test starts a class on For teachers (AppTest) and then looks for it in the database it expects,
opened by the test itself."""

from __future__ import annotations

import os
import secrets

import pytest
import sqlalchemy as sa
import streamlit as st
from apptest_support import all_text, assert_clean, open_page
from streamlit.connections import SQLConnection

from ui.pulse.results import ClassStatus
from ui.pulse.schema import DATABASE_URL_VARIABLE, engine_options, with_installed_driver
from ui.pulse.start import STARTED
from ui.pulse.store import PulseStore

TEACHERS, LESSON = "app_pages/teachers.py", "app_pages/lesson.py"


def sqlite_url(folder, name: str) -> str:
    return f"sqlite:///{folder / name}"


def start_a_class(secrets: dict | None = None):
    """For teachers with ``secrets`` (what .streamlit/secrets.toml would hold), after Start a class."""
    at = open_page(None)
    for name, value in (secrets or {}).items():
        at.secrets[name] = value
    at.switch_page(TEACHERS).run()
    at.button(key="pulse_start").click().run()
    assert_clean(at)
    return at


def classes_in(url: str) -> list[str]:
    """The codes of the classes in the database at ``url`` (none when it has no pulse tables)."""
    engine = sa.create_engine(url, **engine_options(url))
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("pulse_classes"):
                return []
            return list(connection.execute(sa.text("SELECT code FROM pulse_classes")).scalars())
    finally:
        engine.dispose()


def has_class(url: str, at) -> bool:
    started = at.session_state[STARTED]
    engine = sa.create_engine(url, **engine_options(url))
    try:
        return isinstance(PulseStore(engine).class_status(started.code, started.teacher_key), ClassStatus)
    finally:
        engine.dispose()


def test_the_store_comes_from_streamlits_sql_connection_at_the_environments_url(tmp_path, monkeypatch):
    url = sqlite_url(tmp_path, "from-the-environment.sqlite3")
    monkeypatch.setenv(DATABASE_URL_VARIABLE, url)
    made = []
    real = st.connection

    def spy(name, *args, **kwargs):
        connection = real(name, *args, **kwargs)
        made.append((name, kwargs, connection))
        return connection

    monkeypatch.setattr(st, "connection", spy)
    at = start_a_class()
    assert made, "the store did not ask st.connection for its engine"
    name, kwargs, connection = made[-1]
    assert name == "sql" and kwargs["url"] == url
    assert kwargs["connect_args"] == engine_options(url)["connect_args"]  # SQLite's wait for the writer
    assert isinstance(connection, SQLConnection) and str(connection.engine.url) == url
    assert has_class(url, at)


def test_with_no_environment_variable_the_secrets_url_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv(DATABASE_URL_VARIABLE)
    url = sqlite_url(tmp_path, "from-the-secrets.sqlite3")
    at = start_a_class({"connections": {"sql": {"url": url}}})
    assert has_class(url, at)


def test_the_environment_variable_wins_over_the_secrets(tmp_path, monkeypatch):
    chosen, passed_over = sqlite_url(tmp_path, "environment.sqlite3"), sqlite_url(tmp_path, "secrets.sqlite3")
    monkeypatch.setenv(DATABASE_URL_VARIABLE, chosen)
    at = start_a_class({"connections": {"sql": {"url": passed_over}}})
    assert has_class(chosen, at)
    assert classes_in(passed_over) == []


def test_with_nothing_configured_the_class_goes_to_the_sqlite_file_in_the_state_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(DATABASE_URL_VARIABLE)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    at = start_a_class()
    assert has_class(sqlite_url(tmp_path / "state" / "unrolled", "pulse.sqlite3"), at)


@pytest.mark.parametrize(
    "url",
    ["mysql://teacher:secret-password@db.example.org/pulse", "secret-password@db.example.org"],
    ids=["no driver installed", "not a URL"],
)
def test_a_database_the_app_cannot_open_is_said_once_and_the_lesson_works(monkeypatch, url):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, url)
    at = start_a_class()
    said = [w.value for w in at.warning if "cannot be reached" in w.value]
    assert len(said) == 1 and STARTED not in at.session_state
    assert "secret-password" not in all_text(at)
    at.switch_page(LESSON).run()
    assert_clean(at)
    assert not [w.value for w in at.warning if "cannot be reached" in w.value]  # said once per session


@pytest.fixture
def postgres_schema_url():
    """A URL into a PostgreSQL schema of this test's own (dropped afterwards), from
    ``UNROLLED_TEST_POSTGRES_URL``: skipped without it outside CI, failed without it in CI."""
    url = os.environ.get("UNROLLED_TEST_POSTGRES_URL", "").strip()
    if not url:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI=true but UNROLLED_TEST_POSTGRES_URL is not set: .ci/run should have set it")
        pytest.skip("the PostgreSQL case needs UNROLLED_TEST_POSTGRES_URL (bash .ci/run starts one and sets it)")
    url = with_installed_driver(url)
    schema = f"pulse_page_{secrets.token_hex(6)}"
    server = sa.create_engine(url, **engine_options(url))
    with server.begin() as connection:
        connection.execute(sa.schema.CreateSchema(schema))
    yield (
        sa.engine.make_url(url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    with server.begin() as connection:
        connection.execute(sa.schema.DropSchema(schema, cascade=True))
    server.dispose()


def test_on_postgresql_a_class_starts_and_a_learner_joins_through_the_sql_connection(postgres_schema_url, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, postgres_schema_url)
    at = start_a_class()
    assert has_class(postgres_schema_url, at)
    code = at.session_state[STARTED].code
    learner = open_page(None, {"class": code})
    assert_clean(learner)
    assert any(f"You are in class {code}" in s.value for s in learner.success)
    engine = sa.create_engine(postgres_schema_url, **engine_options(postgres_schema_url))
    try:
        status = PulseStore(engine).class_status(code, at.session_state[STARTED].teacher_key)
        assert isinstance(status, ClassStatus) and status.joined == 1
    finally:
        engine.dispose()
