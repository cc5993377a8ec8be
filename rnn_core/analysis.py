"""Gradient analysis for the lab: how w2 and the sequence length make gradients explode or vanish.

Everything here works on the one-unit vanilla RNN of the lesson,

    h_t = act(w1 x_t + w2 h_(t-1) + b1),   h_0 = 0,   y_T = w3 h_T + b2,

and answers in **log10 form**, because the interesting magnitudes do not fit in a
float: with w2 = 3 the first of 1000 inputs is scaled by about 3^999 = 10^476.6.

The chain rule gives, for the input t steps in (1 <= t <= T),

    d y_T / d x_t = w3 * w1 * s_t * prod_(k = t+1 .. T) (w2 * s_k)

where s_k = act'(z_k) is the activation's slope at step k. So an input n steps
before the last (n = T - t) is scaled by w2^n times a product of slopes: the first
of T inputs by w2^(T - 1). For the identity activation every slope is 1 and the
magnitude is exactly |w1 w3| |w2|^(T - t).

How the numbers stay finite: the forward pass keeps each hidden value as a
mantissa and a power of ten (h = m 10^e) whenever it grows large. ReLU and the
identity are positively homogeneous, so the sign of every pre-activation, and so
every slope, is exact in that scaled form; tanh and sigmoid outputs never exceed
1, so they never need scaling. Log-slopes come from ``log10_slope``, which stays
finite where the slope itself underflows to 0. An exact zero (a ReLU that is off,
or w2 = 0) is ``-inf`` in log10 form: "exactly 0", never a rounding accident.

All functions broadcast over arrays of weights, so a whole (w2, length) grid is
one pass over time.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from .activations import activation_named, sigmoid
from .optim import clip_gradient, global_norm
from .vanilla import VanillaRNN

PATTERNS = ("constant", "alternating", "first only", "random")
# Above this magnitude a hidden value is rescaled (checked every few steps).
_RESCALE_ABOVE = 1e100


def input_pattern(pattern: str, length: int, seed: int = 0) -> np.ndarray:
    """A sequence of ``length`` StatLand-style prices in [0, 1] (the lab's input).

    'constant': every day high (1); 'alternating': high, low, high, ...;
    'first only': high on the first day, low after; 'random': seeded uniform in [0, 1].
    """
    length = int(length)
    if length < 1:
        raise ValueError("a sequence needs at least one step")
    if pattern == "constant":
        return np.ones(length)
    if pattern == "alternating":
        return (np.arange(length) % 2 == 0).astype(float)
    if pattern == "first only":
        xs = np.zeros(length)
        xs[0] = 1.0
        return xs
    if pattern == "random":
        return np.random.default_rng(seed).uniform(0.0, 1.0, length)
    raise ValueError(f"unknown input pattern {pattern!r}; choose one of {', '.join(PATTERNS)}")


def _log10_abs(values) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log10(np.abs(np.asarray(values, dtype=float)))


def _times(count, log_value):
    """count * log_value with 0 * (-inf) taken as 0 (w2^0 = 1 even when w2 = 0)."""
    count = np.asarray(count, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(count == 0, 0.0, count * log_value)


def _rescale_exponents(m: np.ndarray) -> np.ndarray:
    """For each hidden value above ``_RESCALE_ABOVE`` in size, the power of ten to divide it by; else 0."""
    big = np.abs(m) > _RESCALE_ABOVE
    return np.where(big, np.floor(_log10_abs(np.where(big, m, 1.0))), 0.0)


def _steps_between_rescales(xs, w1, w2, b1) -> int:
    """How many steps a hidden value may grow unchecked before it could overflow.

    Per step |h| grows by at most a factor |w2| + |w1 x + b1| + 1 (in the scaled
    units, which are never smaller than the true ones); from below 10^100 it must
    stay below 10^250.
    """
    growth = (
        float(np.max(np.abs(w2), initial=0.0))
        + float(np.max(np.abs(w1), initial=0.0)) * float(np.max(np.abs(xs), initial=0.0))
        + float(np.max(np.abs(b1), initial=0.0))
        + 1.0
    )
    return max(1, int(150 / np.log10(growth + 1.0)))


@dataclass
class ScaledTrace:
    """A forward pass kept in scaled form: h_t = mantissa_t * 10^exponent_t.

    Arrays have time on axis 0 and the weights' broadcast shape after it:
    ``z`` the pre-activation in the same scale as the step's input to it (its sign
    is exact), ``mantissa``/``exponent`` each step's hidden value, ``log10_slope``
    log10 of each step's slope (-inf where a ReLU is off).
    """

    activation: str
    z: np.ndarray
    mantissa: np.ndarray
    exponent: np.ndarray
    log10_slope: np.ndarray

    @property
    def log10_abs_hidden(self) -> np.ndarray:
        """log10 |h_t| for t = 1 .. T (-inf where h_t is exactly 0)."""
        return _log10_abs(self.mantissa) + self.exponent

    @property
    def slope_is_zero(self) -> np.ndarray:
        return np.isneginf(self.log10_slope)


def scaled_forward(xs, w1, w2, b1=0.0, activation: str = "relu") -> ScaledTrace:
    """Run the one-unit RNN over the sequence ``xs`` (T,) for every weight setting at once.

    ``w1``, ``w2`` and ``b1`` broadcast together (scalars or grids). No overflow, no
    warnings: hidden values that grow large are rescaled by powers of ten.
    """
    act = activation_named(activation)
    xs = np.asarray(xs, dtype=float).ravel()
    w1, w2, b1 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (w1, w2, b1)))
    T = xs.size
    z = np.empty((T, *w2.shape))
    mantissa = np.empty((T, *w2.shape))
    exponent = np.empty((T, *w2.shape))
    for t, (z_t, m_t, e_t) in enumerate(_scaled_steps(xs, w1, w2, b1, act.name)):
        z[t], mantissa[t], exponent[t] = z_t, m_t, e_t
    return ScaledTrace(act.name, z, mantissa, exponent, act.log10_slope(z))


def _slope_sums(trace: ScaledTrace) -> tuple[np.ndarray, np.ndarray]:
    """Prefix sums of the finite log-slopes and of the zero-slope count, with a leading 0."""
    finite = np.where(trace.slope_is_zero, 0.0, trace.log10_slope)
    zeros = trace.slope_is_zero.astype(np.int64)
    lead = np.zeros((1, *finite.shape[1:]))
    return (
        np.concatenate([lead, np.cumsum(finite, axis=0)]),
        np.concatenate([lead.astype(np.int64), np.cumsum(zeros, axis=0)]),
    )


def log10_input_gradients(xs, w1, w2, b1=0.0, w3=1.0, activation: str = "relu", trace=None) -> np.ndarray:
    """log10 |d y_T / d x_t| for t = 1 .. T: shape (T, *broadcast shape of the weights).

    ``-inf`` marks an exactly zero gradient (a ReLU that was off on the way). ``trace``: the
    ``scaled_forward`` of the same sequence and weights, if it is at hand already.
    """
    trace = scaled_forward(xs, w1, w2, b1, activation) if trace is None else trace
    T = trace.z.shape[0]
    sums, zeros = _slope_sums(trace)
    t = np.arange(1, T + 1).reshape((T,) + (1,) * (sums.ndim - 1))
    # slopes s_t .. s_T: the sum from index t-1 (exclusive prefix) to T.
    slope_part = sums[T] - sums[:T]
    any_zero = (zeros[T] - zeros[:T]) > 0
    value = slope_part + _times(T - t, _log10_abs(w2)) + _log10_abs(np.asarray(w1) * np.asarray(w3))
    return np.where(any_zero, -np.inf, value)


def log10_first_input_gradient_grid(w2s, lengths, xs=None, w1=1.0, b1=0.0, w3=1.0, activation="relu"):
    """log10 |d y_T / d x_1| over a grid: rows are ``w2s``, columns are ``lengths``.

    The network is causal, so a sequence of length T is the first T inputs of the
    longest one: one forward pass over max(lengths) steps answers every length.
    ``xs`` defaults to a constant input of 1 (every day high).
    """
    w2s = np.asarray(w2s, dtype=float).ravel()
    lengths = np.asarray(lengths, dtype=int).ravel()
    if lengths.size == 0 or lengths.min() < 1:
        raise ValueError("lengths must be at least 1")
    longest = int(lengths.max())
    xs = np.ones(longest) if xs is None else np.asarray(xs, dtype=float).ravel()[:longest]
    if xs.size < longest:
        raise ValueError(f"xs has {xs.size} steps; the longest length needs {longest}")
    log_w1w3 = float(_log10_abs(float(w1) * float(w3)))
    steps = (lengths - 1).astype(float)
    with np.errstate(invalid="ignore"):
        power = np.multiply.outer(_log10_abs(w2s), steps)  # (T - 1) log10 |w2|
    power[:, steps == 0] = 0.0  # w2^0 = 1, also for w2 = 0
    if activation == "identity":  # every slope is 1: the pure w2^n case, no pass over time needed
        return power + log_w1w3
    slope_part, off = _grid_slopes(xs, float(w1), w2s, float(b1), activation_named(activation).name, lengths)
    slope_part += power.T
    slope_part += log_w1w3
    if off is not None:
        slope_part[off] = -np.inf
    return slope_part.T


_CHUNK = 32  # time steps per block in the grid sweep: small enough to stay in the CPU cache


def _relu_block(z, h, m, w2s, drive, drive_scale):
    """Run ReLU steps for one block into the buffers z and h; return the last hidden row."""
    multiply, maximum = np.multiply, np.maximum
    if drive_scale is None:
        for i, d in enumerate(drive):
            zt = z[i]
            multiply(w2s, m, out=zt)
            zt += d
            m = maximum(zt, 0.0, out=h[i])
    else:
        for i, d in enumerate(drive):
            zt = z[i]
            multiply(w2s, m, out=zt)
            zt += d * drive_scale
            m = maximum(zt, 0.0, out=h[i])
    return m


def _squashing_block(z, h, m, w2s, drive, activation):
    """Run tanh or sigmoid steps for one block (sigmoid(z) = (1 + tanh(z / 2)) / 2, in place)."""
    multiply, tanh = np.multiply, np.tanh
    sigmoid_unit = activation == "sigmoid"
    for i, d in enumerate(drive):
        zt = z[i]
        multiply(w2s, m, out=zt)
        zt += d
        m = h[i]
        if sigmoid_unit:
            multiply(zt, 0.5, out=m)
            tanh(m, out=m)
            m *= 0.5
            m += 0.5
        else:
            tanh(zt, out=m)
    return m


def _grid_slopes(xs, w1: float, w2s: np.ndarray, b1: float, activation: str, lengths: np.ndarray):
    """For each length T and w2: the sum of log10 slopes s_1 .. s_T, and whether one was 0.

    The lab's hot loop. Time runs in blocks of ``_CHUNK`` steps through two small
    reused buffers: per step only a multiply, an add and the activation; each block's
    slopes are then taken in one vectorised pass and added to a running sum, and the
    rows for the requested lengths are copied out. Returns (n_lengths, n_w2) arrays;
    the zero mask is None for tanh and sigmoid, whose slopes are never exactly 0.
    """
    T, G = int(lengths.max()), w2s.size
    drive = xs[:T] * w1 + b1
    order = np.argsort(lengths, kind="stable")
    sorted_lengths = lengths[order]
    sums = np.zeros((lengths.size, G))
    z = np.empty((_CHUNK, G))
    h = np.empty((_CHUNK, G))
    slopes = np.empty((_CHUNK, G))
    m = np.zeros(G)
    running = np.zeros(G)
    relu = activation == "relu"
    first_off = np.full(G, T)  # index of each column's first step with a ReLU off
    drive_scale = None
    # ReLU: only the signs of z matter, and ReLU is positively homogeneous, so when the
    # hidden values grow large they are divided by a power of ten, the input term with
    # them. Blocks are short enough that nothing overflows in between.
    block_steps = min(_CHUNK, _steps_between_rescales(xs[:T], w1, w2s, b1)) if relu else _CHUNK
    for start in range(0, T, block_steps):
        stop = min(T, start + block_steps)
        n = stop - start
        if relu:
            m = _relu_block(z, h, m, w2s, drive[start:stop], drive_scale)
            if m.max() > _RESCALE_ABOVE:
                with np.errstate(under="ignore"):
                    shift = 10.0 ** -_rescale_exponents(m)
                m = m * shift
                drive_scale = shift if drive_scale is None else drive_scale * shift
        else:
            m = _squashing_block(z, h, m, w2s, drive[start:stop], activation)
        m = m.copy()  # the next block overwrites the buffers
        rows = slice(None, n)
        if relu:
            off_step = z[rows] <= 0.0
            newly = off_step.any(axis=0) & (first_off == T)
            first_off[newly] = start + np.argmax(off_step[:, newly], axis=0)
            continue
        # Slopes from the outputs, 1 - h^2 or h (1 - h); where they are tiny (saturated
        # units) the same slopes from z, which stay accurate in log form.
        block = slopes[rows]
        np.multiply(h[rows], h[rows], out=block)
        if activation == "tanh":
            np.subtract(1.0, block, out=block)
        else:
            np.subtract(h[rows], block, out=block)
        saturated = block < 1e-6
        np.log10(block, out=block, where=~saturated)
        if saturated.any():
            block[saturated] = activation_named(activation).log10_slope(z[rows][saturated])
        np.cumsum(block, axis=0, out=block)
        block += running
        running = block[n - 1].copy()
        lo, hi = np.searchsorted(sorted_lengths, [start + 1, stop + 1])
        if hi > lo:
            sums[order[lo:hi]] = block[sorted_lengths[lo:hi] - 1 - start]
    if relu:
        return sums, lengths[:, None] > first_off[None, :]
    return sums, None


@dataclass
class LogW2Gradient:
    """d L / d w2 for one sequence, L = (y_T - target)^2, split by time step.

    BPTT's w2 gradient is a sum over steps: the piece from step t is
    dL/dz_t * h_(t-1). ``log10_steps`` are the pieces' log10 magnitudes and
    ``signs`` their signs (0 for an exact zero); ``log10_total``/``total_sign`` the sum.
    """

    log10_steps: np.ndarray
    signs: np.ndarray
    log10_total: float
    total_sign: float
    log10_abs_error: float  # log10 |y_T - target|
    log10_loss: float


def signed_log_sum(log_magnitudes: np.ndarray, signs: np.ndarray) -> tuple[float, float]:
    """log10 |sum_i sign_i 10^(L_i)| and its sign, without leaving log space."""
    mask = (signs != 0) & np.isfinite(log_magnitudes)
    if not mask.any():
        return -np.inf, 0.0
    top = float(np.max(log_magnitudes[mask]))
    total = float(np.sum(signs[mask] * 10.0 ** (log_magnitudes[mask] - top)))
    if total == 0.0:
        return -np.inf, 0.0
    return top + float(np.log10(abs(total))), float(np.sign(total))


def log10_w2_gradient(xs, w1, w2, b1=0.0, w3=1.0, b2=0.0, target=1.0, activation="relu", trace=None) -> LogW2Gradient:
    """The per-step pieces of d L / d w2 for one sequence, in log10 form (scalar weights).

    ``trace``: the ``scaled_forward`` of the same sequence and weights, if it is at hand.
    """
    w1, w2, b1, w3, b2, target = (float(v) for v in (w1, w2, b1, w3, b2, target))
    trace = scaled_forward(xs, w1, w2, b1, activation) if trace is None else trace
    T = trace.z.shape[0]
    sums, zeros = _slope_sums(trace)
    m_last, e_last = float(trace.mantissa[-1]), float(trace.exponent[-1])
    with np.errstate(under="ignore"):
        error_scaled = w3 * m_last + (b2 - target) * 10.0 ** (-e_last)
    log_error = float(_log10_abs(error_scaled)) + e_last
    error_sign = float(np.sign(error_scaled))
    t = np.arange(1, T + 1)
    # dL/dz_t = 2 (y_T - target) w3 * s_t * prod_(k>t) (w2 s_k)
    log_dz = np.log10(2.0) + log_error + float(_log10_abs(w3)) + (sums[T] - sums[:T]) + _times(T - t, _log10_abs(w2))
    off = (zeros[T] - zeros[:T]) > 0
    log_h_prev = np.concatenate([[-np.inf], trace.log10_abs_hidden[:-1]])
    h_prev_sign = np.concatenate([[0.0], np.sign(trace.mantissa[:-1])])
    log_steps = np.where(off, -np.inf, log_dz + log_h_prev)
    w2_sign = np.sign(w2) ** (T - t) if w2 != 0 else (T - t == 0).astype(float)
    signs = error_sign * np.sign(w3) * w2_sign * h_prev_sign
    signs = np.where(np.isneginf(log_steps), 0.0, signs)
    total, total_sign = signed_log_sum(log_steps, signs)
    return LogW2Gradient(log_steps, signs, total, total_sign, log_error, 2.0 * log_error)


PARAM_NAMES = ("w1", "w2", "b1", "w3", "b2")


def log10_loss_surface_over(
    xs, row_name: str, row_values, column_name: str, column_values, weights=None, target=1.0, activation="relu"
) -> np.ndarray:
    """log10 of L = (y_T - target)^2 over a grid of any two of w1, w2, b1, w3, b2.

    Rows follow ``row_values`` of ``row_name``, columns ``column_values`` of
    ``column_name``; the other parameters come from ``weights`` (default: the lab's
    w1 = 1, w2 = 0.5, b1 = 0, w3 = 1, b2 = 0). One pass over time for the whole grid.
    -inf where the loss is exactly 0.
    """
    if row_name == column_name or not {row_name, column_name} <= set(PARAM_NAMES):
        raise ValueError(f"choose two different parameters among {', '.join(PARAM_NAMES)}")
    values = {"w1": 1.0, "w2": 0.5, "b1": 0.0, "w3": 1.0, "b2": 0.0, **(weights or {})}
    rows, columns = np.meshgrid(np.asarray(row_values, float), np.asarray(column_values, float), indexing="ij")
    values[row_name], values[column_name] = rows, columns
    w1, w2, b1, w3, b2 = np.broadcast_arrays(*(np.asarray(values[name], float) for name in PARAM_NAMES))
    m, e = _final_scaled_state(xs, w1, w2, b1, activation_named(activation).name)
    with np.errstate(under="ignore", over="ignore", invalid="ignore"):
        error_scaled = w3 * m + (b2 - target) * 10.0 ** (-e)
    return 2.0 * (_log10_abs(error_scaled) + e)


def log10_loss_surface(xs, w1s, w2s, b1=0.0, w3=1.0, b2=0.0, target=1.0, activation="relu") -> np.ndarray:
    """log10 of L = (y_T - target)^2 over a grid: rows are ``w2s``, columns ``w1s`` (the lab's view)."""
    weights = {"b1": b1, "w3": w3, "b2": b2}
    return log10_loss_surface_over(xs, "w2", w2s, "w1", w1s, weights, target, activation)


def _final_scaled_state(xs, w1: np.ndarray, w2: np.ndarray, b1, activation: str):
    """The last hidden value as (mantissa, exponent) for a grid of weights, keeping no history."""
    last = deque(_scaled_steps(np.asarray(xs, dtype=float).ravel(), w1, w2, b1, activation), maxlen=1)
    if not last:
        raise ValueError("a sequence needs at least one step")
    _, m, e = last[0]
    return m, e


def _scaled_steps(xs: np.ndarray, w1, w2: np.ndarray, b1, activation: str):
    """Yield (z_t, m_t, e_t) for t = 1 .. T, with h_t = m_t 10^e_t; the weights broadcast together.

    z_t is the pre-activation in the scale of its step (its sign is exact). ReLU and the
    identity are positively homogeneous, so a hidden value that grows large is divided by
    a power of ten (and the input term with it); tanh and sigmoid never exceed 1. The
    yielded arrays are reused from step to step: copy what you keep.
    """
    m = np.zeros(w2.shape)
    e = np.zeros(w2.shape)
    z = np.empty(w2.shape)
    scale = None  # 10^-e once anything has been rescaled
    homogeneous = activation in ("relu", "identity")
    check_every = _steps_between_rescales(xs, w1, w2, b1) if homogeneous else len(xs) + 1
    for t, x in enumerate(xs):
        with np.errstate(over="ignore", under="ignore"):
            np.multiply(w2, m, out=z)
            z += (w1 * x + b1) if scale is None else (w1 * x + b1) * scale
            if activation == "relu":
                np.maximum(z, 0.0, out=m)
            elif activation == "identity":
                m[...] = z
            elif activation == "tanh":
                np.tanh(z, out=m)
            else:
                m[...] = sigmoid(z)
            if homogeneous and t % check_every == check_every - 1:
                if (np.abs(m) > _RESCALE_ABOVE).any():
                    shift = _rescale_exponents(m)
                    m /= 10.0**shift
                    e += shift
                    scale = 10.0 ** (-e)
        yield z, m, e


def one_unit_loss_and_grad(xs, w1, w2, b1=0.0, w3=1.0, b2=0.0, target=1.0, activation="relu"):
    """(y_T - target)^2 and its gradient with respect to (w1, w2), for one sequence.

    The model's own kernel (``VanillaRNN.loss_and_grads`` with the lesson's loss, the sum of
    squared residuals). Non-finite results come back as inf or nan for the caller to stop
    on (``descent_path`` does); nothing raises.
    """
    model = VanillaRNN(1, activation=activation, seed=None)
    model.flat[:] = (w1, w2, b1, w3, b2)  # the flat buffer's order; may hold inf or nan here
    with np.errstate(all="ignore"):
        loss, grads = model.loss_and_grads(np.reshape(np.asarray(xs, dtype=float), (1, -1)), [target], loss="ssr")
    return loss, float(grads.flat[0]), float(grads.flat[1])


def _stable_slope(activation: str, z: float) -> float:
    """act'(z) for one float, without the cancellation of 1 - tanh^2 or s (1 - s) where it saturates."""
    if activation == "tanh":
        e = math.exp(-2.0 * abs(z))
        return 4.0 * e / (1.0 + e) ** 2
    e = math.exp(-abs(z))  # sigmoid
    return e / (1.0 + e) ** 2


def _add_scaled(acc: list, mantissa: float, exponent: float) -> None:
    """acc (= [m, e], the value m 10^e) += mantissa 10^exponent, keeping m in range."""
    if mantissa == 0.0:
        return
    if acc[0] == 0.0:
        acc[0], acc[1] = mantissa, exponent
    elif exponent > acc[1]:
        acc[0] = acc[0] * 10.0 ** max(acc[1] - exponent, -400.0) + mantissa
        acc[1] = exponent
    else:
        acc[0] += mantissa * 10.0 ** max(exponent - acc[1], -400.0)
    if abs(acc[0]) > 1e200:
        acc[0] *= 1e-200
        acc[1] += 200.0


def one_unit_log10_loss_and_grad(xs, w1, w2, b1=0.0, w3=1.0, b2=0.0, target=1.0, activation="relu"):
    """L = (y_T - target)^2 and its gradient with respect to w1 and w2, in log10 form, at any size.

    Returns (log10 L, (sign, log10 |dL/dw1|), (sign, log10 |dL/dw2|)); an exact zero is
    (0.0, -inf). For weights where ``one_unit_loss_and_grad`` overflows (w2 = 3 over
    1000 steps: L is about 10^954): the forward pass keeps h_t = m_t 10^(e_t) as in
    ``scaled_forward`` and the backward pass carries d L / d h_t the same way. Plain
    Python floats, a few milliseconds for 1000 steps.
    """
    activation = activation_named(activation).name
    w1, w2, b1, w3, b2, target = (float(v) for v in (w1, w2, b1, w3, b2, target))
    xs = xs if isinstance(xs, list) else [float(x) for x in np.asarray(xs, dtype=float).ravel()]
    homogeneous = activation in ("relu", "identity")
    m, e, scale = 0.0, 0.0, 1.0  # h = m 10^e; scale = 10^-e for the input term
    mantissas, exponents, slopes = [], [], []
    for x in xs:
        z = w2 * m + (w1 * x + b1) * scale
        if activation == "relu":
            m, slope = (z, 1.0) if z > 0.0 else (0.0, 0.0)
        elif activation == "identity":
            m, slope = z, 1.0
        elif activation == "tanh":
            m, slope = math.tanh(z), _stable_slope("tanh", z)
        else:
            m = 1.0 / (1.0 + math.exp(-z)) if z > -700.0 else 0.0
            slope = _stable_slope("sigmoid", z)
        if homogeneous and abs(m) > _RESCALE_ABOVE:
            shift = math.floor(math.log10(abs(m)))
            m /= 10.0**shift
            e += shift
            scale = 10.0 ** max(-e, -400.0)
        mantissas.append(m)
        exponents.append(e)
        slopes.append(slope)
    error = w3 * m + (b2 - target) * 10.0 ** max(-e, -400.0)  # (y_T - target) / 10^e
    if error == 0.0:
        return -math.inf, (0.0, -math.inf), (0.0, -math.inf)
    log_loss = 2.0 * (math.log10(abs(error)) + e)
    dm, de = 2.0 * error * w3, e  # d L / d h_T = dm 10^de
    grad_w1, grad_w2 = [0.0, 0.0], [0.0, 0.0]
    for t in range(len(xs) - 1, -1, -1):
        dz = dm * slopes[t]
        if dz == 0.0:
            break  # a switched-off ReLU (or w2 = 0 further on): nothing flows back past here
        _add_scaled(grad_w1, dz * xs[t], de)
        if t > 0:
            _add_scaled(grad_w2, dz * mantissas[t - 1], de + exponents[t - 1])
        dm = dz * w2
        if dm != 0.0 and not 1e-100 < abs(dm) < 1e100:
            shift = math.floor(math.log10(abs(dm)))
            dm /= 10.0**shift
            de += shift

    def signed_log(acc):
        return (0.0, -math.inf) if acc[0] == 0.0 else (math.copysign(1.0, acc[0]), math.log10(abs(acc[0])) + acc[1])

    return log_loss, signed_log(grad_w1), signed_log(grad_w2)


def _descent_point(xs: list, w1: float, w2: float, far: bool, **weights) -> tuple[float, float, float, float]:
    """(log10 loss, log10 |gradient|, the gradient's direction along w2 and w1) at one point.

    Plain floats where they suffice; the log10 form where they overflow, or straight away
    when ``far`` (the last point's loss was already beyond float range).
    """
    loss, grad_w1, grad_w2 = (math.inf,) * 3 if far else one_unit_loss_and_grad(xs, w1, w2, **weights)
    if math.isfinite(loss) and math.isfinite(grad_w1) and math.isfinite(grad_w2):
        norm = math.hypot(grad_w2, grad_w1)
        log_loss = math.log10(loss) if loss > 0 else -math.inf
        if norm == 0:
            return log_loss, -math.inf, 0.0, 0.0
        return log_loss, math.log10(norm), grad_w2 / norm, grad_w1 / norm
    log_loss, (s1, l1), (s2, l2) = one_unit_log10_loss_and_grad(xs, w1, w2, **weights)
    top = max(l1, l2)
    d_w2, d_w1 = s2 * 10.0 ** (l2 - top), s1 * 10.0 ** (l1 - top)
    size = math.hypot(d_w2, d_w1)
    return log_loss, top + math.log10(size), d_w2 / size, d_w1 / size


@dataclass
class DescentPath:
    """Gradient descent on the one-unit RNN's loss over (w2, w1), as ``one_unit_descent`` returns it.

    ``rows``: one row per visited point, (w2, w1, log10 loss, log10 |gradient| before
    clipping). ``throw``: None, or where the last step went when it was too long for a
    float (an unclipped step of 10^400): (direction along w2, along w1, log10 of its length).
    """

    rows: np.ndarray
    throw: tuple[float, float, float] | None


def one_unit_descent(
    xs, start, lr: float, n_steps: int, clip_threshold: float | None = None, memo: dict | None = None, **weights
) -> DescentPath:
    """Gradient descent on (w2, w1) from ``start`` = (w2, w1), with optional norm clipping.

    ``weights``: b1, w3, b2, target and activation as in ``one_unit_loss_and_grad``. Where
    the loss or gradient overflows a float, the step is taken from the log10 form
    (``one_unit_log10_loss_and_grad``): a clipped step only needs the gradient's direction,
    so clipping walks on from weights where plain numbers give up. A step too long for
    a float ends the path (``DescentPath.throw``). ``memo``: a dict to share between calls
    on the same sequence and weights, so that where two paths coincide (clipping has not
    acted yet) each point's gradient is computed once.
    """
    xs = [float(x) for x in np.asarray(xs, dtype=float).ravel()]
    memo = {} if memo is None else memo
    w2, w1 = (float(v) for v in start)
    log_threshold = None if clip_threshold is None else math.log10(clip_threshold)
    rows, throw = [], None
    for _ in range(int(n_steps) + 1):  # plain floats: a path is called per rerun, numpy's overhead would dominate
        if max(abs(w2), abs(w1)) > _RESCALE_ABOVE:
            break  # far beyond any chart: stop before the forward pass itself overflows
        if (w2, w1) not in memo:
            memo[w2, w1] = _descent_point(
                xs, w1, w2, far=bool(rows) and max(rows[-1][2], rows[-1][3]) > 290.0, **weights
            )
        log_loss, log_norm, d_w2, d_w1 = memo[w2, w1]
        rows.append((w2, w1, log_loss, log_norm))
        if log_norm == -math.inf:
            continue  # a flat spot: the point stays where it is
        if log_threshold is not None and log_norm > log_threshold:  # g <- threshold * g / |g|
            length = lr * clip_threshold
        else:
            log_step = math.log10(lr) + log_norm
            if log_step > 300.0:
                throw = (d_w2, d_w1, log_step)
                break
            length = 10.0**log_step
        w2, w1 = w2 - length * d_w2, w1 - length * d_w1
        if not (math.isfinite(w2) and math.isfinite(w1)):
            break
    return DescentPath(np.array(rows).reshape(-1, 4), throw)


# ----------------------------------------------------------------------------- Pascanu et al.
# Pascanu, Mikolov and Bengio (2013), "On the difficulty of training recurrent neural
# networks", section 3: one unit x_t = w sigmoid(x_(t-1)) + b, x_0 = 0.5, trained so
# that sigmoid(x_50) is 0.7. Its error surface has a cliff: a narrow region where the
# error jumps and the gradient is enormous.
CLIFF_STEPS = 50
CLIFF_X0 = 0.5
CLIFF_TARGET = 0.7


def cliff_loss_and_grad(w, b, steps: int = CLIFF_STEPS, x0: float = CLIFF_X0, target: float = CLIFF_TARGET):
    """The error (sigmoid(x_T) - target)^2 and its gradient (dE/dw, dE/db), for arrays of (w, b).

    Forward-mode differentiation (two parameters, so carrying dx/dw and dx/db along
    is the cheapest exact way), vectorised over any broadcast shape of w and b.
    """
    w, b = np.broadcast_arrays(np.asarray(w, dtype=float), np.asarray(b, dtype=float))
    x = np.full(w.shape, float(x0))
    dx_dw = np.zeros(w.shape)
    dx_db = np.zeros(w.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(int(steps)):
            s = sigmoid(x)
            ds = s * (1.0 - s)
            dx_dw, dx_db = s + w * ds * dx_dw, 1.0 + w * ds * dx_db
            x = w * s + b
        s = sigmoid(x)
        residual = s - target
        factor = 2.0 * residual * s * (1.0 - s)
        return residual**2, factor * dx_dw, factor * dx_db


def cliff_descent(start, lr: float, n_steps: int, clip_threshold: float | None = None) -> np.ndarray:
    """Gradient descent on the cliff's error surface from ``start`` = (w, b); see ``descent_path``."""

    def error_and_grad(point):
        error, gw, gb = cliff_loss_and_grad(point[0], point[1])
        return float(error), (float(gw), float(gb))

    return descent_path(error_and_grad, start, lr, n_steps, clip_threshold)


def descent_path(loss_and_grad, start, lr: float, n_steps: int, clip_threshold: float | None = None):
    """Gradient descent from ``start`` on a two-parameter function, with optional norm clipping.

    ``loss_and_grad(point)`` returns (loss, gradient). The result has one row per visited
    point: (p0, p1, loss, |gradient| before clipping). The path stops early if a step
    leaves the finite numbers (what an unclipped jump off a cliff can do); the rows
    before it are kept.
    """
    point = np.asarray(start, dtype=float).copy()
    rows = []
    for _ in range(int(n_steps) + 1):
        error, grad = loss_and_grad(point)
        grad = np.array(grad, dtype=float)  # a copy: clipping works in place
        norm = global_norm(grad)
        if not (np.isfinite(error) and np.isfinite(norm)):
            break
        rows.append((point[0], point[1], float(error), norm))
        if clip_threshold is not None:  # Pascanu et al.'s clipping: g <- threshold * g / |g|
            grad, _ = clip_gradient(grad, "norm", clip_threshold, norm)
        with np.errstate(over="ignore", invalid="ignore"):
            point = point - lr * grad
        if not np.all(np.isfinite(point)):
            break
    return np.array(rows).reshape(-1, 4)


# ----------------------------------------------------------------------------- gated models
# The lab's "what fixes it" comparison: |d y_T / d x_t| of an LSTM or a GRU in log10 form.
# The chain rule runs over the state s_t (the GRU's h_t; the LSTM's h_t and c_t side by
# side): d y_T / d x_t = g_t . u_t with g_T = d y_T / d s_T and g_(t-1) = J_t^T g_t, where
# J_t = d s_t / d s_(t-1) and u_t = d s_t / d x_t come from the forward trace. Carried
# as plain floats, g underflows after a few hundred fading steps (10^-308 and below read
# as 0); here g is divided by its largest entry at every step and the powers of ten taken
# out are added up, so every step's gradient keeps its true size, however small.


def _sigmoid_slope(s: np.ndarray) -> np.ndarray:
    return s * (1.0 - s)


def _sech2(c: np.ndarray) -> np.ndarray:
    """1 - tanh(c)^2 without the cancellation that makes it 0 for |c| > 19."""
    e = np.exp(-2.0 * np.abs(c))
    return 4.0 * e / (1.0 + e) ** 2


def _lstm_jacobians(model, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-step J_t (T, 2H, 2H) and u_t (T, 2H) of an LSTM over the state (h, c), and g_T."""
    H = model.n_hidden
    trace = model.forward(xs[None, :, None])
    i, f, g, o = (trace.gates[0, :, k * H : (k + 1) * H] for k in range(4))
    c = trace.cell[0]
    c_prev = np.vstack([np.zeros((1, H)), c[:-1]])
    w_x, w_h = np.asarray(model.params["w_x"])[0], np.asarray(model.params["w_h"])
    wx = {k: w_x[n * H : (n + 1) * H] for n, k in enumerate("ifgo")}  # (H,) per gate
    wh = {k: w_h[:, n * H : (n + 1) * H].T for n, k in enumerate("ifgo")}  # (H, H): d a_k / d h_prev
    # c_t = f c_(t-1) + i g and h_t = o tanh(c_t), each gate a function of x_t and h_(t-1).
    di, df, dg, do = _sigmoid_slope(i) * g, _sigmoid_slope(f) * c_prev, (1.0 - g * g) * i, _sigmoid_slope(o)
    dc_dh = di[:, :, None] * wh["i"] + df[:, :, None] * wh["f"] + dg[:, :, None] * wh["g"]
    dc_dx = di * wx["i"] + df * wx["f"] + dg * wx["g"]
    out = o * _sech2(c)  # d h_t / d c_t
    tc = np.tanh(c)
    T = len(xs)
    J = np.zeros((T, 2 * H, 2 * H))
    J[:, :H, :H] = out[:, :, None] * dc_dh + (tc * do)[:, :, None] * wh["o"]
    J[:, :H, H:] = np.eye(H) * (out * f)[:, None, :]
    J[:, H:, :H] = dc_dh
    J[:, H:, H:] = np.eye(H) * f[:, None, :]
    u = np.hstack([out * dc_dx + tc * do * wx["o"], dc_dx])
    g_last = np.concatenate([np.asarray(model.params["w3"])[:, 0], np.zeros(H)])
    return J, u, g_last


def _gru_jacobians(model, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-step J_t (T, H, H) and u_t (T, H) of a GRU over its hidden state, and g_T."""
    H = model.n_hidden
    trace = model.forward(xs[None, :, None])
    r, z, n = (trace.gates[0, :, k * H : (k + 1) * H] for k in range(3))
    h_prev = trace.h_prev[0]
    p = {name: np.asarray(model.params[name]) for name in ("w_x", "w_h", "b_h")}
    wx = {k: p["w_x"][0, m * H : (m + 1) * H] for m, k in enumerate("rzn")}
    wh = {k: p["w_h"][:, m * H : (m + 1) * H].T for m, k in enumerate("rzn")}
    hn = h_prev @ p["w_h"][:, 2 * H :] + p["b_h"][2 * H :]  # the h-part of the candidate, before r
    dr, dz, dn = _sigmoid_slope(r), _sigmoid_slope(z), 1.0 - n * n
    # h_t = (1 - z) n + z h_(t-1), n = tanh(x-part + r * hn).
    dn_dh = dn[:, :, None] * (hn[:, :, None] * dr[:, :, None] * wh["r"] + r[:, :, None] * wh["n"])
    dn_dx = dn * (wx["n"] + hn * dr * wx["r"])
    J = np.eye(H) * z[:, None, :] + ((h_prev - n) * dz)[:, :, None] * wh["z"] + (1.0 - z)[:, :, None] * dn_dh
    u = (h_prev - n) * dz * wx["z"] + (1.0 - z) * dn_dx
    return J, u, np.asarray(model.params["w3"])[:, 0].copy()


_JACOBIANS = {"lstm": _lstm_jacobians, "gru": _gru_jacobians}


def log10_gated_input_gradients(model, xs) -> np.ndarray:
    """log10 |d y_T / d x_t| for t = 1 .. T of a one-input, one-output LSTM or GRU.

    Exact to float64's relative precision at any size: 10^-400 comes back as -400, not as
    an underflowed 0 (see the section comment above). ``-inf`` only for a true zero.
    """
    kind = getattr(model, "kind", None)
    if kind not in _JACOBIANS or model.n_in != 1 or model.n_out != 1:
        raise ValueError("expects an LSTM or a GRU with one input and one output")
    xs = np.asarray(xs, dtype=float).ravel()
    with np.errstate(over="ignore", under="ignore"):
        J, u, g = _JACOBIANS[kind](model, xs)
    T = len(xs)
    chain = np.empty((T, g.size))
    scale = np.zeros(T)
    log_scale = 0.0
    JT = np.ascontiguousarray(J.transpose(0, 2, 1))
    for t in range(T - 1, -1, -1):
        top = float(np.max(np.abs(g)))
        if top == 0.0:  # nothing flows back any more: every earlier gradient is exactly 0
            chain[: t + 1] = 0.0
            scale[: t + 1] = 0.0
            break
        g = g / top
        log_scale += np.log10(top)
        chain[t], scale[t] = g, log_scale
        g = JT[t] @ g
    return _log10_abs(np.einsum("ts,ts->t", chain, u)) + scale
