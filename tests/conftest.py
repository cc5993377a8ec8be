"""Shared fixtures: a running app for the real-browser tests, and Debian's chromium for Playwright.

Browser tests carry the ``browser`` marker (their file names start with
``test_browser_``). Without a usable chromium they are skipped with the reason, except
in CI (``CI=true``), where a missing browser fails the run instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.app_server import CHROMIUM_ARGS, find_chromium, running_app

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def _apptest_work_done_once_per_session() -> None:
    """Work AppTest repeats that gives the same result all session long, done once:

    - it makes a new ScriptCache for every run, so each run parsed, rewrote (magic) and compiled the entry
      script and the page again; one cache, keyed by each script's path as Streamlit's own is, serves
      every run, as one server's does (the scripts do not change while the tests run);
    - every new AppTest scans the metadata of every installed package for components; the packages
      do not change while the tests run, so the scan's result is kept."""
    import functools

    from streamlit.components.v2 import manifest_scanner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared
    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


_apptest_work_done_once_per_session()


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


def _uses_a_module_fixture(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    return info is not None and any(defs[-1].scope == "module" for defs in info.name2fixturedefs.values() if defs)


@pytest.hookimpl(tryfirst=True)  # the groups are marked before pytest-xdist reads them
def pytest_collection_modifyitems(config, items):
    """Marks the browser tests. Under ``--dist loadgroup`` every test goes to whichever worker is
    free, except a module's tests that share a module-scoped fixture (an app server of their own),
    which stay together on one worker and set it up once."""
    reason = browser_unavailable_reason()
    for item in items:
        if _uses_a_module_fixture(item) and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
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


_CLEAR_STORAGE = "() => { try { localStorage.clear(); sessionStorage.clear(); } catch (e) {} }"
# The string "null" is Playwright's "no override": back to the context's own media, colour scheme and so on.
_NO_EMULATION = {
    "media": "null",
    "color_scheme": "null",
    "reduced_motion": "null",
    "forced_colors": "null",
    "contrast": "null",
}


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


class _WorkerPage:
    """The ``page`` every browser test of this worker gets: one page in one context, handed back
    clean after each test, for speed. The page keeps its renderer, which keeps the JavaScript it
    compiled, and the context keeps the HTTP cache, so a test's page load costs a fraction of one
    in a new context (a new app session all the same).

    Handed back, the page leaves nothing to the next test but those caches: the listeners the test
    added are removed; every origin's local storage, the cookies and the permissions are cleared;
    the page goes to about:blank (which ends its app session); its size and media emulation return
    to the context's; other pages are closed. A new document starts with no focus, scroll or
    hover. A page that crashed, was closed or could not be cleaned is replaced by a new one. A test
    that needs what cannot be undone on a page (an init script, an exposed function, a route left
    on) uses pytest-playwright's ``context`` fixture and a page of its own."""

    def __init__(self, browser, context_args: dict) -> None:
        self.context = browser.new_context(**context_args)
        self.viewport = context_args.get("viewport")
        self.visited: set[str] = set()  # the origins the test's pages loaded
        self.context.on("page", self._track)
        self.page = None
        self.crashed = False
        self.before: dict = {}

    def _track(self, page) -> None:
        page.on("framenavigated", lambda frame: frame.parent_frame is None and self.visited.add(_origin(frame.url)))

    def _crash(self, _page) -> None:
        self.crashed = True

    def take(self):
        if self.page is None or self.page.is_closed() or self.crashed:
            self.page, self.crashed = self.context.new_page(), False
            self.page.on("crash", self._crash)
        events = self.page._impl_obj  # its event emitter: what the test adds is removed afterwards
        self.before = {name: list(events.listeners(name)) for name in events.event_names()}
        return self.page

    def give_back(self) -> None:
        try:
            self._clean()
        except Exception as error:  # noqa: BLE001 (the next test gets a new page instead)
            print(f"the browser page could not be cleaned ({error!r}); the next test gets a new one")
            if self.page is not None and not self.page.is_closed():
                self.page.close()
            self.page = None
        self.context.clear_cookies()
        self.context.clear_permissions()
        self.visited.discard(None)
        if self.visited:  # an origin no page is on any more (its app server may be gone)
            cleaner = self.context.new_page()
            cleaner.route("**/*", lambda route: route.fulfill(status=200, content_type="text/html", body=""))
            for origin in sorted(self.visited):
                cleaner.goto(f"{origin}/")
                cleaner.evaluate(_CLEAR_STORAGE)
            cleaner.close()
        self.visited.clear()

    def _clean(self) -> None:
        for other in self.context.pages:
            if other is not self.page:
                self._clear_storage(other)
                other.close()
        page = self.page
        if page is None or page.is_closed():
            return
        if self.crashed:
            page.close()
            return
        events = page._impl_obj
        for name in events.event_names():
            for listener in events.listeners(name):
                if listener not in self.before.get(name, []):
                    events.remove_listener(name, listener)
        page.unroute_all(behavior="ignoreErrors")
        self._clear_storage(page)
        page.goto("about:blank")
        page.mouse.up()
        if self.viewport is not None:
            page.set_viewport_size(self.viewport)
        page.emulate_media(**_NO_EMULATION)

    def _clear_storage(self, page) -> None:
        here = _origin(page.url)
        if here is not None and not page.is_closed():
            page.evaluate(_CLEAR_STORAGE)
            self.visited.discard(here)


@pytest.fixture(scope="session")
def _worker_page(browser, browser_context_args):
    worker = _WorkerPage(browser, browser_context_args)
    yield worker
    worker.context.close()


@pytest.fixture
def page(_worker_page):
    """The worker's page (``_WorkerPage``), its app runs counted from the start
    (``browser_support.rerun_after``)."""
    from browser_support import watch_script_runs

    yield watch_script_runs(_worker_page.take())
    _worker_page.give_back()
