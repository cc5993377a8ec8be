"""The activation table: each activation's value, slope and log-slope, side by side.

A recurrent cell calls ``act.value`` forward and ``act.slope`` backward; the gradient lab
multiplies thousands of slopes, so it adds ``act.log10_slope`` (finite where the slope
itself underflows) and ``act.max_slope`` (gradients shrink at least as fast as
(max_slope * |w2|)^n, so 1 / max_slope is where the explosion boundary moves to). The
plain-float form ``act.scalar`` serves the one-unit kernel, where a NumPy call costs more
than the arithmetic. Kernels look an activation up once and never branch on its name.

Slopes are written in terms of the output h = act(z) where that is exact, so the backward
pass reuses the forward values. ReLU's slope at exactly z = 0 is 0, as in PyTorch: the
StatLand weights land on that kink for the rule (high, medium), so the convention shows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

_LOG10_E = math.log10(math.e)


@dataclass(frozen=True)
class Activation:
    """One activation, every form of it the engine needs.

    ``value(z, out)``: act(z) elementwise into ``out``, called with NumPy's overflow warning
    off (``np.errstate(over="ignore")``, as every kernel runs): tanh's e^(2z) overflows on
    its way to exactly 1. ``slope(z, h, out)``: act'(z) into ``out``, given z and h = act(z).
    ``log10_slope(z)``: log10 act'(z), computed from z so it stays finite where the slope
    underflows (-inf only for an exact zero: a ReLU that is off). ``scalar(z)``: (act(z),
    act'(z)) for one Python float; a nan z gives a nan h, as the array form does.
    ``homogeneous``: act(c z) = c act(z) for c > 0 (ReLU, identity), so a hidden value can be
    carried as a mantissa and a power of ten with exact slopes.
    """

    name: str
    value: Callable[[np.ndarray, np.ndarray], np.ndarray]
    slope: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    log10_slope: Callable[[np.ndarray], np.ndarray]
    scalar: Callable[[float], tuple[float, float]]
    max_slope: float
    homogeneous: bool
    slope_is_0_or_1: bool


# -- ReLU: max(z, 0); slope 1 where z > 0, else 0 ---------------------------------------------
def _relu_value(z, out):
    return np.maximum(z, 0.0, out=out)


def _relu_slope(z, h, out):
    return np.greater(z, 0.0, out=out)


def _relu_log10_slope(z):
    return np.where(np.asarray(z) > 0, 0.0, -np.inf)


def _relu_scalar(z):
    if z > 0.0:
        return z, 1.0
    return (0.0 if z == z else z), 0.0  # z == z is False only for nan, which passes on


# -- tanh: slope 1 - h^2 = 4 e^(-2|z|) / (1 + e^(-2|z|))^2 -----------------------------------
def _tanh_value(z, out):
    # On large arrays tanh(z) = 1 - 2 / (e^(2z) + 1): NumPy's exp is vectorised where its tanh
    # is not, so on a training batch this is several times faster, to within 4e-16 of np.tanh
    # (e^(2z) overflows to inf for z > 355, which gives exactly 1; the kernels run with that
    # warning off, and switching it here, once per step, would cost as much as one of the five
    # calls). On small arrays the five calls cost more than np.tanh's one.
    if out.size < 1024:
        return np.tanh(z, out=out)
    np.multiply(z, 2.0, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.divide(-2.0, out, out=out)
    out += 1.0
    return out


def _tanh_slope(z, h, out):
    np.multiply(h, h, out=out)
    return np.subtract(1.0, out, out=out)


def _tanh_log10_slope(z):
    a = np.abs(np.asarray(z, dtype=float))
    return (math.log(4.0) - 2.0 * a - 2.0 * np.log1p(np.exp(-2.0 * a))) * _LOG10_E


def _tanh_scalar(z):
    h = math.tanh(z)
    return h, 1.0 - h * h


# -- sigmoid: 1 / (1 + e^-z); slope h (1 - h) = e^(-|z|) / (1 + e^(-|z|))^2 --------------------
def _sigmoid_value(z, out):
    with np.errstate(over="ignore"):
        np.negative(z, out=out)
        np.exp(out, out=out)
        out += 1.0
        return np.divide(1.0, out, out=out)


def _sigmoid_slope(z, h, out):
    np.subtract(1.0, h, out=out)
    return np.multiply(out, h, out=out)


def _sigmoid_log10_slope(z):
    a = np.abs(np.asarray(z, dtype=float))
    return (-a - 2.0 * np.log1p(np.exp(-a))) * _LOG10_E


def _sigmoid_scalar(z):
    h = 1.0 / (1.0 + math.exp(-z)) if z > -700.0 else (0.0 if z == z else z)
    return h, h * (1.0 - h)


# -- identity: z; slope 1 ----------------------------------------------------------------------
def _identity_value(z, out):
    np.copyto(out, z)
    return out


def _identity_slope(z, h, out):
    out.fill(1.0)
    return out


def _identity_log10_slope(z):
    return np.zeros(np.shape(z))


def sigmoid(z) -> np.ndarray:
    """The logistic function of an array, without overflow warnings for large negative ``z``."""
    z = np.asarray(z, dtype=float)
    return _sigmoid_value(z, np.empty(z.shape))


TABLE: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("relu", _relu_value, _relu_slope, _relu_log10_slope, _relu_scalar, 1.0, True, True),
        Activation("tanh", _tanh_value, _tanh_slope, _tanh_log10_slope, _tanh_scalar, 1.0, False, False),
        Activation(
            "sigmoid", _sigmoid_value, _sigmoid_slope, _sigmoid_log10_slope, _sigmoid_scalar, 0.25, False, False
        ),
        Activation(
            "identity", _identity_value, _identity_slope, _identity_log10_slope, lambda z: (z, 1.0), 1.0, True, True
        ),
    )
}

# The names, in the order pages offer them, and each one's largest slope: views of the table.
ACTIVATIONS = tuple(TABLE)
MAX_SLOPE = {name: a.max_slope for name, a in TABLE.items()}


def activation_named(name: str) -> Activation:
    """The table's entry for ``name``; ``ValueError`` naming the choices if there is none."""
    try:
        return TABLE[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(TABLE)}") from None
