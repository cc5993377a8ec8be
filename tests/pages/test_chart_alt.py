"""Every lab chart's text alternative (its ``alt``, which a screen reader reads) states what the chart
shows with the numbers on screen: checked on the page, over a sweep of settings, against numbers
worked out here from rnn_core."""

import math
import re
from html import unescape

import numpy as np
import pytest
from apptest_support import vega_charts
from test_page_lab import engine_numbers, lab
from test_page_lesson import at_step

import rnn_core as rc
from rnn_core import analysis as an
from rnn_core.data import encode
from ui.kit.format import from_log10, number, significant
from ui.lab import model, text
from ui.lesson.steps import STEPS

W1, W3 = rc.STATQUEST_WEIGHTS["w1"], rc.STATQUEST_WEIGHTS["w3"]


def chart_alt(at) -> str:
    charts = vega_charts(at)
    assert len(charts) == 1
    return charts[0].proto.alt


def prose_notice(at, view: str) -> str:
    """The "what to notice" sentence beside the chart (the prose's second paragraph)."""
    prose = next(m.value for m in at.markdown if m.value.startswith("**You see**"))
    return prose.split("**Notice**")[1].split("**Try**")[0].strip(" :*\n")


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize(("w2", "length"), [(0.5, 10), (0.9, 40), (1.5, 20), (2.0, 100), (-0.5, 30)])
def test_the_pieces_chart_says_how_much_the_last_steps_add(w2, length, activation):
    at = lab("pieces", w2=w2, length=length, activation=activation)
    alt = chart_alt(at)
    assert f"each of the {length} steps' pieces of dL/dw2 at w2 = {w2:g} with {activation}" in alt
    pieces = an.log10_w2_gradient(np.ones(length), W1, w2, 0.0, W3, 0.0, target=1.0, activation=activation)
    finite = np.isfinite(pieces.log10_steps)
    sizes = np.where(finite, 10.0 ** (pieces.log10_steps - pieces.log10_steps[finite].max()), 0.0)
    k = max(1, round(length * 0.1))
    share = f"{100 * sizes[-k:].sum() / sizes.sum():.0f}%"
    assert f"add{'s' if k == 1 else ''} {share} of the pieces' total size" in alt, alt
    assert prose_notice(at, "pieces") in alt, "the same sentence as beside the chart"


@pytest.mark.parametrize(("w2", "length"), [(-0.5, 10), (1.2, 30), (2.0, 50), (0.8, 75)])
def test_the_training_step_chart_says_the_gradients_norm_and_both_steps(w2, length):
    at = lab("step", w2=w2, length=length)
    alt = chart_alt(at)
    norm = engine_numbers(w2, length, "relu")["log10 |g|"]
    assert f"at T = {length}" in alt and f"diamond at w2 = {w2:g}" in alt
    assert f"the gradient's norm is {from_log10(norm)}" in alt, alt
    plain = math.log10(0.05) + norm  # the page's default learning rate
    assert from_log10(plain) in alt or "thrown off the chart" in alt, alt
    assert prose_notice(at, "step") in alt


@pytest.mark.parametrize(("w2", "length", "bias"), [(0.5, 30, 4.0), (0.9, 60, 0.0), (0.7, 100, 8.0)])
def test_the_gates_chart_says_what_the_oldest_input_keeps(w2, length, bias):
    at = lab("gates", w2=w2, length=length, gate_bias=bias)
    alt = chart_alt(at)
    logs = an.log10_input_gradients(np.ones(length), W1, w2, 0.0, W3, "relu")
    assert f"each of {length} inputs' gradient" in alt
    assert f"the oldest input keeps {from_log10(float(logs[0] - logs[-1]))} in the vanilla RNN" in alt, alt
    assert prose_notice(at, "gates") in alt


@pytest.mark.parametrize("start", [4.5, 5.5, 7.0])
def test_the_cliff_chart_says_how_far_the_plain_path_is_thrown(start):
    at = lab("cliff", cliff_start=start)
    alt = chart_alt(at)
    assert f"from w = {start:g}, b = −2" in alt
    path = an.cliff_descent((start, -2.0), 0.5, model.CLIFF_STEPS)  # the page's default learning rate
    jumps = np.hypot(*np.diff(np.asarray(getattr(path, "rows", path))[:, :2], axis=0).T)
    assert significant(float(np.nanmax(jumps))) in alt, alt
    assert prose_notice(at, "cliff") in alt


@pytest.mark.parametrize("view", ["inputs", "heatmap"])
def test_a_chart_that_follows_the_hand_keeps_one_alt_and_its_read_out_labels_itself(view):
    """Its alt text is written into its spec by Streamlit: it stays while w2 moves (else every release
    of the in-chart slider would redraw it); the read-out it draws, which says the numbers under the
    hand, is also its label for a screen reader."""
    alts = set()
    for w2, length in [(0.5, 10), (2.0, 30)]:
        at = lab(view, w2=w2, length=length)
        alts.add(chart_alt(at))
        spec = vega_charts(at)[0].proto.spec
        assert '"description": {"field": "label"' in spec or '"description":{"field":"label"' in spec
    assert alts == {text.INPUTS_ALT.text if view == "inputs" else text.HEATMAP_ALT.text}


def test_the_lesson_shows_the_labs_alt_texts_with_its_own_numbers():
    """A lesson step that shows a lab view carries the same kind of text alternative, with the
    step's own numbers, and says nothing its question hides."""
    found = 0
    for n in range(1, len(STEPS) + 1):
        at = at_step(n)
        for chart in vega_charts(at):
            assert chart.proto.alt, f"step {n}: a chart without a text alternative"
            found += 1
    assert found >= 1


def diagram_label(at) -> str:
    found = [m.value for m in at.markdown if 'class="sl-diagram"' in m.value]
    assert len(found) == 1
    return unescape(re.search(r'<svg[^>]* aria-label="([^"]*)"', found[0]).group(1))


@pytest.mark.parametrize("seed", [0, 1])
def test_the_bptt_steps_diagram_names_each_days_piece_of_dl_dw2_from_the_engine(seed):
    """Lesson step 6 draws each day's piece of dL/dw2 on the diagram; its text alternative reads
    them too (worked out here from rnn_core), and keeps their sum, which the question asks, a "?"."""
    n = next(i for i, s in enumerate(STEPS, 1) if s.key == "bptt")
    state = STEPS[n - 1].start(seed)
    at = at_step(n)
    for _ in range(seed):  # "Try other numbers": the step's next starting numbers
        at.button(key="ls_other").click().run()
    model = rc.statquest_rnn()
    model.params["w2"] = state["weights"]["w2"]
    ys = [[float(encode(state["target"]))]]
    _, grads = model.loss_and_grads(encode(list(state["days"]))[None], ys, loss="ssr")
    pieces = np.asarray(grads.per_step["w2"]).reshape(-1)
    label = diagram_label(at)
    written = ", ".join(f"day {t + 1} {number(float(p), 4)}" for t, p in enumerate(pieces))
    assert f"Each day's piece of dL/dw2: {written}; dL/dw2 = ?." in label, label
