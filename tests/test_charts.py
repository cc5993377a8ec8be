"""The shared chart builders: valid Vega-Lite (checked here, so pages can skip the check at run time),
titled and labelled, colour-blind-safe, and never sent a non-finite number."""

import altair as alt
import numpy as np
import pandas as pd
import pytest
from altair.utils.schemapi import SchemaValidationError

from ui import charts


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
    return charts.log_heatmap(
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


BUILDERS = [log_lines, heatmap, points, loss_curve, predictions, weights_curve]


@pytest.mark.parametrize("build", BUILDERS)
def test_every_builder_makes_a_valid_vega_lite_spec(build):
    try:
        build().to_dict(validate=True)
    except alt.MaxRowsError:
        with alt.data_transformers.disable_max_rows():
            build().to_dict(validate=True)
    except SchemaValidationError as error:  # pragma: no cover - the message is the point
        pytest.fail(f"{build.__name__} builds an invalid spec: {error}")


@pytest.mark.parametrize("build", BUILDERS)
def test_the_drawn_spec_carries_finite_named_data_and_a_title(build):
    spec = charts.vega_spec(build())
    assert spec.get("title"), "every chart has a title"
    assert spec["datasets"], "data travels as named datasets"
    for name, frame in spec["datasets"].items():
        assert not name.startswith("data_"), "Vega-Lite's own source names must not be reused"
        numeric = frame.select_dtypes("number").to_numpy(dtype=float)
        assert np.isfinite(numeric).all(), f"{build.__name__} sends a non-finite number"


def test_axes_have_titles():
    spec = charts.vega_spec(loss_curve())
    assert spec["encoding"]["x"]["title"] == "step" and spec["encoding"]["y"]["title"] == "loss"


def test_long_histories_are_thinned_but_keep_their_ends():
    frame = pd.DataFrame({"step": np.arange(20_000), "loss": np.ones(20_000)})
    thinned = charts.downsample(frame)
    assert len(thinned) <= charts.MAX_POINTS
    assert thinned["step"].iloc[0] == 0 and thinned["step"].iloc[-1] == 19_999
