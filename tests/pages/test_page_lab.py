"""AppTest tests of the Gradient lab: one network and one loss in every view, every closed form on
screen equal to the engine's number (computed here from rnn_core), presets, activations, shared
values kept between views, and the extremes finite."""

import io
import json
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from apptest_support import all_text, assert_clean, chart_data, open_page, vega_charts

import rnn_core as rc
from rnn_core import analysis as an
from ui.kit import drag_charts
from ui.kit.drag_charts import DRAG_PARAM
from ui.kit.format import from_log10
from ui.lab import drag as lab_drag
from ui.lab import drag_rows, model, specs, views
from ui.lab.model import PRESETS
from ui.lab.text import word_count
from ui.lab.views import LABELS, VIEWS

LAB = "app_pages/lab.py"
FIRST = "First input's |∂y_T/∂x_1|"
LOSS_IN_HEADER = re.compile(r"Loss \$\(y_T - 1\)\^2\$ = \*\*(.+?)\*\*")


# ----------------------------------------------------------------------------- the engine, computed here
def lesson_model(w2: float, activation: str = "relu") -> rc.VanillaRNN:
    """The lesson's network with w2 and the activation changed, built from the engine's own weights."""
    model = rc.VanillaRNN(1, activation=activation, seed=0)
    for name, value in {**rc.STATQUEST_WEIGHTS, "w2": w2}.items():
        model.params[name] = value
    return model


def engine_loss_and_grads(model, xs, ys):
    """The engine's loss and parameter gradients: the one call to rename when the API changes
    (``loss_and_grads`` is to return ``(loss, Gradients)``; today it returns a dict)."""
    loss, grads = model.loss_and_grads(xs, ys)
    return loss, getattr(grads, "params", grads)


def engine_numbers(w2: float, length: int, activation: str) -> dict:
    """The loss, dL/dw2, |g| over (w1, w2) and d y_T / d x_1 of one setting, from the engine.

    Plain floats where they fit; beyond (w2 = 3 over 1000 steps) the engine's log10 form."""
    xs, ys = np.ones((1, length)), np.ones((1, 1))
    model = lesson_model(w2, activation)
    with np.errstate(all="ignore"):
        loss, grads = engine_loss_and_grads(model, xs, ys)
        first = float(model.input_gradients(xs)[0, 0])
    g_w1, g_w2 = float(np.ravel(grads["w1"])[0]), float(np.ravel(grads["w2"])[0])
    if all(np.isfinite(v) for v in (loss, g_w1, g_w2, first)):
        return {
            "loss": from_log10(np.log10(loss)) if loss > 0 else "exactly 0",
            "dL/dw2": from_log10(np.log10(abs(g_w2)), negative=g_w2 < 0) if g_w2 else "exactly 0",
            "log10 |g|": np.log10(np.hypot(g_w1, g_w2)),
            "first": from_log10(np.log10(abs(first))) if first else "exactly 0",
        }
    weights = {k: v for k, v in rc.STATQUEST_WEIGHTS.items() if k not in ("w1", "w2")}
    log_loss, (l1, _), (l2, s2) = an.one_unit_log10_loss_and_grad(
        np.ones(length), rc.STATQUEST_WEIGHTS["w1"], w2, activation=activation, **weights
    )
    top = max(l1, l2)
    first_log = an.log10_input_gradients(
        np.ones(length), rc.STATQUEST_WEIGHTS["w1"], w2, 0.0, rc.STATQUEST_WEIGHTS["w3"], activation
    )[0]
    return {
        "loss": from_log10(log_loss),
        "dL/dw2": from_log10(l2, negative=s2 < 0),
        "log10 |g|": top + 0.5 * np.log10(10 ** (2 * (l1 - top)) + 10 ** (2 * (l2 - top))),
        "first": from_log10(first_log),
    }


# ----------------------------------------------------------------------------- reading the page
def metric_words(at, label):
    """A metric's value (its label starting with ``label``), in from_log10's words ('≈ 10⁶⁰⁴' in a narrow
    metric reads 'about 10⁶⁰⁴')."""
    return next(m for m in at.metric if m.label.startswith(label)).value.replace("≈ ", "about ")


def datasets(at, index=0) -> dict[str, pd.DataFrame]:
    chart = vega_charts(at)[index]
    return {d.name: pa.ipc.open_stream(io.BytesIO(d.data.data)).read_all().to_pandas() for d in chart.proto.datasets}


def drag_param(at, index=0) -> dict:
    """The in-chart w2 slider: the spec's point selection bound to a range input."""
    spec = json.loads(vega_charts(at)[index].proto.spec)
    return next(p for p in spec["params"] if p["name"] == DRAG_PARAM)


def drawn_lines(at, w2: float) -> pd.DataFrame:
    """The rows of the per-input chart the browser draws when its slider is at ``w2``."""
    data = datasets(at)
    lines = data["drag_lines"].merge(data["drag_w2"][["w2c", "w2"]], on="w2c")
    return lines[lines["w2"] == w2]


def readout(at, w2: float, dataset: str = "drag_w2") -> str:
    """The read-out line the chart draws above its plot when its slider is at ``w2``."""
    frame = datasets(at)[dataset]
    return frame.loc[frame["w2"] == w2, "label"].item()


def header_loss(at) -> str:
    found = [LOSS_IN_HEADER.search(m.value) for m in at.markdown]
    return next(f.group(1) for f in found if f)


def latex(at) -> str:
    return "\n".join(element.value for element in at.get("latex"))


def view_prose(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**You see**"))


def lab(view: str = "inputs", **query) -> object:
    params = {f"lab_{k}": str(v) for k, v in query.items()}
    at = open_page(LAB, query={**params, "lab_view": LABELS[view]})
    assert_clean(at)
    return at


def latex_to_text(value: str) -> str:
    """A LaTeX number as ui.format writes it: '5.01 \\times 10^{476}' -> 'about 10⁴⁷⁷' is not
    comparable, so the tests compare the plain numbers (within 10^-4 .. 10^6) LaTeX shows as text."""
    return value.replace("{,}", ",")


SETTINGS = [
    (rc.STATQUEST_WEIGHTS["w2"], 10, "relu"),  # the lesson's own network
    (2.0, 10, "relu"),
    (0.5, 30, "tanh"),
    (1.0, 50, "identity"),
    (-1.3, 20, "sigmoid"),
    (3.0, 1000, "relu"),  # beyond float range: 10^954
]


# ----------------------------------------------------------------------------- the lesson's network
def test_the_lab_opens_on_the_lessons_network():
    at = open_page(LAB)
    assert_clean(at)
    assert at.slider(key="lab_w2").value == rc.STATQUEST_WEIGHTS["w2"] == -0.5
    assert at.slider(key="lab_length").value == 10
    assert at.selectbox(key="lab_activation").value == "relu"
    header = next(m.value for m in at.markdown if "lesson's network" in m.value)
    assert "1.8\\,x_t" in header and "1.1\\,h_T" in header  # w1 and w3 as the engine has them
    first = lesson_model(-0.5).input_gradients(np.ones((1, 10)))[0, 0]
    assert metric_words(at, FIRST) == from_log10(np.log10(abs(first))) == "0.003867"  # 1.1 × 1.8 × 0.5⁹
    assert len(vega_charts(at)) == 1, "only the view on screen is drawn"


@pytest.mark.parametrize(("w2", "length", "activation"), SETTINGS)
def test_one_setting_gives_one_loss_in_every_view(w2, length, activation):
    expected = engine_numbers(w2, length, activation)
    shown = {}
    for view in [v for v in LABELS if views.uses_shared_controls(v)]:  # the cliff has its own unit
        at = lab(view, w2=w2, length=length, activation=activation)
        shown[f"{view} header"] = header_loss(at)
        if view == "pieces":
            shown["pieces metric"] = metric_words(at, "Loss (y_T − 1)²")
    assert set(shown.values()) == {expected["loss"]}, shown


@pytest.mark.parametrize(("w2", "length", "activation"), SETTINGS)
def test_every_closed_form_on_screen_equals_the_engines_number(w2, length, activation):
    expected = engine_numbers(w2, length, activation)
    at = lab("inputs", w2=w2, length=length, activation=activation)
    assert metric_words(at, FIRST) == expected["first"]
    formula = latex(at)
    assert "|w_3|\\,|w_1|\\,|w_2|^{T-1}" in formula and "s_k" in formula  # every factor, the slopes named
    assert f"= 1.1 \\times 1.8 \\times |{{{w2:g}}}|^{{{length - 1}}}" in formula
    value = formula.split("=")[-1].split("\\end")[0].strip()
    if "times 10^" not in value:
        assert latex_to_text(value) == expected["first"]
    else:  # beyond 10^6: the same power of ten
        assert value.endswith(
            f"10^{{{int(np.floor(an.log10_input_gradients(np.ones(length), 1.8, w2, 0, 1.1, activation)[0]))}}}"
        )

    at = lab("pieces", w2=w2, length=length, activation=activation)
    assert metric_words(at, "dL/dw2") == expected["dL/dw2"]
    assert "2\\,(y_T - 1)\\, w_3\\, s_t" in latex(at)

    at = lab("step", w2=w2, length=length, activation=activation)
    assert f"‖g‖ = {from_log10(expected['log10 |g|'])}" in view_prose(at)
    plain, clipped = metric_words(at, "Plain step η‖g‖"), metric_words(at, "Clipped step η·min(‖g‖, τ)")
    assert plain == from_log10(np.log10(0.05) + expected["log10 |g|"])
    assert clipped == from_log10(np.log10(0.05) + min(expected["log10 |g|"], 0.0))  # τ = 1


# ----------------------------------------------------------------------------- presets and activations
@pytest.mark.parametrize(("index", "label"), list(enumerate(PRESETS)))
def test_every_preset_sets_w2(index, label):
    at = open_page(LAB, query={"lab_w2": "1.37"})
    at.button(key=f"lab_preset{index}").click().run()
    assert_clean(at)
    w2 = PRESETS[label]
    assert at.slider(key="lab_w2").value == w2
    assert metric_words(at, FIRST) == engine_numbers(w2, 10, "relu")["first"]
    assert header_loss(at) == engine_numbers(w2, 10, "relu")["loss"]


def test_the_presets_include_the_lessons_w2():
    assert rc.STATQUEST_WEIGHTS["w2"] in PRESETS.values()
    assert {2.0, 1.0, 0.5} <= set(PRESETS.values())


@pytest.mark.parametrize("activation", rc.ACTIVATIONS)
def test_every_activation_works_in_every_view_and_says_what_it_changes(activation):
    for view in LABELS:
        at = lab(view, w2=2, length=40, activation=activation)
        assert len(vega_charts(at)) == 1
        captions = "\n".join(c.value for c in at.caption)
        if activation == "relu":  # the lesson's own: its note waits in the control's tooltip
            assert "slope 1 where the unit is on" in at.selectbox(key="lab_activation").help
            assert "slope 1 where the unit is on" not in captions
        else:
            assert "slope" in captions
    if activation == "sigmoid":
        assert "0.25" in captions


@pytest.mark.parametrize("view", list(LABELS))
def test_extremes_stay_finite_in_every_view(view):
    for query in ({"w2": 3, "length": 1000}, {"w2": 0, "length": 1}, {"w2": -3, "length": 1000, "activation": "tanh"}):
        at = lab(view, **query)
        for frame in chart_data(at, 0):
            numeric = frame.select_dtypes("number").to_numpy(dtype=float)
            assert np.isfinite(numeric).all(), f"{view} {query}: a chart was sent a non-finite number"


# ----------------------------------------------------------------------------- views keep shared values
def test_views_keep_the_shared_values():
    at = open_page(LAB)
    at.slider(key="lab_w2").set_value(1.7).run()
    at.slider(key="lab_length").set_value(77).run()
    at.selectbox(key="lab_activation").set_value("tanh").run()
    loss = header_loss(at)
    for view in [*LABELS, "inputs"]:
        at.get("button_group")[0].set_value(LABELS[view]).run()
        assert_clean(at)
        assert at.slider(key="lab_w2").value == 1.7
        assert at.slider(key="lab_length").value == 77
        assert at.selectbox(key="lab_activation").value == "tanh"
        if views.uses_shared_controls(view):
            assert header_loss(at) == loss
            assert ".st-key-lab_shared" not in page_styles(at)


def page_styles(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def test_the_cliff_shows_only_its_own_controls_and_keeps_the_shared_ones_for_the_next_view():
    at = lab("cliff", w2=1.7, length=77)
    # w2, T and the activation act on no part of the cliff: drawn off the screen, their values kept.
    assert ".st-key-lab_shared { display: none !important; }" in page_styles(at)
    assert not [m for m in at.markdown if LOSS_IN_HEADER.search(m.value)], "the loss line is the RNN's, not the cliff's"
    assert at.slider(key="lab_w2").value == 1.7
    at.get("button_group")[0].set_value(LABELS["inputs"]).run()
    assert ".st-key-lab_shared" not in page_styles(at)
    assert at.slider(key="lab_w2").value == 1.7 and at.slider(key="lab_length").value == 77


@pytest.mark.parametrize("view", list(LABELS))
def test_a_view_whose_chart_carries_w2_draws_no_second_w2_slider(view):
    at = lab(view, w2=1.3)
    # The page's slider is drawn either way (it holds the link's value) but kept off the screen where
    # the chart has its own: one w2 control per view.
    assert at.slider(key="lab_w2").value == 1.3
    assert (".st-key-lab_w2" in page_styles(at)) == VIEWS[view].drags_w2
    if VIEWS[view].drags_w2:
        assert drag_param(at)["bind"]["input"] == "range" and drag_param(at)["bind"]["step"] == 0.01


def test_a_view_is_a_shareable_link():
    at = lab("gates", w2=0.5, length=200, gate_bias=8)
    assert at.get("button_group")[0].value == LABELS["gates"]
    assert at.slider(key="lab_gate_bias").value == 8.0


@pytest.mark.parametrize("view", list(LABELS))
def test_each_view_reads_in_about_60_words_in_the_order_see_notice_try(view):
    for query in ({}, {"w2": 2, "length": 1000}):
        prose = view_prose(lab(view, **query))
        assert prose.index("**You see**") < prose.index("**Notice**") < prose.index("**Try**")
        assert word_count(prose) <= 60, (view, word_count(prose), prose)


# ----------------------------------------------------------------------------- the charts
def test_the_per_input_chart_draws_the_computed_line_and_the_closed_form_without_slopes():
    at = lab("inputs", w2=-1.3, length=30, activation="tanh")
    for w2 in (-1.3, 0.5, 2.0):  # where the in-chart slider starts, and two places it can be dragged to
        lines = drawn_lines(at, w2)
        computed = lines[lines["series"] == "vanilla RNN (computed)"].sort_values("step")
        analytic = lines[lines["series"].str.contains("slopes left out")].sort_values("step")
        assert analytic["step"].tolist() == [1, 30], "a straight line in log10: its two ends"
        closed = np.log10(1.8 * 1.1) + (30 - analytic["step"].to_numpy()) * np.log10(abs(w2))
        np.testing.assert_allclose(analytic["log10"], closed, atol=1e-5)  # float32 on the wire
        reference = np.abs(lesson_model(w2, "tanh").input_gradients(np.ones((1, 30)))[0])
        assert computed["step"].tolist() == list(range(1, 31))
        np.testing.assert_allclose(computed["log10"], np.log10(reference), atol=1e-5)


def test_the_in_chart_slider_starts_at_the_pages_w2_and_reads_out_the_metrics_number():
    for view, dataset in (("inputs", "drag_w2"), ("heatmap", "marks")):
        at = lab(view, w2=1.37, length=40)
        param = drag_param(at)
        assert param["value"] == 1.37 == at.slider(key="lab_w2").value
        assert param["bind"]["input"] == "range"
        assert (param["bind"]["min"], param["bind"]["max"], param["bind"]["step"]) == (-3, 3, 0.01)
        slider = at.slider(key="lab_w2")
        assert (slider.min, slider.max, slider.step) == (-3, 3, 0.01), "the page slider's grid"
        first = engine_numbers(1.37, 40, "relu")["first"]
        assert metric_words(at, FIRST) == first
        assert readout(at, 1.37, dataset).endswith(f"|∂y_T/∂x₁| = {first}")
        for w2 in (-0.5, 2.0, 3.0):  # the read-outs the drag passes through, each the engine's number
            assert readout(at, w2, dataset).endswith(f"|∂y_T/∂x₁| = {engine_numbers(w2, 40, 'relu')['first']}")


def test_a_w2_set_elsewhere_starts_the_in_chart_slider_there():
    at = lab("inputs")
    key = vega_charts(at)[0].proto.id
    assert drag_param(at)["value"] == -0.5
    at.button(key="lab_preset0").click().run()  # w2 = 2
    assert drag_param(at)["value"] == 2.0 and vega_charts(at)[0].proto.id != key, "a fresh chart at the preset"
    at.slider(key="lab_w2").set_value(0.73).run()
    assert drag_param(at)["value"] == 0.73
    at.slider(key="lab_length").set_value(20).run()  # T only: the chart keeps its start and gets new rows
    assert drag_param(at)["value"] == 0.73
    assert readout(at, 0.73).endswith(engine_numbers(0.73, 20, "relu")["first"])
    at.get("button_group")[0].set_value(LABELS["heatmap"]).run()
    assert drag_param(at)["value"] == 0.73 and datasets(at)["marks"]["T"].unique().tolist() == [20]


def test_releasing_the_in_chart_slider_sets_the_pages_w2():
    """What ``on_select`` does with the released slider as Streamlit reports it (the browser test
    drags the real one), then the page's next run."""
    at = lab("inputs")
    key = vega_charts(at)[0].proto.id.split("-", 2)[-1]
    memo = "lab_drag_inputs"
    state = {key: {"selection": {DRAG_PARAM: [{"w2": 1.3}]}}, memo: at.session_state[memo], "lab_w2": -0.5}
    lab_drag.take_drag(key, "inputs", "lab_", state)
    assert state["lab_w2"] == 1.3 and state[memo][2] == 1.3
    at.session_state["lab_w2"], at.session_state[memo] = state["lab_w2"], state[memo]
    at.run()
    assert_clean(at)
    assert at.slider(key="lab_w2").value == 1.3
    assert metric_words(at, FIRST) == engine_numbers(1.3, 10, "relu")["first"]
    assert header_loss(at) == engine_numbers(1.3, 10, "relu")["loss"]
    assert vega_charts(at)[0].proto.id.endswith(key), "the chart that was dragged is kept, not rebuilt"
    assert drag_param(at)["value"] == -0.5
    for empty in ({}, {"selection": {}}, {"selection": {DRAG_PARAM: {}}}):  # nothing picked: nothing changes
        state = {key: empty, memo: at.session_state[memo], "lab_w2": 1.3}
        lab_drag.take_drag(key, "inputs", "lab_", state)
        assert state["lab_w2"] == 1.3 and state[memo] == at.session_state[memo]
    # A page without the lab's w2 control (a lesson step showing a lab view): a preview, nothing set.
    state = {key: {"selection": {DRAG_PARAM: [{"w2": 2.0}]}}, memo: at.session_state[memo]}
    lab_drag.take_drag(key, "inputs", "lab_", state)
    assert "lab_w2" not in state and state[memo] == at.session_state[memo]


def test_a_nearly_flat_series_is_drawn_flat_not_zoomed():
    at = lab("inputs", w2=1, length=50, activation="identity")  # every input counts 1.98
    spec = vega_charts(at)[0].proto.spec
    domain = re.search(r'"domain":\s*\[([-\d.]+),\s*([-\d.]+)\]', spec)
    assert domain and float(domain.group(2)) - float(domain.group(1)) >= 4


def test_no_legend_entry_without_data():
    at = lab("pieces", w2=0.5, length=20)  # every piece has one sign here
    directions = set(datasets(at)["pieces"]["direction"])
    spec = vega_charts(at)[0].proto.spec
    for name in ("pushes w2 up", "pushes w2 down"):
        assert (name in spec) == (name in directions), name
    at = lab("inputs", w2=-3, length=10)  # a ReLU switched off: the computed line has no point to draw
    assert set(drawn_lines(at, -3.0)["series"]) == {"|w1 w3| |w2|^(T−t), slopes left out"}
    assert readout(at, -3.0).endswith("exactly 0") and metric_words(at, FIRST) == "exactly 0"


def test_the_heatmap_marks_the_setting_the_boundaries_and_a_tick_at_zero():
    at = lab("heatmap", activation="sigmoid", w2=1.5, length=30)
    data = datasets(at)
    assert drag_param(at)["value"] == 1.5 and 1.5 in data["marks"]["w2"].tolist()
    assert data["marks"]["T"].unique().tolist() == [30], "one diamond per w2, at this T"
    rules = next(frame for frame in data.values() if list(frame.columns) == ["w2"])
    assert sorted(rules["w2"]) == [-4.0, -1.0, 1.0, 4.0]
    assert re.search(r'"values":\s*\[[^\]]*\b0\.0\b', vega_charts(at)[0].proto.spec), "a tick at w2 = 0"
    # the dashed lines at |w2| = 4 bound where sigmoid could explode; here (x_t = 1) it saturates and never does
    assert "Nowhere here does it explode: sigmoid saturates" in view_prose(at)


@pytest.mark.parametrize(("length", "longest"), [(40, 50), (1000, 1000)])
def test_heatmap_cells_agree_with_the_engine(length, longest):
    """The cells carry their edges only (a run of equal cells in a column as one rectangle): the
    cell drawn over each grid point (w2 every 0.1 from -3, 40 lengths up to ``longest``) must be
    the engine's number there."""
    at = lab("heatmap", w2=0.8, length=length, activation="tanh")
    cells = datasets(at)["cells"]
    assert (cells["T_lo"].min(), cells["T_hi"].max()) == (1, longest), "the rows span 1 .. longest exactly"
    w2s, lengths = np.linspace(-3, 3, model.HEATMAP_COLUMNS), np.unique(np.linspace(1, longest, 40).round())
    rng = np.random.default_rng(0)
    for w2, T in zip(rng.choice(w2s, 12), rng.choice(lengths, 12), strict=True):
        over = cells[(cells["w2_lo"] <= w2) & (w2 <= cells["w2_hi"]) & (cells["T_lo"] <= T) & (T <= cells["T_hi"])]
        assert len(over) == 1, (w2, T)
        first = abs(lesson_model(float(w2), "tanh").input_gradients(np.ones((1, int(T))))[0, 0])
        expected = np.clip(np.log10(first) if first else -np.inf, -20, 20)
        np.testing.assert_allclose(over["log10"].iloc[0], expected, atol=1e-5)  # float32 on the wire


def test_the_cliff_is_named_as_its_own_classic_example_and_follows_the_engine():
    at = lab("cliff")
    assert "Pascanu" in view_prose(at)
    paths = datasets(at)["paths"]
    reference = an.cliff_descent((5.5, -2.0), 0.5, 80)
    drawn = paths[(paths["path"] == "plain gradient descent") & paths["visited"]].sort_values("order")
    np.testing.assert_allclose(drawn[["w", "b"]].to_numpy(), reference.points[: len(drawn)])
    at = lab("cliff", cliff_lr=1.0, cliff_threshold=0.25, cliff_start=6.5)
    assert at.slider(key="lab_cliff_start").value == 6.5
    assert "at most 0.25" in view_prose(at)


@pytest.mark.parametrize(("w2", "length"), [(2, 512), (3, 1000)])
def test_the_training_step_is_thrown_off_and_the_clipped_one_walks_on(w2, length):
    at = lab("step", w2=w2, length=length)
    data = datasets(at)
    paths = data["paths"]
    clipped = paths[(paths["path"] == "clipped by norm") & paths["visited"]]
    assert len(clipped) >= 20, "the clipped path walks on from where the loss overflows a float"
    assert (data["exits"]["path"] == "plain gradient descent").sum() == 1
    assert "thrown off" in view_prose(at)


def gated_reference(kind, bias, xs):
    """The view's gated model built here from its description, and its own float gradients."""
    model = rc.MODEL_KINDS[kind](4, seed=0)
    if kind == "lstm":
        b = model.params["b"].copy()
        b[4:8], b[0:4] = bias, -bias  # forget gate b, input gate -b
        model.params["b"] = b
    else:
        b = model.params["b_x"].copy()
        b[4:8] = bias  # update gate
        model.params["b_x"] = b
    return np.log10(np.abs(model.input_gradients(xs[None])[0]))


@pytest.mark.parametrize("bias", [0, 4, 8])
def test_gated_models_are_compared_with_their_own_gradients(bias):
    at = lab("gates", length=200, w2=0.5, gate_bias=bias)
    lines = datasets(at)["lines"]
    for kind, name in (("lstm", "LSTM"), ("gru", "GRU")):
        drawn = lines[lines["series"] == name].sort_values("step")
        own = gated_reference(kind, float(bias), np.ones(200))
        # each input's gradient as a share of the newest input's
        np.testing.assert_allclose(drawn["log10"], own - own[-1], atol=1e-9)
    spec = vega_charts(at)[0].proto.spec
    assert "[8,4]" in spec.replace(" ", "") and "[2,3]" in spec.replace(" ", ""), "LSTM and GRU dashed apart"


def test_the_vanishing_case_button_sets_w2_and_the_length():
    at = lab("gates")
    at.button(key="lab_show_vanishing").click().run()
    assert at.slider(key="lab_w2").value == 0.5 and at.slider(key="lab_length").value == 1000
    assert "LSTM" in view_prose(at)


# ----------------------------------------------------------------------------- links
def test_a_link_with_unusable_values_opens_with_defaults_and_says_so():
    at = open_page(LAB, query={"lab_w2": "abc", "lab_length": "99999", "lab_activation": "softmax"})
    assert_clean(at)
    assert at.slider(key="lab_w2").value == -0.5
    assert at.slider(key="lab_length").value == 10
    assert at.selectbox(key="lab_activation").value == "relu"
    notice = next(c.value for c in at.caption if "could not be used" in c.value)
    assert "lab_w2" in notice and "lab_length" in notice and "lab_activation" in notice


def test_a_preset_after_opening_a_link_is_not_reported_as_an_unusable_link():
    at = open_page(LAB, query={"lab_w2": "1.5"})
    at.button(key="lab_preset2").click().run()
    assert at.slider(key="lab_w2").value == 0.5
    assert not [c.value for c in at.caption if "could not be used" in c.value]
    assert "could not be used" not in all_text(at)


def test_a_link_that_locks_w2_draws_the_figure_without_its_own_slider():
    for view in ("inputs", "heatmap"):
        at = open_page(LAB, query={"lab_w2": "1.5", "lab_view": LABELS[view], "lock": "lab_w2"})
        assert_clean(at)
        assert at.slider(key="lab_w2").disabled and at.slider(key="lab_w2").value == 1.5
        assert ".st-key-lab_w2" not in page_styles(at), "the locked page slider shows the link's w2"
        param = drag_param(at)
        assert "bind" not in param and param["value"] == 1.5, "no in-chart slider to move a locked w2"
        assert not list(vega_charts(at)[0].proto.selection_mode), "the chart sends no selection back"
        assert "keeps w2" in view_prose(at) and "Drag w2" not in view_prose(at)


# ----------------------------------------------------------------------------- worked out ahead
# What each view computes when T changes, counted where the cached functions call into the engine
# and Altair: drag data, the heatmap's grid, the loss surface, the descent paths, the drag chart.
ENGINE_CALLS = (
    (drag_rows, "inputs_rows"),
    (an, "log10_first_input_gradient_grid"),
    (an, "log10_loss_surface"),
    (an, "one_unit_descent"),
    (drag_charts, "drag_lines_spec"),
)


def count_engine_calls(monkeypatch) -> list[str]:
    calls: list[str] = []
    for owner, name in ENGINE_CALLS:
        original = getattr(owner, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)
    return calls


@pytest.mark.parametrize("view", ["inputs", "heatmap", "step"])
def test_a_view_works_out_the_longest_sequence_ahead_so_moving_t_there_computes_nothing(view, monkeypatch):
    """Every view's 'Try' sends the learner to T = 1000: what that needs is computed in the background
    while they read (here: waited for), so the rerun at T = 1000 only reads caches. A setting the
    view was not opened with (another activation) is computed on the spot, as the control."""
    activation = "tanh"
    cached_here = (lab_drag.drag_data, specs.heatmap_spec, specs.heatmap_cells, specs.surface_spec, specs.surface_cells)
    for cached in (*cached_here, specs.rnn_descent_paths):
        cached.clear()  # whatever other tests computed
    specs._drag_lines_spec.clear()
    views.work_ahead.clear()
    at = open_page(LAB, query={"lab_view": LABELS[view], "lab_w2": "2.03", "lab_activation": activation})
    assert_clean(at)
    own = {"lab_step_lr": 0.05, "lab_step_clip": 1.0} if view == "step" else {}
    views.work_ahead(view, activation, 2.03, tuple(sorted(own.items()))).join(timeout=60)
    calls = count_engine_calls(monkeypatch)
    at.slider(key="lab_length").set_value(model.MAX_LENGTH).run()
    assert_clean(at)
    assert calls == [], f"computed at T = {model.MAX_LENGTH} although worked out ahead: {calls}"
    at.selectbox(key="lab_activation").set_value("identity").run()
    assert_clean(at)
    assert calls, "a setting not worked out ahead is computed on the spot"


@pytest.mark.parametrize("view", ["heatmap", "step"])
def test_moving_t_sends_the_same_chart_with_new_rows(view):
    """The browser builds a chart afresh when its spec changes and only swaps rows when just the
    data does: across T (and the heatmap's heights) the spec and key stay the same. The heatmap's
    alt text stays too (it follows the hand: its read-out names the numbers); the training step's
    says the new T's numbers, which costs it a redraw (Streamlit writes the alt text into the spec)."""
    at = lab(view, w2=2, length=10)
    before = vega_charts(at)[0].proto
    spec, alt, key, cells = before.spec, before.alt, before.id, datasets(at)["cells"]
    for length in (75, model.MAX_LENGTH):
        at.slider(key="lab_length").set_value(length).run()
        assert_clean(at)
        after = vega_charts(at)[0].proto
        assert (after.spec, after.id) == (spec, key), f"T = {length}"
        if view == "heatmap":
            assert after.alt == alt, f"T = {length}"
        else:
            assert after.alt != alt and f"T = {length}" in after.alt, f"T = {length}"
            alt = after.alt
        assert not datasets(at)["cells"].equals(cells), "the cells are new"
        cells = datasets(at)["cells"]
    if view == "step":  # its title used to name T; the heatmap's read-out on the chart does
        assert f"T = {model.MAX_LENGTH}" in view_prose(at), "the text beside says which T is drawn"
