"""The Gradient lab's sentences, formulas and derived facts, built from engine numbers (no Streamlit).

Every function here takes numbers and returns text or numbers, so each can be unit-tested
and reused by another page (a guided lesson) with its own settings.
"""

from __future__ import annotations

import math
import re

import numpy as np

import rnn_core as rc
from ui.claims import Said, claim, general, said
from ui.claims.lab import piece_shares, share_class
from ui.kit.format import from_log10, signed, significant

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


# -- what to notice, built from the numbers of the setting on screen (see ``ui.claims``) -------------
# Said in a lesson's question about the first input, until it is answered (the numbers would tell it).
MASKED_NOTICE = general("the first input is the curve's left end; the question is about its size.")
HEATMAP_MASKED_NOTICE = general("the diamond's colour is the first input's gradient at your w2 and T.")
GATES_MASKED_NOTICE = general("each line's left end is how much the first day still pulls.")


def each_input_notice(logs: np.ndarray, w2: float, activation: str) -> Said:
    """What to notice on the per-input chart: the oldest input against the newest, and why."""
    about = {"w2": w2, "length": len(logs), "activation": activation}
    if not np.isfinite(logs).any():
        return said(
            "Every input's gradient is exactly 0: nothing flows back.",
            claim("zero", **about),
            claim("inputs_zero", count=len(logs), **about),
        )
    if np.isneginf(logs).any() and w2 == 0:
        return said(
            f"w2 = 0 cuts the chain: only the newest input counts, the other {len(logs) - 1} exactly 0.",
            claim("inputs_zero", count=len(logs) - 1, **about),
        )
    if np.isneginf(logs).any():
        off = int(np.isneginf(logs).sum())
        return said(
            f"{off} of {len(logs)} inputs count exactly 0: a ReLU that is off passes no gradient back.",
            claim("zero", **about),
            claim("inputs_zero", count=off, **about),
            claim("relu_switches_off", **about),
        )
    text = f"The oldest input counts {from_log10(float(logs[0]))}, the newest {from_log10(float(logs[-1]))}"
    if len(logs) == 1:
        return said(text + ".")
    if activation in ("relu", "identity"):
        return said(
            text + f": each step back multiplies by |w2| = {abs(w2):g}.", claim("step_factor", exact=True, **about)
        )
    slope = "below 1" if rc.MAX_SLOPE[activation] == 1 else f"of at most {rc.MAX_SLOPE[activation]:g}"
    return said(
        text + f": each step back multiplies by |w2| = {abs(w2):g} times a slope {slope}.",
        claim("step_factor", exact=False, **about),
    )


def w2_range_text(chosen: np.ndarray, grid: np.ndarray) -> str:
    """Which of the chart's columns ``grid`` are ``chosen``, in a few words: 'w2 ≥ 1.1',
    '|w2| from 0.1 to 0.9', 'w2 ≤ −1 and w2 = 0'."""
    grid = np.asarray(grid, dtype=float)
    inside = np.isin(grid, chosen)
    runs, start = [], None
    for i, flag in enumerate([*inside, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((float(grid[start]), float(grid[i - 1]), start == 0, i - 1 == len(grid) - 1))
            start = None

    def phrase(a: float, b: float, at_min: bool, at_max: bool, name: str) -> str:
        if a == b:
            return f"{name} = {signed(a)}"
        if at_min:
            return f"{name} ≤ {signed(b)}"
        if at_max:
            return f"{name} ≥ {signed(a)}"
        return f"{name} from {signed(a)} to {signed(b)}"

    parts, used = [], set()
    for i, (a, b, at_min, at_max) in enumerate(runs):
        if i in used:
            continue
        twin = next(
            (j for j, (c, d, _, _) in enumerate(runs) if j > i and math.isclose(c, -b) and math.isclose(d, -a)), None
        )
        if b < 0 and twin is not None:  # the same band on both sides of 0: say it once, of |w2|
            used.add(twin)
            c, d, _, twin_at_max = runs[twin]
            parts.append(phrase(c, d, False, twin_at_max, "|w2|"))
        else:
            parts.append(phrase(a, b, at_min, at_max, "w2"))
    return " and ".join(parts)


VERBS = {
    "explodes": "explodes for {}",
    "steady": "stays within 10× at {}",
    "zero": "exactly 0 at {}",
    "fades": "fades for {}",
}


def heatmap_notice(activation: str, longest: int, w2s: np.ndarray, log_shares: np.ndarray) -> Said:
    """What to notice on the heatmap: at its top row (``longest``), which columns explode, fade or
    are exactly 0, from the oldest input's share of the newest in each column (``log_shares``)."""
    w2s = np.asarray(w2s, dtype=float)
    kinds = np.array([share_class(float(v)) for v in log_shares])
    present = [k for k in ("explodes", "steady", "zero", "fades") if (kinds == k).any()]
    claims = [
        claim(kind, w2=float(w2), length=longest, activation=activation) for w2, kind in zip(w2s, kinds, strict=True)
    ]
    # Fading is "elsewhere" (else the class with the most columns); the others are named by their columns.
    rest = "fades" if "fades" in present else max(present, key=lambda k: int((kinds == k).sum()))
    parts = []
    for kind in present:
        if kind == rest:
            continue
        columns = kinds == kind
        if kind == "zero" and activation == "relu" and (columns & (w2s < 0)).any():
            # a negative w2 switches the ReLU off (said where it holds); w2 = 0 cuts the chain itself
            off, cut = columns & (w2s < 0), columns & (w2s >= 0)
            part = f"exactly 0 at {w2_range_text(w2s[off], w2s)} (ReLU off)"
            if cut.any():
                part += f" and at {w2_range_text(w2s[cut], w2s)}"
            claims += [claim("relu_switches_off", w2=float(w2), length=longest, activation="relu") for w2 in w2s[off]]
        else:
            part = VERBS[kind].format(w2_range_text(w2s[columns], w2s))
        parts.append(part)
    last = {"explodes": "explodes", "steady": "stays within 10×", "zero": "exactly 0", "fades": "fades"}[rest]
    parts.append(f"{last} elsewhere" if parts else f"{last} in every column")
    listed = ", ".join(parts[:-1]) + (", and " if len(parts) > 2 else " and " if len(parts) == 2 else "") + parts[-1]
    text = f"At T = {longest}: {listed}."
    if "explodes" not in present and activation in ("tanh", "sigmoid"):
        text += f" Nowhere here does it explode: {activation} saturates, and its slopes outweigh |w2|."
        claims.append(claim("never_explodes", w2s=tuple(float(w) for w in w2s), length=longest, activation=activation))
    return said(text, *claims)


def capitalised(sentence: Said) -> Said:
    return Said(sentence.text[:1].upper() + sentence.text[1:], sentence.claims, sentence.general)


def pieces_notice(log10_steps: np.ndarray, w2: float, activation: str) -> Said:
    """What to notice among dL/dw2's pieces: which steps make up their total size."""
    T = len(log10_steps)
    about = {"w2": w2, "length": T, "activation": activation}
    finite = np.flatnonzero(np.isfinite(log10_steps))
    if len(finite) == 0:
        return said("Every piece is exactly 0 here, so w2 gets no gradient.", claim("pieces_zero", **about))
    shares = piece_shares(log10_steps)
    k = max(1, int(round(T * 0.1)))
    last_share = f"{100 * shares[-k:].sum():.0f}"
    last = said(
        f"{'the last step' if k == 1 else f'the last {k} steps'} add{'s' if k == 1 else ''} {last_share}% of the "
        "pieces' total size",
        claim("piece_share", first=T - k + 1, last=T, shown=last_share, **about),
    )
    if len(finite) >= 2 and log10_steps[finite[0]] - log10_steps[finite[-1]] >= 1:
        return "The earliest steps dominate: " + last + said(".", claim("earliest_dominate", **about))
    half = T // 2
    if half >= 1 and shares[:half].sum() < 0.01:
        return said("Early steps add next to nothing: ", claim("early_pieces_tiny", **about)) + last + "."
    if half >= 1 and k < T:
        first_share = f"{100 * shares[:half].sum():.0f}"
        first = said(
            f"; the first {half} add{'s' if half == 1 else ''} {first_share}%",
            claim("piece_share", first=1, last=half, shown=first_share, **about),
        )
        return capitalised(last) + first + "."
    return capitalised(last) + "."


def step_notice(
    w2: float,
    length: int,
    activation: str,
    lr: float,
    threshold: float,
    log_norm: float,
    leaves: tuple[bool, bool],
    reach: float,
) -> Said:
    """What to notice about one training step from the diamond, plain against clipped; ``leaves``
    says whether the plain and the clipped first step land off the chart, which spans |w2|, |w1| <=
    ``reach``."""
    about = {"w2": w2, "length": length, "activation": activation}
    plain = math.log10(lr) + log_norm
    clipped = math.log10(lr) + min(log_norm, math.log10(threshold))
    if log_norm == -math.inf:
        return said("The gradient is exactly 0 here: neither step moves.", claim("gradient_zero", **about))
    clip_claim = (
        claim("clipping_shortens", threshold=threshold, **about)
        if log_norm > math.log10(threshold)
        else claim("clipping_idle", threshold=threshold, **about)
    )
    reach = {"lr": lr, "reach": reach}
    if leaves[0] and leaves[1]:
        return said(
            f"Both steps are thrown off the chart: clipping at τ = {threshold:g} still allows a step of "
            f"{from_log10(clipped)}.",
            claim("plain_step_leaves", **reach, **about),
            claim("plain_step_leaves", threshold=threshold, **reach, **about),
        )
    if leaves[0]:
        return said(
            f"The plain step is thrown off the chart; clipping shortens it to {from_log10(clipped)}.",
            claim("plain_step_leaves", **reach, **about),
            clip_claim,
        )
    if log_norm > math.log10(threshold):
        return said(
            f"The plain step is {from_log10(plain)} long; clipping shortens it to {from_log10(clipped)}.", clip_claim
        )
    return said(f"The plain step is {from_log10(plain)} long: clipping changes nothing here.", clip_claim)


def gates_notice(length: int, log_shares: dict[str, float], about: dict) -> Said:
    """What to notice on the gates chart: how hard each model's oldest input still pulls on the
    prediction against its newest after ``length`` days (``log_shares``: log10 of that share, by the
    model's name, the vanilla RNN first), and what the gates did about it. ``about``: the w2,
    activation and gate bias of the state shown."""
    if length == 1:
        return said("With one day the oldest input is the newest: move T to compare.")
    (vanilla_name, vanilla), *gated_shares = log_shares.items()
    gated = [name for name, _ in gated_shares]
    pulls = [f"{from_log10(value)} in the {name}" for name, value in log_shares.items()]
    text = said(f"After {length} days the oldest input keeps " + ", ".join(pulls[:-1]) + f" and {pulls[-1]}")
    lab = {"w2": about["w2"], "length": length, "activation": about["activation"]}

    def of(name: str, kind: str):
        return claim(kind, model=name.lower(), gate_bias=about["gate_bias"], **lab)

    def they(names: list[str], verb: str) -> str:
        return " and ".join(names) + f" {verb}{'s' if len(names) == 1 else ''}"

    if vanilla == -math.inf and about["w2"] == 0:
        return text + said(
            f". w2 = 0 cuts the {vanilla_name}'s chain, so its oldest input counts exactly 0.", claim("zero", **lab)
        )
    if vanilla == -math.inf:
        return text + said(
            f". The {vanilla_name}'s ReLU switches off on the way, so its oldest input counts exactly 0.",
            claim("zero", **lab),
            claim("relu_switches_off", **lab),
        )
    classes = {name: share_class(value) for name, value in gated_shares}
    if share_class(vanilla) == "explodes" and "explodes" not in classes.values():
        return text + said(
            f": the {vanilla_name}'s explodes.",
            claim("explodes", **lab),
        )
    slower = [name for name, value in gated_shares if value >= vanilla + 1]
    if slower == gated:
        sentence = said(": the gates slow the fade", *(of(name, "gated_slower") for name in gated))
        still = [name for name in gated if classes[name] == "fades"]
        if still:
            return (
                text
                + sentence
                + said(f", but do not stop it: {they(still, 'still fade')}.", *(of(name, "fades") for name in still))
            )
        return text + sentence + "."
    others = [name for name in gated if name not in slower]
    if not slower:
        return text + said(
            f". Here no gated cell keeps 10 times more than the {vanilla_name}.",
            *(of(name, "gated_not_slower") for name in gated),
        )
    return text + said(
        f". Here the {' and '.join(slower)} keeps far more than the {vanilla_name}, "
        f"the {' and '.join(others)} less than 10 times more.",
        *(of(name, "gated_slower") for name in slower),
        *(of(name, "gated_not_slower") for name in others),
    )


def cliff_notice(
    start_w: float, lr: float, threshold: float, steps: int, longest_jump: float, longest_step: int, leaves: bool
) -> Said:
    """What to notice on the cliff: whether the plain path is thrown off the chart, and what a clipped
    step can be at most (``lr`` times ``threshold``)."""
    about = {"start_w": start_w, "lr": lr, "threshold": threshold, "steps": steps}
    cap = significant(lr * threshold)
    if leaves and longest_jump > lr * threshold:
        return said(
            f"At step {longest_step} the plain path (orange) is thrown {significant(longest_jump)}, off the chart; "
            f"a clipped step (blue) is at most {cap}.",
            claim("cliff_thrown_off", **about),
            claim("cliff_clip_acts", **about),
        )
    if leaves:
        return said(
            f"At step {longest_step} the plain path (orange) is thrown {significant(longest_jump)}, off the chart; "
            f"no step is longer than the clip at {cap}, so the clipped path (blue) is the same.",
            claim("cliff_thrown_off", **about),
            claim("cliff_clip_idle", **about),
        )
    if longest_jump > lr * threshold:
        return said(
            f"The plain path's (orange) longest step, step {longest_step}, is {significant(longest_jump)}; "
            f"a clipped step (blue) is at most {cap}.",
            claim("cliff_clip_acts", **about),
        )
    return said(
        f"From here neither path reaches the wall: no plain step is longer than {significant(longest_jump)}, "
        f"so clipping at {cap} changes nothing.",
        claim("cliff_clip_idle", **about),
    )


# -- text alternatives: what each chart shows, for a screen reader (the chart's ``alt``) -------------
# A chart's alt text is what it draws, then the sentence beside it (the same ``Said``, with its
# claims), so it states the numbers on screen. Streamlit puts the alt text into the chart's spec, so a
# new text redraws the chart: the figures that follow the hand (an in-chart w2 slider) keep one text
# while they are dragged, and their read-out above the plot, which names w2 and the first input's
# gradient under the hand, is itself labelled for a screen reader (``ui.kit.drag_charts``).

INPUTS_ALT = general(
    "Line chart, on a log scale, of how much each day's input still moves the prediction: computed "
    "(solid) and the closed form without slopes (dashed), with its own w2 slider. The read-out above the "
    "plot names w2 and the first input's gradient."
)
HEATMAP_ALT = general(
    "Heatmap of the first input's gradient over w2 (across) and T (up), orange above 1 and blue below, "
    "with its own w2 slider; the diamond is the setting, and the read-out above the plot names w2, T and "
    "the first input's gradient there."
)


def chart_alt(shows: str, notice: Said) -> Said:
    """A chart's text alternative: what it draws (``shows``, true of every state), then ``notice``."""
    return general(shows + " ") + capitalised(notice)


def pieces_alt(length: int, w2: float, activation: str, notice: Said) -> Said:
    return chart_alt(
        f"Dots, on a log scale, of the size of each of the {length} steps' pieces of dL/dw2 at w2 = {w2:g} "
        f"with {activation}; a dot is an upward triangle where its piece pushes w2 up, a downward one where "
        "it pushes w2 down.",
        notice,
    )


def step_alt(length: int, w2: float, log_norm: float, notice: Said) -> Said:
    return chart_alt(
        f"Heatmap of the loss over w2 and w1 at T = {length}, with a plain descent path (orange, dashed, "
        f"squares) and a clipped one (blue, solid, circles) from the diamond at w2 = {w2:g}, where the "
        f"gradient's norm is {from_log10(log_norm)}.",
        notice,
    )


def cliff_alt(start_w: float, notice: Said) -> Said:
    return chart_alt(
        "Heatmap of the classic unit's error over w and b, with a plain descent path (orange, dashed, "
        f"squares) and a clipped one (blue, solid, circles) from w = {start_w:g}, b = −2.",
        notice,
    )


def gates_alt(length: int, notice: Said) -> Said:
    return chart_alt(
        f"Lines, on a log scale, of each of {length} inputs' gradient as a share of the newest input's, for "
        "the vanilla RNN (solid), an LSTM and a GRU (each its own dash).",
        notice,
    )
