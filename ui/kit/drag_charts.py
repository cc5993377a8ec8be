"""Charts that follow the hand: an in-chart w2 slider (a Vega-Lite point selection bound to a range
input) that picks which rows the browser draws, and the read-out line above the plot."""

from __future__ import annotations

import altair as alt

from ui.kit.charts import EXPONENT_AXIS_LABELS, series_lines

# The in-chart w2 slider: a point selection on the field "w2" bound to a range input. Its clicks
# are switched off ("click[false]" never fires), so only the slider moves it.
DRAG_PARAM = "w2_drag"

READOUT_ROOM = 26  # pixels between a drag chart's title and its plot, for the read-out line

READOUT_Y = -6  # the read-out's baseline, in pixels above the plot (also how with_drag_value finds it)

READOUT_INK = {"light": "#31333F", "dark": "#FAFAFA"}  # Streamlit's body text in each theme


def w2_drag_selection(value: float, limit: float, step: float, label: str = "w2") -> alt.Parameter:
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
    # Its text is also its label for a screen reader: the numbers under the hand, as they move.
    at = {
        "x": alt.value(0),
        "y": alt.value(READOUT_Y),
        "text": alt.Text("label:N"),
        "description": alt.Description("label:N"),
    }
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
