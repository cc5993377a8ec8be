"""The pieces of dL/dw2: the per-step pieces BPTT adds up for the recurrent weight."""

from __future__ import annotations

import functools

import numpy as np
import streamlit as st

from ui.kit import chart_data, charts
from ui.lab import text
from ui.lab.controls import columns, metrics, prose, why
from ui.lab.model import MAX_LENGTH, LabSettings, facts, log_domain
from ui.lab.specs import pieces_spec
from ui.lab.views.base import View


def pieces_view(settings: LabSettings, *, key_prefix: str = "lab_", masked: frozenset[str] = frozenset()) -> dict:
    """Which steps make up dL/dw2: BPTT's per-step pieces, and their sum."""
    f = facts(settings.w2, settings.length, settings.activation)
    pieces = f.pieces
    steps = np.arange(1, settings.length + 1)
    directions = np.where(pieces.signs < 0, "pushes w2 up", "pushes w2 down")  # descent moves against the sign
    shown = np.isfinite(pieces.log10_steps)
    present = tuple(name for name in ("pushes w2 up", "pushes w2 down") if (directions[shown] == name).any())
    rows = chart_data.arrow_table(
        {"step": steps, "log10": pieces.log10_steps, "direction": directions}, finite=("log10",)
    )
    notice = text.pieces_notice(pieces.log10_steps, settings.w2, settings.activation)
    figure, side = columns()
    with figure:
        charts.draw(
            chart_data.with_datasets(pieces_spec(present, log_domain(pieces.log10_steps)), pieces=rows),
            key=f"{key_prefix}chart_pieces",
            alt_text=text.pieces_alt(settings.length, settings.w2, settings.activation, notice).text,
        )
    with side:
        metrics(
            ("dL/dw2 (the sum)", text.short_magnitude(pieces.total.log10, negative=pieces.total.sign < 0)),
            ("Loss (y_T − 1)²", text.short_magnitude(pieces.log10_loss)),
        )
        st.latex(text.W2_GRADIENT_FORMULA)
        prose(
            f"{key_prefix}pieces_text",
            "each step's piece of the gradient of w2; BPTT adds them up.",
            notice,
            "T = 100 with w2 = 0.5, then w2 = 2.",
        )
        why(
            "$w_2$ is used at every step, so its gradient is a sum over steps. Step $t$ adds "
            "$\\partial L/\\partial z_t \\cdot h_{t-1}$: the error carried back from the end (it picks up "
            "$w_2 s_k$ once per step, as on view 1) times what the unit held before. Step 1 adds 0 because "
            "$h_0 = 0$. When the carried error vanishes, early steps add nothing, so the network cannot "
            "learn from what happened long ago."
        )
    return {}


def ahead(activation: str, w2: float, own: dict) -> list:
    return [functools.partial(facts, w2, MAX_LENGTH, activation)]


VIEW = View("pieces", "Pieces of dL/dw2", pieces_view, ahead=ahead)
