"""Heatmaps of a log10 value over two numeric axes, with the overlays the lab draws on them: boundary
rules, a marker, and descent paths cut at the chart's edge with an arrow where they leave it."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui.kit.charts import EXPONENT_AXIS_LABELS, finite_rows
from ui.kit.drag_charts import READOUT_ROOM, readout_layers, w2_drag_selection
from ui.kit.format import significant

# Vega-Lite cannot tell the drawn width of a "stretch" chart: exit arrows assume this aspect,
# and their labels a plot as narrow as the lab's training-step view beside its controls (a
# wider guess let a label near the left edge run over the y axis's numbers).
_ASSUMED_ASPECT = 2.4
_ASSUMED_PLOT_WIDTH = 300
# Descent paths: the first is drawn last (on top), dashed with squares; the rest solid with circles.
PATH_DASHES = ([7, 4], [1, 0])
PATH_SHAPES = ("square", "circle")
# log10 colour scales are clipped to this range so one extreme cell cannot wash out the rest.
LOG_COLOUR_LIMIT = 20.0
# Lines drawn over a heatmap get a white halo underneath, so they read on every cell colour
# and in both themes (the heatmap, not the page background, is what is behind them).
HALO = "#FFFFFF"
INK = "#000000"


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
