"""Shared pieces of the benchmarks: timing with medians, plain-text tables, and a description of the machine.

Every figure is a median over repeats taken in the same process, so ratios between
figures compare numbers measured minutes apart on the same machine, never numbers
copied from another run.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/run.py` puts bench/ first on the path, not the repo
    sys.path.insert(0, str(ROOT))

TORCH_MISSING = "torch not installed"
NOT_AVAILABLE = "not available yet"


@dataclass(frozen=True)
class Settings:
    """How hard to measure: seconds per repeat and how many repeats (the median is reported)."""

    repeat_seconds: float = 0.25
    repeats: int = 9
    grid_repeats: int = 21
    big_grid_repeats: int = 9
    startup_runs: int = 15
    page_reruns: int = 15
    live_seconds: float = 3.0
    quick: bool = False


FULL = Settings()
QUICK = Settings(
    repeat_seconds=0.02,
    repeats=2,
    grid_repeats=2,
    big_grid_repeats=1,
    startup_runs=2,
    page_reruns=2,
    live_seconds=0.6,
    quick=True,
)


@dataclass
class Table:
    """A titled table of strings; ``note`` lines are printed under it (how it was measured)."""

    title: str
    header: Sequence[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells) -> None:
        self.rows.append([str(cell) for cell in cells])

    def render(self) -> str:
        widths = [len(h) for h in self.header]
        for row in self.rows:
            widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

        def line(cells):
            return "| " + " | ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)) + " |"

        out = [f"## {self.title}", "", line(self.header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        out += [line(row) for row in self.rows]
        out += [""] + [f"{note}" for note in self.notes] if self.notes else []
        return "\n".join(out) + "\n"

    def row(self, label: str) -> list[str] | None:
        """The first row whose first cell is ``label`` (used by the smoke test)."""
        return next((r for r in self.rows if r[0] == label), None)


def median_seconds(fn: Callable[[], object], repeats: int, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeats`` calls, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _calibrate(run_steps: Callable[[int], int | None], settings: Settings) -> int:
    """How many steps make one repeat last about ``repeat_seconds`` (the doubling also warms caches up)."""
    n = 1
    while True:
        start = time.perf_counter()
        run_steps(n)
        elapsed = time.perf_counter() - start
        if elapsed >= settings.repeat_seconds / 4 or n >= 1 << 22:
            return max(1, round(n * settings.repeat_seconds / max(elapsed, 1e-9)))
        n *= 2


def interleaved_rates(runners: dict[str, Callable[[int], int | None]], settings: Settings) -> dict[str, float]:
    """Median steps/s of each ``runner(n)``, their repeats taken in turn (A, B, A, B, ...).

    Taking turns means a burst of other work on the machine slows every runner alike, so
    the ratios between them stay meaningful on a busy machine. A runner may return how
    many steps it really took (a diverged run stops early); ``None`` means all ``n``.
    """
    sizes = {name: _calibrate(run, settings) for name, run in runners.items()}
    rates: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(settings.repeats):
        for name, run in runners.items():
            start = time.perf_counter()
            done = run(sizes[name])
            elapsed = time.perf_counter() - start
            rates[name].append((sizes[name] if done is None else done) / elapsed)
    return {name: statistics.median(values) for name, values in rates.items()}


def steps_per_second(run_steps: Callable[[int], int | None], settings: Settings) -> float:
    """Median steps/s of ``run_steps(n)``, with n chosen so one repeat lasts about ``repeat_seconds``."""
    return interleaved_rates({"only": run_steps}, settings)["only"]


def rate(value: float | str) -> str:
    """Steps per second as a readable number, or the reason it is missing."""
    if isinstance(value, str):
        return value
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def ms(seconds: float | str) -> str:
    if isinstance(seconds, str):
        return seconds
    value = seconds * 1e3
    return f"{value:.3f} ms" if value < 1 else f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"


def ratio(a: float | str, b: float | str) -> str:
    if isinstance(a, str) or isinstance(b, str) or not b:
        return "–"
    return f"{a / b:.2f}x"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def blas_threads() -> str:
    """How many threads NumPy's BLAS may use (threadpoolctl if installed, else the environment)."""
    try:
        from threadpoolctl import threadpool_info

        found = [f"{i['internal_api']} {i['num_threads']}" for i in threadpool_info() if i["user_api"] == "blas"]
        if found:
            return ", ".join(found)
    except ImportError:
        pass
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(name):
            return f"{name}={os.environ[name]}"
    return f"library default (up to {usable_cores()})"


def torch_version() -> str:
    try:
        import torch
    except ImportError:
        return TORCH_MISSING
    return torch.__version__


def machine_lines() -> list[str]:
    """Date, machine and library versions: printed at the top of every run."""
    import numpy as np

    try:
        import streamlit

        st_version = streamlit.__version__
    except ImportError:
        st_version = "not installed"
    return [
        f"date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"machine: {cpu_model()}, {os.cpu_count()} logical cores ({usable_cores()} usable), "
        f"{platform.system()} {platform.release()}",
        f"python {platform.python_version()}, numpy {np.__version__} (BLAS threads: {blas_threads()}), "
        f"torch {torch_version()}, streamlit {st_version}",
    ]
