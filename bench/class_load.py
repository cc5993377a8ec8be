"""A class of N on one server (issue 16, item 5): browser-less sessions speaking Streamlit's own protocol.

    python bench/class_load.py --sessions 30            every page in SCENARIOS, 30 sessions each,
                                                        then 30 press Play while 5 use the lab
    python bench/class_load.py --play                   only the everyone-presses-Play case
    python bench/class_load.py --sessions 2 --changes 2 --pages lab

Each session is a websocket to ``/_stcore/stream`` (subprotocol ``streamlit``, as the browser
opens it) carrying ``BackMsg`` protobufs; the server answers with ``ForwardMsg`` s. A session
opens its scenario link with a ``rerun_script`` whose ``ClientState`` has the link's query
string and page name (what the browser sends for ``/lab?lab_w2=2``), reads the deltas until
``script_finished``, then changes one widget: a new ``rerun_script`` with the current page's
``page_script_hash``, the query string the server last wrote (``page_info_changed``) and the
widget states it knows (sliders and number inputs read from the deltas as the browser reads
them; a button press is a one-off ``trigger_value``). Large cacheable deltas come back as
``ref_hash`` once their hashes are listed in ``cached_message_hashes``, as in the browser.

A change counts as an error when the run shows an ``exception`` element, ends other than
successfully, times out, or draws exactly the same non-widget elements as before (it did not
really rerun on the new value); a closed websocket is a lost session.

Server CPU is the process's own utime + stime (/proc/<pid>/stat, all threads) over a phase in
which only one page is used, divided by the changes in that phase (opening the links is not in
the phase). Peak memory is the kernel's high-water mark (VmHWM).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import statistics
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo, for `python bench/class_load.py`

from bench.app_server import peak_rss, running_app  # noqa: E402
from bench.common import ROOT, Table, machine_lines  # noqa: E402
from ui.classroom.scenarios import SCENARIOS as TEACHER_SCENARIOS  # noqa: E402

TIMEOUT = 60.0
FINISHED_OK = (0, 3)  # FINISHED_SUCCESSFULLY, FINISHED_FRAGMENT_RUN_SUCCESSFULLY
# FINISHED_EARLY_FOR_RERUN: the next run started before this one's end was sent; what it drew and
# had already sent still reached the browser.
EARLY_FOR_RERUN = 2
# Element types whose protos are widgets (they carry the widget id): left out of the page's
# fingerprint, so a change is seen as "reran" only when something the script computed changed.
WIDGETS = {
    "audio_input", "bidi_component", "button", "button_group", "download_button", "camera_input",
    "checkbox", "color_picker", "component_instance", "date_input", "feedback", "file_uploader",
    "multiselect", "number_input", "radio", "selectbox", "slider", "text_area", "text_input",
    "time_input", "date_time_input", "pagination", "chat_input",
}  # fmt: skip


@dataclass(frozen=True)
class Scenario:
    """One page of the class: the link a session opens and the widget it changes.

    ``kind`` is ``slider`` (double_array_value), ``number`` (double_value), ``button``
    (trigger_value) or ``rerun`` (a plain rerun, no widget). ``value(session, k)`` is the k-th
    value a session sets. Unknown query parameters in ``query`` are passed on untouched.
    """

    page: str
    path: str
    query: str
    key: str | None
    kind: str
    value: Callable[[int, int], float] = lambda session, k: 0.0
    must_change: bool = True


TEACHER_LINK = next(s for s in TEACHER_SCENARIOS if s.title.startswith("w2 = 0.5")).link("")

SCENARIOS = (
    Scenario("Home", "", "", None, "rerun", must_change=False),
    Scenario("StatLand: w2 number input", "statland", "", "sl_w2", "number",
             lambda s, k: round(-0.5 + 0.05 * (k + 1) + 0.001 * s, 3)),
    Scenario("Training: press Step", "training", "", "tr_step", "button"),
    Scenario("Gradient lab: w2 slider", "lab", "lab_w2=2&lab_length=50", "lab_w2", "slider",
             lambda s, k: round(2.0 - 0.05 * ((k + 1) % 40), 2)),
    Scenario("Lesson step 7: w2 slider", "lesson", "step=7", "ls_exploding_w2", "slider",
             lambda s, k: round(1.0 + 0.05 * ((k + 1) % 30), 2)),
    # A teacher's scenario link (ui.scenarios, "w2 = 0.5: gradients vanish"): w2 locked, T changed.
    Scenario("Teacher's link, lab: T slider", "lab", TEACHER_LINK.split("?", 1)[1], "lab_length", "slider",
             lambda s, k: float(55 + 5 * ((k + s) % 12))),  # never the link's own T = 50
)  # fmt: skip


def _pb():
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    return BackMsg, ForwardMsg


@dataclass
class RunResult:
    seconds: float
    status: int | None = None
    exceptions: list[str] = field(default_factory=list)
    fingerprint: tuple = ()
    problem: str | None = None


class Session:
    """One learner without a browser: a websocket and the state a browser keeps for the page."""

    def __init__(self, url: str, scenario: Scenario, index: int):
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.scenario, self.index = scenario, index
        self.query = scenario.query
        self.page_hash = ""
        self.widgets: dict[str, object] = {}  # widget id -> WidgetState proto (what the browser holds)
        self.ids: dict[str, str] = {}  # user key -> widget id
        self.bound: dict[str, str] = {}  # widget id -> its query parameter (bind="query-params")
        self.cache: dict[str, bytes] = {}  # hash -> cacheable ForwardMsg bytes
        self.ws = None
        self.fingerprint: tuple = ()
        self.timers: dict[str, float] = {}  # fragment id -> run_every seconds (the browser's auto-rerun timers)

    async def connect(self) -> None:
        import websockets

        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=TIMEOUT)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    def _client_state(self, msg, trigger_id: str | None = None, fragment_id: str | None = None):
        state = msg.rerun_script
        state.query_string = self.query
        if fragment_id:  # a fragment's timer: the browser asks for that fragment alone
            state.fragment_id, state.is_auto_rerun = fragment_id, True
        if self.page_hash:
            state.page_script_hash = self.page_hash
        else:
            state.page_name = self.scenario.path
        for widget in self.widgets.values():
            state.widget_states.widgets.add().CopyFrom(widget)
        if trigger_id:
            pressed = state.widget_states.widgets.add()
            pressed.id, pressed.trigger_value = trigger_id, True
        state.cached_message_hashes.extend(self.cache)
        return msg

    async def rerun(self, trigger_id: str | None = None) -> RunResult:
        """Send a rerun_script with the current widget states; read ForwardMsgs until script_finished."""
        BackMsg, ForwardMsg = _pb()
        start = time.perf_counter()
        await self.ws.send(self._client_state(BackMsg(), trigger_id).SerializeToString())
        result = RunResult(0.0)
        seen: dict[str, object] = {}
        prints = []
        deadline = start + TIMEOUT
        while True:
            data = await asyncio.wait_for(self.ws.recv(), timeout=max(0.1, deadline - time.perf_counter()))
            msg = self.read(data)
            kind = msg.WhichOneof("type")
            if kind == "script_finished":
                result.seconds = time.perf_counter() - start
                result.status = msg.script_finished
                break
            if kind == "navigation":
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "page_not_found":
                result.problem = f"page not found: {msg.page_not_found.page_name!r}"
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                etype = element.WhichOneof("type")
                if etype == "exception":
                    result.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:200])
                if etype in WIDGETS:
                    proto = getattr(element, etype)
                    seen[proto.id] = (etype, proto)
                else:
                    prints.append(msg.hash)
        if result.status == 0:  # a full run: the widgets on the page are exactly those it drew
            self._learn_widgets(seen)
        result.fingerprint = tuple(prints)
        return result

    def read(self, data: bytes):
        """One ForwardMsg as the browser reads it: a cached message resolved, auto-rerun timers kept."""
        _, ForwardMsg = _pb()
        msg = ForwardMsg()
        msg.ParseFromString(data)
        if msg.WhichOneof("type") == "ref_hash":
            ref = msg.ref_hash
            msg = ForwardMsg()
            msg.ParseFromString(self.cache[ref])
        elif msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = data
        kind = msg.WhichOneof("type")
        if kind == "new_session" and not msg.metadata.run.fragment_ids:
            self.timers.clear()  # a full run starts: the browser drops its timers until the page asks again
        elif kind == "auto_rerun":
            self.timers[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self.timers.pop(fragment_id, None)
        return msg

    def _learn_widgets(self, seen: dict) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        kept = {}
        for wid, (etype, proto) in seen.items():
            key = wid.rsplit("-", 1)[-1] if wid.startswith("$$ID-") else None
            if key:
                self.ids[key] = wid
            if getattr(proto, "query_param_key", ""):
                self.bound[wid] = proto.query_param_key
            if wid in self.widgets:
                kept[wid] = self.widgets[wid]
                continue
            state = WidgetState(id=wid)
            if etype == "slider" and proto.options:  # a select_slider: the formatted options chosen
                chosen = proto.value if proto.set_value else proto.default
                state.string_array_value.data.extend(proto.options[int(i)] for i in chosen)
            elif etype == "slider":
                state.double_array_value.data.extend(proto.value if proto.set_value else proto.default)
            elif etype == "number_input" and proto.data_type == 1 and (proto.set_value or proto.HasField("default")):
                state.double_value = proto.value if proto.set_value else proto.default
            elif etype == "number_input" and proto.data_type == 0 and (proto.set_value or proto.HasField("default")):
                state.int_value = int(proto.value if proto.set_value else proto.default)
            elif etype == "checkbox":
                state.bool_value = proto.value if proto.set_value else proto.default
            else:
                continue  # a widget this client does not read: Streamlit keeps its server-side value
            kept[wid] = state
        self.widgets = kept

    async def open(self) -> RunResult:
        await self.connect()
        first = await self.rerun()
        self.fingerprint = first.fingerprint
        return first

    async def change(self, k: int) -> RunResult:
        """The k-th widget change of the scenario; flags a run that did not redraw anything computed."""
        sc = self.scenario
        trigger = None
        if sc.kind != "rerun":
            wid = self.ids.get(sc.key)
            if wid is None:
                return RunResult(0.0, problem=f"no widget with key {sc.key!r} on the page")
            if sc.kind == "button":
                trigger = wid
            else:
                value = sc.value(self.index, k)
                state = self.widgets.get(wid)
                if state is None:
                    from streamlit.proto.WidgetStates_pb2 import WidgetState

                    state = self.widgets[wid] = WidgetState(id=wid)
                if sc.kind == "slider":
                    del state.double_array_value.data[:]
                    state.double_array_value.data.append(value)
                else:
                    state.double_value = value
                if wid in self.bound:  # the browser rewrites its URL for a bound widget before the rerun
                    from urllib.parse import parse_qsl, urlencode

                    params = dict(parse_qsl(self.query, keep_blank_values=True))
                    params[self.bound[wid]] = f"{value:g}"
                    self.query = urlencode(params)
        result = await self.rerun(trigger)
        if sc.must_change and result.status == 0 and result.fingerprint == self.fingerprint:
            result.problem = "the page drew the same elements as before the change"
        self.fingerprint = result.fingerprint
        return result


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (every thread) from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Phase:
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lost: int = 0
    cpu: float = 0.0
    changes: int = 0


def _judge(result: RunResult, label: str, phase: Phase) -> None:
    problems = list(result.exceptions)
    if result.problem:
        problems.append(result.problem)
    if result.status not in FINISHED_OK:
        problems.append(f"script ended with status {result.status}")
    phase.errors += [f"{label}: {p}" for p in problems]


async def _opened(client: Session, phase: Phase) -> bool:
    """Open the session's link; False (counted lost) if its socket or run failed."""
    try:
        _judge(await client.open(), f"session {client.index} opening", phase)
        return True
    except Exception as error:
        phase.lost += 1
        phase.errors.append(f"session {client.index} opening: {type(error).__name__}: {error}")
        return False


async def _changed(client: Session, k: int, phase: Phase) -> bool:
    """The session's k-th change, timed and judged into ``phase``; False (counted lost) if the session died."""
    try:
        result = await client.change(k)
    except Exception as error:  # a closed socket or a timeout: the session is lost
        phase.lost += 1
        phase.errors.append(f"session {client.index} change {k}: {type(error).__name__}: {error}")
        return False
    phase.changes += 1
    phase.times.append(result.seconds)
    _judge(result, f"session {client.index} change {k}", phase)
    return True


async def run_phase(url: str, pid: int, scenario: Scenario, sessions: int, changes: int, every: float,
                    stagger: float, seed: int = 0) -> Phase:  # fmt: skip
    """Open ``sessions`` links at once, then (CPU counted from here) each changes the widget ``changes`` times."""
    phase = Phase()
    rng = random.Random(seed)
    clients = [Session(url, scenario, i) for i in range(sessions)]
    opened = await asyncio.gather(*(_opened(c, phase) for c in clients))
    alive = [c for c, ok in zip(clients, opened, strict=True) if ok]
    delays = {c.index: rng.uniform(0, stagger) for c in alive}
    cpu_start = cpu_seconds(pid)

    async def walk(client):
        await asyncio.sleep(delays[client.index])
        for k in range(changes):
            began = time.perf_counter()
            if not await _changed(client, k, phase):
                return
            await asyncio.sleep(max(0.0, every - (time.perf_counter() - began)) if k < changes - 1 else 0)

    await asyncio.gather(*(walk(c) for c in alive))
    phase.cpu = cpu_seconds(pid) - cpu_start
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
    return phase


PLAY_LINK = "tr_data=Stock+prices&tr_steps=20000&tr_speed=fastest"  # 20,000 steps: still playing at the end
PLAYERS = Scenario("Training: press Play (20,000-step stock-price run)", "training", PLAY_LINK, "tr_play", "button")
OTHERS = next(s for s in SCENARIOS if s.page == "Gradient lab: w2 slider")


@dataclass
class PlayPhase:
    first: list[float] = field(default_factory=list)  # each player: Play pressed -> its first refresh drawn
    refreshes: int = 0  # the players' timer refreshes that reached the browser
    dropped: int = 0  # refreshes whose messages the server dropped for the next one (FINISHED_EARLY_FOR_RERUN)
    others: Phase = field(default_factory=Phase)
    errors: list[str] = field(default_factory=list)
    lost: int = 0
    cpu: float = 0.0
    seconds: float = 0.0


async def play_phase(url: str, pid: int, players: int, others: int, seconds: float, other_every: float = 1.0,
                     press_within: float = 2.0, seed: int = 0) -> PlayPhase:  # fmt: skip
    """The teacher says "press Play": ``players`` sessions press it within ``press_within`` s and keep
    playing for ``seconds`` while their fragment's timer asks for a refresh every ``run_every`` s, as the
    browser's timer does (it does not wait for the last refresh; the server merges requests that queue);
    meanwhile ``others`` sessions move the lab's w2 once every ``other_every`` s."""
    phase = PlayPhase()
    rng = random.Random(seed)
    BackMsg, _ = _pb()
    playing = [Session(url, PLAYERS, i) for i in range(players)]
    watching = [Session(url, OTHERS, players + i) for i in range(others)]

    ok = await asyncio.gather(*(_opened(c, phase.others) for c in playing + watching))
    alive = {c.index for c, good in zip(playing + watching, ok, strict=True) if good}
    cpu_start, start = cpu_seconds(pid), time.perf_counter()
    stop = start + seconds

    async def play(client):
        await asyncio.sleep(rng.uniform(0, press_within))
        try:
            first = await client.change(0)
        except Exception as error:
            phase.lost += 1
            phase.errors.append(f"player {client.index} pressing Play: {type(error).__name__}: {error}")
            return
        phase.first.append(first.seconds)
        _judge(first, f"player {client.index} pressing Play", phase.others)
        if not client.timers:
            phase.errors.append(f"player {client.index}: no refresh timer after Play (the run is not playing)")
            return

        async def timer():
            while time.perf_counter() < stop and client.timers:
                fragment_id, interval = next(iter(client.timers.items()))
                await asyncio.sleep(interval)
                await client.ws.send(client._client_state(BackMsg(), fragment_id=fragment_id).SerializeToString())

        async def reader():
            charts = 0  # charts drawn in the run under way: a refresh the learner sees has some
            while time.perf_counter() < stop + 5.0:  # the refreshes asked for before the end, answered
                try:
                    data = await asyncio.wait_for(client.ws.recv(), timeout=1.0)
                except TimeoutError:
                    if time.perf_counter() > stop:
                        return
                    continue
                msg = client.read(data)
                kind = msg.WhichOneof("type")
                if kind == "new_session":
                    charts = 0
                elif kind == "script_finished" and time.perf_counter() <= stop:
                    if msg.script_finished not in (*FINISHED_OK, EARLY_FOR_RERUN):
                        phase.errors.append(f"player {client.index}: a refresh ended with {msg.script_finished}")
                    elif charts:
                        phase.refreshes += 1
                    else:
                        phase.dropped += 1
                elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    element = msg.delta.new_element.WhichOneof("type")
                    charts += element == "vega_lite_chart"
                    if element == "exception":
                        phase.errors.append(f"player {client.index}: {msg.delta.new_element.exception.message}"[:200])

        try:
            await asyncio.gather(timer(), reader())
        except Exception as error:
            phase.lost += 1
            phase.errors.append(f"player {client.index} playing: {type(error).__name__}: {error}")

    async def move(client):
        k = 0
        while time.perf_counter() < stop:
            began = time.perf_counter()
            if not await _changed(client, k, phase.others):
                return
            k += 1
            await asyncio.sleep(max(0.0, other_every - (time.perf_counter() - began)))

    await asyncio.gather(
        *(play(c) for c in playing if c.index in alive), *(move(c) for c in watching if c.index in alive)
    )
    phase.seconds = time.perf_counter() - start
    phase.cpu = cpu_seconds(pid) - cpu_start
    phase.errors += phase.others.errors
    phase.lost += phase.others.lost
    await asyncio.gather(*(c.close() for c in playing + watching), return_exceptions=True)
    return phase


def play_table(phase: PlayPhase, players: int, others: int, seconds: float, peak: int | None, source: str) -> Table:
    """The everyone-plays case as the README's class table reads it."""
    table = Table(
        f"Everyone presses Play: {players} play a 20,000-step stock-price run for {seconds:g} s while {others} "
        "move the lab's w2 once a second",
        ["measure", "value"],
    )
    times = phase.others.times

    def spread(values: list[float], *, p95: bool = True) -> str:
        if not values:
            return "–"
        picked = [statistics.median(values)] + ([percentile(values, 95)] if p95 else []) + [max(values)]
        return " / ".join(ms(v) for v in picked)

    table.add("others' changes", len(times))
    table.add("others: p50 / p95 / worst", spread(times))
    table.add("players' first refresh: p50 / worst", spread(phase.first, p95=False))
    per_second = phase.refreshes / max(players, 1) / phase.seconds
    table.add("players' refreshes shown per player per second", f"{per_second:.2f} ({phase.dropped} dropped)")
    table.add("server CPU (of one core)", f"{100 * phase.cpu / phase.seconds:.0f} %")
    table.add("server peak memory", f"{peak / 2**20:.0f} MB ({source})" if peak else "unavailable")
    table.add("errors / lost sessions", f"{len(phase.errors)} / {phase.lost}")
    return table


def served_post_script_gc() -> bool:
    """The server's runner.postScriptGC: the environment's override, else the app's config file, else
    Streamlit's default (on). Read here because the server runs in another process."""
    if (env := os.environ.get("STREAMLIT_RUNNER_POST_SCRIPT_GC")) is not None:
        return env.strip().lower() == "true"
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    return bool(config.get("runner", {}).get("postScriptGC", True))


# Where the server's CPU goes: py-spy samples of the server during a one-session phase, each
# sample counted once in every group one of its frames belongs to (inclusive time).
PROFILE_GROUPS = (  # py-spy names files relative to sys.path: "(ui/charts.py:583)"
    ("gc.collect(2) after every run (runner.postScriptGC)", ("ScriptRunner._on_script_finished",)),
    ("the page's script (app_pages/ + ui/)", ("(app_pages/", "(ui/")),
    ("Altair chart building (altair/)", ("(altair/",)),
    ("st.vega_lite_chart marshalling", ("(streamlit/elements/vega_charts.py",)),
    ("Arrow / dataframe serialization", ("(pyarrow/", "dataframe_util.py", "(streamlit/elements/arrow.py")),
    ("pandas", ("(pandas/",)),
    ("rnn_core calls", ("(rnn_core/",)),
    ("markdown / text elements", ("(streamlit/elements/markdown.py", "(streamlit/elements/heading.py")),
    ("graphviz", ("graphviz_chart.py",)),
    ("ForwardMsg hashing (forward_msg_cache)", ("forward_msg_cache.py",)),
    ("protobuf (google/protobuf)", ("(google/protobuf/",)),
    ("websocket send, event loop", ("(starlette/", "(uvicorn/", "(websockets/", "(asyncio/", "(selectors.py")),
    ("session state / widgets bookkeeping", ("(streamlit/runtime/state/",)),
    ("file watcher polling (streamlit/watcher)", ("(streamlit/watcher/",)),
)  # fmt: skip


def summarize_profile(path: Path, rate: int, changes: int, top: int = 8) -> list[tuple[str, float]]:
    """Milliseconds per change in each PROFILE_GROUP, then the app's own functions costing most (inclusive)."""
    groups = {name: 0 for name, _ in PROFILE_GROUPS}
    own: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for name, needles in PROFILE_GROUPS:
            if any(needle in frame for frame in frames for needle in needles):
                groups[name] += n
        for frame in {f for f in frames if any(d in f for d in ("(ui/", "(app_pages/", "(rnn_core/"))}:
            label = frame.split(" (")[0] + " (" + frame.rsplit("/", 1)[-1].split(":")[0] + ")"
            own[label] = own.get(label, 0) + n
    per = 1e3 / rate / max(changes, 1)
    out = [("all samples of the server (every thread)", total * per)]
    out += sorted(((k, v * per) for k, v in groups.items() if v), key=lambda kv: -kv[1])
    out += [(f"  app: {k}", v * per) for k, v in sorted(own.items(), key=lambda kv: -kv[1])[:top]]
    return out


def profile_pages(url: str, pid: int, scenarios, changes: int, folder: Path, rate: int = 200) -> Table:
    import signal
    import subprocess

    table = Table(
        "Where the server's CPU goes per change, one session (py-spy, inclusive ms)", ["page: group", "ms/change"]
    )
    for sc in scenarios:
        out = folder / f"{sc.path or 'home'}.txt"
        spy = subprocess.Popen(
            ["py-spy", "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw", "--nonblocking",
             "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(1.0)
        phase = asyncio.run(run_phase(url, pid, sc, 1, changes, 0.0, 0.0))
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=30)
        for label, value in summarize_profile(out, rate, phase.changes):
            table.add(f"{sc.page}: {label}", f"{value:.1f}")
    table.notes.append(f"py-spy record --rate {rate} --nonblocking on the server during {changes} changes "
                       "by one session (its phase's open and idle samples are included in 'all samples').")  # fmt: skip
    return table


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def ms(value: float | None) -> str:
    return "–" if value is None else f"{value * 1e3:.0f} ms"


# -- A class on the pulse (issue 30, item 6) ---------------------------------------------------------------
# A teacher's link on a lesson step (its fragment redraws the count every REFRESH_SECONDS) and N learners joined by
# ?class=CODE answer the step's class question, each at a random moment within a few seconds. Every session
# keeps reading its websocket while it waits, and its fragments' timers ask for refreshes as the browser's
# do (the learners' page watches for a new round every 3 s).

PULSE_STEP = "scaling"  # a lesson step whose class question is a number
PULSE_STORES = ("sqlite", "postgres")
POSTGRES_URL_VARIABLE = "UNROLLED_TEST_POSTGRES_URL"
HEADLINE = re.compile(r"\*\*(\d+)\*\* answered of \*\*(\d+)\*\*")
SENT, ALREADY_IN = "Sent to class", "already in"


@dataclass
class FullRun:
    """A full run of a live session's page, as its reader saw it end."""

    status: int | None
    exceptions: list[str]
    texts: list[str]
    finished_at: float
    seconds: float = 0.0


class LiveSession(Session):
    """A session whose page keeps running after it opened: one reader takes every message (the refreshes
    its fragments' timers ask for, and the full runs its widgets ask for) as the browser's one websocket does,
    and a ticker sends each fragment's refresh every ``run_every`` seconds from the full run that drew it."""

    def __init__(self, url: str, scenario: Scenario, index: int, on_text: Callable[[str], None] | None = None):
        super().__init__(url, scenario, index)
        self.on_text = on_text  # every markdown or alert body drawn, as it arrives
        self.due: dict[str, float] = {}  # fragment id -> when its timer asks next
        self.waiting: asyncio.Future | None = None
        self.full = False  # the run under way reruns the whole page
        self.run_seen: dict = {}
        self.run_texts: list[str] = []
        self.run_exceptions: list[str] = []
        self.protos: dict = {}  # widget id -> its proto, from the last full run
        self.refreshes = 0  # fragment runs that finished
        self.errors: list[str] = []  # exceptions and bad endings in fragment runs

    async def listen(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    data = await asyncio.wait_for(self.ws.recv(), timeout=0.25)
                except TimeoutError:
                    continue
                self._handle(data)
        except Exception as error:  # the socket closed: whoever waits for a run learns it
            if self.waiting is not None and not self.waiting.done():
                self.waiting.set_exception(error)
            raise

    def _handle(self, data: bytes) -> None:
        msg = self.read(data)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.full = not msg.metadata.run.fragment_ids
            if self.full:
                self.due.clear()  # the browser drops its timers until the page asks again
            self.run_seen, self.run_texts, self.run_exceptions = {}, [], []
        elif kind == "auto_rerun":
            self.due.setdefault(msg.auto_rerun.fragment_id, time.perf_counter() + msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self.due.pop(fragment_id, None)
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            etype = element.WhichOneof("type")
            if etype == "exception":
                self.run_exceptions.append(f"{element.exception.type}: {element.exception.message}"[:200])
            elif etype in ("markdown", "alert"):
                body = getattr(element, etype).body
                self.run_texts.append(body)
                if self.on_text is not None:
                    self.on_text(body)
            if etype in WIDGETS:
                proto = getattr(element, etype)
                self.run_seen[proto.id] = (etype, proto)
        elif kind == "script_finished":
            status = msg.script_finished
            if not self.full:
                if status == FINISHED_OK[1] and not self.run_exceptions:
                    self.refreshes += 1
                elif status != EARLY_FOR_RERUN or self.run_exceptions:
                    self.errors += self.run_exceptions or [f"a refresh ended with status {status}"]
                return
            if status == 0:
                self._learn_widgets(self.run_seen)
                self.protos = {wid: proto for wid, (_, proto) in self.run_seen.items()}
            if self.waiting is not None and not self.waiting.done():
                self.waiting.set_result(FullRun(status, self.run_exceptions, self.run_texts, time.perf_counter()))

    async def tick(self, stop: asyncio.Event) -> None:
        """Each fragment's timer, as the browser's setInterval: it asks without waiting for the last refresh."""
        BackMsg, _ = _pb()
        while not stop.is_set():
            now = time.perf_counter()
            for fragment_id, when in list(self.due.items()):
                if now >= when and fragment_id in self.timers:
                    following = when + self.timers[fragment_id]
                    self.due[fragment_id] = following if following > now else now + self.timers[fragment_id]
                    await self.ws.send(self._client_state(BackMsg(), fragment_id=fragment_id).SerializeToString())
            await asyncio.sleep(0.02)

    async def run_page(self, states=(), trigger_id: str | None = None) -> FullRun:
        """A full run with ``states`` set (and ``trigger_id`` pressed), timed from the send to its end."""
        BackMsg, _ = _pb()
        for state in states:
            self.widgets[state.id] = state
        self.waiting = asyncio.get_running_loop().create_future()
        start = time.perf_counter()
        await self.ws.send(self._client_state(BackMsg(), trigger_id).SerializeToString())
        try:
            run = await asyncio.wait_for(self.waiting, timeout=TIMEOUT)
        finally:
            self.waiting = None
        run.seconds = run.finished_at - start
        return run

    async def predict(self, step_key: str, value: float, sure: str | None) -> FullRun | None:
        """Type ``value`` in the step's answer, pick ``sure`` in How sure?, press Check (None: no form here)."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        prefix = f"ls_{step_key}_"
        guess, check = self.ids.get(prefix + "guess"), self.ids.get(prefix + "check")
        if guess is None or check is None:
            return None
        states = [WidgetState(id=guess)]
        if getattr(self.protos.get(guess), "data_type", 1) == 0:
            states[0].int_value = int(value)
        else:
            states[0].double_value = value
        if sure is not None and (sure_id := self.ids.get(prefix + "sure")) is not None:
            chosen = WidgetState(id=sure_id)
            chosen.string_array_value.data.append(sure)
            states.append(chosen)
        return await self.run_page(states, check)


@dataclass
class Learner:
    """One learner of the class: what they answer, when, and what became of it."""

    index: int
    value: float
    sure: str | None  # "Sure", "Not sure", or None (How sure? left out)
    again: float | None  # a second, different answer pressed after the first; the class keeps the first
    at: float = 0.0  # seconds into the answering window
    opened: float | None = None  # the join link's run, send -> script_finished
    seconds: float | None = None  # the answer's run, send -> script_finished
    sent: bool = False  # the answer left the learner (its Check was pressed)
    told: str = ""  # what the page said of the first answer
    told_again: str = ""  # ... and of the second
    errors: list[str] = field(default_factory=list)


def pulse_learners(n: int, answer: float, low: float, high: float, again_every: int, within: float, seed: int = 0):
    """``n`` learners with answers of their own around the network's ``answer``, all within [low, high]; every
    ``again_every``-th presses Check a second time with another number (0: nobody)."""
    rng = random.Random(seed)
    centre = answer or 1.0
    sureness = ("Sure", "Not sure", None)
    learners = []
    for i in range(n):
        value = min(high, max(low, round(centre * (0.2 + 1.6 * (i + 0.5) / n), 6)))
        again = -value if again_every and i % again_every == again_every - 1 else None
        learners.append(Learner(i, value, sureness[i % 3], again, at=rng.uniform(0.0, within)))
    assert len({learner.value for learner in learners}) == n, "two learners would answer the same number"
    return learners


def _told(run: FullRun | None) -> str:
    """What the page said of an answer: "sent", "already in", or its first line about the class."""
    if run is None:
        return "no Check on the page"
    if any(SENT in text for text in run.texts):
        return "sent"
    if any(ALREADY_IN in text for text in run.texts):
        return "already in"
    about = [text for text in run.texts if "Not sent" in text] + [text for text in run.texts if "class" in text]
    return about[0][:120] if about else "nothing said"


@dataclass
class PulsePhase:
    learners: list[Learner]
    seen: list[tuple[float, int]] = field(
        default_factory=list
    )  # (time.time(), count) each time the teacher's count was drawn
    teacher_refreshes: int = 0
    learner_refreshes: int = 0
    errors: list[str] = field(default_factory=list)
    lost: int = 0  # sessions whose socket closed
    cpu: float = 0.0  # server CPU over the answering window
    client_cpu: float = 0.0  # this process's CPU over the same window (every session's client)
    seconds: float = 0.0  # the answering window, first send to last answer's end
    last_confirmed: float | None = None  # time.time() when the last first answer's run ended


async def pulse_phase(url: str, pid: int, code: str, teacher_key: str, step_key: str, learners: list[Learner],
                      settle: float = 10.0) -> PulsePhase:  # fmt: skip
    """The teacher's link and the learners' join links opened on the step, then each learner answers at its
    moment (``learner.at`` seconds after the last link opened), while every page's timers run; ends when the
    teacher's count shows every answer the learners were told went in, or ``settle`` s after the last one."""
    from ui.lesson import steps as lesson
    from ui.pulse.start import teachers_link

    number = next(i for i, s in enumerate(lesson.STEPS, 1) if s.key == step_key)
    phase = PulsePhase(learners)
    stop = asyncio.Event()

    def count_drawn(text: str) -> None:
        if (found := HEADLINE.search(text)) is not None:
            phase.seen.append((time.time(), int(found.group(1))))

    teacher_query = f"{teachers_link('', code, teacher_key).split('?', 1)[1]}&step={number}"
    teacher = LiveSession(url, Scenario("teacher", "lesson", teacher_query, None, "rerun"), -1, count_drawn)
    clients = [
        LiveSession(url, Scenario("learner", "lesson", f"class={code}&step={number}", None, "rerun"), learner.index)
        for learner in learners
    ]
    tasks: list[asyncio.Task] = []

    async def opened(client: LiveSession, label: str) -> FullRun | None:
        try:
            await client.connect()
            tasks.append(asyncio.create_task(client.listen(stop)))
            run = await client.run_page()
        except Exception as error:
            phase.lost += 1
            phase.errors.append(f"{label} opening: {type(error).__name__}: {error}")
            return None
        tasks.append(asyncio.create_task(client.tick(stop)))
        problems = run.exceptions + ([f"ended with status {run.status}"] if run.status != 0 else [])
        phase.errors += [f"{label} opening: {p}" for p in problems]
        return run

    if await opened(teacher, "teacher") is None:
        stop.set()
        return phase
    if not teacher.due:
        phase.errors.append("teacher: the projector drew no refreshing fragment (is the teacher's key refused?)")
    runs = await asyncio.gather(*(opened(c, f"learner {c.index}") for c in clients))
    for learner, run in zip(learners, runs, strict=True):
        if run is not None:
            learner.opened = run.seconds
            if not any("You are in class" in text for text in run.texts):
                learner.errors.append("the join link did not say the learner is in the class")

    cpu_start, client_start, start = cpu_seconds(pid), time.process_time(), time.perf_counter()

    async def answer(client: LiveSession, learner: Learner) -> None:
        await asyncio.sleep(learner.at)
        try:
            learner.sent = client.ids.get(f"ls_{step_key}_check") is not None
            first = await client.predict(step_key, learner.value, learner.sure)
            learner.told = _told(first)
            if first is not None:
                learner.seconds = first.seconds
                learner.errors += first.exceptions + ([f"ended with status {first.status}"] if first.status else [])
            if learner.again is not None:
                await asyncio.sleep(0.5)
                second = await client.predict(step_key, learner.again, None)
                learner.told_again = _told(second)
                if second is not None:
                    learner.errors += second.exceptions
        except Exception as error:
            phase.lost += 1
            learner.errors.append(f"answering: {type(error).__name__}: {error}")

    answering = [answer(c, lr) for c, lr, run in zip(clients, learners, runs, strict=True) if run is not None]
    await asyncio.gather(*answering)
    phase.seconds = time.perf_counter() - start
    phase.cpu = cpu_seconds(pid) - cpu_start
    phase.client_cpu = time.process_time() - client_start
    phase.last_confirmed = time.time()
    told_in = sum(learner.told == "sent" for learner in learners)
    deadline = time.perf_counter() + settle
    while time.perf_counter() < deadline and not (phase.seen and phase.seen[-1][1] >= told_in):
        await asyncio.sleep(0.05)
    stop.set()
    done = await asyncio.gather(*tasks, return_exceptions=True)
    phase.errors += [f"a session's reader: {type(e).__name__}: {e}" for e in done if isinstance(e, Exception)]
    await asyncio.gather(teacher.close(), *(c.close() for c in clients), return_exceptions=True)
    phase.teacher_refreshes = teacher.refreshes
    phase.learner_refreshes = sum(c.refreshes for c in clients)
    phase.errors += [f"teacher refresh: {e}" for e in teacher.errors]
    phase.errors += [f"learner {c.index} refresh: {e}" for c in clients for e in c.errors]
    phase.errors += [f"learner {lr.index}: {e}" for lr in learners for e in lr.errors]
    return phase


@dataclass(frozen=True)
class Tally:
    """What the database holds of the learners' answers, against what they sent."""

    sent: int  # learners who pressed Check
    stored: int  # of them, with their first answer (number and sureness) stored
    lost: int  # sent and not stored
    doubled: int  # rows beyond one per learner's answer, or per learner id
    stray: int  # rows that are no learner's first answer (a second answer, a changed number)

    @property
    def exactly_once(self) -> bool:
        return self.lost == 0 and self.doubled == 0 and self.stray == 0 and self.stored == self.sent


def tally_answers(learners: list[Learner], rows) -> Tally:
    """Compare the stored rows (``number``, ``sure``, ``learner_id``) with the learners' first answers."""
    from collections import Counter

    def said(sure: str | None) -> bool | None:
        return None if sure is None else sure == "Sure"

    firsts = {(learner.value, said(learner.sure)) for learner in learners if learner.sent}
    stored = Counter((row.number, None if row.sure is None else bool(row.sure)) for row in rows)
    per_id = Counter(row.learner_id for row in rows)
    kept = sum(1 for answer in firsts if stored[answer])
    doubled = sum(n - 1 for answer, n in stored.items() if answer in firsts and n > 1)
    doubled += sum(n - 1 for n in per_id.values() if n > 1)
    stray = sum(n for answer, n in stored.items() if answer not in firsts)
    return Tally(len(firsts), kept, len(firsts) - kept, doubled, stray)


def count_delays(written: list[float], seen: list[tuple[float, int]]) -> list[float | None]:
    """For the k-th answer written (``written``: the store's answered_at, in order), the seconds until the
    teacher's screen first drew a count of k or more; None when it never did."""
    delays: list[float | None] = []
    for k, at in enumerate(sorted(written), 1):
        shown = next((t for t, count in seen if t >= at and count >= k), None)
        delays.append(None if shown is None else shown - at)
    return delays


@dataclass
class PulseResult:
    store: str
    phase: PulsePhase | None = None
    tally: Tally | None = None
    joined: int = 0  # members of the class in the database
    rows: int = 0  # answers to the class's question in the database
    delays: list[float | None] = field(default_factory=list)
    load: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    skipped: str | None = None  # why the store was not measured
    alone: list[float] = field(default_factory=list)  # the warm-up class's answers, one learner at a time

    @property
    def answer_times(self) -> list[float]:
        return [lr.seconds for lr in self.phase.learners if lr.seconds is not None] if self.phase else []

    @property
    def last_delay(self) -> float | None:
        return self.delays[-1] if self.delays else None

    @property
    def worst_delay(self) -> float | None:
        return None if not self.delays or None in self.delays else max(self.delays)


@contextlib.contextmanager
def pulse_database(store: str):
    """A URL for an empty class pulse database: a SQLite file in a temporary folder, or a schema of its own on
    the PostgreSQL server of ``UNROLLED_TEST_POSTGRES_URL`` (dropped afterwards)."""
    import secrets
    import tempfile

    import sqlalchemy as sa

    from ui.pulse.schema import engine_options, with_installed_driver

    if store == "sqlite":
        with tempfile.TemporaryDirectory(prefix="unrolled_pulse_bench_") as folder:
            yield f"sqlite:///{Path(folder) / 'pulse.sqlite3'}"
        return
    base = with_installed_driver(os.environ[POSTGRES_URL_VARIABLE].strip())
    schema = f"pulse_bench_{secrets.token_hex(4)}"
    server = sa.create_engine(base, **engine_options(base))
    with server.begin() as connection:
        connection.execute(sa.schema.CreateSchema(schema))
    try:
        url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with server.begin() as connection:
            connection.execute(sa.schema.DropSchema(schema, cascade=True))
        server.dispose()


@contextlib.contextmanager
def environment(**values: str):
    """``os.environ`` with ``values`` set for the block (the app server inherits it)."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def measure_pulse(store: str, learners: int, within: float, again_every: int, step_key: str = PULSE_STEP,
                  seed: int = 0, crowd: list[Learner] | None = None) -> PulseResult:  # fmt: skip
    """One class on a fresh server with the given store: a warm-up class first (one learner answers while
    the teacher's link is open), then the measured one (``crowd`` when given, else ``pulse_learners``); the
    database is read afterwards."""
    import sqlalchemy as sa

    from ui.pulse.lesson_questions import network_answer, question_of, step_by_key
    from ui.pulse.schema import DATABASE_URL_VARIABLE, answers, engine_options, members
    from ui.pulse.store import PulseStore

    step = step_by_key(step_key)
    question = question_of(step)
    if question is None or not hasattr(question, "low"):
        raise ValueError(f"lesson step {step_key!r} asks the class no number question")
    result = PulseResult(store)
    if store == "postgres" and not os.environ.get(POSTGRES_URL_VARIABLE, "").strip():
        result.skipped = f"{POSTGRES_URL_VARIABLE} is not set (bash .ci/run starts PostgreSQL and sets it)"
        return result
    with pulse_database(store) as url:
        engine = sa.create_engine(url, **engine_options(url))
        pulse = PulseStore(engine)
        with environment(**{DATABASE_URL_VARIABLE: url}), running_app() as app:
            pid = app.process.pid
            warm = pulse.start_class()
            warm_class = pulse_learners(3, network_answer(step), question.low, question.high, 0, 0.0)
            for learner in warm_class:  # one at a time: what an answer takes on a server with nothing else to do
                learner.at = 0.6 * learner.index
            asyncio.run(pulse_phase(app.url, pid, warm.code, warm.teacher_key, step_key, warm_class, settle=3.0))
            result.alone = [learner.seconds for learner in warm_class if learner.seconds is not None]
            started = pulse.start_class()
            if crowd is None:
                answer = network_answer(step)
                crowd = pulse_learners(learners, answer, question.low, question.high, again_every, within, seed)
            load_start = os.getloadavg()
            result.phase = asyncio.run(pulse_phase(app.url, pid, started.code, started.teacher_key, step_key, crowd))
            result.load = (load_start, os.getloadavg())
        with engine.connect() as connection:
            rows = connection.execute(
                sa.select(answers.c.learner_id, answers.c.number, answers.c.sure, answers.c.answered_at).where(
                    answers.c.code == started.code, answers.c.question_key == question.key
                )
            ).all()
            result.joined = connection.execute(
                sa.select(sa.func.count()).select_from(members).where(members.c.code == started.code)
            ).scalar_one()
        engine.dispose()
    result.rows = len(rows)
    result.tally = tally_answers(result.phase.learners, rows)
    result.delays = count_delays([row.answered_at for row in rows], result.phase.seen)
    return result


def seconds_text(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f} s"


def pulse_table(results: list[PulseResult], learners: int, within: float, step_key: str) -> Table:
    from ui.pulse.projector import REFRESH_SECONDS

    table = Table(
        f"A class on the pulse: {learners} learners answer lesson step '{step_key}' within {within:g} s while "
        f"the teacher's view refreshes every {REFRESH_SECONDS:g} s",
        ["store", "learners", "answers stored", "lost", "doubled", "join p50 / p95", "answer p50", "answer p95",
         "answer max", "answer alone", "teacher shows all", "slowest answer shown", "errors",
         "load average start / end"],
    )  # fmt: skip
    for result in results:
        if result.skipped:
            table.add(result.store, learners, *["–"] * 11, f"not measured: {result.skipped}")
            continue
        phase, tally, times = result.phase, result.tally, result.answer_times
        joins = [lr.opened for lr in phase.learners if lr.opened is not None]
        start, end = result.load
        table.add(
            result.store, len(phase.learners), f"{tally.stored} of {tally.sent}", tally.lost,
            tally.doubled + tally.stray,
            f"{ms(statistics.median(joins))} / {ms(percentile(joins, 95))}" if joins else "–",
            ms(statistics.median(times)) if times else "–", ms(percentile(times, 95)) if times else "–",
            ms(max(times)) if times else "–", ms(statistics.median(result.alone)) if result.alone else "–",
            seconds_text(result.last_delay), seconds_text(result.worst_delay),
            f"{len(phase.errors)} / {phase.lost} lost", f"{start[0]:.2f} / {end[0]:.2f}",
        )  # fmt: skip
    return table


def pulse_verdicts(result: PulseResult) -> list[str]:
    """The issue's three targets for one store's run, each met or not."""
    if result.skipped:
        return [f"{result.store}: not measured ({result.skipped})"]
    times = result.answer_times
    p95 = percentile(times, 95) if times else None
    worst = result.worst_delay
    tally = result.tally
    met = {
        "every answer stored exactly once": tally.exactly_once and result.joined == len(result.phase.learners),
        "the teacher's count right within 2 s": worst is not None and worst <= 2.0,
        "learners' p95 <= 500 ms": p95 is not None and p95 <= 0.5,
    }
    return [f"{result.store}: {name}: {'yes' if ok else 'NO'}" for name, ok in met.items()]


def main_pulse(args) -> dict:
    """The class pulse under load on each store asked for, one fresh server each."""
    stores = PULSE_STORES if args.store == "both" else (args.store,)
    print(f"# Unrolled class load: a class of {args.learners} on the pulse ({', '.join(stores)})\n")
    for line in machine_lines():
        print(line)
    load_start = os.getloadavg()
    print(f"load average at start: {', '.join(f'{x:.2f}' for x in load_start)}")
    print(f"server: runner.postScriptGC = {str(served_post_script_gc()).lower()} (as the app's config sets it)\n")
    results = [measure_pulse(s, args.learners, args.within, args.again, args.step, args.seed) for s in stores]
    load_end = os.getloadavg()
    table = pulse_table(results, args.learners, args.within, args.step)
    table.notes += [
        f"load average at start: {', '.join(f'{x:.2f}' for x in load_start)}; "
        f"at end: {', '.join(f'{x:.2f}' for x in load_end)} (1, 5, 15 min)",
        "A fresh server per store (SQLite: a file in a temporary folder; PostgreSQL: a schema of its own on "
        f"{POSTGRES_URL_VARIABLE}'s server); the class is started through the store, then one teacher's link and "
        "the learners' join links are opened on the step, and each learner answers once at a random moment in "
        "the window (each its own number, 'Sure', 'Not sure' or unsaid)"
        + (
            f"; every {args.again}th presses Check again with another number, which the class must not keep."
            if args.again
            else "."
        ),
        "join / answer (each learner's first Check): send of the rerun_script -> its script_finished, measured "
        "in the client, while every "
        "page's fragment timers ask for refreshes as the browser's do.",
        "answers stored / lost / doubled: the database's rows for the class's question against each learner's "
        "first answer (number and How sure?); doubled counts extra rows, rows per learner id beyond one, and "
        "rows that are no learner's first answer.",
        "answer alone: the median of 3 answers in a warm-up class before, one learner at a time (0.6 s apart).",
        "teacher shows all: from the last answer's write (the store's answered_at) to the first teacher delta "
        "drawing the full count; slowest answer shown: the longest such wait over every answer (k-th written -> "
        "a count of k or more drawn).",
    ]
    for result in results:
        if result.phase is not None:
            phase = result.phase
            table.notes.append(
                f"{result.store}: {result.joined} joined, {result.rows} answers stored; server CPU "
                f"{100 * phase.cpu / max(phase.seconds, 1e-9):.0f} % (the client's "
                f"{100 * phase.client_cpu / max(phase.seconds, 1e-9):.0f} %) "
                f"of one core over the {phase.seconds:.1f} s of answers; {phase.teacher_refreshes} teacher refreshes, "
                f"{phase.learner_refreshes} learner refreshes; answers told 'sent': "
                f"{sum(lr.told == 'sent' for lr in phase.learners)}, second presses told 'already in': "
                f"{sum(lr.told_again == 'already in' for lr in phase.learners)} of "
                f"{sum(lr.again is not None for lr in phase.learners)}"
            )
    print(table.render())
    verdicts = [line for result in results for line in pulse_verdicts(result)]
    print("targets (issue 30, item 6):")
    for line in verdicts:
        print(f"  {line}")
    errors = [f"{r.store}: {e}" for r in results if r.phase for e in r.phase.errors]
    if errors:
        print(f"{len(errors)} error(s):")
        for line in errors[:40]:
            print(f"  - {line}")
    return {"table": table, "results": {r.store: r for r in results}, "verdicts": verdicts, "errors": errors}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30, help="sessions at once on each page (default 30)")
    parser.add_argument("--changes", type=int, default=10, help="widget changes per session (default 10)")
    parser.add_argument("--every", type=float, default=3.0, help="seconds between a session's changes (default 3)")
    parser.add_argument("--stagger", type=float, default=3.0, help="random start delay per session, 0..S s")
    parser.add_argument("--quiet-changes", type=int, default=12, help="changes by one session alone per page")
    parser.add_argument("--pages", default="", help="comma-separated words picking scenarios (e.g. lab,statland)")
    parser.add_argument(
        "--profile", metavar="DIR", help="also py-spy the server per page, one session (raw stacks in DIR)"
    )
    parser.add_argument("--no-load", action="store_true", help="skip the N-session phases (with --profile)")
    parser.add_argument(
        "--play", action="store_true", help="only the everyone-presses-Play case: --sessions players and --others"
    )
    parser.add_argument("--no-play", action="store_true", help="leave the everyone-presses-Play case out")
    parser.add_argument("--others", type=int, default=5, help="with --play: sessions moving the lab's w2 (default 5)")
    parser.add_argument("--seconds", type=float, default=30.0, help="with --play: how long they play (default 30)")
    parser.add_argument(
        "--pulse", action="store_true", help="only the class pulse: --learners answer a lesson step, a teacher watches"
    )
    parser.add_argument("--learners", type=int, default=60, help="with --pulse: learners in the class (default 60)")
    parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="both", help="with --pulse")
    parser.add_argument("--within", type=float, default=10.0, help="with --pulse: seconds the answers spread over")
    parser.add_argument(
        "--again", type=int, default=6, help="with --pulse: every Nth learner presses Check again (0: none; default 6)"
    )
    parser.add_argument(
        "--step", default=PULSE_STEP, help=f"with --pulse: the lesson step's key (default {PULSE_STEP})"
    )
    parser.add_argument("--seed", type=int, default=0, help="with --pulse: the answers' moments")
    args = parser.parse_args(argv)
    if args.pulse:
        return main_pulse(args)
    if args.play:
        return main_play(args)
    scenarios = [
        s for s in SCENARIOS if not args.pages or any(w.lower() in s.page.lower() for w in args.pages.split(","))
    ]

    print(f"# Unrolled class load: {args.sessions} browser-less sessions per page\n")
    for line in machine_lines():
        print(line)
    load_start = os.getloadavg()
    print(f"load average at start: {', '.join(f'{x:.2f}' for x in load_start)}\n")
    table = Table(
        f"Per page: one session alone, then {args.sessions} at once (change every {args.every:g} s)",
        ["page: change", "sessions", "changes", "CPU/change, 1 session", f"CPU/change, {args.sessions}",
         "p50", "p95", "1-session p50", "errors", "lost"],
    )  # fmt: skip
    phases = {}
    print(f"server: runner.postScriptGC = {str(served_post_script_gc()).lower()} (as the app's config sets it)\n")
    with running_app() as app:
        pid = app.process.pid
        for sc in scenarios:  # warm-up: imports, caches, first compile of each page
            asyncio.run(run_phase(app.url, pid, sc, 1, 2, 0.0, 0.0))
        if args.profile:
            Path(args.profile).mkdir(parents=True, exist_ok=True)
            print(profile_pages(app.url, pid, scenarios, 30, Path(args.profile)).render())
        for sc in [] if args.no_load else scenarios:
            quiet = asyncio.run(run_phase(app.url, pid, sc, 1, args.quiet_changes, 0.2, 0.0))
            crowd = asyncio.run(run_phase(app.url, pid, sc, args.sessions, args.changes, args.every, args.stagger))
            phases[sc.page] = (quiet, crowd)
            table.add(
                sc.page, args.sessions, crowd.changes,
                ms(quiet.cpu / quiet.changes) if quiet.changes else "–",
                ms(crowd.cpu / crowd.changes) if crowd.changes else "–",
                ms(statistics.median(crowd.times)) if crowd.times else "–",
                ms(percentile(crowd.times, 95)) if crowd.times else "–",
                ms(statistics.median(quiet.times)) if quiet.times else "–",
                len(quiet.errors) + len(crowd.errors), quiet.lost + crowd.lost,
            )  # fmt: skip
        peak, source = peak_rss(pid)
    load_end = os.getloadavg()
    table.notes += [
        f"peak server memory: {peak / 2**20:.0f} MB ({source})" if peak else "peak server memory: unavailable",
        f"load average at start: {', '.join(f'{x:.2f}' for x in load_start)}; "
        f"at end: {', '.join(f'{x:.2f}' for x in load_end)} (1, 5, 15 min)",
        "CPU/change: the server process's utime+stime (/proc/<pid>/stat) over the changes only, divided by "
        "their number; p50/p95: send of the rerun_script -> script_finished, measured in the client.",
        f"1 session: {args.quiet_changes} changes back to back (0.2 s apart) after a warm-up; the "
        f"{args.sessions} sessions opened their link first, then started 0-{args.stagger:g} s apart.",
    ]
    print(table.render())
    errors = [e for q, c in phases.values() for e in q.errors + c.errors]
    if errors:
        print(f"{len(errors)} error(s):")
        for line in errors[:40]:
            print(f"  - {line}")
    else:
        print("no error, no lost session")
    played = None if args.no_play or args.no_load or args.pages else main_play(args)
    return {"table": table, "phases": phases, "peak": peak, "errors": errors, "play": played}


def main_play(args) -> dict:
    """The everyone-presses-Play case on a server of its own (after the pages' phases, or alone with --play)."""
    print(f"\n# Unrolled class load: everyone presses Play ({args.sessions} players, {args.others} others)\n")
    if args.play:
        for line in machine_lines():
            print(line)
    load_start = os.getloadavg()
    with running_app() as app:
        pid = app.process.pid
        asyncio.run(run_phase(app.url, pid, PLAYERS, 1, 1, 0.0, 0.0))  # warm-up: imports and caches
        asyncio.run(run_phase(app.url, pid, OTHERS, 1, 2, 0.0, 0.0))
        phase = asyncio.run(play_phase(app.url, pid, args.sessions, args.others, args.seconds))
        peak, source = peak_rss(pid)
    load_end = os.getloadavg()
    table = play_table(phase, args.sessions, args.others, args.seconds, peak, source)
    table.notes += [
        f"load average at start: {', '.join(f'{x:.2f}' for x in load_start)}; "
        f"at end: {', '.join(f'{x:.2f}' for x in load_end)} (1, 5, 15 min)",
        "Players press Play within 2 s of each other; first refresh: the Play click's rerun, which draws the "
        "first refresh, from send to script_finished. Others: send of the rerun_script -> script_finished.",
    ]
    print(table.render())
    for line in phase.errors[:40]:
        print(f"  - {line}")
    return {"table": table, "phase": phase, "peak": peak}


if __name__ == "__main__":
    main()
