"""Altair chart builders shared by every page, so one kind of chart is drawn one way.

Charts carry a title and axis titles with units, use the Okabe-Ito colour-blind-safe
palette, and leave background and text colours to Streamlit's theme so they read in
light and dark mode. Non-finite values never reach a chart.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
PARAM_COLOURS = {"w1": "#0072B2", "w2": "#D55E00", "b1": "#CC79A7", "w3": "#009E73", "b2": "#E69F00"}
MAX_POINTS = 400
# Log axes cannot show zero: losses below this floor are drawn at the floor.
LOG_FLOOR = 1e-12


def downsample(frame: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """At most ``max_points`` evenly spaced rows, always keeping the first and the last."""
    if len(frame) <= max_points:
        return frame
    index = np.unique(np.linspace(0, len(frame) - 1, max_points).round().astype(int))
    return frame.iloc[index]


def finite_rows(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Drop rows whose given columns are not finite (a chart must never show nan or inf)."""
    values = frame[columns].to_numpy(dtype=float)
    return frame[np.isfinite(values).all(axis=1)]


def curve(
    frame: pd.DataFrame,
    x: str,
    y: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    log_y: bool = False,
    color: str | None = None,
    color_title: str | None = None,
    palette: dict[str, str] | None = None,
    height: int = 260,
    points: bool = False,
) -> alt.Chart:
    """A line chart of ``y`` against ``x`` (one line per ``color`` value), optionally on a log axis."""
    frame = finite_rows(downsample(frame) if color is None else frame, [x, y])
    if log_y:
        frame = frame.assign(**{y: np.maximum(frame[y].to_numpy(dtype=float), LOG_FLOOR)})
    scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    encoding = {
        "x": alt.X(f"{x}:Q", title=x_title),
        "y": alt.Y(f"{y}:Q", title=y_title, scale=scale),
        "tooltip": [alt.Tooltip(f"{x}:Q", title=x_title), alt.Tooltip(f"{y}:Q", title=y_title, format=".4g")],
    }
    if color is not None:
        domain = list(palette) if palette else sorted(frame[color].unique())
        colours = [palette[k] for k in domain] if palette else OKABE_ITO[: len(domain)]
        encoding["color"] = alt.Color(
            f"{color}:N", title=color_title or color, scale=alt.Scale(domain=domain, range=colours)
        )
        encoding["tooltip"].append(alt.Tooltip(f"{color}:N", title=color_title or color))
    style = {} if color is not None else {"color": OKABE_ITO[0]}
    mark = alt.Chart(frame).mark_line(point=points, **style)
    return mark.encode(**encoding).properties(title=title, height=height)


def long_history(records: dict[str, list], x: str, names: list[str], value: str, name: str) -> pd.DataFrame:
    """Reshape {x: [...], name1: [...], ...} into long form (x, name, value), downsampled per series."""
    wide = downsample(pd.DataFrame({x: records[x], **{n: records[n] for n in names}}))
    return wide.melt(id_vars=[x], value_vars=names, var_name=name, value_name=value)


def predictions_vs_targets(
    frame: pd.DataFrame, x: str, *, title: str, x_title: str, y_title: str, height: int = 280
) -> alt.Chart:
    """Target and prediction per sample (long form: columns x, 'series', 'value')."""
    return curve(
        frame,
        x,
        "value",
        title=title,
        x_title=x_title,
        y_title=y_title,
        color="series",
        color_title="",
        palette={"target": "#8C8C8C", "prediction": "#D55E00", "naive (tomorrow = today)": "#56B4E9"}
        if "naive (tomorrow = today)" in set(frame["series"])
        else {"target": "#8C8C8C", "prediction": "#D55E00"},
        height=height,
        points=len(frame) <= 80,
    )
