"""Every sentence about the state on screen is true for that state: the truth sweep.

For states swept by hypothesis (every activation, w2 over [-3, 3] with the presets and negative
values, T from 1 to 1000, StatLand days and weights, every lesson step's variants and the learner's
changes, every scenario link, training runs), every sentence the app would show is built and
every claim it makes is checked on rnn_core's numbers (``ui.claims``); no claim word may appear
in a sentence that does not declare a claim backing it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from training_support import rules_run

import rnn_core as rc
from rnn_core.data import decode, encode
from ui import claims
from ui.classroom import scenarios
from ui.lab import model, specs
from ui.lab import text as lab_text
from ui.lesson import steps as lesson
from ui.lesson.challenges import Goal, Predict, answer_text, as_said
from ui.statland import view as statland_view
from ui.training import bptt
from ui.training import run as training

SWEEP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_true(sentence: claims.Said, where: str = "") -> None:
    assert isinstance(sentence, claims.Said), f"{where}: built as plain text, with no claims: {sentence!r}"
    unbacked = claims.unbacked_words(sentence)
    assert not unbacked, f"{where}: claim words with no claim behind them {unbacked} in {sentence.text!r}"
    wrong = claims.false_claims(sentence)
    assert not wrong, f"{where}: false claims {[str(c) for c in wrong]} in {sentence.text!r}"


# -- the lab -----------------------------------------------------------------------------------------
PRESETS = [2.0, 1.0, 0.5, -0.5, 0.0, -1.0, -2.0, 3.0, -3.0, 1.01, 0.99, -0.99]
w2s = st.one_of(st.sampled_from(PRESETS), st.integers(-300, 300).map(lambda k: k / 100))
lengths = st.one_of(st.sampled_from([1, 2, 3, 10, 20, 50, 100, 1000]), st.integers(1, 1000))
activations = st.sampled_from(rc.ACTIVATIONS)


@SWEEP
@given(w2=w2s, length=lengths, activation=activations)
def test_the_lab_notices_say_only_true_things(w2, length, activation):
    f = model.facts(w2, length, activation)
    assert_true(lab_text.each_input_notice(f.logs, w2, activation), "each input")
    assert_true(lab_text.pieces_notice(f.pieces.log10_steps, w2, activation), "pieces")


@SWEEP
@given(
    w2=w2s,
    length=lengths,
    activation=activations,
    lr=st.sampled_from(model.LR_CHOICES),
    threshold=st.sampled_from(model.CLIP_CHOICES),
)
def test_the_training_step_notice_says_only_true_things(w2, length, activation, lr, threshold):
    _, ends = specs.rnn_descent_paths(length, w2, activation, lr, threshold)
    plain, clipped = ends["plain gradient descent"], ends["clipped by norm"]
    log_norm, _ = model.first_step(plain, lr, None)
    leaves = (model.first_step_leaves(plain), model.first_step_leaves(clipped))
    notice = lab_text.step_notice(w2, length, activation, lr, threshold, log_norm, leaves, model.W2_RANGE)
    assert_true(notice, "training step")


@SWEEP
@given(
    w2=w2s,
    length=st.one_of(st.sampled_from([1, 2, 10, 100, 1000]), st.integers(1, 300)),
    activation=activations,
    gate_bias=st.integers(0, 16).map(lambda k: k / 2),
)
def test_the_gates_notice_says_only_true_things(w2, length, activation, gate_bias):
    logs = {
        "vanilla RNN": model.facts(w2, length, activation).logs,
        **{kind.upper(): model.gated_input_gradients(length, kind, gate_bias) for kind in ("lstm", "gru")},
    }
    shares = {name: (-math.inf if v[0] == -math.inf else float(v[0] - v[-1])) for name, v in logs.items()}
    notice = lab_text.gates_notice(length, shares, {"w2": w2, "activation": activation, "gate_bias": gate_bias})
    assert_true(notice, "gates")


@pytest.mark.parametrize("activation", rc.ACTIVATIONS)
@pytest.mark.parametrize("longest", model.LENGTH_BINS)
def test_the_heatmap_notice_describes_every_column_truly(activation, longest):
    w2s_ = model.heatmap_w2s(activation)
    notice = lab_text.heatmap_notice(activation, longest, w2s_, model.heatmap_shares(activation, longest))
    assert_true(notice, f"heatmap {activation} T {longest}")
    # Every column is spoken of: one claim each about how its oldest input fares.
    described = {dict(c.about)["w2"] for c in notice.claims if c.kind in ("explodes", "fades", "zero", "steady")}
    assert described == {float(w) for w in w2s_}


@SWEEP
@given(
    start=st.integers(12, 32).map(lambda k: k / 4),
    lr=st.sampled_from([0.1, 0.25, 0.5, 1.0, 2.0]),
    threshold=st.sampled_from([0.1, 0.25, 0.5, 1.0, 2.0]),
)
def test_the_cliff_notice_says_only_true_things(start, lr, threshold):
    found = model.cliff_facts(model.cliff_runs(lr, threshold, (start, -2.0)))
    notice = lab_text.cliff_notice(
        start, lr, threshold, model.CLIFF_STEPS, found["longest_jump"], found["longest_step"], found["leaves"]
    )
    assert_true(notice, "cliff")


# -- StatLand ----------------------------------------------------------------------------------------
weights_values = st.one_of(
    st.sampled_from([0.0, -0.5, 0.5, 1.8, -1.8, 1.1, 1.0, -1.0, 50.0, -50.0]),
    st.integers(-5000, 5000).map(lambda k: k / 100),
)
weights_sets = st.fixed_dictionaries({name: weights_values for name in rc.STATQUEST_WEIGHTS})
day_lists = st.lists(st.sampled_from(["low", "medium", "high"]), min_size=1, max_size=10)


@settings(max_examples=150, deadline=None)
@given(days=day_lists, weights=weights_sets, w2_locked=st.booleans(), days_locked=st.booleans())
def test_the_statland_sentences_say_only_true_things(days, weights, w2_locked, days_locked):
    model = rc.statquest_rnn(**weights)
    trace = model.forward(encode(days)[None, :])
    word = decode(float(trace.y[0, 0]))
    assert_true(statland_view.notice_sentence(days, weights, trace, word), "notice")
    assert_true(statland_view.days_and_parameters(days, model), "parameters")
    if len(days) >= 2:
        assert_true(statland_view.guide(days, weights, w2_locked, days_locked), "guide")
    matches = int((statland_view.rules_table(model)["match"] == "✓").sum())
    assert_true(statland_view.rules_verdict(weights, matches), "rules")


def test_the_statland_why_is_worked_out_on_the_engines_numbers():
    assert_true(statland_view.why(), "why")


# -- the lesson --------------------------------------------------------------------------------------
SEEDS = range(6)  # "Try other numbers" cycles through each step's starting variants


def learner_states(n: int, seed: int):
    """The step's starting state, and the states a learner can reach with the step's own controls."""
    start = lesson.STEPS[n - 1].start(seed)
    yield start
    if n == 4:
        for w2 in np.round(np.arange(-1.5, 1.51, 0.05), 2):
            yield {**start, "weights": {**start["weights"], "w2": float(w2)}}
    elif n == 5:
        for days in range(2, 11):
            yield {**start, "n_days": days}
    elif n == 7:
        for w2 in (2.0, -2.0, 1.0, 0.5, 3.0):
            for length in (1, 5, 20, 21, 100):
                yield {**start, "w2": w2, "length": length}


def lesson_sentences(n: int, state) -> list[tuple[str, claims.Said]]:
    """Everything step ``n`` can say in ``state``: its text and prompt, the feedback to a right and to
    a wrong try (every choice, for a choice), and the revealed answer."""
    from ui.lesson.view import reveal

    step = lesson.STEPS[n - 1]
    task = step.challenge
    out = [("text", step.words(state)), ("prompt", as_said(task.prompt(state)))]
    if isinstance(task, Predict):
        answer = task.answer(state)
        out += [("right", task.check(state, answer).message), ("wrong", task.check(state, answer + 7.0).message)]
    elif isinstance(task, Goal):
        out.append(("verdict", task.check(state).message))
    else:
        out += [(f"choice {i}", task.check(state, i).message) for i in range(len(task.options))]
    if not isinstance(task, Goal):
        out.append(("reveal", reveal(task, state)))
    return out


@pytest.mark.parametrize("n", range(1, len(lesson.STEPS) + 1))
def test_every_lesson_step_says_only_true_things_in_every_variant(n):
    for seed in SEEDS:
        for state in learner_states(n, seed):
            for where, sentence in lesson_sentences(n, state):
                assert_true(sentence, f"step {n} seed {seed} {where}")


@pytest.mark.parametrize("n", [n for n, s in enumerate(lesson.STEPS, 1) if isinstance(s.challenge, Predict)])
def test_a_revealed_answer_typed_back_is_accepted(n):
    from ui.lesson.view import reveal

    task = lesson.STEPS[n - 1].challenge
    for seed in SEEDS:
        for state in learner_states(n, seed):
            shown, typed = answer_text(task.answer(state))
            assert reveal(task, state).text.startswith(f"The answer is {shown}.")
            assert task.check(state, float(typed)).passed, (n, seed, shown, typed, task.answer(state))
            # and the tolerance is no wider than the stated one where the shown number is exact
            assert task.room(state) <= max(
                task.tolerance * (abs(task.answer(state)) if task.relative else 1.0),
                abs(float(typed) - task.answer(state)) * 1.000001,
            )


# -- scenarios and training ------------------------------------------------------------------------------
@pytest.mark.parametrize("scenario", scenarios.SCENARIOS, ids=[s.title for s in scenarios.SCENARIOS])
def test_every_scenario_question_is_true_of_what_its_link_opens(scenario):
    assert_true(scenario.ask(), scenario.title)


def _run(model, optimizer="adam", lr=0.03, steps=300):
    run = rules_run(model, optimizer=optimizer, lr=lr, steps=steps)
    run.advance(steps)
    return run


@pytest.mark.parametrize(
    ("make", "optimizer", "lr"),
    [
        (lambda: rc.VanillaRNN(1, activation="relu", seed=4), "adam", 0.03),  # the page's default: converges
        (lambda: rc.VanillaRNN(1, activation="relu", seed=4), "sgd", 3.0),  # the learning rate too large
        (lambda: rc.VanillaRNN(1, activation="relu", seed=1), "adam", 0.3),
        (lambda: rc.statquest_rnn(), "momentum", 0.1),
    ],
)
def test_the_training_sentences_say_only_true_things(make, optimizer, lr):
    run = _run(make(), optimizer, lr)
    if (line := training.status_line(run)) is not None:
        assert_true(line, "status")
    if (losses := run.first_step_losses()) and (note := training.first_step_note(optimizer, *losses, lr)):
        assert_true(note, "first step")
    if run.step and not run.diverged and run.current_loss() > run.initial_loss:
        assert_true(training.loss_rose_warning(run.initial_loss, run.current_loss()), "loss rose")
    if not run.diverged:
        back = bptt.backward_for_next_step(run.trainer)
        assert_true(bptt.one_unit_notice(back), "bptt")
        assert_true(bptt.one_unit_notice(back, step_button=False), "bptt in the lesson")
