"""The one-unit RNN's forward loop in scaled form, which every lab question builds on.

A hidden value that grows past the float range is kept as a mantissa and a power of ten,
h = m 10^e. ReLU and the identity are positively homogeneous, so dividing m (and the
input term with it) by a power of ten leaves the sign of every pre-activation, and so
every slope, exact; tanh and sigmoid outputs never exceed 1 and never need scaling.
Log-slopes come from the activation table, which keeps them finite where the slope
itself underflows to 0. An exact zero (a ReLU that is off, or w2 = 0) is ``-inf`` in
log10 form: "exactly 0", never a rounding accident.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..activations import Activation, activation_named

PATTERNS = ("constant", "alternating", "first only", "random")
# A hidden value above this size is rescaled at the end of its block of steps.
RESCALE_ABOVE = 1e100
BLOCK_STEPS = 32  # small enough for a block's buffers to stay in the CPU cache


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


def log10_abs(values) -> np.ndarray:
    """log10 |values|, -inf for an exact 0, without a warning."""
    with np.errstate(divide="ignore"):
        return np.log10(np.abs(np.asarray(values, dtype=float)))


def times(count, log_value):
    """count * log_value with 0 * (-inf) taken as 0 (w2^0 = 1 even when w2 = 0)."""
    count = np.asarray(count, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(count == 0, 0.0, count * log_value)


class SignedLog(NamedTuple):
    """A number too large or small for a float, as log10 of its size and its sign:
    sign * 10^log10. An exact 0 is (-inf, 0.0)."""

    log10: float
    sign: float


ZERO = SignedLog(-np.inf, 0.0)


def signed_log_sum(log_magnitudes: np.ndarray, signs: np.ndarray) -> SignedLog:
    """sum_i sign_i 10^(L_i) as a ``SignedLog``, without leaving log space."""
    mask = (signs != 0) & np.isfinite(log_magnitudes)
    if not mask.any():
        return ZERO
    top = float(np.max(log_magnitudes[mask]))
    total = float(np.sum(signs[mask] * 10.0 ** (log_magnitudes[mask] - top)))
    if total == 0.0:
        return ZERO
    return SignedLog(top + float(np.log10(abs(total))), float(np.sign(total)))


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


def scaled_blocks(xs, w1, w2, b1, act: Activation) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """The forward loop h_t = act(w1 x_t + b1 + w2 h_(t-1)), h_0 = 0, over the sequence ``xs``
    for every weight setting at once (w1, w2 and b1 broadcast together), in blocks of steps.

    Yields (start, z, h, exponent) per block: the block's pre-activations and hidden values
    (n, *shape) in the block's scale, so the true h_t is h * 10^exponent and z has the true
    sign. Between blocks a homogeneous unit's large values are divided by powers of ten; a
    block is short enough that nothing overflows inside it. The buffers are reused: copy
    what you keep.
    """
    xs = np.asarray(xs, dtype=float).ravel()
    shape = np.broadcast_shapes(np.shape(w1), np.shape(w2), np.shape(b1))
    inner = shape or (1,)  # scalar weights run as a grid of one, so each step's slice is an array
    w2 = np.broadcast_to(np.asarray(w2, dtype=float), inner)
    steps = min(BLOCK_STEPS, _steps_between_rescales(xs, w1, w2, b1)) if act.homogeneous else BLOCK_STEPS
    # With scalar w1 and b1 the input term of every step is one float, computed up front.
    scalar_drive = np.ndim(w1) == 0 and np.ndim(b1) == 0
    drive = xs * float(w1) + float(b1) if scalar_drive else None
    z, h, term = np.empty((steps, *inner)), np.empty((steps, *inner)), np.empty(inner)
    m, exponent, scale = np.zeros(inner), np.zeros(inner), None  # scale = 10^-exponent once rescaled
    single = m.size == 1  # one weight setting: each step on floats, where NumPy's per-call cost would dominate
    w1_value, w2_value, b1_value = (float(np.ravel(v)[0]) for v in (w1, w2, b1)) if single else (None,) * 3
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for start in range(0, xs.size, steps):
            n = min(steps, xs.size - start)
            if single:
                h_value, factor = float(m[0]), 1.0 if scale is None else float(scale[0])
                for i in range(n):
                    z_value = w2_value * h_value + (w1_value * xs[start + i] + b1_value) * factor
                    h_value = act.scalar(z_value)[0]
                    z[i, 0], h[i, 0] = z_value, h_value
                m = h[n - 1]
            for i in range(0 if single else n):
                z_t = z[i]
                np.multiply(w2, m, out=z_t)
                if scalar_drive and scale is None:
                    z_t += drive[start + i]
                else:
                    if scalar_drive:
                        np.multiply(scale, drive[start + i], out=term)
                    else:
                        np.multiply(w1, xs[start + i], out=term)
                        term += b1
                        if scale is not None:
                            term *= scale
                    z_t += term
                m = act.value(z_t, h[i])
            yield start, z[:n].reshape(n, *shape), h[:n].reshape(n, *shape), exponent.reshape(shape)
            m = m.copy()  # the next block writes over the buffers
            if act.homogeneous and (np.abs(m) > RESCALE_ABOVE).any():
                big = np.abs(m) > RESCALE_ABOVE
                shift = np.where(big, np.floor(log10_abs(np.where(big, m, 1.0))), 0.0)
                m /= 10.0**shift
                exponent = exponent + shift
                scale = 10.0**-exponent


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
        return log10_abs(self.mantissa) + self.exponent

    @property
    def slope_is_zero(self) -> np.ndarray:
        return np.isneginf(self.log10_slope)

    def slope_sums(self) -> tuple[np.ndarray, np.ndarray]:
        """Prefix sums of the finite log-slopes and of the zero-slope count, with a leading 0."""
        finite = np.where(self.slope_is_zero, 0.0, self.log10_slope)
        zeros = self.slope_is_zero.astype(np.int64)
        lead = np.zeros((1, *finite.shape[1:]))
        return (
            np.concatenate([lead, np.cumsum(finite, axis=0)]),
            np.concatenate([lead.astype(np.int64), np.cumsum(zeros, axis=0)]),
        )


def scaled_forward(xs, w1, w2, b1=0.0, activation: str = "relu") -> ScaledTrace:
    """Run the one-unit RNN over the sequence ``xs`` (T,) for every weight setting at once.

    ``w1``, ``w2`` and ``b1`` broadcast together (scalars or grids). No overflow, no
    warnings: hidden values that grow large are rescaled by powers of ten.
    """
    act = activation_named(activation)
    xs = np.asarray(xs, dtype=float).ravel()
    shape = np.broadcast_shapes(np.shape(w1), np.shape(w2), np.shape(b1))
    z, mantissa, exponent = (np.empty((xs.size, *shape)) for _ in range(3))
    for start, z_block, h_block, e in scaled_blocks(xs, w1, w2, b1, act):
        steps = slice(start, start + len(z_block))
        z[steps], mantissa[steps], exponent[steps] = z_block, h_block, e
    return ScaledTrace(act.name, z, mantissa, exponent, act.log10_slope(z))


def final_scaled_state(xs, w1, w2, b1, activation: str) -> tuple[np.ndarray, np.ndarray]:
    """The last hidden value as (mantissa, exponent) for a grid of weights, keeping no history."""
    last = None
    for _, _, h_block, e in scaled_blocks(xs, w1, w2, b1, activation_named(activation)):
        last = h_block[-1].copy(), e.copy()
    if last is None:
        raise ValueError("a sequence needs at least one step")
    return last
