"""Data for the lab's figures that follow the w2 slider while it is dragged, in the browser.

Streamlit sends a slider's value only when it is released, so a figure that is to move with
the hand is drawn from data for every w2 on the slider's grid, sent once: Vega-Lite keeps the
rows of the w2 under the in-chart slider (a point selection bound to a range input) and draws
them. Every number here comes from ``rnn_core`` (one vectorised pass over the grid); the
browser only picks rows and prints the labels made here. No Streamlit in this module.
"""

from __future__ import annotations

import numpy as np

from rnn_core import analysis as an
from ui.kit.format import from_log10

W2_LIMIT = 3.0
W2_STEP = 0.01
# The page slider's values exactly (-3.00, -2.99, ..., 3.00): the nearest float to each decimal,
# as the browser's range input parses "1.37", so a selection tests equal.
W2_GRID = np.round(np.arange(-300, 301) / 100.0, 2)
# The per-input chart's y axis spans the curves of every w2 whose size is within the presets' 0.5 .. 2,
# so dragging to 2 climbs to the top and to 0.5 sinks to the bottom; beyond, a curve leaves the chart
# (its read-out still says where it is). One axis for the whole drag: growth is seen, not rescaled away.
AXIS_BAND = (0.5, 2.0)
MAX_POINTS = 64  # per curve, before the few kept for its shape (see thin_mask)


def w2_code(w2) -> np.ndarray:
    """w2 in hundredths as a small integer: the key that ties a curve's rows to its w2 (2 bytes a row)."""
    return np.round(np.asarray(w2, dtype=float) * 100.0).astype(np.int16)


def on_grid(value: float) -> float | None:
    """``value`` as the slider grid's own float, or None when it is not a finite number within +-3."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    if not np.isfinite(value) or abs(value) > W2_LIMIT + 1e-9:
        return None
    return float(W2_GRID[int(round((value + W2_LIMIT) * 100.0))])


def readout(w2: float, log10_first: float, length: int | None = None) -> str:
    """The line drawn above a drag figure: the w2 under the slider and the first input's gradient,
    as the page's metric writes it (short enough for a phone's chart)."""
    return _readout(w2, from_log10(log10_first), length)


def _readout(w2: float, value: str, length: int | None = None) -> str:
    where = f"w2 = {w2:g}" if length is None else f"w2 = {w2:g}, T = {length}"
    return f"{where}: |∂y_T/∂x₁| = {value}"


def masked_readouts(length: int) -> dict:
    """The read-outs of both drag figures with the gradient drawn as "?", for a lesson question that
    asks for it: {"w2": the per-input chart's (w2c, w2, label), "marks": the heatmap's (w2, T, label)}."""
    return {
        "w2": {"w2c": w2_code(W2_GRID), "w2": W2_GRID, "label": [_readout(w2, "?") for w2 in W2_GRID]},
        "marks": _marks(length, [_readout(w2, "?", length) for w2 in W2_GRID]),
    }


def thin_mask(logs: np.ndarray, max_points: int = MAX_POINTS, tolerance: float = 0.02) -> np.ndarray:
    """Which steps of each curve to send: a (T, n) boolean mask for ``logs`` of shape (T, n).

    Short curves are sent whole. A longer one is simplified (Ramer-Douglas-Peucker on each run of
    finite steps): the drawn segments stay within ``tolerance`` decades of every step, so a straight
    stretch (ReLU or identity, where the unit stays on) is sent as its two ends. A curve that would
    need more points than its envelope (tanh with w2 < 0 zigzags from step to step) is sent as the
    envelope instead: see ``envelope_mask``. Non-finite steps are never sent.
    """
    logs = np.asarray(logs, dtype=float)
    if logs.ndim == 1:
        return thin_mask(logs[:, None], max_points, tolerance)[:, 0]
    T, n = logs.shape
    finite = np.isfinite(logs)
    if T <= max_points:
        return finite
    envelope = envelope_mask(logs, max_points, tolerance)
    budget = envelope.sum(axis=0)
    # A curve that turns more often than its envelope has points is a zigzag: no simpler line follows it.
    with np.errstate(invalid="ignore"):
        rises = np.nan_to_num(np.sign(np.diff(logs, axis=0)), nan=0.0)  # 0 next to a non-finite step
    turns = (rises[1:] * rises[:-1] < 0).sum(axis=0)
    keep = envelope.copy()
    for column in np.flatnonzero(turns < budget):
        simple = simplified(logs[:, column], tolerance, int(budget[column]))
        if simple is not None:
            keep[:, column] = simple
    return keep & finite


def simplified(curve: np.ndarray, tolerance: float, budget: int) -> np.ndarray | None:
    """Ramer-Douglas-Peucker on each run of finite steps of one curve: the steps to keep so that the
    line through them is within ``tolerance`` of every finite step, or None if that takes more than
    ``budget`` steps."""
    finite = np.isfinite(curve)
    keep = np.zeros(curve.size, dtype=bool)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], finite.astype(np.int8), [0]])))
    segments = list(zip(edges[::2], edges[1::2] - 1, strict=True))
    for a, b in segments:
        keep[a] = keep[b] = True
    kept = int(keep.sum())
    while segments:
        a, b = segments.pop()
        if b - a < 2:
            continue
        inside = np.arange(a + 1, b)
        drawn = curve[a] + (inside - a) / (b - a) * (curve[b] - curve[a])
        error = np.abs(curve[a + 1 : b] - drawn)
        worst = int(error.argmax())
        if error[worst] > tolerance:
            middle = a + 1 + worst
            keep[middle] = True
            kept += 1
            if kept > budget:
                return None
            segments += [(a, middle), (middle, b)]
    return keep


def envelope_mask(logs: np.ndarray, max_points: int = MAX_POINTS, tolerance: float = 0.02) -> np.ndarray:
    """Anchor steps log-spaced from both ends (dense near the oldest and the newest input, where the
    slopes change), the first and last finite step of every run (both sides of each turn between
    exactly 0, -inf, and non-zero), and between two anchors the largest and smallest value wherever
    the curve rises above or dips below both anchors by more than ``tolerance`` decades: the
    envelope of a curve that zigzags. A (T, n) mask for ``logs`` of shape (T, n), T > ``max_points``.
    """
    T, n = logs.shape
    finite = np.isfinite(logs)
    offsets = np.unique(np.round(np.geomspace(1, T, max_points // 2)).astype(int) - 1)
    anchors = np.union1d(offsets, T - 1 - offsets)
    keep = np.zeros((T, n), dtype=bool)
    keep[anchors] = True
    turns = finite[1:] != finite[:-1]
    keep[1:] |= turns
    keep[:-1] |= turns
    highs, lows = np.where(finite, logs, -np.inf), np.where(finite, logs, np.inf)
    columns = np.arange(n)
    for a, b in zip(anchors[:-1], anchors[1:], strict=True):
        if b - a < 2:
            continue
        ends_high = np.maximum(highs[a], highs[b])
        ends_low = np.minimum(lows[a], lows[b])
        top, bottom = a + 1 + highs[a + 1 : b].argmax(axis=0), a + 1 + lows[a + 1 : b].argmin(axis=0)
        rise = highs[top, columns] > ends_high + tolerance
        dip = lows[bottom, columns] < ends_low - tolerance
        keep[top[rise], columns[rise]] = True
        keep[bottom[dip], columns[dip]] = True
    return keep & finite


def input_gradient_grid(length: int, activation: str, weights: dict) -> np.ndarray:
    """log10 |d y_T / d x_t| for t = 1 .. T (rows) and every w2 on the grid (columns), from the engine."""
    xs = an.input_pattern("constant", length)
    trace = an.scaled_forward(xs, weights["w1"], W2_GRID, weights["b1"], activation)
    return an.log10_input_gradients(xs, weights["w1"], W2_GRID, weights["b1"], weights["w3"], activation, trace=trace)


def inputs_rows(length: int, activation: str, weights: dict, computed: str, analytic: str) -> dict:
    """The per-input chart for every w2: its curves, thinned, and one read-out per w2.

    Returns {"lines": columns (w2c, step, series as an index into "series", log10), "series": the
    two names, "w2": columns (w2c, w2, label), "range": (lowest, highest) finite log10 over the
    curves of every w2 in ``AXIS_BAND``, "first": log10 of the first input's gradient per w2}.
    The analytic line |w1 w3| |w2|^(T - t) is straight in log10, so it is sent as its two ends.
    """
    logs = input_gradient_grid(length, activation, weights)
    mask = thin_mask(logs)
    steps, cols = np.nonzero(mask)
    log_w1w3 = float(np.log10(abs(weights["w1"] * weights["w3"])))
    ends = np.array([1, length]) if length > 1 else np.array([1])
    with np.errstate(divide="ignore", invalid="ignore"):
        log_w2 = np.log10(np.abs(W2_GRID))
        closed = log_w1w3 + np.where((length - ends)[:, None] == 0, 0.0, (length - ends)[:, None] * log_w2[None, :])
    a_steps, a_cols = np.nonzero(np.isfinite(closed))
    codes = w2_code(W2_GRID)
    lines = {
        "w2c": np.concatenate([codes[cols], codes[a_cols]]),
        "step": np.concatenate([steps + 1, ends[a_steps]]).astype(np.int16),
        "series": np.repeat(np.array([0, 1], dtype=np.int8), [len(steps), len(a_steps)]),  # index in "series"
        "log10": np.concatenate([logs[steps, cols], closed[a_steps, a_cols]]).astype(np.float32),
    }
    first = logs[0]
    labels = [readout(w2, f) for w2, f in zip(W2_GRID, first, strict=True)]
    band = (np.abs(W2_GRID) >= AXIS_BAND[0]) & (np.abs(W2_GRID) <= AXIS_BAND[1])
    shown = np.concatenate([logs[:, band][np.isfinite(logs[:, band])], closed[:, band][np.isfinite(closed[:, band])]])
    return {
        "lines": lines,
        "series": (computed, analytic),
        "w2": {"w2c": codes, "w2": W2_GRID, "label": labels},
        "range": (float(shown.min()), float(shown.max())),
        "first": first,
    }


def heatmap_marks(length: int, first: np.ndarray) -> dict:
    """The heatmap's marker at every w2 for this T, with its read-out: columns (w2, T, label).

    ``first``: log10 |d y_T / d x_1| per w2 on the grid (the first row of ``input_gradient_grid``),
    so the read-out is the number the page's metric shows for the same w2."""
    return _marks(length, [readout(w2, f, length) for w2, f in zip(W2_GRID, first, strict=True)])


def _marks(length: int, labels: list[str]) -> dict:
    return {"w2": W2_GRID, "T": np.full(W2_GRID.size, length, dtype=np.int16), "label": labels}


def selected_w2(selection) -> float | None:
    """The w2 of the in-chart slider's selection as Streamlit returns it, on the grid; None if none.

    Streamlit hands a point selection back as a list of picked rows ([{"w2": 1.3}]); a dict
    of fields ({"w2": [1.3]}) is read too."""
    if isinstance(selection, dict):
        values = selection.get("w2")
        value = values[0] if isinstance(values, list | tuple) and values else values
    elif isinstance(selection, list | tuple) and selection and isinstance(selection[0], dict):
        value = selection[0].get("w2")
    else:
        return None
    return on_grid(value) if value is not None else None
