"""The lab's claims: how much each input still counts (explodes, fades, exactly 0), dL/dw2's pieces, one
training step, the cliff, and the gated cells."""

from __future__ import annotations

import functools
import math

import numpy as np

import rnn_core as rc
from rnn_core import analysis as an
from ui.claims import check

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


def _share_is(cls: str):
    def test(w2, length, activation="relu", model="vanilla", gate_bias=0.0) -> bool:
        return share_class(oldest_share(w2, length, activation, model, gate_bias)) == cls

    return test


check("explodes", r"\bexplod\w*", r"\bblows? up")(_share_is("explodes"))
check("fades", r"\bvanish\w*", r"\bfad(?:e|es|ed|ing)\b", r"stops? counting")(_share_is("fades"))
check("zero", r"exactly 0", r"\bnothing flows\b", r"passes no gradient")(_share_is("zero"))
check("steady", r"\bsteady\b", r"within (?:a factor of )?10\b")(_share_is("steady"))


@check("newest_pull", r"newest (?:day|input) still moves")
def _newest_pull(w2, length, activation, shown) -> bool:
    """The newest input still moves y_T by ``shown`` (as the lab writes it), within a decade of 1."""
    from ui.kit.format import from_log10

    newest = float(input_logs(w2, length, activation)[-1])
    return math.isfinite(newest) and abs(newest) < STEADY and from_log10(newest) == shown


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


@functools.lru_cache(maxsize=64)  # For teachers asks about it on every run: a sweep of 6,001 networks
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
    """log10 |g| at (w1 = 1.8, w2) on the lab's loss, and g's direction as (along w1, along w2)."""
    xs = an.input_pattern("constant", int(length))
    _, *grads = an.one_unit_log10_loss_and_grad(
        xs, LESSON["w1"], w2, LESSON["b1"], LESSON["w3"], LESSON["b2"], 1.0, activation
    )
    top = max(g.log10 for g in grads)
    if top == -math.inf:
        return -math.inf, (0.0, 0.0)
    log_norm = top + 0.5 * math.log10(sum(10 ** (2 * (g.log10 - top)) for g in grads))
    return log_norm, tuple(g.sign * 10 ** (g.log10 - log_norm) for g in grads)


@check("gradient_zero", r"neither step moves", r"exactly 0")
def _gradient_zero(w2, length, activation) -> bool:
    return _first_step(w2, length, activation)[0] == -math.inf


@check("plain_step_leaves", r"thrown off", r"\boff the chart")
def _plain_step_leaves(w2, length, activation, lr, reach, threshold=None) -> bool:
    """The first descent step from (w1 = 1.8, w2), plain or clipped by norm at ``threshold``, lands
    outside the chart's square |w1|, |w2| <= ``reach``."""
    log_norm, (d1, d2) = _first_step(w2, length, activation)
    if threshold is not None:
        log_norm = min(log_norm, math.log10(threshold))
    log_step = math.log10(lr) + log_norm
    if log_step > math.log10(4 * reach):  # longer than the chart's diagonal: off it, whichever way
        return True
    step = 10.0**log_step
    return max(abs(LESSON["w1"] - step * d1), abs(w2 - step * d2)) > reach


@check("clipping_shortens", r"\bshortens\b")
def _clipping_shortens(w2, length, activation, threshold) -> bool:
    return _first_step(w2, length, activation)[0] > math.log10(threshold)


@check("clip_keeps_direction", r"keeps? its direction", r"share .{0,40}\bstays\b")
def _clip_keeps_direction(w2, length, threshold) -> bool:
    """Clipping the engine's input gradients (the lesson's ReLU network, the lab's T high days) by norm
    at ``threshold`` shortens them and keeps their direction: every input's share of the newest's stays."""
    model = rc.statquest_rnn(w2=float(w2))
    grads = model.input_gradients(np.ones((1, int(length))))[0]
    clipped, changed = rc.optim.clip_gradient(grads.copy(), "norm", float(threshold))
    return bool(changed and grads[-1] != 0 and np.allclose(clipped / clipped[-1], grads / grads[-1], rtol=1e-12))


@check("clipping_idle", r"changes nothing")
def _clipping_idle(w2, length, activation, threshold) -> bool:
    return _first_step(w2, length, activation)[0] <= math.log10(threshold)


# -- the cliff (Pascanu et al.'s one sigmoid unit) ---------------------------------------------------------
CLIFF_BOX = ((1.0, 9.0), (-5.0, 0.0))  # the cliff chart's w and b ranges (ui.lab.specs draws this box)


@functools.lru_cache(maxsize=64)
def cliff_paths(start_w: float, lr: float, threshold: float, steps: int) -> tuple[an.DescentPath, an.DescentPath]:
    start = (float(start_w), -2.0)
    return (an.cliff_descent(start, lr, steps), an.cliff_descent(start, lr, steps, clip_threshold=threshold))


def on_cliff_chart(path: an.DescentPath) -> np.ndarray:
    """For each point (w, b) of a cliff path, whether the cliff chart shows it."""
    (w_lo, w_hi), (b_lo, b_hi) = CLIFF_BOX
    w, b = path.points.T
    return (w >= w_lo) & (w <= w_hi) & (b >= b_lo) & (b <= b_hi)


@check("cliff_thrown_off", r"thrown .{0,24}off the chart", r"leaps? off the chart")
def _cliff_thrown_off(start_w, lr, threshold, steps) -> bool:
    return not bool(on_cliff_chart(cliff_paths(start_w, lr, threshold, steps)[0]).all())


@check("cliff_clip_acts", r"\blongest step\b")
def _cliff_clip_acts(start_w, lr, threshold, steps) -> bool:
    """Some plain step is longer than a clipped step can be (lr * threshold)."""
    return bool(cliff_paths(start_w, lr, threshold, steps)[0].step_lengths().max() > lr * threshold)


@check("cliff_clip_idle", r"neither path reaches the wall", r"changes nothing")
def _cliff_clip_idle(start_w, lr, threshold, steps) -> bool:
    return not _cliff_clip_acts(start_w, lr, threshold, steps)


@check("share_is_power", r"a power of \d")
def _share_is_power(w2, length, base, power) -> bool:
    """The oldest input counts exactly base**power times the newest (the lab's ReLU network)."""
    return math.isclose(oldest_share(w2, length), power * math.log10(base), abs_tol=1e-9)
