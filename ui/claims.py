"""Sentences about the state on screen, the claims each one makes, and the checks behind them.

A sentence builder returns a ``Said``: the text a learner reads and the ``Claim``s it makes about
the state on screen ("the first input's gradient explodes", "w2 = 0, so nothing reaches day 2").
A claim names a check in ``CHECKS`` and the state it is about; ``Claim.holds()`` computes the
check afresh from rnn_core's numbers for that state, never from the numbers the sentence was
built from. Each check also lists the words that make its claim (``explodes``, ``exactly 0``,
``cancels`` ...): ``unbacked_words`` finds a sentence that uses such a word without declaring a
claim that backs it. A statement that is true of every state (a law the lesson states, a hint
that says how to work something out) is ``general``: it makes no claim about the state shown.

The truth test sweeps states, builds every sentence for each and checks every claim; the
screen test reads every page and finds no claim word outside a sentence built here.
No Streamlit in this module.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

import rnn_core as rc
from rnn_core import analysis as an
from rnn_core.data import decode, encode

# -- claims and sentences ------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """A predicate on the engine's numbers for a state, and the words whose use it backs."""

    test: Callable[..., bool]
    words: tuple[str, ...]


CHECKS: dict[str, Check] = {}


def check(kind: str, *words: str):
    """Register ``test`` as the check of the claims of ``kind``, backing ``words`` (regular expressions)."""

    def register(test: Callable[..., bool]) -> Callable[..., bool]:
        CHECKS[kind] = Check(test, words)
        return test

    return register


def _frozen(value):
    """A claim's state as hashable values: lists become tuples, dicts sorted (name, value) pairs."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, np.floating | np.integer):
        return value.item()
    return value


@dataclass(frozen=True)
class Claim:
    """One thing a sentence says about the state on screen: check ``kind`` on the state ``about``."""

    kind: str
    about: tuple[tuple[str, object], ...]

    def holds(self) -> bool:
        return bool(CHECKS[self.kind].test(**dict(self.about)))

    def __str__(self) -> str:
        return f"{self.kind}(" + ", ".join(f"{k}={v!r}" for k, v in self.about) + ")"


def claim(kind: str, **about) -> Claim:
    if kind not in CHECKS:
        raise KeyError(f"no check for claims of kind {kind!r}")
    return Claim(kind, tuple(sorted((name, _frozen(value)) for name, value in about.items())))


@dataclass(frozen=True)
class Said:
    """A sentence a learner reads, with the claims it makes about the state on screen.

    ``general`` holds the stretches of ``text`` (start, end) that speak generally: a law, a way to
    work something out, a choice offered, a topic's name; they make no claim about the state shown."""

    text: str
    claims: tuple[Claim, ...] = ()
    general: tuple[tuple[int, int], ...] = ()

    def __add__(self, other: Said | str) -> Said:
        other = other if isinstance(other, Said) else Said(other)
        shift = len(self.text)
        moved = tuple((a + shift, b + shift) for a, b in other.general)
        return Said(self.text + other.text, self.claims + other.claims, self.general + moved)

    def __radd__(self, other: str) -> Said:
        return Said(other) + self


def said(text: str, *claims: Claim) -> Said:
    return Said(text, tuple(claims))


def general(text: str) -> Said:
    """A statement true of every state the page can show (a law, a way to work something out, a
    choice offered, a topic's name): it makes no claim about the state on screen."""
    return Said(text, (), ((0, len(text)),))


def joined(parts: Iterable[Said | str], sep: str = " ") -> Said:
    out = Said("")
    for i, part in enumerate(parts):
        out = out + (sep if i else "") + part
    return out


def claim_words(text: str) -> list[tuple[int, int, str]]:
    """Where ``text`` uses a word that makes a claim: (start, end, the vocabulary entry)."""
    found = {(m.start(), m.end(), word) for word in VOCABULARY for m in re.finditer(word, text, flags=re.IGNORECASE)}
    return sorted(found)


def backed_spans(sentence: Said) -> list[tuple[int, int]]:
    """The stretches of a sentence's text that it backs: every match of a word of a declared claim's
    check, and its general stretches."""
    words = {word for c in sentence.claims for word in CHECKS[c.kind].words}
    spans = [(m.start(), m.end()) for word in words for m in re.finditer(word, sentence.text, flags=re.IGNORECASE)]
    return spans + list(sentence.general)


def unbacked_words(sentence: Said) -> list[str]:
    """The claim words a sentence uses without a claim that backs them."""
    return uncovered_words(sentence.text, [sentence])


def _squeezed(text: str) -> tuple[str, list[int]]:
    """``text`` with every run of white space made one space and the ends trimmed, and for each
    character kept its index in ``text`` (Streamlit trims and re-indents what it shows)."""
    kept, where = [], []
    for i, char in enumerate(text):
        if char.isspace():
            if kept and kept[-1] != " ":
                kept.append(" ")
                where.append(i)
        else:
            kept.append(char)
            where.append(i)
    while kept and kept[-1] == " ":
        kept.pop()
        where.pop()
    return "".join(kept), where


def uncovered_words(text: str, sentences: Iterable[Said]) -> list[str]:
    """The claim words in ``text`` (as shown on screen) that no built sentence inside it backs.

    A sentence is found in the text with white space compared loosely, as Streamlit trims it."""
    screen, _ = _squeezed(text)
    backed = []
    for sentence in sentences:
        squeezed, where = _squeezed(sentence.text)
        if not squeezed:
            continue
        # Each backed stretch of the sentence, in the squeezed sentence's positions.
        stretches = []
        for a, b in backed_spans(sentence):
            inside = [k for k, i in enumerate(where) if a <= i < b]
            if inside:
                stretches.append((inside[0], inside[-1] + 1))
        start = screen.find(squeezed)
        while start >= 0:
            backed += [(start + a, start + b) for a, b in stretches]
            start = screen.find(squeezed, start + 1)
    merged: list[list[int]] = []  # overlapping backed stretches joined: words of two checks may overlap
    for lo, hi in sorted(backed):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [screen[a:b] for a, b, _ in claim_words(screen) if not any(lo <= a and b <= hi for lo, hi in merged)]


def false_claims(sentence: Said) -> list[Claim]:
    return [c for c in sentence.claims if not c.holds()]


# -- the lab's network: how much each input still counts -------------------------------------------
LESSON = rc.STATQUEST_WEIGHTS  # w1 1.8, w2 -0.5, b1 0, w3 1.1, b2 0
GATED_UNITS = 4
STEADY = 1.0  # within a factor of 10 (one decade) an input's pull is said to stay


@functools.lru_cache(maxsize=512)
def input_logs(w2: float, length: int, activation: str = "relu", model: str = "vanilla", gate_bias: float = 0.0):
    """log10 |d y_T / d x_t|, t = 1 .. T, on the lab's sequence (T high days) for the lesson's network
    with this w2 (``model`` "vanilla"), or for the lab's untrained LSTM or GRU with this memory-gate bias."""
    xs = an.input_pattern("constant", int(length))
    if model == "vanilla":
        logs = an.log10_input_gradients(xs, LESSON["w1"], float(w2), LESSON["b1"], LESSON["w3"], activation)
    else:
        logs = an.log10_gated_input_gradients(an.memory_gate_model(model, GATED_UNITS, float(gate_bias)), xs)
    logs = np.asarray(logs, dtype=float)
    logs.setflags(write=False)
    return logs


def oldest_share(w2: float, length: int, activation: str = "relu", model: str = "vanilla", gate_bias: float = 0.0):
    """log10 of how much the oldest input counts at the end, as a share of the newest input:
    |d y_T / d x_1| / |d y_T / d x_T|; -inf when the oldest counts exactly 0, nan when both do."""
    logs = input_logs(w2, length, activation, model, gate_bias)
    if logs[0] == -math.inf:
        return -math.inf
    return float(logs[0] - logs[-1]) if np.isfinite(logs[-1]) else math.nan


def share_class(log_share: float) -> str:
    """'explodes', 'fades', 'zero' or 'steady': the oldest input's share in one word."""
    if log_share == -math.inf:
        return "zero"
    if log_share >= STEADY:
        return "explodes"
    if log_share <= -STEADY:
        return "fades"
    return "steady"


LAB = ("w2", "length", "activation", "model", "gate_bias")


def _share_is(cls: str):
    def test(w2, length, activation="relu", model="vanilla", gate_bias=0.0) -> bool:
        return share_class(oldest_share(w2, length, activation, model, gate_bias)) == cls

    return test


check("explodes", r"\bexplod\w*", r"\bblows? up")(_share_is("explodes"))
check("fades", r"\bvanish\w*", r"\bfad(?:e|es|ed|ing)\b", r"stops? counting")(_share_is("fades"))
check("zero", r"exactly 0", r"\bnothing flows\b", r"passes no gradient")(_share_is("zero"))
check("steady", r"\bsteady\b", r"within (?:a factor of )?10\b")(_share_is("steady"))


@check("never_explodes", r"nowhere here does it explode")
def _never_explodes(w2s, length, activation) -> bool:
    """None of these columns explodes at this length."""
    return all(share_class(oldest_share(w2, length, activation)) != "explodes" for w2 in w2s)


@check("relu_switches_off", r"switch\w* (?:\w+ ){0,3}off", r"\bis off\b", r"\bwas off\b", r"\bReLU off\b")
def _relu_switches_off(w2, length, activation="relu") -> bool:
    """The lesson's ReLU unit has a slope of exactly 0 on some step of the lab's sequence."""
    if activation != "relu":
        return False
    trace = an.scaled_forward(an.input_pattern("constant", int(length)), LESSON["w1"], float(w2), LESSON["b1"], "relu")
    return bool(np.isneginf(trace.log10_slope).any())


@check("inputs_zero", r"exactly 0")
def _inputs_zero(w2, length, activation, count) -> bool:
    """Exactly ``count`` of the T inputs count exactly 0 at the end."""
    return int(np.isneginf(input_logs(w2, length, activation)).sum()) == int(count)


@check("step_factor", r"multiplies by")
def _step_factor(w2, length, activation, exact) -> bool:
    """Going one input back multiplies its gradient by |w2| (``exact``) or by |w2| times a slope below 1."""
    logs = input_logs(w2, length, activation)
    if len(logs) < 2 or not np.isfinite(logs).all():
        return False
    factors = logs[:-1] - logs[1:]
    log_w2 = math.log10(abs(w2)) if w2 != 0 else -math.inf
    if exact:
        return bool(np.allclose(factors, log_w2, atol=1e-9))
    return bool((factors < log_w2 + math.log10(rc.MAX_SLOPE[activation]) + 1e-9).all())


@check("gated_slower", r"slows? (?:the|their) fade", r"\bfar more slowly", r"keeps? far more")
def _gated_slower(w2, length, activation, model, gate_bias) -> bool:
    """The gated model's oldest input keeps at least 10 times the vanilla RNN's share."""
    gated = oldest_share(w2, length, activation, model, gate_bias)
    vanilla = oldest_share(w2, length, activation)
    return math.isfinite(gated) and (vanilla == -math.inf or gated >= vanilla + STEADY)


@check("memory_gates_near", r"gates near σ\(b\)")
def _memory_gates_near(gate_bias, length, within=0.15) -> bool:
    """The lab's LSTM forget gate and GRU update gate stay within ``within`` of sigmoid(b) on every step
    of the lab's sequence."""
    keep = 1.0 / (1.0 + math.exp(-gate_bias))
    lo, hi = memory_gate_range(gate_bias, length)
    return keep - within <= lo and hi <= keep + within


@functools.lru_cache(maxsize=64)
def memory_gate_range(gate_bias: float, length: int) -> tuple[float, float]:
    """The lowest and highest value of the lab's LSTM forget gate and GRU update gate on its sequence."""
    xs = np.ones((1, int(length), 1))
    values = [
        an.memory_gate_model(kind, GATED_UNITS, float(gate_bias)).forward(xs).gates[0, :, GATED_UNITS : 2 * GATED_UNITS]
        for kind in ("lstm", "gru")
    ]
    return float(min(v.min() for v in values)), float(max(v.max() for v in values))


@check("memory_gates_between", r"gates between")
def _memory_gates_between(gate_bias, length, low, high) -> bool:
    """Every memory gate value lies within [low, high] as shown (to the 2 decimals written)."""
    lo, hi = memory_gate_range(gate_bias, length)
    return low - 0.005 <= lo and hi <= high + 0.005


@check("keeps_pull", r"keeps? counting", r"still feels?\b", r"keeps? a long memory")
def _keeps_pull(w2, length, activation="relu", model="vanilla", gate_bias=0.0) -> bool:
    """The oldest input still pulls at least a tenth as hard as the newest (it neither fades nor is 0)."""
    return share_class(oldest_share(w2, length, activation, model, gate_bias)) in ("steady", "explodes")


@check("gated_not_slower", r"keeps? 10 times more", r"less than 10 times more")
def _gated_not_slower(w2, length, activation, model, gate_bias) -> bool:
    """The gated model's oldest input keeps less than 10 times the vanilla RNN's share."""
    return oldest_share(w2, length, activation, model, gate_bias) < oldest_share(w2, length, activation) + STEADY


@check("steady_band", r"\bband\b", r"within (?:a factor of )?10\b")
def _steady_band(length, low, high, activation="relu") -> bool:
    """Over ``length`` days, on the 0.001 grid, the w2 around 1 that keep the oldest input within a factor
    of 10 of the newest run from ``low`` to ``high``."""
    return steady_band(int(length), activation) == (low, high)


def steady_band(length: int, activation: str = "relu") -> tuple[float, float] | None:
    """The run of w2 around 1 (on a 0.001 grid) whose oldest input stays within a factor of 10 of the newest."""
    found = steady_w2s(length, activation)
    if not np.isclose(found, 1.0).any():
        return None
    steps = np.round(found * 1000).astype(int)
    at = int(np.flatnonzero(steps == 1000)[0])
    lo = hi = at
    while lo > 0 and steps[lo - 1] == steps[lo] - 1:
        lo -= 1
    while hi < len(steps) - 1 and steps[hi + 1] == steps[hi] + 1:
        hi += 1
    return float(found[lo]), float(found[hi])


def steady_w2s(length: int, activation: str = "relu") -> np.ndarray:
    """The w2 on a 0.001 grid over [-3, 3] whose oldest input stays within a factor of 10 of the newest."""
    grid = np.round(np.arange(-3000, 3001) / 1000.0, 3)
    xs = an.input_pattern("constant", int(length))
    logs = an.log10_input_gradients(xs, LESSON["w1"], grid, LESSON["b1"], LESSON["w3"], activation)
    with np.errstate(invalid="ignore"):
        share = logs[0] - logs[-1]
    return grid[np.isfinite(share) & (np.abs(share) < STEADY)]


# -- the lab's loss: dL/dw2's pieces and one training step ----------------------------------------------
def _pieces(w2, length, activation) -> an.LogW2Gradient:
    xs = an.input_pattern("constant", int(length))
    return an.log10_w2_gradient(xs, LESSON["w1"], w2, LESSON["b1"], LESSON["w3"], LESSON["b2"], 1.0, activation)


def piece_shares(log10_steps: np.ndarray) -> np.ndarray:
    """Each piece's share of the pieces' total size (their magnitudes added, signs ignored)."""
    logs = np.asarray(log10_steps, dtype=float)
    sizes = np.zeros_like(logs)
    finite = np.isfinite(logs)
    if finite.any():
        sizes[finite] = 10.0 ** (logs[finite] - logs[finite].max())
    total = sizes.sum()
    return sizes / total if total > 0 else sizes


@check("pieces_zero", r"every piece is exactly 0", r"w2 gets no gradient")
def _pieces_zero(w2, length, activation) -> bool:
    return bool(np.isneginf(_pieces(w2, length, activation).log10_steps).all())


@check("earliest_dominate", r"\bdominate")
def _earliest_dominate(w2, length, activation) -> bool:
    """The earliest nonzero piece is at least 10 times the last one."""
    logs = _pieces(w2, length, activation).log10_steps
    finite = np.flatnonzero(np.isfinite(logs))
    return len(finite) >= 2 and logs[finite[0]] - logs[finite[-1]] >= 1


@check("early_pieces_tiny", r"next to nothing")
def _early_pieces_tiny(w2, length, activation) -> bool:
    """The first half of the steps adds less than 1% of the pieces' total size."""
    shares = piece_shares(_pieces(w2, length, activation).log10_steps)
    return len(shares) >= 2 and shares[: len(shares) // 2].sum() < 0.01


@check("piece_share")
def _piece_share(w2, length, activation, first, last, shown) -> bool:
    """The steps from ``first`` to ``last`` (1-based) add ``shown`` percent of the pieces' total size."""
    shares = piece_shares(_pieces(w2, length, activation).log10_steps)
    return f"{100 * shares[first - 1 : last].sum():.0f}" == shown


def _first_step(w2, length, activation):
    """log10 |g| at (w2, w1 = 1.8) on the lab's loss, and g's direction as (along w2, along w1)."""
    xs = an.input_pattern("constant", int(length))
    _, (s1, l1), (s2, l2) = an.one_unit_log10_loss_and_grad(
        xs, LESSON["w1"], w2, LESSON["b1"], LESSON["w3"], LESSON["b2"], 1.0, activation
    )
    top = max(l1, l2)
    if top == -math.inf:
        return -math.inf, (0.0, 0.0)
    log_norm = top + 0.5 * math.log10(sum(10 ** (2 * (part - top)) for part in (l1, l2)))
    return log_norm, (s2 * 10 ** (l2 - log_norm), s1 * 10 ** (l1 - log_norm))


@check("gradient_zero", r"neither step moves", r"exactly 0")
def _gradient_zero(w2, length, activation) -> bool:
    return _first_step(w2, length, activation)[0] == -math.inf


@check("plain_step_leaves", r"thrown off", r"\boff the chart")
def _plain_step_leaves(w2, length, activation, lr, reach, threshold=None) -> bool:
    """The first descent step from (w2, w1 = 1.8), plain or clipped by norm at ``threshold``, lands
    outside the chart's square |w2|, |w1| <= ``reach``."""
    log_norm, (d2, d1) = _first_step(w2, length, activation)
    if threshold is not None:
        log_norm = min(log_norm, math.log10(threshold))
    log_step = math.log10(lr) + log_norm
    if log_step > math.log10(4 * reach):  # longer than the chart's diagonal: off it, whichever way
        return True
    step = 10.0**log_step
    return max(abs(w2 - step * d2), abs(LESSON["w1"] - step * d1)) > reach


@check("clipping_shortens", r"\bshortens\b")
def _clipping_shortens(w2, length, activation, threshold) -> bool:
    return _first_step(w2, length, activation)[0] > math.log10(threshold)


@check("clipping_idle", r"changes nothing")
def _clipping_idle(w2, length, activation, threshold) -> bool:
    return _first_step(w2, length, activation)[0] <= math.log10(threshold)


# -- the cliff (Pascanu et al.'s one sigmoid unit) ---------------------------------------------------------
CLIFF_BOX = ((1.0, 9.0), (-5.0, 0.0))  # the cliff chart's w and b ranges (ui.lab.specs draws this box)


@functools.lru_cache(maxsize=64)
def cliff_paths(start_w: float, lr: float, threshold: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    start = (float(start_w), -2.0)
    return (an.cliff_descent(start, lr, steps), an.cliff_descent(start, lr, steps, clip_threshold=threshold))


def on_cliff_chart(path: np.ndarray) -> np.ndarray:
    """For each point (w, b, ...) of a cliff path, whether the cliff chart shows it."""
    (w_lo, w_hi), (b_lo, b_hi) = CLIFF_BOX
    return (path[:, 0] >= w_lo) & (path[:, 0] <= w_hi) & (path[:, 1] >= b_lo) & (path[:, 1] <= b_hi)


def cliff_jumps(path: np.ndarray) -> np.ndarray:
    return np.hypot(*np.diff(path[:, :2], axis=0).T)


@check("cliff_thrown_off", r"thrown .{0,24}off the chart", r"leaps? off the chart")
def _cliff_thrown_off(start_w, lr, threshold, steps) -> bool:
    return not bool(on_cliff_chart(cliff_paths(start_w, lr, threshold, steps)[0]).all())


@check("cliff_clip_acts", r"\blongest step\b")
def _cliff_clip_acts(start_w, lr, threshold, steps) -> bool:
    """Some plain step is longer than a clipped step can be (lr * threshold)."""
    return bool(cliff_jumps(cliff_paths(start_w, lr, threshold, steps)[0]).max() > lr * threshold)


@check("cliff_clip_idle", r"neither path reaches the wall", r"changes nothing")
def _cliff_clip_idle(start_w, lr, threshold, steps) -> bool:
    return not _cliff_clip_acts(start_w, lr, threshold, steps)


# -- StatLand: the lesson's network on a few days ----------------------------------------------------------
def statland_trace(days: tuple[str, ...], weights: tuple[tuple[str, float], ...]):
    model = rc.statquest_rnn()
    for name, value in weights:
        model.params[name] = float(value)
    return model.forward(encode(list(days))[None])


@check("w2_is_zero", r"\bw2 = 0, so\b")
def _w2_is_zero(days, weights) -> bool:
    return dict(weights)["w2"] == 0


@check("carries_nothing", r"nothing to carry", r"carries nothing", r"nothing of day")
def _carries_nothing(days, weights) -> bool:
    """Day T's sum gets exactly 0 from the day before (w2 · h_(T-1) = 0)."""
    trace = statland_trace(days, weights)
    return float(trace.recurrent_term[0, -1, 0]) == 0.0


@check("hidden_zero")
def _hidden_zero(days, weights, day) -> bool:
    return float(statland_trace(days, weights).hidden[0, day - 1, 0]) == 0.0


@check("cancels", r"\bcancels?\b")
def _cancels(days, weights) -> bool:
    """On the last day w2 · h takes away at least all of w1 · x (which is positive)."""
    trace = statland_trace(days, weights)
    inp, rec = float(trace.input_term[0, -1, 0]), float(trace.recurrent_term[0, -1, 0])
    return inp > 0 and rec < 0 and inp + rec <= 0


@check("pulls_down", r"pulls .* down", r"takes .* off")
def _pulls_down(days, weights) -> bool:
    trace = statland_trace(days, weights)
    return float(trace.recurrent_term[0, -1, 0]) < 0


@check("adds_to", r"\badds \S+ to\b")
def _adds_to(days, weights) -> bool:
    trace = statland_trace(days, weights)
    return float(trace.recurrent_term[0, -1, 0]) > 0


@check("reads", r"\breads \*\*\w+\*\*")
def _reads(days, weights, word) -> bool:
    return decode(float(statland_trace(days, weights).y[0, 0])) == word


@check("sum_changes_without_w2", r"sum change")
def _sum_changes_without_w2(days, weights, w2_to) -> bool:
    """Moving w2 to ``w2_to`` changes the last day's sum."""
    moved = tuple((name, w2_to if name == "w2" else value) for name, value in weights)
    now, then = statland_trace(days, weights), statland_trace(days, moved)
    return float(now.pre_activation[0, -1, 0]) != float(then.pre_activation[0, -1, 0])


def rules_matched(weights: tuple[tuple[str, float], ...]) -> int:
    """How many of the four StatLand rules these weights predict (the output's nearest level is right)."""
    from rnn_core.data import four_rules

    model = rc.statquest_rnn()
    for name, value in weights:
        model.params[name] = float(value)
    xs, ys = four_rules()
    return sum(decode(a) == decode(b) for a, b in zip(model.predict(xs)[:, 0], ys[:, 0], strict=True))


@check("rules_matched", r"all four (?:StatLand )?rules", r"of the four rules")
def _rules_matched(weights, count) -> bool:
    return rules_matched(weights) == count


W2_INPUT_STEP = 0.05  # the lesson's w2 field steps by this much


@check("rules_reachable_by_w2", r"until all four rules")
def _rules_reachable_by_w2(weights) -> bool:
    """Some w2 on the field's grid within [-3, 3], the other weights as given, predicts all four rules."""
    base = dict(weights)
    return any(
        rules_matched(tuple({**base, "w2": float(w2)}.items())) == 4
        for w2 in np.round(np.arange(-3.0, 3.0 + 1e-9, W2_INPUT_STEP), 2)
    )


@check("moved_from_statland", r"differs? from the StatLand weights")
def _moved_from_statland(weights, names) -> bool:
    return sorted(k for k, v in weights if v != LESSON[k]) == sorted(names)


@check("param_count", r"\bstill \w+ parameters")
def _param_count(n_days, count) -> bool:
    model = rc.statquest_rnn()
    model.forward(np.zeros((1, int(n_days))))
    return model.n_params == count


# -- training: BPTT's per-day shares, a run's loss -------------------------------------------------------
@check("first_day_w2_share_zero", r"exactly zero", r"share of dL/dw2 is 0")
def _first_day_w2_share_zero(xs, ys, weights, loss="ssr") -> bool:
    """BPTT gives day 1 no share of dL/dw2 for these sequences (``xs``, oldest first), targets and one-unit weights."""
    model = rc.statquest_rnn()
    for name, value in weights:
        model.params[name] = float(value)
    grads = model.loss_and_grads(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), loss=loss)[1]
    return float(np.asarray(grads.per_step["w2"])[0].sum()) == 0.0


@check("loss_rose", r"loss (?:climbs|climb|rose|went up)", r"raised the loss")
def _loss_rose(before, after) -> bool:
    return math.isfinite(before) and math.isfinite(after) and after > before


@check("within_of_targets", r"every prediction within")
def _within_of_targets(model, xs, targets, bound) -> bool:
    """The model (as its weights file) predicts every target within ``bound``."""
    from rnn_core.weights_io import model_from_json

    outputs = model_from_json(model).predict(np.asarray(xs, dtype=float))
    return bool(np.max(np.abs(outputs - np.asarray(targets, dtype=float))) <= bound)


@check("day_one_changes_prediction", r"let day 1's price change the prediction")
def _day_one_changes_prediction(weights) -> bool:
    """With these weights a high day 1 and a low day 1 before the same medium day read differently."""
    return decode(float(statland_trace(("low", "medium"), weights).y[0, 0])) != decode(
        float(statland_trace(("high", "medium"), weights).y[0, 0])
    )


@check("no_parameters_added", r"how many numbers did we have to add")
def _no_parameters_added(n_days) -> bool:
    return _param_count(2, 5) and _param_count(n_days, 5)


@check("sgd_loss_climbs", r"loss climbs?")
def _sgd_loss_climbs(seed, lr, steps) -> bool:
    """From the Training page's seeded one-unit start, ``steps`` plain SGD steps on the four rules end
    with a higher loss than they started from."""
    from rnn_core.data import four_rules

    xs, ys = four_rules()
    trainer = rc.Trainer(rc.VanillaRNN(1, activation="relu", seed=seed), xs, ys, optimizer="sgd", lr=lr)
    before = trainer.evaluate()
    list(trainer.run(steps))
    return trainer.evaluate() > before


@check("share_is_power", r"a power of \d")
def _share_is_power(w2, length, base, power) -> bool:
    """The oldest input counts exactly base**power times the newest (the lab's ReLU network)."""
    return math.isclose(oldest_share(w2, length), power * math.log10(base), abs_tol=1e-9)


VOCABULARY = frozenset(word for c in CHECKS.values() for word in c.words)
