"""The class pulse's tables, one SQLAlchemy schema for SQLite and PostgreSQL, and which database to use.

Times are seconds since the epoch (``time.time()``), passed in by the caller, so tests set the clock."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa

DATABASE_URL_VARIABLE = "UNROLLED_DATABASE_URL"
SQLITE_FILE_NAME = "pulse.sqlite3"

metadata = sa.MetaData()

# Every table below ``classes`` refers to it with ON DELETE CASCADE. PostgreSQL enforces that; SQLite
# ignores foreign keys unless each connection turns them on, so the store deletes a class's rows itself
# and the cascade only catches an answer written while its class was being purged.

classes = sa.Table(
    "pulse_classes",
    metadata,
    sa.Column("code", sa.String(12), primary_key=True),  # the join code, unique among live classes
    # sha256 of the teacher key: a leaked database row does not let anyone act as the teacher.
    sa.Column("teacher_key_hash", sa.String(64), nullable=False),
    sa.Column("started_at", sa.Float, nullable=False, index=True),
    sa.Column("closed", sa.Boolean, nullable=False, default=False),
)

members = sa.Table(
    "pulse_members",
    metadata,
    sa.Column("code", sa.String(12), sa.ForeignKey(classes.c.code, ondelete="CASCADE"), primary_key=True),
    sa.Column("learner_id", sa.String(64), primary_key=True),
    sa.Column("joined_at", sa.Float, nullable=False),
)

# A question's round and whether its answer is out; no row means round 1, not revealed. Only the
# teacher's actions write here, so learners answering at once never contend for it.
questions = sa.Table(
    "pulse_questions",
    metadata,
    sa.Column("code", sa.String(12), sa.ForeignKey(classes.c.code, ondelete="CASCADE"), primary_key=True),
    sa.Column("question_key", sa.String(100), primary_key=True),
    sa.Column("round", sa.Integer, nullable=False, default=1),
    sa.Column("revealed", sa.Boolean, nullable=False, default=False),
)

answers = sa.Table(
    "pulse_answers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(12), sa.ForeignKey(classes.c.code, ondelete="CASCADE"), nullable=False),
    sa.Column("question_key", sa.String(100), nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("learner_id", sa.String(64), nullable=False),
    sa.Column("number", sa.Float, nullable=True),  # a number question's answer
    sa.Column("choice", sa.String(200), nullable=True),  # a choice question's option, as shown
    sa.Column("sure", sa.Boolean, nullable=True),  # "How sure?": None when the learner did not say
    sa.Column("answered_at", sa.Float, nullable=False),
    # The database, not the code, keeps a learner's first answer the only one: two answers racing
    # from two tabs cannot both pass a check made before either is written.
    sa.UniqueConstraint("code", "question_key", "round", "learner_id", name="pulse_answers_first_only"),
)

# Failed join lookups of the last minute, for the rate limit (requester ids are hashed).
join_failures = sa.Table(
    "pulse_join_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("requester_hash", sa.String(64), nullable=False, index=True),
    sa.Column("failed_at", sa.Float, nullable=False, index=True),
)


def database_url(configured: str | None = None, *, environ: Mapping[str, str] = os.environ) -> str:
    """The database the pulse uses: ``UNROLLED_DATABASE_URL`` when set, else ``configured`` (what the page
    reads from secrets), else a SQLite file in a writable folder. A bare ``postgresql://`` URL gets the
    psycopg (3) driver that requirements.txt installs."""
    for candidate in (environ.get(DATABASE_URL_VARIABLE), configured):
        if candidate and candidate.strip():
            return with_installed_driver(candidate.strip())
    return f"sqlite:///{writable_data_dir() / SQLITE_FILE_NAME}"


def with_installed_driver(url: str) -> str:
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        # The URL may hold a password: name the setting, not its value.
        raise ValueError(f"The configured database URL ({DATABASE_URL_VARIABLE} or secrets) is not a URL") from None
    if parsed.drivername in ("postgres", "postgresql"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def writable_data_dir() -> Path:
    """The user's state folder (``$XDG_STATE_HOME`` or ``~/.local/state``)/unrolled, else the temporary
    folder's unrolled/: a class lives 24 hours, so a folder a reboot clears is good enough."""
    state_home = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    candidates = (Path(state_home) / "unrolled", Path(tempfile.gettempdir()) / "unrolled")
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    # Nothing writable: SQLite will fail to open the file there, which the store reports as unavailable.
    return candidates[-1]


def engine_options(url: str) -> dict:
    """Keyword arguments for ``sqlalchemy.create_engine`` (or ``st.connection("sql", url=..., **these)``)."""
    backend = sa.engine.make_url(url).get_backend_name()
    if backend == "sqlite":
        # SQLite lets one writer at a time: a class answering at once waits its turn instead of failing.
        return {"connect_args": {"timeout": 15}}
    if backend == "postgresql":
        # An unreachable server is reported within seconds (not after TCP's minutes), and a connection
        # the server dropped while the pool held it is replaced before use.
        return {"pool_pre_ping": True, "connect_args": {"connect_timeout": 3}}
    return {}


def create_tables(engine: sa.Engine) -> None:
    """Create the tables that are missing (existing ones and their rows are kept)."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        # Write-ahead logging: the projector's reads do not wait for learners' writes. The setting stays
        # with the file; SQLite changes it only outside a transaction.
        with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    with engine.begin() as connection:
        metadata.create_all(connection)
