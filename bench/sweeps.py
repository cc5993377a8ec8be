"""Sections 3 and 4: the gradient lab's (w2, length) sweeps, and how long ``import rnn_core`` takes.

Section 3 times ``rnn_core.analysis.log10_first_input_gradient_grid``: log10 |d y_T / d x_1|
for every w2 in a grid over [-3, 3] and every length 1..L, for each activation.
Section 4 starts fresh Python processes and times ``import rnn_core`` against
``import numpy`` (which rnn_core needs anyway), each minus an empty ``python -c pass``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from bench.common import ROOT, Settings, Table, median_seconds, ms, ratio

ACTIVATIONS = ("relu", "tanh", "sigmoid", "identity")
GRIDS = {"200x200": (200, 200), "400x1000": (400, 1000)}


def grid_seconds(activation: str, n_w2: int, longest: int, repeats: int) -> float:
    import numpy as np

    from rnn_core.analysis import log10_first_input_gradient_grid

    w2s = np.linspace(-3.0, 3.0, n_w2)
    lengths = np.arange(1, longest + 1)
    return median_seconds(lambda: log10_first_input_gradient_grid(w2s, lengths, activation=activation), repeats)


def section_lab(settings: Settings, results: dict) -> list[Table]:
    found = results.setdefault("grid", {})
    table = Table(
        "3. Gradient lab sweeps: log10 |d y_T / d x_1| over (w2, length) grids, median time",
        ["activation", *(f"{name} grid" for name in GRIDS)],
        notes=[
            "w2 = linspace(-3, 3, rows), lengths 1..L, constant input 1, w1 = w3 = 1, b1 = 0;"
            f" median of {settings.grid_repeats} (200x200) and {settings.big_grid_repeats} (400x1000) calls.",
        ],
    )
    for activation in ACTIVATIONS:
        cells = []
        for name, (n_w2, longest) in GRIDS.items():
            repeats = settings.grid_repeats if name == "200x200" else settings.big_grid_repeats
            found[(name, activation)] = grid_seconds(activation, n_w2, longest, repeats)
            cells.append(ms(found[(name, activation)]))
        table.add(activation, *cells)
    return [table]


def process_seconds(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - start


def section_startup(settings: Settings, results: dict) -> list[Table]:
    programs = {"python -c pass": "pass", "import numpy": "import numpy", "import rnn_core": "import rnn_core"}
    times: dict[str, list[float]] = {label: [] for label in programs}
    process_seconds("import rnn_core")  # fill the file cache and write the .pyc files first
    for _ in range(settings.startup_runs):  # interleaved, so a busy moment hits every program alike
        for label, code in programs.items():
            times[label].append(process_seconds(code))
    median = {label: statistics.median(values) for label, values in times.items()}
    numpy_cost = median["import numpy"] - median["python -c pass"]
    ours_cost = median["import rnn_core"] - median["python -c pass"]
    results["startup"] = {"numpy": numpy_cost, "rnn_core": ours_cost}
    table = Table(
        "4. Start-up: importing in a fresh process (median of "
        f"{settings.startup_runs} runs each, minus an empty interpreter)",
        ["import", "median process time", "import cost", "vs import numpy"],
        notes=["rnn_core imports numpy itself, so its cost includes numpy's."],
    )
    table.add("python -c pass", ms(median["python -c pass"]), "–", "–")
    table.add("import numpy", ms(median["import numpy"]), ms(numpy_cost), "1.00x")
    table.add("import rnn_core", ms(median["import rnn_core"]), ms(ours_cost), ratio(ours_cost, numpy_cost))
    return [table]
