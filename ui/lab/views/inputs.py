"""Each input: how much every input still moves the prediction, beside the closed form."""

from __future__ import annotations

import functools

import streamlit as st

from ui.kit.format import from_log10
from ui.lab import text
from ui.lab.controls import columns, prose, why
from ui.lab.drag import drag_ahead, drag_data, drag_hint, draw_drag, masked_readouts
from ui.lab.model import FIXED, MAX_LENGTH, LabSettings, facts
from ui.lab.specs import _drag_lines_spec, drag_lines_spec, drag_y_domain, with_points
from ui.lab.views.base import View


def each_input_view(settings: LabSettings, *, key_prefix: str = "lab_", masked: frozenset[str] = frozenset()) -> dict:
    """How much each input still counts at the end: |d y_T / d x_t| against the closed form."""
    f = facts(settings.w2, settings.length, settings.activation)
    T = settings.length
    data = drag_data(T, settings.activation)
    spec = drag_lines_spec(with_points(T), drag_y_domain(*data["range"]))
    hidden = "first" in masked  # a lesson asks for the first input's pull: its numbers wait
    readouts = masked_readouts(T)["drag_w2"] if hidden else data["drag_w2"]
    figure, side = columns()
    with figure:
        draw_drag(
            {**spec, "datasets": {"drag_lines": data["drag_lines"], "drag_w2": readouts}},
            "inputs",
            settings.w2,
            key_prefix=key_prefix,
            alt_text=text.INPUTS_ALT.text,
        )
    with side:
        symbolic, plugged, _ = text.first_input_formula(FIXED["w1"], settings.w2, FIXED["w3"], T, f.log10_slopes)
        st.metric("First input's |∂y_T/∂x_1|", "?" if hidden else from_log10(float(f.logs[0])))
        lines = symbolic if hidden else rf"{symbolic} \\ {plugged}"
        st.latex(rf"\small \begin{{gathered}} {lines} \end{{gathered}}")
        prose(
            f"{key_prefix}inputs_text",
            "how much each day's input still moves the prediction; $s_k$ are the slopes. " + drag_hint(key_prefix),
            text.MASKED_NOTICE if hidden else text.each_input_notice(f.logs, settings.w2, settings.activation),
            "w2 = 2, then T = 1000.",
        )
        why(
            "By the chain rule, $\\partial y_T/\\partial x_t = w_3\\, w_1\\, s_t \\prod_{k=t+1}^{T} w_2 s_k$: "
            "one factor $w_2 s_k$ for every step between input $t$ and the end. An input $n$ steps before "
            "the last is scaled by $w_2^n$ (times slopes), so the first of $T$ inputs by $w_2^{T-1}$. "
            "ReLU's slope is 1 where the unit is on and 0 where it is off; the dashed line leaves the "
            "slopes out, so with ReLU it lies on the computed one whenever the unit stays on. tanh's and "
            "sigmoid's slopes are below 1, so their computed line runs under the dashed one."
        )
    return {}


def ahead(activation: str, w2: float, own: dict) -> list:
    return drag_ahead(activation, w2, functools.partial(_drag_lines_spec, with_points(MAX_LENGTH)))


VIEW = View("inputs", "Each input", each_input_view, drags_w2=True, ahead=ahead)
