"""StatLand's claims: what the last day's sum is made of, and which of the four rules the weights predict."""

from __future__ import annotations

import numpy as np

import rnn_core as rc
from rnn_core.data import decode, encode
from ui.claims import check


# -- StatLand: the lesson's network on a few days ----------------------------------------------------------
def statland_trace(days: tuple[str, ...], weights: tuple[tuple[str, float], ...]):
    model = rc.statquest_rnn(**dict(weights))
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

    model = rc.statquest_rnn(**dict(weights))
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
    return sorted(k for k, v in weights if v != rc.STATQUEST_WEIGHTS[k]) == sorted(names)


@check("param_count", r"\bstill \w+ parameters")
def _param_count(n_days, count) -> bool:
    model = rc.statquest_rnn()
    model.forward(np.zeros((1, int(n_days))))
    return model.n_params == count


@check("day_one_changes_prediction", r"let day 1's price change the prediction")
def _day_one_changes_prediction(weights) -> bool:
    """With these weights a high day 1 and a low day 1 before the same medium day read differently."""
    return decode(float(statland_trace(("low", "medium"), weights).y[0, 0])) != decode(
        float(statland_trace(("high", "medium"), weights).y[0, 0])
    )


@check("no_parameters_added", r"how many numbers did we have to add")
def _no_parameters_added(n_days) -> bool:
    return _param_count(2, 5) and _param_count(n_days, 5)


@check("only_last_predicts", r"only the last day's h")
def _only_last_predicts(days, weights) -> bool:
    """The prediction is w3 times the last day's h plus b2, and day 1's h through w3 and b2 would read
    another level."""
    trace, w = statland_trace(days, weights), dict(weights)
    y, hidden = float(trace.y[0, 0]), trace.hidden[0, :, 0]
    return y == w["w3"] * float(hidden[-1]) + w["b2"] and decode(w["w3"] * float(hidden[0]) + w["b2"]) != decode(y)
