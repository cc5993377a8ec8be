"""The shared chart builders: valid Vega-Lite (checked here, so pages can skip the check at run time),
titled and labelled, colour-blind-safe, and never sent a non-finite number."""

import altair as alt
import numpy as np
import pandas as pd
import pytest
from altair.utils.schemapi import SchemaValidationError

from ui.kit import chart_data, charts, heatmaps


def line_layer(spec: dict) -> dict:
    """A line chart's line: the first layer (the dots, when drawn, come after it)."""
    (line,) = [layer for layer in spec["layer"] if layer["mark"]["type"] == "line"]
    return line


def dot_tooltips(spec: dict) -> list[dict]:
    """The tooltip of a line chart's dots (its only one: the line itself has none)."""
    (dots,) = [layer for layer in spec["layer"] if layer["mark"]["type"] == "point"]
    return dots["encoding"]["tooltip"]


def log_lines():
    frame = pd.DataFrame(
        {"step": [1, 2, 3, 1, 2, 3], "series": ["a"] * 3 + ["b"] * 3, "log10": [2.0, 1.0, -np.inf, 2, 1, 0]}
    )
    return charts.log_magnitude_lines(
        frame, title="T", x_title="step", y_title="log10", palette={"a": "#000", "b": "#111"}
    )


def heatmap():
    w2, T = np.meshgrid(np.linspace(-3, 3, 7), np.arange(1, 6), indexing="ij")
    values = w2 * T
    values[0, 0], values[1, 1] = -np.inf, np.nan
    frame = pd.DataFrame({"w2": w2.ravel(), "T": T.ravel(), "log10": values.ravel()})
    return heatmaps.log_heatmap(
        frame,
        "w2",
        "T",
        "log10",
        title="H",
        x_title="w2",
        y_title="T",
        value_title="log10",
        marks=pd.DataFrame({"w2": [1.0], "T": [3], "label": ["here"]}),
        rules_x=[-1.0, 1.0],
        paths=pd.DataFrame({"w2": [0.0, 0.5, np.inf], "T": [1, 2, 3], "path": "p", "order": [0, 1, 2]}),
    )


def points():
    frame = pd.DataFrame({"step": [1, 2, 3], "log10": [-np.inf, 1.0, 2.0], "direction": ["pushes w2 up"] * 3})
    return charts.signed_log_points(frame, title="P", x_title="step", y_title="log10")


def loss_curve():
    frame = pd.DataFrame({"step": np.arange(1, 1001), "loss": np.linspace(1, 1e-30, 1000)})
    frame.loc[5, "loss"] = np.inf
    return charts.curve(frame, "step", "loss", title="L", x_title="step", y_title="loss", log_y=True)


def predictions():
    when = pd.to_datetime(["2009-01-01", "2009-02-01", "2009-03-01"])
    frame = pd.concat(
        [
            pd.DataFrame({"when": when, "series": name, "value": [1.0, 2.0, 3.0]})
            for name in ("target", "prediction", "naive (tomorrow = today)")
        ]
    )
    return charts.predictions_vs_targets(
        frame, "when", title="Held out", x_title="date", y_title="price", x_type="T", x_format="%b %Y"
    )


def weights_curve():
    frame = charts.long_history(
        {"step": [1, 2, 3], **{name: [0.1, 0.2, 0.3] for name in charts.PARAM_COLOURS}},
        "step",
        list(charts.PARAM_COLOURS),
        "value",
        "parameter",
    )
    return charts.curve(
        frame,
        "step",
        "value",
        title="W",
        x_title="step",
        y_title="value",
        color="parameter",
        palette=charts.PARAM_COLOURS,
    )


def batch_loss_curve(points: bool = False):
    frame = pd.DataFrame(
        {"step": [1, 2, 1, 2], "loss": [1.0, 0.5, 0.9, 0.4], "loss on": ["mini-batch"] * 2 + ["whole set"] * 2}
    )
    palette = {"mini-batch": charts.OKABE_ITO[5], "whole set": charts.OKABE_ITO[3]}
    return charts.curve(
        frame,
        "step",
        "loss",
        title="Training loss (MSE): mini-batches and whole set",
        x_title="step",
        y_title="MSE",
        log_y=True,
        color="loss on",
        color_title="loss on",
        legend_title=False,
        palette=palette,
        points=points,
    )


def lab_lines():
    """log_magnitude_lines with the lab's options: a fixed y range, dashes per series, 10ⁿ ticks, a stacked legend."""
    frame = pd.DataFrame({"step": [1, 2, 1, 2], "series": ["a", "a", "b", "b"], "log10": [601.7, 602.1, 0.0, 1.0]})
    return charts.log_magnitude_lines(
        frame,
        title="T",
        x_title="step",
        y_title="|x|",
        palette={"a": "#000", "b": "#111"},
        y_domain=(0.0, 604.0),
        dashes={"b": [2, 3]},
        exponent_axis=True,
        legend_columns=1,
    )


def lab_heatmap():
    """log_heatmap with a tick at 0, a 10ⁿ legend and the paths left out of the legend."""
    w2, T = np.meshgrid(np.linspace(-3, 3, 7), np.arange(1, 6), indexing="ij")
    frame = pd.DataFrame({"w2": w2.ravel(), "T": T.ravel(), "log10": (w2 * T).ravel()})
    return heatmaps.log_heatmap(
        frame,
        "w2",
        "T",
        "log10",
        title="H",
        x_title="w2",
        y_title="T",
        value_title="|x|",
        paths=pd.DataFrame({"w2": [0.0, 0.5], "T": [1, 2], "path": "p", "order": [0, 1]}),
        x_values=[-3.0, 0.0, 3.0],
        exponent_legend=True,
        path_legend=False,
    )


def lab_points():
    """signed_log_points with only the directions that have data in the legend."""
    frame = pd.DataFrame({"step": [1, 2], "log10": [1.0, 2.0], "direction": ["pushes w2 down"] * 2})
    return charts.signed_log_points(
        frame,
        title="P",
        x_title="step",
        y_title="|x|",
        directions=("pushes w2 down",),
        y_domain=(0, 4),
        exponent_axis=True,
    )


BUILDERS = [log_lines, heatmap, points, loss_curve, predictions, weights_curve, batch_loss_curve]
BUILDERS += [lab_lines, lab_heatmap, lab_points]


def test_lab_options_reach_the_spec():
    lines = line_layer(charts.vega_spec(lab_lines()))["encoding"]
    assert (
        lines["y"]["scale"]["domain"] == [0.0, 604.0] and lines["y"]["axis"]["labelExpr"] == charts.EXPONENT_AXIS_LABELS
    )
    assert lines["strokeDash"]["scale"]["range"] == [[1, 0], [2, 3]]
    heat = charts.vega_spec(lab_heatmap())
    assert heat["layer"][0]["encoding"]["x"]["axis"]["values"] == [-3.0, 0.0, 3.0]
    assert "descent path" not in str(heat)
    dots = charts.vega_spec(lab_points())["layer"][1]["encoding"]["color"]["scale"]["domain"]
    assert dots == ["pushes w2 down"]


def validated(built) -> None:
    if isinstance(built, dict):  # a cached spec with its rows swapped in (``with_datasets``)
        alt.LayerChart.from_dict({k: v for k, v in built.items() if k != "datasets"}, validate=True)
    else:
        built.to_dict(validate=True)


@pytest.mark.parametrize("build", BUILDERS)
def test_every_builder_makes_a_valid_vega_lite_spec(build):
    try:
        validated(build())
    except alt.MaxRowsError:
        with alt.data_transformers.disable_max_rows():
            validated(build())
    except SchemaValidationError as error:  # pragma: no cover - the message is the point
        pytest.fail(f"{build.__name__} builds an invalid spec: {error}")


@pytest.mark.parametrize("build", BUILDERS)
def test_the_drawn_spec_carries_finite_named_data_and_a_title(build):
    built = build()
    spec = built if isinstance(built, dict) else charts.vega_spec(built)
    assert spec.get("title"), "every chart has a title"
    assert spec["datasets"], "data travels as named datasets"
    for name, rows in spec["datasets"].items():
        assert not name.startswith("data_"), "Vega-Lite's own source names must not be reused"
        frame = rows if isinstance(rows, pd.DataFrame) else rows.to_pandas()
        numeric = frame.select_dtypes("number").to_numpy(dtype=float)
        assert np.isfinite(numeric).all(), f"{build.__name__} sends a non-finite number"


def test_a_legend_title_can_be_left_out_while_the_tooltip_keeps_it():
    colour = line_layer(charts.vega_spec(batch_loss_curve()))["encoding"]["color"]
    assert colour["legend"] == {"title": None}
    assert line_layer(charts.vega_spec(weights_curve()))["encoding"]["color"]["title"] == "parameter"
    assert "legend" not in line_layer(charts.vega_spec(weights_curve()))["encoding"]["color"]
    tooltips = {t["field"]: t["title"] for t in dot_tooltips(charts.vega_spec(batch_loss_curve(points=True)))}
    assert tooltips["loss on"] == "loss on"


def test_axes_have_titles():
    encoding = line_layer(charts.vega_spec(loss_curve()))["encoding"]
    assert encoding["x"]["title"] == "step" and encoding["y"]["title"] == "loss"


def test_long_histories_are_thinned_but_keep_their_ends():
    rows = charts.curve_rows(np.arange(20_000), np.ones(20_000), thin=True)
    assert len(rows) <= charts.MAX_POINTS
    assert rows[0] == 0 and rows[-1] == 19_999
    assert len(charts.curve_rows(np.arange(20_000), np.ones(20_000), thin=False)) == 20_000


def test_heatmap_cells_meet_without_gaps():
    lower, upper = heatmaps.cell_edges([0.0, 1.0, 3.0, 0.0, 1.0])
    np.testing.assert_allclose(lower, [-0.5, 0.5, 2.0, -0.5, 0.5])
    np.testing.assert_allclose(upper, [0.5, 2.0, 4.0, 0.5, 2.0])  # halfway to the neighbours
    lower, upper = heatmaps.cell_edges([0.0, 1.0, 2.0], overlap=0.3)
    assert np.all(upper[:-1] > lower[1:])  # each cell reaches under the next, hiding anti-aliasing seams


def test_a_path_that_leaves_the_chart_is_drawn_to_the_edge_with_an_arrow():
    points = np.array([[0.0, 0.0], [0.5, 0.5], [11.0, 0.5], [11.0, 5.0]])  # the third step leaves to the right
    shown, exits = heatmaps.path_segments({"plain": points}, "x", "y", (-1.0, 1.0), (-1.0, 1.0))
    assert shown["x"] == [0.0, 0.5, 1.0] and shown["y"] == [0.0, 0.5, 0.5]
    assert shown["visited"] == [True, True, False]  # the last vertex is where the step crosses the edge
    assert len(set(shown["segment"])) == 1
    assert exits["x"] == [1.0] and exits["y"] == [0.5]
    assert exits["angle"] == [pytest.approx(90.0)]  # pointing right
    assert "lands at x = 11, y = 0.5" in exits["label"][0]
    assert -1.0 <= exits["label_x"][0] <= 1.0


def test_a_path_that_comes_back_starts_a_new_segment_and_labels_can_be_given():
    points = np.array([[0.0, 0.0], [0.0, 5.0], [0.0, 0.5]])  # up and out, then back in
    shown, exits = heatmaps.path_segments({"p": (points, [None, "too far", None])}, "x", "y", (-1.0, 1.0), (-1.0, 1.0))
    assert shown["y"] == [0.0, 1.0, 1.0, 0.5]
    assert shown["visited"] == [True, False, False, True]
    assert len(set(shown["segment"])) == 2  # no line is drawn across the outside
    assert exits["label"] == ["too far"] and exits["angle"] == [pytest.approx(0.0)]


def test_paths_are_drawn_plain_on_top_and_datasets_can_be_swapped():
    spec = charts.vega_spec(heatmap())
    assert {"marks", "paths", "exits"} <= set(spec["datasets"])
    swapped = chart_data.with_datasets(spec, marks=chart_data.arrow_table({"w2": [2.0], "T": [4], "label": ["x"]}))
    assert swapped["datasets"]["paths"] is spec["datasets"]["paths"] and spec["datasets"]["marks"] is not None
    with pytest.raises(KeyError, match="no dataset named lines"):
        chart_data.with_datasets(spec, lines=None)
    frozen = chart_data.frozen(spec, keep=("marks",))
    assert isinstance(frozen["datasets"]["paths"], bytes) and not isinstance(frozen["datasets"]["marks"], bytes)


def test_arrow_tables_drop_rows_that_are_not_finite():
    table = chart_data.arrow_table(
        {"step": [1, 2, 3], "log10": [1.0, -np.inf, np.nan], "series": ["a", "b", "c"]}, finite=("log10",)
    )
    assert table.to_pydict() == {"step": [1], "log10": [1.0], "series": ["a"]}


def test_step_axes_have_whole_number_ticks():
    spec = charts.vega_spec(log_lines())
    assert line_layer(spec)["encoding"]["x"]["axis"] == {"format": "d", "tickMinStep": 1}
    layer = charts.vega_spec(points())["layer"][0]
    assert layer["encoding"]["x"]["axis"] == {"format": "d", "tickMinStep": 1}


@pytest.mark.parametrize("log_y", [False, True])
def test_a_cached_curve_spec_with_rows_swapped_in_draws_what_curve_draws(log_y):
    """Training's live charts: one spec per look, new rows each refresh; the same chart and rows as
    ``curve`` builds from the frame, with the non-finite rows dropped and the long history thinned."""
    steps = np.arange(1, 1001)
    loss = np.exp(-steps / 300.0)
    loss[[5, 600]] = np.nan, np.inf
    loss[7] = 0.0  # a log axis draws zero at its floor
    options = {"title": "L", "x_title": "step", "y_title": "MSE", "x_format": "d", "log_y": log_y, "height": 230}
    built = charts.vega_spec(charts.curve(pd.DataFrame({"step": steps, "loss": loss}), "step", "loss", **options))
    spec = charts.curve_spec("step", "loss", **options)
    assert charts.curve_spec("step", "loss", **options) is spec  # built once
    swapped = chart_data.with_datasets(
        spec, curve=charts.curve_table({"step": steps, "loss": loss}, "step", "loss", log_y=log_y)
    )
    (frame,) = built["datasets"].values()
    rows = swapped["datasets"]["curve"].to_pandas()
    assert len(rows) <= charts.MAX_POINTS and rows["step"].iloc[[0, -1]].tolist() == [1, 1000]
    np.testing.assert_array_equal(rows["step"], frame["step"])
    np.testing.assert_allclose(rows["loss"], frame["loss"])
    assert np.isfinite(rows["loss"]).all() and (not log_y or (rows["loss"] > 0).all())
    drop = {"data", "datasets"}
    assert {k: v for k, v in swapped.items() if k not in drop} == {k: v for k, v in built.items() if k not in drop}
    drawn = charts.cached_curve({"step": steps, "loss": loss}, "step", "loss", **options)  # the two in one call
    assert drawn["datasets"]["curve"].equals(swapped["datasets"]["curve"]) and drawn["layer"] is spec["layer"]


def test_long_columns_thin_every_series_at_the_same_steps():
    records = {"step": list(range(1, 2001)), "w1": np.linspace(0, 1, 2000).tolist(), "w2": [2.0] * 2000}
    columns = charts.long_columns(records, "step", ["w1", "w2"], "value", "parameter")
    w1 = columns["parameter"] == "w1"
    np.testing.assert_array_equal(columns["step"][w1], columns["step"][~w1])
    assert w1.sum() <= charts.MAX_POINTS and columns["step"][w1][[0, -1]].tolist() == [1, 2000]
    np.testing.assert_allclose(columns["value"][w1], np.array(records["w1"])[columns["step"][w1] - 1])
    frame = charts.long_history(records, "step", ["w1", "w2"], "value", "parameter")
    assert list(frame.columns) == ["step", "parameter", "value"] and len(frame) == 2 * w1.sum()


def test_heatmap_cells_carry_only_what_is_drawn_and_can_fit_the_grid_height():
    w2, T = np.meshgrid(np.linspace(-3, 3, 7), np.array([1, 4, 10]), indexing="ij")
    frame = pd.DataFrame({"w2": w2.ravel(), "T": T.ravel(), "log10": (w2 * T).ravel()})
    cells = heatmaps.heatmap_cells(frame, "w2", "T", "log10")
    assert list(cells.columns) == ["w2_lo", "w2_hi", "T_lo", "T_hi", "log10"]
    assert set(cells.dtypes) == {np.dtype(np.float32)}
    assert cells["T_lo"].min() < 1 and cells["T_hi"].max() > 10, "edges halfway past the outer rows"
    fitted = heatmaps.heatmap_cells(frame, "w2", "T", "log10", fit_y=True)
    assert (fitted["T_lo"].min(), fitted["T_hi"].max()) == (1, 10), "the cells span the rows' range exactly"
    np.testing.assert_array_equal(fitted["w2_lo"], cells["w2_lo"])
    spec = charts.vega_spec(
        heatmaps.log_heatmap(
            frame, "w2", "T", "log10", title="H", x_title="w2", y_title="T", value_title="v", cells_dataset="cells"
        )
    )
    assert "cells" in spec["datasets"] and spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [1.0, 10.0]
    fitted_spec = charts.vega_spec(
        heatmaps.log_heatmap(
            frame, "w2", "T", "log10", title="H", x_title="w2", y_title="T", value_title="v", fit_y=True
        )
    )
    assert "domain" not in fitted_spec["layer"][0]["encoding"]["y"]["scale"], "the y range comes from the cells"


def test_equal_neighbouring_cells_of_a_column_are_sent_as_one_rectangle():
    frame = pd.DataFrame(
        {
            "x": [0.0] * 5 + [1.0] * 5,
            "y": [1, 2, 3, 4, 5] * 2,
            "v": [20.0, 20.0, 20.0, 3.0, 99.0, 1.0, 1.0, np.nan, 1.0, 1.0],  # 99 clips to 20
        }
    )
    cells = heatmaps.heatmap_cells(frame, "x", "y", "v", fit_y=True)
    assert cells[["y_lo", "v"]].values.tolist() == [[1, 20], [3.5, 3], [4.5, 20], [1, 1], [3.5, 1]]
    assert cells["y_hi"].tolist()[:3] == [pytest.approx(3.8), pytest.approx(4.8), 5], (
        "a run ends where its last cell does"
    )
    assert cells["y_hi"].tolist()[3] == pytest.approx(2.8), "no run across a dropped (nan) cell"


def test_heatmap_cells_and_exit_labels_carry_no_tooltip():
    """Streamlit's theme gives every mark without one a tooltip of its encoded fields: a cell's would
    read its log10 value as the value and its edges as the place; an exit label's, its placement."""
    layers = charts.vega_spec(heatmap())["layer"]
    cells = next(layer for layer in layers if layer["mark"]["type"] == "rect")
    assert cells["mark"]["tooltip"] is None
    texts = [layer for layer in layers if layer["mark"]["type"] == "text" and layer["data"]["name"] == "exits"]
    assert len(texts) == 2 and all(layer["mark"]["tooltip"] is None for layer in texts)
    arrow = next(layer for layer in layers if layer["mark"].get("shape") == "triangle-up")
    assert arrow["encoding"]["tooltip"] == [{"field": "label", "title": "", "type": "nominal"}], (
        "the arrow keeps its words"
    )


def test_the_predictions_chart_is_curves_chart_with_dates_and_the_naive_guess_when_given():
    spec = predictions()
    when = pd.to_datetime(["2009-01-01", "2009-02-01", "2009-03-01"])
    frame = pd.concat(
        [pd.DataFrame({"when": when, "series": name, "value": [1.0, 2.0, 3.0]}) for name in charts.PREDICTION_COLOURS]
    )
    options = {"title": "Held out", "x_title": "date", "y_title": "price", "x_type": "T", "x_format": "%b %Y"}
    built = charts.vega_spec(
        charts.curve(
            frame,
            "when",
            "value",
            color="series",
            color_title="",
            palette=charts.PREDICTION_COLOURS,
            points=True,
            height=280,
            **options,
        )
    )
    drop = {"data", "datasets"}
    assert {k: v for k, v in spec.items() if k not in drop} == {k: v for k, v in built.items() if k not in drop}
    rows = spec["datasets"]["curve"].to_pandas()
    (expected,) = built["datasets"].values()
    pd.testing.assert_frame_equal(rows.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)
    two = charts.predictions_vs_targets(frame[frame["series"] != charts.NAIVE], "when", **options)
    assert line_layer(two)["encoding"]["color"]["scale"]["domain"] == ["target", "prediction"]
