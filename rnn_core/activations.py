"""Activation functions for the recurrent cells, with the slopes BPTT multiplies in.

Each activation has its value, its slope (written in terms of the pre-activation
``z`` and the output ``h`` so the backward pass reuses the forward trace), and a
numerically stable log10 of its slope for the gradient lab, where products of
thousands of slopes must neither underflow nor warn.
"""

from __future__ import annotations

import numpy as np

ACTIVATIONS = ("relu", "tanh", "sigmoid", "identity")

# The largest slope each activation can have: gradients shrink at least as fast as
# (max_slope * |w2|)^n, so 1 / max_slope is where the explosion boundary moves to.
MAX_SLOPE = {"relu": 1.0, "tanh": 1.0, "sigmoid": 0.25, "identity": 1.0}

_LOG10_E = np.log10(np.e)


def check_activation(name: str) -> str:
    """Return ``name`` if it is a known activation, else raise ``ValueError``."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return name


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, without overflow warnings for large negative ``z``."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """Apply the activation ``name`` elementwise."""
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return sigmoid(z)
    if name == "identity":
        return np.asarray(z, dtype=float).copy()
    raise ValueError(f"unknown activation {name!r}")


def slope(name: str, z: np.ndarray, h: np.ndarray) -> np.ndarray:
    """d act(z) / dz, given the pre-activation ``z`` and the output ``h = act(z)``.

    ReLU's slope at exactly ``z = 0`` is 0, as in PyTorch. The StatQuest weights land
    on that kink for the rule (high, medium), so the convention is visible.
    """
    if name == "relu":
        return (z > 0).astype(float)
    if name == "tanh":
        return 1.0 - h * h
    if name == "sigmoid":
        return h * (1.0 - h)
    if name == "identity":
        return np.ones_like(z, dtype=float)
    raise ValueError(f"unknown activation {name!r}")


def slope_into(name: str, z: np.ndarray, h: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``slope`` written into a preallocated ``out`` (the training loop's hot path)."""
    if name == "relu":
        np.greater(z, 0.0, out=out)
    elif name == "tanh":
        np.multiply(h, h, out=out)
        np.subtract(1.0, out, out=out)
    elif name == "sigmoid":
        np.subtract(1.0, h, out=out)
        out *= h
    elif name == "identity":
        out.fill(1.0)
    else:
        raise ValueError(f"unknown activation {name!r}")
    return out


def log10_slope(name: str, z: np.ndarray) -> np.ndarray:
    """log10 of the activation's slope at ``z``, computed from ``z`` so it never underflows.

    tanh: 1 - tanh(z)^2 = 4 e^(-2|z|) / (1 + e^(-2|z|))^2, whose log stays finite for
    any ``z`` although the slope itself is exactly 0.0 in float64 once |z| > 19.
    sigmoid: s(1 - s) = e^(-|z|) / (1 + e^(-|z|))^2. ReLU gives -inf where the unit
    is off (an exact zero, which callers count rather than hide).
    """
    z = np.asarray(z, dtype=float)
    if name == "relu":
        return np.where(z > 0, 0.0, -np.inf)
    if name == "identity":
        return np.zeros_like(z)
    a = np.abs(z)
    if name == "tanh":
        return (np.log(4.0) - 2.0 * a - 2.0 * np.log1p(np.exp(-2.0 * a))) * _LOG10_E
    if name == "sigmoid":
        return (-a - 2.0 * np.log1p(np.exp(-a))) * _LOG10_E
    raise ValueError(f"unknown activation {name!r}")
