"""Unrolled's speed figures in one command: ``python bench/run.py`` (about 1.5 minutes on 2 cores).

    python bench/run.py                  every section, then the targets table
    python bench/run.py --quick          the same code paths with tiny repeats (a smoke run, ~15 s)
    python bench/run.py --only lab       one section (or several: --only training,torch)

Sections: training (rnn_core steps/s), torch (PyTorch side by side), calls
(``model.loss_and_grads`` against PyTorch's forward + backward), lab (gradient
sweeps), startup (import time), pages (AppTest reruns), live (the Training page
playing). Every figure is a median over repeats, every ratio is computed from figures
of the same run, and the run starts with the date, the machine and library versions.
Without PyTorch the torch columns read "torch not installed".
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo, for `python bench/run.py`

from bench.common import FULL, QUICK, Settings, Table, machine_lines, ms, rate  # noqa: E402

SECTIONS = ("training", "torch", "calls", "lab", "startup", "pages", "live")
BLAS_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def limit_blas_threads(threads: str) -> str:
    """Pin NumPy's BLAS to ``threads`` threads; only possible before NumPy is imported."""
    if threads == "default":
        return "library default"
    if "numpy" in sys.modules:
        return f"library default (NumPy was already imported, so --blas-threads {threads} could not apply)"
    for name in BLAS_ENV:
        os.environ[name] = threads
    return f"{threads} (OPENBLAS/OMP/MKL_NUM_THREADS set before NumPy was imported)"


def run_section(name: str, settings: Settings, results: dict, live_method: str) -> list[Table]:
    from bench import pages, sweeps, training

    if name == "training":
        return training.section_engine(settings, results)
    if name == "torch":
        return training.section_torch(settings, results)
    if name == "calls":
        return training.section_calls(settings, results)
    if name == "lab":
        return sweeps.section_lab(settings, results)
    if name == "startup":
        return sweeps.section_startup(settings, results)
    if name == "pages":
        return pages.section_pages(settings, results)
    if name == "live":
        return pages.section_live(settings, results, live_method)
    raise ValueError(f"unknown section {name!r}; choose from {', '.join(SECTIONS)}")


def _at_least(value, target: float, fmt) -> tuple[str, bool | None]:
    if isinstance(value, str):
        return value, None
    return fmt(value), value >= target


def _at_most(value, target: float, fmt) -> tuple[str, bool | None]:
    if isinstance(value, str):
        return value, None
    return fmt(value), value <= target


def _times(value: float) -> str:
    return f"{value:.2f}x"


def _over(a, b):
    """a / b, or the reason one of them is missing."""
    for value in (a, b):
        if isinstance(value, str):
            return value
    return a / b


def targets_table(results: dict) -> Table:
    """The figures of issue 7 against their targets; figures not measured in this run say so."""
    table = Table("Targets (issues 7 and 12)", ["figure", "target", "measured", "met?"])

    def add(figure: str, target: str, measured: tuple[str, bool | None] | None) -> None:
        if measured is None:
            table.add(figure, target, "not measured in this run", "–")
        else:
            text, met = measured
            table.add(figure, target, text, "–" if met is None else "yes" if met else "NO")

    engine, torch_figures = results.get("engine", {}), results.get("torch", {})
    ours_with_torch = results.get("torch_ours", {})

    def ours(key):
        return engine[key]["trainer"] if key in engine else None

    def versus(key, torch_key, target):
        if key not in ours_with_torch or torch_key not in torch_figures:
            return None  # the ratio uses the Trainer figure taken in turns with PyTorch (section 2)
        return _at_least(_over(ours_with_torch[key], torch_figures[torch_key]), target, _times)

    def steps(key, target):
        return None if key not in engine else _at_least(ours(key), target, lambda v: f"{rate(v)} steps/s")

    add("four rules, rc.Trainer", ">= 30,000 steps/s", steps("rules", 30_000))
    add("four rules vs torch nn.RNN", ">= 10x", versus("rules", ("rules", "nn", "float64"), 10))
    add("B256 T50 H1, rc.Trainer", ">= 4,000 steps/s", steps("b256_h1", 4_000))
    add("B256 T50 H1 vs nn.RNN", ">= 6x", versus("b256_h1", ("b256_h1", "nn", "float64"), 6))
    add("B256 T50 H16, rc.Trainer", ">= 600 steps/s", steps("b256_h16", 600))
    add("B256 T50 H16 vs nn.RNN float64", ">= 2x", versus("b256_h16", ("b256_h16", "nn", "float64"), 2))
    add("B256 T50 H16 vs nn.RNN float32", ">= 1.5x", versus("b256_h16", ("b256_h16", "nn", "float32"), 1.5))
    add("LSTM H16 vs nn.LSTM", ">= 2x", versus("lstm16", ("lstm16", "nn", "float64"), 2))
    add("GRU H16 vs nn.GRU", ">= 2x", versus("gru16", ("gru16", "nn", "float64"), 2))
    calls = results.get("calls", {})
    for key, label, target in (
        ("rules", "four rules", 10),
        ("b256_h1", "B256 T50 H1", 6),
        ("b256_h16", "B256 T50 H16", 2),
    ):
        measured = None
        if key in calls:
            measured = _at_least(_over(calls[key]["ours"], calls[key]["torch"]), target, _times)
        add(f"{label}: model.loss_and_grads vs torch fwd+bwd", f">= {target:g}x", measured)

    grid = results.get("grid", {})
    for activation, limit in (("tanh", 1.5e-3), ("relu", 1e-3), ("identity", 0.2e-3)):
        key = ("200x200", activation)
        add(f"200x200 grid, {activation}", f"<= {ms(limit)}", _at_most(grid[key], limit, ms) if key in grid else None)
    for activation in ("relu", "tanh", "sigmoid", "identity"):
        key = ("400x1000", activation)
        add(f"400x1000 grid, {activation}", "<= 10 ms", _at_most(grid[key], 10e-3, ms) if key in grid else None)

    startup = results.get("startup")
    add(
        "import rnn_core vs import numpy",
        "<= 1.3x",
        _at_most(startup["rnn_core"] / startup["numpy"], 1.3, _times) if startup else None,
    )

    pages = results.get("pages", {})
    for label in ("Home", "StatLand", "Training", "Gradient lab", "Gradient lab, T near 1000"):
        measured = None
        if label in pages and "minimal" in pages:
            measured = _at_most(_over(pages[label], pages["minimal"]), 2.0, _times)
        add(f"{label} page rerun vs minimal page", "<= 2x", measured)

    live = results.get("live")
    measured = None
    if live and live["rows"]:
        name, value = live["rows"][0]  # the browser figure when there is one
        measured = _at_least(value / live["bare"], 0.5, lambda v: f"{100 * v:.0f}% ({name})")
    add("live training vs bare engine", ">= 50%", measured)
    return table


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny repeats: proves the code paths run, in ~15 s")
    parser.add_argument("--only", default="", help=f"comma-separated sections: {', '.join(SECTIONS)}")
    parser.add_argument(
        "--blas-threads",
        default="1",
        help="threads for NumPy's BLAS (default 1, like torch.set_num_threads(1)); 'default' leaves it alone",
    )
    parser.add_argument(
        "--live",
        choices=("auto", "browser", "apptest"),
        default=None,
        help="how to measure live training (default: browser and AppTest; AppTest only with --quick)",
    )
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(SECTIONS)
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    blas = limit_blas_threads(args.blas_threads)
    settings = QUICK if args.quick else FULL
    live_method = args.live or ("apptest" if args.quick else "auto")
    _quiet_streamlit()

    print("# Unrolled benchmarks" + (" (--quick: tiny repeats, figures are not meaningful)" if args.quick else ""))
    print()
    for line in machine_lines():
        print(line)
    print(f"NumPy BLAS threads for this run: {blas}; load average at start: {_load()}")
    print()
    results: dict = {"tables": []}
    for name in chosen:
        for table in run_section(name, settings, results, live_method):
            results["tables"].append(table)
            print(table.render(), flush=True)
    targets = targets_table(results)
    results["tables"].append(targets)
    print(targets.render())
    print(f"load average at end: {_load()} (1, 5, 15 min; other work on the machine slows every figure)")
    return results


def _load() -> str:
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def _quiet_streamlit() -> None:
    """AppTest outside `streamlit run` logs a harmless 'missing ScriptRunContext' warning per import."""
    import logging

    class DropMissingContext(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            return "missing ScriptRunContext" not in record.getMessage()

    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(DropMissingContext())


if __name__ == "__main__":
    main()
