"""Optimisers and gradient clipping, working on a model's flat parameter buffer.

Each optimiser's ``step(flat, grad)`` updates ``flat`` in place with a handful of
array operations. Learning rate and momentum are plain attributes, so a page can
change them in the middle of a run without losing the optimiser's state.
"""

from __future__ import annotations

import math

import numpy as np

OPTIMIZERS = ("sgd", "momentum", "adam")
CLIPPING = ("none", "norm", "value")


class SGD:
    """Plain gradient descent: p <- p - lr * g."""

    name = "sgd"

    def __init__(self, lr: float = 0.01):
        self.lr = float(lr)

    def step(self, flat: np.ndarray, grad: np.ndarray) -> None:
        flat -= self.lr * grad


class Momentum:
    """Gradient descent with (heavy-ball) momentum: v <- mu v + g;  p <- p - lr v."""

    name = "momentum"

    def __init__(self, lr: float = 0.01, momentum: float = 0.9):
        self.lr, self.momentum = float(lr), float(momentum)
        self.velocity: np.ndarray | None = None

    def step(self, flat: np.ndarray, grad: np.ndarray) -> None:
        if self.velocity is None:
            self.velocity = np.zeros_like(flat)
        self.velocity *= self.momentum
        self.velocity += grad
        flat -= self.lr * self.velocity


class Adam:
    """Adam (Kingma and Ba, 2015) with bias correction.

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
    p <- p - lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t).
    """

    name = "adam"

    def __init__(self, lr: float = 0.01, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps = float(lr), float(beta1), float(beta2), float(eps)
        self.t = 0
        self.m: np.ndarray | None = None
        self.v: np.ndarray | None = None
        self._tmp: np.ndarray | None = None

    def step(self, flat: np.ndarray, grad: np.ndarray) -> None:
        if self.m is None:
            self.m, self.v, self._tmp = np.zeros_like(flat), np.zeros_like(flat), np.empty_like(flat)
        self.t += 1
        b1, b2, tmp = self.beta1, self.beta2, self._tmp
        self.m *= b1
        np.multiply(grad, 1.0 - b1, out=tmp)
        self.m += tmp
        self.v *= b2
        np.multiply(grad, grad, out=tmp)
        tmp *= 1.0 - b2
        self.v += tmp
        # Fold both bias corrections into one scalar step size (plain floats: the same numbers,
        # without a NumPy call each).
        root = math.sqrt(1.0 - b2**self.t)
        step_size = self.lr * root / (1.0 - b1**self.t)
        np.sqrt(self.v, out=tmp)
        tmp += self.eps * root
        np.divide(self.m, tmp, out=tmp)
        tmp *= step_size
        flat -= tmp


def make_optimizer(name: str, lr: float, momentum: float = 0.9):
    """Build an optimiser by name: 'sgd', 'momentum' or 'adam'."""
    if name == "sgd":
        return SGD(lr)
    if name == "momentum":
        return Momentum(lr, momentum)
    if name == "adam":
        return Adam(lr)
    raise ValueError(f"unknown optimiser {name!r}; choose one of {', '.join(OPTIMIZERS)}")


def global_norm(grad: np.ndarray) -> float:
    """|g|, the Euclidean norm of a flat gradient; huge but finite entries do not overflow it.

    One dot product in the common case; only when the sum of squares overflows is the
    gradient rescaled by its largest entry first. nan or inf entries give nan or inf.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return norm_ignoring_overflow(grad)


def norm_ignoring_overflow(grad: np.ndarray) -> float:
    """``global_norm`` for a caller already inside ``np.errstate(over="ignore", invalid="ignore")``
    (a training step is): entering that context costs about as much as the norm of a small gradient."""
    squared = float(np.dot(grad, grad))
    if math.isfinite(squared):
        return math.sqrt(squared)
    scale = float(np.max(np.abs(grad), initial=0.0))
    if not math.isfinite(scale):
        return scale
    return scale * math.sqrt(float(np.dot(grad / scale, grad / scale)))


def clip_gradient(
    grad: np.ndarray, mode: str = "none", threshold: float = 1.0, norm: float | None = None
) -> tuple[np.ndarray, bool]:
    """Clip a flat gradient in place; return it and whether clipping changed it.

    'norm': if |g| > threshold, g <- threshold * g / |g| (the direction is kept); pass
    ``norm`` when |g| is already known. 'value': every component is limited to
    [-threshold, threshold].
    """
    if mode == "none":
        return grad, False
    if threshold <= 0:
        raise ValueError("the clipping threshold must be positive")
    if mode == "norm":
        norm = global_norm(grad) if norm is None else norm
        if norm > threshold:
            grad *= threshold / norm
            return grad, True
        return grad, False
    if mode == "value":
        clipped = bool(np.any(np.abs(grad) > threshold))
        np.clip(grad, -threshold, threshold, out=grad)
        return grad, clipped
    raise ValueError(f"unknown clipping mode {mode!r}; choose one of {', '.join(CLIPPING)}")
