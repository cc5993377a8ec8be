"""The Gradient lab's computations and chart specs, cached with ``st.cache_data``.

They live in a module, not in the page script, because a page script runs from the top
on every rerun and ``st.cache_data`` reads each decorated function's source whenever it
is applied: about 2 ms a function, every rerun. Here the decorators run once, at import.
Everything is pure: the arguments are the page's settings (a sequence is named by its
pattern and length, which hash faster than its values), the results numbers or chart
specs. Specs are kept with ``st.cache_resource``, one shared copy that is never changed
(``charts.with_datasets`` makes a new dict to swap rows in), with their fixed datasets
already Arrow bytes (``charts.frozen``); numbers with ``st.cache_data``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import rnn_core as rc
from rnn_core import analysis as an
from rnn_core.data import simulate_statland

from . import charts
from .format import from_log10, significant

W2_RANGE = 3.0
FIXED = {"b1": 0.0, "w3": 1.0, "b2": 0.0}  # the lab varies w1 and w2; these stay put
TARGET = 1.0  # the loss is (y_T - 1)^2: tomorrow should be "high"
LR = 0.05  # one learning rate for section 4's step and runs and the RNN surface's paths
RUN_STEPS = 50  # the clipped run settles within about 30; the unclipped one diverges within a few
SURFACE_STEPS = 40
CLIFF_STEPS = 80
GATED_UNITS = 4
# Okabe-Ito colours that read in light and dark themes; the charts give them a white halo.
PATH_COLOURS = {"plain gradient descent": "#D55E00", "clipped by norm": "#0072B2"}
RUN_COLOURS = {"without clipping": "#D55E00", "with clipping (norm 1)": "#0072B2"}
SERIES = {
    "vanilla RNN (computed)": "#0072B2",
    "|w1 w3| |w2|^(T - t) (analytic)": "#E69F00",
    "LSTM": "#009E73",
    "GRU": "#CC79A7",
}


# ----------------------------------------------------------------------------- the vanilla RNN
@st.cache_data(max_entries=64, show_spinner=False)
def vanilla_gradients(
    pattern: str, length: int, w1: float, w2: float, activation: str
) -> tuple[np.ndarray, an.LogW2Gradient]:
    """log10 |d y_T / d x_t| for every input, and the per-step pieces of d L / d w2."""
    sequence = an.input_pattern(pattern, length)
    trace = an.scaled_forward(sequence, w1, w2, FIXED["b1"], activation)  # one forward pass for both
    logs = an.log10_input_gradients(sequence, w1, w2, FIXED["b1"], FIXED["w3"], activation, trace=trace)
    pieces = an.log10_w2_gradient(sequence, w1, w2, target=TARGET, activation=activation, trace=trace, **FIXED)
    return logs, pieces


def analytic_line(length: int, w1: float, w2: float) -> np.ndarray:
    """log10 of |w1 w3| |w2|^(T - t) for t = 1 .. T (w2^0 = 1, even for w2 = 0)."""
    steps = np.arange(1, length + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_w2 = np.log10(abs(w2))
        log_w1w3 = np.log10(abs(w1 * FIXED["w3"]))
        return np.where(steps == length, 0.0, (length - steps) * log_w2) + log_w1w3


@st.cache_resource(max_entries=32, show_spinner=False)
def heatmap_spec(pattern: str, w1: float, activation: str, longest: int) -> dict:
    """log10 |d y_T / d x_1| over w2 x length as a chart spec. It does not depend on w2, so
    it is cached and the page swaps in the current setting's marker.

    w2 reaches past the activation's own bound (1 / max slope: 4 for sigmoid) so that
    boundary is on the chart too."""
    bound = 1.0 / rc.MAX_SLOPE[activation]
    reach = max(W2_RANGE, bound + 1.0)
    w2s = np.round(np.linspace(-reach, reach, 121), 6)
    lengths = np.unique(np.linspace(1, longest, min(longest, 80)).round().astype(int))
    xs = an.input_pattern(pattern, longest)
    grid = an.log10_first_input_gradient_grid(
        w2s, lengths, xs=xs, w1=w1, b1=FIXED["b1"], w3=FIXED["w3"], activation=activation
    )
    w2_column, length_column = np.meshgrid(w2s, lengths, indexing="ij")
    heat = pd.DataFrame({"w2": w2_column.ravel(), "T": length_column.ravel(), "log10": grid.ravel()})
    chart = charts.log_heatmap(
        heat,
        "w2",
        "T",
        "log10",
        title="log10 |d y_T / d x_1| over w2 and the sequence length",
        x_title="recurrent weight w2",
        y_title="sequence length T",
        value_title="log10 |dy/dx1|",
        marks=pd.DataFrame({"w2": [0.0], "T": [1], "label": [""]}),
        rules_x=sorted({-1.0, 1.0, -bound, bound}),
    )
    return charts.frozen(charts.vega_spec(chart), keep=("marks",))


# ----------------------------------------------------------------------------- chart templates
# Charts whose rows change on every rerun: Altair builds each spec once (per title), the page
# swaps in the rows as an Arrow table.
@st.cache_resource(max_entries=64, show_spinner=False)
def lines_spec(title: str, x_title: str, y_title: str, palette: dict, points: bool) -> dict:
    placeholder = pd.DataFrame({"step": [1], "series": [next(iter(palette))], "log10": [0.0]})
    chart = charts.log_magnitude_lines(
        placeholder, title=title, x_title=x_title, y_title=y_title, palette=palette, points=points, dataset="lines"
    )
    return charts.vega_spec(chart)


@st.cache_resource(max_entries=4, show_spinner=False)
def pieces_spec() -> dict:
    placeholder = pd.DataFrame({"step": [1], "log10": [0.0], "direction": ["pushes w2 up"]})
    chart = charts.signed_log_points(
        placeholder,
        title="Per-step pieces of dL/dw2 (BPTT adds them up)",
        x_title="step t",
        y_title="log10 |piece|",
        dataset="pieces",
    )
    return charts.vega_spec(chart)


@st.cache_resource(max_entries=32, show_spinner=False)
def runs_spec(title: str) -> dict:
    placeholder = pd.DataFrame({"step": [1], "loss": [1.0], "run": ["without clipping"]})
    chart = charts.curve(
        placeholder,
        "step",
        "loss",
        title=title,
        x_title="training step",
        y_title="loss (MSE, log scale)",
        log_y=True,
        color="run",
        color_title="",
        palette=RUN_COLOURS,
        x_format="d",
        dataset="runs",
    )
    return charts.vega_spec(chart)


# ----------------------------------------------------------------------------- training runs
@st.cache_data(max_entries=32, show_spinner=False)
def short_runs(w1: float, w2: float, activation: str, length: int) -> dict[str, dict]:
    """Train the lab's network from the current weights on StatLand sequences, with and without clipping."""
    xs, ys = simulate_statland(64, length, seed=0)
    runs = {}
    for label, clip in (("without clipping", "none"), ("with clipping (norm 1)", "norm")):
        model = rc.VanillaRNN(n_hidden=1, activation=activation)
        for name, value in {"w1": w1, "w2": w2, **FIXED}.items():
            model.params[name] = value
        trainer = rc.Trainer(model, xs, ys, optimizer="sgd", lr=LR, clip=clip, clip_threshold=1.0)
        records = list(trainer.run(RUN_STEPS))
        trace = model.forward(xs)
        with np.errstate(over="ignore", invalid="ignore"):
            final = float(np.mean((trace.y - ys) ** 2))  # at the weights the run ended with
        runs[label] = {
            "steps": np.array([r.step for r in records]),
            "loss": np.array([r.loss for r in records]),  # each measured before its step's update
            "divergence": trainer.divergence.message if trainer.divergence else None,
            "final": final if np.isfinite(final) else (records[-1].loss if records else float("nan")),
            "w2": float(model.params["w2"][0, 0]),
            "b2": float(model.params["b2"][0]),
            # A ReLU that is off for every sequence outputs 0 whatever the input: it is dead.
            "dead": activation == "relu" and not np.any(trace.hidden[:, -1]),
        }
    return runs


# ----------------------------------------------------------------------------- the cliff
@st.cache_resource(max_entries=16, show_spinner=False)
def cliff_view(lr: float, threshold: float, start: tuple) -> tuple[dict, dict]:
    """The cliff's surface with both descent paths as a chart spec, and facts for the caption."""
    ws, bs = np.linspace(1.0, 9.0, 81), np.linspace(-5.0, 0.0, 51)
    w_grid, b_grid = np.meshgrid(ws, bs, indexing="ij")
    error = an.cliff_loss_and_grad(w_grid, b_grid)[0]
    with np.errstate(divide="ignore"):
        surface = pd.DataFrame({"w": w_grid.ravel(), "b": b_grid.ravel(), "log10": np.log10(error.ravel())})
    rows = {
        label: an.cliff_descent(start, lr, CLIFF_STEPS, clip_threshold=clip)
        for label, clip in (("plain gradient descent", None), ("clipped by norm", threshold))
    }
    paths = pd.concat(
        [
            pd.DataFrame({"w": r[:, 0], "b": r[:, 1], "error": r[:, 2], "path": label, "order": np.arange(len(r))})
            for label, r in rows.items()
        ],
        ignore_index=True,
    )
    chart = charts.log_heatmap(
        surface,
        "w",
        "b",
        "log10",
        title="log10 error of the single-unit network over (w, b)",
        x_title="w",
        y_title="b",
        value_title="log10 error",
        scheme="viridis",
        mid=None,
        paths=paths,
        path_palette=PATH_COLOURS,
    )
    plain, clipped = rows["plain gradient descent"], rows["clipped by norm"]
    n = min(len(plain), len(clipped))
    equal = np.isclose(plain[:n, :2], clipped[:n, :2]).all(axis=1)
    jumps = np.hypot(*np.diff(plain[:, :2], axis=0).T)
    facts = {
        "shared": n if equal.all() else int(np.argmin(equal)),  # points both paths visit
        "longest_jump": float(jumps.max()) if len(jumps) else 0.0,
        "longest_step": int(np.argmax(jumps)) + 1 if len(jumps) else 0,
        "plain_end": tuple(float(v) for v in plain[-1, :3]),
        "clipped_end": tuple(float(v) for v in clipped[-1, :3]),
    }
    return charts.frozen(charts.vega_spec(chart)), facts


# ----------------------------------------------------------------------------- the RNN's own surface
SURFACE_GRID = np.linspace(-W2_RANGE, W2_RANGE, 61)


@st.cache_resource(max_entries=32, show_spinner=False)
def rnn_surface(pattern: str, length: int, activation: str) -> tuple[dict, dict]:
    """The loss surface over (w2, w1) for this sequence (the page swaps in the marker and paths),
    and the largest log10 loss within |w2| <= 1 and beyond it, for the caption."""
    sequence = an.input_pattern(pattern, length)
    grid = SURFACE_GRID
    surface = an.log10_loss_surface(sequence, grid, grid, target=TARGET, activation=activation, **FIXED)
    w2_grid, w1_grid = np.meshgrid(grid, grid, indexing="ij")
    frame = pd.DataFrame({"w2": w2_grid.ravel(), "w1": w1_grid.ravel(), "log10": surface.ravel()})
    chart = charts.log_heatmap(
        frame,
        "w2",
        "w1",
        "log10",
        title=f"log10 loss (y_T − 1)² over w2 and w1, T = {len(sequence)}, {activation}",
        x_title="w2",
        y_title="w1",
        value_title="log10 loss",
        scheme="viridis",
        mid=None,
        marks=pd.DataFrame({"w2": [0.0], "w1": [0.0], "label": [""]}),
        paths=pd.DataFrame({"w2": [0.0], "w1": [0.0], "path": ["plain gradient descent"], "order": [0]}),
        path_palette=PATH_COLOURS,
    )
    inside = np.abs(w2_grid) <= 1.0
    finite = np.isfinite(surface)
    stats = {"inside": float(surface[inside & finite].max()), "beyond": float(surface[~inside & finite].max())}
    return charts.frozen(charts.vega_spec(chart), keep=("marks", "paths", "exits")), stats


@st.cache_data(max_entries=64, show_spinner=False)
def rnn_descent_paths(pattern: str, length: int, w1: float, w2: float, activation: str) -> tuple[dict, dict]:
    """Gradient descent on the surface above from the current (w2, w1), with and without clipping.

    Returns the chart's "paths" and "exits" datasets (as Arrow bytes) and, per path, its
    visited rows and how it ended. A step too long for a float is drawn towards a far point
    in its direction, so the chart shows it leaving at the edge."""
    sequence = an.input_pattern(pattern, length)
    weights = {"target": TARGET, "activation": activation, **FIXED}
    paths, ends, memo = {}, {}, {}  # the two paths share every point until clipping first acts
    for label, clip in (("plain gradient descent", None), ("clipped by norm", 1.0)):
        path = an.one_unit_descent(sequence, (w2, w1), LR, SURFACE_STEPS, clip_threshold=clip, memo=memo, **weights)
        points, labels = path.rows[:, :2], [None] * len(path.rows)
        if path.throw is not None:
            d_w2, d_w1, log_length = path.throw
            # descent steps against the gradient's direction (d_w2, d_w1)
            points = np.vstack([points, points[-1] - 20.0 * W2_RANGE * np.array([d_w2, d_w1])])
            labels.append(f"thrown off the chart: step {len(path.rows)} is {from_log10(log_length)} long")
        paths[label] = (points, labels)
        ends[label] = {"rows": path.rows, "throw": path.throw}
    domain = (-W2_RANGE, W2_RANGE)
    shown, exits = charts.path_segments(paths, "w2", "w1", domain, domain)
    datasets = {"paths": charts.arrow_table(shown), "exits": charts.arrow_table(exits)}
    return charts.frozen({"datasets": datasets})["datasets"], ends


def path_summary(name: str, rows: np.ndarray, throw) -> str:
    """One sentence on how a descent path on the RNN surface went."""
    start_norm = from_log10(rows[0, 3])
    if rows[0, 3] == -np.inf:
        return f"{name} does not move: the gradient is exactly 0 at the start."
    if throw is not None and len(rows) == 1:
        return (
            f"{name} is thrown off the chart by its first step: the gradient is {start_norm}, "
            f"so the step is {from_log10(throw[2])} long."
        )
    inside = (np.abs(rows[:, :2]) <= W2_RANGE).all(axis=1)
    if throw is not None or not inside.all():
        k = int(np.argmin(inside)) if not inside.all() else len(rows)
        if k < len(rows):
            jump = float(np.hypot(*(rows[k, :2] - rows[k - 1, :2])))
            if jump >= W2_RANGE:
                return (
                    f"{name} starts with a gradient of {start_norm} and is thrown off the chart by step {k}, "
                    f"a step {significant(jump)} long."
                )
        return f"{name} starts with a gradient of {start_norm} and leaves the chart at step {k}."
    return (
        f"{name} starts with a gradient of {start_norm} and ends after {len(rows) - 1} steps at "
        f"w2 = {significant(rows[-1, 0])}, w1 = {significant(rows[-1, 1])}, loss {from_log10(rows[-1, 2])}."
    )


# ----------------------------------------------------------------------------- gated models
def gated_model(kind: str, gate_bias: float):
    """A seeded 4-unit LSTM or GRU whose memory gate is held open by ``gate_bias``.

    LSTM: forget gate bias b and input gate bias -b, so the cell takes in what it forgets and
    stays within +-1 (as a GRU's state does); a cell that only adds grows without bound and
    saturates its tanh, which shuts the gradient off. GRU: update gate bias b.
    """
    model = rc.MODEL_KINDS[kind](n_hidden=GATED_UNITS, seed=0)
    H = GATED_UNITS
    name = "b" if kind == "lstm" else "b_x"
    bias = model.params[name].copy()
    bias[H : 2 * H] = gate_bias  # LSTM blocks i, f, g, o; GRU blocks r, z, n: block 1 is the memory gate
    if kind == "lstm":
        bias[:H] = -gate_bias
    model.params[name] = bias
    return model


@st.cache_data(max_entries=16, show_spinner=False)
def gated_input_gradients(pattern: str, length: int, kind: str, gate_bias: float) -> np.ndarray:
    """log10 |d y_T / d x_t| of the gated model, exact at any size (no underflow to 0)."""
    return an.log10_gated_input_gradients(gated_model(kind, gate_bias), an.input_pattern(pattern, length))


def share_of_last_steps(log10_steps: np.ndarray, fraction: float = 0.1) -> float:
    """How much of the pieces' total magnitude comes from the last ``fraction`` of the steps."""
    finite = np.isfinite(log10_steps)
    if not finite.any():
        return 0.0
    weights = np.zeros_like(log10_steps)
    weights[finite] = 10.0 ** (log10_steps[finite] - log10_steps[finite].max())
    last = max(1, int(round(len(log10_steps) * fraction)))
    return float(weights[-last:].sum() / weights.sum())
