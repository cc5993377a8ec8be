"""The class-load client speaks Streamlit's real protocol: it reruns the app, reads script_finished, sees exceptions.

Behaviour only, never speed: two sessions change the Gradient lab's w2 twice each on the real
app, and a one-slider script that raises on a value shows that an exception is counted.
No browser is needed (the client is a websocket), so these tests carry no ``browser`` marker.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench import class_load as cl
from bench.app_server import running_app

LAB = next(s for s in cl.SCENARIOS if s.key == "lab_w2")

RAISES_ABOVE_ONE = """
import streamlit as st
w = st.slider("w", 0.0, 3.0, 0.5, key="w")
st.metric("twice w", 2 * w)
if w > 1:
    raise ValueError("w is above one")
"""


def run_async(coroutine):
    """Run ``coroutine`` to its end on an event loop of its own thread: a test process that has driven a
    browser (Playwright's sync API) may hold a running loop on this one, where asyncio.run refuses."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def app():
    with running_app() as running:
        yield running


def test_two_sessions_rerun_the_lab_on_each_change_and_finish(app):
    phase = run_async(cl.run_phase(app.url, app.process.pid, LAB, 2, 2, 0.2, 0.2))
    assert phase.errors == [] and phase.lost == 0
    assert phase.changes == 4 and len(phase.times) == 4 and all(t > 0 for t in phase.times)
    assert phase.cpu > 0  # the server process did the work


def test_a_session_reads_the_widgets_and_the_new_value_reaches_the_script(app):
    async def walk():
        session = cl.Session(app.url, LAB, 0)
        first = await session.open()
        try:
            assert first.status == 0 and first.exceptions == []
            assert session.page_hash and "lab_w2" in session.ids and "lab_w2=2" in session.query
            slider = session.widgets[session.ids["lab_w2"]]
            assert list(slider.double_array_value.data) == [2.0]  # read from the link, as a browser does
            changed = await session.change(0)
            assert changed.status == 0 and changed.problem is None and changed.fingerprint != first.fingerprint
            assert f"lab_w2={LAB.value(0, 0):g}" in session.query  # the URL follows the bound widget, as in a browser
        finally:
            await session.close()

    run_async(walk())


def test_an_exception_in_the_script_is_counted_as_an_error(tmp_path):
    script = tmp_path / "raises.py"
    script.write_text(RAISES_ABOVE_ONE)
    scenario = cl.Scenario("raises", "", "", "w", "slider", lambda s, k: [0.7, 2.0][k])
    with running_app(str(script)) as running:
        phase = run_async(cl.run_phase(running.url, running.process.pid, scenario, 1, 2, 0.0, 0.0))
    assert phase.changes == 2 and phase.lost == 0
    assert len(phase.errors) == 1 and "change 1" in phase.errors[0] and "w is above one" in phase.errors[0]


def test_players_press_play_and_their_timers_ask_for_refreshes_while_others_use_the_lab(app):
    phase = run_async(cl.play_phase(app.url, app.process.pid, players=2, others=1, seconds=3.0, press_within=0.2))
    assert phase.errors == [] and phase.lost == 0
    assert len(phase.first) == 2 and all(t > 0 for t in phase.first)  # both pressed Play and saw a refresh
    assert phase.refreshes >= 2 * 2, "each player's fragment timer kept asking for refreshes"
    assert phase.others.changes >= 2 and len(phase.others.times) == phase.others.changes


def test_a_full_run_drops_the_fragment_timers_and_a_fragment_run_keeps_them():
    _, ForwardMsg = cl._pb()
    session = cl.Session("http://x", LAB, 0)
    timer = ForwardMsg()
    timer.auto_rerun.fragment_id, timer.auto_rerun.interval = "f1", 0.3
    session.read(timer.SerializeToString())
    fragment_run = ForwardMsg()
    fragment_run.new_session.name = "app"
    fragment_run.metadata.run.fragment_ids.append("f1")
    session.read(fragment_run.SerializeToString())
    assert session.timers == {"f1": pytest.approx(0.3)}
    full_run = ForwardMsg()
    full_run.new_session.name = "app"
    session.read(full_run.SerializeToString())
    assert session.timers == {}
