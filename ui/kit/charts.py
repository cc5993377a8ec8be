"""Altair chart builders shared by every page, so one kind of chart is drawn one way.

Charts carry a title and axis titles with units, use the Okabe-Ito colour-blind-safe
palette, and leave background and text colours to Streamlit's theme so they read in
light and dark mode. Non-finite values never reach a chart. Encodings are written as channel
objects (``alt.Tooltip("a:N")``), never bare strings, which Altair parses by rebuilding its
schema index on every rerun.
"""

from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from ui.kit.chart_data import arrow_table, with_datasets
from ui.kit.format import SUPERSCRIPT_DIGITS

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# A line's dash says which series it is as its colour does, for a reader who cannot tell the colours
# apart (deuteranopia, protanopia, a grey printout): solid, dashed, dotted, dash-dot, long dash, ...
SERIES_DASHES = ([1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4], [4, 2, 1, 2], [1, 3], [10, 2, 2, 2])

PARAM_COLOURS = {"w1": "#0072B2", "w2": "#D55E00", "b1": "#CC79A7", "w3": "#009E73", "b2": "#E69F00"}

MAX_POINTS = 400

# Log axes cannot show zero: zero and negative values are drawn at this floor (or at the smallest
# positive value, if lower); positive values, however tiny, are drawn as they are.
LOG_FLOOR = 1e-12


def on_log_axis(values) -> np.ndarray:
    """``values`` ready for a log axis: positive ones as they are, zero and below at the floor."""
    values = np.asarray(values, dtype=float)
    positive = values > 0
    floor = min(LOG_FLOOR, values[positive].min()) if positive.any() else LOG_FLOOR
    return np.where(positive, values, floor)


def thin_indices(count: int, max_points: int = MAX_POINTS) -> list[int]:
    """At most ``max_points`` evenly spaced positions in range(count), always the first and the last."""
    if count <= max_points:
        return list(range(count))
    return np.unique(np.linspace(0, count - 1, max_points).round().astype(int)).tolist()


def curve_rows(x_values, y_values, *, thin: bool) -> np.ndarray:
    """The positions of the rows a curve draws: evenly thinned to ``MAX_POINTS`` when ``thin``, then
    those whose y (and x, unless ``x_values`` is None, as for dates) is a finite number."""
    rows = np.asarray(thin_indices(len(y_values)) if thin else range(len(y_values)), dtype=int)
    keep = np.isfinite(np.asarray(y_values, dtype=float)[rows])
    if x_values is not None:
        keep &= np.isfinite(np.asarray(x_values, dtype=float)[rows])
    return rows[keep]


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
    legend_title: bool = True,
    palette: dict[str, str] | None = None,
    height: int = 260,
    points: bool = False,
    x_type: str = "Q",
    x_format: str | None = None,
    dataset: str | None = None,
) -> alt.Chart:
    """A line chart of ``y`` against ``x`` (one line per ``color`` value), optionally on a log axis.

    ``x_type`` is the Vega-Lite type of ``x``: "Q" for numbers, "T" for dates. ``x_format``
    is a d3 format for the x labels ("d" for whole numbers such as training steps, which
    then also get no ticks between whole numbers). ``legend_title=False`` drops the colour
    legend's title (when the chart's title already says what the colours are; the tooltip
    keeps it). ``dataset`` names the data (see ``with_datasets``).
    """
    frame = frame.iloc[curve_rows(None if x_type == "T" else frame[x], frame[y], thin=color is None)]
    if log_y:
        frame = frame.assign(**{y: on_log_axis(frame[y])})
    frame = _named(frame, dataset)
    scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    axis = alt.Undefined
    if x_format:
        axis = alt.Axis(format=x_format, tickMinStep=1) if x_format == "d" else alt.Axis(format=x_format)
    encoding = {
        "x": alt.X(f"{x}:{x_type}", title=x_title, axis=axis),
        "y": alt.Y(
            f"{y}:Q", title=y_title, scale=scale, axis=alt.Axis(labelExpr=LOG_AXIS_LABELS) if log_y else alt.Undefined
        ),
        "tooltip": [alt.Tooltip(f"{x}:{x_type}", title=x_title), alt.Tooltip(f"{y}:Q", title=y_title, format=".4g")],
    }
    if color is not None:
        domain = list(palette) if palette else sorted(frame[color].unique())
        colours = [palette[k] for k in domain] if palette else OKABE_ITO[: len(domain)]
        legend = alt.Undefined if legend_title else alt.Legend(title=None)
        encoding["color"] = alt.Color(
            f"{color}:N", title=color_title or color, scale=alt.Scale(domain=domain, range=colours), legend=legend
        )
        encoding["strokeDash"] = series_dashes(color, domain, color_title or color, legend)
        encoding["tooltip"].append(alt.Tooltip(f"{color}:N", title=color_title or color))
    tooltip = encoding.pop("tooltip")
    line = alt.Chart(frame).encode(**encoding)
    if color is None:
        line = line.encode(color=alt.value(OKABE_ITO[0]))
    return alt.layer(*line_and_dots(line, tooltip, points)).properties(title=title, height=height)


def series_dashes(field: str, domain: list, title: str, legend=alt.Undefined) -> alt.StrokeDash:
    """A dash per series of ``field`` (its legend merged with the colour's: same field, title and legend)."""
    dashes = [SERIES_DASHES[i % len(SERIES_DASHES)] for i in range(len(domain))]
    return alt.StrokeDash(f"{field}:N", title=title, scale=alt.Scale(domain=domain, range=dashes), legend=legend)


def long_columns(records: dict[str, list], x: str, names: list[str], value: str, name: str) -> dict[str, np.ndarray]:
    """Reshape {x: [...], name1: [...], ...} into long-form columns (x, name, value): every series
    thinned at the same steps, one series after another."""
    rows = thin_indices(len(records[x]))
    steps = np.asarray(records[x])[rows]
    return {
        x: np.tile(steps, len(names)),
        name: np.repeat(np.asarray(names, dtype=str), len(rows)),
        value: np.concatenate([np.asarray(records[n], dtype=float)[rows] for n in names]) if names else np.empty(0),
    }


def long_history(records: dict[str, list], x: str, names: list[str], value: str, name: str) -> pd.DataFrame:
    """``long_columns`` as a data frame."""
    return pd.DataFrame(long_columns(records, x, names, value, name))


# A curve drawn on every rerun (Training's live charts): its spec is built once per set of options,
# with its rows in the dataset CURVE_DATA, and each rerun swaps in new rows (``curve_table``).
CURVE_DATA = "curve"


def curve_spec(x: str, y: str, **options) -> dict:
    """``curve``'s spec for these options (a palette as a dict), built once and shared: never change it.

    Its rows come from ``curve_table`` with the same ``x``, ``y``, ``log_y`` and thinning (``color``
    given: no thinning, as ``curve`` does)."""
    hashable = tuple(sorted((k, tuple(v.items()) if isinstance(v, dict) else v) for k, v in options.items()))
    return _curve_spec(x, y, hashable)


@functools.lru_cache(maxsize=64)
def _curve_spec(x: str, y: str, options: tuple) -> dict:
    kwargs = {k: dict(v) if k == "palette" and v is not None else v for k, v in options}
    columns = {x: pd.Series(dtype=float), y: pd.Series(dtype=float)}
    if kwargs.get("color"):
        columns[kwargs["color"]] = pd.Series(dtype=str)
    return vega_spec(curve(pd.DataFrame(columns), x, y, dataset=CURVE_DATA, **kwargs))


def curve_table(columns, x: str, y: str, *, log_y: bool = False, thin: bool = True, x_type: str = "Q"):
    """The rows of a ``curve_spec`` chart as an Arrow table: the rows ``curve`` would draw from these
    columns (a data frame, or arrays or lists of equal length), y moved onto the log axis when ``log_y``."""
    rows = curve_rows(None if x_type == "T" else columns[x], columns[y], thin=thin)
    arrays = {name: np.asarray(values)[rows] for name, values in columns.items()}
    if log_y:
        arrays[y] = on_log_axis(arrays[y])
    return arrow_table(arrays)


def cached_curve(columns, x: str, y: str, **options) -> dict:
    """``curve``'s chart of these columns as a spec to draw: the spec built once per set of options
    (``curve_spec``) with these rows swapped in (``curve_table``), thinned and put on the log axis as
    the options say (one line, thinned; a line per ``color``, not), as ``curve`` does."""
    rows = curve_table(
        columns,
        x,
        y,
        log_y=options.get("log_y", False),
        thin=options.get("color") is None,
        x_type=options.get("x_type", "Q"),
    )
    return with_datasets(curve_spec(x, y, **options), **{CURVE_DATA: rows})


NAIVE = "naive (tomorrow = today)"
PREDICTION_COLOURS = {"target": "#8C8C8C", "prediction": "#D55E00", NAIVE: "#56B4E9"}


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
) -> dict:
    """Target and prediction per sample (long form: columns x, 'series', 'value'; x may be dates, "T"),
    and the naive guess when the frame has it (``cached_curve``)."""
    series = set(frame["series"])
    return cached_curve(
        frame,
        x,
        "value",
        title=title,
        x_title=x_title,
        y_title=y_title,
        color="series",
        color_title="",
        palette={name: colour for name, colour in PREDICTION_COLOURS.items() if name != NAIVE or NAIVE in series},
        height=height,
        points=len(frame) <= 80,
        x_type=x_type,
        x_format=x_format,
    )


# Whole-number axes (time steps): no 1.5, 2.5 ticks.
STEP_AXIS = {"format": "d", "tickMinStep": 1}


def _power_text_expr(exponent: str) -> str:
    """A Vega expression writing 10 to the whole-number ``exponent`` (an expression) as '10⁻⁷', '10⁴⁷⁷'."""
    digits = "[" + ",".join(f"'{d}'" for d in SUPERSCRIPT_DIGITS) + "]"
    size = f"abs({exponent})"
    return (
        f"'10' + ({exponent} < 0 ? '⁻' : '')"
        f" + ({size} >= 1000 ? {digits}[floor({size} / 1000) % 10] : '')"
        f" + ({size} >= 100 ? {digits}[floor({size} / 100) % 10] : '')"
        f" + ({size} >= 10 ? {digits}[floor({size} / 10) % 10] : '')"
        f" + {digits}[{size} % 10]"
    )


def _power_label_expr() -> str:
    """A Vega expression labelling log-axis ticks as the page writes numbers.

    Ticks between 10^-3 and 10^3 keep Vega's own label (0.001, 1, 100); exact powers of ten
    beyond read '10⁻⁷', '10⁵' (not '1e-7'); other ticks there keep Vega's label.
    """
    exponent = "round(log(datum.value) / LN10)"
    is_power = f"abs(log(datum.value) / LN10 - {exponent}) < 1e-6"
    return f"abs({exponent}) > 3 && {is_power} ? {_power_text_expr(exponent)} : datum.label"


LOG_AXIS_LABELS = _power_label_expr()

# For an axis (or legend) whose values are already log10 magnitudes (the lab's 10^477, which no
# float holds): a whole-number tick n reads '10ⁿ'; other ticks are left unlabelled.
EXPONENT_AXIS_LABELS = f"abs(datum.value - round(datum.value)) < 1e-6 ? {_power_text_expr('round(datum.value)')} : ''"


def _named(frame: pd.DataFrame, dataset: str | None) -> pd.DataFrame:
    if dataset:
        frame = frame.copy()
        frame.attrs["dataset"] = dataset
    return frame


# A tooltip's number from a log10 column: "0.0371" or "998" from 10^-4 to 10^3 ('r' never switches
# to "1e+3" as 'g' does), "3.20 × 10^-152" beyond (10 ** x itself is Infinity in the browser past
# 10^308). Computed in the browser, on the rows a layer draws, so no dataset carries a second column.
MAGNITUDE_EXPR = (
    "datum.log10 >= -4 && datum.log10 < 3 ? format(pow(10, datum.log10), '.3~r') : "
    "format(pow(10, datum.log10 - floor(datum.log10)), '.2f') + ' × 10^' + floor(datum.log10)"
)


def magnitude_tooltip(chart: alt.Chart, title: str) -> tuple[alt.Chart, alt.Tooltip]:
    """``chart`` with a "magnitude" column worked out from its log10 column, and the tooltip that
    shows it under ``title`` (a tooltip of the log10 column itself would show -152 as the value)."""
    return chart.transform_calculate(magnitude=MAGNITUDE_EXPR), alt.Tooltip("magnitude:N", title=title)


def line_and_dots(line: alt.Chart, tooltip: list, points: bool, dots: alt.Chart | None = None) -> list:
    """A line layer with no tooltip and, when ``points``, a dot per row that has one (``dots``: the
    chart the dots are drawn from, when it has columns of its own; by default ``line``).

    A line is one mark for all its rows, so a tooltip on it would show its first row's numbers
    wherever the pointer is; only a dot can say which row it is."""
    layers = [line.mark_line(clip=True, tooltip=None)]
    if points:
        dots = line if dots is None else dots
        layers.append(dots.mark_point(filled=True, size=30, opacity=1, clip=True).encode(tooltip=tooltip))
    return layers


def log_magnitude_lines(
    frame: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    y_title: str,
    palette: dict[str, str],
    height: int = 300,
    points: bool | None = None,
    dataset: str | None = None,
    y_domain: tuple[float, float] | None = None,
    dashes: dict[str, list[int]] | None = None,
    exponent_axis: bool = False,
    legend_columns: int | None = None,
) -> alt.Chart:
    """Lines of log10 magnitudes per step (long form: 'step', 'series', 'log10'), one dash per series.

    The y axis is the exponent itself, so 10^477 and 10^-300 fit on one chart. ``points``
    (default: only for short lines) puts a dot on every step. ``dataset`` names the data, so a
    cached spec can be given new rows with ``with_datasets``. ``y_domain`` fixes the y range (so a
    nearly flat line is drawn flat, not zoomed into a jump); ``dashes`` gives each series its dash
    (default: dashed for an analytic line); ``exponent_axis`` labels the ticks 10ⁿ; ``legend_columns=1``
    stacks the legend's entries (so long names fit a phone).
    """
    frame = _named(finite_rows(frame, ["step", "log10"]), dataset)
    dashes = {
        name: (dashes or {}).get(name, [6, 4] if "analytic" in name or "|w2|" in name else [1, 0]) for name in palette
    }
    layers = series_lines(
        alt.Chart(frame),
        x_title=x_title,
        y_title=y_title,
        y_scale=alt.Scale(domain=list(y_domain), nice=False) if y_domain else alt.Scale(zero=False),
        y_axis=alt.Axis(labelExpr=EXPONENT_AXIS_LABELS) if exponent_axis else alt.Undefined,
        palette=palette,
        dashes=dashes,
        legend_columns=legend_columns,
        points=len(frame) <= 120 if points is None else points,
    )
    return alt.layer(*layers).properties(title=title, height=height)


def series_lines(
    chart: alt.Chart,
    *,
    x_title: str,
    y_title: str,
    y_scale: alt.Scale,
    y_axis,
    palette: dict[str, str],
    dashes: dict[str, list[int]],
    legend_columns: int | None,
    points: bool,
) -> list:
    """The layers of ``chart``'s log10 lines (columns step, series, log10): a colour and a dash per
    series from ``palette`` and ``dashes``, one legend for both, and dots with the magnitude's
    tooltip when ``points``."""
    domain = list(palette)
    legend = alt.Legend(
        orient="bottom",
        labelLimit=400,
        symbolType="stroke",
        symbolStrokeWidth=2.5,
        symbolSize=400,
        columns=legend_columns or alt.Undefined,
    )
    line = chart.encode(
        x=alt.X("step:Q", title=x_title, axis=alt.Axis(**STEP_AXIS)),
        y=alt.Y("log10:Q", title=y_title, scale=y_scale, axis=y_axis),
        color=alt.Color(
            "series:N", title="", scale=alt.Scale(domain=domain, range=[palette[k] for k in domain]), legend=legend
        ),
        strokeDash=alt.StrokeDash(
            "series:N", title="", scale=alt.Scale(domain=domain, range=[dashes[k] for k in domain]), legend=legend
        ),
    )
    dots, magnitude = magnitude_tooltip(line, y_title)
    tooltip = [alt.Tooltip("series:N", title="series"), alt.Tooltip("step:Q", title=x_title), magnitude]
    return line_and_dots(line, tooltip, points, dots)


SIGN_SHAPES = {"pushes w2 up": "triangle-up", "pushes w2 down": "triangle-down"}


def signed_log_points(
    frame: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    y_title: str,
    height: int = 340,
    dataset: str | None = None,
    directions: tuple[str, ...] | None = None,
    y_domain: tuple[float, float] | None = None,
    exponent_axis: bool = False,
):
    """log10 |piece| per step (columns 'step', 'log10', 'direction'), a dot per step coloured and shaped by its sign.

    Keep ``y_title`` shorter than the plot is tall: a longer one pushes the chart's title
    out of its frame, where it is cut off. ``directions``: the legend's entries (give only those
    with data); ``y_domain`` and ``exponent_axis`` as in ``log_magnitude_lines``.
    """
    frame = _named(finite_rows(frame, ["step", "log10"]), dataset)
    palette = {"pushes w2 up": "#0072B2", "pushes w2 down": "#D55E00"}
    if directions is not None:
        palette = {name: colour for name, colour in palette.items() if name in directions}
    y_scale = alt.Scale(domain=list(y_domain), nice=False) if y_domain else alt.Scale(zero=False)
    y_axis = alt.Axis(labelExpr=EXPONENT_AXIS_LABELS) if exponent_axis else alt.Undefined
    base = alt.Chart(frame).encode(
        x=alt.X("step:Q", title=x_title, axis=alt.Axis(**STEP_AXIS)),
        y=alt.Y("log10:Q", title=y_title, scale=y_scale, axis=y_axis),
    )
    line = base.mark_line(color="#8C8C8C", strokeWidth=1, tooltip=None)
    dotted, magnitude = magnitude_tooltip(base, y_title)
    # The sign is said twice, by colour and by shape (a triangle pointing the way it pushes w2), so
    # it reads without telling the two colours apart; one legend shows both.
    legend = alt.Legend(orient="bottom")
    dots = dotted.mark_point(size=40, opacity=0.9, filled=True).encode(
        color=alt.Color(
            "direction:N",
            title="",
            scale=alt.Scale(domain=list(palette), range=list(palette.values())),
            legend=legend,
        ),
        shape=alt.Shape(
            "direction:N",
            title="",
            scale=alt.Scale(domain=list(palette), range=[SIGN_SHAPES[name] for name in palette]),
            legend=legend,
        ),
        tooltip=[alt.Tooltip("step:Q", title=x_title), magnitude, alt.Tooltip("direction:N", title="")],
    )
    return alt.layer(line, dots).properties(title=title, height=height)


def vega_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec with its data frames as named datasets, built without validation.

    ``st.altair_chart`` validates every spec against Vega-Lite's JSON schema on every
    rerun: most of a chart's cost, and 7 charts' worth on the gradient lab. The charts
    here come only from the builders above, whose specs the test suite validates
    (``tests/ui/test_charts.py``), so at run time they are converted without it.
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
