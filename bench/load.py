"""Load test (issue 6): N browser sessions use the app at once; how much memory, how long each rerun.

    python bench/load.py                 10 sessions
    python bench/load.py --sessions 20 --changes 5

Starts the app (``streamlit run streamlit_app.py`` headless on a free port), opens N
headless Chromium sessions in parallel (Playwright with Debian's /usr/bin/chromium),
and has each one walk the pages through the sidebar like a user: Home, StatLand
(change the w2 number input), Training (press Step) and the Gradient lab (move the
w2 slider). The time of each change is measured in the browser, from just before
the input until the server's "script finished" message for the rerun it caused
arrives (the message that turns the app root's ``data-test-script-state`` from
``running`` back to ``notRunning``; see RERUN_CLOCK). The server's
peak resident memory is its kernel high-water mark (/proc/<pid>/status VmHWM), with
the RSS sampled every 0.1 s (psutil if installed, else /proc VmRSS) beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo, for `python bench/load.py`

from bench.app_server import (  # noqa: E402
    CHROMIUM_ARGS,
    IDLE,
    browser_missing,
    chromium_path,
    current_rss,
    peak_rss,
    running_app,
    running_page,
)
from bench.common import Table, machine_lines  # noqa: E402
from bench.pages import MINIMAL_PAGE  # noqa: E402

TIMEOUT_MS = 60_000
# Streamlit's documentation, "Manage your app" > "Resource limits" (figures "as of February 2024",
# "may change at any time without notice"):
# https://docs.streamlit.io/deploy/streamlit-community-cloud/manage-your-app
CLOUD_LIMITS = (
    ("CPU", "0.078 cores minimum, 2 cores maximum"),
    ("Memory", "690 MB minimum, 2.7 GB maximum"),
    ("Storage", "no minimum, 50 GB maximum"),
)
CLOUD_SOURCE = (
    "Streamlit Community Cloud resource limits, per Streamlit's docs page 'Manage your app' "
    "(https://docs.streamlit.io/deploy/streamlit-community-cloud/manage-your-app), stated there as "
    "approximate, as of February 2024, and subject to change without notice"
)

# Installed in every page before the app's own scripts: notes the browser time at which each
# "script finished" message of the server arrives on Streamlit's websocket. That message (field
# 6 of the ForwardMsg protobuf; status 0 = a full run, 3 = a fragment run, finished normally) is
# what turns the app root's data-test-script-state back to notRunning. Watching the attribute
# alone misses fast reruns whose "running" and "notRunning" are rendered in one React batch.
RERUN_CLOCK = """(() => {
  const bench = window.__bench = {finished: [], armed: 0};
  const finishedStatus = (bytes) => {
    let i = 0;
    const varint = () => { let value = 0, scale = 1, byte;
      do { byte = bytes[i++]; value += (byte & 0x7f) * scale; scale *= 128; } while (byte & 0x80);
      return value; };
    while (i < bytes.length) {
      const key = varint(), field = Math.floor(key / 8), wire = key & 7;
      if (wire === 0) { const value = varint(); if (field === 6) return value; }
      else if (wire === 2) { const length = varint(); i += length; }
      else if (wire === 1) { i += 8; } else if (wire === 5) { i += 4; } else { return -1; }
    }
    return -1;
  };
  const note = (buffer, at) => {
    const status = finishedStatus(new Uint8Array(buffer));
    if (status === 0 || status === 3) bench.finished.push(at);
  };
  const Native = window.WebSocket;
  function Watched(...args) {
    const socket = new Native(...args);
    socket.addEventListener('message', (event) => {
      const at = performance.now();
      if (event.data instanceof ArrayBuffer) note(event.data, at);
      else if (event.data instanceof Blob) event.data.arrayBuffer().then((buffer) => note(buffer, at));
    });
    return socket;
  }
  Watched.prototype = Native.prototype;
  for (const name of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Watched[name] = Native[name];
  window.WebSocket = Watched;
})();"""


class MemorySampler:
    """Samples a process's RSS every ``interval`` seconds in a background thread; keeps the maximum."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, current_rss(self.pid) or 0)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


async def timed_change(page, action) -> float:
    """Seconds from just before ``action`` until the rerun it caused has finished (browser clock)."""
    seen = await page.evaluate("() => { __bench.armed = performance.now(); return __bench.finished.length; }")
    await action()
    await page.wait_for_function(f"() => window.__bench.finished.length > {seen}", timeout=TIMEOUT_MS, polling=20)
    took = await page.evaluate(f"() => (window.__bench.finished[{seen}] - window.__bench.armed) / 1000")
    await page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    return took


async def open_page(page, title: str, path: str, ready) -> None:
    """Click the sidebar link to a page (as a user does; the session is kept) and wait until it is drawn."""
    link = page.get_by_test_id("stSidebarNavLink").filter(has_text=title)
    for attempt in range(3):  # a click that lands while the app is still settling can be lost: try again
        await link.click()
        try:
            await page.wait_for_url(f"**/{path}", timeout=10_000)
            break
        except Exception:
            if attempt == 2:
                raise
    await ready.wait_for(state="visible", timeout=TIMEOUT_MS)
    await page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)


async def one_session(browser, url: str, index: int, changes: int, times: dict, errors: list) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.add_init_script(script=RERUN_CLOCK)
    page = await context.new_page()
    stage = "opening the app"
    try:
        await page.goto(url)
        await page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)

        stage = "opening StatLand"
        w2_box = page.get_by_label("w2", exact=True)
        await open_page(page, "StatLand", "statland", w2_box)
        stage = "changing StatLand's w2"
        for k in range(changes):
            value = f"{-0.5 + 0.05 * (k + 1) + 0.001 * index:.3f}"

            async def type_w2(value=value):
                await w2_box.fill(value)
                await w2_box.press("Enter")

            times["StatLand: w2 number input"].append(await timed_change(page, type_w2))

        stage = "opening Training"
        step = page.locator(".st-key-tr_step button")
        await open_page(page, "Training", "training", step)
        stage = "pressing Step"
        for _ in range(changes):
            times["Training: press Step"].append(await timed_change(page, step.click))

        stage = "opening the Gradient lab"
        slider = page.get_by_test_id("stSlider").filter(has_text="Recurrent weight w2").get_by_role("slider")
        await open_page(page, "Gradient lab", "lab", slider)
        stage = "moving the lab's w2 slider"
        await slider.focus()
        for _ in range(changes):
            times["Gradient lab: w2 slider"].append(await timed_change(page, lambda: slider.press("ArrowRight")))

        shown = await page.get_by_test_id("stException").count()
        if shown:
            errors.append(f"session {index}: {shown} exception box(es) on the Gradient lab")
    except Exception as error:  # keep the other sessions going; report what failed
        errors.append(f"session {index}, {stage}: {type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        await context.close()


CHANGES = ("StatLand: w2 number input", "Training: press Step", "Gradient lab: w2 slider")


async def drive(url: str, sessions: int, changes: int) -> tuple[dict, list, float]:
    """Run ``sessions`` user walks at once; return the change times per kind, the errors and the wall time."""
    from playwright.async_api import async_playwright

    times: dict[str, list[float]] = {label: [] for label in CHANGES}
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            start = time.perf_counter()
            await asyncio.gather(*(one_session(browser, url, i, changes, times, errors) for i in range(sessions)))
            wall = time.perf_counter() - start
        finally:
            await browser.close()
    return times, errors, wall


async def minimal_page_times(url: str, changes: int) -> list[float]:
    """The same measurement on a one-slider, one-chart page: the floor any Streamlit rerun pays here."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page()
            await page.add_init_script(script=RERUN_CLOCK)
            await page.goto(url)
            await page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
            slider = page.get_by_test_id("stSlider").get_by_role("slider")
            await slider.focus()
            return [await timed_change(page, lambda: slider.press("ArrowRight")) for _ in range(changes)]
        finally:
            await browser.close()


def megabytes(value: int | None) -> str:
    return "unavailable" if value is None else f"{value / 2**20:.0f} MB"


def seconds(value: float) -> str:
    return f"{value * 1e3:.0f} ms"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10, help="browser sessions at once (default 10)")
    parser.add_argument("--changes", type=int, default=3, help="widget changes per page per session (default 3)")
    args = parser.parse_args(argv)
    missing = browser_missing()
    if missing:
        raise SystemExit(f"bench/load.py needs a browser: {missing}")

    print(f"# Unrolled load test: {args.sessions} sessions at once\n")
    for line in machine_lines():
        print(line)
    print()
    with running_page(MINIMAL_PAGE) as app:
        floor = asyncio.run(minimal_page_times(app.url, 5))
    with running_app() as app:
        time.sleep(1.0)
        idle = current_rss(app.process.pid)
        alone, alone_errors, _ = asyncio.run(drive(app.url, 1, args.changes))  # also warms the caches
        after_one = current_rss(app.process.pid)
        with MemorySampler(app.process.pid) as sampler:
            times, errors, wall = asyncio.run(drive(app.url, args.sessions, args.changes))
        peak, source = peak_rss(app.process.pid)
        after = current_rss(app.process.pid)
    errors = [f"(single session) {e}" for e in alone_errors] + errors

    n = args.sessions
    table = Table(
        f"Input -> rerun finished, measured in each browser: 1 session alone, then {n} at once",
        ["widget change", "1 session: median", f"{n} sessions: count", "median", "worst"],
        notes=[
            f"minimal page (one slider + one Altair chart, its own server, 1 session): median "
            f"{seconds(statistics.median(floor))}, worst {seconds(max(floor))} over {len(floor)} slider moves; "
            "this is the floor every Streamlit rerun pays here (the slider's own debounce included)."
        ],
    )
    every = []
    for label in CHANGES:
        values = times[label]
        every += values
        one = seconds(statistics.median(alone[label])) if alone[label] else "–"
        if values:
            table.add(label, one, len(values), seconds(statistics.median(values)), seconds(max(values)))
        else:
            table.add(label, one, 0, "–", "–")
    if every:
        table.add("all changes", "", len(every), seconds(statistics.median(every)), seconds(max(every)))
    memory = Table("Server memory (the streamlit process)", ["measure", "value"])
    memory.add("RSS after start-up, before any session", megabytes(idle))
    memory.add("RSS after one session walked every page", megabytes(after_one))
    memory.add(f"peak RSS ({source})", megabytes(peak))
    memory.add(f"max RSS sampled every 0.1 s during the {n} sessions", megabytes(sampler.peak or None))
    memory.add("RSS after the sessions closed", megabytes(after))
    memory.add(f"wall time for the {n} sessions", f"{wall:.1f} s")
    cloud = Table("Streamlit Community Cloud limits (documented, for comparison)", ["resource", "limit"])
    for name, limit in CLOUD_LIMITS:
        cloud.add(name, limit)
    cloud.notes.append(CLOUD_SOURCE + ".")
    for t in (table, memory, cloud):
        print(t.render())
    if errors:
        print(f"{len(errors)} session(s) hit a problem:")
        for line in errors:
            print(f"  - {line}")
    else:
        print(f"all {n} sessions finished without an error or exception box")
    return {"times": times, "errors": errors, "peak": peak, "tables": [table, memory, cloud]}


if __name__ == "__main__":
    main()
