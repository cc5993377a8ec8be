"""The controls every lab view shares (w2 with its presets, T, the activation), the lab's one
network and loss stated once, and the layout of a view: figure left, controls and text right.
"""

from __future__ import annotations

import streamlit as st

import rnn_core as rc
from ui.claims import Said, general
from ui.classroom.linkable import Linkable
from ui.classroom.links import hidden, hiding_style, locked
from ui.kit.state import shown
from ui.lab import text
from ui.lab.model import FIXED, MAX_LENGTH, PRESETS, W2_RANGE, LabSettings, loss_text

W2 = Linkable("lab_", "w2", low=-W2_RANGE, high=W2_RANGE)
LENGTH = Linkable("lab_", "length", low=1, high=MAX_LENGTH)
ACTIVATION = Linkable("lab_", "activation", options=tuple(rc.ACTIVATIONS))


def set_values(values: dict) -> None:
    for key, value in values.items():
        st.session_state[key] = value


def shared_controls(
    key_prefix: str = "lab_",
    defaults: LabSettings | None = None,
    activation_note: bool = True,
    visible: bool = True,
    presets: bool = True,
    with_activation: bool = True,
    w2_in_chart: bool = False,
) -> LabSettings:
    """w2 (with the presets), T and the activation, bound to the URL as ``<prefix>w2`` and so on.

    With ``visible=False`` (a view that reads none of them) they are drawn off the screen, so their
    values, and the link's, are kept for the next view that uses them. With ``w2_in_chart`` (a view
    whose chart carries its own w2 slider) the page's w2 slider is kept off the screen the same way,
    so the view has one w2 control; a link that locks w2 shows it again, disabled, as the chart then
    has no slider. A lesson step leaves out the presets (``presets=False``) or the activation
    (``with_activation=False``: the lesson's ReLU) where it needs neither."""
    defaults = defaults or LabSettings()
    off_screen = [] if visible else [f"{key_prefix}shared"]
    if w2_in_chart and not locked(W2.key(key_prefix)):
        off_screen.append(W2.key(key_prefix))
    if off_screen:
        st.html(hiding_style(off_screen))
    with st.container(key=f"{key_prefix}shared"):
        return _shared_controls(key_prefix, defaults, activation_note, presets, with_activation)


def _shared_controls(
    key_prefix: str, defaults: LabSettings, activation_note: bool, presets: bool, with_activation: bool
) -> LabSettings:
    if not with_activation:
        w2_column, length_column = st.columns([5, 3], gap="medium")
    else:
        w2_column, length_column, activation_column = st.columns([5, 3, 2], gap="medium")
    with w2_column:
        w2 = st.slider(
            "Recurrent weight w2",
            -W2_RANGE,
            W2_RANGE,
            defaults.w2,
            step=0.01,
            **W2.bound(key_prefix),
            help="Multiplies the previous step's hidden value in every step.",
        )
        # A link that locks w2 locks its presets too; one that hides w2 hides them.
        if presets and not hidden(W2.key(key_prefix)):
            with st.container(horizontal=True, gap="small"):
                for i, (label, value) in enumerate(PRESETS.items()):
                    st.button(
                        f"w2 = {label}",
                        key=f"{key_prefix}preset{i}",
                        on_click=set_values,
                        args=({W2.key(key_prefix): value},),
                        type="secondary",
                        disabled=locked(W2.key(key_prefix)),
                    )
    length = length_column.slider("Sequence length T", 1, MAX_LENGTH, defaults.length, **LENGTH.bound(key_prefix))
    if not with_activation:
        return LabSettings(float(w2), int(length), defaults.activation)
    with activation_column:
        activation = st.selectbox(
            "Activation",
            rc.ACTIVATIONS,
            index=rc.ACTIVATIONS.index(defaults.activation),
            help=f"relu, {text.ACTIVATION_NOTES['relu']}",
            **ACTIVATION.bound(key_prefix),
        )
        # An alternative says what it changes; the lesson's own ReLU needs no words on screen.
        if activation_note and activation != "relu" and not hidden(ACTIVATION.key(key_prefix)):
            st.caption(text.ACTIVATION_NOTES[activation])
    return LabSettings(float(w2), int(length), str(activation))


def compact_top() -> None:
    """Less empty space above the title, so a view's controls and figure fit one laptop screen."""
    st.html("<style>[data-testid='stMainBlockContainer'] { padding-top: 3.5rem; }" + DRAG_SLIDER_CSS + "</style>")


# The in-chart w2 slider (Vega's own range input under the figure), the view's only w2 control: as
# wide as the figure, so a pixel of travel is about a hundredth of w2 rather than three and a label
# reaches its value, on one line close under the figure (figure and slider fit a 1280x720 projector).
DRAG_SLIDER_CSS = (
    "[data-testid='stVegaLiteChart'] form.vega-bindings.vega-bindings { padding-top: 0; }"
    "[data-testid='stVegaLiteChart'] .vega-bind label { display: flex; flex: 1; flex-wrap: nowrap; "
    "align-items: center; gap: 0.5rem; font-weight: 600; line-height: 1.2; }"
    "[data-testid='stVegaLiteChart'] form.vega-bindings.vega-bindings .vega-bind-name { min-width: 0; "
    "white-space: nowrap; }"
    "[data-testid='stVegaLiteChart'] .vega-bind input[type=range] { flex: 1; min-width: 6rem; "
    "max-width: none; height: 1.25rem; margin: 0; }"
    "[data-testid='stVegaLiteChart'] .vega-bind input[type=range] + span { min-width: 2.5rem; white-space: nowrap; }"
)


def network_line(settings: LabSettings) -> None:
    """The one network and the one loss of the whole lab, stated once, with the loss at this setting."""
    act = text.LATEX_ACTIVATION[settings.activation]
    st.markdown(
        f"The lesson's network $h_t = {act}({FIXED['w1']:g}\\,x_t + w_2\\,h_{{t-1}})$, "
        f"$y_T = {FIXED['w3']:g}\\,h_T$ reads $T$ high days ${{(x_t = 1)}}$, target 1. "
        f"Loss $(y_T - 1)^2$ = **{loss_text(settings)}**."
    )


def columns():
    """A view's figure (left) and its controls and text (right); stacked on a phone."""
    return st.columns([5, 4], gap="medium")


def metrics(*pairs: tuple[str, str]) -> None:
    """Metrics (label, value) side by side where the column has room for them, else one under
    another: equal columns would cut a value such as 0.03711 to "0.03…" beside a laptop's sidebar."""
    with st.container(horizontal=True, gap="medium"):
        for label, value in pairs:
            st.metric(label, value, width="content")


def why(text: str) -> None:
    """A view's "Why?" (an expander): the longer explanation, what holds for every setting, not only the
    one shown."""
    with st.expander("Why?"):
        st.markdown(shown(general(text)))


def prose(key: str, see: Said | str, notice: Said, try_this: Said | str) -> None:
    """The view's few lines, in the order what you see / what to notice / try this; what to notice
    is built from the numbers on screen (``ui.claims``)."""
    with st.container(key=key):
        see, try_this = (shown(part) if isinstance(part, Said) else part for part in (see, try_this))
        st.markdown(f"**You see** {see}  \n**Notice** {shown(notice)}  \n**Try** {try_this}")
