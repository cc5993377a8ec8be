"""Training's charts over the steps: the loss, the gradient's length, the one-unit network's weights,
and this run beside the last ones. Each takes the run's history and a text alternative
(``ui.training.alt_text``) and draws through ``ui.kit.charts``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ui.kit import charts
from ui.kit.state import shown
from ui.training import alt_text
from ui.training.run import LiveRun, RunCurve, curve_of

MINI_BATCH, WHOLE_SET = "mini-batch", "whole set"  # the loss chart's two lines when batches are used
POINTS_UP_TO = 40  # a short history is drawn with a dot per step, so one step is visible
LOSS_COLOURS = {MINI_BATCH: charts.OKABE_ITO[5], WHOLE_SET: charts.OKABE_ITO[3]}
CHART_HEIGHT = 200


def loss_chart(history: dict, mini_batches: bool, log_loss: bool, key_prefix: str, where, alt: str) -> None:
    """The loss over the steps. Its spec is built once per look (``charts.cached_curve``) and each
    refresh sends only the rows; ``alt`` is its text alternative (``ui.training.alt_text``), which
    stays the same while training plays, so the browser keeps the chart and swaps its rows."""
    common = {"x_title": "step", "x_format": "d", "points": len(history["step"]) <= POINTS_UP_TO}
    if mini_batches:
        # A step's loss is its own mini-batch's: noisy. The whole set's, measured at each
        # refresh, is the one that should fall.
        loss_columns = {
            "step": np.concatenate([history["step"], history["full loss step"]]),
            "loss": np.concatenate([history["loss"], history["full loss"]]),
            "loss on": np.repeat([MINI_BATCH, WHOLE_SET], [len(history["step"]), len(history["full loss step"])]),
        }
        # The chart's title says what the colours are: no legend title, a narrow legend.
        by_batch = {"color": "loss on", "color_title": "loss on", "legend_title": False, "palette": LOSS_COLOURS}
        title = "Training loss (MSE): mini-batches and whole set"
    else:
        loss_columns, by_batch, title = {"step": history["step"], "loss": history["loss"]}, {}, "Training loss (MSE)"
    loss = charts.cached_curve(
        loss_columns,
        "step",
        "loss",
        title=title,
        # A short axis title: a long one overflows the plot and Streamlit clips the chart's title.
        y_title="MSE (log scale)" if log_loss else "MSE",
        log_y=log_loss,
        height=CHART_HEIGHT,
        **common,
        **by_batch,
    )
    charts.draw(loss, key=f"{key_prefix}loss_chart", where=where, alt_text=alt)


def norm_chart(history: dict, key_prefix: str, where, alt: str) -> None:
    """The gradient's length over the steps (log scale): where explosion and vanishing show."""
    norm = charts.cached_curve(
        {"step": history["step"], "gradient norm": history["gradient norm"]},
        "step",
        "gradient norm",
        title="Gradient norm",
        y_title="‖gradient‖ (log)",
        log_y=True,
        x_title="step",
        x_format="d",
        points=len(history["step"]) <= POINTS_UP_TO,
        height=CHART_HEIGHT,
    )
    charts.draw(norm, key=f"{key_prefix}grad_chart", where=where, alt_text=alt)


def weights_chart(history: dict, key_prefix: str, where, alt: str) -> None:
    """The one-unit network's five weights over the steps."""
    names = list(history["params"])
    weights = charts.long_columns({"step": history["step"], **history["params"]}, "step", names, "value", "parameter")
    # long_columns thinned each series at the same steps; a line per parameter is not thinned again.
    chart = charts.cached_curve(
        weights,
        "step",
        "value",
        title="The five weights as they train",
        x_title="step",
        x_format="d",
        points=len(history["step"]) <= POINTS_UP_TO,
        y_title="value",
        color="parameter",
        color_title="parameter",
        palette=charts.PARAM_COLOURS,
        height=CHART_HEIGHT,
    )
    charts.draw(chart, key=f"{key_prefix}weights_chart", where=where, alt_text=alt)


def comparison_chart(run: LiveRun, kept: list[RunCurve], *, key_prefix: str) -> None:
    """The current run's loss beside the last few runs', each labelled with its settings."""
    if not kept:
        return
    curves = [*kept]
    if (now := curve_of(run, f"now: {getattr(run, 'label', 'this run')}")) is not None:
        curves.append(now)
    frame = pd.concat(
        [pd.DataFrame({"step": c.step, "loss": c.loss, "run": c.label}) for c in curves], ignore_index=True
    )
    palette = dict(zip([c.label for c in curves], charts.OKABE_ITO, strict=False))
    st.subheader("This run beside the last ones")
    chart = charts.cached_curve(
        frame,
        "step",
        "loss",
        title="Training loss of recent runs (whole set)",
        x_title="step",
        x_format="d",
        y_title="MSE (log scale)",
        log_y=True,
        color="run",
        color_title="run",
        palette=palette,
        height=240,
    )
    charts.draw(
        chart,
        key=f"{key_prefix}compare_chart",
        alt_text=shown(alt_text.comparison_alt(curves)),
    )
    st.caption(
        "Change one setting (model, clipping, learning rate) and train again: the last runs stay here to compare."
    )
