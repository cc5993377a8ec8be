"""The Gradient lab's sentences and derived facts (ui.lab_text), checked against the engine."""

import math

import numpy as np
import pytest

import rnn_core as rc
from rnn_core import analysis as an
from ui import lab_text as text
from ui import lab_views as views


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


def test_notices_follow_the_numbers():
    logs = views.facts(-0.5, 10, "relu").logs
    assert text.each_input_notice(logs, -0.5, "relu") == (
        "The oldest input counts 0.003867, the newest 1.98: each step back multiplies by |w2| = 0.5."
    )
    off = np.array([-np.inf, -np.inf, 0.3])
    assert "2 of 3 inputs count exactly 0" in text.each_input_notice(off, -3, "relu")
    assert "beyond |w2| = 4" in text.heatmap_notice("sigmoid", 4.0)
    assert "|w2| < 1" in text.heatmap_notice("relu", 1.0)
    assert "thrown off" in text.step_notice(5.0, -1.3, 2.0)
    assert "changes nothing" in text.step_notice(-1.4, -1.4, -0.5)


def test_the_share_of_the_last_steps():
    assert text.share_of_last_steps(np.array([-np.inf, -10.0, 0.0])) == pytest.approx(1.0, abs=1e-9)
    assert text.share_of_last_steps(np.full(10, -np.inf)) == 0.0
    assert "earliest steps dominate" in text.pieces_notice(np.array([-np.inf, 5.0, 3.0, 0.0]))


def test_overlapping_gated_lines_are_named():
    same = np.linspace(0, -1, 5)
    assert "lie on top of each other" in text.gates_notice(same, {"LSTM": same, "GRU": same + 0.01})
    assert "lie on top" not in text.gates_notice(same, {"LSTM": same, "GRU": same - 2})


def test_every_activation_has_a_note():
    assert set(text.ACTIVATION_NOTES) == set(rc.ACTIVATIONS) == set(text.LATEX_ACTIVATION)


def test_log_domain_is_at_least_four_decades():
    assert views.log_domain(np.array([601.7, 602.1])) == (600.0, 604.0)
    assert views.log_domain(np.array([-np.inf])) == (-2.0, 2.0)


def test_short_magnitudes_for_metrics():
    assert text.short_magnitude(604.2) == "≈ 10⁶⁰⁴"
    assert text.short_magnitude(math.log10(0.05)) == "0.05"


def test_the_plugged_in_closed_form_breaks_only_between_two_powers_of_ten():
    # The text column is narrow: "× 3.36 × 10^{-435} = 1.29 × 10^{-480}" is two lines, "× 1 = 0.003867" one.
    _, short, _ = text.first_input_formula(1.8, -0.5, 1.1, 10, 0.0)
    _, long, value = text.first_input_formula(1.8, -0.9, 1.1, 1000, -435.0)
    assert short.count(r"\\") == 1 and short.endswith(r"\times 1 = 0.003867")
    assert long.count(r"\\") == 2 and long.split(r"\\")[-1].strip() == f"= {text.latex_number(value)}"
