"""The misconception inventory and Check yourself: every refuting fact and every question's answer,
worked out here from rnn_core; every belief asked about inside the lesson and in the quiz."""

from __future__ import annotations

import numpy as np
import pytest

import rnn_core as rc
from rnn_core.analysis.gated import memory_gate_model
from rnn_core.data import decode, encode, four_rules
from ui import claims
from ui.lesson import quiz
from ui.lesson import steps as lesson
from ui.lesson.challenges import Choose, Predict
from ui.lesson.misconceptions import BY_CODE, INVENTORY

W = {name: float(value) for name, value in rc.STATQUEST_WEIGHTS.items()}
CODES = [f"M{i}" for i in range(1, 10)]


def reads(days, **changes) -> str:
    return decode(float(rc.statquest_rnn(**{**W, **changes}).predict(encode(list(days))[None])[0, 0]))


def input_grads(w2: float, length: int, activation: str = "relu") -> np.ndarray:
    """|d y_T / d x_t| of the lesson's network (this w2 and activation) on T high days."""
    model = rc.VanillaRNN(1, activation=activation, seed=0)
    for name, value in {**W, "w2": w2}.items():
        model.params[name] = value
    return np.abs(model.input_gradients(np.ones((1, length)))[0])


def gated_share(kind: str, length: int, gate_bias: float) -> float:
    grads = np.abs(memory_gate_model(kind, 4, gate_bias).input_gradients(np.ones((1, length, 1)))[0, :, 0])
    return grads[0] / grads[-1]


def test_the_inventory_holds_m1_to_m9_once_each():
    assert [m.code for m in INVENTORY] == CODES


@pytest.mark.parametrize("code", CODES)
def test_every_refutation_says_only_true_things_about_its_link(code):
    shows = BY_CODE[code].shows()
    assert shows.claims, "the refutation names the facts it shows"
    assert not claims.unbacked_words(shows), claims.unbacked_words(shows)
    assert not claims.false_claims(shows), [str(c) for c in claims.false_claims(shows)]


def test_m1_one_w2_whose_gradient_adds_every_days_piece():
    xs, ys = four_rules()
    start = rc.VanillaRNN(1, activation="relu", seed=4)
    _, grads = start.loss_and_grads(xs, ys, loss="mse")
    pieces = np.asarray(grads.per_step["w2"]).reshape(xs.shape[1], -1).sum(axis=1)
    assert start.n_params == 5 and pieces.sum() == pytest.approx(float(grads["w2"][0, 0]), rel=1e-12)


def test_m2_the_same_weights_read_two_histories_differently():
    model = rc.statquest_rnn()
    before = {n: np.copy(v) for n, v in model.params.items()}
    assert reads(("low", "medium")) != reads(("high", "medium"))
    model.forward(encode(["high", "medium"])[None])
    assert all(np.array_equal(before[n], model.params[n]) for n in before), "reading changes no weight"


def test_m3_at_w2_half_only_the_long_range_pulls_fade():
    grads = input_grads(0.5, 50)
    assert grads[0] / grads[-1] < 1e-10
    assert grads[-1] == pytest.approx(W["w1"] * W["w3"])


def test_m4_w2_minus_2_gives_the_first_day_exactly_nothing():
    assert input_grads(-2.0, 100)[0] == 0.0


def test_m5_gates_slow_the_fade_without_ending_it():
    vanilla = input_grads(0.5, 1000)
    for kind in ("lstm", "gru"):
        share = gated_share(kind, 1000, 4.0)
        assert 0 < share < 0.1 and share > vanilla[0] / vanilla[-1]


def test_m6_clipping_shortens_the_gradient_and_keeps_every_share():
    grads = rc.statquest_rnn(w2=0.5).input_gradients(np.ones((1, 50)))[0]
    clipped, changed = rc.optim.clip_gradient(grads.copy(), "norm", 1.0)
    assert changed and np.linalg.norm(clipped) == pytest.approx(1.0)
    assert np.allclose(clipped / clipped[-1], grads / grads[-1], rtol=1e-12)


def test_m7_ten_days_still_five_parameters():
    model = rc.statquest_rnn()
    model.forward(np.zeros((1, 10)))
    assert model.n_params == 5


def test_m8_the_order_of_the_days_changes_the_prediction():
    assert (reads(("high", "medium")), reads(("medium", "high"))) == ("low", "high")


def test_m9_only_the_last_h_predicts():
    trace = rc.statquest_rnn().forward(encode(["high", "medium"])[None])
    h = trace.hidden[0, :, 0]
    assert float(trace.y[0, 0]) == W["w3"] * h[-1] + W["b2"]
    assert decode(W["w3"] * h[0] + W["b2"]) == "high" != decode(float(trace.y[0, 0]))


# -- each belief is asked about in the lesson and in the quiz --------------------------------------------
def lesson_codes() -> set[str]:
    found = set()
    for step in lesson.STEPS:
        task = step.challenge
        for seed in range(3):
            state = step.start(seed)
            if isinstance(task, Choose):
                found |= {option.misconception(state) for option in task.options}
            if isinstance(task, Predict):
                found |= {mistake.reveals for mistake in task.mistakes}
    return found - {""}


def test_every_belief_has_an_item_in_the_lesson_and_one_in_the_quiz():
    assert lesson_codes() >= set(CODES), set(CODES) - lesson_codes()
    in_quiz = set().union(*(q.misconceptions() for q in quiz.QUESTIONS))
    assert in_quiz >= set(CODES), set(CODES) - in_quiz
    assert 10 <= len(quiz.QUESTIONS) <= 12


# -- the quiz: one right option per question, found here from the engine -----------------------------------
def expected(key: str, s) -> str | None:
    """The right option's text for question ``key`` in state ``s``, worked out from rnn_core."""
    if key == "params":
        model = rc.statquest_rnn()
        model.forward(np.zeros((1, s["n_days"])))
        return str(model.n_params)
    if key == "bptt":
        model = rc.statquest_rnn()
        _, grads = model.loss_and_grads(encode(list(s["days"]))[None], [[0.0]], loss="ssr")
        pieces = np.asarray(grads.per_step["w2"]).reshape(len(s["days"]), -1).sum(axis=1)
        added = pieces.sum() == pytest.approx(float(grads["w2"][0, 0]), rel=1e-12)
        return "One gradient: every day's piece added up" if added and np.any(pieces) else None
    if key == "histories":
        differ = reads((s["a"], s["last"])) != reads((s["b"], s["last"]))
        return "Different levels: h carries day 1 in" if differ else None
    if key == "recent":
        grads = input_grads(s["w2"], s["length"])
        return "It still counts in full" if grads[0] / grads[-1] < 0.1 and grads[-1] > 0.1 else None
    if key == "negative":
        return "...is exactly 0" if input_grads(s["w2"], s["length"])[0] == 0 else None
    if key == "tanh":
        grads = input_grads(s["w2"], s["length"], "tanh")
        return "...fades: tanh saturates" if grads[0] / grads[-1] < 0.1 else None
    if key == "gates":
        share, vanilla = gated_share("lstm", s["length"], s["gate_bias"]), input_grads(s["w2"], s["length"])
        slower = 0 < share < 0.1 and share >= 10 * vanilla[0] / vanilla[-1]
        return "...still fades, more slowly than without gates" if slower else None
    if key == "clipping":
        grads = rc.statquest_rnn(w2=s["w2"]).input_gradients(np.ones((1, s["length"])))[0]
        clipped, changed = rc.optim.clip_gradient(grads.copy(), "norm", 1.0)
        same = changed and np.allclose(clipped / clipped[-1], grads / grads[-1], rtol=1e-12)
        return "...stays the same: every part shrinks alike" if same else None
    if key == "first":
        h1 = rc.statquest_rnn().forward(encode(list(s["days"]))[None]).hidden[0, 0, 0]
        return f"{s['days'][0]}, the oldest" if h1 == max(0.0, W["w1"] * encode(s["days"][0])) else None
    if key == "reversed":
        differ = reads(s["days"]) != reads(tuple(reversed(s["days"])))
        return "Another level: the order matters" if differ else f"The same: {reads(s['days'])}"
    if key == "output":
        trace = rc.statquest_rnn().forward(encode(list(s["days"]))[None])
        last = float(trace.y[0, 0]) == W["w3"] * trace.hidden[0, -1, 0] + W["b2"]
        return "Only the last day's h, through w3 and b2" if last else None
    if key == "memory":
        days, other = list(s["days"]), ["high" if s["days"][0] == "low" else "low", *s["days"][1:]]
        model = rc.statquest_rnn()
        moved = model.forward(encode(days)[None]).hidden[0, 1, 0] != model.forward(encode(other)[None]).hidden[0, 1, 0]
        return "In h1, times w2 in day 2's sum" if moved else None
    raise KeyError(key)


@pytest.mark.parametrize("question", quiz.QUESTIONS, ids=lambda q: q.key)
@pytest.mark.parametrize("which", list(quiz.ROUNDS))
def test_every_question_accepts_the_option_the_engine_supports_and_names_a_belief_for_every_other(question, which):
    state = question.start(quiz.ROUNDS[which])
    right = expected(question.key, state)
    texts = question.choose.texts(state)
    assert right in texts, (right, texts)
    for text, option in zip(texts, question.choose.options, strict=True):
        assert option.correct(state) == (text == right), text
        if text != right:
            assert option.misconception(state) in BY_CODE, f"{text!r} names no belief"
    assert sorted(question.order(quiz.ROUNDS[which])) == list(range(len(texts)))


@pytest.mark.parametrize("question", quiz.QUESTIONS, ids=lambda q: q.key)
def test_after_the_lesson_every_question_comes_with_other_numbers(question):
    assert question.start(quiz.ROUNDS["before"]) != question.start(quiz.ROUNDS["after"])


def test_the_right_option_is_not_always_in_the_same_place():
    places = [
        q.order(seed).index(next(i for i, o in enumerate(q.choose.options) if o.correct(q.start(seed))))
        for q in quiz.QUESTIONS
        for seed in quiz.ROUNDS.values()
    ]
    assert len(set(places)) > 1


def test_answers_survive_the_link_and_junk_is_ignored():
    answers = {"params": 0, "gates": 2, "memory": 1}
    assert quiz.parse(quiz.link_value(answers)) == answers
    assert quiz.parse("9.x.-1") == {}  # out of range, not a number, negative
    assert quiz.parse(None) == {} and quiz.parse("0" * 400) == {"params": 0}


def test_a_result_counts_the_right_answers_and_names_the_beliefs_of_the_wrong_ones():
    seed = quiz.ROUNDS["before"]
    right = {}
    for q in quiz.QUESTIONS:
        right[q.key] = next(i for i, o in enumerate(q.choose.options) if o.correct(q.start(seed)))
    assert quiz.result(right, seed) == quiz.Result(len(quiz.QUESTIONS), len(quiz.QUESTIONS), ())
    wrong_params = {**right, "params": 2}  # "5 × n": every copy its own weights
    assert quiz.result(wrong_params, seed).held == ("M1",)
    assert quiz.result({"params": 1, "first": 1}, seed) == quiz.Result(0, len(quiz.QUESTIONS), ("M7", "M8"))
