"""The StatLand lesson's sections, importable by any page: the unrolled network and the four rules.

``show_network(day_words, weights, key_prefix=...)`` draws the prediction and the unrolled
diagram for given days and weights; ``show_rules`` the four rules checked against the weights.
The sentences they show are built by the plain functions here, which the tests check.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import streamlit as st

import rnn_core as rc
from rnn_core.data import RULES, decode, encode, four_rules
from ui.claims import Said, claim, general, said
from ui.kit.format import number, signed
from ui.kit.state import WEIGHT_LIMIT, shown
from ui.statland import diagram

ARROW = " → "


def sequence_text(words: Sequence[str]) -> str:
    """Days of prices, oldest first, in the app's one wording: 'low → medium'."""
    return ARROW.join(words)


def rule_presets() -> list[tuple[list[str], str]]:
    """The four rules as (days, next day), in the lesson's order."""
    return [(list(days), next_day) for days, next_day in RULES]


def checked_weights(
    raw: Mapping[str, float | None], last_good: Mapping[str, float]
) -> tuple[dict[str, float], list[str]]:
    """The weights to use, and one sentence per typed value that cannot be used.

    A value that is missing, not finite or outside ±WEIGHT_LIMIT is replaced by its last good
    value, so the network keeps working while the learner corrects the field.
    """
    used, problems = {}, []
    for name in rc.PARAM_NAMES:
        value = raw.get(name)
        if value is None or not math.isfinite(float(value)) or abs(float(value)) > WEIGHT_LIMIT:
            used[name] = float(last_good[name])
            what = (
                "is empty"
                if value is None
                else f"= {number(float(value))} is outside −{WEIGHT_LIMIT:g} … {WEIGHT_LIMIT:g}"
            )
            problems.append(
                f"{name} {what}: the network keeps {name} = {number(used[name])}. "
                f"Type a number between −{WEIGHT_LIMIT:g} and {WEIGHT_LIMIT:g}, or press Reset."
            )
        else:
            used[name] = float(value)
    return used, problems


def _state(day_words: Sequence[str], weights: Mapping[str, float]) -> dict:
    return {"days": tuple(day_words), "weights": {name: float(weights[name]) for name in rc.PARAM_NAMES}}


def notice_sentence(day_words: Sequence[str], weights: Mapping[str, float], trace, prediction_word: str) -> Said:
    """What the last day's sum is made of, and what w2 did to it (the lesson's point)."""
    state = _state(day_words, weights)
    T = trace.hidden.shape[1]
    inp, rec = float(trace.input_term[0, -1, 0]), float(trace.recurrent_term[0, -1, 0])
    pre, y = float(trace.pre_activation[0, -1, 0]), float(trace.y[0, 0])
    ending = said(
        f"the sum is {number(pre)}, so y = {number(y)} reads **{prediction_word}**.",
        claim("reads", word=prediction_word, **state),
    )
    if rec == 0:
        if T == 1:
            cause = said(f"h0 = 0, so w2 has nothing to carry into day {T}: ", claim("carries_nothing", **state))
        elif state["weights"]["w2"] == 0:
            cause = said(
                f"w2 = 0, so nothing of day {T - 1} reaches day {T}: ",
                claim("w2_is_zero", **state),
                claim("carries_nothing", **state),
            )
        else:
            cause = said(
                f"h{T - 1} = 0, so w2 has nothing to carry into day {T}: ",
                claim("hidden_zero", day=T - 1, **state),
                claim("carries_nothing", **state),
            )
        return "**Notice:** " + cause + f"only day {T}'s own price counts, and " + ending
    before = float(trace.hidden[0, -2, 0])
    if rec < 0 and inp > 0 and inp + rec <= 0:
        effect = said(f"which cancels w1·x = {number(inp)}", claim("cancels", **state))
    elif rec < 0 and inp > 0:
        effect = said(f"which pulls w1·x = {number(inp)} down", claim("pulls_down", **state))
    elif rec < 0:
        effect = said(f"which takes {number(-rec)} off the sum (w1·x = {number(inp)})", claim("pulls_down", **state))
    else:
        effect = said(f"which adds {number(rec)} to w1·x = {number(inp)}", claim("adds_to", **state))
    return (
        f"**Notice:** day {T - 1}'s h{T - 1} = {number(before)} reaches day {T} as w2·h = {number(rec)}, "
        + effect
        + ": "
        + ending
    )


def days_and_parameters(day_words: Sequence[str], model: rc.RecurrentModel) -> Said:
    """The number of days beside the number of parameters, which does not grow with it."""
    n = len(day_words)
    return said(
        f"{n} day{'s' if n != 1 else ''}, still {model.n_params} parameters.",
        claim("param_count", n_days=n, count=model.n_params),
    )


def guide(day_words: Sequence[str], weights: Mapping[str, float], w2_locked: bool, days_locked: bool = False) -> Said:
    """What to try first on these days and weights: a change of w2 that shows on the last day's sum;
    where a link fixes w2, the rule buttons; where it fixes the days too, the wires to follow."""
    state = _state(day_words, weights)
    T = len(day_words)
    if w2_locked and days_locked:
        return general("**Try this first:** follow day 1's h along the orange wires to the last day's sum.")
    if w2_locked:
        return general("**Try this first:** press each rule's button and watch the last day's sum.")
    w2 = state["weights"]["w2"]
    for target in (0.0, rc.STATQUEST_WEIGHTS["w2"]) if w2 != 0 else (rc.STATQUEST_WEIGHTS["w2"],):
        changed = claim("sum_changes_without_w2", w2_to=target, **state)
        if T > 1 and changed.holds():
            back = f", then back to {signed(w2)}" if target == 0 else ""
            return said(
                f"**Try this first:** set w2 to {signed(target)}{back}. **Notice** day {T}'s sum change.", changed
            )
    return general(f"**Try this first:** make day {T - 1} high, then move w2 and watch day {T}'s sum.")


def rules_verdict(weights: Mapping[str, float], matches: int) -> Said:
    rules = claim("rules_matched", weights={n: float(weights[n]) for n in rc.PARAM_NAMES}, count=matches)
    if matches == 4:
        return said("These weights reproduce all four StatLand rules.", rules)
    return said(
        f"These weights get {matches} of the four rules right. Reset to the StatLand weights, or let the "
        "Training page find weights that work.",
        rules,
    )


def rules_table(model: rc.RecurrentModel) -> pd.DataFrame:
    """The four rules: what each should predict, and what these weights do predict."""
    xs, ys = four_rules()
    outputs = model.predict(xs)[:, 0]
    table = pd.DataFrame(
        {
            "days": [sequence_text(days) for days, _ in rule_presets()],
            "should be": [decode(v) for v in ys[:, 0]],
            "output": [number(v) for v in outputs],
            "predicted": [decode(v) for v in outputs],
        }
    )
    table["match"] = np.where(table["should be"] == table["predicted"], "✓", "✗")
    return table


def show_network(
    day_words: Sequence[str],
    weights: Mapping[str, float],
    *,
    key_prefix: str = "sl_",
    prediction_area=None,
    show_prediction: bool = True,
    masked: frozenset[str] = frozenset(),
    shares: tuple[list[float], str] | None = None,
):
    """The prediction and the unrolled network for these days and weights; returns the model and trace.

    The prediction's numbers go into ``prediction_area`` when given (a page puts them beside its
    weights), else in a row of their own above the diagram; ``show_prediction=False`` leaves them out.
    ``masked``: numbers a lesson's question asks for, drawn as "?" (the notice, which would give them
    away, waits); ``shares``: each day's share of dL/dw2 and their sum as shown, drawn on the diagram.
    """
    day_words = list(day_words)
    model = rc.statquest_rnn(**weights)
    trace = model.forward(encode(day_words)[None, :])
    prediction = float(trace.y[0, 0])
    word = decode(prediction)
    if show_prediction:
        area = prediction_area if prediction_area is not None else st.container(horizontal=True)
        with area.container(key=f"{key_prefix}prediction", horizontal=True, width="content", gap="small"):
            nearest = "The StatLand level nearest to the output y."
            st.metric("Prediction for tomorrow", word, help=nearest, width="content")
            st.metric("Output value", number(prediction), help="y = w3 × h (last day) + b2", width="content")
    with st.container(key=f"{key_prefix}network"):
        each_day, total = shares if shares is not None else (None, "")
        picture = diagram.unrolled_svg(trace, day_words, model.params, word, masked, each_day, total)
        st.markdown(picture, unsafe_allow_html=True)
        if not masked:
            notice = notice_sentence(day_words, weights, trace, word) + " " + days_and_parameters(day_words, model)
            st.markdown(shown(notice))
    return model, trace


def show_rules(model: rc.RecurrentModel, *, key_prefix: str = "sl_", verdict: bool = True) -> None:
    """The four rules checked against the model's weights, with a verdict unless ``verdict`` is off
    (the lesson gives its own)."""
    table = rules_table(model)
    st.dataframe(table, hide_index=True, key=f"{key_prefix}rules")
    if not verdict:
        return
    matches = int((table["match"] == "✓").sum())
    weights = {name: float(np.ravel(model.params[name])[0]) for name in rc.PARAM_NAMES}
    if matches == 4:
        st.success(shown(rules_verdict(weights, matches)), icon=":material/check_circle:")
    else:
        st.warning(shown(rules_verdict(weights, matches)), icon=":material/warning:")


def steps_table(trace, day_words: Sequence[str], b1: float) -> pd.DataFrame:
    """The diagram's numbers, one row per day."""
    n = len(day_words)
    return pd.DataFrame(
        {
            "day": np.arange(1, n + 1),
            "price": list(day_words),
            "x": trace.xs[0, :, 0],
            "w1·x": trace.input_term[0, :, 0],
            "w2·h": trace.recurrent_term[0, :, 0],
            "b1": np.full(n, b1),
            "sum": trace.pre_activation[0, :, 0],
            "h = ReLU(sum)": trace.hidden[0, :, 0],
        }
    )


READING = """
**Reading the diagram.** Each column is one day, oldest on the left. The day's price x goes up
the blue wire and is multiplied by w1. The orange wire brings the previous day's hidden value h
across, multiplied by w2; day 1's comes from h0 = 0. The sum box adds w1·x, w2·h and the bias b1,
ReLU keeps the sum if it is positive and makes it 0 otherwise, and that is the day's h. Only the
last h goes on, along the green wire, to the prediction y = w3·h + b2, read as the nearest level
(low 0, medium 0.5, high 1).
"""

SHARING = """
**Weight sharing.** Every copy of the network uses the same w1, w2, b1, w3 and b2, so ten days still
have five parameters: unrolling adds steps, not weights.
"""


def why() -> Said:
    """The explanation behind Why?: how to read the diagram, and high → medium worked through on the
    StatLand weights, with and without w2, every number from the engine."""
    days = ("high", "medium")
    lesson = {name: float(rc.STATQUEST_WEIGHTS[name]) for name in rc.PARAM_NAMES}
    without = {**lesson, "w2": 0.0}
    loop = rc.statquest_rnn(**lesson).forward(encode(list(days))[None, :])
    flat = rc.statquest_rnn(**without).forward(encode(list(days))[None, :])
    h1, h2 = (float(v) for v in loop.hidden[0, :, 0])
    y, flat_h2, flat_y = float(loop.y[0, 0]), float(flat.hidden[0, 1, 0]), float(flat.y[0, 0])
    worked = said(
        f"\n**Why (high → medium) shows the loop.** Day 1 is high: h1 = {number(lesson['w1'])} × 1 = {number(h1)}. "
        f"On day 2, medium gives w1·x = {number(float(loop.input_term[0, 1, 0]))}, and w2 = {signed(lesson['w2'])} "
        f"turns h1 into {signed(float(loop.recurrent_term[0, 1, 0]))}. They cancel, so h2 = {number(h2)} and "
        f"tomorrow is {decode(y)}. With w2 = 0 nothing of day 1 reaches day 2: h2 = {number(flat_h2)} and "
        f"y = {number(flat_y)}, {decode(flat_y)}. The same prices in another order give another answer, which "
        "a network without the loop could not tell apart.\n",
        claim("cancels", days=days, weights=lesson),
        claim("carries_nothing", days=days, weights=without),
    )
    return general(READING) + worked + general(SHARING)
