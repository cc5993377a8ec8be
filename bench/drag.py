"""Section 7: the lab's figures that follow the w2 drag — bytes sent per view, drag-to-repaint time
in the browser, and the server's extra memory per session.

Bytes come from AppTest (the Arrow bytes of each chart's datasets, ``proto.datasets[i].data.data``,
plus the spec's JSON). Repaint and memory come from the real app (``streamlit run``) driven by
Debian's chromium through Playwright: the in-chart slider's value is set and an ``input`` event
dispatched in the page, and the time runs from just before that event to the first animation
frame after the read-out drawn on the chart shows the new w2 (a MutationObserver sees the SVG text
change; ``requestAnimationFrame`` is the frame that paints it). Memory is the server process's
resident set (``/proc/<pid>/status`` VmRSS) before and after more sessions open the lab.

Run: ``python -m bench.drag`` (or ``python bench/drag.py``).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, Table

LAB = "app_pages/lab.py"
DRAG_DATASETS = ("drag_lines", "drag_w2", "marks")  # every w2's rows; the rest (heatmap cells) as before
DRAG_INPUT = '[data-testid="stVegaLiteChart"] .vega-bindings input[type=range]'
# Sets the in-chart slider to each value in turn, as a drag does, and times each repaint (ms).
REPAINT_TIMES = r"""async ([selector, values]) => {
  const input = document.querySelector(selector);
  const chart = input.closest('[data-testid="stVegaLiteChart"]');
  const shown = () => [...chart.querySelectorAll('svg .mark-text text')]
    .map(t => t.textContent).find(t => t.startsWith('w2 = ')) || '';
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const times = [];
  for (const value of values) {
    const wanted = new RegExp('^w2 = ' + Number(value).toString().replace('.', '\.') + '[:,]');
    await frame();
    const start = performance.now();
    const drawn = new Promise(resolve => {
      const observer = new MutationObserver(() => {
        if (wanted.test(shown())) { observer.disconnect(); resolve(true); }
      });
      observer.observe(chart, {subtree: true, childList: true, characterData: true});
      setTimeout(() => { observer.disconnect(); resolve(false); }, 5000);
    });
    input.value = String(value);
    input.dispatchEvent(new Event('input', {bubbles: true}));
    const seen = await drawn;
    await frame();
    times.push(seen ? performance.now() - start : null);  // null: the read-out never showed this w2
  }
  return times;
}"""
VIEW_QUERIES = {
    "Each input, T = 10 (default)": "lab_view=Each+input",
    "Each input, T = 1000, tanh": "lab_view=Each+input&lab_length=1000&lab_activation=tanh",
    "Heatmap, T = 10": "lab_view=Heatmap",
    "Heatmap, T = 1000": "lab_view=Heatmap&lab_length=1000",
}


def drag_values(count: int = 20) -> list[str]:
    """Slider positions a drag passes through, all different, on the 0.01 grid."""
    return [f"{-0.5 + 0.13 * k:.2f}" for k in range(count)]


def bytes_per_view() -> list[tuple[str, int, int, int, int]]:
    """(view, Arrow bytes of all datasets, of the drag's own, spec bytes, rows) from AppTest, per view."""
    import io

    import pyarrow as pa
    from streamlit.testing.v1 import AppTest

    out = []
    for label, query in VIEW_QUERIES.items():
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        for part in query.split("&"):
            key, value = part.split("=")
            at.query_params[key] = value.replace("+", " ")
        at.run()
        at.switch_page(LAB).run()
        chart = (list(at.get("arrow_vega_lite_chart")) or list(at.get("vega_lite_chart")))[0]
        data = sum(len(d.data.data) for d in chart.proto.datasets)
        drag = sum(len(d.data.data) for d in chart.proto.datasets if d.name in DRAG_DATASETS)
        rows = sum(pa.ipc.open_stream(io.BytesIO(d.data.data)).read_all().num_rows for d in chart.proto.datasets)
        out.append((label, data, drag, len(chart.proto.spec.encode()), rows))
    return out


def switch_and_rerun_seconds(repeats: int = 7) -> dict[str, float]:
    """Medians (AppTest, caches warm) of: switching from Home to the lab, and the lab's rerun after its
    w2 changes (what a released drag costs the server), at T = 10 and T = 1000."""
    from streamlit.testing.v1 import AppTest

    from bench.pages import compiled_once

    found = {}
    with compiled_once():
        for length in (10, 1000):
            at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
            at.query_params["lab_length"] = str(length)
            at.run()
            at.switch_page(LAB).run()  # warm: the drag data for this T is computed once, then cached
            switches, reruns = [], []
            for i in range(repeats):
                at.switch_page("app_pages/home.py").run()
                start = time.perf_counter()
                at.switch_page(LAB).run()
                switches.append(time.perf_counter() - start)
                at.slider(key="lab_w2").set_value(round(0.5 + 0.01 * i, 2))
                start = time.perf_counter()
                at.run()
                reruns.append(time.perf_counter() - start)
                if at.exception:
                    raise RuntimeError(at.exception[0].message)
            found[f"Home -> lab, T = {length}"] = statistics.median(switches)
            found[f"lab rerun after w2 changes, T = {length}"] = statistics.median(reruns)
    return found


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def browser_figures(sessions: int = 8) -> dict:
    """Drag-to-repaint times per view and the server's memory as sessions open the lab."""
    from playwright.sync_api import sync_playwright

    from bench.app_server import CHROMIUM_ARGS, IDLE, chromium_path, running_app

    figures: dict = {"repaint": {}, "memory": []}
    with running_app() as app, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            for label, query in VIEW_QUERIES.items():
                page.goto(f"{app.url}/lab?{query}")
                page.wait_for_selector(IDLE, timeout=60_000)
                page.wait_for_selector(DRAG_INPUT, timeout=30_000)
                page.evaluate(REPAINT_TIMES, [DRAG_INPUT, drag_values(5)])  # warm-up
                figures["repaint"][label] = page.evaluate(REPAINT_TIMES, [DRAG_INPUT, drag_values(20)])
            page.close()
            # Memory: the first session is open above; each further session opens the lab at T = 1000.
            pages = []
            figures["memory"].append((1, rss_kib(app.process.pid)))
            for n in range(2, sessions + 2):
                extra = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
                extra.goto(f"{app.url}/lab?lab_length=1000&lab_w2={0.5 + 0.01 * n:.2f}")
                extra.wait_for_selector(IDLE, timeout=60_000)
                extra.wait_for_selector(DRAG_INPUT, timeout=30_000)
                pages.append(extra)
                time.sleep(0.3)
                figures["memory"].append((n, rss_kib(app.process.pid)))
        finally:
            browser.close()
    return figures


# Armed just before a key press: the animation frame after the last change inside the page's main
# block (a chart's SVG or canvas rebuilt), in ms after arming. When the run ended comes from the
# websocket (``ScriptRuns``): a run served from the caches can end before the DOM shows it running.
ARM_REPAINT_WATCH = """() => {
  const t = {start: performance.now(), painted: null};
  window.__lengthChange = t;
  new MutationObserver(() => {
    requestAnimationFrame(() => { t.painted = performance.now() - t.start; });
  }).observe(document.querySelector('[data-testid="stMain"]'),
             {subtree: true, childList: true, attributes: true, characterData: true});
}"""
QUIET_MS = 500  # no change on screen for this long after the rerun: the repaint is over
LENGTH_VIEWS = {"Each input": "Each+input", "Heatmap": "Heatmap", "Training step": "Training+step"}
MINIMAL_SLIDER_PAGE = """\
import streamlit as st

value = st.slider("T", 1, 1000, 10, key="length")
st.line_chart({"y": [value * k for k in range(50)]})
"""


def _press_and_time(page, runs, key: str) -> tuple[float, float]:
    """(the run finished, the repaint over) in ms after pressing ``key`` on the focused slider."""
    return time_to_repaint(page, runs, lambda: page.keyboard.press(key))


def time_to_repaint(page, runs, action) -> tuple[float, float]:
    """(the run finished, the repaint over) in ms after ``action`` (a key press, a click)."""
    page.evaluate(ARM_REPAINT_WATCH)
    before, start = runs.finished, time.perf_counter()
    action()
    runs.wait_for_next(page, before, 60_000)
    done = 1000 * (runs.finished_at - start)
    page.wait_for_function(
        f"() => performance.now() - window.__lengthChange.start - Math.max({done}, "
        f"window.__lengthChange.painted || 0) > {QUIET_MS}",
        timeout=60_000,
    )
    painted = page.evaluate("() => window.__lengthChange.painted") or 0
    return done, max(done, painted)


def length_change_times(repeats: int = 5, read_ms: int = 1000) -> dict[str, dict]:
    """T from 10 to 1000 (the slider's End key) on each lab view at w2 = 2, in the browser, and the same
    key on a minimal page's slider: the first time (on a fresh server, ``read_ms`` after the page
    loaded, while the view may still be working T = 1000 out) and, after Home and End ``repeats``
    times, the median with the caches warm."""
    from playwright.sync_api import sync_playwright

    from bench.app_server import CHROMIUM_ARGS, IDLE, ScriptRuns, chromium_path, running_app, running_page

    found: dict[str, dict] = {}

    def measure(url: str, slider: str, label: str) -> None:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        runs = ScriptRuns(page)
        page.goto(url)
        page.wait_for_selector(IDLE, timeout=60_000)
        page.wait_for_timeout(read_ms)  # a learner reads before moving T
        page.locator(slider).get_by_role("slider").focus()
        first = _press_and_time(page, runs, "End")
        cached = []
        for _ in range(repeats):
            _press_and_time(page, runs, "Home")
            cached.append(_press_and_time(page, runs, "End"))
        page.close()
        found[label] = {
            "first": first,
            "script": statistics.median(c[0] for c in cached),
            "repaint": statistics.median(c[1] for c in cached),
        }

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            with running_app() as app:  # a fresh server: nothing of T = 1000 is cached yet
                for label, view in LENGTH_VIEWS.items():
                    measure(f"{app.url}/lab?lab_view={view}&lab_w2=2", ".st-key-lab_length", label)
            with running_page(MINIMAL_SLIDER_PAGE) as app:
                measure(app.url, ".st-key-length", "minimal page")
        finally:
            browser.close()
    return found


def length_change_table(found: dict[str, dict]) -> Table:
    table = Table(
        "7e. T from 10 to 1000 in the browser: key press to the script finished and to the repaint over",
        ["page", "first time: script / repaint", "cached: script", "cached: repaint", "repaint vs minimal"],
        notes=[
            "Target (issue 14): under 0.5 s from the key press to the repaint. Lab at w2 = 2, 1280x800, "
            "headless Debian chromium; the slider's End key (T = 1000), then Home and End again, median "
            "of the cached Ends. 'Repaint over': the animation frame after the last change in the page "
            f"before {QUIET_MS} ms without one. The minimal page is one slider and a 50-point line chart."
        ],
    )
    base = found.get("minimal page", {}).get("repaint")
    for label, f in found.items():
        ratio = f"{f['repaint'] / base:.2f}x" if base else ""
        table.add(
            label,
            f"{f['first'][0]:.0f} / {f['first'][1]:.0f} ms",
            f"{f['script']:.0f} ms",
            f"{f['repaint']:.0f} ms",
            ratio,
        )
    return table


def section_drag() -> list[Table]:
    from bench.app_server import browser_missing

    sizes = bytes_per_view()
    table = Table(
        "7a. Data sent for the figures that follow the w2 drag (once per view and setting)",
        ["view", "datasets (Arrow)", "of which every w2's rows", "spec (JSON)", "rows"],
        notes=[
            "Every w2 on the slider's 0.01 grid (601 values) is sent once; curves longer than 64 steps are "
            "simplified to within 0.02 decades of every step (a straight one is its two ends); a zigzag "
            "(tanh, w2 < 0) is sent as its envelope (log-spaced anchors, extremes, 0/non-0 turns).",
            "The server caches these per (T, activation), at most 32 entries of at most about 440 KiB (T = 64, "
            "tanh: the longest curves sent whole), so at most about 14 MiB for every session together.",
        ],
    )
    for label, data, drag, spec, rows in sizes:
        table.add(label, f"{data / 1024:.0f} KiB", f"{drag / 1024:.0f} KiB", f"{spec / 1024:.1f} KiB", rows)
    tables = [table]
    speed = Table(
        "7d. Page switch and rerun with the drag figures (AppTest, median of 7, caches warm)",
        ["what", "median"],
        notes=["First visit at a new T or activation also computes the drag data once (cached, max 32 entries)."],
    )
    for what, seconds in switch_and_rerun_seconds().items():
        speed.add(what, f"{seconds * 1000:.0f} ms")
    tables.append(speed)
    missing = browser_missing()
    if missing:
        tables.append(Table("7b. Drag-to-repaint and memory", ["note"], rows=[[f"not taken: {missing}"]]))
        return tables
    lengths = length_change_table(length_change_times())
    found = browser_figures()
    repaint = Table(
        "7b. From a drag movement (input event) to the repaint, in the browser (median of 20)",
        ["view", "median", "slowest of 20"],
        notes=[
            "Target: under 50 ms. Headless Debian chromium on this machine, 1280x800. The Each input chart "
            "is drawn in SVG; the heatmap with Vega's hybrid renderer (cells on a canvas, text in SVG)."
        ],
    )
    for label, times in found["repaint"].items():
        if None in times:
            repaint.add(label, "the read-out did not follow", "")
            continue
        repaint.add(label, f"{statistics.median(times):.1f} ms", f"{max(times):.1f} ms")
    memory = Table(
        "7c. Server memory (resident) as sessions open the lab",
        ["sessions open", "server RSS", "per session beyond the first"],
        notes=[
            "Each further session opens the lab at T = 1000 with its own w2 (the drag data is cached per T "
            "and activation, shared by every session)."
        ],
    )
    base = found["memory"][0][1]
    for n, kib in found["memory"]:
        per = "" if n == 1 else f"{(kib - base) / (n - 1) / 1024:.1f} MiB"
        memory.add(n, f"{kib / 1024:.0f} MiB", per)
    return tables + [repaint, memory, lengths]


def main() -> None:
    results = section_drag()
    for table in results:
        print(table.render())


if __name__ == "__main__":
    main()
