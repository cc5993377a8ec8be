"""The lesson's loss on one sequence, L = (y_T - target)^2, and its gradients at any size.

BPTT's gradient of a shared weight is a sum over steps: dL/dw2 = sum_t dL/dz_t h_(t-1)
and dL/dw1 = sum_t dL/dz_t x_t, with dL/dz_t = 2 (y_T - target) w3 s_t prod_(k>t) (w2 s_k).
Here every piece is computed in log10 form from the scaled forward pass, so w2 = 3 over
1000 steps (L about 10^954) is as exact as w2 = 0.5. Where plain floats suffice the
model's own kernel answers (``one_unit_loss_and_grad``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..vanilla import PARAM_NAMES, VanillaRNN
from .scaled import ZERO, ScaledTrace, SignedLog, final_scaled_state, log10_abs, scaled_forward, signed_log_sum, times


def one_unit_loss_and_grad(xs, w1, w2, b1=0.0, w3=1.0, b2=0.0, target=1.0, activation="relu"):
    """(y_T - target)^2 and its gradient with respect to (w1, w2), for one sequence, in floats.

    The model's own kernel (``VanillaRNN.loss_and_grads`` with the lesson's loss, the sum of
    squared residuals). Non-finite results come back as inf or nan for the caller to stop
    on (``descent_path`` does); nothing raises.
    """
    return float_loss_and_grad(xs, activation)(w1, w2, b1, w3, b2, target)


def float_loss_and_grad(xs, activation: str):
    """``one_unit_loss_and_grad`` on the sequence ``xs`` as a function of the weights, for a
    caller that asks at many weights (a descent path): the model is built once."""
    model = VanillaRNN(1, activation=activation, seed=0)
    batch = np.reshape(np.asarray(xs, dtype=float), (1, -1))

    def at(w1, w2, b1=0.0, w3=1.0, b2=0.0, target=1.0):
        model.flat[:] = (w1, w2, b1, w3, b2)  # the flat buffer's order; may hold inf or nan here
        with np.errstate(all="ignore"):
            loss, grads = model.loss_and_grads(batch, [[target]], loss="ssr")
        return loss, float(grads.flat[0]), float(grads.flat[1])

    return at


def _error(trace: ScaledTrace, w3: float, b2: float, target: float) -> tuple[float, float]:
    """log10 |y_T - target| and its sign, from the last hidden value in scaled form."""
    m_last, e_last = float(trace.mantissa[-1]), float(trace.exponent[-1])
    with np.errstate(under="ignore"):
        error_scaled = w3 * m_last + (b2 - target) * 10.0 ** (-e_last)  # (y_T - target) / 10^e
    return float(log10_abs(error_scaled)) + e_last, float(np.sign(error_scaled))


def _log10_dz(trace: ScaledTrace, w2: float, w3: float, log_error: float, error_sign: float):
    """log10 |dL/dz_t| and its sign for t = 1 .. T (-inf, sign 0 where a zero slope cuts the chain)."""
    T = trace.z.shape[0]
    sums, zeros = trace.slope_sums()
    t = np.arange(1, T + 1)
    log_dz = np.log10(2.0) + log_error + float(log10_abs(w3)) + (sums[T] - sums[:T]) + times(T - t, log10_abs(w2))
    cut = (zeros[T] - zeros[:T]) > 0
    w2_sign = np.sign(w2) ** (T - t) if w2 != 0 else (T - t == 0).astype(float)
    sign = error_sign * np.sign(w3) * w2_sign  # every activation's slope is >= 0
    return np.where(cut, -np.inf, log_dz), np.where(cut, 0.0, sign)


def _pieces(log_dz, dz_sign, log_factor, factor_sign):
    """The per-step pieces dL/dz_t * factor_t in log10 form, with their signs (0 for an exact zero)."""
    log_steps = log_dz + log_factor
    signs = np.where(np.isneginf(log_steps), 0.0, dz_sign * factor_sign)
    return np.where(signs == 0.0, -np.inf, log_steps), signs


def _h_prev(trace: ScaledTrace):
    """log10 |h_(t-1)| and its sign for t = 1 .. T, starting from h_0 = 0."""
    return (
        np.concatenate([[-np.inf], trace.log10_abs_hidden[:-1]]),
        np.concatenate([[0.0], np.sign(trace.mantissa[:-1])]),
    )


@dataclass(frozen=True)
class LogW2Gradient:
    """d L / d w2 for one sequence, L = (y_T - target)^2, split by time step.

    BPTT's w2 gradient is a sum over steps: the piece from step t is
    dL/dz_t * h_(t-1). ``log10_steps`` are the pieces' log10 magnitudes and
    ``signs`` their signs (0 for an exact zero); ``total`` the sum.
    """

    log10_steps: np.ndarray
    signs: np.ndarray
    total: SignedLog
    log10_abs_error: float  # log10 |y_T - target|
    log10_loss: float


def log10_w2_gradient(xs, w1, w2, b1=0.0, w3=1.0, b2=0.0, target=1.0, activation="relu", trace=None) -> LogW2Gradient:
    """The per-step pieces of d L / d w2 for one sequence, in log10 form (scalar weights).

    ``trace``: the ``scaled_forward`` of the same sequence and weights, if it is at hand.
    """
    w1, w2, b1, w3, b2, target = (float(v) for v in (w1, w2, b1, w3, b2, target))
    trace = scaled_forward(xs, w1, w2, b1, activation) if trace is None else trace
    log_error, error_sign = _error(trace, w3, b2, target)
    log_steps, signs = _pieces(*_log10_dz(trace, w2, w3, log_error, error_sign), *_h_prev(trace))
    return LogW2Gradient(log_steps, signs, signed_log_sum(log_steps, signs), log_error, 2.0 * log_error)


def one_unit_log10_loss_and_grad(xs, w1, w2, b1=0.0, w3=1.0, b2=0.0, target=1.0, activation="relu"):
    """L = (y_T - target)^2 and its gradient with respect to w1 and w2, in log10 form, at any size.

    Returns (log10 L, dL/dw1, dL/dw2), the gradients as ``SignedLog``, like
    ``one_unit_loss_and_grad``'s (loss, dL/dw1, dL/dw2). For weights where
    ``one_unit_loss_and_grad`` overflows (w2 = 3 over 1000 steps: L is about 10^954).
    """
    w1, w2, b1, w3, b2, target = (float(v) for v in (w1, w2, b1, w3, b2, target))
    xs = np.asarray(xs, dtype=float).ravel()
    trace = scaled_forward(xs, w1, w2, b1, activation)
    log_error, error_sign = _error(trace, w3, b2, target)
    if error_sign == 0.0:
        return -np.inf, ZERO, ZERO
    dz = _log10_dz(trace, w2, w3, log_error, error_sign)
    # dL/dw1 = sum_t dL/dz_t x_t, dL/dw2 = sum_t dL/dz_t h_(t-1)
    grad_w1, grad_w2 = (
        signed_log_sum(*_pieces(*dz, *factor)) for factor in ((log10_abs(xs), np.sign(xs)), _h_prev(trace))
    )
    return 2.0 * log_error, grad_w1, grad_w2


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
    m, e = final_scaled_state(xs, w1, w2, b1, activation)
    with np.errstate(under="ignore", over="ignore", invalid="ignore"):
        error_scaled = w3 * m + (b2 - target) * 10.0 ** (-e)
    return 2.0 * (log10_abs(error_scaled) + e)


def log10_loss_surface(xs, w1s, w2s, b1=0.0, w3=1.0, b2=0.0, target=1.0, activation="relu") -> np.ndarray:
    """log10 of L = (y_T - target)^2 over a grid: rows are ``w1s``, columns ``w2s`` (the lab's view)."""
    weights = {"b1": b1, "w3": w3, "b2": b2}
    return log10_loss_surface_over(xs, "w1", w1s, "w2", w2s, weights, target, activation)
