"""The Gradient lab's views: one idea each, each a function of its settings and a key prefix.

A page (the lab, or a guided lesson) calls ``shared_controls`` once and then one view, e.g.
``each_input_view(settings, key_prefix="lab_")``; only the view on screen computes. Every
view uses the lesson's one-unit ReLU RNN (w1 = 1.8, b1 = 0, w3 = 1.1, b2 = 0; w2 is the knob)
on one sequence, T days of high prices (x_t = 1) with the target high (1), so one setting
gives one loss everywhere; the cliff keeps its own classic unit and says so.

Computations are cached here, not in the page script: ``st.cache_data`` reads each decorated
function's source when it is applied, so decorating in a module costs nothing per rerun.
Specs are kept with ``st.cache_resource`` (one shared copy that is never changed;
``charts.with_datasets`` makes a new dict to swap rows in), numbers with ``st.cache_data``.
Sentences and formulas come from ``ui.lab_text``.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

import rnn_core as rc
from rnn_core import analysis as an
from ui import claims
from ui.claims import Said, claim, general, said
from ui.classroom.links import bound, hidden, hiding_style, locked
from ui.kit import charts
from ui.kit.format import from_log10, significant
from ui.kit.state import shown
from ui.lab import drag, text
from ui.lab.text import VIEWS

W2_RANGE = 3.0
MAX_LENGTH = 1000
FIXED = {name: value for name, value in rc.STATQUEST_WEIGHTS.items() if name != "w2"}  # w1 1.8, b1 0, w3 1.1, b2 0
LESSON_W2 = rc.STATQUEST_WEIGHTS["w2"]
TARGET = 1.0  # the loss is (y_T - 1)^2: after T high days, tomorrow should be high too
PRESETS = {"2": 2.0, "1": 1.0, "0.5": 0.5, "−0.5 (lesson)": LESSON_W2}
DEFAULTS = {"w2": LESSON_W2, "length": 10, "activation": "relu"}
LENGTH_BINS = (50, 100, 200, 500, MAX_LENGTH)  # heatmap heights: a few cached charts cover every T
# The heatmap's cells: w2 every 0.1 (every 1/6 for sigmoid's wider reach), 0 among them, by 40
# lengths. The browser draws each cell as an SVG element: more cells would add to every redraw
# when T moves to another height, for no difference a learner can see.
HEATMAP_COLUMNS, HEATMAP_ROWS = 61, 40
LR_CHOICES = [0.01, 0.05, 0.1, 0.5]
CLIP_CHOICES = [0.1, 0.5, 1.0, 5.0]
SURFACE_STEPS = 40
CLIFF_STEPS = 80
GATED_UNITS = 4
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


@dataclass(frozen=True)
class LabSettings:
    """The controls every view shares: the recurrent weight, the sequence length, the activation."""

    w2: float = LESSON_W2
    length: int = 10
    activation: str = "relu"


def sequence(length: int) -> np.ndarray:
    """The lab's one input: ``length`` days of high prices (x_t = 1)."""
    return an.input_pattern("constant", length)


# ----------------------------------------------------------------------------- shared numbers
@dataclass(frozen=True)
class Facts:
    """What the lab computes once per setting: input gradients, dL/dw2's pieces, the loss."""

    logs: np.ndarray  # log10 |d y_T / d x_t|, t = 1 .. T
    pieces: an.LogW2Gradient
    log10_slopes: float  # log10 of the product of all T slopes (-inf if one is 0)
    log10_y: float  # log10 |y_T| (b2 = 0)


@st.cache_data(max_entries=64, show_spinner=False)
def facts(w2: float, length: int, activation: str) -> Facts:
    """The setting's numbers in log10 form, from one forward pass (finite at any size)."""
    xs = sequence(length)
    w1, b1, w3, b2 = (FIXED[k] for k in ("w1", "b1", "w3", "b2"))
    trace = an.scaled_forward(xs, w1, w2, b1, activation)
    logs = an.log10_input_gradients(xs, w1, w2, b1, w3, activation, trace=trace)
    pieces = an.log10_w2_gradient(xs, w1, w2, b1, w3, b2, target=TARGET, activation=activation, trace=trace)
    slopes = float(np.sum(trace.log10_slope))
    log_y = float(trace.log10_abs_hidden[-1]) + math.log10(abs(w3))
    return Facts(logs, pieces, slopes, log_y)


def loss_text(settings: LabSettings) -> str:
    """The loss (y_T - 1)^2 at this setting, as every view shows it."""
    return from_log10(facts(settings.w2, settings.length, settings.activation).pieces.log10_loss)


def analytic_line(length: int, w2: float) -> np.ndarray:
    """log10 of |w1 w3| |w2|^(T - t) for t = 1 .. T (w2^0 = 1, even for w2 = 0): the slopes left out."""
    steps = np.arange(1, length + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_w2 = np.log10(abs(w2))
        log_w1w3 = np.log10(abs(FIXED["w1"] * FIXED["w3"]))
        return np.where(steps == length, 0.0, (length - steps) * log_w2) + log_w1w3


def log_domain(*series: np.ndarray, min_span: float = 4.0) -> tuple[float, float]:
    """A y range in whole powers of ten around the finite values, at least ``min_span`` decades tall,
    so a nearly flat series is drawn flat instead of zoomed into a jump."""
    values = np.concatenate([np.asarray(s, dtype=float).ravel() for s in series])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return (-2.0, 2.0)
    lo, hi = math.floor(values.min()), math.ceil(values.max())
    if hi - lo < min_span:
        middle = (lo + hi) / 2.0
        lo, hi = math.floor(middle - min_span / 2.0), math.ceil(middle + min_span / 2.0)
    return (float(lo), float(hi))


# ----------------------------------------------------------------------------- chart specs
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


def heatmap_rows(length: int) -> int:
    """The heatmap's tallest length for a setting of T: the smallest bin that holds it."""
    return next(b for b in LENGTH_BINS if b >= length)


def heatmap_reach(activation: str) -> float:
    """How far the heatmap's w2 axis reaches: past the activation's own bound (1 / max slope: 4 for
    sigmoid), so that boundary is on the chart too."""
    return max(W2_RANGE, 1.0 / rc.MAX_SLOPE[activation] + 1.0)


def heatmap_grid(activation: str, longest: int) -> pd.DataFrame:
    """log10 |d y_T / d x_1| over w2 x length (columns w2, T, log10), lengths 1 .. ``longest``."""
    w2s = heatmap_w2s(activation)
    lengths = np.unique(np.linspace(1, longest, min(longest, HEATMAP_ROWS)).round().astype(int))
    grid = an.log10_first_input_gradient_grid(
        w2s, lengths, xs=sequence(longest), w1=FIXED["w1"], b1=FIXED["b1"], w3=FIXED["w3"], activation=activation
    )
    w2_column, length_column = np.meshgrid(w2s, lengths, indexing="ij")
    return pd.DataFrame({"w2": w2_column.ravel(), "T": length_column.ravel(), "log10": grid.ravel()})


def heatmap_w2s(activation: str) -> np.ndarray:
    """The heatmap's columns: w2 every 0.1 (every 1/6 for sigmoid's wider reach), 0 among them."""
    reach = heatmap_reach(activation)
    return np.round(np.linspace(-reach, reach, HEATMAP_COLUMNS), 6)


@st.cache_data(max_entries=24, show_spinner=False)
def heatmap_shares(activation: str, longest: int) -> np.ndarray:
    """For each heatmap column at length ``longest``: log10 of how much the oldest input counts as a
    share of the newest (-inf where it counts exactly 0), what the heatmap's notice is built from."""
    w2s = heatmap_w2s(activation)
    logs = an.log10_input_gradients(sequence(longest), FIXED["w1"], w2s, FIXED["b1"], FIXED["w3"], activation)
    with np.errstate(invalid="ignore"):
        return np.where(np.isneginf(logs[0]), -np.inf, logs[0] - logs[-1])


@st.cache_data(max_entries=24, show_spinner=False)
def heatmap_cells(activation: str, longest: int) -> bytes:
    """The heatmap's cells for lengths 1 .. ``longest`` as Arrow bytes (the spec's dataset "cells")."""
    return charts.arrow_bytes(charts.heatmap_cells(heatmap_grid(activation, longest), "w2", "T", "log10", fit_y=True))


@st.cache_resource(max_entries=8, show_spinner=False)
def heatmap_spec(activation: str) -> dict:
    """The heatmap's chart spec, the same for every length: its y range comes from the cells swapped
    in (``heatmap_cells``) and the diamond from "marks", so when T moves to another height the
    browser is sent new rows for the chart it has, not a chart to build afresh."""
    bound = 1.0 / rc.MAX_SLOPE[activation]
    reach = heatmap_reach(activation)
    chart = charts.log_heatmap(
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
        drag=(LESSON_W2, W2_RANGE, drag.W2_STEP),
        cells_dataset="cells",
        fit_y=True,
    )
    spec = charts.frozen(charts.vega_spec(chart), keep=("marks",))
    # Cells on a canvas, text (the read-out a test reads, the axes) in SVG on top of it.
    spec["usermeta"] = {"embedOptions": {"renderer": "hybrid"}}
    return spec


# ----------------------------------------------------------------------------- the cliff
@st.cache_resource(max_entries=16, show_spinner=False)
def cliff_runs(lr: float, threshold: float, start: tuple) -> dict[str, np.ndarray]:
    """Both descent paths on the cliff from ``start`` (w, b): rows (w, b, error) per visited point."""
    return {
        label: an.cliff_descent(start, lr, CLIFF_STEPS, clip_threshold=clip)
        for label, clip in (("plain gradient descent", None), ("clipped by norm", threshold))
    }


def cliff_facts(rows: dict[str, np.ndarray]) -> dict:
    """What the cliff's text says of its paths: where they part, the plain path's longest step and
    whether it leaves the chart, and where each ends."""
    plain, clipped = rows["plain gradient descent"], rows["clipped by norm"]
    n = min(len(plain), len(clipped))
    equal = np.isclose(plain[:n, :2], clipped[:n, :2]).all(axis=1)
    jumps = claims.cliff_jumps(plain)
    return {
        "shared": n if equal.all() else int(np.argmin(equal)),  # points both paths visit
        "longest_jump": float(jumps.max()) if len(jumps) else 0.0,
        "longest_step": int(np.argmax(jumps)) + 1 if len(jumps) else 0,
        "leaves": not bool(claims.on_cliff_chart(plain).all()),
        "plain_end": tuple(float(v) for v in plain[-1, :3]),
        "clipped_end": tuple(float(v) for v in clipped[-1, :3]),
    }


def cliff_chart(lr: float, threshold: float, start: tuple) -> tuple[dict, dict]:
    """The cliff's surface with both descent paths as a chart spec, and facts for the caption."""
    (w_lo, w_hi), (b_lo, b_hi) = claims.CLIFF_BOX
    ws, bs = np.linspace(w_lo, w_hi, 81), np.linspace(b_lo, b_hi, 51)
    w_grid, b_grid = np.meshgrid(ws, bs, indexing="ij")
    error = an.cliff_loss_and_grad(w_grid, b_grid)[0]
    with np.errstate(divide="ignore"):
        surface = pd.DataFrame({"w": w_grid.ravel(), "b": b_grid.ravel(), "log10": np.log10(error.ravel())})
    rows = cliff_runs(lr, threshold, start)
    paths = pd.concat(
        [
            pd.DataFrame(
                {
                    "w": r[:, 0],
                    "b": r[:, 1],
                    "error": r[:, 2],
                    "path": label,
                    "order": np.arange(len(r)),
                    "label": [f"thrown off at step {k}" for k in range(len(r))],
                }
            )
            for label, r in rows.items()
        ],
        ignore_index=True,
    )
    chart = charts.log_heatmap(
        surface,
        "w",
        "b",
        "log10",
        title="Error of the classic one-unit network over (w, b)",
        x_title="w",
        y_title="b",
        value_title="error",
        scheme="viridis",
        mid=None,
        paths=paths,
        path_palette=PATH_COLOURS,
        height=FIGURE_HEIGHT,
        path_legend=False,  # the text beside names the paths
        exponent_legend=True,
    )
    return charts.frozen(charts.vega_spec(chart)), cliff_facts(rows)


# ----------------------------------------------------------------------------- the RNN's own surface
SURFACE_GRID = np.linspace(-W2_RANGE, W2_RANGE, 41)


def surface_grid(length: int, activation: str) -> pd.DataFrame:
    """log10 of the loss over (w2, w1) for the lab's sequence (columns w2, w1, log10)."""
    grid = SURFACE_GRID
    weights = {k: FIXED[k] for k in ("b1", "w3", "b2")}
    surface = an.log10_loss_surface(sequence(length), grid, grid, target=TARGET, activation=activation, **weights)
    w2_grid, w1_grid = np.meshgrid(grid, grid, indexing="ij")
    return pd.DataFrame({"w2": w2_grid.ravel(), "w1": w1_grid.ravel(), "log10": surface.ravel()})


@st.cache_data(max_entries=32, show_spinner=False)
def surface_cells(length: int, activation: str) -> bytes:
    """The loss surface's cells for this T and activation as Arrow bytes (the spec's dataset "cells")."""
    return charts.arrow_bytes(charts.heatmap_cells(surface_grid(length, activation), "w2", "w1", "log10"))


@st.cache_resource(max_entries=1, show_spinner=False)
def surface_spec() -> dict:
    """The loss surface's chart spec, one for every T and activation (the page swaps in the cells,
    the marker and the paths): its title leaves T to the text beside, so a new T sends the browser
    new rows for the chart it has, not a chart to build afresh."""
    chart = charts.log_heatmap(
        surface_grid(1, "relu"),  # any grid: the page swaps in the cells of its own
        "w2",
        "w1",
        "log10",
        title="Loss (y_T − 1)² over w2 and w1",
        x_title="w2",
        y_title="w1",
        value_title="loss",
        scheme="viridis",
        mid=None,
        marks=pd.DataFrame({"w2": [0.0], "w1": [0.0], "label": [""]}),
        paths=pd.DataFrame({"w2": [0.0], "w1": [0.0], "path": ["plain gradient descent"], "order": [0]}),
        path_palette=PATH_COLOURS,
        height=FIGURE_HEIGHT,
        path_legend=False,  # the text beside names the paths
        x_values=[float(v) for v in range(-3, 4)],
        exponent_legend=True,
        cells_dataset="cells",
    )
    spec = charts.frozen(charts.vega_spec(chart), keep=("marks", "paths", "exits"))
    spec["usermeta"] = {"embedOptions": {"renderer": "hybrid"}}  # cells and paths on a canvas, text in SVG
    return spec


@st.cache_data(max_entries=64, show_spinner=False)
def rnn_descent_paths(
    length: int, w2: float, activation: str, lr: float, threshold: float
) -> tuple[dict, dict[str, an.DescentPath]]:
    """Gradient descent on (w2, w1) from the current weights, with and without norm clipping.

    Returns the chart's "paths" and "exits" datasets (as Arrow bytes) and each path. A step
    too long for a float is drawn towards a far point in its direction, so the chart shows it
    leaving at the edge."""
    weights = {"target": TARGET, "activation": activation, **{k: FIXED[k] for k in ("b1", "w3", "b2")}}
    paths, ends, memo = {}, {}, {}  # the two paths share every point until clipping first acts
    for label, clip in (("plain gradient descent", None), ("clipped by norm", threshold)):
        path = an.one_unit_descent(
            sequence(length), (w2, FIXED["w1"]), lr, SURFACE_STEPS, clip_threshold=clip, memo=memo, **weights
        )
        points, labels = path.rows[:, :2], [None] * len(path.rows)
        if path.throw is not None:
            d_w2, d_w1, log_length = path.throw
            points = np.vstack([points, points[-1] - 20.0 * W2_RANGE * np.array([d_w2, d_w1])])
            labels.append(f"thrown off: step {len(path.rows)} is {from_log10(log_length)} long")
        paths[label] = (points, labels)
        ends[label] = path
    domain = (-W2_RANGE, W2_RANGE)
    shown, exits = charts.path_segments(paths, "w2", "w1", domain, domain)
    datasets = {"paths": charts.arrow_table(shown), "exits": charts.arrow_table(exits)}
    return charts.frozen({"datasets": datasets})["datasets"], ends


def first_step_leaves(path: an.DescentPath) -> bool:
    """Whether a descent path's first step lands off the training step's chart (|w2|, |w1| <= 3)."""
    if len(path.rows) < 2:
        return path.throw is not None
    return bool(np.abs(path.rows[1, :2]).max() > W2_RANGE)


def first_step(path: an.DescentPath, lr: float, threshold: float | None) -> tuple[float, float]:
    """log10 |gradient| at the start and log10 of the first step's length (clipped if ``threshold``)."""
    log_norm = float(path.rows[0, 3])
    if threshold is not None and log_norm > math.log10(threshold):
        return log_norm, math.log10(lr * threshold)
    return log_norm, math.log10(lr) + log_norm


# ----------------------------------------------------------------------------- gated models
def gated_model(kind: str, gate_bias: float):
    """The lab's seeded 4-unit LSTM or GRU with its memory gate held open by ``gate_bias``."""
    return an.memory_gate_model(kind, GATED_UNITS, gate_bias)


@st.cache_data(max_entries=16, show_spinner=False)
def gated_input_gradients(length: int, kind: str, gate_bias: float) -> np.ndarray:
    """log10 |d y_T / d x_t| of the gated model on the lab's sequence, exact at any size."""
    return an.log10_gated_input_gradients(gated_model(kind, gate_bias), sequence(length))


# ----------------------------------------------------------------------------- controls every view shares
def _set(values: dict) -> None:
    for key, value in values.items():
        st.session_state[key] = value


# The views that read none of the shared controls: their own controls only are shown.
OWN_CONTROLS_ONLY = frozenset({"cliff"})


def uses_shared_controls(view: str) -> bool:
    return view not in OWN_CONTROLS_ONLY


def shared_controls(
    key_prefix: str = "lab_", defaults: LabSettings = LabSettings(), activation_note: bool = True, shown: bool = True
) -> LabSettings:
    """w2 (with the presets), T and the activation, bound to the URL as ``<prefix>w2`` and so on.

    With ``shown=False`` (a view that reads none of them) they are drawn off the screen, so their
    values, and the link's, are kept for the next view that uses them."""
    if not shown:
        st.html(hiding_style([f"{key_prefix}shared"]))
    with st.container(key=f"{key_prefix}shared"):
        return _shared_controls(key_prefix, defaults, activation_note)


def _shared_controls(key_prefix: str, defaults: LabSettings, activation_note: bool) -> LabSettings:
    w2_column, length_column, activation_column = st.columns([5, 3, 2], gap="medium")
    with w2_column:
        w2 = st.slider(
            "Recurrent weight w2",
            -W2_RANGE,
            W2_RANGE,
            defaults.w2,
            step=0.01,
            **bound(f"{key_prefix}w2"),
            help="Multiplies the previous step's hidden value in every step.",
        )
        # A link that locks w2 locks its presets too; one that hides w2 hides them.
        if not hidden(f"{key_prefix}w2"):
            with st.container(horizontal=True, gap="small"):
                for i, (label, value) in enumerate(PRESETS.items()):
                    st.button(
                        f"w2 = {label}",
                        key=f"{key_prefix}preset{i}",
                        on_click=_set,
                        args=({f"{key_prefix}w2": value},),
                        type="secondary",
                        disabled=locked(f"{key_prefix}w2"),
                    )
    length = length_column.slider("Sequence length T", 1, MAX_LENGTH, defaults.length, **bound(f"{key_prefix}length"))
    with activation_column:
        activation = st.selectbox(
            "Activation",
            rc.ACTIVATIONS,
            index=rc.ACTIVATIONS.index(defaults.activation),
            help=f"relu, {text.ACTIVATION_NOTES['relu']}",
            **bound(f"{key_prefix}activation"),
        )
        # An alternative says what it changes; the lesson's own ReLU needs no words on screen.
        if activation_note and activation != "relu" and not hidden(f"{key_prefix}activation"):
            st.caption(text.ACTIVATION_NOTES[activation])
    return LabSettings(float(w2), int(length), str(activation))


def compact_top() -> None:
    """Less empty space above the title, so a view's controls and figure fit one laptop screen."""
    st.html("<style>[data-testid='stMainBlockContainer'] { padding-top: 3.5rem; }" + DRAG_SLIDER_CSS + "</style>")


# The in-chart w2 slider (Vega's own range input under the figure): as wide as the figure allows, on
# one line close under the figure (so figure and slider fit a 1280x720 projector in presentation mode).
DRAG_SLIDER_CSS = (
    "[data-testid='stVegaLiteChart'] form.vega-bindings.vega-bindings { padding-top: 0; }"
    "[data-testid='stVegaLiteChart'] .vega-bind label { display: flex; flex-wrap: nowrap; align-items: center; "
    "gap: 0.5rem; font-weight: 600; line-height: 1.2; }"
    "[data-testid='stVegaLiteChart'] .vega-bind-name { min-width: 0; white-space: nowrap; }"
    "[data-testid='stVegaLiteChart'] .vega-bind input[type=range] { flex: 1; min-width: 6rem; "
    "max-width: 22rem; height: 1.25rem; margin: 0; }"
    "[data-testid='stVegaLiteChart'] .vega-bind input[type=range] + span { min-width: 2.5rem; white-space: nowrap; }"
)


def network_line(settings: LabSettings) -> None:
    """The one network and the one loss of the whole lab, stated once, with the loss at this setting."""
    act = text.LATEX_ACTIVATION[settings.activation]
    st.markdown(
        f"The lesson's network $h_t = {act}({FIXED['w1']:g}\\,x_t + w_2\\,h_{{t-1}})$, "
        f"$y_T = {FIXED['w3']:g}\\,h_T$ reads $T$ high days ${{(x_t = 1)}}$, target 1. "
        f"Loss $(y_T - 1)^2$ = **{loss_text(settings)}**."
    )


def view_selector(key_prefix: str = "lab_", default: str = "inputs") -> str:
    """Which view is on screen, bound to the URL as ``<prefix>view``: only that view's code runs."""
    label = st.segmented_control(
        "View",
        list(VIEWS.values()),
        default=VIEWS[default],
        required=True,
        **bound(f"{key_prefix}view"),
        label_visibility="collapsed",
    )
    return next(view for view, shown in VIEWS.items() if shown == label)


def _columns():
    """A view's figure (left) and its controls and text (right); stacked on a phone."""
    return st.columns([5, 4], gap="medium")


def _metrics(*pairs: tuple[str, str]) -> None:
    """Metrics (label, value) side by side where the column has room for them, else one under
    another: equal columns would cut a value such as 0.03711 to "0.03…" beside a laptop's sidebar."""
    with st.container(horizontal=True, gap="medium"):
        for label, value in pairs:
            st.metric(label, value, width="content")


def _why(text: str) -> None:
    """The longer explanation behind a view's "Why?": what holds for every setting, not only the one shown."""
    st.markdown(shown(general(text)))


def _prose(key: str, see: Said | str, notice: Said, try_this: Said | str) -> None:
    """The view's few lines, in the order what you see / what to notice / try this; what to notice
    is built from the numbers on screen (``ui.claims``)."""
    with st.container(key=key):
        see, try_this = (shown(part) if isinstance(part, Said) else part for part in (see, try_this))
        st.markdown(f"**You see** {see}  \n**Notice** {shown(notice)}  \n**Try** {try_this}")


# ----------------------------------------------------------------------------- figures that follow the drag
# Streamlit's slider sends w2 only on release, so the views where w2 is the knob carry their own
# in-chart slider (a Vega-Lite point selection bound to a range input): data for every w2 on the
# page slider's grid is sent once and the browser draws the one under the hand. Streamlit 1.67
# returns a selection parameter's value to Python (``on_select``; a plain bound variable parameter
# it does not), about 150 ms after the last movement, so releasing the in-chart slider sets the
# page's w2 (and its link): one w2 for the page. The chart then keeps its spec (no rebuild under
# the hand); a w2 set anywhere else (the page slider, a preset, a link) starts the chart afresh at
# that w2, under a new key, so the browser does not restore the old selection.


@st.cache_data(max_entries=32, show_spinner=False)
def drag_data(length: int, activation: str) -> dict:
    """Arrow bytes of the drag figures' datasets for every w2 on the grid, and the curves' range."""
    import pyarrow as pa

    rows = drag.inputs_rows(length, activation, FIXED, COMPUTED, ANALYTIC)
    lines = rows["lines"]
    table = pa.table(
        {
            "w2c": pa.array(lines["w2c"]),
            "step": pa.array(lines["step"]),
            "series": pa.DictionaryArray.from_arrays(  # one byte a row for the series' name
                pa.array(lines["series"], pa.int8()), pa.array(list(rows["series"]))
            ),
            "log10": pa.array(lines["log10"]),
        }
    )
    marks = drag.heatmap_marks(length, rows["first"])
    return {
        "drag_lines": charts.arrow_bytes(table),
        "drag_w2": charts.arrow_bytes(charts.arrow_table(rows["w2"])),
        "marks": charts.arrow_bytes(charts.arrow_table(marks)),
        "range": rows["range"],
    }


def _drag_memo(key_prefix: str, view: str) -> str:
    return f"{key_prefix}drag_{view}"


def drag_start(view: str, w2: float, *, key_prefix: str) -> tuple[str, float, int]:
    """The in-chart slider's chart key, its start value and generation for this run.

    The chart keeps its key and start while it stays on screen showing the page's w2 (it was
    dragged there itself); otherwise a new generation starts it at ``w2``."""
    state = st.session_state
    generation, start, shown = state.get(_drag_memo(key_prefix, view), (0, None, None))
    key = f"{key_prefix}chart_{view}_{generation}"
    if key not in state or shown != w2:
        generation, start = generation + 1, w2
        key = f"{key_prefix}chart_{view}_{generation}"
    state[_drag_memo(key_prefix, view)] = (generation, start, w2)
    return key, start, generation


def take_drag(chart_key: str, view: str, key_prefix: str, state=None) -> None:
    """``on_select`` of a drag chart: the released in-chart w2 becomes the page's w2 (in ``state``,
    by default the session's), and the chart is noted as showing it, so it is not rebuilt.

    Where the page has no w2 control of that prefix (a lesson step showing a lab view with its
    own fixed w2), the in-chart slider is a preview: it stays where it was released."""
    state = st.session_state if state is None else state
    event = state.get(chart_key) or {}
    value = drag.selected_w2((event.get("selection") or {}).get(charts.DRAG_PARAM))
    if value is None or not has_w2_control(key_prefix, state) or locked(f"{key_prefix}w2"):
        return
    state[f"{key_prefix}w2"] = value
    generation, start, _ = state.get(_drag_memo(key_prefix, view), (0, value, value))
    state[_drag_memo(key_prefix, view)] = (generation, start, value)


def has_w2_control(key_prefix: str, state=None) -> bool:
    """Whether the page drew ``shared_controls`` with this prefix (its w2 slider)."""
    return f"{key_prefix}w2" in (st.session_state if state is None else state)


def drag_hint(key_prefix: str) -> str:
    if locked(f"{key_prefix}w2"):
        return "This link keeps w2 where it is."
    if has_w2_control(key_prefix):
        return "Drag w2 under the chart."  # the chart follows the hand; the numbers, the release
    return "Drag w2 under the chart to see other values."


def draw_drag(spec: dict, view: str, w2: float, *, key_prefix: str, alt_text: str) -> None:
    """Draw a drag chart; where a classroom link locks (or hides) w2, without its in-chart slider:
    the figure then shows the link's w2 only, as the locked page slider does."""
    if locked(f"{key_prefix}w2"):
        fixed = charts.without_drag_slider(charts.with_drag_value(spec, w2, 0, st.context.theme.type))
        st.vega_lite_chart(spec=fixed, width="stretch", key=f"{key_prefix}chart_{view}_locked", alt=alt_text)
        return
    key, start, generation = drag_start(view, w2, key_prefix=key_prefix)
    st.vega_lite_chart(
        spec=charts.with_drag_value(spec, start, generation, st.context.theme.type),
        width="stretch",
        key=key,
        alt=alt_text,
        on_select=functools.partial(take_drag, key, view, key_prefix),
        selection_mode=[charts.DRAG_PARAM],
    )


def drag_lines_spec(points: bool, y_domain: tuple) -> dict:
    """The drag chart of the Each input view with this y range: built once per ``points`` (an
    Altair build costs tens of milliseconds), its y domain set on a copy for each T."""
    spec = _drag_lines_spec(points)
    lines = spec["layer"][0]
    y = {**lines["encoding"]["y"], "scale": {**lines["encoding"]["y"]["scale"], "domain": list(y_domain)}}
    return {**spec, "layer": [{**lines, "encoding": {**lines["encoding"], "y": y}}, *spec["layer"][1:]]}


@st.cache_resource(max_entries=2, show_spinner=False)
def _drag_lines_spec(points: bool) -> dict:
    return charts.drag_lines_spec(
        title="How much each input still moves y_T",
        x_title="input step t (1 = oldest)",
        y_title="|∂y_T/∂x_t|",
        palette={COMPUTED: SERIES[COMPUTED], ANALYTIC: SERIES[ANALYTIC]},
        dashes={COMPUTED: [1, 0], ANALYTIC: [6, 4]},
        y_domain=(-1.0, 1.0),  # replaced by drag_lines_spec
        points=points,
        value=LESSON_W2,
        limit=W2_RANGE,
        step=drag.W2_STEP,
        height=FIGURE_HEIGHT,
    )


def with_points(length: int) -> bool:
    """Whether the Each input chart marks every step with a dot: its two curves have 120 points at most."""
    return 2 * length <= 120


def drag_y_domain(lowest: float, highest: float) -> tuple[float, float]:
    """One y range for the whole drag (see ``lab_drag.AXIS_BAND``), in whole powers of ten."""
    return log_domain(np.array([lowest, highest]))


# ----------------------------------------------------------------------------- 1. each input
def each_input_view(settings: LabSettings, *, key_prefix: str = "lab_") -> dict:
    """How much each input still counts at the end: |d y_T / d x_t| against the closed form."""
    f = facts(settings.w2, settings.length, settings.activation)
    T = settings.length
    data = drag_data(T, settings.activation)
    spec = drag_lines_spec(with_points(T), drag_y_domain(*data["range"]))
    figure, side = _columns()
    with figure:
        draw_drag(
            {**spec, "datasets": {"drag_lines": data["drag_lines"], "drag_w2": data["drag_w2"]}},
            "inputs",
            settings.w2,
            key_prefix=key_prefix,
            alt_text=f"Line chart of each input's gradient on a log scale, T = {T}, with its own w2 slider; "
            "the numbers are beside it.",
        )
    with side:
        symbolic, plugged, _ = text.first_input_formula(FIXED["w1"], settings.w2, FIXED["w3"], T, f.log10_slopes)
        st.metric("First input's |∂y_T/∂x_1|", from_log10(float(f.logs[0])))
        st.latex(rf"\small \begin{{gathered}} {symbolic} \\ {plugged} \end{{gathered}}")
        _prose(
            f"{key_prefix}inputs_text",
            "how much each day's input still moves the prediction; $s_k$ are the slopes. " + drag_hint(key_prefix),
            text.each_input_notice(f.logs, settings.w2, settings.activation),
            "w2 = 2, then T = 1000.",
        )
        with st.expander("Why?"):
            _why(
                "By the chain rule, $\\partial y_T/\\partial x_t = w_3\\, w_1\\, s_t \\prod_{k=t+1}^{T} w_2 s_k$: "
                "one factor $w_2 s_k$ for every step between input $t$ and the end. An input $n$ steps before "
                "the last is scaled by $w_2^n$ (times slopes), so the first of $T$ inputs by $w_2^{T-1}$. "
                "ReLU's slope is 1 where the unit is on and 0 where it is off; the dashed line leaves the "
                "slopes out, so with ReLU it lies on the computed one whenever the unit stays on. tanh's and "
                "sigmoid's slopes are below 1, so their computed line runs under the dashed one."
            )
    return {}


# ----------------------------------------------------------------------------- 2. the heatmap
def heatmap_view(settings: LabSettings, *, key_prefix: str = "lab_") -> dict:
    """Where gradients explode and vanish: the first input's gradient over w2 and T."""
    f = facts(settings.w2, settings.length, settings.activation)
    marker = drag_data(settings.length, settings.activation)["marks"]  # a diamond per w2, the one dragged to drawn
    figure, side = _columns()
    with figure:
        draw_drag(
            charts.with_datasets(
                heatmap_spec(settings.activation),
                cells=heatmap_cells(settings.activation, heatmap_rows(settings.length)),
                marks=marker,
            ),
            "heatmap",
            settings.w2,
            key_prefix=key_prefix,
            alt_text="Heatmap of the first input's gradient over w2 and T with its own w2 slider; "
            "the diamond is the current setting.",
        )
    with side:
        st.metric("First input's |∂y_T/∂x_1| at the diamond", from_log10(float(f.logs[0])))
        _prose(
            f"{key_prefix}heatmap_text",
            "the first input's gradient over w2 and T: orange above 1, blue below; the diamond, your setting. "
            + drag_hint(key_prefix),
            text.heatmap_notice(
                settings.activation,
                heatmap_rows(settings.length),
                heatmap_w2s(settings.activation),
                heatmap_shares(settings.activation, heatmap_rows(settings.length)),
            ),
            "move w2 across 1, then across −1.",
        )
        with st.expander("Why?"):
            _why(
                "Each row is one length $T$, each column one $w_2$. The colour is "
                "$|\\partial y_T/\\partial x_1| = |w_3 w_1|\\,|w_2|^{T-1}\\prod s_k$ as a power of ten (colours stop "
                f"at $10^{{\\pm{charts.LOG_COLOUR_LIMIT:g}}}$). With slopes of 1, $|w_2| > 1$ grows without "
                "bound and $|w_2| < 1$ fades to nothing: keeping $|w_2| < 1$ only trades explosion for "
                "vanishing. Negative $w_2$ can switch a ReLU off, which makes the gradient exactly 0."
            )
    return {}


# ----------------------------------------------------------------------------- 3. the pieces of dL/dw2
def pieces_view(settings: LabSettings, *, key_prefix: str = "lab_") -> dict:
    """Which steps make up dL/dw2: BPTT's per-step pieces, and their sum."""
    f = facts(settings.w2, settings.length, settings.activation)
    pieces = f.pieces
    steps = np.arange(1, settings.length + 1)
    directions = np.where(pieces.signs < 0, "pushes w2 up", "pushes w2 down")  # descent moves against the sign
    shown = np.isfinite(pieces.log10_steps)
    present = tuple(name for name in ("pushes w2 up", "pushes w2 down") if (directions[shown] == name).any())
    rows = charts.arrow_table({"step": steps, "log10": pieces.log10_steps, "direction": directions}, finite=("log10",))
    figure, side = _columns()
    with figure:
        charts.draw(
            charts.with_datasets(pieces_spec(present, log_domain(pieces.log10_steps)), pieces=rows),
            key=f"{key_prefix}chart_pieces",
            alt_text="Dots: the size of each step's piece of dL/dw2 on a log scale, coloured by its sign.",
        )
    with side:
        _metrics(
            ("dL/dw2 (the sum)", text.short_magnitude(pieces.log10_total, negative=pieces.total_sign < 0)),
            ("Loss (y_T − 1)²", text.short_magnitude(pieces.log10_loss)),
        )
        st.latex(text.W2_GRADIENT_FORMULA)
        _prose(
            f"{key_prefix}pieces_text",
            "each step's piece of the gradient of w2; BPTT adds them up.",
            text.pieces_notice(pieces.log10_steps, settings.w2, settings.activation),
            "T = 100 with w2 = 0.5, then w2 = 2.",
        )
        with st.expander("Why?"):
            _why(
                "$w_2$ is used at every step, so its gradient is a sum over steps. Step $t$ adds "
                "$\\partial L/\\partial z_t \\cdot h_{t-1}$: the error carried back from the end (it picks up "
                "$w_2 s_k$ once per step, as on view 1) times what the unit held before. Step 1 adds 0 because "
                "$h_0 = 0$. When the carried error vanishes, early steps add nothing, so the network cannot "
                "learn from what happened long ago."
            )
    return {}


# ----------------------------------------------------------------------------- 4. one training step
def training_step_view(settings: LabSettings, *, key_prefix: str = "lab_") -> dict:
    """What an exploding gradient does to a training step, and how clipping helps."""
    figure, side = _columns()
    with side:
        left, right = st.columns(2)  # side by side on a laptop, stacked on a phone
        lr = left.select_slider("Learning rate η", LR_CHOICES, value=0.05, **bound(f"{key_prefix}step_lr", str))
        threshold = right.select_slider("Clip at τ", CLIP_CHOICES, value=1.0, **bound(f"{key_prefix}step_clip", str))
    path_data, ends = rnn_descent_paths(settings.length, settings.w2, settings.activation, lr, threshold)
    plain, clipped = ends["plain gradient descent"], ends["clipped by norm"]
    log_norm, log_step = first_step(plain, lr, None)
    _, log_clipped = first_step(clipped, lr, threshold)
    marker = charts.arrow_table({"w2": [settings.w2], "w1": [FIXED["w1"]], "label": ["the current weights"]})
    with figure:
        charts.draw(
            charts.with_datasets(
                surface_spec(),
                cells=surface_cells(settings.length, settings.activation),
                marks=marker,
                **path_data,
            ),
            key=f"{key_prefix}chart_step",
            alt_text="Heatmap of the loss over w2 and w1 with a plain and a clipped descent path from the diamond.",
        )
    with side:
        _metrics(
            ("Plain step η‖g‖", text.short_magnitude(log_step)),
            ("Clipped step η·min(‖g‖, τ)", text.short_magnitude(log_clipped)),
        )
        _prose(
            f"{key_prefix}step_text",
            f"the loss at T = {settings.length} and {SURFACE_STEPS} descent steps from the diamond, where "
            f"‖g‖ = {from_log10(log_norm)}: plain (orange, dashed) and clipped (blue).",
            text.step_notice(
                settings.w2,
                settings.length,
                settings.activation,
                lr,
                threshold,
                log_norm,
                (first_step_leaves(plain), first_step_leaves(clipped)),
                W2_RANGE,
            ),
            "w2 = 2 and T = 50.",
        )
        with st.expander("Why?"):
            _why(
                "$g$ is the gradient of the loss with respect to $(w_2, w_1)$; $b_1$, $w_3$ and $b_2$ stay at the "
                "lesson's values. Where gradients explode, one plain step $-\\eta g$ is far longer than the "
                "weights themselves and throws them off the chart. Clipping by norm keeps the step's "
                "direction but caps its length at $\\eta\\tau$, so the same start walks downhill."
            )
    return {f"{key_prefix}step_lr": lr, f"{key_prefix}step_clip": threshold}


# ----------------------------------------------------------------------------- 5. the cliff
def cliff_view(*, key_prefix: str = "lab_") -> dict:
    """Pascanu et al.'s classic cliff, with its own unit and its own controls."""
    figure, side = _columns()
    with side:
        choices = [0.1, 0.25, 0.5, 1.0, 2.0]
        left, right = st.columns(2)
        lr = left.select_slider("Learning rate", choices, value=0.5, **bound(f"{key_prefix}cliff_lr", str))
        threshold = right.select_slider("Clip at", choices, value=0.5, **bound(f"{key_prefix}cliff_threshold", str))
        start_w = st.slider("Start at w (b = −2)", 3.0, 8.0, 5.5, step=0.25, **bound(f"{key_prefix}cliff_start"))
    chart, found = cliff_chart(lr, threshold, (start_w, -2.0))
    with figure:
        charts.draw(
            chart,
            key=f"{key_prefix}chart_cliff",
            alt_text="Heatmap of the classic unit's error over w and b with a plain and a clipped descent path.",
        )
    with side:
        _prose(
            f"{key_prefix}cliff_text",
            "a classic unit of its own (Pascanu et al., 2013), $x_t = w\\,\\sigma(x_{t-1}) + b$, whose "
            "error drops at a thin wall.",
            text.cliff_notice(
                start_w, lr, threshold, CLIFF_STEPS, found["longest_jump"], found["longest_step"], found["leaves"]
            ),
            "start at w = 4.5.",
        )
        with st.expander("Why?"):
            _why(
                "Pascanu, Mikolov and Bengio (*On the difficulty of training recurrent neural networks*, 2013) "
                "trained one sigmoid unit so that $\\sigma(x_{50}) = 0.7$, from $x_0 = 0.5$. Its error surface has "
                "a cliff: a narrow wall where the error drops and the gradient is enormous. A gradient step on "
                f"the wall is thrown far away; clipped, a step is at most {significant(lr * threshold)} long."
            )
    return {f"{key_prefix}cliff_lr": lr, f"{key_prefix}cliff_threshold": threshold, f"{key_prefix}cliff_start": start_w}


# ----------------------------------------------------------------------------- 6. gates
GATES_Y_TITLE = "share of the newest's"
# The gates view's shortcut: a setting where the vanilla RNN's gradient fades (checked, ``ui.claims``).
_FADES_THERE = claim("fades", w2=0.5, length=MAX_LENGTH, activation="relu")
VANISHING_CASE = said(f"Vanishing case: w2 = 0.5, T = {MAX_LENGTH}", _FADES_THERE)
VANISHING_CASE_TRY = said("the vanishing case, then b = 0.", _FADES_THERE)
# The gates chart's y range reaches at most this many decades past the gated cells' own lines, so they
# stay readable (10⁻⁹ well apart from 1) while the vanilla RNN's line runs on off the chart.
GATES_MARGIN = 4.0


def relative_to_newest(logs: np.ndarray) -> np.ndarray:
    """log10 of each input's gradient as a share of the newest input's (all -inf if the newest counts 0)."""
    logs = np.asarray(logs, dtype=float)
    if not np.isfinite(logs[-1]):
        return np.full_like(logs, -np.inf)
    return logs - logs[-1]


def gates_domain(vanilla: np.ndarray, gated: list[np.ndarray]) -> tuple[float, float]:
    """The gates chart's y range: every gated line whole, the vanilla one as far as ``GATES_MARGIN``
    decades beyond them."""
    lo, hi = log_domain(*gated)
    finite = vanilla[np.isfinite(vanilla)]
    if finite.size:
        lo = min(lo, max(math.floor(finite.min()), lo - GATES_MARGIN))
        hi = max(hi, min(math.ceil(finite.max()), hi + GATES_MARGIN))
    return (float(lo), float(hi))


def gates_held(gate_bias: float, length: int) -> Said:
    """Where the memory gates sit on the lab's sequence: near sigmoid(b) where the bias holds them there."""
    keep = 1.0 / (1.0 + math.exp(-gate_bias))
    low, high = claims.memory_gate_range(gate_bias, length)
    if abs(low - keep) <= 0.15 and abs(high - keep) <= 0.15:
        return said(f"(gates near σ(b) = {keep:.3g})", claim("memory_gates_near", gate_bias=gate_bias, length=length))
    low, high = math.floor(low * 100) / 100, math.ceil(high * 100) / 100
    return said(
        f"(memory gates between {low:.2f} and {high:.2f})",
        claim("memory_gates_between", gate_bias=gate_bias, length=length, low=low, high=high),
    )


def gates_view(settings: LabSettings, *, key_prefix: str = "lab_") -> dict:
    """What gates change: how much each input still counts, as a share of the newest input, in the
    vanilla RNN beside an LSTM and a GRU."""
    figure, side = _columns()
    with side:
        gate_bias = st.slider(
            "Memory-gate bias b",
            0.0,
            8.0,
            4.0,
            step=0.5,
            **bound(f"{key_prefix}gate_bias"),
            help="The LSTM's forget gate (its input gate gets −b) and the GRU's update gate.",
        )
        # A link that fixes w2 or T leaves this shortcut nothing to do: it is not drawn.
        shortcut = not (locked(f"{key_prefix}w2") or locked(f"{key_prefix}length"))
        if shortcut:
            st.button(
                shown(VANISHING_CASE),
                key=f"{key_prefix}show_vanishing",
                on_click=_set,
                args=({f"{key_prefix}w2": 0.5, f"{key_prefix}length": MAX_LENGTH},),
                icon=":material/trending_down:",
            )
    f = facts(settings.w2, settings.length, settings.activation)
    T = settings.length
    logs = {
        "vanilla RNN": f.logs,
        **{kind.upper(): gated_input_gradients(T, kind, gate_bias) for kind in ("lstm", "gru")},
    }
    series = {name: relative_to_newest(values) for name, values in logs.items()}
    series = {name: values for name, values in series.items() if np.isfinite(values).any()}
    rows = charts.arrow_table(
        {
            "step": np.tile(np.arange(1, T + 1), len(series)),
            "series": [name for name in series for _ in range(T)],
            "log10": np.concatenate(list(series.values())),
        },
        finite=("log10",),
    )
    vanilla = series.get("vanilla RNN", np.array([-np.inf]))
    spec = lines_spec(
        "Each input's pull ÷ the newest's",
        tuple((name, GATES_SERIES[name][0]) for name in series),
        len(series) * T <= 180,
        gates_domain(vanilla, [series[n] for n in ("LSTM", "GRU") if n in series]),
        tuple((name, tuple(GATES_SERIES[name][1])) for name in series),
        GATES_Y_TITLE,
    )
    shares = {
        name: (-math.inf if values[0] == -math.inf else float(values[0] - values[-1])) for name, values in logs.items()
    }
    notice = text.gates_notice(
        T, shares, {"w2": settings.w2, "activation": settings.activation, "gate_bias": gate_bias}
    )
    with figure:
        charts.draw(
            charts.with_datasets(spec, lines=rows),
            key=f"{key_prefix}chart_gates",
            alt_text="Lines: each input's gradient as a share of the newest input's, on a log scale, for the "
            f"vanilla RNN, an LSTM and a GRU. {notice.text}",
        )
    with side:
        _prose(
            f"{key_prefix}gates_text",
            f"each input's pull as a share of the newest's, in our RNN and untrained {GATED_UNITS}-unit LSTM "
            "and GRU " + gates_held(gate_bias, T) + ".",
            notice,
            VANISHING_CASE_TRY if shortcut else "b = 0, then b = 8.",
        )
        with st.expander("Why?"):
            _why(
                "An LSTM keeps its memory in a cell, $c_t = f_t c_{t-1} + i_t g_t$, and a GRU in its state, "
                "$h_t = z_t h_{t-1} + (1 - z_t) n_t$: the old value passes through a gate ($f_t$, $z_t$) rather "
                "than through $w_2$ and an activation. One step back, the gradient on that path is multiplied by "
                "the gate's value, between 0 and 1: it cannot explode, and it fades only as fast as the gate "
                "lets it. The bias $b$ holds the gate near $\\sigma(b)$. Both models are seeded (seed 0), untrained. "
                "Transformers, the other remedy, drop the chain altogether: attention lets the last step read "
                "every day directly."
            )
    return {f"{key_prefix}gate_bias": gate_bias}


def show_view(view: str, settings: LabSettings, *, key_prefix: str = "lab_") -> dict:
    """Draw one view by its name in ``VIEWS``; returns the view's own widget values (for link checks)."""
    if view == "cliff":
        return cliff_view(key_prefix=key_prefix)
    runs = {
        "inputs": each_input_view,
        "heatmap": heatmap_view,
        "pieces": pieces_view,
        "step": training_step_view,
        "gates": gates_view,
    }
    own = runs[view](settings, key_prefix=key_prefix)
    if settings.length != MAX_LENGTH:
        work_ahead(view, settings.activation, settings.w2, tuple(sorted(own.items())))
    return own


def longest_work(view: str, activation: str, w2: float, own: dict) -> list[Callable[[], object]]:
    """What ``view`` computes when T moves to its longest with this activation and w2 (and the view's
    own settings, ``own`` as ``show_view`` returns them): the cached functions, ready to call."""
    T = MAX_LENGTH
    work: dict[str, list] = {
        "inputs": [
            functools.partial(facts, w2, T, activation),
            functools.partial(drag_data, T, activation),
            functools.partial(_drag_lines_spec, with_points(T)),
        ],
        "heatmap": [
            functools.partial(facts, w2, T, activation),
            functools.partial(drag_data, T, activation),
            functools.partial(heatmap_spec, activation),
            functools.partial(heatmap_cells, activation, heatmap_rows(T)),
        ],
        "pieces": [functools.partial(facts, w2, T, activation)],
    }
    if view == "step":
        lr = next(value for key, value in own.items() if key.endswith("step_lr"))
        threshold = next(value for key, value in own.items() if key.endswith("step_clip"))
        work["step"] = [
            surface_spec,
            functools.partial(surface_cells, T, activation),
            functools.partial(rnn_descent_paths, T, w2, activation, lr, threshold),
        ]
    return work.get(view, [])


@st.cache_resource(max_entries=64, show_spinner=False)
def work_ahead(view: str, activation: str, w2: float, own: tuple) -> threading.Thread:
    """Compute, once per server and setting, in the background, what the view on screen needs at
    T = MAX_LENGTH: every view's "Try" sends the learner there, and the first visit would otherwise
    compute it while they wait. The results land in the views' own caches (a rerun that asks
    for one meanwhile waits for it rather than computing it twice)."""

    def run() -> None:
        for compute in longest_work(view, activation, w2, dict(own)):
            compute()

    thread = threading.Thread(target=run, name=f"lab-work-ahead-{view}", daemon=True)
    thread.start()
    return thread
