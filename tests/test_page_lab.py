"""AppTest tests of the Gradient lab: presets, the lesson's numbers, extremes that must stay finite, and
every chart's numbers checked against the engine computed another way."""

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from apptest_support import all_text, assert_clean, chart_data, open_page, vega_charts

import rnn_core as rc
from rnn_core import analysis as an
from ui.format import from_log10

LAB = "app_pages/lab.py"
FIRST = "First input's |d y_T / d x_1|"
# The page's charts, in order.
STEPS, HEATMAP, PIECES, RUNS, CLIFF, SURFACE, GATED = range(7)


def metric(at, label):
    return next(m for m in at.metric if m.label == label).value


def datasets(at, index) -> dict[str, pd.DataFrame]:
    """The named data sets of the index-th chart."""
    chart = vega_charts(at)[index]
    return {d.name: pa.ipc.open_stream(io.BytesIO(d.data.data)).read_all().to_pandas() for d in chart.proto.datasets}


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def float_log10_first_input(xs, w1, w2, activation):
    """log10 |d y_T / d x_1| from a plain float forward pass (squashing units do not overflow):
    log10 |w1 w3| + the sum of log10 slopes + (T - 1) log10 |w2|, with w3 = 1."""
    h, log_slopes = 0.0, 0.0
    for x in xs:
        z = w1 * x + w2 * h
        if activation == "tanh":
            h = np.tanh(z)
            log_slopes += np.log10(1.0 - h * h)
        else:
            h = 1.0 / (1.0 + np.exp(-z))
            log_slopes += np.log10(h * (1.0 - h))
    return np.log10(abs(w1)) + log_slopes + (len(xs) - 1) * np.log10(abs(w2))


def test_default_render_shows_the_lessons_numbers():
    at = open_page(LAB)
    assert_clean(at)
    assert at.slider(key="lab_w2").value == 2.0
    assert at.slider(key="lab_length").value == 10
    # w2 = 2, T = 10, identity, w1 = w3 = 1: the first input is scaled by 2^9.
    assert metric(at, FIRST) == "512"
    assert metric(at, "|w2|^(T − 1) = 2⁹") == "512"
    assert metric(at, "The lesson's 2⁹") == "512"
    assert metric(at, "The lesson's 0.5⁹") == "0.001953"
    # per-step, heatmap, dL/dw2 pieces, training runs, cliff, RNN surface, gated models
    assert len(vega_charts(at)) == 7


def test_w1_scales_the_first_inputs_gradient():
    at = open_page(LAB)
    at.number_input(key="lab_w1").set_value(1.5).run()
    assert_clean(at)
    assert metric(at, FIRST) == "768"  # 2^9 × |w1 w3| = 512 × 1.5


@pytest.mark.parametrize(("preset", "w2", "first"), [(0, 2.0, "512"), (1, 1.0, "1"), (2, 0.5, "0.001953")])
def test_presets_set_w2(preset, w2, first):
    at = open_page(LAB)
    at.slider(key="lab_w2").set_value(-1.37).run()
    at.button(key=f"lab_preset{preset}").click().run()
    assert_clean(at)
    assert at.slider(key="lab_w2").value == w2
    assert metric(at, FIRST) == first


@pytest.mark.parametrize(
    ("w1", "w2", "length", "activation"), [(1.0, 2.0, 10, "identity"), (1.5, -1.3, 30, "tanh"), (1.5, -0.6, 40, "relu")]
)
def test_the_analytic_line_is_w1_w3_times_the_power_of_w2(w1, w2, length, activation):
    at = open_page(
        LAB, query={"lab_w1": str(w1), "lab_w2": str(w2), "lab_length": str(length), "lab_activation": activation}
    )
    lines = datasets(at, STEPS)["lines"]
    assert set(lines["series"]) == {"vanilla RNN (computed)", "|w1 w3| |w2|^(T - t) (analytic)"}
    analytic = lines[lines["series"] == "|w1 w3| |w2|^(T - t) (analytic)"].sort_values("step")
    t = np.arange(1, length + 1)
    np.testing.assert_array_equal(analytic["step"], t)
    np.testing.assert_allclose(analytic["log10"], np.log10(abs(w1)) + (length - t) * np.log10(abs(w2)), atol=1e-12)
    computed = lines[lines["series"] == "vanilla RNN (computed)"].sort_values("step")
    model = rc.VanillaRNN(n_hidden=1, activation=activation)
    for name, value in {"w1": w1, "w2": w2, "b1": 0.0, "w3": 1.0, "b2": 0.0}.items():
        model.params[name] = value
    reference = np.abs(model.input_gradients(np.ones((1, length)))[0])
    shown = reference > 0  # exact zeros (a ReLU that is off) are not drawn on a log axis
    np.testing.assert_array_equal(computed["step"], t[shown])
    np.testing.assert_allclose(computed["log10"], np.log10(reference[shown]), atol=1e-9)


@pytest.mark.parametrize("activation", rc.ACTIVATIONS)
def test_w2_three_at_length_1000_stays_finite_on_screen(activation):
    at = open_page(LAB, query={"lab_w2": "3", "lab_length": "1000", "lab_activation": activation})
    assert_clean(at)
    assert at.slider(key="lab_w2").value == 3.0 and at.slider(key="lab_length").value == 1000
    if activation in ("identity", "relu"):
        assert metric(at, FIRST) == "about 10⁴⁷⁷"
    else:  # checked against a plain float pass, which tanh and sigmoid allow (their units never overflow)
        expected = float_log10_first_input(np.ones(1000), 1.0, 3.0, activation)
        assert expected < -1000
        assert metric(at, FIRST) == from_log10(expected)
    assert metric(at, "|w2|^(T − 1) = 3⁹⁹⁹") == "about 10⁴⁷⁷"
    for index in range(len(vega_charts(at))):
        for frame in chart_data(at, index):
            numeric = frame.select_dtypes("number").to_numpy(dtype=float)
            assert np.isfinite(numeric).all(), "a chart was sent a non-finite number"


@pytest.mark.parametrize(
    "query",
    [
        {"lab_w2": "0", "lab_length": "1", "lab_w1": "0", "lab_activation": "sigmoid"},
        {"lab_w2": "-3", "lab_length": "1000", "lab_activation": "tanh", "lab_pattern": "random"},
        {"lab_w2": "-0.01", "lab_length": "2", "lab_activation": "relu", "lab_pattern": "alternating"},
        {"lab_w2": "1", "lab_length": "999", "lab_activation": "sigmoid", "lab_w1": "-3"},
        {"lab_w2": "-1.2", "lab_length": "30", "lab_activation": "relu", "lab_w1": "-1"},
    ],
)
def test_corner_settings_render_cleanly(query):
    at = open_page(LAB, query=query)
    assert_clean(at)
    assert len(vega_charts(at)) == 7


def test_exactly_zero_gradients_read_as_words_not_numbers():
    at = open_page(LAB, query={"lab_w2": "0", "lab_w1": "0"})
    assert_clean(at)
    assert metric(at, FIRST) == "exactly 0"
    assert "Every gradient is exactly 0" in all_text(at)


def test_update_over_weight_is_undefined_when_w2_is_zero():
    at = open_page(LAB, query={"lab_w2": "0"})
    assert metric(at, "Update ÷ weight") == "undefined (w2 is 0)"


def test_the_heatmap_marks_the_current_setting_and_the_boundaries():
    at = open_page(LAB, query={"lab_activation": "sigmoid", "lab_w2": "1.5", "lab_length": "30"})
    assert_clean(at)
    assert "1 / 0.25 = 4" in all_text(at)
    data = datasets(at, HEATMAP)
    cells, mark = data["unrolled_0"], data["marks"]
    assert cells["w2"].max() >= 4.0  # sigmoid's own bound is on the chart
    rules = next(frame for name, frame in data.items() if list(frame.columns) == ["w2"])
    assert sorted(rules["w2"]) == [-4.0, -1.0, 1.0, 4.0]
    assert mark["w2"].tolist() == [1.5] and mark["T"].tolist() == [30]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "identity"])
def test_heatmap_cells_agree_with_single_computations(activation):
    at = open_page(LAB, query={"lab_activation": activation, "lab_pattern": "random", "lab_w1": "0.7"})
    cells = datasets(at, HEATMAP)["unrolled_0"]
    xs = an.input_pattern("random", 50)
    rng = np.random.default_rng(1)
    for row in cells.iloc[rng.choice(len(cells), 12, replace=False)].itertuples():
        single = an.log10_input_gradients(xs[: int(row.T)], 0.7, row.w2, 0.0, 1.0, activation)[0]
        assert row.log10 == pytest.approx(np.clip(single, -20, 20), abs=1e-9), (row.w2, row.T)
    # ... and the cells tile the plane: each one's upper edge reaches past the next one's lower edge
    for axis in ("w2", "T"):
        centres = np.unique(cells[axis])
        lower = cells.groupby(axis)[f"{axis}_lo"].first().loc[centres].to_numpy()
        upper = cells.groupby(axis)[f"{axis}_hi"].first().loc[centres].to_numpy()
        assert np.all(upper[:-1] >= lower[1:]) and np.all(lower < centres) and np.all(centres < upper)


def test_vanishing_gradients_put_the_w2_gradient_in_the_last_steps():
    at = open_page(LAB, query={"lab_w2": "0.5", "lab_length": "100"})
    assert_clean(at)
    assert int(metric(at, "Share from the last 10% of steps").rstrip("%")) >= 99
    assert "early steps add next to nothing" in captions(at)


def test_the_pieces_caption_follows_what_was_computed_not_the_size_of_w2():
    # sigmoid with w2 = 1.5 is inside sigmoid's bound (4): nothing explodes, and the page says why.
    at = open_page(LAB, query={"lab_w2": "1.5", "lab_length": "100", "lab_activation": "sigmoid"})
    text = captions(at)
    assert "sigmoid's doing" in text and "the pieces shrink" in text
    assert "one step of gradient descent would move w2 by more than its own size" not in text
    # identity with w2 = 2: the sum is huge, and the page says so
    at = open_page(LAB)
    assert "one step of gradient descent would move w2 by more than its own size" in captions(at)


def test_clipping_tames_the_run_that_diverges_without_it():
    at = open_page(LAB)  # w2 = 2, identity: the unclipped run diverges
    assert any("Without clipping" in e.value and "diverged" in e.value for e in at.error)
    assert any("With clipping" in i.value for i in at.info)
    runs = datasets(at, RUNS)["runs"]
    clipped = runs[runs["run"] == "with clipping (norm 1)"].sort_values("step")["loss"].to_numpy()
    assert len(clipped) >= 30
    assert clipped[-1] < 1e-3 * clipped[0], "the clipped run's loss went down"
    assert len(runs[runs["run"] == "without clipping"]) <= 3


def test_an_unclipped_relu_run_that_ends_on_a_dead_unit_says_so():
    at = open_page(LAB, query={"lab_w2": "2", "lab_length": "600", "lab_activation": "relu"})
    assert any("Without clipping" in w.value and "switched off for good" in w.value for w in at.warning)


def test_the_cliff_shows_both_paths_and_where_the_plain_one_is_thrown_off():
    at = open_page(LAB)
    data = datasets(at, CLIFF)
    paths, exits = data["paths"], data["exits"]
    inside = paths[paths["w"].between(1, 9) & paths["b"].between(-5, 0) & paths["visited"]]
    for name in ("plain gradient descent", "clipped by norm"):
        assert (inside["path"] == name).sum() >= 10, f"{name} has too few points on the chart"
    # The plain path's long step is drawn to the chart's edge and marked there.
    thrown = exits[exits["path"] == "plain gradient descent"]
    assert len(thrown) == 1 and "thrown off the chart" in thrown["label"].iloc[0]
    edge = thrown.iloc[0]
    assert edge["w"] in (1.0, 9.0) or edge["b"] in (-5.0, 0.0)
    plain_edge = paths[(paths["path"] == "plain gradient descent") & ~paths["visited"]]
    assert len(plain_edge) == 1  # the line runs up to the edge
    # Both paths agree with the engine, step by step.
    reference = an.cliff_descent((5.5, -2.0), 0.5, 80)
    drawn = paths[(paths["path"] == "plain gradient descent") & paths["visited"]].sort_values("order")
    np.testing.assert_allclose(drawn[["w", "b"]].to_numpy(), reference[: len(drawn), :2])


def test_cliff_settings_are_shareable_links():
    at = open_page(LAB, query={"lab_cliff_lr": "1.0", "lab_cliff_threshold": "0.25", "lab_cliff_start": "6.5"})
    assert_clean(at)
    assert at.select_slider(key="lab_cliff_lr").value == 1.0
    assert at.select_slider(key="lab_cliff_threshold").value == 0.25
    assert at.slider(key="lab_cliff_start").value == 6.5
    assert "Both start at w = 6.5" in captions(at) or "w = 6.5" in captions(at)


def test_the_rnn_surface_shows_the_plain_throw_and_the_clipped_walk():
    at = open_page(LAB)
    data = datasets(at, SURFACE)
    paths, exits = data["paths"], data["exits"]
    plain = paths[paths["path"] == "plain gradient descent"]
    clipped = paths[paths["path"] == "clipped by norm"]
    assert plain["visited"].sum() >= 1 and len(plain) >= 2, "the plain path's first step is drawn to the edge"
    assert clipped["visited"].sum() >= 20
    assert (exits["path"] == "plain gradient descent").sum() == 1


@pytest.mark.parametrize(("w2", "length"), [("2", "512"), ("2", "700"), ("3", "1000")])
def test_rnn_surface_paths_survive_an_overflowing_loss(w2, length):
    at = open_page(LAB, query={"lab_w2": w2, "lab_length": length})
    assert_clean(at)
    paths = datasets(at, SURFACE)["paths"]
    clipped = paths[(paths["path"] == "clipped by norm") & paths["visited"]]
    assert len(clipped) >= 20, "the clipped path walks on from where the loss overflows a float"
    assert (np.hypot(*np.diff(clipped.sort_values("order")[["w2", "w1"]].to_numpy(), axis=0).T) <= 0.05 + 1e-9).all()
    assert "thrown off the chart by its first step" in captions(at)
    # The gradient grows with w2 here, so descent throws w2 to the left: the arrow is on the left edge.
    exits = datasets(at, SURFACE)["exits"]
    thrown = exits[exits["path"] == "plain gradient descent"]
    assert thrown["w2"].tolist() == [-3.0] and -3 < thrown["w1"].iloc[0] < 3


def test_the_surface_caption_follows_the_activation():
    at = open_page(LAB, query={"lab_w2": "3", "lab_length": "1000", "lab_activation": "tanh"})
    text = captions(at)
    assert "Beyond |w2| = 1 the loss climbs" not in text
    assert "tanh keeps h_T between −1 and 1" in text
    at = open_page(LAB, query={"lab_w2": "3", "lab_length": "1000"})
    assert "Beyond |w2| = 1 the loss climbs" in captions(at)


def gated_reference(kind, bias, xs):
    """The page's gated model built here from its description, and its own float gradients."""
    model = rc.MODEL_KINDS[kind](n_hidden=4, seed=0)
    if kind == "lstm":
        b = model.params["b"].copy()
        b[4:8], b[0:4] = bias, -bias  # forget gate b, input gate -b
        model.params["b"] = b
    else:
        b = model.params["b_x"].copy()
        b[4:8] = bias  # update gate
        model.params["b_x"] = b
    return np.log10(np.abs(model.input_gradients(xs[None])[0]))


@pytest.mark.parametrize("bias", ["0", "4", "8"])
def test_gated_models_are_compared_with_their_own_gradients(bias):
    at = open_page(LAB, query={"lab_length": "200", "lab_w2": "0.5", "lab_gate_bias": bias})
    assert_clean(at)
    lines = datasets(at, GATED)["lines"]
    for kind, name in (("lstm", "LSTM"), ("gru", "GRU")):
        drawn = lines[lines["series"] == name].sort_values("step")
        assert len(drawn) == 200
        np.testing.assert_allclose(drawn["log10"], gated_reference(kind, float(bias), np.ones(200)), atol=1e-9)


@pytest.mark.parametrize("bias", ["4", "8"])
def test_gates_keep_the_gradient_the_vanilla_rnn_loses(bias):
    at = open_page(LAB, query={"lab_length": "1000", "lab_w2": "0.5", "lab_gate_bias": bias})
    assert_clean(at)
    lines = datasets(at, GATED)["lines"]
    oldest = {name: frame.sort_values("step")["log10"].iloc[0] for name, frame in lines.groupby("series")}
    assert len(lines) == 3000, "every point of every line is drawn (no underflow to 0 dropped any)"
    assert oldest["vanilla RNN (computed)"] < -300
    assert oldest["LSTM"] > -10 and oldest["GRU"] > -10
    text = captions(at)
    assert "exactly 0" not in text.split("What fixes it")[-1]
    # 999 halvings: 2^999 = 10^300.73 = 5.36 × 10^300.
    assert "the vanilla RNN's shrinks by a factor of about 5.36 × 10³⁰⁰" in text


def test_the_vanishing_case_button_sets_w2_and_the_length():
    at = open_page(LAB)
    at.button(key="lab_show_vanishing").click().run()
    assert at.slider(key="lab_w2").value == 0.5 and at.slider(key="lab_length").value == 1000


def test_a_link_with_unusable_values_opens_with_defaults_and_says_so():
    at = open_page(LAB, query={"lab_w2": "abc", "lab_length": "99999", "lab_activation": "softmax", "lab_w1": "1.5"})
    assert_clean(at)
    assert at.slider(key="lab_w2").value == 2.0
    assert at.slider(key="lab_length").value == 10
    assert at.selectbox(key="lab_activation").value == "identity"
    assert at.number_input(key="lab_w1").value == 1.5  # the good value is kept
    notice = next(c.value for c in at.caption if "could not be used" in c.value)
    assert "lab_w2" in notice and "lab_length" in notice and "lab_activation" in notice and "lab_w1" not in notice


def test_a_preset_after_opening_a_link_is_not_reported_as_an_unusable_link():
    at = open_page(LAB, query={"lab_w2": "1.5"})
    assert at.slider(key="lab_w2").value == 1.5
    at.button(key="lab_preset2").click().run()  # the URL still says 1.5 until the browser rewrites it
    assert at.slider(key="lab_w2").value == 0.5
    assert not [c.value for c in at.caption if "could not be used" in c.value]
