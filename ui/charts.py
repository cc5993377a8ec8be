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


def thin_indices(count: int, max_points: int = MAX_POINTS) -> list[int]:
    """At most ``max_points`` evenly spaced positions in range(count), always the first and the last."""
    if count <= max_points:
        return list(range(count))
    return np.unique(np.linspace(0, count - 1, max_points).round().astype(int)).tolist()


def downsample(frame: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """At most ``max_points`` evenly spaced rows, always keeping the first and the last."""
    if len(frame) <= max_points:
        return frame
    return frame.iloc[thin_indices(len(frame), max_points)]


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
    x_type: str = "Q",
    x_format: str | None = None,
) -> alt.Chart:
    """A line chart of ``y`` against ``x`` (one line per ``color`` value), optionally on a log axis.

    ``x_type`` is the Vega-Lite type of ``x``: "Q" for numbers, "T" for dates. ``x_format``
    is a d3 format for the x labels ("d" for whole numbers such as training steps).
    """
    frame = finite_rows(downsample(frame) if color is None else frame, [y] if x_type == "T" else [x, y])
    if log_y:
        frame = frame.assign(**{y: np.maximum(frame[y].to_numpy(dtype=float), LOG_FLOOR)})
    scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    encoding = {
        "x": alt.X(f"{x}:{x_type}", title=x_title, axis=alt.Axis(format=x_format) if x_format else alt.Undefined),
        "y": alt.Y(f"{y}:Q", title=y_title, scale=scale),
        "tooltip": [alt.Tooltip(f"{x}:{x_type}", title=x_title), alt.Tooltip(f"{y}:Q", title=y_title, format=".4g")],
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
    frame: pd.DataFrame,
    x: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    height: int = 280,
    x_type: str = "Q",
    x_format: str | None = None,
) -> alt.Chart:
    """Target and prediction per sample (long form: columns x, 'series', 'value'); x may be dates ("T")."""
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
        x_type=x_type,
        x_format=x_format,
    )


# ----------------------------------------------------------------------------- gradient lab
# Encodings are written as channel objects (alt.Tooltip("a:N")), never bare strings: Altair
# parses a bare "a:N" by rebuilding its schema index, about 5 ms a time on every rerun.
# log10 colour scales are clipped to this range so one extreme cell cannot wash out the rest.
LOG_COLOUR_LIMIT = 20.0


def log_magnitude_lines(
    frame: pd.DataFrame, *, title: str, x_title: str, y_title: str, palette: dict[str, str], height: int = 300
) -> alt.Chart:
    """Lines of log10 magnitudes per step (long form: 'step', 'series', 'log10'), one dash per series.

    The y axis is the exponent itself, so 10^477 and 10^-300 fit on one chart.
    """
    frame = finite_rows(frame, ["step", "log10"])
    domain = [k for k in palette if k in set(frame["series"])] or list(palette)
    dashes = {name: ([6, 4] if "analytic" in name or "|w2|" in name else [1, 0]) for name in domain}
    return (
        alt.Chart(frame)
        .mark_line(point=len(frame) <= 120)
        .encode(
            x=alt.X("step:Q", title=x_title),
            y=alt.Y("log10:Q", title=y_title, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "series:N",
                title="",
                scale=alt.Scale(domain=domain, range=[palette[k] for k in domain]),
                legend=alt.Legend(orient="bottom", labelLimit=400),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                title="",
                scale=alt.Scale(domain=domain, range=[dashes[k] for k in domain]),
                legend=alt.Legend(orient="bottom", labelLimit=400),
            ),
            tooltip=[
                alt.Tooltip("series:N", title="series"),
                alt.Tooltip("step:Q", title=x_title),
                alt.Tooltip("log10:Q", title=y_title, format=".2f"),
            ],
        )
        .properties(title=title, height=height)
    )


def log_heatmap(
    frame: pd.DataFrame,
    x: str,
    y: str,
    value: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    value_title: str,
    scheme: str = "blueorange",
    mid: float | None = 0.0,
    marks: pd.DataFrame | None = None,
    rules_x: list[float] | None = None,
    paths: pd.DataFrame | None = None,
    path_palette: dict[str, str] | None = None,
    height: int = 420,
) -> alt.LayerChart:
    """A heatmap of a log10 ``value`` over two numeric axes, with optional overlays.

    ``marks`` (columns x, y, 'label'): points such as the current setting; their data is
    named "marks" and the paths' "paths" in the drawn spec (see ``with_datasets``).
    ``rules_x``: vertical lines (boundaries such as |w2| = 1). ``paths`` (x, y, 'path',
    'order'): descent paths drawn as lines with points. Cells whose value is not finite
    are dropped; values are clipped to +-``LOG_COLOUR_LIMIT`` for the colour scale.
    """
    # An exact zero (log10 = -inf) takes the lowest colour; nan cells are dropped.
    cells = frame.assign(**{value: frame[value].clip(-LOG_COLOUR_LIMIT, LOG_COLOUR_LIMIT)})
    cells = finite_rows(cells, [x, y, value])
    x_domain = [float(frame[x].min()), float(frame[x].max())]
    y_domain = [float(frame[y].min()), float(frame[y].max())]
    x_scale, y_scale = alt.Scale(domain=x_domain, nice=False), alt.Scale(domain=y_domain, nice=False)
    colour_scale = alt.Scale(scheme=scheme, domainMid=mid) if mid is not None else alt.Scale(scheme=scheme)
    layers = [
        alt.Chart(cells)
        .mark_rect()
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, bin=alt.Bin(maxbins=max(10, cells[x].nunique())), scale=x_scale),
            y=alt.Y(f"{y}:Q", title=y_title, bin=alt.Bin(maxbins=max(10, cells[y].nunique())), scale=y_scale),
            color=alt.Color(f"{value}:Q", title=value_title, scale=colour_scale),
            tooltip=[
                alt.Tooltip(f"{x}:Q", title=x_title, format=".3g"),
                alt.Tooltip(f"{y}:Q", title=y_title, format=".3g"),
                alt.Tooltip(f"{value}:Q", title=value_title, format=".1f"),
            ],
        )
    ]
    if rules_x:
        layers.append(
            alt.Chart(pd.DataFrame({x: rules_x}))
            .mark_rule(color="#000000", strokeDash=[4, 3], strokeWidth=1.5)
            .encode(x=alt.X(f"{x}:Q", scale=x_scale))
        )
    if paths is not None and len(paths):
        palette = path_palette or {}
        domain = list(palette) or sorted(paths["path"].unique())
        shown = visible_path_points(paths, x, y, x_domain, y_domain)
        layers.append(
            alt.Chart(shown)
            .mark_line(point=True, strokeWidth=2, clip=True)
            .encode(
                x=alt.X(f"{x}:Q", scale=x_scale),
                y=alt.Y(f"{y}:Q", scale=y_scale),
                order=alt.Order("order:Q"),
                color=alt.Color(
                    "path:N",
                    title="descent path",
                    scale=alt.Scale(domain=domain, range=[palette.get(k, "#000000") for k in domain]),
                    legend=alt.Legend(orient="bottom", labelLimit=300),
                ),
                tooltip=[alt.Tooltip("path:N", title="path"), alt.Tooltip("order:Q", title="step")],
            )
        )
    if marks is not None and len(marks):
        marks = marks.copy()
        marks.attrs["dataset"] = "marks"
        layers.append(
            alt.Chart(marks)
            .mark_point(shape="diamond", size=160, filled=True, color="#000000", stroke="#FFFFFF", strokeWidth=1.5)
            .encode(
                x=alt.X(f"{x}:Q", scale=x_scale),
                y=alt.Y(f"{y}:Q", scale=y_scale),
                tooltip=[alt.Tooltip("label:N", title="")],
            )
        )
    return alt.layer(*layers).properties(title=title, height=height).resolve_scale(color="independent")


def visible_path_points(paths: pd.DataFrame, x: str, y: str, x_domain, y_domain) -> pd.DataFrame:
    """The finite points of descent paths that fall inside the chart, as the "paths" dataset."""
    shown = finite_rows(paths, [x, y])
    shown = shown[shown[x].between(*x_domain) & shown[y].between(*y_domain)].copy()
    shown.attrs["dataset"] = "paths"
    return shown


def with_datasets(spec: dict, **frames: pd.DataFrame) -> dict:
    """A (cached) spec with some of its named datasets replaced: new marks, new paths."""
    return {**spec, "datasets": {**spec["datasets"], **frames}}


def signed_log_points(frame: pd.DataFrame, *, title: str, x_title: str, y_title: str, height: int = 280):
    """log10 |piece| per step (columns 'step', 'log10', 'direction'), a dot per step coloured by its sign."""
    frame = finite_rows(frame, ["step", "log10"])
    palette = {"pushes w2 up": "#0072B2", "pushes w2 down": "#D55E00"}
    base = alt.Chart(frame).encode(
        x=alt.X("step:Q", title=x_title),
        y=alt.Y("log10:Q", title=y_title, scale=alt.Scale(zero=False)),
    )
    line = base.mark_line(color="#8C8C8C", strokeWidth=1)
    dots = base.mark_circle(size=40 if len(frame) <= 200 else 12, opacity=0.9).encode(
        color=alt.Color(
            "direction:N", title="", scale=alt.Scale(domain=list(palette), range=list(palette.values()))
        ),
        tooltip=[
            alt.Tooltip("step:Q", title=x_title),
            alt.Tooltip("log10:Q", title=y_title, format=".2f"),
            alt.Tooltip("direction:N", title=""),
        ],
    )
    return alt.layer(line, dots).properties(title=title, height=height)


# ----------------------------------------------------------------------------- drawing
def vega_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec with its data frames as named datasets, built without validation.

    ``st.altair_chart`` validates every spec against Vega-Lite's JSON schema on every
    rerun: most of a chart's cost, and 7 charts' worth on the gradient lab. The charts
    here come only from the builders above, whose specs the test suite validates
    (``tests/test_charts.py``), so at run time they are converted without it.
    """
    datasets: dict[str, pd.DataFrame] = {}
    parts = [chart, *(getattr(chart, "layer", None) or [])]
    for part in parts:
        data = getattr(part, "data", alt.Undefined)
        if isinstance(data, pd.DataFrame):
            # A builder may name a layer's data (frame.attrs["dataset"]) so a cached spec can have
            # just that layer's rows replaced; otherwise unrolled_N (not data_N: Vega-Lite's own names).
            name = data.attrs.get("dataset") or f"unrolled_{len(datasets)}"
            datasets[name] = data
            part.data = alt.NamedData(name=name)
    spec = chart.to_dict(validate=False)
    spec.pop("config", None)  # Altair's default theme: fixed 300 px views; Streamlit's theme styles the chart
    spec.pop("$schema", None)
    spec["datasets"] = datasets
    return spec


def draw(chart: alt.TopLevelMixin | dict, *, key: str, where=None, alt_text: str | None = None) -> None:
    """Draw a chart from this module, or a spec from ``vega_spec``, across ``where`` (default: the page)."""
    import streamlit as st

    spec = chart if isinstance(chart, dict) else vega_spec(chart)
    (where or st).vega_lite_chart(spec=spec, width="stretch", key=key, alt=alt_text)
