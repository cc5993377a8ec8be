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

from . import diagram
from .format import number
from .state import PARAM_NAMES, WEIGHT_LIMIT

ARROW = " → "
GUIDE = "**Try this first:** set w2 to 0, then back to −0.5. **Notice** day 2's sum change."


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
    for name in PARAM_NAMES:
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


def network_for(weights: Mapping[str, float]) -> rc.VanillaRNN:
    """The one-unit ReLU network of the lesson with the given five weights."""
    model = rc.statquest_rnn()
    for name in PARAM_NAMES:
        model.params[name] = np.full_like(np.asarray(model.params[name], dtype=float), float(weights[name]))
    return model


def notice_sentence(trace, prediction_word: str) -> str:
    """What the last day's sum is made of, and what w2 did to it (the lesson's point)."""
    T = trace.hidden.shape[1]
    inp, rec = float(trace.input_term[0, -1, 0]), float(trace.recurrent_term[0, -1, 0])
    pre, y = float(trace.pre_activation[0, -1, 0]), float(trace.y[0, 0])
    before = float(trace.hidden[0, -2, 0]) if T > 1 else 0.0
    ending = f"the sum is {number(pre)}, so y = {number(y)} reads **{prediction_word}**."
    if rec == 0:
        return (
            f"**Notice:** h{T - 1} = {number(before)}, so w2 has nothing to carry into day {T}: "
            f"only day {T}'s own price counts, and {ending}"
        )
    if rec < 0 and inp > 0 and pre <= 0:
        effect = f"cancels w1·x = {number(inp)}"
    elif rec < 0:
        effect = f"pulls w1·x = {number(inp)} down"
    else:
        effect = f"adds to w1·x = {number(inp)}"
    return (
        f"**Notice:** day {T - 1}'s h{T - 1} = {number(before)} reaches day {T} as w2·h = {number(rec)}, "
        f"which {effect}: {ending}"
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


def rules_verdict(matches: int) -> str:
    if matches == 4:
        return "These weights reproduce all four StatLand rules."
    return (
        f"These weights get {matches} of the four rules right. Reset to the StatLand weights, or let the "
        "Training page find weights that work."
    )


def show_network(
    day_words: Sequence[str],
    weights: Mapping[str, float],
    *,
    key_prefix: str = "sl",
    prediction_area=None,
    show_prediction: bool = True,
):
    """The prediction and the unrolled network for these days and weights; returns the model and trace.

    The prediction's numbers go into ``prediction_area`` when given (a page puts them beside its
    weights), else in a row of their own above the diagram; ``show_prediction=False`` leaves them out.
    """
    day_words = list(day_words)
    model = network_for(weights)
    trace = model.forward(encode(day_words)[None, :])
    prediction = float(trace.y[0, 0])
    word = decode(prediction)
    if show_prediction:
        area = prediction_area if prediction_area is not None else st.container(horizontal=True)
        with area.container(key=f"{key_prefix}_prediction", horizontal=True, width="content", gap="small"):
            nearest = "The StatLand level nearest to the output y."
            st.metric("Prediction for tomorrow", word, help=nearest, width="content")
            st.metric("Output value", number(prediction), help="y = w3 × h (last day) + b2", width="content")
    with st.container(key=f"{key_prefix}_network"):
        st.markdown(diagram.unrolled_svg(trace, day_words, model.params, word), unsafe_allow_html=True)
        days = f"{len(day_words)} day" + ("s" if len(day_words) != 1 else "")
        st.markdown(notice_sentence(trace, word) + f" {days}, still {model.n_params} parameters.")
    return model, trace


def show_rules(model: rc.RecurrentModel, *, key_prefix: str = "sl", verdict: bool = True) -> None:
    """The four rules checked against the model's weights, with a verdict unless ``verdict`` is off
    (the lesson gives its own)."""
    table = rules_table(model)
    st.dataframe(table, hide_index=True, key=f"{key_prefix}_rules")
    if not verdict:
        return
    matches = int((table["match"] == "✓").sum())
    if matches == 4:
        st.success(rules_verdict(matches), icon=":material/check_circle:")
    else:
        st.warning(rules_verdict(matches), icon=":material/warning:")


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


WHY = """
**Reading the diagram.** Each column is one day, oldest on the left. The day's price x goes up
the blue wire and is multiplied by w1. The orange wire brings the previous day's hidden value h
across, multiplied by w2; day 1's comes from h0 = 0. The sum box adds w1·x, w2·h and the bias b1,
ReLU keeps the sum if it is positive and makes it 0 otherwise, and that is the day's h. Only the
last h goes on, along the green wire, to the prediction y = w3·h + b2, read as the nearest level
(low 0, medium 0.5, high 1).

**Why (high → medium) shows the loop.** Day 1 is high: h1 = 1.8 × 1 = 1.8. On day 2, medium gives
w1·x = 0.9, and w2 = −0.5 turns h1 into −0.9. They cancel, so h2 = 0 and tomorrow is low. With
w2 = 0 day 2 forgets day 1: h2 = 0.9 and y = 0.99, high. The same prices in another order give
another answer, which a network without the loop could not tell apart.

**Weight sharing.** Every copy of the network uses the same w1, w2, b1, w3 and b2, so ten days still
have five parameters: unrolling adds steps, not weights.
"""
