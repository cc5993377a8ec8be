"""One training step: what an exploding gradient does to a plain descent step, and how clipping helps."""

from __future__ import annotations

import functools

import streamlit as st

from ui.classroom.linkable import Linkable
from ui.kit import chart_data, charts
from ui.kit.format import from_log10
from ui.lab import text
from ui.lab.controls import columns, metrics, prose, why
from ui.lab.model import (
    CLIP_CHOICES,
    FIXED,
    LR_CHOICES,
    MAX_LENGTH,
    SURFACE_STEPS,
    W2_RANGE,
    LabSettings,
    first_step,
    first_step_leaves,
)
from ui.lab.specs import rnn_descent_paths, surface_cells, surface_spec
from ui.lab.views.base import View

LR = Linkable("lab_", "step_lr", str, options=tuple(LR_CHOICES))
CLIP = Linkable("lab_", "step_clip", str, options=tuple(CLIP_CHOICES))


def training_step_view(
    settings: LabSettings, *, key_prefix: str = "lab_", masked: frozenset[str] = frozenset()
) -> dict:
    """What an exploding gradient does to a training step, and how clipping helps."""
    figure, side = columns()
    with side:
        left, right = st.columns(2)  # side by side on a laptop, stacked on a phone
        lr = left.select_slider("Learning rate η", LR_CHOICES, value=0.05, **LR.bound(key_prefix))
        threshold = right.select_slider("Clip at τ", CLIP_CHOICES, value=1.0, **CLIP.bound(key_prefix))
    path_data, ends = rnn_descent_paths(settings.length, settings.w2, settings.activation, lr, threshold)
    plain, clipped = ends["plain gradient descent"], ends["clipped by norm"]
    log_norm, log_step = first_step(plain, lr, None)
    _, log_clipped = first_step(clipped, lr, threshold)
    notice = text.step_notice(
        settings.w2,
        settings.length,
        settings.activation,
        lr,
        threshold,
        log_norm,
        (first_step_leaves(plain), first_step_leaves(clipped)),
        W2_RANGE,
    )
    marker = chart_data.arrow_table({"w2": [settings.w2], "w1": [FIXED["w1"]], "label": ["the current weights"]})
    with figure:
        charts.draw(
            chart_data.with_datasets(
                surface_spec(),
                cells=surface_cells(settings.length, settings.activation),
                marks=marker,
                **path_data,
            ),
            key=f"{key_prefix}chart_step",
            alt_text=text.step_alt(settings.length, settings.w2, log_norm, notice).text,
        )
    with side:
        metrics(
            ("Plain step η‖g‖", text.short_magnitude(log_step)),
            ("Clipped step η·min(‖g‖, τ)", text.short_magnitude(log_clipped)),
        )
        prose(
            f"{key_prefix}step_text",
            f"the loss at T = {settings.length} and {SURFACE_STEPS} descent steps from the diamond, where "
            f"‖g‖ = {from_log10(log_norm)}: plain (orange, dashed) and clipped (blue).",
            notice,
            "w2 = 2 and T = 50.",
        )
        why(
            "$g$ is the gradient of the loss with respect to $(w_2, w_1)$; $b_1$, $w_3$ and $b_2$ stay at the "
            "lesson's values. Where gradients explode, one plain step $-\\eta g$ is far longer than the "
            "weights themselves and throws them off the chart. Clipping by norm keeps the step's "
            "direction but caps its length at $\\eta\\tau$, so the same start walks downhill."
        )
    return {f"{key_prefix}step_lr": lr, f"{key_prefix}step_clip": threshold}


def ahead(activation: str, w2: float, own: dict) -> list:
    lr = next(value for key, value in own.items() if key.endswith("step_lr"))
    threshold = next(value for key, value in own.items() if key.endswith("step_clip"))
    return [
        surface_spec,
        functools.partial(surface_cells, MAX_LENGTH, activation),
        functools.partial(rnn_descent_paths, MAX_LENGTH, w2, activation, lr, threshold),
    ]


VIEW = View("step", "Training step", training_step_view, ahead=ahead)
