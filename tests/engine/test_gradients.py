"""BPTT checked against finite differences, for every model, parameter and input.

Every gradient the engine computes is compared with central differences in float64
(f(p + eps) - f(p - eps)) / (2 eps). Truncated BPTT is checked against an
independent oracle: plain loops written straight from each model's equations, started
from a frozen hidden state, so the earlier steps act as a stop-gradient.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import rnn_core as rc
from rnn_core.losses import loss_and_dy

EPS = 1e-6
TOLERANCE = 1e-6
KINK_MARGIN = 1e-4
SCALE_FLOOR = 1e-3
MODEL_NAMES = ("vanilla-relu", "vanilla-tanh", "vanilla-sigmoid", "vanilla-identity", "lstm", "gru")
RECURRENT = {
    "vanilla": ("w1", "w2", "b1"),
    "lstm": ("w_x", "w_h", "b"),
    "gru": ("w_x", "w_h", "b_x", "b_h"),
}
FAST = settings(max_examples=6, deadline=None)


# -- building cases --------------------------------------------------------------------


def make_model(name: str, n_hidden: int, n_in: int, n_out: int, seed: int) -> rc.RecurrentModel:
    """A model whose parameters are moved away from their initial values (so no symmetry hides a bug)."""
    if name.startswith("vanilla-"):
        model = rc.VanillaRNN(n_hidden, activation=name.split("-")[1], n_in=n_in, n_out=n_out, seed=seed)
    else:
        model = rc.MODEL_KINDS[name](n_hidden=n_hidden, n_in=n_in, n_out=n_out, seed=seed)
    rng = np.random.default_rng(seed + 1000)
    model.flat += rng.normal(0.0, 0.4, model.flat.size)
    return model


def make_data(model: rc.RecurrentModel, batch: int, steps: int, seed: int):
    rng = np.random.default_rng(seed + 2000)
    xs = rng.normal(0.0, 1.0, (batch, steps, model.n_in))
    ys = rng.normal(0.0, 1.0, (batch, model.n_out))
    return xs, ys


def far_from_relu_kink(model: rc.RecurrentModel, xs) -> bool:
    """True unless a ReLU pre-activation lies so close to 0 that a nudge of EPS could cross it."""
    if getattr(model, "activation", None) != "relu":
        return True
    return bool(np.min(np.abs(model.forward(xs).pre_activation)) > KINK_MARGIN)


# -- finite differences ------------------------------------------------------------------


def numeric_gradient(loss_of, array: np.ndarray) -> np.ndarray:
    """Central differences of ``loss_of()`` with respect to every entry of ``array`` (changed in place)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + EPS
        up = loss_of()
        array[index] = original - EPS
        down = loss_of()
        array[index] = original
        grad[index] = (up - down) / (2 * EPS)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = 1e-8) -> float:
    """Largest difference relative to the array's largest magnitude, or to ``floor`` if that is larger.

    Central differences carry rounding noise of about 1e-16 * |loss| / EPS, so an array
    whose gradients are thousands of times smaller than the rest (a saturated tanh, say)
    cannot be measured more finely than that. Callers pass ``floor`` = SCALE_FLOOR times
    the largest gradient anywhere in the check; above it the comparison is purely relative.
    """
    scale = max(np.max(np.abs(analytic), initial=0.0), np.max(np.abs(numeric), initial=0.0), floor)
    return float(np.max(np.abs(analytic - numeric), initial=0.0) / scale)


def assert_all_close_to_finite_differences(pairs: dict[str, tuple[np.ndarray, np.ndarray]], label: str) -> None:
    """Check every (analytic, numeric) pair with one floor taken from the largest gradient of all."""
    largest = max(max(np.max(np.abs(a), initial=0.0), np.max(np.abs(n), initial=0.0)) for a, n in pairs.values())
    floor = max(SCALE_FLOOR * largest, 1e-8)
    for name, (analytic, numeric) in pairs.items():
        assert analytic.shape == numeric.shape, f"{label} {name}: shape {analytic.shape} != {numeric.shape}"
        error = relative_error(analytic, numeric, floor)
        assert error < TOLERANCE, f"{label} {name}: relative error {error:.2e}"


def assert_gradients_match_finite_differences(model, xs, ys, loss: str) -> None:
    value, grads = model.loss_and_grads(xs, ys, loss=loss)

    def loss_of() -> float:
        return loss_and_dy(model.predict(xs), ys, loss)[0]

    assert value == pytest.approx(loss_of(), rel=1e-12)
    pairs = {name: (grads.params[name], numeric_gradient(loss_of, view)) for name, view in model.params.items()}
    pairs["inputs"] = (grads.inputs, numeric_gradient(loss_of, xs))
    assert_all_close_to_finite_differences(pairs, model.kind)


# -- every parameter and every input -------------------------------------------------------


@pytest.mark.parametrize("loss", rc.LOSSES)
@pytest.mark.parametrize("name", MODEL_NAMES)
@FAST
@given(
    batch=st.integers(1, 4),
    steps=st.integers(1, 6),
    n_hidden=st.integers(1, 5),
    n_in=st.integers(1, 3),
    n_out=st.integers(1, 2),
    seed=st.integers(0, 10_000),
)
def test_bptt_matches_finite_differences_for_random_shapes(name, loss, batch, steps, n_hidden, n_in, n_out, seed):
    model = make_model(name, n_hidden, n_in, n_out, seed)
    xs, ys = make_data(model, batch, steps, seed)
    assume(far_from_relu_kink(model, xs))
    assert_gradients_match_finite_differences(model, xs, ys, loss)


@pytest.mark.parametrize(
    ("name", "batch", "steps", "n_hidden", "n_in", "n_out"),
    [
        ("vanilla-relu", 3, 12, 4, 2, 2),  # a longer sequence
        ("vanilla-tanh", 1, 1, 1, 1, 1),  # one step: the recurrent weight never acts
        ("lstm", 1, 1, 1, 1, 1),
        ("lstm", 5, 15, 6, 2, 3),
        ("gru", 1, 1, 1, 1, 1),
        ("gru", 5, 15, 6, 2, 3),
    ],
)
def test_bptt_matches_finite_differences_for_fixed_cases(name, batch, steps, n_hidden, n_in, n_out):
    model = make_model(name, n_hidden, n_in, n_out, seed=7)
    xs, ys = make_data(model, batch, steps, seed=7)
    assert far_from_relu_kink(model, xs)
    for loss in rc.LOSSES:
        assert_gradients_match_finite_differences(model, xs, ys, loss)


def test_statquest_weights_reproduce_the_four_rules():
    from rnn_core.data import decode, four_rules

    model = rc.statquest_rnn()
    assert {name: float(value.ravel()[0]) for name, value in model.params.items()} == rc.STATQUEST_WEIGHTS
    xs, ys = four_rules()
    # (low, low) -> low, (low, medium) -> high, (high, medium) -> low, (high, high) -> high
    np.testing.assert_allclose(model.predict(xs)[:, 0], [0.0, 0.99, 0.0, 0.99], rtol=0, atol=1e-12)
    assert [decode(v) for v in model.predict(xs)[:, 0]] == [decode(v) for v in ys[:, 0]]
    # The trace the StatLand page draws: (high, medium) puts the second sum exactly on the kink.
    trace = model.forward(xs)
    assert trace.pre_activation[2, 1, 0] == 0.0 and trace.hidden[2, 1, 0] == 0.0
    np.testing.assert_allclose(trace.hidden[:, :, 0], [[0, 0], [0, 0.9], [1.8, 0], [1.8, 0.9]], atol=1e-12)
    # The same rules through the loss the training loop runs: no loss at all.
    value, _ = model.loss_and_grads(xs, [0.0, 0.99, 0.0, 0.99])
    assert value == pytest.approx(0.0, abs=1e-24)


def test_statquest_network_gradients_match_finite_differences_away_from_the_kink():
    model = rc.statquest_rnn()
    # With b1 = 0 a low day sits exactly on ReLU's kink, so use days that keep the unit on.
    xs = np.array([[0.5, 0.5], [1.0, 1.0], [0.5, 1.0]])[:, :, None]
    ys = np.array([[0.5], [1.0], [1.0]])
    assert far_from_relu_kink(model, xs)
    assert_gradients_match_finite_differences(model, xs, ys, "ssr")


# -- the unrolled copies: per-step pieces ---------------------------------------------------


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_per_step_contributions_sum_to_the_shared_gradient(name):
    model = make_model(name, 3, 2, 1, seed=3)
    xs, ys = make_data(model, 4, 7, seed=3)
    _, grads = model.loss_and_grads(xs, ys)
    kind = model.kind
    assert set(grads.per_step) == set(RECURRENT[kind])
    for param in RECURRENT[kind]:
        pieces = grads.per_step[param]
        assert pieces.shape == (7, *model.params[param].shape)
        np.testing.assert_allclose(pieces.sum(axis=0), grads.params[param], rtol=1e-12, atol=1e-14)
    silent = [p for p in RECURRENT[kind] if np.all(grads.per_step[p] == 0)]
    assert not silent, f"no gradient reached {silent}"


@pytest.mark.parametrize("kind", ["vanilla", "lstm", "gru"])
def test_one_step_sequence_gives_the_recurrent_weights_no_gradient(kind):
    # h_0 = 0, so on a one-day sequence the recurrent weight multiplies zero and cannot matter.
    name = "vanilla-tanh" if kind == "vanilla" else kind
    model = make_model(name, 3, 1, 1, seed=4)
    xs, ys = make_data(model, 5, 1, seed=4)
    recurrent_weight = "w2" if kind == "vanilla" else "w_h"
    grads = model.loss_and_grads(xs, ys)[1].params
    assert np.all(grads[recurrent_weight] == 0.0)
    input_weight = "w1" if kind == "vanilla" else "w_x"
    assert np.any(grads[input_weight] != 0.0)


# -- truncated BPTT ----------------------------------------------------------------------


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def reference_run(model, xs, state=None):
    """The model's equations as plain loops (an oracle independent of the engine's fused maths).

    ``state`` is (h, c) to start from instead of zeros (c is ignored but for the LSTM).
    Returns the prediction y_T and the final state (h_T, c_T).
    """
    p = {name: np.array(value) for name, value in model.params.items()}
    B, T, _ = xs.shape
    H = model.n_hidden
    h = np.zeros((B, H)) if state is None else state[0]
    c = np.zeros((B, H)) if state is None else state[1]
    for t in range(T):
        x = xs[:, t]
        if model.kind == "vanilla":
            z = x @ p["w1"] + h @ p["w2"] + p["b1"]
            h = {
                "relu": lambda v: np.maximum(v, 0.0),
                "tanh": np.tanh,
                "sigmoid": sigmoid,
                "identity": lambda v: v,
            }[model.activation](z)
        elif model.kind == "lstm":
            a = x @ p["w_x"] + h @ p["w_h"] + p["b"]
            i, f, g, o = (a[:, k * H : (k + 1) * H] for k in range(4))
            c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
            h = sigmoid(o) * np.tanh(c)
        else:
            ax = x @ p["w_x"] + p["b_x"]
            ah = h @ p["w_h"] + p["b_h"]
            r = sigmoid(ax[:, :H] + ah[:, :H])
            z = sigmoid(ax[:, H : 2 * H] + ah[:, H : 2 * H])
            n = np.tanh(ax[:, 2 * H :] + r * ah[:, 2 * H :])
            h = (1 - z) * n + z * h
    return h @ p["w3"] + p["b2"], (h, c)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_engine_forward_matches_the_equations(name):
    model = make_model(name, 4, 2, 2, seed=5)
    xs, _ = make_data(model, 6, 9, seed=5)
    np.testing.assert_allclose(model.predict(xs), reference_run(model, xs)[0], rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("loss", rc.LOSSES)
@pytest.mark.parametrize("name", MODEL_NAMES)
@pytest.mark.parametrize("k", [1, 3])
def test_truncated_bptt_equals_the_gradient_with_earlier_steps_frozen(name, loss, k):
    model = make_model(name, 3, 2, 2, seed=6)
    T = 6
    xs, ys = make_data(model, 3, T, seed=6)
    assert far_from_relu_kink(model, xs)
    _, grads = model.loss_and_grads(xs, ys, loss=loss, truncate=k)
    # The oracle: the state entering the last k steps is computed once and then held fixed,
    # so the loss sees the parameters and inputs only through those last k steps.
    _, frozen = reference_run(model, xs[:, : T - k])
    frozen = tuple(part.copy() for part in frozen)
    late = xs[:, T - k :].copy()

    def loss_of() -> float:
        return loss_and_dy(reference_run(model, late, frozen)[0], ys, loss)[0]

    pairs = {param: (grads.params[param], numeric_gradient(loss_of, view)) for param, view in model.params.items()}
    pairs["inputs"] = (grads.inputs[:, T - k :], numeric_gradient(loss_of, late))
    assert_all_close_to_finite_differences(pairs, f"{name} truncate={k}")
    assert np.all(grads.inputs[:, : T - k] == 0.0), "inputs before the window get no gradient"


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_truncation_keeps_exactly_the_last_steps_contributions(name):
    model = make_model(name, 3, 1, 1, seed=8)
    xs, ys = make_data(model, 4, 8, seed=8)
    full = model.loss_and_grads(xs, ys)[1]
    for k in (0, 1, 4, 8, 20):
        truncated = model.loss_and_grads(xs, ys, truncate=k)[1]
        for param in RECURRENT[model.kind]:
            expected = full.per_step[param][max(0, 8 - k) :].sum(axis=0)
            np.testing.assert_allclose(truncated.params[param], expected, rtol=1e-12, atol=1e-14)
        for param in ("w3", "b2"):  # the read-out sits after the recurrence: truncation never touches it
            np.testing.assert_array_equal(truncated.params[param], full.params[param])
        if k >= 8:
            np.testing.assert_array_equal(truncated.flat, full.flat)
            np.testing.assert_array_equal(truncated.inputs, full.inputs)


# -- one kernel, two forms: plain floats for the lesson's size, arrays above it -------------


def test_statquest_weights_on_the_relu_kink_give_the_same_gradient_in_both_forms():
    model = rc.statquest_rnn()
    xs = np.array([[[1.0], [0.5]], [[0.0], [0.5]]])  # (high, medium) lands exactly on the kink
    ys = np.array([[0.0], [1.0]])
    small = model.loss_and_grads(xs, ys)[1]  # 2 sequences: plain floats
    many = np.tile(xs, (40, 1, 1))  # 80 sequences: arrays; the same pairs repeated
    large = model.loss_and_grads(many, np.tile(ys, (40, 1)))[1]
    np.testing.assert_allclose(large.flat, small.flat, rtol=1e-12, atol=0)


# -- the ReLU kink convention -----------------------------------------------------------


def test_relu_slope_at_exactly_zero_is_taken_as_zero_like_pytorch():
    model = rc.statquest_rnn()
    xs = [[1.0, 0.5]]  # (high, medium): 0.5 * 1.8 + 1.8 * -0.5 + 0 is exactly 0
    trace = model.forward(xs)
    assert trace.pre_activation[0, 1, 0] == 0.0
    assert model.predict(xs)[0, 0] == 0.0
    np.testing.assert_array_equal(model.input_gradients(xs), [[0.0, 0.0]])
    grads = model.backward(trace, np.ones((1, 1)))
    assert grads.params["w1"][0, 0] == 0.0 and grads.params["w2"][0, 0] == 0.0


def test_relu_kink_is_one_sided_a_step_above_it_the_unit_passes_the_error():
    model = rc.statquest_rnn()
    above = model.input_gradients([[1.0, 0.5 + 1e-3]])[0]
    below = model.input_gradients([[1.0, 0.5 - 1e-3]])[0]
    # Above the kink both steps are linear: d y / d x_2 = w1 * w3 and d y / d x_1 = w1 * w2 * w3.
    np.testing.assert_allclose(above, [1.8 * -0.5 * 1.1, 1.8 * 1.1], rtol=1e-12)
    np.testing.assert_array_equal(below, [0.0, 0.0])


@pytest.mark.parametrize("activation", rc.ACTIVATIONS)
@pytest.mark.parametrize("truncate", [None, 1, 3])
@pytest.mark.parametrize(("batch", "length"), [(4, 2), (8, 8), (13, 5)])
def test_lesson_sized_batches_in_floats_give_the_numbers_of_the_array_form(activation, truncate, batch, length):
    """One unit and at most 8 sequences run on Python floats, however long (8 is the edge);
    13 sequences run on arrays. The same sequences inside a batch too big for floats (the
    batch repeated 9 times) must give the same loss, gradient, trace and pieces."""
    rng = np.random.default_rng(batch * 100 + length)
    model = rc.VanillaRNN(1, activation=activation, seed=batch)
    xs = rng.uniform(0.05, 1.0, (batch, length, 1))
    ys = rng.uniform(0.0, 1.0, (batch, 1))
    many_xs, many_ys = np.tile(xs, (9, 1, 1)), np.tile(ys, (9, 1))
    for loss in ("mse", "ssr"):
        value, grads = model.loss_and_grads(xs, ys, loss=loss, truncate=truncate)
        many_value, many = model.loss_and_grads(many_xs, many_ys, loss=loss, truncate=truncate)
        scale = 9.0 if loss == "ssr" else 1.0  # the sum of 9 copies, or their mean
        assert many_value == pytest.approx(scale * value, rel=1e-12)
        np.testing.assert_allclose(many.flat, scale * grads.flat, rtol=1e-11, atol=1e-14)
        for name, pieces in grads.per_step.items():
            np.testing.assert_allclose(many.per_step[name], scale * pieces, rtol=1e-11, atol=1e-14)
        per_sample = 9.0 if loss == "mse" else 1.0  # a mean over 9 copies weighs each one 1/9
        np.testing.assert_allclose(many.inputs[:batch] * per_sample, grads.inputs, rtol=1e-11, atol=1e-14)
    small, large = model.forward(xs), model.forward(many_xs)
    for field in ("input_term", "recurrent_term", "pre_activation", "hidden", "outputs"):
        np.testing.assert_allclose(getattr(large, field)[:batch], getattr(small, field), rtol=1e-14, atol=0)


def overflowing_relu_rnn():
    """Finite weights whose second step sums inf + (-inf): a nan pre-activation."""
    model = rc.VanillaRNN(n_hidden=1, activation="relu")
    for name, value in {"w1": 1e300, "w2": -1.0, "b1": 0.0, "w3": 1.0, "b2": 0.0}.items():
        model.params[name] = value
    return model


@pytest.mark.parametrize("batch", [1, 40])  # 1 sequence: plain floats; 40 sequences: arrays
def test_a_nan_pre_activation_makes_the_loss_nan_in_either_form(batch):
    xs, ys = np.tile([[1e10, 1e10]], (batch, 1)), np.full((batch, 1), 0.5)
    with np.errstate(all="ignore"):
        assert np.isnan(overflowing_relu_rnn().loss_and_grads(xs, ys)[0])  # ReLU passes nan on: not h = 0
        # The same for every activation when a nan reaches z directly.
        for activation in rc.ACTIVATIONS:
            model = rc.VanillaRNN(1, activation=activation, seed=0)
            nan_day = np.tile([[0.2, np.nan]], (batch, 1))
            assert np.isnan(model.loss_and_grads(nan_day, ys)[0]), activation


@pytest.mark.parametrize("batch", [1, 40])  # 1 sequence: plain floats; 40 sequences: arrays
def test_the_overflowing_relu_network_diverges_by_its_loss_on_either_path(batch):
    xs, ys = np.tile([[1e10, 1e10]], (batch, 1)), np.full((batch, 1), 0.5)
    trainer = rc.Trainer(overflowing_relu_rnn(), xs, ys)
    assert list(trainer.run(3)) == []
    assert trainer.divergence.cause == "loss"
