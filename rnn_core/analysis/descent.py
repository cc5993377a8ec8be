"""Gradient-descent paths over two weights, with and without clipping: what an exploding
gradient does to a training step.

One descent loop (``_descend``) serves both surfaces the lab draws: the RNN's own loss over
(w1, w2), and Pascanu, Mikolov and Bengio's cliff; every path comes back as a ``DescentPath``.
It asks each point for its loss and gradient as log10 magnitudes and a direction, so it walks
on from weights whose gradient no float can hold: clipping (``optim.clip_gradient``,
g <- threshold g / |g|) only needs the direction there, and an unclipped step too long for a
float ends the path with where it was thrown.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..activations import sigmoid
from ..optim import clip_gradient, global_norm
from .loss_gradients import float_loss_and_grad, one_unit_log10_loss_and_grad
from .scaled import RESCALE_ABOVE

# A step longer than 10^300 cannot be taken in floats: the path ends there.
LONGEST_LOG10_STEP = 300.0

# (log10 loss, log10 |gradient|, the gradient's direction as a unit vector), or None where
# the loss cannot be evaluated at all.
Point = tuple[float, float, np.ndarray]


class Throw(NamedTuple):
    """Where an unclipped step too long for a float went: its unit direction (along p0, along
    p1) and log10 of its length."""

    direction: tuple[float, float]
    log10_length: float


@dataclass(frozen=True, eq=False)
class DescentPath:
    """Gradient descent over two weights (p0, p1): the RNN's (w1, w2), the cliff's (w, b).

    One entry per visited point, in step order: ``points`` (n, 2), ``log10_loss`` and
    ``log10_gradient_norm`` (|gradient| before clipping), log10 so that sizes no float holds
    still have a value. ``throw``: None, or where the last step went when it was too long for
    a float (an unclipped step of 10^400).
    """

    points: np.ndarray
    log10_loss: np.ndarray
    log10_gradient_norm: np.ndarray
    throw: Throw | None = None

    def __len__(self) -> int:
        return len(self.points)

    @property
    def loss(self) -> np.ndarray:
        """The loss at each point (inf where it is too large for a float)."""
        with np.errstate(over="ignore"):
            return 10.0**self.log10_loss

    @property
    def gradient_norm(self) -> np.ndarray:
        """|gradient| before clipping at each point (inf where it is too large for a float)."""
        with np.errstate(over="ignore"):
            return 10.0**self.log10_gradient_norm

    def step_lengths(self) -> np.ndarray:
        """How far each step moved, (n - 1,): a plain step off a cliff is the long one."""
        return np.hypot(*np.diff(self.points, axis=0).T)


def _descend(
    point: Callable[[np.ndarray], Point | None], start, lr: float, n_steps: int, clip_threshold=None
) -> DescentPath:
    """The descent loop: p <- p - lr g, with g clipped to ``clip_threshold`` by norm if given."""
    p = np.array(start, dtype=float)
    log_lr = math.log10(lr)
    rows, throw = [], None
    for _ in range(int(n_steps) + 1):
        at = point(p)
        if at is None:
            break
        log_loss, log_norm, direction = at
        rows.append((p[0], p[1], log_loss, log_norm))
        if log_norm == -math.inf:
            continue  # a flat spot: the point stays where it is
        if clip_threshold is None and log_lr + log_norm > LONGEST_LOG10_STEP:
            throw = Throw((float(direction[0]), float(direction[1])), log_lr + log_norm)
            break
        # Past the float range only the direction matters (clipping cuts |g| to the threshold),
        # so the gradient is held as its direction times the largest size a float allows.
        norm = 10.0 ** min(log_norm, LONGEST_LOG10_STEP)
        grad, _ = clip_gradient(
            direction * norm, "none" if clip_threshold is None else "norm", clip_threshold or 1.0, norm
        )
        with np.errstate(over="ignore", invalid="ignore"):
            p = p - lr * grad
        if not np.all(np.isfinite(p)):
            break
    table = np.array(rows).reshape(-1, 4)
    columns = table[:, :2].copy(), table[:, 2].copy(), table[:, 3].copy()
    for column in columns:
        column.setflags(write=False)  # a path is shared from caches: nobody writes into it
    return DescentPath(*columns, throw)


def _as_point(loss: float, grad: np.ndarray) -> Point | None:
    """A point from a loss and gradient in floats; None if either is not finite."""
    norm = global_norm(grad)
    if not (math.isfinite(loss) and math.isfinite(norm)):
        return None
    log_loss = math.log10(loss) if loss > 0 else -math.inf
    if norm == 0.0:
        return log_loss, -math.inf, np.zeros(2)
    return log_loss, math.log10(norm), grad / norm


def _one_unit_point(xs, in_floats, activation: str, w1: float, w2: float, weights: dict) -> Point | None:
    """The RNN's loss and gradient over (w1, w2): in floats where they fit, else in log10 form."""
    if max(abs(w1), abs(w2)) > RESCALE_ABOVE:
        return None  # far beyond any chart: stop before the forward pass itself overflows
    loss, grad_w1, grad_w2 = in_floats(w1, w2, **weights)
    found = _as_point(loss, np.array([grad_w1, grad_w2]))
    if found is not None:
        return found
    log_loss, grad_w1, grad_w2 = one_unit_log10_loss_and_grad(xs, w1, w2, activation=activation, **weights)
    top = max(grad_w1.log10, grad_w2.log10)
    if top == -math.inf:
        return log_loss, -math.inf, np.zeros(2)
    direction = np.array([g.sign * 10.0 ** (g.log10 - top) for g in (grad_w1, grad_w2)])
    size = float(np.hypot(*direction))
    return log_loss, top + math.log10(size), direction / size


def one_unit_descent(
    xs, start, lr: float, n_steps: int, clip_threshold: float | None = None, memo: dict | None = None, **weights
) -> DescentPath:
    """Gradient descent on the one-unit RNN's loss over (w1, w2) from ``start`` = (w1, w2).

    ``weights``: b1, w3, b2, target and activation as in ``one_unit_loss_and_grad``.
    ``memo``: a dict to share between calls on the same sequence and weights, so that where
    two paths coincide (clipping has not acted yet) each point is computed once.
    """
    xs = np.asarray(xs, dtype=float).ravel()
    memo = {} if memo is None else memo
    activation = weights.pop("activation", "relu")
    in_floats = float_loss_and_grad(xs, activation)

    def point(p):
        key = (float(p[0]), float(p[1]))
        if key not in memo:
            memo[key] = _one_unit_point(xs, in_floats, activation, key[0], key[1], weights)
        return memo[key]

    return _descend(point, start, lr, n_steps, clip_threshold)


def descent_path(loss_and_grad, start, lr: float, n_steps: int, clip_threshold: float | None = None) -> DescentPath:
    """Gradient descent from ``start`` on a two-parameter function, with optional norm clipping.

    ``loss_and_grad(point)`` returns (loss, gradient) in floats. The path stops where the
    loss or gradient is not finite, or where a step would leave the finite numbers (what an
    unclipped jump off a cliff can do, reported as its ``throw``); the points before it are kept.
    """

    def point(p):
        loss, grad = loss_and_grad(p)
        return _as_point(float(loss), np.array(grad, dtype=float))

    return _descend(point, start, lr, n_steps, clip_threshold)


# ----------------------------------------------------------------------------- Pascanu et al.
# Pascanu, Mikolov and Bengio (2013), "On the difficulty of training recurrent neural
# networks", section 3: one unit x_t = w sigmoid(x_(t-1)) + b, x_0 = 0.5, trained so
# that sigmoid(x_50) is 0.7. Its error surface has a cliff: a narrow region where the
# error jumps and the gradient is enormous.
CLIFF_LENGTH = 50  # time steps
CLIFF_X0 = 0.5
CLIFF_TARGET = 0.7


def cliff_loss_and_grad(w, b, length: int = CLIFF_LENGTH, x0: float = CLIFF_X0, target: float = CLIFF_TARGET):
    """The error (sigmoid(x_T) - target)^2 and its gradient (dE/dw, dE/db), for arrays of (w, b).

    Forward-mode differentiation (two parameters, so carrying dx/dw and dx/db along
    is the cheapest exact way), vectorised over any broadcast shape of w and b.
    """
    w, b = np.broadcast_arrays(np.asarray(w, dtype=float), np.asarray(b, dtype=float))
    x = np.full(w.shape, float(x0))
    dx_dw = np.zeros(w.shape)
    dx_db = np.zeros(w.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(int(length)):
            s = sigmoid(x)
            ds = s * (1.0 - s)
            dx_dw, dx_db = s + w * ds * dx_dw, 1.0 + w * ds * dx_db
            x = w * s + b
        s = sigmoid(x)
        residual = s - target
        factor = 2.0 * residual * s * (1.0 - s)
        return residual**2, factor * dx_dw, factor * dx_db


def cliff_descent(start, lr: float, n_steps: int, clip_threshold: float | None = None) -> DescentPath:
    """Gradient descent on the cliff's error surface from ``start`` = (w, b); see ``descent_path``."""

    def error_and_grad(point):
        error, gw, gb = cliff_loss_and_grad(point[0], point[1])
        return float(error), (float(gw), float(gb))

    return descent_path(error_and_grad, start, lr, n_steps, clip_threshold)
