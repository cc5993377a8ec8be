"""Altair chart builders shared by every page, so one kind of chart is drawn one way.

Charts carry a title and axis titles with units, use the Okabe-Ito colour-blind-safe
palette, and leave background and text colours to Streamlit's theme so they read in
light and dark mode. Non-finite values never reach a chart.
"""

from __future__ import annotations

import functools

import altair as alt
import numpy as np
import pandas as pd

from ui.kit.format import SUPERSCRIPT_DIGITS, significant

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
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
        encoding["color"] = alt.Color(
            f"{color}:N",
            title=color_title or color,
            scale=alt.Scale(domain=domain, range=colours),
            legend=alt.Undefined if legend_title else alt.Legend(title=None),
        )
        encoding["tooltip"].append(alt.Tooltip(f"{color}:N", title=color_title or color))
    tooltip = encoding.pop("tooltip")
    line = alt.Chart(frame).encode(**encoding)
    if color is None:
        line = line.encode(color=alt.value(OKABE_ITO[0]))
    return alt.layer(*line_and_dots(line, tooltip, points)).properties(title=title, height=height)


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


def curve_table(columns: dict, x: str, y: str, *, log_y: bool = False, thin: bool = True):
    """The rows of a ``curve_spec`` chart as an Arrow table: the rows ``curve`` would draw from these
    columns (arrays or lists of equal length), y moved onto the log axis when ``log_y``."""
    rows = curve_rows(columns[x], columns[y], thin=thin)
    arrays = {name: np.asarray(values)[rows] for name, values in columns.items()}
    if log_y:
        arrays[y] = on_log_axis(arrays[y])
    return arrow_table(arrays)


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
# Whole-number axes (time steps): no 1.5, 2.5 ticks.
STEP_AXIS = {"format": "d", "tickMinStep": 1}
# Lines drawn over a heatmap get a white halo underneath, so they read on every cell colour
# and in both themes (the heatmap, not the page background, is what is behind them).
HALO = "#FFFFFF"
INK = "#000000"
# Descent paths: the first is drawn last (on top), dashed with squares; the rest solid with circles.
PATH_DASHES = ([7, 4], [1, 0])
PATH_SHAPES = ("square", "circle")
# Vega-Lite cannot tell the drawn width of a "stretch" chart: exit arrows assume this aspect,
# and their labels a plot as narrow as the lab's training-step view beside its controls (a
# wider guess let a label near the left edge run over the y axis's numbers).
_ASSUMED_ASPECT = 2.4
_ASSUMED_PLOT_WIDTH = 300


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


def cell_edges(centres, overlap: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Each grid value's cell edges, halfway to its neighbours (the outer cells as wide as the next).

    Heatmap cells drawn between explicit edges tile the plane. Anti-aliasing still leaves a
    faint seam where two cells meet (white in light mode, dark in dark mode), so ``overlap``
    moves each upper edge on by that share of the cell: the next cell, drawn after it,
    covers the overlap.
    """
    centres = np.asarray(centres, dtype=float)
    values = np.unique(centres)
    gaps = np.diff(values) if values.size > 1 else np.array([1.0])
    below = np.concatenate([gaps[:1], gaps]) / 2.0
    above = np.concatenate([gaps, gaps[-1:]]) / 2.0
    where = np.searchsorted(values, centres)
    return centres - below[where], centres + above[where] * (1.0 + 2.0 * overlap)


def heatmap_cells(frame: pd.DataFrame, x: str, y: str, value: str, *, fit_y: bool = False) -> pd.DataFrame:
    """The rectangles ``log_heatmap`` draws for a grid (columns x, y, value): only the columns the
    chart reads (``x``_lo, ``x``_hi, ``y``_lo, ``y``_hi and ``value``), as float32.

    An exact zero (log10 = -inf) takes the lowest colour; nan cells are dropped; values are
    clipped to +-``LOG_COLOUR_LIMIT``. With ``fit_y`` the edges of the bottom and top rows stop
    at those rows' centres, so the cells span exactly the grid's y range (as a fixed domain
    over the centres would show them).

    Neighbouring cells of one column with the same value are sent as one taller rectangle: the
    same picture, with fewer marks for the browser to draw (clipped colours and exact zeros fill
    most of a long heatmap)."""
    cells = frame.assign(**{value: frame[value].clip(-LOG_COLOUR_LIMIT, LOG_COLOUR_LIMIT)})
    cells = cells.sort_values([x, y], kind="stable")
    ranks = cells.groupby(x, sort=False)[y].rank(method="dense").to_numpy()  # a cell's row in its column
    cells = cells.assign(_row=ranks)
    cells = finite_rows(cells, [x, y, value])
    (x_lo, x_hi), (y_lo, y_hi) = cell_edges(cells[x], overlap=0.3), cell_edges(cells[y], overlap=0.3)
    if fit_y:
        lowest, highest = float(frame[y].min()), float(frame[y].max())
        y_lo, y_hi = np.clip(y_lo, lowest, highest), np.clip(y_hi, lowest, highest)
    xs, rows, values = (cells[c].to_numpy() for c in (x, "_row", value))
    # A run goes on while the column, the value and the row after the last (no dropped cell between) do.
    starts = np.ones(len(cells), dtype=bool)
    starts[1:] = (xs[1:] != xs[:-1]) | (values[1:] != values[:-1]) | (rows[1:] != rows[:-1] + 1)
    first = np.flatnonzero(starts)
    last = np.append(first[1:], len(cells)) - 1
    columns = {
        f"{x}_lo": x_lo[first],
        f"{x}_hi": x_hi[first],
        f"{y}_lo": y_lo[first],
        f"{y}_hi": y_hi[last],
        value: values[first],
    }
    return pd.DataFrame({name: np.asarray(v, dtype=np.float32) for name, v in columns.items()})


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
    x_values: list[float] | None = None,
    exponent_legend: bool = False,
    path_legend: bool = True,
    drag: tuple[float, float, float] | None = None,
    cells_dataset: str | None = None,
    fit_y: bool = False,
) -> alt.LayerChart:
    """A heatmap of a log10 ``value`` over two numeric axes, with optional overlays.

    ``marks`` (columns x, y, 'label'): points such as the current setting. ``rules_x``:
    vertical lines (boundaries such as |w2| = 1). ``paths`` (x, y, 'path', 'order'): descent
    paths, cut at the chart's edge with an arrow and a label where one leaves it (see
    ``path_layers``). In the drawn spec the marks' data is named "marks", the paths'
    "paths" and "exits" (see ``with_datasets``). Cells whose value is not finite are
    dropped; values are clipped to +-``LOG_COLOUR_LIMIT`` for the colour scale. ``x_values``: the
    x axis's ticks (such as one at w2 = 0); ``exponent_legend`` labels the colour legend 10ⁿ;
    ``path_legend=False`` leaves the paths out of the legend (when the text beside says which is which).

    ``cells_dataset`` names the cells' data, so a cached spec can be given other cells
    (``heatmap_cells`` makes them). With ``fit_y`` the y range is not written into the spec but
    read from the cells, whose edges then stop at the outermost rows: one spec serves grids of
    any height, and a browser that is sent only new rows keeps the chart it has built.
    """
    cells = heatmap_cells(frame, x, y, value, fit_y=fit_y)
    if cells_dataset:
        cells.attrs["dataset"] = cells_dataset
    x_domain = [float(frame[x].min()), float(frame[x].max())]
    y_domain = [float(frame[y].min()), float(frame[y].max())]
    x_scale = alt.Scale(domain=x_domain, nice=False)
    y_scale = alt.Scale(nice=False, zero=False) if fit_y else alt.Scale(domain=y_domain, nice=False)
    colour_scale = alt.Scale(scheme=scheme, domainMid=mid) if mid is not None else alt.Scale(scheme=scheme)
    if exponent_legend:  # whole powers of ten at the legend's ends, so they get a label
        colour_scale = (
            alt.Scale(scheme=scheme, domainMid=mid, nice=True)
            if mid is not None
            else alt.Scale(scheme=scheme, nice=True)
        )
    x_axis = alt.Axis(values=list(x_values)) if x_values else alt.Undefined
    fill_legend = alt.Legend(labelExpr=EXPONENT_AXIS_LABELS) if exponent_legend else alt.Undefined
    # The cells use the fill channel and the paths the colour channel: two scales, two legends.
    # Streamlit's chart theme gives every mark a tooltip of its encoded fields; a cell's would show
    # its edges and its log10 value as if it were the value itself, so cells have none.
    layers = [
        alt.Chart(cells)
        .mark_rect(clip=True, aria=False, tooltip=None)
        .encode(
            x=alt.X(f"{x}_lo:Q", title=x_title, scale=x_scale, axis=x_axis),
            x2=alt.X2(f"{x}_hi"),
            y=alt.Y(f"{y}_lo:Q", title=y_title, scale=y_scale),
            y2=alt.Y2(f"{y}_hi"),
            fill=alt.Fill(f"{value}:Q", title=value_title, scale=colour_scale, legend=fill_legend),
        )
    ]
    if rules_x:
        rules = alt.Chart(pd.DataFrame({x: rules_x})).encode(x=alt.X(f"{x}:Q", scale=x_scale))
        layers.append(rules.mark_rule(color=HALO, strokeWidth=3.5, opacity=0.8, tooltip=None))
        layers.append(rules.mark_rule(color=INK, strokeDash=[4, 3], strokeWidth=1.5, tooltip=None))
    if paths is not None:
        layers += path_layers(
            paths, x, y, x_scale, y_scale, path_palette or {}, legend=path_legend, domains=(x_domain, y_domain)
        )
    if marks is not None and len(marks):
        marks = marks.copy()
        marks.attrs["dataset"] = "marks"
        diamond = alt.Chart(marks)
        if drag is not None:  # one mark per w2 on the in-chart slider's grid: draw the one under it
            pick = w2_drag_selection(*drag)
            diamond = diamond.transform_filter(pick)
        layers.append(
            diamond.mark_point(
                shape="diamond", size=180, filled=True, color=INK, stroke=HALO, strokeWidth=1.5, opacity=1
            ).encode(
                x=alt.X(f"{x}:Q", scale=x_scale),
                y=alt.Y(f"{y}:Q", scale=y_scale),
                tooltip=[alt.Tooltip("label:N", title="")],
            )
        )
        if drag is not None:
            readout = readout_layers(pick, "marks")
            readout[0] = readout[0].add_params(pick)
            layers += readout
            title = alt.Title(title, offset=READOUT_ROOM)
    return alt.layer(*layers).properties(title=title, height=height)


def path_layers(
    paths: pd.DataFrame,
    x: str,
    y: str,
    x_scale: alt.Scale,
    y_scale: alt.Scale,
    palette: dict,
    legend: bool = True,
    domains: tuple | None = None,
) -> list:
    """Layers that draw descent paths (see ``log_heatmap``) from the datasets "paths" and "exits".

    The first path in ``palette`` is drawn last, dashed with squares, so a path that
    coincides with another for a while still shows; every line has a white halo. Paths are
    cut at ``domains`` (x and y), by default the scales' own.
    """
    domain = list(palette) or sorted(paths["path"].unique())
    colours = [palette.get(k, INK) for k in domain]
    shown, exits = (
        pd.DataFrame(columns)
        for columns in path_segments(paths_by_name(paths, x, y), x, y, *(domains or (x_scale.domain, y_scale.domain)))
    )
    shown.attrs["dataset"], exits.attrs["dataset"] = "paths", "exits"
    at = {"x": alt.X(f"{x}:Q", scale=x_scale), "y": alt.Y(f"{y}:Q", scale=y_scale)}
    title = "descent path"
    colour = alt.Color(
        "path:N",
        scale=alt.Scale(domain=domain, range=colours),
        legend=alt.Legend(title=title, orient="bottom") if legend else None,
    )
    dash = alt.StrokeDash(
        "path:N",
        legend=None,  # the legend shows colour and shape; a dashed square reads as a blot
        scale=alt.Scale(domain=domain, range=[PATH_DASHES[min(i, 1)] for i in range(len(domain))]),
    )
    shape = alt.Shape(
        "path:N",
        legend=alt.Legend(title=title, orient="bottom") if legend else None,
        scale=alt.Scale(domain=domain, range=[PATH_SHAPES[min(i, 1)] for i in range(len(domain))]),
    )
    lines = alt.Chart(shown).encode(**at, order=alt.Order("order:Q"), detail=alt.Detail("segment:N"))
    # Only the dots have tooltips: a line's would show its first row wherever the pointer is.
    layers = [lines.mark_line(color=HALO, strokeWidth=5, opacity=0.85, clip=True, tooltip=None)]
    tooltip = [
        alt.Tooltip("path:N", title="path"),
        alt.Tooltip("order:Q", title="step"),
        alt.Tooltip(f"{x}:Q", title=x, format=".3g"),
        alt.Tooltip(f"{y}:Q", title=y, format=".3g"),
    ]
    for name in reversed(domain):  # the first path last, on top
        one = lines.transform_filter(alt.datum.path == name)
        layers.append(one.mark_line(strokeWidth=2.2, clip=True, tooltip=None).encode(color=colour, strokeDash=dash))
        layers.append(
            one.transform_filter(alt.datum.visited)
            .mark_point(filled=True, size=34, stroke=HALO, strokeWidth=0.6, opacity=1, clip=True)
            .encode(color=colour, shape=shape, tooltip=tooltip)
        )
    exit_marks = alt.Chart(exits)
    layers.append(
        exit_marks.mark_point(
            shape="triangle-up", filled=True, size=260, stroke=HALO, strokeWidth=1.2, opacity=1
        ).encode(**at, angle=alt.Angle("angle:Q", scale=None), color=colour, tooltip=[alt.Tooltip("label:N", title="")])
    )
    text = {"x": alt.X("label_x:Q", scale=x_scale), "y": alt.Y("label_y:Q", scale=y_scale), "text": alt.Text("label:N")}
    # The label's own tooltip would list its raw placement (label_x, label_y); the arrow has the words.
    halo = exit_marks.mark_text(fontSize=12, stroke=HALO, strokeWidth=4, strokeJoin="round", tooltip=None)
    layers.append(halo.encode(**text))
    layers.append(exit_marks.mark_text(fontSize=12, color=INK, tooltip=None).encode(**text))
    return layers


def _clip_segment(a, b, x_domain, y_domain):
    """The part of the segment a -> b inside the box (Liang-Barsky), as (t0, t1) along it, or None."""
    t0, t1 = 0.0, 1.0
    d = (b[0] - a[0], b[1] - a[1])
    for axis, (lo, hi) in enumerate((x_domain, y_domain)):
        for p, q in ((-d[axis], a[axis] - lo), (d[axis], hi - a[axis])):
            if p == 0:
                if q < 0:
                    return None
                continue
            r = q / p
            if p < 0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
    return (t0, t1) if t0 <= t1 else None


def path_segments(paths, x: str, y: str, x_domain, y_domain) -> tuple[dict, dict]:
    """Descent paths cut to the chart: the drawn vertices ("paths") and where a path leaves ("exits").

    ``paths`` maps each path's name to its visited points, an (n, 2) array of (x, y) in
    step order, or to a pair (points, labels) where ``labels[k]`` is what an exit at point
    k says (default: where the step lands). A step that leaves the chart is drawn up to the
    edge and marked there with an arrow in its direction; visited points outside are not
    drawn. Returns two dicts of columns (see ``arrow_table``): vertices with 'segment' (a
    line is not drawn across the outside) and 'visited' (False where a step crosses the
    edge), and exits with the arrow's 'angle' and the label's text and place.
    """
    (x0, x1), (y0, y1) = (float(v) for v in x_domain), (float(v) for v in y_domain)
    width, height = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    rows: dict[str, list] = {x: [], y: [], "path": [], "order": [], "segment": [], "visited": []}
    exits: dict[str, list] = {x: [], y: [], "path": [], "angle": [], "label": [], "label_x": [], "label_y": []}
    segment = 0

    def vertex(point, name, order, visited):
        for column, value in zip(rows, (point[0], point[1], name, order, segment, visited), strict=True):
            rows[column].append(value)

    for name, entry in paths.items():
        points, labels = entry if isinstance(entry, tuple) else (entry, None)
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        points = points[np.isfinite(points).all(axis=1)]
        inside = ((points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)).tolist()
        pts = points.tolist()
        open_segment = bool(pts) and inside[0]
        if open_segment:
            vertex(pts[0], name, 0.0, True)
        for k in range(1, len(pts)):
            a, b = pts[k - 1], pts[k]
            span = _clip_segment(a, b, (x0, x1), (y0, y1))
            if span is None:
                open_segment = False
                continue
            t0, t1 = span
            if not open_segment:
                segment += 1
                vertex((a[0] + t0 * (b[0] - a[0]), a[1] + t0 * (b[1] - a[1])), name, k - 1 + t0, inside[k - 1])
            leave = (a[0] + t1 * (b[0] - a[0]), a[1] + t1 * (b[1] - a[1]))
            vertex(leave, name, k - 1 + t1, inside[k])
            open_segment = inside[k]
            if inside[k]:
                continue
            dx, dy = (b[0] - a[0]) / width, (b[1] - a[1]) / height
            label = (labels[k] if labels is not None else None) or (
                f"thrown off the chart: step {k} lands at {x} = {significant(b[0])}, {y} = {significant(b[1])}"
            )
            # The label sits inside the chart, away from the edge, so it is not cut off (its
            # half-width estimated for a plot of _ASSUMED_PLOT_WIDTH pixels, 6.5 pixels a letter).
            half = min(0.5, len(label) * 6.5 / 2 / _ASSUMED_PLOT_WIDTH + 0.02) * width
            place = (
                min(max(leave[0], x0 + half), x1 - half),
                min(max(leave[1] - 0.07 * height * np.sign(dy), y0 + 0.06 * height), y1 - 0.06 * height),
            )
            angle = float(np.degrees(np.arctan2(dx * _ASSUMED_ASPECT, dy)))
            for column, value in zip(exits, (*leave, name, angle, label, *place), strict=True):
                exits[column].append(value)
            segment += 1
    return rows, exits


def paths_by_name(frame: pd.DataFrame, x: str, y: str) -> dict:
    """A paths frame (x, y, 'path', 'order' and optionally 'label') as ``path_segments`` takes it."""
    out = {}
    for name, path in frame.groupby("path", sort=False):
        path = path.sort_values("order")
        points = path[[x, y]].to_numpy(dtype=float)
        out[name] = (points, path["label"].tolist()) if "label" in path else points
    return out


def with_datasets(spec: dict, **frames: pd.DataFrame) -> dict:
    """A (cached) spec with some of its named datasets replaced: new marks, new paths."""
    unknown = set(frames) - set(spec["datasets"])
    if unknown:
        raise KeyError(f"the spec has no dataset named {', '.join(sorted(unknown))}")
    return {**spec, "datasets": {**spec["datasets"], **frames}}


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
    """log10 |piece| per step (columns 'step', 'log10', 'direction'), a dot per step coloured by its sign.

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
    dots = dotted.mark_circle(size=30, opacity=0.9).encode(
        color=alt.Color(
            "direction:N",
            title="",
            scale=alt.Scale(domain=list(palette), range=list(palette.values())),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[alt.Tooltip("step:Q", title=x_title), magnitude, alt.Tooltip("direction:N", title="")],
    )
    return alt.layer(line, dots).properties(title=title, height=height)


def arrow_table(columns: dict, finite: tuple[str, ...] = ()):
    """Columns (arrays or lists of equal length) as an Arrow table for a named dataset, with the
    rows dropped where a column in ``finite`` is not a finite number.

    For data swapped in on every rerun (``with_datasets``): Streamlit sends an Arrow table
    as it is, where a data frame costs a few milliseconds of conversion each time.
    """
    import pyarrow as pa

    arrays = {name: np.asarray(values) for name, values in columns.items()}
    if finite:
        keep = np.logical_and.reduce([np.isfinite(arrays[name].astype(float)) for name in finite])
        arrays = {name: values[keep] for name, values in arrays.items()}
    return pa.table(
        {name: pa.array(values.tolist() if values.dtype.kind in "OU" else values) for name, values in arrays.items()}
    )


def arrow_bytes(data) -> bytes:
    """A data frame or Arrow table as the Arrow bytes Streamlit sends for a chart's dataset.

    For data kept in a cache: a cached copy of bytes is cheap and Streamlit sends bytes as they
    are, where a data frame is unpickled and converted on every rerun.
    """
    from streamlit import dataframe_util

    return dataframe_util.convert_anything_to_arrow_bytes(data)


def frozen(spec: dict, keep: tuple[str, ...] = ()) -> dict:
    """The spec with its datasets (except ``keep``) already turned into Arrow bytes (``arrow_bytes``),
    for specs kept in a cache. The datasets in ``keep`` stay frames, to be swapped with ``with_datasets``.
    """
    return {
        **spec,
        "datasets": {name: frame if name in keep else arrow_bytes(frame) for name, frame in spec["datasets"].items()},
    }


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


# ----------------------------------------------------------------------------- figures that follow a drag
# The in-chart w2 slider: a point selection on the field "w2" bound to a range input. Its clicks
# are switched off ("click[false]" never fires), so only the slider moves it.
DRAG_PARAM = "w2_drag"
READOUT_ROOM = 26  # pixels between a drag chart's title and its plot, for the read-out line
READOUT_Y = -6  # the read-out's baseline, in pixels above the plot (also how with_drag_value finds it)
READOUT_INK = {"light": "#31333F", "dark": "#FAFAFA"}  # Streamlit's body text in each theme


def w2_drag_selection(value: float, limit: float, step: float, label: str = "drag w2 ") -> alt.Parameter:
    return alt.selection_point(
        name=DRAG_PARAM,
        fields=["w2"],
        value=value,
        bind=alt.binding_range(min=-limit, max=limit, step=step, name=label),
        on="click[false]",
        clear=False,
    )


def drag_code_param(pick) -> alt.Parameter:
    """The selected w2 in hundredths (the ``w2c`` key of ``ui.lab.drag_rows.w2_code``), worked out once per
    movement, so each of the tens of thousands of rows is kept or dropped by one comparison
    (``datum.w2c === w2_drag_code``): Streamlit's Vega interprets expressions node by node, and the
    selection's own test per row costs several times more. ``pick.w2`` lists the picked w2 values."""
    name = pick.name
    return alt.param(name=f"{name}_code", expr=f"isArray({name}.w2) ? round(100 * {name}.w2[0]) : null")


def readout_layers(pick, data: str) -> list:
    """The read-out above the plot: the row of ``data`` (columns w2, label) under the in-chart slider.

    Its colour is set per theme by ``with_drag_value`` (Streamlit's chart theme colours titles and
    axes, not text marks)."""
    base = alt.Chart(alt.NamedData(name=data)).transform_filter(pick)
    # Just above the plot, in the room the title leaves (READOUT_ROOM), so no curve runs under it.
    at = {"x": alt.value(0), "y": alt.value(READOUT_Y), "text": alt.Text("label:N")}
    style = {"align": "left", "baseline": "bottom", "fontSize": 12, "fontWeight": "bold", "limit": 0}
    return [base.mark_text(**style, color=READOUT_INK["light"], tooltip=None).encode(**at)]


def drag_lines_spec(
    *,
    title: str,
    x_title: str,
    y_title: str,
    palette: dict[str, str],
    dashes: dict[str, list[int]],
    y_domain: tuple[float, float],
    points: bool,
    value: float,
    limit: float,
    step: float,
    height: int = 300,
) -> dict:
    """``log_magnitude_lines`` for every w2 at once: of the dataset "drag_lines" (w2c, step, series,
    log10) only the rows of the w2 under the in-chart slider are drawn, with its read-out from
    "drag_w2" (w2, label). Data is supplied by the caller (named datasets)."""
    pick = w2_drag_selection(value, limit, step)
    code = drag_code_param(pick)
    lines = series_lines(
        alt.Chart(alt.NamedData(name="drag_lines")).transform_filter(f"datum.w2c === {code.name}"),
        x_title=x_title,
        y_title=y_title,
        y_scale=alt.Scale(domain=list(y_domain), nice=False),
        y_axis=alt.Axis(labelExpr=EXPONENT_AXIS_LABELS),
        palette=palette,
        dashes=dashes,
        legend_columns=1,
        points=points,
    )
    readout = readout_layers(pick, "drag_w2")
    readout[0] = readout[0].add_params(pick)
    spec = (
        alt.layer(*lines, *readout)
        .add_params(code)
        .properties(title=alt.Title(title, offset=READOUT_ROOM), height=height)
        .to_dict(validate=False)
    )
    spec.pop("config", None)
    spec.pop("$schema", None)
    spec["usermeta"] = {"embedOptions": {"renderer": "svg"}}
    return spec


def with_drag_value(spec: dict, value: float, generation: int, theme: str | None = None) -> dict:
    """A copy of a (cached) drag spec whose in-chart slider starts at ``value``, its read-out in the
    theme's text colour (``theme``: "light" or "dark"; light when unknown).

    ``generation`` goes into the spec's usermeta: a new one makes the browser build the chart
    afresh (at ``value``) even when ``value`` equals an earlier start."""
    params = [{**p, "value": value} if p.get("name") == DRAG_PARAM else p for p in spec["params"]]
    usermeta = {**spec.get("usermeta", {}), "drag_start": generation}
    ink = READOUT_INK.get(theme or "light", READOUT_INK["light"])
    layers = [
        {**layer, "mark": {**layer["mark"], "color": ink}} if _is_readout(layer) else layer for layer in spec["layer"]
    ]
    return {**spec, "params": params, "usermeta": usermeta, "layer": layers}


def _is_readout(layer: dict) -> bool:
    mark = layer.get("mark")
    at = layer.get("encoding", {}).get("y")
    return isinstance(mark, dict) and mark.get("type") == "text" and at == {"value": READOUT_Y}


def without_drag_slider(spec: dict) -> dict:
    """A drag spec whose selection stays at its start: no range input (for a w2 a link locks)."""
    params = [{k: v for k, v in p.items() if k != "bind"} if p.get("name") == DRAG_PARAM else p for p in spec["params"]]
    return {**spec, "params": params}
