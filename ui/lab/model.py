"""The Gradient lab's numbers: its settings, its one network and sequence, and what each view
computes from them (cached with ``st.cache_data``; specs are in ``ui.lab.specs``).

Every view uses the lesson's one-unit ReLU RNN (w1 = 1.8, b1 = 0, w3 = 1.1, b2 = 0; w2 is the
knob) on one sequence, T days of high prices (x_t = 1) with the target high (1), so one setting
gives one loss everywhere; the cliff keeps its own classic unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

import rnn_core as rc
from rnn_core import analysis as an
from ui.claims import lab as claims_lab
from ui.kit.format import from_log10

W2_RANGE = 3.0

MAX_LENGTH = 1000

FIXED = {name: value for name, value in rc.STATQUEST_WEIGHTS.items() if name != "w2"}  # w1 1.8, b1 0, w3 1.1, b2 0

LESSON_W2 = rc.STATQUEST_WEIGHTS["w2"]

TARGET = 1.0  # the loss is (y_T - 1)^2: after T high days, tomorrow should be high too

PRESETS = {"2": 2.0, "1": 1.0, "0.5": 0.5, "−0.5 (lesson)": LESSON_W2}

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


@dataclass(frozen=True)
class LabSettings:
    """The controls every view shares: the recurrent weight, the sequence length, the activation."""

    w2: float = LESSON_W2
    length: int = 10
    activation: str = "relu"


def sequence(length: int) -> np.ndarray:
    """The lab's one input: ``length`` days of high prices (x_t = 1)."""
    return an.input_pattern("constant", length)


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


def heatmap_rows(length: int) -> int:
    """The heatmap's tallest length for a setting of T: the smallest bin that holds it."""
    return next(b for b in LENGTH_BINS if b >= length)


def heatmap_reach(activation: str) -> float:
    """How far the heatmap's w2 axis reaches: past the activation's own bound (1 / max slope: 4 for
    sigmoid), so that boundary is on the chart too."""
    return max(W2_RANGE, 1.0 / rc.MAX_SLOPE[activation] + 1.0)


def heatmap_w2s(activation: str) -> np.ndarray:
    """The heatmap's columns: w2 every 0.1 (every 1/6 for sigmoid's wider reach), 0 among them."""
    reach = heatmap_reach(activation)
    return np.round(np.linspace(-reach, reach, HEATMAP_COLUMNS), 6)


def heatmap_grid(activation: str, longest: int) -> pd.DataFrame:
    """log10 |d y_T / d x_1| over w2 x length (columns w2, T, log10), lengths 1 .. ``longest``."""
    w2s = heatmap_w2s(activation)
    lengths = np.unique(np.linspace(1, longest, min(longest, HEATMAP_ROWS)).round().astype(int))
    grid = an.log10_first_input_gradient_grid(
        w2s, lengths, xs=sequence(longest), w1=FIXED["w1"], b1=FIXED["b1"], w3=FIXED["w3"], activation=activation
    )
    w2_column, length_column = np.meshgrid(w2s, lengths, indexing="ij")
    return pd.DataFrame({"w2": w2_column.ravel(), "T": length_column.ravel(), "log10": grid.ravel()})


@st.cache_data(max_entries=24, show_spinner=False)
def heatmap_shares(activation: str, longest: int) -> np.ndarray:
    """For each heatmap column at length ``longest``: log10 of how much the oldest input counts as a
    share of the newest (-inf where it counts exactly 0), what the heatmap's notice is built from."""
    w2s = heatmap_w2s(activation)
    logs = an.log10_input_gradients(sequence(longest), FIXED["w1"], w2s, FIXED["b1"], FIXED["w3"], activation)
    with np.errstate(invalid="ignore"):
        return np.where(np.isneginf(logs[0]), -np.inf, logs[0] - logs[-1])


@st.cache_resource(max_entries=16, show_spinner=False)
def cliff_runs(lr: float, threshold: float, start: tuple) -> dict[str, an.DescentPath]:
    """Both descent paths on the cliff from ``start`` (w, b), plain and clipped by norm."""
    return {
        label: an.cliff_descent(start, lr, CLIFF_STEPS, clip_threshold=clip)
        for label, clip in (("plain gradient descent", None), ("clipped by norm", threshold))
    }


def cliff_facts(paths: dict[str, an.DescentPath]) -> dict:
    """What the cliff's text says of its paths: where they part, the plain path's longest step and
    whether it leaves the chart, and where each ends as (w, b, error)."""
    plain, clipped = paths["plain gradient descent"], paths["clipped by norm"]
    n = min(len(plain), len(clipped))
    equal = np.isclose(plain.points[:n], clipped.points[:n]).all(axis=1)
    jumps = plain.step_lengths()
    return {
        "shared": n if equal.all() else int(np.argmin(equal)),  # points both paths visit
        "longest_jump": float(jumps.max()) if len(jumps) else 0.0,
        "longest_step": int(np.argmax(jumps)) + 1 if len(jumps) else 0,
        "leaves": not bool(claims_lab.on_cliff_chart(plain).all()),
        "plain_end": (*(float(v) for v in plain.points[-1]), float(plain.loss[-1])),
        "clipped_end": (*(float(v) for v in clipped.points[-1]), float(clipped.loss[-1])),
    }


SURFACE_GRID = np.linspace(-W2_RANGE, W2_RANGE, 41)


def surface_grid(length: int, activation: str) -> pd.DataFrame:
    """log10 of the loss over (w1, w2) for the lab's sequence (columns w2, w1, log10)."""
    grid = SURFACE_GRID
    weights = {k: FIXED[k] for k in ("b1", "w3", "b2")}
    surface = an.log10_loss_surface(sequence(length), grid, grid, target=TARGET, activation=activation, **weights)
    w1_grid, w2_grid = np.meshgrid(grid, grid, indexing="ij")
    return pd.DataFrame({"w2": w2_grid.ravel(), "w1": w1_grid.ravel(), "log10": surface.ravel()})


def first_step_leaves(path: an.DescentPath) -> bool:
    """Whether a descent path's first step lands off the training step's chart (|w2|, |w1| <= 3)."""
    if len(path) < 2:
        return path.throw is not None
    return bool(np.abs(path.points[1]).max() > W2_RANGE)


def first_step(path: an.DescentPath, lr: float, threshold: float | None) -> tuple[float, float]:
    """log10 |gradient| at the start and log10 of the first step's length (clipped if ``threshold``)."""
    log_norm = float(path.log10_gradient_norm[0])
    if threshold is not None and log_norm > math.log10(threshold):
        return log_norm, math.log10(lr * threshold)
    return log_norm, math.log10(lr) + log_norm


def gated_model(kind: str, gate_bias: float):
    """The lab's seeded 4-unit LSTM or GRU with its memory gate held open by ``gate_bias``."""
    return an.memory_gate_model(kind, GATED_UNITS, gate_bias)


@st.cache_data(max_entries=16, show_spinner=False)
def gated_input_gradients(length: int, kind: str, gate_bias: float) -> np.ndarray:
    """log10 |d y_T / d x_t| of the gated model on the lab's sequence, exact at any size."""
    return an.log10_gated_input_gradients(gated_model(kind, gate_bias), sequence(length))


def relative_to_newest(logs: np.ndarray) -> np.ndarray:
    """log10 of each input's gradient as a share of the newest input's (all -inf if the newest counts 0)."""
    logs = np.asarray(logs, dtype=float)
    if not np.isfinite(logs[-1]):
        return np.full_like(logs, -np.inf)
    return logs - logs[-1]
