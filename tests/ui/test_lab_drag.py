"""The data behind the lab's figures that follow the w2 drag: every row is the engine's number for
its w2 (computed here from rnn_core), the thinned curves keep their ends, extremes and shape, and
what the in-chart slider returns is read back onto the page slider's grid."""

import numpy as np
import pytest

import rnn_core as rc
from rnn_core import analysis as an
from ui.kit.format import from_log10
from ui.lab import drag_rows as drag

WEIGHTS = {k: v for k, v in rc.STATQUEST_WEIGHTS.items() if k != "w2"}
NAMES = ("computed", "analytic")


def engine_log10_first_inputs(w2: float, length: int, activation: str) -> np.ndarray:
    """log10 |d y_T / d x_t| from the engine's own model (floats), for a setting that fits a float."""
    model = rc.VanillaRNN(1, activation=activation, seed=0)
    for name, value in {**rc.STATQUEST_WEIGHTS, "w2": w2}.items():
        model.params[name] = value
    with np.errstate(divide="ignore"):
        return np.log10(np.abs(model.input_gradients(np.ones((1, length)))[0]))


def rows_for(rows: dict, w2: float, series: int = 0) -> tuple[np.ndarray, np.ndarray]:
    lines = rows["lines"]
    keep = (lines["w2c"] == drag.w2_code(w2)) & (lines["series"] == series)
    order = np.argsort(lines["step"][keep])
    return lines["step"][keep][order], lines["log10"][keep][order].astype(float)


def test_the_grid_is_the_page_sliders_values_exactly():
    assert drag.W2_GRID.size == 601 and drag.W2_GRID[0] == -3.0 and drag.W2_GRID[-1] == 3.0
    assert 0.0 in drag.W2_GRID and rc.STATQUEST_WEIGHTS["w2"] in drag.W2_GRID
    for text in ("1.37", "-0.5", "0.99", "2.01"):  # as a browser's range input reports them
        assert float(text) in drag.W2_GRID
    assert len(set(drag.w2_code(drag.W2_GRID).tolist())) == 601, "each w2 has its own key"


@pytest.mark.parametrize(("length", "activation"), [(10, "relu"), (30, "tanh"), (50, "sigmoid"), (40, "identity")])
def test_every_row_is_the_engines_number_for_its_w2(length, activation):
    rows = drag.inputs_rows(length, activation, WEIGHTS, *NAMES)
    for w2 in (-1.3, -0.5, 0.0, 0.5, 0.99, 1.0, 1.01, 2.0):
        reference = engine_log10_first_inputs(w2, length, activation)
        steps, values = rows_for(rows, w2)
        finite = np.isfinite(reference)
        np.testing.assert_array_equal(steps, np.flatnonzero(finite) + 1)  # short curves whole, zeros left out
        np.testing.assert_allclose(values, reference[finite], atol=1e-5)  # float32 on the wire


def test_the_read_out_is_the_engines_first_input_as_the_page_writes_it():
    rows = drag.inputs_rows(10, "relu", WEIGHTS, *NAMES)
    labels = dict(zip(rows["w2"]["w2"].tolist(), rows["w2"]["label"], strict=True))
    for w2 in (-0.5, 1.3, 2.0, 0.0):
        first = engine_log10_first_inputs(w2, 10, "relu")[0]
        assert labels[w2] == f"w2 = {w2:g}: |∂y_T/∂x₁| = {from_log10(first)}"
    assert labels[-0.5].endswith("0.003867")  # the lesson's network, the metric's own words
    marks = drag.heatmap_marks(40, rows_first := drag.inputs_rows(40, "tanh", WEIGHTS, *NAMES)["first"])
    i = int(np.flatnonzero(drag.W2_GRID == 0.8)[0])
    expected = from_log10(engine_log10_first_inputs(0.8, 40, "tanh")[0])
    assert marks["label"][i] == f"w2 = 0.8, T = 40: |∂y_T/∂x₁| = {expected}"
    assert set(marks["T"].tolist()) == {40} and rows_first.shape == (601,)


def test_magnitudes_beyond_a_float_are_the_engines_log10_form():
    rows = drag.inputs_rows(1000, "relu", WEIGHTS, *NAMES)
    reference = an.log10_input_gradients(np.ones(1000), 1.8, 3.0, 0.0, 1.1, "relu")
    steps, values = rows_for(rows, 3.0)
    np.testing.assert_allclose(values, reference[steps - 1], rtol=1e-6)
    assert values.max() > 476 and np.isfinite(values).all()
    assert rows["w2"]["label"][-1] == f"w2 = 3: |∂y_T/∂x₁| = {from_log10(reference[0])}"


@pytest.mark.parametrize("activation", rc.ACTIVATIONS)
def test_a_thinned_curve_keeps_its_ends_its_envelope_and_its_shape(activation):
    logs = drag.input_gradient_grid(1000, activation, WEIGHTS)
    mask = drag.thin_mask(logs)
    assert np.median(mask.sum(axis=0)) <= 2 * drag.MAX_POINTS, "tens of points per curve, not a thousand"
    t = np.arange(1, 1001)
    for column in range(logs.shape[1]):
        full, kept = logs[:, column], mask[:, column]
        finite = np.isfinite(full)
        assert not kept[~finite].any(), "no -inf is sent"
        if not finite.any():
            continue
        on = np.flatnonzero(finite)
        assert kept[on[0]] and kept[on[-1]], "where the curve starts and ends"
        assert full[kept].max() == full[finite].max() and full[kept].min() == full[finite].min()
        # Between two kept steps the full curve never leaves the band the drawn segment spans by
        # more than 0.05 decades: a zigzag keeps its envelope, a straight stretch its line.
        kept_steps = np.flatnonzero(kept)
        for a, b in zip(kept_steps[:-1], kept_steps[1:], strict=True):
            if b - a < 2 or not finite[a : b + 1].all():
                continue
            inside = full[a + 1 : b]
            assert inside.max() <= max(full[a], full[b]) + 0.05 and inside.min() >= min(full[a], full[b]) - 0.05
        w2 = drag.W2_GRID[column]
        # Every curve but tanh's zigzags (w2 < 0, sent as their envelope) is drawn within 0.02 decades
        # of the engine's number at every step.
        if activation != "tanh" or w2 > 0:
            drawn = np.interp(t[on], t[kept], full[kept])
            assert np.abs(drawn - full[on]).max() <= 0.02 + 1e-9, (activation, w2)


@pytest.mark.parametrize("activation", ["relu", "identity"])
def test_a_straight_curve_is_sent_as_its_two_ends(activation):
    """Where the unit stays on, log10 |d y_T / d x_t| is a straight line in t: two rows draw it exactly,
    which keeps a long T's data small enough for the browser to take in at once."""
    logs = drag.input_gradient_grid(1000, activation, WEIGHTS)
    mask = drag.thin_mask(logs)
    for w2 in (0.5, 1.0, 2.0, 3.0):
        kept = np.flatnonzero(mask[:, drag.W2_GRID == w2][:, 0])
        assert kept.tolist() == [0, 999], (activation, w2)
    assert mask.sum() < 2 * drag.W2_GRID.size


def test_short_curves_are_sent_whole():
    logs = drag.input_gradient_grid(drag.MAX_POINTS, "tanh", WEIGHTS)
    np.testing.assert_array_equal(drag.thin_mask(logs), np.isfinite(logs))
    one = np.array([0.5, -np.inf, 1.0])
    assert drag.thin_mask(one).tolist() == [True, False, True]


def test_a_selection_is_read_onto_the_grid_and_anything_else_is_ignored():
    assert drag.selected_w2([{"w2": 1.3}]) == 1.3
    assert drag.selected_w2({"w2": [-0.5]}) == -0.5
    assert drag.selected_w2([{"w2": 1.3700000000000001}]) == 1.37
    for bad in (None, {}, [], [{"w2": None}], [{"w2": "abc"}], [{"w2": 4.5}], [{"w2": float("nan")}], "1.3"):
        assert drag.selected_w2(bad) is None, bad


def test_the_axis_spans_the_presets_so_2_climbs_to_the_top_and_half_sinks_to_the_bottom():
    for length in (10, 1000):
        rows = drag.inputs_rows(length, "relu", WEIGHTS, *NAMES)
        lowest, highest = rows["range"]
        exploding = an.log10_input_gradients(np.ones(length), 1.8, 2.0, 0.0, 1.1, "relu")[0]
        vanishing = an.log10_input_gradients(np.ones(length), 1.8, 0.5, 0.0, 1.1, "relu")[0]
        assert highest == pytest.approx(max(exploding, np.log10(1.98)), abs=1e-9)
        assert lowest == pytest.approx(vanishing, abs=1e-9)


@pytest.mark.parametrize(("length", "activation"), [(64, "tanh"), (1000, "tanh"), (1000, "relu"), (10, "sigmoid")])
def test_every_w2_fits_in_what_a_phone_downloads_for_one_picture(length, activation):
    """The drag data of one view (all 601 w2) stays under half a megabyte, as Arrow bytes sent."""
    from ui.lab.drag import drag_data

    data = drag_data(length, activation)
    sent = len(data["drag_lines"]) + len(data["drag_w2"])
    assert sent < 512 * 1024, sent
    assert len(data["marks"]) < 64 * 1024
