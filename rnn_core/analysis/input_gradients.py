"""How much each input still counts at the end: |d y_T / d x_t| in log10 form.

d y_T / d x_t = w3 w1 s_t prod_(k = t+1 .. T) (w2 s_k): the input n = T - t steps before
the last is scaled by w2^n, by the slopes on the way, and by w1 (into the unit) and w3
(out of it).
"""

from __future__ import annotations

import numpy as np

from ..activations import activation_named
from .scaled import log10_abs, scaled_blocks, scaled_forward, times


def log10_input_gradients(xs, w1, w2, b1=0.0, w3=1.0, activation: str = "relu", trace=None) -> np.ndarray:
    """log10 |d y_T / d x_t| for t = 1 .. T: shape (T, *broadcast shape of the weights).

    ``-inf`` marks an exactly zero gradient (a ReLU that was off on the way). ``trace``: the
    ``scaled_forward`` of the same sequence and weights, if it is at hand already.
    """
    trace = scaled_forward(xs, w1, w2, b1, activation) if trace is None else trace
    T = trace.z.shape[0]
    sums, zeros = trace.slope_sums()
    t = np.arange(1, T + 1).reshape((T,) + (1,) * (sums.ndim - 1))
    # slopes s_t .. s_T: the sum from index t-1 (exclusive prefix) to T.
    slope_part = sums[T] - sums[:T]
    any_zero = (zeros[T] - zeros[:T]) > 0
    value = slope_part + times(T - t, log10_abs(w2)) + log10_abs(np.asarray(w1) * np.asarray(w3))
    return np.where(any_zero, -np.inf, value)


def log10_first_input_gradient_grid(w2s, lengths, xs=None, w1=1.0, b1=0.0, w3=1.0, activation="relu"):
    """log10 |d y_T / d x_1| over a grid: rows are ``w2s``, columns are ``lengths``.

    The network is causal, so a sequence of length T is the first T inputs of the
    longest one: one forward pass over max(lengths) steps answers every length.
    ``xs`` defaults to a constant input of 1 (every day high).
    """
    act = activation_named(activation)
    w2s = np.asarray(w2s, dtype=float).ravel()
    lengths = np.asarray(lengths, dtype=int).ravel()
    if lengths.size == 0 or lengths.min() < 1:
        raise ValueError("lengths must be at least 1")
    longest = int(lengths.max())
    xs = np.ones(longest) if xs is None else np.asarray(xs, dtype=float).ravel()[:longest]
    if xs.size < longest:
        raise ValueError(f"xs has {xs.size} steps; the longest length needs {longest}")
    log_w1w3 = float(log10_abs(float(w1) * float(w3)))
    steps = (lengths - 1).astype(float)
    with np.errstate(invalid="ignore"):
        power = np.multiply.outer(log10_abs(w2s), steps)  # (T - 1) log10 |w2|
    power[:, steps == 0] = 0.0  # w2^0 = 1, also for w2 = 0
    if act.name == "identity":  # every slope is 1: the pure w2^n case, no pass over time needed
        return power + log_w1w3
    slope_part, off = _slope_sums_by_length(xs, float(w1), w2s, float(b1), act, lengths)
    slope_part += power.T
    slope_part += log_w1w3
    if off is not None:
        slope_part[off] = -np.inf
    return slope_part.T


def _slope_sums_by_length(xs, w1: float, w2s: np.ndarray, b1: float, act, lengths: np.ndarray):
    """For each length T and w2: the sum of log10 slopes s_1 .. s_T, and whether one was 0.

    The lab's hot loop: each block of the forward loop's steps is turned into log-slopes in
    one vectorised pass and added to a running sum, and the rows for the requested lengths
    are copied out. Slopes come from the outputs (1 - h^2, h (1 - h)); where they are tiny
    (saturated units) from z, which stays accurate in log form. A unit whose slopes are 0 or
    1 only needs the first 0. Returns (n_lengths, n_w2) arrays; the zero mask is None when
    no slope can be exactly 0.
    """
    T, G = int(lengths.max()), w2s.size
    order = np.argsort(lengths, kind="stable")
    sorted_lengths = lengths[order]
    sums = np.zeros((lengths.size, G))
    running = np.zeros(G)
    first_off = np.full(G, T)  # index of each column's first step with a slope of 0
    buffer = None
    for start, z, h, _ in scaled_blocks(xs[:T], w1, w2s, b1, act):
        n = len(z)
        if buffer is None:
            buffer = np.empty_like(z)
        block = act.slope(z, h, buffer[:n])
        if act.slope_is_0_or_1:
            off_step = block == 0.0
            newly = off_step.any(axis=0) & (first_off == T)
            first_off[newly] = start + np.argmax(off_step[:, newly], axis=0)
            continue
        saturated = block < 1e-6
        np.log10(block, out=block, where=~saturated)
        if saturated.any():
            block[saturated] = act.log10_slope(z[saturated])
        np.cumsum(block, axis=0, out=block)
        block += running
        running = block[n - 1].copy()
        lo, hi = np.searchsorted(sorted_lengths, [start + 1, start + n + 1])
        if hi > lo:
            sums[order[lo:hi]] = block[sorted_lengths[lo:hi] - 1 - start]
    if act.slope_is_0_or_1:
        return sums, lengths[:, None] > first_off[None, :]
    return sums, None
