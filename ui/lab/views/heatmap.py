"""The heatmap: where gradients explode, fade or are exactly 0, over w2 and the length T."""

from __future__ import annotations

import functools

import streamlit as st

from ui.kit import chart_data, heatmaps
from ui.kit.format import from_log10
from ui.lab import text
from ui.lab.controls import columns, prose, why
from ui.lab.drag import drag_ahead, drag_data, drag_hint, draw_drag, masked_readouts
from ui.lab.model import MAX_LENGTH, LabSettings, facts, heatmap_rows, heatmap_shares, heatmap_w2s
from ui.lab.specs import heatmap_cells, heatmap_spec
from ui.lab.views.base import View


def heatmap_view(settings: LabSettings, *, key_prefix: str = "lab_", masked: frozenset[str] = frozenset()) -> dict:
    """Where gradients explode and vanish: the first input's gradient over w2 and T."""
    f = facts(settings.w2, settings.length, settings.activation)
    hidden = "first" in masked  # a lesson asks what happens to the first input: its numbers wait
    marker = (masked_readouts(settings.length) if hidden else drag_data(settings.length, settings.activation))["marks"]
    # (a diamond per w2, the one dragged to drawn)
    figure, side = columns()
    with figure:
        draw_drag(
            chart_data.with_datasets(
                heatmap_spec(settings.activation),
                cells=heatmap_cells(settings.activation, heatmap_rows(settings.length)),
                marks=marker,
            ),
            "heatmap",
            settings.w2,
            key_prefix=key_prefix,
            alt_text=text.HEATMAP_ALT.text,
        )
    with side:
        st.metric("First input's |∂y_T/∂x_1| at the diamond", "?" if hidden else from_log10(float(f.logs[0])))
        prose(
            f"{key_prefix}heatmap_text",
            "the first input's gradient over w2 and T: orange above 1, blue below; the diamond, your setting. "
            + drag_hint(key_prefix),
            text.HEATMAP_MASKED_NOTICE
            if hidden
            else text.heatmap_notice(
                settings.activation,
                heatmap_rows(settings.length),
                heatmap_w2s(settings.activation),
                heatmap_shares(settings.activation, heatmap_rows(settings.length)),
            ),
            "move w2 across 1, then across −1.",
        )
        why(
            "Each row is one length $T$, each column one $w_2$. The colour is "
            "$|\\partial y_T/\\partial x_1| = |w_3 w_1|\\,|w_2|^{T-1}\\prod s_k$ as a power of ten (colours stop "
            f"at $10^{{\\pm{heatmaps.LOG_COLOUR_LIMIT:g}}}$). With slopes of 1, $|w_2| > 1$ grows without "
            "bound and $|w_2| < 1$ fades to nothing: keeping $|w_2| < 1$ only trades explosion for "
            "vanishing. A negative $w_2$ can switch a ReLU off, which makes the gradient exactly 0; a "
            "saturated tanh or sigmoid has slopes far below 1, which can outweigh any $|w_2|$."
        )
    return {}


def ahead(activation: str, w2: float, own: dict) -> list:
    return drag_ahead(
        activation,
        w2,
        functools.partial(heatmap_spec, activation),
        functools.partial(heatmap_cells, activation, heatmap_rows(MAX_LENGTH)),
    )


VIEW = View("heatmap", "Heatmap", heatmap_view, drags_w2=True, ahead=ahead)
