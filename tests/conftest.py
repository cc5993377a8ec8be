"""Shared fixtures: a running app for the real-browser tests, and Debian's chromium for Playwright.

Browser tests carry the ``browser`` marker (their file names start with
``test_browser_``). Without a usable chromium they are skipped with the reason, except
in CI (``CI=true``), where a missing browser fails the run instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.app_server import CHROMIUM_ARGS, find_chromium, running_app

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def browser_unavailable_reason() -> str | None:
    try:
        import playwright  # noqa: F401
        import pytest_playwright  # noqa: F401
    except ImportError:
        return "playwright and pytest-playwright are not installed (pip install -r requirements-dev.txt)"
    if find_chromium() is None:
        return "Debian's chromium is not installed (sudo apt-get install chromium); set CHROMIUM=/path to use another"
    return None


def pytest_collection_modifyitems(config, items):
    reason = browser_unavailable_reason()
    for item in items:
        if "test_browser_" in item.nodeid:
            item.add_marker(pytest.mark.browser)
            if reason is not None:
                if in_ci():
                    item.add_marker(pytest.mark.usefixtures("_browser_required_in_ci"))
                else:
                    item.add_marker(pytest.mark.skip(reason=f"browser tests cannot run: {reason}"))


@pytest.fixture
def _browser_required_in_ci():
    pytest.fail(f"CI=true but the browser tests cannot run: {browser_unavailable_reason()}")


@pytest.fixture(scope="session", autouse=True)
def class_store(tmp_path_factory):
    """Classes that tests start (AppTest pages, and the app server, which inherits the environment)
    go to a SQLite file of this test session, never to the user's own store."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pulse') / 'pulse.sqlite3'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("UNROLLED_DATABASE_URL", url)
        yield url


@pytest.fixture(scope="session")
def app_server():
    """The app served for this test session (its log kept in artifacts/ for a failure's report)."""
    with running_app(log_dir=ROOT / "artifacts") as app:
        yield app


@pytest.fixture(scope="session")
def base_url(app_server) -> str:
    """pytest-playwright's base URL: the app started for this session."""
    return app_server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": find_chromium(), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where browser tests save the PNGs a person looks at (artifacts/ is not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def page(page):
    """pytest-playwright's page, its app runs counted from the start (``browser_support.rerun_after``)."""
    from browser_support import watch_script_runs

    return watch_script_runs(page)
