"""The cliff: Pascanu, Mikolov and Bengio's classic one-unit example, with its own unit and controls."""

from __future__ import annotations

import streamlit as st

from ui.classroom.linkable import Linkable
from ui.kit import charts
from ui.kit.format import significant
from ui.lab import text
from ui.lab.controls import columns, prose, why
from ui.lab.model import CLIFF_STEPS, LabSettings
from ui.lab.specs import cliff_chart
from ui.lab.views.base import View

CHOICES = (0.1, 0.25, 0.5, 1.0, 2.0)  # the learning rates and the clipping thresholds
LR = Linkable("lab_", "cliff_lr", str, options=CHOICES)
THRESHOLD = Linkable("lab_", "cliff_threshold", str, options=CHOICES)
START = Linkable("lab_", "cliff_start", low=3.0, high=8.0)


def cliff_view(settings: LabSettings, *, key_prefix: str = "lab_", masked: frozenset[str] = frozenset()) -> dict:
    """Pascanu et al.'s classic cliff, with its own unit and its own controls."""
    figure, side = columns()
    with side:
        left, right = st.columns(2)
        lr = left.select_slider("Learning rate", CHOICES, value=0.5, **LR.bound(key_prefix))
        threshold = right.select_slider("Clip at", CHOICES, value=0.5, **THRESHOLD.bound(key_prefix))
        start_w = st.slider("Start at w (b = −2)", START.low, START.high, 5.5, step=0.25, **START.bound(key_prefix))
    chart, found = cliff_chart(lr, threshold, (start_w, -2.0))
    notice = text.cliff_notice(
        start_w, lr, threshold, CLIFF_STEPS, found["longest_jump"], found["longest_step"], found["leaves"]
    )
    with figure:
        charts.draw(
            chart,
            key=f"{key_prefix}chart_cliff",
            alt_text=text.cliff_alt(start_w, notice).text,
        )
    with side:
        prose(
            f"{key_prefix}cliff_text",
            "a classic unit of its own (Pascanu et al., 2013), $x_t = w\\,\\sigma(x_{t-1}) + b$, whose "
            "error drops at a thin wall.",
            notice,
            "start at w = 4.5.",
        )
        why(
            "Pascanu, Mikolov and Bengio (*On the difficulty of training recurrent neural networks*, 2013) "
            "trained one sigmoid unit so that $\\sigma(x_{50}) = 0.7$, from $x_0 = 0.5$. Its error surface has "
            "a cliff: a narrow wall where the error drops and the gradient is enormous. A gradient step on "
            f"the wall is thrown far away; clipped, a step is at most {significant(lr * threshold)} long."
        )
    return {f"{key_prefix}cliff_lr": lr, f"{key_prefix}cliff_threshold": threshold, f"{key_prefix}cliff_start": start_w}


VIEW = View("cliff", "The cliff", cliff_view, shared_controls=False)
