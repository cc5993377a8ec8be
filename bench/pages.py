"""Sections 5 and 6: how long a page takes to rerun after a widget change, and how fast the Training page trains live.

Section 5 uses Streamlit's ``AppTest`` (the real app through ``streamlit_app.py`` and its
navigation, no browser) and compares every page with a minimal page (one slider, one
Altair chart) timed the same way in the same run.

Section 6 measures steps per wall-clock second while the Training page plays, against
the same ``rc.Trainer`` run bare. In a real browser (Playwright + Debian's chromium)
the page's own timer drives the fragment; under AppTest the fragment is rerun back to
back with no timer wait, which shows what the page's code allows at best.
"""

from __future__ import annotations

import contextlib
import re
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, Settings, Table, ms, rate, ratio, steps_per_second

ENTRY = str(ROOT / "streamlit_app.py")
MINIMAL_PAGE = """\
import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

value = st.slider("value", 0.0, 3.0, 1.0, step=0.01, key="value")
frame = pd.DataFrame({"x": np.arange(50)})
frame["y"] = frame["x"] * value
st.altair_chart(alt.Chart(frame).mark_line().encode(x="x", y="y"), width="stretch")
"""
LIVE_STEPS = 20000  # the largest step budget the Training page offers
# A learning rate at which the four rules do not converge within LIVE_STEPS: at the page's
# default 0.03 a run stops itself, converged, after about a hundred steps.
LIVE_LR = 0.0003
TIMEOUT = 60


def _app(path: str = ENTRY):
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(path, default_timeout=TIMEOUT)


@contextlib.contextmanager
def compiled_once():
    """Make AppTest keep each script's bytecode between reruns, as the real server does.

    AppTest builds a fresh ``ScriptCache`` for every run, so it recompiles every page file
    on every rerun (10 to 40 ms for the longer pages here), a cost ``streamlit run`` pays
    once per file. Without this the comparison with the 10-line minimal page is unfair.
    """
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    saved = app_test.ScriptCache, local_script_runner.ScriptCache
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared
    try:
        yield
    finally:
        app_test.ScriptCache, local_script_runner.ScriptCache = saved


def _check(at, where: str) -> None:
    if at.exception:
        raise RuntimeError(f"{where} raised: {at.exception[0].message}")


# Each page and the widget change a user typically makes there: (label, page file, change(at, i)).
def _statland(at, i: int) -> None:
    at.number_input(key="sl_w2").set_value(round(-0.9 + 0.01 * (i % 150), 2))


def _training(at, i: int) -> None:
    at.button(key="tr_step").click()


def _lab(at, i: int) -> None:
    at.slider(key="lab_w2").set_value(round(-2.9 + 0.01 * (i % 500), 2))


def _lab_long(at, i: int) -> None:
    at.slider(key="lab_length").set_value(1000 - i % 100)  # T near 1000: the lab's longest sequences


def _home(at, i: int) -> None:
    pass  # Home has no widgets: a plain rerun


PAGES = (
    ("Home", "app_pages/home.py", _home, "plain rerun (no widgets)"),
    ("StatLand", "app_pages/statland.py", _statland, "w2 number input (sl_w2) to a new value"),
    ("Training", "app_pages/training.py", _training, "press Step (tr_step)"),
    ("Gradient lab", "app_pages/lab.py", _lab, "w2 slider (lab_w2) to a new value"),
    ("Gradient lab, T near 1000", "app_pages/lab.py", _lab_long, "length slider (lab_length) to 901..1000"),
)


def page_rerun_seconds(page: str | None, change, reruns: int, path: str = ENTRY) -> float:
    """Median time of ``at.run()`` after ``change``; every change uses a new value (no cache hits on it)."""
    at = _app(path)
    at.run()
    if page is not None:
        at.switch_page(page).run()
    _check(at, page or path)
    change(at, 0)  # warm-up rerun
    at.run()
    times = []
    for i in range(1, reruns + 1):
        change(at, i)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        _check(at, page or path)
    return statistics.median(times)


def section_pages(settings: Settings, results: dict) -> list[Table]:
    with compiled_once():
        return _section_pages(settings, results)


def _section_pages(settings: Settings, results: dict) -> list[Table]:
    found = results.setdefault("pages", {})
    with tempfile.TemporaryDirectory() as folder:
        minimal = Path(folder) / "minimal_page.py"
        minimal.write_text(MINIMAL_PAGE)

        def slide(at, i):
            at.slider(key="value").set_value(round(0.5 + 0.01 * (i % 200), 2))

        found["minimal"] = page_rerun_seconds(None, slide, settings.page_reruns, str(minimal))
    table = Table(
        f"5. Page reruns after a widget change (AppTest, median of {settings.page_reruns})",
        ["page", "widget change", "median rerun", "vs minimal page"],
        notes=[
            "Pages run through streamlit_app.py and its navigation, as in the app; the minimal page "
            "(one slider + one Altair chart of 50 points) is a lone script timed the same way.",
            "Each rerun sets a value not used before in that run, so caches keyed on it do not answer.",
            "Script bytecode is kept between reruns as `streamlit run` does (AppTest alone recompiles every "
            "page file on every run).",
        ],
    )
    table.add("minimal page", "slider to a new value", ms(found["minimal"]), "1.00x")
    for label, page, change, what in PAGES:
        if not (ROOT / page).exists():
            found[label] = "page not there yet"
        else:
            found[label] = page_rerun_seconds(page, change, settings.page_reruns)
        table.add(label, what, ms(found[label]), ratio(found[label], found["minimal"]))
    return [table]


# ----------------------------------------------------------------------------- section 6
def page_trainer():
    """The Trainer the Training page builds for the live run (StatLand rules, 1-unit RNN, Adam at LIVE_LR, seed 4)."""
    import rnn_core as rc
    from rnn_core.data import four_rules
    from ui.training.choices import build_model

    xs, ys = four_rules()
    return rc.Trainer(build_model("statquest", 1, "relu", 4, "random"), xs, ys, optimizer="adam", lr=LIVE_LR)


def bare_page_rate(settings: Settings) -> float:
    trainer = page_trainer()

    def run(n: int) -> int:
        before = trainer.step
        for _ in trainer.run(n):
            pass
        return trainer.step - before

    return steps_per_second(run, settings)


def live_rate_apptest(seconds: float) -> tuple[float, str]:
    at = _app()
    at.run()
    at.switch_page("app_pages/training.py").run()
    at.select_slider(key="tr_steps").set_value(LIVE_STEPS).run()
    at.select_slider(key="tr_lr").set_value(LIVE_LR).run()
    at.select_slider(key="tr_speed").set_value("fastest").run()
    at.button(key="tr_play").click().run()
    _check(at, "Training")
    live = at.session_state["tr_run"]
    if not live.running:
        raise RuntimeError("pressing Play did not start the run")
    start_step, start = live.step, time.perf_counter()
    reruns = 0
    while time.perf_counter() - start < seconds and not live.finished:
        at.run()
        reruns += 1
    elapsed = time.perf_counter() - start
    _check(at, "Training")
    how = (
        f"AppTest: Play pressed, then {reruns} reruns back to back (the fragment trains for its time box in each);"
        " no timer between reruns, so this is an upper bound for the page's code"
    )
    return (live.step - start_step) / elapsed, how


def live_rate_browser(seconds: float) -> tuple[float, str]:
    from playwright.sync_api import sync_playwright

    from bench.app_server import CHROMIUM_ARGS, IDLE, chromium_path, running_app
    from ui.training.choices import CHUNK_SECONDS, LONGEST_REFRESH

    with running_app() as app, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{app.url}/training?tr_steps={LIVE_STEPS}&tr_lr={LIVE_LR:g}&tr_speed=fastest")
            page.wait_for_selector(IDLE, timeout=TIMEOUT * 1000)
            step_value = page.get_by_test_id("stMetricValue").first
            page.get_by_role("button", name="Play").click()
            samples: list[tuple[float, int]] = []
            start = time.perf_counter()
            while time.perf_counter() - start < seconds + 10:
                text = step_value.inner_text(timeout=TIMEOUT * 1000)
                samples.append((time.perf_counter(), int(re.sub(r"\D", "", text) or 0)))
                if samples[-1][1] >= LIVE_STEPS or samples[-1][0] - start >= seconds:
                    break
                page.wait_for_timeout(50)
        finally:
            browser.close()
    moving = [s for s in samples if s[1] > 0]
    # Up to the counter's last change: a run that converges or ends stops the counter, and the
    # readings after that would count still time as training time.
    while len(moving) > 2 and moving[-2][1] == moving[-1][1]:
        moving.pop()
    if len(moving) < 2 or moving[-1][0] <= moving[0][0]:
        raise RuntimeError(f"the Step counter did not move while playing: {samples[-5:]}")
    (t0, s0), (t1, s1) = moving[0], moving[-1]
    updates = sum(1 for a, b in zip(moving, moving[1:], strict=False) if b[1] != a[1])
    how = (
        "browser: Debian chromium via Playwright on the running app; Play pressed on the Training page "
        f"(StatLand rules, 1-unit RNN, Adam at lr {LIVE_LR:g}, {LIVE_STEPS} steps, the fastest speed) and the "
        "on-screen Step counter "
        f"read every ~50 ms; rate = steps shown / seconds between the first and last moving readings "
        f"({t1 - t0:.1f} s). "
        f"The counter changed {updates} times in that time: one training tick every "
        f"{(t1 - t0) / max(updates, 1):.2f} s on average (the page trains {CHUNK_SECONDS:g} s per refresh, "
        f"its timer asks for one every {LONGEST_REFRESH:g} s)"
    )
    return (s1 - s0) / (t1 - t0), how


MINIMAL_STEP_PAGE = """\
import streamlit as st

if st.button("Step", key="tr_step"):
    st.session_state.n = st.session_state.get("n", 0) + 1
st.line_chart({"y": [st.session_state.get("n", 0) * k for k in range(50)]})
"""


def step_repaint_times(clicks: int = 12) -> dict[str, dict]:
    """Training's Step clicked in chromium at 1280x800, and a minimal page's button beside it: from the
    click to the script finished and to the repaint over (medians, the first two clicks left out)."""
    from playwright.sync_api import sync_playwright

    from bench.app_server import CHROMIUM_ARGS, IDLE, ScriptRuns, chromium_path, running_app, running_page
    from bench.drag import time_to_repaint

    found: dict[str, dict] = {}

    def measure(url: str, label: str) -> None:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        runs = ScriptRuns(page)
        page.goto(url)
        page.wait_for_selector(IDLE, timeout=60_000)
        page.wait_for_timeout(1000)
        button = page.locator(".st-key-tr_step button")
        times = [time_to_repaint(page, runs, button.click) for _ in range(clicks)][2:]
        page.close()
        found[label] = {
            "script": statistics.median(t[0] for t in times),
            "repaint": statistics.median(t[1] for t in times),
            "slowest": max(t[1] for t in times),
        }

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            with running_app() as app:
                measure(f"{app.url}/training", "Training: Step (the four rules, the page's defaults)")
            with running_page(MINIMAL_STEP_PAGE) as app:
                measure(app.url, "minimal page: a button and a 50-point line chart")
        finally:
            browser.close()
    return found


def step_repaint_table(found: dict[str, dict]) -> Table:
    table = Table(
        "6b. Training's Step in the browser: click to the script finished and to the repaint over",
        ["page", "script finished", "repaint over", "slowest repaint", "repaint vs minimal"],
        notes=[
            "Target (issue 28): Step under 250 ms from the click to the repaint (median). Headless Debian "
            "chromium, 1280x800; 12 clicks, the first two left out. 'Repaint over': the animation frame after "
            "the last change inside the page's main block, once nothing changed for 500 ms."
        ],
    )
    base = next((f["repaint"] for label, f in found.items() if label.startswith("minimal")), None)
    for label, f in found.items():
        ratio = f"{f['repaint'] / base:.2f}x" if base else ""
        table.add(label, f"{f['script']:.0f} ms", f"{f['repaint']:.0f} ms", f"{f['slowest']:.0f} ms", ratio)
    return table


def section_live(settings: Settings, results: dict, method: str = "auto") -> list[Table]:
    from bench.app_server import browser_missing

    bare = bare_page_rate(settings)
    rows, notes = [], []
    methods = ["apptest"] if method == "apptest" else ["browser", "apptest"] if method == "auto" else ["browser"]
    for name in methods:
        if name == "browser":
            missing = browser_missing()
            if missing:
                notes.append(f"browser figure not taken: {missing}")
                continue
            live, how = live_rate_browser(settings.live_seconds)
        else:
            with compiled_once():
                live, how = live_rate_apptest(settings.live_seconds)
        rows.append((name, live))
        notes.append(f"{how}.")
    results["live"] = {"bare": bare, "rows": rows}
    table = Table(
        "6. Live training on the Training page: steps/s while it plays vs the bare engine",
        ["measured with", "steps/s while playing", "bare rc.Trainer steps/s", "share of bare"],
        notes=notes + ["bare: the same Trainer (same data, model, optimiser) run in a plain loop in this process."],
    )
    for name, live in rows:
        table.add(name, rate(live), rate(bare), f"{100 * live / bare:.0f}%")
    if method != "apptest" and not browser_missing():
        found = step_repaint_times()
        results["step_repaint"] = found
        return [table, step_repaint_table(found)]
    return [table]
