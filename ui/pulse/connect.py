"""The pages' way to the class pulse's store: Streamlit's SQL connection (``st.connection("sql")``), one
``PulseStore`` on it for the server, and an unreachable database said once per session while the lesson
goes on alone.

Nothing here touches the database until a page asks for the store (a class link, Start a class), so a
learner who never meets a class never opens one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
import streamlit as st

from ui.pulse.results import StoreUnavailable
from ui.pulse.schema import database_url, engine_options
from ui.pulse.store import PulseStore

CONNECTION = "sql"  # st.connection's name: its settings are [connections.sql] in secrets.toml
UNAVAILABLE_SAID = "pulse_unavailable_said"
UNAVAILABLE = (
    "The class's database cannot be reached just now, so answers here are not sent to the class. "
    "The lesson works as before."
)

T = TypeVar("T")


def configured_url() -> str | None:
    """The URL in ``.streamlit/secrets.toml`` (``[connections.sql] url = ...``, what ``st.connection("sql")``
    reads), or None when there is no secrets file or no such entry."""
    try:
        return st.secrets.get("connections", {}).get(CONNECTION, {}).get("url")
    except Exception:  # no secrets file, or one that does not parse: the pulse falls back to its SQLite file
        return None


def engine(url: str) -> sa.Engine:
    """The engine of Streamlit's SQL connection to ``url``, shared by every session of the server (it pools
    the connections). The URL is always passed, so the environment variable and the SQLite default reach
    the same kind of connection as the secrets' URL; ``create_engine_kwargs`` in the secrets still apply."""
    try:
        return st.connection(CONNECTION, url=url, max_entries=2, ttl=None, **engine_options(url)).engine
    except (ImportError, sa.exc.ArgumentError) as error:  # no driver installed for it, or options it refuses
        raise StoreUnavailable("the class pulse's database cannot be opened") from error


@st.cache_resource(max_entries=2, show_spinner=False)
def _store_for(url: str) -> PulseStore:
    # One store per URL for the server, on the SQL connection's engine: it creates the tables once, and a
    # page's call costs one cache lookup (st.connection's own lookup hashes its options on every call). A
    # database that cannot be reached raises StoreUnavailable, which cache_resource does not keep, so the
    # next call tries again.
    try:
        return PulseStore(engine(url))
    except ValueError as error:  # a database of another kind than SQLite or PostgreSQL
        raise StoreUnavailable(str(error)) from None


def store() -> PulseStore:
    """The store for the configured database (``UNROLLED_DATABASE_URL``, secrets, else a SQLite file).
    Raises ``StoreUnavailable`` when it cannot be reached or its URL is not one."""
    try:
        url = database_url(configured_url())
    except ValueError as error:  # a configured URL that is not one: the class cannot start
        raise StoreUnavailable(str(error)) from None
    return _store_for(url)


def say_unavailable_once() -> None:
    """Tell this session once that the class's database is out of reach; later failures stay quiet."""
    if not st.session_state.get(UNAVAILABLE_SAID):
        st.session_state[UNAVAILABLE_SAID] = True
        st.warning(UNAVAILABLE, icon=":material/cloud_off:")


def attempt(action: Callable[[PulseStore], T]) -> T | None:
    """``action(store)``, or None (said once) when the database cannot be reached."""
    try:
        return action(store())
    except StoreUnavailable:
        say_unavailable_once()
        return None
