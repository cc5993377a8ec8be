"""StatLand: a few days of prices through the unrolled one-unit RNN, every number live."""

import numpy as np
import pandas as pd
import streamlit as st

import rnn_core as rc
from rnn_core.data import LEVELS, RULES, decode, encode, four_rules
from ui import diagram
from ui.format import number
from ui.links import link_snapshot, note_unused_link_values
from ui.state import PARAM_NAMES, STATLAND_PENDING, WEIGHT_LIMIT, send_weights_to_statland
from ui.widgets import weights_download_button

MAX_DAYS = 10
WORDS = list(LEVELS)  # low, medium, high
DEFAULT_DAYS = ["low", "medium"] + ["medium"] * (MAX_DAYS - 2)
RULE_XS, RULE_YS = four_rules()
RULE_WORDS = [[decode(v) for v in row] for row in RULE_XS]


def apply_preset(words: list[str]) -> None:
    st.session_state["sl_days"] = len(words)
    for day, word in enumerate(words, start=1):
        st.session_state[f"sl_day{day}"] = word


def reset_weights() -> None:
    for name, value in rc.STATQUEST_WEIGHTS.items():
        st.session_state[f"sl_{name}"] = value


def load_weights_file() -> None:
    upload = st.session_state.get("sl_weights_file")
    if upload is None:
        return
    try:
        from rnn_core.weights_io import model_from_json

        model = model_from_json(upload.getvalue())
    except ValueError as error:
        st.session_state["sl_upload_message"] = ("error", f"That weights file was not loaded: {error}")
        return
    problem = None
    if model.kind != "vanilla" or getattr(model, "activation", None) != "relu":
        problem = "the StatLand network is a one-unit ReLU RNN; this file holds a different model"
    problem = problem or send_weights_to_statland(model.params)
    if problem:
        st.session_state["sl_upload_message"] = ("error", f"That weights file was not loaded: {problem}.")
    else:
        st.session_state["sl_upload_message"] = ("success", "Loaded the weights from the file.")


# Weights handed over by the Training page or an upload land in the inputs before they are drawn.
if STATLAND_PENDING in st.session_state:
    for name, value in st.session_state.pop(STATLAND_PENDING).items():
        st.session_state[f"sl_{name}"] = value

st.title("StatLand")
st.markdown(
    "In StatLand a stock's price each day is **low**, **medium** or **high**, scaled to "
    "0, 0.5 and 1. Pick a few days, oldest first, and follow them through the unrolled "
    "one-unit network: the last day's output is the prediction for tomorrow."
)

link = link_snapshot("sl_")
presets_column, days_column = st.columns([1, 2], gap="large")
with presets_column:
    st.markdown("**The four StatLand rules**")
    with st.container(horizontal=True):
        for i, (words, (_, next_word)) in enumerate(zip(RULE_WORDS, RULES, strict=True)):
            st.button(
                f"{words[0]}, {words[1]}",
                key=f"sl_rule{i + 1}",
                on_click=apply_preset,
                args=(words,),
                width="content",
                help=f"Load the rule: after {words[0]} then {words[1]}, tomorrow is {next_word}.",
            )
    n_days = st.slider("Number of days", 2, MAX_DAYS, 2, key="sl_days", bind="query-params")

with days_column:
    st.markdown("**Prices, oldest day first**")
    day_words = []
    with st.container(horizontal=True, gap="medium"):
        for day in range(1, n_days + 1):
            day_words.append(
                st.segmented_control(
                    f"Day {day}",
                    WORDS,
                    default=DEFAULT_DAYS[day - 1],
                    required=True,
                    key=f"sl_day{day}",
                    bind="query-params",
                )
            )

st.markdown(
    f"**Weights**, shared by every day (each between −{WEIGHT_LIMIT:g} and {WEIGHT_LIMIT:g})"
)
weight_help = {
    "w1": "input weight: multiplies each day's price",
    "w2": "recurrent weight: multiplies the previous day's hidden value",
    "b1": "bias added in every day's sum",
    "w3": "output weight: turns the last hidden value into the prediction",
    "b2": "output bias",
}
params = {}
for column, name in zip(st.columns(len(PARAM_NAMES)), PARAM_NAMES, strict=True):
    params[name] = column.number_input(
        name,
        min_value=-WEIGHT_LIMIT,
        max_value=WEIGHT_LIMIT,
        value=rc.STATQUEST_WEIGHTS[name],
        step=0.1,
        format="%.3f",
        key=f"sl_{name}",
        help=weight_help[name],
        bind="query-params",
    )
weight_actions = st.container(horizontal=True, vertical_alignment="top")
weight_actions.button(
    "Reset to the StatLand weights",
    key="sl_reset",
    on_click=reset_weights,
    icon=":material/restart_alt:",
    width="content",
)
with weight_actions.expander("Load weights from a file"):
    st.file_uploader(
        "A weights JSON file saved by the Training page (1-unit StatQuest RNN)",
        type=["json"],
        key="sl_weights_file",
        on_change=load_weights_file,
    )
    if "sl_upload_message" in st.session_state:
        kind, text = st.session_state.pop("sl_upload_message")
        (st.error if kind == "error" else st.success)(text)

note_unused_link_values(
    link,
    {
        "sl_days": n_days,
        **{f"sl_day{d}": w for d, w in enumerate(day_words, 1)},
        **{f"sl_{k}": v for k, v in params.items()},
    },
)
model = rc.statquest_rnn()
for name, value in params.items():
    model.params[name] = value

xs = encode(day_words)[None, :]
trace = model.forward(xs)
prediction = float(trace.y[0, 0])
prediction_word = decode(prediction)

with st.container(key="sl_prediction"):
    left, middle, right = st.columns(3)
    left.metric("Prediction for tomorrow", prediction_word, help="The nearest StatLand level to the output.")
    middle.metric("Output value", number(prediction), help="y = w3 × h (last day) + b2")
    right.metric(
        "Parameters",
        model.n_params,
        help="w1, w2, b1, w3 and b2: the same five numbers on every day.",
    )

st.graphviz_chart(
    diagram.unrolled_dot(trace, day_words, model.params, prediction_word, theme=st.context.theme.type or "light"),
    width="content",
    alt=diagram.describe(trace, day_words, prediction_word),
)
st.caption(
    f"The network unrolled over {n_days} days: one copy per day, oldest "
    f"{'on the left' if n_days <= diagram.MAX_DAYS_SIDE_BY_SIDE else 'at the top'}. Blue wires "
    "multiply a price by w1, orange wires carry the previous day's hidden value times w2 into the next "
    "day's sum, and the green wire turns the last hidden value into the prediction with w3 and b2."
)
st.info(
    f"{n_days} days, still **{model.n_params} parameters**. Every copy of the network reuses the same "
    "w1, w2, b1, w3 and b2 (weight sharing), so unrolling over more days adds steps, not weights.",
    icon=":material/share:",
)

with st.expander("The same numbers as a table", expanded=False):
    steps = pd.DataFrame(
        {
            "day": np.arange(1, n_days + 1),
            "price": day_words,
            "x": trace.xs[0, :, 0],
            "w1 × x": trace.input_term[0, :, 0],
            "w2 × previous h": trace.recurrent_term[0, :, 0],
            "b1": np.full(n_days, params["b1"]),
            "sum": trace.pre_activation[0, :, 0],
            "h = ReLU(sum)": trace.hidden[0, :, 0],
        }
    )
    st.dataframe(steps, hide_index=True, key="sl_steps")

st.subheader("The four rules with these weights")
rule_predictions = model.predict(RULE_XS)[:, 0]
rules = pd.DataFrame(
    {
        "days": [", ".join(words) for words in RULE_WORDS],
        "should be": [decode(v) for v in RULE_YS[:, 0]],
        "output": [number(v) for v in rule_predictions],
        "predicted": [decode(v) for v in rule_predictions],
    }
)
rules["match"] = np.where(rules["should be"] == rules["predicted"], "✓", "✗")
st.dataframe(rules, hide_index=True, key="sl_rules")
matches = int((rules["match"] == "✓").sum())
if matches == 4:
    st.success("These weights reproduce all four StatLand rules.", icon=":material/check_circle:")
else:
    st.warning(
        f"These weights get {matches} of the four rules right. Reset to the StatLand weights, or let the "
        "Training page find weights that work.",
        icon=":material/warning:",
    )

with st.expander("Save these weights"):
    weights_download_button(model, "statland_weights.json", key="sl_download")
