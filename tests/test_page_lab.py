"""AppTest tests of the Gradient lab: presets, the lesson's numbers, extremes that must stay finite."""

import numpy as np
import pytest
from apptest_support import all_text, assert_clean, chart_data, open_page, vega_charts

import rnn_core as rc

LAB = "app_pages/lab.py"
FIRST = "First input's |d y_T / d x_1|"


def metric(at, label):
    return next(m for m in at.metric if m.label == label).value


def test_default_render_shows_the_lessons_numbers():
    at = open_page(LAB)
    assert_clean(at)
    assert at.slider(key="lab_w2").value == 2.0
    assert at.slider(key="lab_length").value == 10
    # w2 = 2, T = 10, identity, w1 = w3 = 1: the first input is scaled by 2^9.
    assert metric(at, FIRST) == "512"
    assert metric(at, "|w2|^(T − 1) = 2^9") == "512"
    assert metric(at, "The lesson's 2^9") == "512"
    assert metric(at, "The lesson's 0.5^9") == "0.001953"
    assert len(vega_charts(at)) >= 6


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


def test_the_per_step_chart_has_the_computed_and_the_analytic_line():
    at = open_page(LAB)
    frame = chart_data(at, 0)[0]
    assert set(frame["series"]) == {"vanilla RNN (computed)", "|w1 w3| |w2|^(T - t) (analytic)"}
    computed = frame[frame["series"] == "vanilla RNN (computed)"].sort_values("step")
    assert computed["log10"].iloc[0] == pytest.approx(9 * 0.30102999566, abs=1e-9)
    assert computed["log10"].iloc[-1] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("activation", rc.ACTIVATIONS)
def test_w2_three_at_length_1000_stays_finite_on_screen(activation):
    at = open_page(LAB, query={"lab_w2": "3", "lab_length": "1000", "lab_activation": activation})
    assert_clean(at)
    assert at.slider(key="lab_w2").value == 3.0 and at.slider(key="lab_length").value == 1000
    if activation in ("identity", "relu"):
        assert metric(at, FIRST) == "about 10^477"
    assert metric(at, "|w2|^(T − 1) = 3^999") == "about 10^477"
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
    ],
)
def test_corner_settings_render_cleanly(query):
    at = open_page(LAB, query=query)
    assert_clean(at)


def test_exactly_zero_gradients_read_as_words_not_numbers():
    at = open_page(LAB, query={"lab_w2": "0", "lab_w1": "0"})
    assert_clean(at)
    assert metric(at, FIRST) == "exactly 0"
    assert "Every gradient is exactly 0" in all_text(at)


def test_the_heatmap_marks_the_current_setting_and_the_boundaries():
    at = open_page(LAB, query={"lab_activation": "sigmoid", "lab_w2": "1.5", "lab_length": "30"})
    assert_clean(at)
    text = all_text(at)
    assert "1 / 0.25 = 4" in text
    heatmap = chart_data(at, 1)
    cells, rules, mark = heatmap[0], heatmap[1], heatmap[-1]
    assert cells["w2"].max() >= 4.0  # sigmoid's own bound is on the chart
    assert sorted(rules["w2"]) == [-4.0, -1.0, 1.0, 4.0]
    assert mark["w2"].tolist() == [1.5] and mark["T"].tolist() == [30]


def test_vanishing_gradients_put_the_w2_gradient_in_the_last_steps():
    at = open_page(LAB, query={"lab_w2": "0.5", "lab_length": "100"})
    assert_clean(at)
    assert int(metric(at, "Share from the last 10% of steps").rstrip("%")) >= 99


def test_clipping_tames_the_run_that_diverges_without_it():
    at = open_page(LAB)  # w2 = 2, identity: the unclipped run diverges
    assert any("Without clipping" in e.value and "diverged" in e.value for e in at.error)
    assert any("With clipping" in i.value for i in at.info)


def test_a_link_with_unusable_values_opens_with_defaults_and_says_so():
    at = open_page(LAB, query={"lab_w2": "abc", "lab_length": "99999", "lab_activation": "softmax", "lab_w1": "1.5"})
    assert_clean(at)
    assert at.slider(key="lab_w2").value == 2.0
    assert at.slider(key="lab_length").value == 10
    assert at.selectbox(key="lab_activation").value == "identity"
    assert at.number_input(key="lab_w1").value == 1.5  # the good value is kept
    notice = next(c.value for c in at.caption if "could not be used" in c.value)
    assert "lab_w2" in notice and "lab_length" in notice and "lab_activation" in notice and "lab_w1" not in notice


def test_gated_models_are_compared_when_the_engine_has_them():
    at = open_page(LAB, query={"lab_length": "200", "lab_w2": "0.5"})
    assert_clean(at)
    if not hasattr(rc, "LSTM"):
        assert any("LSTM" in i.value for i in at.info)
        return
    frames = [chart_data(at, i)[0] for i in range(len(vega_charts(at)))]
    gated = next(f for f in frames if "series" in f and {"LSTM", "GRU"} <= set(f["series"]))
    assert len(gated[gated["series"] == "LSTM"]) > 0


def test_a_preset_after_opening_a_link_is_not_reported_as_an_unusable_link():
    at = open_page(LAB, query={"lab_w2": "1.5"})
    assert at.slider(key="lab_w2").value == 1.5
    at.button(key="lab_preset2").click().run()  # the URL still says 1.5 until the browser rewrites it
    assert at.slider(key="lab_w2").value == 0.5
    assert not [c.value for c in at.caption if "could not be used" in c.value]
