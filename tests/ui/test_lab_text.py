"""The Gradient lab's sentences and derived facts (ui.lab.text), checked against the engine."""

import math

import numpy as np
import pytest

import rnn_core as rc
from rnn_core import analysis as an
from ui import claims
from ui.claims import lab as claims_lab
from ui.lab import model, specs, text


def test_word_count_counts_words_not_markup_or_latex():
    assert text.word_count("**You see** a line; $\\frac{a}{b}$ is one word.") == 8
    assert text.word_count("w2 = 2, then T = 1000.") == 5


@pytest.mark.parametrize(
    ("log10_value", "shown"),
    [
        (math.log10(0.003867), "0.003867"),
        (math.log10(475520), "475{,}520"),
        (-math.inf, "0"),
        (476.7, "5.01 \\times 10^{476}"),
    ],
)
def test_latex_numbers(log10_value, shown):
    assert text.latex_number(log10_value) == shown


@pytest.mark.parametrize(
    ("w2", "length", "activation"), [(-0.5, 10, "relu"), (2.0, 30, "tanh"), (3.0, 1000, "sigmoid")]
)
def test_the_first_input_formula_has_every_factor_and_the_engines_value(w2, length, activation):
    xs = np.ones(length)
    trace = an.scaled_forward(xs, 1.8, w2, 0.0, activation)
    symbolic, plugged, value = text.first_input_formula(1.8, w2, 1.1, length, float(np.sum(trace.log10_slope)))
    assert all(part in symbolic for part in ("|w_3|", "|w_1|", "|w_2|^{T-1}", "s_k"))
    assert plugged.startswith(f"= 1.1 \\times 1.8 \\times |{{{w2:g}}}|^{{{length - 1}}}")
    engine = an.log10_input_gradients(xs, 1.8, w2, 0.0, 1.1, activation)[0]
    assert value == pytest.approx(engine, abs=1e-9)
    if length <= 30:  # small enough for the float model
        model = rc.VanillaRNN(1, activation=activation, seed=0)
        for name, v in {**rc.STATQUEST_WEIGHTS, "w2": w2}.items():
            model.params[name] = v
        assert value == pytest.approx(np.log10(abs(model.input_gradients(xs[None])[0, 0])), abs=1e-9)


def test_the_lessons_first_input_is_1_1_times_1_8_times_half_to_the_ninth():
    _, plugged, value = text.first_input_formula(1.8, -0.5, 1.1, 10, 0.0)
    assert 10**value == pytest.approx(1.1 * 1.8 * 0.5**9)
    assert plugged.endswith("= 0.003867")


def test_w2_zero_over_one_step_is_w2_to_the_zero():
    assert text.first_input_formula(1.8, 0.0, 1.1, 1, 0.0)[2] == pytest.approx(math.log10(1.98))
    assert text.first_input_formula(1.8, 0.0, 1.1, 5, 0.0)[2] == -math.inf


def _step_notice(w2, length, activation="relu", lr=0.05, threshold=1.0):
    _, ends = specs.rnn_descent_paths(length, w2, activation, lr, threshold)
    plain, clipped = ends["plain gradient descent"], ends["clipped by norm"]
    leaves = (model.first_step_leaves(plain), model.first_step_leaves(clipped))
    log_norm = model.first_step(plain, lr, None)[0]
    return text.step_notice(w2, length, activation, lr, threshold, log_norm, leaves, model.W2_RANGE)


def _true(sentence):
    assert not claims.unbacked_words(sentence) and not claims.false_claims(sentence), sentence
    return sentence.text


def test_notices_follow_the_numbers():
    logs = model.facts(-0.5, 10, "relu").logs
    assert _true(text.each_input_notice(logs, -0.5, "relu")) == (
        "The oldest input counts 0.003867, the newest 1.98: each step back multiplies by |w2| = 0.5."
    )
    # w2 = -2 switches the ReLU off on day 2: days 1 and 2 pass nothing back to y_3.
    off = model.facts(-2.0, 3, "relu").logs
    assert _true(text.each_input_notice(off, -2.0, "relu")).startswith("2 of 3 inputs count exactly 0")
    cut = model.facts(0.0, 5, "tanh").logs
    assert _true(text.each_input_notice(cut, 0.0, "tanh")).startswith("w2 = 0 cuts the chain")
    assert "thrown off the chart" in _true(_step_notice(2.0, 50))
    assert "clipping changes nothing" in _true(_step_notice(-0.5, 10))


def test_the_heatmap_notice_names_the_columns_that_explode_fade_or_are_exactly_zero():
    relu = text.heatmap_notice("relu", 50, model.heatmap_w2s("relu"), model.heatmap_shares("relu", 50))
    assert _true(relu) == (
        "At T = 50: explodes for w2 ≥ 1.1, stays within 10× at w2 = 1, exactly 0 at w2 ≤ −1 (ReLU off) and at "
        "w2 = 0, and fades elsewhere."
    )
    tanh = text.heatmap_notice("tanh", 100, model.heatmap_w2s("tanh"), model.heatmap_shares("tanh", 100))
    assert "Nowhere here does it explode" in _true(tanh)


def test_w2_ranges_read_as_a_learner_says_them():
    grid = np.round(np.arange(-3, 3.01, 0.1), 6)
    assert text.w2_range_text(grid[grid >= 1.1 - 1e-9], grid) == "w2 ≥ 1.1"
    both = grid[(np.abs(grid) > 0.05) & (np.abs(grid) < 0.95)]
    assert text.w2_range_text(both, grid) == "|w2| from 0.1 to 0.9"
    assert text.w2_range_text(np.array([-3.0, -2.9, 0.0]), grid) == "w2 ≤ −2.9 and w2 = 0"


def test_the_pieces_notice_says_which_steps_make_up_the_gradient():
    fading = model.facts(0.5, 100, "relu").pieces.log10_steps
    assert _true(text.pieces_notice(fading, 0.5, "relu")).startswith("Early steps add next to nothing")
    flat = model.facts(1.0, 100, "relu").pieces.log10_steps  # every step carries the error back whole
    said_flat = _true(text.pieces_notice(flat, 1.0, "relu"))
    assert "next to nothing" not in said_flat and "the first 50 add" in said_flat
    assert claims_lab.piece_shares(np.array([-np.inf, -10.0, 0.0]))[-1] == pytest.approx(1.0, abs=1e-9)
    assert claims_lab.piece_shares(np.full(10, -np.inf)).sum() == 0.0


def test_the_gates_notice_says_whether_the_gates_slowed_the_fade():
    def notice(w2, length, bias=4.0):
        shares = {
            "vanilla RNN": claims_lab.oldest_share(w2, length),
            "LSTM": claims_lab.oldest_share(w2, length, model="lstm", gate_bias=bias),
            "GRU": claims_lab.oldest_share(w2, length, model="gru", gate_bias=bias),
        }
        return _true(text.gates_notice(length, shares, {"w2": w2, "activation": "relu", "gate_bias": bias}))

    assert notice(-0.5, 10).endswith("the gates slow the fade.")  # the lab's defaults make the view's point
    assert "but do not stop it" in notice(0.5, 1000)
    assert "explodes" in notice(2.0, 10)


def test_every_activation_has_a_note():
    assert set(text.ACTIVATION_NOTES) == set(rc.ACTIVATIONS) == set(text.LATEX_ACTIVATION)


def test_log_domain_is_at_least_four_decades():
    assert model.log_domain(np.array([601.7, 602.1])) == (600.0, 604.0)
    assert model.log_domain(np.array([-np.inf])) == (-2.0, 2.0)


def test_short_magnitudes_for_metrics():
    assert text.short_magnitude(604.2) == "≈ 10⁶⁰⁴"
    assert text.short_magnitude(math.log10(0.05)) == "0.05"


def test_the_plugged_in_closed_form_breaks_only_between_two_powers_of_ten():
    # The text column is narrow: "× 3.36 × 10^{-435} = 1.29 × 10^{-480}" is two lines, "× 1 = 0.003867" one.
    _, short, _ = text.first_input_formula(1.8, -0.5, 1.1, 10, 0.0)
    _, long, value = text.first_input_formula(1.8, -0.9, 1.1, 1000, -435.0)
    assert short.count(r"\\") == 1 and short.endswith(r"\times 1 = 0.003867")
    assert long.count(r"\\") == 2 and long.split(r"\\")[-1].strip() == f"= {text.latex_number(value)}"
