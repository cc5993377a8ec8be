"""Turning engine numbers into text a learner can read: never 'nan' or 'inf' on screen."""

from __future__ import annotations

import math

import numpy as np


def number(value: float, digits: int = 3) -> str:
    """A finite number with up to ``digits`` decimals; huge or tiny ones as powers of ten.

    Non-finite values never reach the screen as 'nan' or 'inf': they read as words.
    """
    value = float(value)
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "too large to show" if value > 0 else "too large to show (negative)"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e6 or magnitude < 10 ** (-digits):
        return signed_power_of_ten(math.log10(magnitude), negative=value < 0)
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def signed_power_of_ten(log10_value: float, negative: bool = False, prefix: str = "") -> str:
    """'about 10^477' style text from a log10 magnitude; -inf reads as exactly zero."""
    if math.isnan(log10_value):
        return "undefined"
    if log10_value == -math.inf:
        return "exactly 0"
    if log10_value == math.inf:
        return "too large to show"
    exponent = math.floor(log10_value)
    mantissa = 10 ** (log10_value - exponent)
    if mantissa >= 9.995:
        mantissa, exponent = 1.0, exponent + 1
    sign = "−" if negative else ""
    if abs(exponent) <= 3 and not prefix:
        return f"{sign}{mantissa * 10.0**exponent:.4g}"
    return f"{prefix}{sign}{mantissa:.2f} × 10^{exponent}"


def power_of_ten(log10_value: float) -> str:
    """A magnitude given as log10, as 'about 10^477' (rounded exponent)."""
    if math.isnan(log10_value):
        return "undefined"
    if log10_value == -math.inf:
        return "exactly 0"
    if log10_value == math.inf:
        return "too large to show"
    return f"about 10^{round(log10_value)}"


def safe_values(values) -> np.ndarray:
    """Float array with non-finite entries replaced by None-friendly NaN for charts to skip."""
    arr = np.asarray(values, dtype=float)
    return np.where(np.isfinite(arr), arr, np.nan)
