"""The Gradient lab's sentences, formulas and derived facts, built from engine numbers (no Streamlit).

Every function here takes numbers and returns text or numbers, so each can be unit-tested
and reused by another page (a guided lesson) with its own settings.
"""

from __future__ import annotations

import math
import re

import numpy as np

from .format import from_log10

# Each view's id and its button; the URL carries the button's text (``?lab_view=Heatmap``), as
# Streamlit binds a segmented control by its shown option.
VIEWS = {
    "inputs": "Each input",
    "heatmap": "Heatmap",
    "pieces": "Pieces of dL/dw2",
    "step": "Training step",
    "cliff": "The cliff",
    "gates": "Gates",
}


# What each activation changes, against the lesson's ReLU (one line each, shown beside the choice).
ACTIVATION_NOTES = {
    "relu": "the lesson's: slope 1 where the unit is on, 0 where it is off.",
    "identity": "no squashing: every slope is 1, so only the powers of w2 are left.",
    "tanh": "squashes h into (−1, 1): slopes at most 1, smaller where it saturates.",
    "sigmoid": "squashes h into (0, 1): slopes at most 0.25, so |w2| must pass 4 to explode.",
}
LATEX_ACTIVATION = {"relu": r"\mathrm{ReLU}", "identity": r"\mathrm{id}", "tanh": r"\tanh", "sigmoid": r"\sigma"}


def word_count(text: str) -> int:
    """Words a learner reads: Markdown markers and LaTeX commands do not count, a formula counts as one word."""
    text = re.sub(r"\$[^$]*\$", " formula ", text)
    text = re.sub(r"[*_`#>]", " ", text)
    return len([w for w in text.split() if any(c.isalnum() for c in w)])


def short_magnitude(log10_value: float, negative: bool = False) -> str:
    """A magnitude as ``from_log10`` writes it, with 'about 10⁶⁰⁴' shortened to '≈ 10⁶⁰⁴' (for a metric)."""
    return from_log10(log10_value, negative=negative).replace("about ", "≈ ")


def latex_number(log10_value: float, negative: bool = False) -> str:
    """A magnitude given as log10, for LaTeX: '0.003867', '5.01 \\times 10^{476}', '0' for an exact zero."""
    if log10_value == -math.inf:
        return "0"
    if not math.isfinite(log10_value):
        return r"\text{too large to show}"
    sign = "-" if negative else ""
    if -4 <= log10_value < 6:
        return sign + from_log10(log10_value).replace(",", "{,}")
    exponent = math.floor(log10_value)
    mantissa = 10 ** (log10_value - exponent)
    if mantissa >= 9.995:
        mantissa, exponent = 1.0, exponent + 1
    return rf"{sign}{mantissa:.2f} \times 10^{{{exponent}}}"


def w2_power_latex(w2: float, power: int) -> str:
    """|w2|^power as LaTeX, with the number plugged in: '|{-0.5}|^{9}'."""
    return rf"|{{{w2:g}}}|^{{{power}}}"


def first_input_formula(w1: float, w2: float, w3: float, length: int, log10_slopes: float) -> tuple[str, str, float]:
    """The closed form of |d y_T / d x_1| with every factor, and with the numbers plugged in.

    Returns (symbolic LaTeX, LaTeX with numbers, log10 of the value), both as lines of a gathered
    block. ``log10_slopes`` is log10 of the product of the T slopes (-inf when one is 0, a ReLU that
    was off).
    """
    # Short lines: the formula sits in a column about 230 px wide at 1024 px, and a line KaTeX
    # cannot fit is cut, not wrapped.
    symbolic = r"|\partial y_T / \partial x_1| \\ = |w_3|\,|w_1|\,|w_2|^{T-1} \textstyle\prod_{k=1}^{T} s_k"
    if length == 1:
        log_w2 = 0.0  # w2^0 = 1, even for w2 = 0
    else:
        log_w2 = (length - 1) * math.log10(abs(w2)) if w2 != 0 else -math.inf
    value = math.log10(abs(w1 * w3)) + log_w2 + log10_slopes if w1 * w3 != 0 else -math.inf
    slopes, result = latex_number(log10_slopes), latex_number(value)
    # Two numbers in powers of ten ("× 3.36 × 10^{-435} = 1.29 × 10^{-480}") need a line each.
    both_long = r"\times 10" in slopes and r"\times 10" in result
    end = rf"\times {slopes} \\ = {result}" if both_long else rf"\times {slopes} = {result}"
    plugged = rf"= {abs(w3):g} \times {abs(w1):g} \times {w2_power_latex(w2, length - 1)} \\ {end}"
    return symbolic, plugged, value


W2_GRADIENT_FORMULA = (
    r"\begin{gathered} \frac{\partial L}{\partial w_2} = \sum_{t=2}^{T} \frac{\partial L}{\partial z_t}\, h_{t-1}"
    r" \\ \frac{\partial L}{\partial z_t} = 2\,(y_T - 1)\, w_3\, s_t"
    r" \\ \times \textstyle\prod_{k>t} w_2 s_k \end{gathered}"
)


def change_words(log10_ratio: float, plural: bool = False) -> str:
    """How much something changes from the newest input to the oldest, in words ("shrinks by ...")."""
    verbs = ("grow", "shrink", "stay") if plural else ("grows", "shrinks", "stays")
    if log10_ratio >= 1:
        return f"{verbs[0]} by a factor of {from_log10(log10_ratio)}"
    if log10_ratio <= -1:
        return f"{verbs[1]} by a factor of {from_log10(-log10_ratio)}"
    return f"{verbs[2]} within a factor of 10"


def each_input_notice(logs: np.ndarray, w2: float, activation: str) -> str:
    """What to notice on the per-input chart: the oldest against the newest, and why."""
    first, last = float(logs[0]), float(logs[-1])
    if not np.isfinite(logs).any():
        return "Every input's gradient is exactly 0: nothing flows back."
    if np.isneginf(logs).any():
        off = int(np.isneginf(logs).sum())
        return f"{off} of {len(logs)} inputs count exactly 0: a ReLU that is off passes no gradient back."
    text = f"The oldest input counts {from_log10(first)}, the newest {from_log10(last)}"
    if len(logs) == 1:
        return text + "."
    if activation in ("tanh", "sigmoid"):
        return text + f": each step back multiplies by |w2| = {abs(w2):g} times a slope below 1."
    return text + f": each step back multiplies by |w2| = {abs(w2):g}."


def heatmap_notice(activation: str, bound: float) -> str:
    """What to notice on the heatmap: where its boundary lies for this activation."""
    if bound == 1.0:
        return "Inside the dashed lines (|w2| < 1) every column fades as T grows; outside, it explodes."
    return (
        f"{activation}'s slope is at most {1 / bound:g}, so a column can only explode beyond |w2| = {bound:g} "
        "(the outer dashed lines)."
    )


def share_of_last_steps(log10_steps: np.ndarray, fraction: float = 0.1) -> float:
    """How much of the pieces' total magnitude comes from the last ``fraction`` of the steps."""
    finite = np.isfinite(log10_steps)
    if not finite.any():
        return 0.0
    weights = np.zeros_like(log10_steps)
    weights[finite] = 10.0 ** (log10_steps[finite] - log10_steps[finite].max())
    last = max(1, int(round(len(log10_steps) * fraction)))
    return float(weights[-last:].sum() / weights.sum())


def pieces_notice(log10_steps: np.ndarray) -> str:
    """What to notice among dL/dw2's pieces: which end of the sequence makes up the sum."""
    finite = np.flatnonzero(np.isfinite(log10_steps))
    if len(finite) == 0:
        return "Every piece is exactly 0 here, so w2 gets no gradient."
    share = share_of_last_steps(log10_steps)
    if len(finite) >= 2 and log10_steps[finite[0]] - log10_steps[finite[-1]] >= 1:
        return f"The earliest steps dominate: the last tenth of the steps adds only {100 * share:.0f}% of the sum."
    return f"The last tenth of the steps makes up {100 * share:.0f}% of the sum: early steps add next to nothing."


def step_notice(log10_step: float, log10_clipped: float, w2: float) -> str:
    """What to notice about one training step, plain against clipped."""
    if log10_step == -math.inf:
        return "The gradient is exactly 0 here: neither step moves."
    size = math.log10(max(abs(w2), 1e-12))
    if log10_step > size + 1:
        return f"The plain step is thrown off the chart; the clipped one moves {from_log10(log10_clipped)}."
    if log10_clipped < log10_step:
        return f"The plain step is {from_log10(log10_step)} long; clipping shortens it to {from_log10(log10_clipped)}."
    return f"The plain step is {from_log10(log10_step)} long: clipping changes nothing here."


def gates_notice(logs: np.ndarray, gated: dict[str, np.ndarray]) -> str:
    """What to notice on the gates chart: each model's oldest input, and whether two lines overlap."""
    parts = [f"the vanilla RNN's {from_log10(float(logs[0]))}"]
    parts += [f"the {name}'s {from_log10(float(values[0]))}" for name, values in gated.items()]
    text = "The oldest input counts " + ", ".join(parts) + "."
    values = list(gated.values())
    if len(values) == 2 and np.nanmax(np.abs(values[0] - values[1])) < 0.3:
        text += " The LSTM (dashed) and GRU (dotted) lines lie on top of each other."
    return text
