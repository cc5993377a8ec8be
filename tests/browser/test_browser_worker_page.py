"""The worker's one browser page (tests/conftest.py) is handed to each test clean: what a test leaves
behind (local and session storage, a cookie, a route, a listener, the size, the colour scheme,
another tab) the next test does not find.

The two tests run in this order on one worker (their xdist group); the second, run alone, passes
trivially.
"""

from __future__ import annotations

import pytest
from browser_support import open_app_page
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("worker_page")]

HEARD: list[str] = []  # what the first test's listener heard
LEFT_SIZE = {"width": 390, "height": 844}


def test_a_test_leaves_its_marks_on_the_page(page: Page, base_url):
    open_app_page(page, base_url, "/")
    page.evaluate("() => { localStorage.setItem('left', '1'); sessionStorage.setItem('left', '1'); }")
    page.context.add_cookies([{"name": "left", "value": "1", "url": base_url}])
    page.route(f"{base_url}/statland", lambda route: route.fulfill(status=200, content_type="text/html", body="routed"))
    page.on("console", lambda message: HEARD.append(message.text))
    page.set_viewport_size(LEFT_SIZE)
    page.emulate_media(color_scheme="dark")
    page.context.new_page()
    page.evaluate("() => console.log('heard')")
    assert HEARD == ["heard"]


def test_the_next_test_finds_the_page_clean(page: Page, base_url, browser_context_args):
    HEARD.clear()
    assert page.url == "about:blank"
    assert len(page.context.pages) == 1, "a tab the last test opened is still open"
    assert page.context.cookies() == []
    assert page.viewport_size == browser_context_args["viewport"]
    assert page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches") is False
    open_app_page(page, base_url, "/statland")  # not the last test's routed page
    assert page.evaluate("() => [localStorage.getItem('left'), sessionStorage.getItem('left')]") == [None, None]
    assert page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches") is False
    page.evaluate("() => console.log('heard')")
    assert HEARD == [], "the last test's listener is still listening"
