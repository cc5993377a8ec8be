"""The Gradient lab's chart specs, built once and kept with ``st.cache_resource`` (one shared copy
that is never changed; ``specs.with_datasets`` makes a new dict to swap rows in), and the rows
that change with a setting, as Arrow bytes (``st.cache_data``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

import rnn_core as rc
from rnn_core import analysis as an
from ui.claims import lab as claims_lab
from ui.kit import chart_data, charts, drag_charts, heatmaps
from ui.kit.format import from_log10
from ui.lab import drag_rows
from ui.lab.model import (
    FIXED,
    LENGTH_BINS,
    LESSON_W2,
    SURFACE_STEPS,
    TARGET,
    W2_RANGE,
    cliff_facts,
    cliff_runs,
    heatmap_grid,
    heatmap_reach,
    log_domain,
    sequence,
    surface_grid,
)

FIGURE_HEIGHT = 300

# Okabe-Ito colours that read in light and dark themes; the charts give them a white halo.
PATH_COLOURS = {"plain gradient descent": "#D55E00", "clipped by norm": "#0072B2"}

COMPUTED = "vanilla RNN (computed)"

ANALYTIC = "|w1 w3| |w2|^(T−t), slopes left out"

SERIES = {COMPUTED: "#0072B2", ANALYTIC: "#E69F00", "LSTM": "#009E73", "GRU": "#CC79A7"}

# The gates chart's three models: a colour and a dash each (the dash says it in grey print too).
GATES_SERIES = {
    "vanilla RNN": (SERIES[COMPUTED], [1, 0]),
    "LSTM": (SERIES["LSTM"], [8, 4]),
    "GRU": (SERIES["GRU"], [2, 3]),
}

GATES_Y_TITLE = "share of the newest's"

# The gates chart's y range reaches at most this many decades past the gated cells' own lines, so they
# stay readable (10⁻⁹ well apart from 1) while the vanilla RNN's line runs on off the chart.
GATES_MARGIN = 4.0


@st.cache_resource(max_entries=64, show_spinner=False)
def lines_spec(
    title: str, palette: tuple, points: bool, y_domain: tuple, dashes: tuple = (), y_title: str = ""
) -> dict:
    """A per-input log-magnitude line chart (rows swapped in per rerun as the dataset "lines")."""
    palette = dict(palette)
    placeholder = pd.DataFrame({"step": [1], "series": [next(iter(palette))], "log10": [0.0]})
    chart = charts.log_magnitude_lines(
        placeholder,
        title=title,
        x_title="input step t (1 = oldest)",
        y_title=y_title or "|∂y_T/∂x_t|",
        palette=palette,
        points=points,
        dataset="lines",
        height=FIGURE_HEIGHT,
        y_domain=y_domain,
        dashes=dict(dashes) or None,
        exponent_axis=True,
        legend_columns=len(palette),  # one row of short names: the plot keeps its height
    )
    return charts.vega_spec(chart)


@st.cache_resource(max_entries=64, show_spinner=False)
def pieces_spec(directions: tuple, y_domain: tuple) -> dict:
    placeholder = pd.DataFrame({"step": [1], "log10": [0.0], "direction": [directions[0] if directions else ""]})
    chart = charts.signed_log_points(
        placeholder,
        title="Each step's piece of dL/dw2",
        x_title="step t",
        y_title="|piece|",
        dataset="pieces",
        height=FIGURE_HEIGHT,
        directions=directions,
        y_domain=y_domain,
        exponent_axis=True,
    )
    return charts.vega_spec(chart)


@st.cache_data(max_entries=24, show_spinner=False)
def heatmap_cells(activation: str, longest: int) -> bytes:
    """The heatmap's cells for lengths 1 .. ``longest`` as Arrow bytes (the spec's dataset "cells")."""
    return chart_data.arrow_bytes(
        heatmaps.heatmap_cells(heatmap_grid(activation, longest), "w2", "T", "log10", fit_y=True)
    )


@st.cache_resource(max_entries=8, show_spinner=False)
def heatmap_spec(activation: str) -> dict:
    """The heatmap's chart spec, the same for every length: its y range comes from the cells swapped
    in (``heatmap_cells``) and the diamond from "marks", so when T moves to another height the
    browser is sent new rows for the chart it has, not a chart to build afresh."""
    bound = 1.0 / rc.MAX_SLOPE[activation]
    reach = heatmap_reach(activation)
    chart = heatmaps.log_heatmap(
        heatmap_grid(activation, LENGTH_BINS[0]),  # any height: the page swaps in the cells of its own
        "w2",
        "T",
        "log10",
        title=f"|∂y_T/∂x_1| over w2 and T ({activation})",
        x_title="recurrent weight w2",
        y_title="sequence length T",
        value_title="|∂y_T/∂x_1|",
        marks=pd.DataFrame({"w2": [0.0], "T": [1], "label": [""]}),
        rules_x=sorted({-1.0, 1.0, -bound, bound}),
        height=FIGURE_HEIGHT,
        x_values=[float(v) for v in range(-int(reach), int(reach) + 1)],
        exponent_legend=True,
        drag=(LESSON_W2, W2_RANGE, drag_rows.W2_STEP),
        cells_dataset="cells",
        fit_y=True,
    )
    spec = chart_data.frozen(charts.vega_spec(chart), keep=("marks",))
    # Cells on a canvas, text (the read-out a test reads, the axes) in SVG on top of it.
    spec["usermeta"] = {"embedOptions": {"renderer": "hybrid"}}
    return spec


def descent_heatmap(surface: pd.DataFrame, x: str, y: str, title: str, value_title: str, paths, **options):
    """A loss surface over two weights with the two descent paths on it, as the training step and the
    cliff draw it (``surface``: columns ``x``, ``y`` and log10; ``options`` go to ``log_heatmap``)."""
    return heatmaps.log_heatmap(
        surface,
        x,
        y,
        "log10",
        title=title,
        x_title=x,
        y_title=y,
        value_title=value_title,
        scheme="viridis",
        mid=None,
        paths=paths,
        path_palette=PATH_COLOURS,
        height=FIGURE_HEIGHT,
        path_legend=False,  # the text beside names the paths
        exponent_legend=True,
        **options,
    )


def cliff_chart(lr: float, threshold: float, start: tuple) -> tuple[dict, dict]:
    """The cliff's surface with both descent paths as a chart spec, and facts for the caption."""
    (w_lo, w_hi), (b_lo, b_hi) = claims_lab.CLIFF_BOX
    ws, bs = np.linspace(w_lo, w_hi, 81), np.linspace(b_lo, b_hi, 51)
    w_grid, b_grid = np.meshgrid(ws, bs, indexing="ij")
    error = an.cliff_loss_and_grad(w_grid, b_grid)[0]
    with np.errstate(divide="ignore"):
        surface = pd.DataFrame({"w": w_grid.ravel(), "b": b_grid.ravel(), "log10": np.log10(error.ravel())})
    runs = cliff_runs(lr, threshold, start)
    paths = pd.concat(
        [
            pd.DataFrame(
                {
                    "w": path.points[:, 0],
                    "b": path.points[:, 1],
                    "error": path.loss,
                    "path": label,
                    "order": np.arange(len(path)),
                    "label": [f"thrown off at step {k}" for k in range(len(path))],
                }
            )
            for label, path in runs.items()
        ],
        ignore_index=True,
    )
    chart = descent_heatmap(surface, "w", "b", "Error of the classic one-unit network over (w, b)", "error", paths)
    return chart_data.frozen(charts.vega_spec(chart)), cliff_facts(runs)


@st.cache_data(max_entries=32, show_spinner=False)
def surface_cells(length: int, activation: str) -> bytes:
    """The loss surface's cells for this T and activation as Arrow bytes (the spec's dataset "cells")."""
    return chart_data.arrow_bytes(heatmaps.heatmap_cells(surface_grid(length, activation), "w2", "w1", "log10"))


@st.cache_resource(max_entries=1, show_spinner=False)
def surface_spec() -> dict:
    """The loss surface's chart spec, one for every T and activation (the page swaps in the cells,
    the marker and the paths): its title leaves T to the text beside, so a new T sends the browser
    new rows for the chart it has, not a chart to build afresh."""
    chart = descent_heatmap(
        surface_grid(1, "relu"),  # any grid: the page swaps in the cells of its own
        "w2",
        "w1",
        "Loss (y_T − 1)² over w2 and w1",
        "loss",
        pd.DataFrame({"w2": [0.0], "w1": [0.0], "path": ["plain gradient descent"], "order": [0]}),
        marks=pd.DataFrame({"w2": [0.0], "w1": [0.0], "label": [""]}),
        x_values=[float(v) for v in range(-3, 4)],
        cells_dataset="cells",
    )
    spec = chart_data.frozen(charts.vega_spec(chart), keep=("marks", "paths", "exits"))
    spec["usermeta"] = {"embedOptions": {"renderer": "hybrid"}}  # cells and paths on a canvas, text in SVG
    return spec


@st.cache_data(max_entries=64, show_spinner=False)
def rnn_descent_paths(
    length: int, w2: float, activation: str, lr: float, threshold: float
) -> tuple[dict, dict[str, an.DescentPath]]:
    """Gradient descent on (w1, w2) from the current weights, with and without norm clipping.

    Returns the chart's "paths" and "exits" datasets (as Arrow bytes) and each path. A step
    too long for a float is drawn towards a far point in its direction, so the chart shows it
    leaving at the edge."""
    weights = {"target": TARGET, "activation": activation, **{k: FIXED[k] for k in ("b1", "w3", "b2")}}
    paths, ends, memo = {}, {}, {}  # the two paths share every point until clipping first acts
    for label, clip in (("plain gradient descent", None), ("clipped by norm", threshold)):
        path = an.one_unit_descent(
            sequence(length), (FIXED["w1"], w2), lr, SURFACE_STEPS, clip_threshold=clip, memo=memo, **weights
        )
        points, labels = path.points, [None] * len(path)
        if path.throw is not None:
            points = np.vstack([points, points[-1] - 20.0 * W2_RANGE * np.array(path.throw.direction)])
            labels.append(f"thrown off: step {len(path)} is {from_log10(path.throw.log10_length)} long")
        paths[label] = (points[:, ::-1], labels)  # the chart's x is w2, its y w1
        ends[label] = path
    domain = (-W2_RANGE, W2_RANGE)
    shown, exits = heatmaps.path_segments(paths, "w2", "w1", domain, domain)
    datasets = {"paths": chart_data.arrow_table(shown), "exits": chart_data.arrow_table(exits)}
    return chart_data.frozen({"datasets": datasets})["datasets"], ends


def gates_domain(vanilla: np.ndarray, gated: list[np.ndarray]) -> tuple[float, float]:
    """The gates chart's y range: every gated line whole, the vanilla one as far as ``GATES_MARGIN``
    decades beyond them."""
    lo, hi = log_domain(*gated)
    finite = vanilla[np.isfinite(vanilla)]
    if finite.size:
        lo = min(lo, max(math.floor(finite.min()), lo - GATES_MARGIN))
        hi = max(hi, min(math.ceil(finite.max()), hi + GATES_MARGIN))
    return (float(lo), float(hi))


def drag_lines_spec(points: bool, y_domain: tuple) -> dict:
    """The drag chart of the Each input view with this y range: built once per ``points`` (an
    Altair build costs tens of milliseconds), its y domain set on a copy for each T."""
    spec = _drag_lines_spec(points)
    lines = spec["layer"][0]
    y = {**lines["encoding"]["y"], "scale": {**lines["encoding"]["y"]["scale"], "domain": list(y_domain)}}
    return {**spec, "layer": [{**lines, "encoding": {**lines["encoding"], "y": y}}, *spec["layer"][1:]]}


@st.cache_resource(max_entries=2, show_spinner=False)
def _drag_lines_spec(points: bool) -> dict:
    return drag_charts.drag_lines_spec(
        title="How much each input still moves y_T",
        x_title="input step t (1 = oldest)",
        y_title="|∂y_T/∂x_t|",
        palette={COMPUTED: SERIES[COMPUTED], ANALYTIC: SERIES[ANALYTIC]},
        dashes={COMPUTED: [1, 0], ANALYTIC: [6, 4]},
        y_domain=(-1.0, 1.0),  # replaced by drag_lines_spec
        points=points,
        value=LESSON_W2,
        limit=W2_RANGE,
        step=drag_rows.W2_STEP,
        height=FIGURE_HEIGHT,
    )


def with_points(length: int) -> bool:
    """Whether the Each input chart marks every step with a dot: its two curves have 120 points at most."""
    return 2 * length <= 120


def drag_y_domain(lowest: float, highest: float) -> tuple[float, float]:
    """One y range for the whole drag (see ``ui.lab.drag_rows.AXIS_BAND``), in whole powers of ten."""
    return log_domain(np.array([lowest, highest]))
