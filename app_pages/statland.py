"""StatLand: a few days of prices through the unrolled one-unit RNN, every number live."""

import streamlit as st

import rnn_core as rc
from ui.classroom.links import locked
from ui.classroom.unused import link_snapshot, note_unused_link_values
from ui.kit.format import literal
from ui.kit.state import STATLAND_PENDING, send_weights_to_statland, shown
from ui.kit.widgets import weights_download_button
from ui.statland import view
from ui.statland.controls import DAY, DAYS, MAX_DAYS, WEIGHTS, WORDS

# (high, medium) opens the page: w2 = -0.5 carries day 1's 1.8 into day 2 and cancels it.
DEFAULT_DAYS = ["high", "medium"] + ["medium"] * (MAX_DAYS - 2)
LAST_GOOD = "sl_last_good_weights"
WEIGHT_HELP = {
    "w1": "input weight: multiplies each day's price",
    "w2": "recurrent weight: multiplies the previous day's hidden value",
    "b1": "bias added in every day's sum",
    "w3": "output weight: turns the last hidden value into the prediction",
    "b2": "output bias",
}


def apply_preset(words: list[str]) -> None:
    st.session_state[DAYS.key()] = len(words)
    for day, word in enumerate(words, start=1):
        st.session_state[DAY[day].key()] = word


def reset_weights() -> None:
    """Set the weight fields before they are drawn, so a field showing a bad value shows -0.5 again."""
    for name, value in rc.STATQUEST_WEIGHTS.items():
        st.session_state[WEIGHTS[name].key()] = value
    st.session_state[LAST_GOOD] = dict(rc.STATQUEST_WEIGHTS)


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
    if not rc.is_statquest_rnn(model):
        problem = "the StatLand network is a one-unit ReLU RNN; this file holds a different model"
    problem = problem or send_weights_to_statland(model.params)
    if problem:
        st.session_state["sl_upload_message"] = ("error", f"That weights file was not loaded: {problem}.")
    else:
        st.session_state["sl_upload_message"] = ("success", "Loaded the weights from the file.")


def control_strip() -> None:
    """The rule presets and the weights' reset, in one row."""
    with st.container(horizontal=True, vertical_alignment="center", key="sl_presets"):
        st.markdown(
            "**Rules:**", width="content", help="Each button loads the two days of one of the four StatLand rules."
        )
        for i, (words, next_word) in enumerate(view.rule_presets(), start=1):
            st.button(
                view.sequence_text(words),
                key=f"sl_rule{i}",
                on_click=apply_preset,
                args=(words,),
                width="content",
                disabled=any(locked(control.key()) for control in (DAYS, *DAY.values())),
                help=f"Load the rule {view.sequence_text(words)}: tomorrow is {next_word}.",
            )
        st.button(
            "Reset to the StatLand weights",
            key="sl_reset",
            on_click=reset_weights,
            icon=":material/restart_alt:",
            width="content",
            disabled=any(locked(control.key()) for control in WEIGHTS.values()),
        )


def day_inputs() -> list[str]:
    """The number of days and each day's price, oldest first.

    The days stay in one row whatever their number, scrolling sideways like the diagram below
    them, so the weights and the diagram keep their place on the screen.
    """
    # On a phone the row wraps instead: a narrow screen would hide day 2 with no hint that it is there.
    st.html("<style>@media (max-width: 640px) { .st-key-sl_day_choices { flex-wrap: wrap !important; } }</style>")
    with st.container(horizontal=True, gap="small", key="sl_days_row"):
        n_days = st.slider("Number of days", DAYS.low, DAYS.high, 2, **DAYS.bound(), width=130)
        with st.container(horizontal=True, wrap=False, gap="small", key="sl_day_choices"):
            return [
                st.segmented_control(
                    f"Day {day}",
                    WORDS,
                    default=DEFAULT_DAYS[day - 1],
                    required=True,
                    **DAY[day].bound(),
                    width="content",
                )
                for day in range(1, n_days + 1)
            ]


def weight_inputs(row) -> tuple[dict[str, float], list[str]]:
    """The five shared weights as typed, checked: the values to use and what could not be used."""
    raw = {}
    with row.container(horizontal=True, gap="small", key="sl_weights", width="content"):
        for name in rc.PARAM_NAMES:
            raw[name] = st.number_input(
                name,
                value=rc.STATQUEST_WEIGHTS[name],
                step=0.1,
                format="%.3f",
                help=f"{WEIGHT_HELP[name]}. The same number on every day.",
                **WEIGHTS[name].bound(),
                width=88,
            )
    weights, problems = view.checked_weights(raw, st.session_state.get(LAST_GOOD, rc.STATQUEST_WEIGHTS))
    st.session_state[LAST_GOOD] = weights
    return weights, problems


def weights_files(model: rc.RecurrentModel) -> None:
    with st.expander("Load or save weights"):
        st.file_uploader(
            "A weights JSON file saved by the Training page (1-unit StatQuest RNN)",
            type=["json"],
            key="sl_weights_file",
            on_change=load_weights_file,
        )
        if "sl_upload_message" in st.session_state:
            kind, text = st.session_state.pop("sl_upload_message")
            (st.error if kind == "error" else st.success)(literal(text))  # it may quote the file
        weights_download_button(model, "statland_weights.json", key="sl_download")


# Weights handed over by the Training page or an upload land in the inputs before they are drawn.
if STATLAND_PENDING in st.session_state:
    pending = st.session_state.pop(STATLAND_PENDING)
    for name, value in pending.items():
        st.session_state[WEIGHTS[name].key()] = value
    st.session_state[LAST_GOOD] = pending

st.title("StatLand")
guide = st.empty()  # what to try first, once the days and weights are known
link = link_snapshot("sl_")
control_strip()
day_words = day_inputs()
weights_row = st.container(horizontal=True, gap="small", vertical_alignment="bottom")
weights, problems = weight_inputs(weights_row)
for problem in problems:
    st.error(problem, icon=":material/error:")
note_unused_link_values(link)
model, trace = view.show_network(day_words, weights, key_prefix="sl_", prediction_area=weights_row)
guide.markdown(
    shown(view.guide(day_words, weights, w2_locked=locked(WEIGHTS["w2"].key()), days_locked=locked(DAYS.key())))
)

with st.expander("Why? How to read the diagram", icon=":material/help:"):
    st.markdown(shown(view.why()))
with st.expander("The same numbers as a table"):
    st.dataframe(view.steps_table(trace, day_words, weights["b1"]), hide_index=True, key="sl_steps")
st.subheader("The four rules with these weights")
view.show_rules(model, key_prefix="sl_")
weights_files(model)
