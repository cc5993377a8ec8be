"""Helpers for the real-browser tests: open a page, wait for Streamlit's reruns, check for errors.

Waiting for a rerun: the server ends every run with a ``script_finished`` ForwardMsg on the
page's websocket, which ``ScriptRuns`` counts (the ``page`` fixture watches every test's page);
an action waits for the next one, then for the app root's ``notRunning`` state. The root's
state alone (shared/TESTING.md: it reads ``notRunning`` for a moment after an action) misses a
run served from the caches that ends before the browser renders ``running``; it is the fallback
for pages the fixture did not open.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from bench.app_server import IDLE, ScriptRuns
from ui.lab.views import LABELS
from ui.lesson.steps import STEPS

NON_FINITE = re.compile(r"(?<![A-Za-z])(nan|-?inf|infinity)(?![A-Za-z])", re.IGNORECASE)
# Offline machines cannot fetch web fonts; that noise is not the app's fault. The browser's own
# "Failed to load resource" lines name no address: failed responses are collected with theirs.
IGNORED_CONSOLE = ("ERR_NAME_NOT_RESOLVED", "ERR_INTERNET_DISCONNECTED", "fonts.g", "Failed to load resource")
# Streamlit's client first asks for its health and host config relative to the page's path
# (/training/_stcore/health), which answers 404, before it asks at the root.
EXPECTED_404 = re.compile(r"/[^/]+/_stcore/(health|host-config)$")

_WATCHER = """() => {
  window.__runs = {sawRunning: false, done: false};
  const root = document.querySelector('[data-testid="stApp"]');
  const busy = s => s === 'running' || s === 'rerunRequested';
  // Records are delivered in batches: a fast rerun can go running -> notRunning before the callback
  // runs, so the states in between are read from each record's old value, not from the attribute now.
  const observer = new MutationObserver(records => {
    for (const r of records) if (busy(r.oldValue)) window.__runs.sawRunning = true;
    const state = root.getAttribute('data-test-script-state');
    if (busy(state)) window.__runs.sawRunning = true;
    if (window.__runs.sawRunning && state === 'notRunning') { window.__runs.done = true; observer.disconnect(); }
  });
  observer.observe(root, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
}"""


def collect_console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not any(s in message.text for s in IGNORED_CONSOLE)
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            errors.append(f"HTTP {response.status} for {response.url}")
            if response.status >= 400 and not EXPECTED_404.search(response.url.split("?")[0])
            else None
        ),
    )
    return errors


def open_app_page(page: Page, base_url: str, path: str = "/", query: str = "") -> None:
    """Load a page of the app and wait until its first run has finished."""
    page.goto(f"{base_url}{path}{('?' + query) if query else ''}")
    page.wait_for_selector(IDLE, timeout=30_000)
    expect(page.locator('[data-testid="stMain"]')).to_be_visible()
    # Widgets still loading show skeletons; Streamlit's own end-to-end tests wait for none.
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=30_000)


_RUNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def watch_script_runs(page: Page) -> Page:
    """Count ``page``'s finished app runs from now on (before it opens the app), for ``rerun_after``."""
    _RUNS[page] = ScriptRuns(page)
    return page


def rerun_after(page: Page, action: Callable[[], None], timeout: float = 30_000) -> None:
    """Do ``action`` and wait until the rerun it caused has run to the end."""
    runs = _RUNS.get(page)
    if runs is None:  # a page opened without watch_script_runs: read the app root's script state
        page.evaluate(_WATCHER)
        action()
        try:
            page.wait_for_function("() => window.__runs && window.__runs.done", timeout=timeout)
        except Exception:
            # Some actions finish their rerun before the watcher sees it start; settle on idle.
            page.wait_for_selector(IDLE, timeout=timeout)
        return
    before = runs.finished
    action()
    runs.wait_for_next(page, before, timeout)
    page.wait_for_selector(IDLE, timeout=timeout)


def assert_healthy(page: Page) -> None:
    """No Streamlit exception box and no 'nan' / 'inf' among the page's visible text."""
    expect(page.get_by_test_id("stException")).to_have_count(0)
    text = page.locator('[data-testid="stMain"]').inner_text()
    found = NON_FINITE.search(text)
    assert found is None, f"non-finite value on screen: ...{text[max(0, found.start() - 80) : found.end() + 80]}..."


# Every view of the app a link opens: (path, query) by name.
VIEWS: dict[str, tuple[str, str]] = {
    "home": ("/", ""),
    "statland": ("/statland", ""),
    "training": ("/training", ""),
    **{
        f"lab-{key}": ("/lab", "lab_view=" + label.replace(" ", "+").replace("/", "%2F"))
        for key, label in LABELS.items()
    },
    **{f"lesson-{n}": ("/lesson", f"step={n}") for n in range(1, len(STEPS) + 1)},
    "teachers": ("/teachers", ""),
}

_CUT_TEXTS = """sel => {
  const cut = [];
  for (const root of document.querySelectorAll(sel)) {
    // A select shows its option in an input: cut when its text is wider than the box.
    for (const input of root.querySelectorAll('input'))
      if (input.value && input.scrollWidth > input.clientWidth + 1) cut.push(input.value);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!node.textContent.trim()) continue;
      for (let e = node.parentElement; e && e !== root.parentElement; e = e.parentElement) {
        if (getComputedStyle(e).overflowX === 'visible') continue;
        if (e.scrollWidth > e.clientWidth + 1) { cut.push(node.textContent.trim()); break; }
      }
    }
  }
  return cut;
}"""


def cut_texts(page: Page, selector: str) -> list[str]:
    """The texts inside ``selector``'s elements that their boxes cut (an ellipsis, or clipped)."""
    return page.evaluate(_CUT_TEXTS, selector)


# KaTeX's box is a pixel or two narrower than its ink for italic corrections: that is not a cut.
CUT_SLACK_PX = 3
_CUT_FORMULAS_AND_CHART_TEXTS = """slack => {
  const found = [];
  for (const display of document.querySelectorAll('[data-testid="stMain"] .katex-display')) {
    const over = display.scrollWidth - display.clientWidth;
    if (over > slack) found.push(`formula ${over} px too wide: ${display.querySelector('annotation')?.textContent}`);
  }
  for (const text of document.querySelectorAll('[data-testid="stVegaLiteChart"] svg text'))
    if (text.textContent.endsWith('…')) found.push(`chart text shortened: ${text.textContent}`);
  return found;
}"""


def what_is_cut(page: Page) -> list[str]:
    """Every formula, chart text or metric the page shows cut: KaTeX does not wrap a formula wider
    than its column (its box clips it and scrolls sideways), Vega shortens a chart text that does
    not fit to "…", and Streamlit a metric's label or value. Call it once the charts are drawn."""
    found = page.evaluate(_CUT_FORMULAS_AND_CHART_TEXTS, CUT_SLACK_PX)
    return found + [
        f"metric cut: {text}" for text in cut_texts(page, '[data-testid="stMain"] [data-testid="stMetric"]')
    ]


def charts(page: Page):
    return page.get_by_test_id("stVegaLiteChart")


_SETTLED = """e => new Promise(done => {
  let last = null, same = 0;
  const look = () => {
    const box = e.getBoundingClientRect(), now = `${box.top},${box.left},${box.width},${box.height}`;
    same = now === last ? same + 1 : 0;
    last = now;
    if (same >= 3) done(true); else requestAnimationFrame(look);
  };
  look();
})"""


def settle(locator) -> None:
    """Until ``locator`` has not moved or changed size for three animation frames (a scroll or a
    layout change is over)."""
    locator.evaluate(_SETTLED)


def chart_titled(page: Page, title: str):
    """The chart whose title (drawn in its SVG) starts with ``title``."""
    return charts(page).filter(has=page.locator("svg .role-title-text", has_text=title)).first


def loss_chart(page: Page):
    """The Training page's live loss chart."""
    return chart_titled(page, "Training loss (MSE)")


_CANVAS_INK = """c => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let inked = 0;
  for (let i = 3; i < data.length; i += 4 * 31) if (data[i] > 0) inked++;
  return inked;
}"""


def expect_charts_drawn(page: Page, at_least: int = 1) -> None:
    """At least ``at_least`` Altair charts actually drawn: SVG marks, or ink on the canvas.

    Vega draws large data sets (the heatmaps) on a canvas instead of SVG.
    """
    expect(charts(page).nth(at_least - 1)).to_be_visible(timeout=20_000)
    for i in range(at_least):
        chart = charts(page).nth(i)
        expect(chart.locator("svg, canvas").first).to_be_attached()
        if chart.locator("canvas").count():
            canvas = chart.locator("canvas").first
            page.wait_for_function(f"c => ({_CANVAS_INK})(c) > 100", arg=canvas.element_handle(), timeout=10_000)
        else:
            marks = "svg .mark-line path, svg .mark-rect path, svg .mark-symbol path, svg .mark-area path"
            expect(chart.locator(marks).first).to_be_attached()


def screenshot(page: Page, folder: Path, name: str, full_page: bool = True) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)


# Elements wider than the window (a phone must not scroll sideways to read anything). Left out: KaTeX's
# hidden MathML copy and each slider's visually hidden range input, 129 px wide at the thumb.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const main = document.querySelector('[data-testid="stMain"]');
  return [...main.querySelectorAll('*')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > width + 1 || r.left < -1); })
    .filter(e => !e.closest('.katex-mathml') && !(e.tagName === 'INPUT' && e.type === 'range'))
    .map(e => (e.getAttribute('data-testid') || e.tagName) + ' ' + Math.round(e.getBoundingClientRect().right));
}"""


def box(page: Page, selector) -> dict:
    """The bounding box of the first element matching ``selector`` (a CSS selector or a locator; it must
    be drawn)."""
    found = (page.locator(selector) if isinstance(selector, str) else selector).first.bounding_box()
    assert found is not None, selector
    return found
