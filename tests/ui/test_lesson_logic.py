"""The guided lesson's challenges, checked both ways against answers the test computes from rnn_core.

For every step: the right answer for the step's state is accepted, a wrong one gets the
step's hint, and another starting state has another accepted answer.
"""

from __future__ import annotations

import numpy as np
import pytest

import rnn_core as rc
from rnn_core.data import decode, encode
from ui.lesson import steps as lesson
from ui.lesson.challenges import Predict
from ui.lesson.step import Step

SEEDS = (0, 1, 2)


def step(title: str) -> Step:
    return next(s for s in lesson.STEPS if s.title == title)


def model_with(**weights) -> rc.VanillaRNN:
    model = rc.statquest_rnn()
    for name, value in weights.items():
        model.params[name] = value
    return model


def assert_predict_both_ways(challenge: Predict, state, expected: float) -> None:
    assert challenge.check(state, expected).passed
    assert challenge.check(state, str(expected)).passed  # what a text box sends
    wrong = expected + 7.31  # no listed mistake's answer: the hint points to the view
    assert challenge.mistake_made(state, wrong) is None
    verdict = challenge.check(state, wrong)
    assert not verdict.passed and verdict.message.text == challenge.hint


@pytest.mark.parametrize("n", [n for n, s in enumerate(lesson.STEPS, 1) if isinstance(s.challenge, Predict)])
def test_each_listed_mistake_gets_its_own_hint_in_every_variant(n):
    challenge = lesson.STEPS[n - 1].challenge
    assert challenge.mistakes, "a prediction lists its common mistakes"
    hints = set()
    for seed in SEEDS:
        state = lesson.STEPS[n - 1].start(seed)
        for mistake in challenge.mistakes:
            wrong = mistake.answer(state)
            if abs(wrong - challenge.answer(state)) <= challenge.room(state):
                continue  # in this variant the mistake changes nothing: it cannot be told from the answer
            verdict = challenge.check(state, wrong)
            assert not verdict.passed
            made = challenge.mistake_made(state, wrong)
            assert verdict.message.text == made.hint and made.hint != challenge.hint, (n, seed, mistake.name)
            hints.add(mistake.name)
    assert hints == {m.name for m in challenge.mistakes}, "every mistake shows up in some variant"


def test_the_lesson_has_the_videos_ten_steps_in_order_each_within_80_words():
    assert [s.title for s in lesson.STEPS] == [
        "Prices become numbers",
        "One unit and a loop",
        "Unrolling",
        "The four rules",
        "Weight sharing",
        "Backpropagation through time",
        "Exploding gradients",
        "Vanishing gradients",
        "The trade-off",
        "The remedies",
    ]
    for s in lesson.STEPS:
        for seed in SEEDS:
            assert lesson.words_of(s, s.start(seed)) <= 80, s.title
    assert lesson.VIDEO_TITLE == "Recurrent Neural Networks (RNNs), Clearly Explained!!!"


# Each predict step's answer, computed here from the engine for the step's state.
ENGINE_ANSWERS = {
    "Prices become numbers": lambda state: float(encode(state["day"])),
    "One unit and a loop": lambda state: float(
        rc.statquest_rnn(**state["weights"]).forward([[float(encode(state["day"]))]]).hidden[0, 0, 0]
    ),
    "Unrolling": lambda state: float(
        rc.statquest_rnn(**state["weights"]).predict(encode(list(state["days"]))[None])[0, 0]
    ),
}


@pytest.mark.parametrize("title", ENGINE_ANSWERS)
def test_predict_steps_accept_the_engines_number_for_each_starting_state(title):
    s = step(title)
    answers = set()
    for seed in SEEDS:
        state = s.start(seed)
        expected = ENGINE_ANSWERS[title](state)
        assert_predict_both_ways(s.challenge, state, expected)
        answers.add(round(expected, 9))
    assert len(answers) > 1, "another starting state has another answer"


def test_the_unrolled_prediction_follows_the_learners_weights():
    s = step("Unrolling")
    state = {**s.start(0), "weights": {**rc.STATQUEST_WEIGHTS, "w3": 2.0}}
    expected = float(model_with(w3=2.0).predict(encode(list(state["days"]))[None])[0, 0])
    assert_predict_both_ways(s.challenge, state, expected)


def four_rules_right(model) -> bool:
    xs, ys = rc.data.four_rules()
    return [decode(v) for v in model.predict(xs)[:, 0]] == [decode(v) for v in ys[:, 0]]


def test_the_four_rules_goal_is_met_exactly_where_the_engine_gets_all_four_right():
    s = step("The four rules")
    grid = np.round(np.linspace(-1.5, 1.5, 301), 3)
    accepted_sets = []
    for seed in (0, 1, 2, 3):
        state = s.start(seed)
        assert not s.challenge.check(state).passed, "the step starts with w2 moved"
        w1 = state["weights"]["w1"]
        accepted = set()
        for w2 in grid:
            tried = {**state, "weights": {**state["weights"], "w2": float(w2)}}
            right = four_rules_right(model_with(w1=w1, w2=float(w2)))
            verdict = s.challenge.check(tried)
            assert verdict.passed == right, (seed, w2)
            if right:
                accepted.add(float(w2))
            else:
                assert verdict.message.text == s.challenge.hint
        assert accepted
        accepted_sets.append(frozenset(accepted))
        # Changing another weight does not count, even if the rules come out right.
        moved = {**state, "weights": {**state["weights"], "w2": min(accepted), "b2": 0.01}}
        assert not s.challenge.check(moved).passed
    assert len(set(accepted_sets)) > 1, "another starting w1 accepts another range of w2"


def test_weight_sharing_accepts_the_engines_parameter_count_for_any_number_of_days():
    s = step("Weight sharing")
    for seed in SEEDS:
        state = s.start(seed)
        model = rc.statquest_rnn()
        model.predict(np.zeros((1, state["n_days"])))
        texts = s.challenge.texts(state)
        right = [i for i, text in enumerate(texts) if text == str(model.n_params)]
        assert len(right) == 1
        for i in range(len(texts)):
            verdict = s.challenge.check(state, i)
            assert verdict.passed == (i in right) and verdict.message.text
    assert not s.challenge.check(state, 7).passed


def test_bptt_accepts_the_sum_of_the_engines_per_day_pieces():
    s = step("Backpropagation through time")
    answers = set()
    for seed in SEEDS:
        state = s.start(seed)
        model = model_with(w2=state["weights"]["w2"])
        xs = encode(list(state["days"]))[None]
        _, grads = model.loss_and_grads(xs, [[float(encode(state["target"]))]], loss="ssr")
        expected = float(grads.per_step["w2"].sum())
        assert_predict_both_ways(s.challenge, state, expected)
        answers.add(round(expected, 9))
    assert len(answers) > 1


def first_input_gradient(w2: float, length: int, activation: str = "relu") -> float:
    """|d y_T / d x_1| on the lab's network (StatLand weights, this w2) over high days, by BPTT."""
    model = rc.VanillaRNN(1, activation=activation, seed=0)
    for name, value in {**rc.STATQUEST_WEIGHTS, "w2": w2}.items():
        model.params[name] = value
    return float(abs(model.input_gradients(np.ones((1, length)))[0, 0]))


def test_the_exploding_goal_is_met_exactly_when_bptt_gives_the_first_day_over_a_million_within_20_days():
    s = step("Exploding gradients")
    for seed in SEEDS:
        assert not s.challenge.check(s.start(seed)).passed
    for w2, length in ((2.0, 20), (2.0, 19), (3.0, 12), (1.5, 20), (2.0, 25), (0.5, 20)):
        state = {"w2": w2, "length": length}
        expected = length <= 20 and first_input_gradient(w2, length) > 1e6
        verdict = s.challenge.check(state)
        assert verdict.passed == expected, (w2, length)
        assert (verdict.message.text == s.challenge.hint) != expected


def first_input_gradient_of_w2_alone(w2: float, length: int) -> float:
    """d y_T / d x_1 by BPTT on an identity unit with w1 = w3 = 1: w2 multiplied in once per later day."""
    model = rc.VanillaRNN(1, activation="identity", seed=0)
    model.params["w1"], model.params["w2"], model.params["w3"] = 1.0, w2, 1.0
    return float(model.input_gradients(np.ones((1, length)))[0, 0])


def test_vanishing_accepts_the_factor_bptt_gives_the_first_day_with_w2_alone():
    s = step("Vanishing gradients")
    answers = set()
    for seed in SEEDS:
        state = s.start(seed)
        expected = first_input_gradient_of_w2_alone(state["w2"], state["length"])
        assert s.challenge.check(state, expected).passed
        assert not s.challenge.check(state, expected * 2).passed
        assert not s.challenge.check(state, 0.5).passed
        answers.add(expected)
    assert len(answers) > 1


def test_the_trade_off_accepts_what_bptt_does_to_the_first_of_100_days():
    s = step("The trade-off")
    verdicts = set()
    for seed in SEEDS:
        state = s.start(seed)
        # BPTT through the lesson's ReLU network on the lab's high days: the first input's pull over the newest's
        grads = np.abs(rc.statquest_rnn(w2=state["w2"]).input_gradients(np.ones((1, state["length"])))[0])
        assert grads[-1] > 0, "the newest day counts, so a share of it is defined"
        share = grads[0] / grads[-1]
        expected = (
            "It is exactly 0"
            if share == 0
            else "It fades towards 0"
            if share < 0.1
            else "It explodes"
            if share > 10
            else None
        )
        texts = s.challenge.texts(state)
        for i, text in enumerate(texts):
            assert s.challenge.check(state, i).passed == (text == expected), (state, text)
        verdicts.add(expected)
    assert verdicts == {"It is exactly 0", "It fades towards 0", "It explodes"}


def test_the_trade_offs_wrong_options_name_the_belief_they_show_where_they_show_one():
    s = step("The trade-off")
    for seed in SEEDS:
        state = s.start(seed)
        named = {o.text: o.misconception(state) for o in s.challenge.options}
        grads = np.abs(rc.statquest_rnn(w2=state["w2"]).input_gradients(np.ones((1, state["length"])))[0])
        fades = 0 < grads[0] / grads[-1] < 0.1
        # The newest day's pull is |w1·w3| whatever w2 is: saying it fades too is M3 where the first fades.
        assert grads[-1] == pytest.approx(abs(rc.STATQUEST_WEIGHTS["w1"] * rc.STATQUEST_WEIGHTS["w3"]))
        assert named["It fades, and so does the newest's"] == ("M3" if fades else "")
        # "It explodes" for |w2| > 1 that does not explode is M4.
        explodes = grads[0] / grads[-1] > 10
        assert named["It explodes"] == ("M4" if abs(state["w2"]) > 1 and not explodes else "")


def test_the_remedies_accept_the_network_whose_bptt_keeps_the_first_day_counting():
    s = step("The remedies")
    for seed in (0, 1):
        state = s.start(seed)
        days = np.ones((1, state["length"]))
        gru = rc.GRU(4, seed=0)
        bias = gru.params["b_x"].copy()
        bias[4:8] = lesson.GRU_UPDATE_BIAS
        gru.params["b_x"] = bias

        def share(model, days=days):
            grads = np.abs(model.input_gradients(days)[0])
            return grads[0] / grads[-1]

        lesson_rnn = rc.VanillaRNN(1, activation="identity", seed=0)
        steady = rc.VanillaRNN(1, activation="identity", seed=0)
        for model, w2 in ((lesson_rnn, -0.5), (steady, 0.9)):
            for name, value in {**rc.STATQUEST_WEIGHTS, "w2": w2}.items():
                model.params[name] = value
        shares = {"A GRU": share(gru), "Clipping the gradient": share(lesson_rnn), "w2 = 0.9": share(steady)}
        best = max(shares, key=shares.get)
        if best == "A GRU":
            best += "; it still fades" if shares["A GRU"] < 0.1 else "; it no longer fades"
        for i, text in enumerate(s.challenge.texts(state)):
            assert s.challenge.check(state, i).passed == (text == best), text


def test_predictions_refuse_what_is_not_a_number():
    challenge = step("Prices become numbers").challenge
    state = step("Prices become numbers").start(0)
    for bad in ("", "half", None, "nan", "inf"):
        verdict = challenge.check(state, bad)
        assert not verdict.passed and "number" in verdict.message.text


@pytest.mark.parametrize(
    ("raw", "expected", "noted"),
    [
        ("1", 1, False),
        ("7", 7, False),
        ("10", 10, False),
        ("0", 1, True),
        ("11", 1, True),
        ("two", 1, True),
        (None, 1, True),
    ],
)
def test_a_links_step_number_is_checked(raw, expected, noted):
    number, note = lesson.step_number(raw)
    assert number == expected and (note is not None) == noted


# -- how sure: the first answers ----------------------------------------------------------------------------
def test_first_answers_survive_the_link_and_junk_is_ignored():
    from ui.lesson import calibration as cal

    answers = {1: cal.FirstAnswer(True, True), 3: cal.FirstAnswer(False, False), 8: cal.FirstAnswer(True, False)}
    assert cal.link_value(answers) == "1sr.3uw.8sw"
    assert cal.parse(cal.link_value(answers), 10) == answers
    assert cal.parse("11sr.0sr.2xr.3s.4srr.x", 10) == {}


def test_the_calibration_sentence_counts_sure_and_not_sure_apart():
    from ui.lesson import calibration as cal

    answers = {1: cal.FirstAnswer(True, True), 2: cal.FirstAnswer(True, False), 3: cal.FirstAnswer(False, True)}
    assert (
        cal.summary(answers)
        == "On your first answers: when sure, right 1 of 2 times; when not sure, right 1 of 1 time."
    )
    assert cal.summary({}) is None
    assert cal.summary({6: cal.FirstAnswer(False, False)}) == "On your first answers: when not sure, right 0 of 1 time."
