"""What each lesson step's challenge computes, from ``rnn_core`` and the learner's state.

The learner's one-unit network built from its five weights, and for each step the numbers its
text, prompt, answer, mistakes and explanation are made of (``ui.lesson.steps`` puts them
together into the steps). No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

import rnn_core as rc
from rnn_core.data import LEVELS, decode, encode
from ui.claims import Said, claim, said
from ui.claims.lab import input_logs, oldest_share, share_class
from ui.kit.format import from_log10, number
from ui.lab.model import LESSON_W2
from ui.lesson.challenges import State, answer_text

VIDEO_TITLE = "Recurrent Neural Networks (RNNs), Clearly Explained!!!"
WORDS = tuple(LEVELS)
FOUR_RULES = (
    (("low", "low"), "low"),
    (("low", "medium"), "high"),
    (("high", "medium"), "low"),
    (("high", "high"), "high"),
)


# -- the learner's network ----------------------------------------------------------------
def network(weights: Mapping[str, float]) -> rc.VanillaRNN:
    """The lesson's one-unit network with the step's w1, w2, b1, w3, b2."""
    return rc.statquest_rnn(**{name: weights[name] for name in rc.PARAM_NAMES})


def prediction(weights: Mapping[str, float], days) -> float:
    """y_T for the days (words, oldest first) on the network with ``weights``."""
    return float(network(weights).predict(encode(list(days))[None])[0, 0])


def pick_variant(seed: int, choices):
    return choices[int(seed) % len(choices)]


def weights_with(**changes) -> dict:
    return {**rc.STATQUEST_WEIGHTS, **changes}


def days_text(days) -> str:
    return " → ".join(days)


def four_rules_met(state: State) -> bool:
    weights = state["weights"]
    if any(weights[name] != state["start_weights"][name] for name in ("w1", "b1", "w3", "b2")):
        return False
    return all(decode(prediction(weights, days)) == word for days, word in FOUR_RULES)


def four_rules_text(state: State) -> Said:
    start = state["start_weights"]
    moved = [name for name in rc.STATQUEST_WEIGHTS if start[name] != rc.STATQUEST_WEIGHTS[name]]
    values = ", ".join(f"{name} = {number(start[name])}" for name in moved)
    verb = "differs" if len(moved) == 1 else "differ"
    return said(
        "The StatLand weights predict all four rules in the table. ",
        claim("rules_matched", weights=rc.STATQUEST_WEIGHTS, count=4),
    ) + said(
        f"Here {' and '.join(moved)} {verb} from the StatLand weights ({values}).",
        claim("moved_from_statland", weights=start, names=tuple(moved)),
    )


def four_rules_prompt(state: State) -> Said:
    return said(
        "Change **only w2** until all four rules are predicted right.",
        claim("rules_reachable_by_w2", weights=state["start_weights"]),
    )


def four_rules_why(state: State) -> Said:
    weights = state["weights"]
    days = ("high", "medium")
    trace = network(weights).forward(encode(list(days))[None])
    inp, rec = float(trace.input_term[0, 1, 0]), float(trace.recurrent_term[0, 1, 0])
    about = {"days": days, "weights": weights}
    if inp + rec <= 0:
        effect = said(f"cancels the medium day's w1·x = {number(inp)}", claim("cancels", **about))
    else:
        effect = said(
            f"cuts the medium day's w1·x = {number(inp)} down to {number(inp + rec)}", claim("pulls_down", **about)
        )
    return (
        f"On high → medium, w2·h1 = {number(rec)} "
        + effect
        + said(
            ", and high → high still predicts high: all four rules hold.",
            claim("rules_matched", weights=weights, count=4),
        )
    )


def bptt_w2(state: State) -> float:
    model = network(state["weights"])
    xs, ys = encode(list(state["days"]))[None], [[LEVELS[state["target"]]]]
    return float(model.loss_and_grads(xs, ys, loss="ssr")[1]["w2"][0, 0])


def first_day_scale(state: State) -> float:
    return 10.0 ** input_logs(state["w2"], int(state["length"]), "identity")[0] / (
        rc.STATQUEST_WEIGHTS["w1"] * rc.STATQUEST_WEIGHTS["w3"]
    )


def first_day_why(state: State) -> Said:
    shown = answer_text(first_day_scale(state))[0]
    return said(
        f"w2 alone leaves day 1 {shown} of the last day's pull: it fades, and training hardly hears day 1.",
        claim("fades", w2=state["w2"], length=state["length"], activation="relu"),
    )


def trade_off_class(state: State) -> str:
    """What the step's view (the lab's ReLU network) does to the first of ``length`` days: explodes,
    fades, zero or steady."""
    return share_class(oldest_share(state["w2"], state["length"]))


def trade_off_why(state: State) -> Said:
    kind = trade_off_class(state)
    w2, T = state["w2"], int(state["length"])
    share = from_log10(oldest_share(w2, T))
    lab = claim(kind, w2=w2, length=T, activation="relu")
    if kind == "fades":
        return said(
            f"|w2| = {w2:g} < 1 multiplied in {T - 1} times leaves the first day {share} of the last day's pull: "
            "it fades.",
            lab,
        )
    if kind == "explodes":
        return said(
            f"|w2| = {w2:g} > 1 multiplied in {T - 1} times makes the first day pull {share} times as hard as "
            "the last: it explodes.",
            lab,
        )
    if kind == "zero":
        return said(
            f"w2 = {w2:g} switches the ReLU unit off on every other day: the first day's gradient is exactly 0, "
            "though |w2| > 1.",
            lab,
            claim("relu_switches_off", w2=w2, length=T, activation="relu"),
        )
    return said(f"Over {T} days w2 = {w2:g} leaves the first day {share} of the last day's pull.", lab)


def newest_why(state: State) -> Said:
    w2, T = state["w2"], int(state["length"])
    newest = from_log10(float(input_logs(w2, T)[-1]))
    return said(
        f"The newest day still moves y by {newest} whatever w2 is: no w2 stands between it and the end. ",
        claim("newest_pull", w2=w2, length=T, activation="relu", shown=newest),
    ) + trade_off_why(state)


# -- step 1: the scale -----------------------------------------------------------------------------------
def scale_days(state: State) -> list[str]:
    """The two other levels, then the asked-for day: the learner reads the scale from the two shown."""
    return [word for word in WORDS if word != state["day"]] + [state["day"]]


def scale_masked(state: State) -> frozenset[str]:
    return frozenset({"x3", "terms3", "h3", "y"})  # the third day's number and all it would give away


def level_position(state: State) -> float:
    return float(WORDS.index(state["day"]) + 1)  # low 1, medium 2, high 3


# -- step 2: the first day's h ------------------------------------------------------------------------
FIRST_DAY_VARIANTS = (("high", 0.0), ("medium", -0.3), ("low", -0.3), ("high", 0.2))


def first_day_h(state: State, **changes) -> float:
    """h1 for the step's day on its weights, with ``changes`` made (a mistake's way of working it out)."""
    weights = {**state["weights"], **changes}
    return float(network(weights).forward(encode([state["day"]])[None]).hidden[0, 0, 0])


def first_day_sum(state: State) -> float:
    return float(network(state["weights"]).forward(encode([state["day"]])[None]).pre_activation[0, 0, 0])


# -- step 3: the output of three days -------------------------------------------------------------------
def last_masked(state: State) -> frozenset[str]:
    T = len(state["days"])
    return frozenset({f"terms{T}", f"h{T}", "y"})


def output_for(state: State, days=None, **changes) -> float:
    return prediction({**state["weights"], **changes}, state["days"] if days is None else days)


def last_h(state: State) -> float:
    return float(network(state["weights"]).forward(encode(list(state["days"]))[None]).hidden[0, -1, 0])


def last_sum_through_w3(state: State) -> float:
    """The output with the last day's ReLU left out: w3 times the raw sum, plus b2."""
    trace = network(state["weights"]).forward(encode(list(state["days"]))[None])
    weights = state["weights"]
    return float(weights["w3"] * trace.pre_activation[0, -1, 0] + weights["b2"])


# -- step 6: BPTT's shares ------------------------------------------------------------------------------
# Days and w2: with a negative w2 the pieces alternate in sign, so adding them is not adding their sizes.
BPTT_VARIANTS = ((("high", "medium"), -0.2), (("medium", "high", "medium"), -0.2), (("high", "high", "medium"), 0.3))


def bptt_shares(state: State) -> list[float]:
    """Each day's share of dL/dw2 for the step's days, weights and target (loss (y - target)²)."""
    model = network(state["weights"])
    xs, ys = encode(list(state["days"]))[None], [[LEVELS[state["target"]]]]
    grads = model.loss_and_grads(xs, ys, loss="ssr")[1]
    return [float(v) for v in np.asarray(grads.per_step["w2"]).reshape(-1)]


# -- step 8: w2 alone ----------------------------------------------------------------------------------
def w2_power(state: State, power: int) -> float:
    return float(state["w2"]) ** power


GRU_UPDATE_BIAS = 4.0  # sigmoid(4) = 0.98: the update gate mostly keeps the old state


def remedies_of(state: State) -> dict[str, float]:
    """For each remedy the last step offers, log10 of how much the first of ``length`` high days
    counts at the end compared with the last day, |d y_T / d x_1| / |d y_T / d x_T|, on the step's
    view (the lab's ReLU network and its GRU)."""
    length = int(state["length"])
    # Clipping rescales the whole gradient: the first day's share of it does not change.
    return {
        "gru": oldest_share(LESSON_W2, length, model="gru", gate_bias=GRU_UPDATE_BIAS),
        "clipped": oldest_share(LESSON_W2, length),
        "w2 0.9": oldest_share(0.9, length),
    }


def gru_fades(state: State) -> bool:
    return share_class(remedies_of(state)["gru"]) == "fades"


def remedy_best(state: State) -> str:
    found = remedies_of(state)
    return max(found, key=found.get)
