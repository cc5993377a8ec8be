"""Start the real app in a subprocess and drive Debian's chromium at it (for the live-training and load figures).

Follows shared/TESTING.md: a free port, ``streamlit run`` headless on 127.0.0.1, poll
``/_stcore/health`` until it answers ``ok``, and Playwright pointed at /usr/bin/chromium.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.common import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_CANDIDATES = (CHROMIUM, "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
APP = '[data-testid="stApp"]'
IDLE = f'{APP}[data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'


def find_chromium() -> str | None:
    """Debian's chromium (or the browser named by $CHROMIUM), or None when there is none."""
    configured = os.environ.get("CHROMIUM")
    for candidate in ([configured] if configured else []) + list(CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def browser_missing() -> str | None:
    """Why the browser figures cannot be taken here, or None when they can."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if find_chromium() is None:
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    return None


def chromium_path() -> str:
    return find_chromium() or CHROMIUM


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningApp:
    url: str
    process: subprocess.Popen
    log: Path


@contextlib.contextmanager
def running_page(source: str) -> Iterator[RunningApp]:
    """A one-file Streamlit page (``source``, e.g. a minimal page to compare with) served like the app."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "page.py"
        script.write_text(source)
        with running_app(str(script)) as app:
            yield app


@contextlib.contextmanager
def running_app(
    script: str = "streamlit_app.py", timeout: float = 60.0, log_dir: Path | None = None
) -> Iterator[RunningApp]:
    """The app (or another ``script``) served on a free local port for the duration of the ``with`` block;
    its log is kept in ``log_dir`` when given (the tests keep it for a failure's report), else deleted."""
    port = free_port()
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        log = log_dir / f"streamlit-{port}.log"
    else:
        log = Path(tempfile.mkstemp(prefix="unrolled_bench_server_", suffix=".log")[1])
    command = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("w") as sink:
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT, env=dict(os.environ))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the app exited with code {process.returncode}:\n{log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app did not answer /_stcore/health within {timeout:g} s")
            time.sleep(0.2)
        yield RunningApp(url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log_dir is None:
            log.unlink(missing_ok=True)


def peak_rss(pid: int) -> tuple[int | None, str]:
    """The process's peak resident memory in bytes so far, and where the figure came from.

    /proc/<pid>/status VmHWM is the kernel's exact high-water mark; psutil (if installed)
    is used where /proc is missing, and then gives the current RSS only.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024, "/proc/<pid>/status VmHWM"
    except OSError:
        pass
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss, "psutil RSS (current, not peak)"
    except Exception:  # psutil missing or the process is gone
        return None, "unavailable"


def current_rss(pid: int) -> int | None:
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss
    except Exception:
        pass
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


class ScriptRuns:
    """The app runs the server finished for one Playwright page, read from its websocket
    (ForwardMsg protobufs): ``finished`` counts them, ``finished_at`` is the last one's
    ``time.perf_counter()`` as Playwright delivered it.

    The DOM alone can miss a rerun: one served from the caches can start and end before the
    browser ever renders the 'running' state. Runs of the live-training fragment are not counted:
    they tick on their own timer, and an action's rerun is a run of the whole app. Attach it
    before the page opens the app."""

    def __init__(self, page) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._message = ForwardMsg
        self._app_run_ends = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
        self.finished = 0
        self.finished_at = None
        page.on("websocket", lambda socket: socket.on("framereceived", self._read))

    def _read(self, payload) -> None:
        if not isinstance(payload, bytes | bytearray):
            return
        message = self._message()
        try:
            message.ParseFromString(bytes(payload))
        except Exception:  # noqa: BLE001 (not a ForwardMsg: nothing to count)
            return
        if message.WhichOneof("type") == "script_finished" and message.script_finished in self._app_run_ends:
            self.finished += 1
            self.finished_at = time.perf_counter()

    def wait_for_next(self, page, before: int, timeout: float) -> None:
        """Until a run ends after the ``before``-th (``timeout`` in ms); Playwright delivers the
        frames while the page waits."""
        deadline = time.monotonic() + timeout / 1000
        while self.finished == before:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no app run finished within {timeout / 1000:g} s")
            page.wait_for_timeout(5)
