"""LSTM and GRU behave like every other model: same interface, shapes, seeding, copies,
configs, weights files and training loop as the vanilla RNN."""

from __future__ import annotations

import numpy as np
import pytest

import rnn_core as rc
from rnn_core.data import four_rules
from rnn_core.weights_io import model_from_json, model_to_json

GATED = (rc.LSTM, rc.GRU)


def gated(cls, **kwargs):
    return cls(**{"n_hidden": 3, "n_in": 2, "n_out": 2, "seed": 1, **kwargs})


def test_model_kinds_name_every_model():
    assert rc.MODEL_KINDS == {"vanilla": rc.VanillaRNN, "lstm": rc.LSTM, "gru": rc.GRU}
    for kind, cls in rc.MODEL_KINDS.items():
        assert cls.kind == kind


@pytest.mark.parametrize(
    ("cls", "gates", "names"),
    [(rc.LSTM, 4, ("w_x", "w_h", "b", "w3", "b2")), (rc.GRU, 3, ("w_x", "w_h", "b_x", "b_h", "w3", "b2"))],
)
def test_parameters_have_the_documented_shapes(cls, gates, names):
    model = gated(cls, n_hidden=5, n_in=3, n_out=2)
    assert tuple(model.params) == names
    assert model.params["w_x"].shape == (3, gates * 5)
    assert model.params["w_h"].shape == (5, gates * 5)
    assert model.params["w3"].shape == (5, 2) and model.params["b2"].shape == (2,)
    for bias in set(names) - {"w_x", "w_h", "w3", "b2"}:
        assert model.params[bias].shape == (gates * 5,)
    assert model.n_params == sum(value.size for value in model.params.values())


@pytest.mark.parametrize("cls", GATED)
def test_unrolling_over_more_days_adds_no_parameters(cls):
    model = gated(cls)
    before = model.n_params
    for steps in (1, 5, 40):
        model.predict(np.zeros((2, steps, 2)))
    assert model.n_params == before


@pytest.mark.parametrize("cls", GATED)
def test_forward_trace_has_every_step(cls):
    model = gated(cls, n_hidden=4)
    xs = np.random.default_rng(0).normal(size=(5, 7, 2))
    trace = model.forward(xs)
    n_gates = 4 if cls is rc.LSTM else 3
    assert trace.gates.shape == (5, 7, n_gates * 4)
    assert trace.hidden.shape == (5, 7, 4) and trace.h_prev.shape == (5, 7, 4)
    assert trace.outputs.shape == (5, 7, 2) and trace.y.shape == (5, 2)
    np.testing.assert_array_equal(trace.outputs[:, -1], trace.y)
    np.testing.assert_array_equal(trace.h_prev[:, 0], 0.0)
    np.testing.assert_array_equal(trace.h_prev[:, 1:], trace.hidden[:, :-1])
    # Sigmoid gates lie in (0, 1), the tanh candidate in (-1, 1), and so does every hidden state.
    assert np.all(np.abs(trace.candidate) < 1) and np.all(np.abs(trace.hidden) < 1)
    sigmoid_gates = (
        [trace.input_gate, trace.forget_gate, trace.output_gate]
        if cls is rc.LSTM
        else [trace.reset_gate, trace.update_gate]
    )
    for gate in sigmoid_gates:
        assert gate.shape == (5, 7, 4) and np.all((gate > 0) & (gate < 1))
    if cls is rc.LSTM:
        assert trace.cell.shape == (5, 7, 4)
        # c_t = f c_(t-1) + i g, with c_0 = 0
        c_prev = np.concatenate([np.zeros((5, 1, 4)), trace.cell[:, :-1]], axis=1)
        expected = trace.forget_gate * c_prev + trace.input_gate * trace.candidate
        np.testing.assert_allclose(trace.cell, expected, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(trace.hidden, trace.output_gate * np.tanh(trace.cell), rtol=1e-12, atol=1e-15)
    else:
        z = trace.update_gate
        expected = (1 - z) * trace.candidate + z * trace.h_prev
        np.testing.assert_allclose(trace.hidden, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("cls", GATED)
def test_trace_arrays_are_read_only_so_backward_reads_what_forward_wrote(cls):
    model = gated(cls)
    xs = np.random.default_rng(8).normal(size=(3, 5, 2))
    trace = model.forward(xs)
    expected = model.backward(model.forward(xs), np.ones((3, 2))).flat.copy()
    gate_names = ("input_gate", "forget_gate", "candidate", "output_gate", "cell") if cls is rc.LSTM else (
        "reset_gate", "update_gate", "candidate",
    )  # fmt: skip
    for name in ("xs", "gates", "hidden", "outputs", "y", *gate_names):
        array = getattr(trace, name)
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0.0
        with pytest.raises(ValueError, match="read-only"):
            array[0, 0] += 1.0
    np.testing.assert_array_equal(model.backward(trace, np.ones((3, 2))).flat, expected)
    xs[0, 0, 0] = 9.0  # the caller's own array stays writable
    model.predict(xs)[...] = 0.0  # and so does a prediction, a fresh array


@pytest.mark.parametrize("cls", GATED)
def test_two_dimensional_input_means_one_feature_per_day(cls):
    model = cls(n_hidden=3, seed=2)
    xs = np.random.default_rng(1).uniform(0, 1, (4, 6))
    np.testing.assert_array_equal(model.predict(xs), model.predict(xs[:, :, None]))
    assert model.forward(xs).squeezed and not model.forward(xs[:, :, None]).squeezed
    assert model.input_gradients(xs).shape == (4, 6)
    assert model.input_gradients(xs[:, :, None]).shape == (4, 6, 1)
    assert model.predict([[0.0, 0.5]]).shape == (1, 1)
    with pytest.raises(ValueError, match="n_in"):
        gated(cls).predict(xs)  # two features per day need (B, T, 2)


@pytest.mark.parametrize("cls", GATED)
def test_seeded_initialisation_is_reproducible_and_seeds_differ(cls):
    np.testing.assert_array_equal(gated(cls, seed=4).flat, gated(cls, seed=4).flat)
    assert not np.array_equal(gated(cls, seed=4).flat, gated(cls, seed=5).flat)


@pytest.mark.parametrize("cls", GATED)
def test_initial_weights_follow_the_documented_scheme(cls):
    model = gated(cls, n_hidden=9, seed=3)
    bound = 1 / np.sqrt(9)
    for name, value in model.params.items():
        if name == "b2":
            np.testing.assert_array_equal(value, 0.0)
        elif cls is rc.LSTM and name == "b":
            np.testing.assert_array_equal(value[9:18], 1.0)  # the forget gate starts mostly open
            others = np.concatenate([value[:9], value[18:]])
            assert np.all(np.abs(others) <= bound) and np.ptp(others) > 0
        else:
            assert np.all(np.abs(value) <= bound) and np.ptp(value) > 0


@pytest.mark.parametrize("cls", GATED)
def test_assigning_a_parameter_changes_predictions(cls):
    model = gated(cls)
    xs = np.random.default_rng(2).normal(size=(3, 4, 2))
    before = model.predict(xs)
    model.params["w_h"] = model.params["w_h"] * -2.0
    assert not np.allclose(model.predict(xs), before)
    model.params["w3"] = np.zeros((3, 2))
    model.params["b2"] = [0.25, -1.0]
    np.testing.assert_allclose(model.predict(xs), np.tile([0.25, -1.0], (3, 1)))
    with pytest.raises(ValueError, match="shape"):
        model.params["w_x"] = np.zeros((3, 3))
    with pytest.raises(ValueError, match="finite"):
        model.params["b2"] = [np.nan, 0.0]


@pytest.mark.parametrize("cls", GATED)
def test_copy_is_independent(cls):
    model = gated(cls)
    xs = np.random.default_rng(3).normal(size=(2, 5, 2))
    twin = model.copy()
    assert type(twin) is cls and twin.config() == model.config()
    np.testing.assert_array_equal(twin.predict(xs), model.predict(xs))
    before = model.predict(xs)
    twin.params["w_x"] = twin.params["w_x"] + 1.0
    twin.loss_and_grads(xs, np.zeros((2, 2)))
    np.testing.assert_array_equal(model.predict(xs), before)
    assert not np.allclose(twin.predict(xs), before)


@pytest.mark.parametrize("kind", ["vanilla", "lstm", "gru"])
def test_config_round_trips_through_model_from_config(kind):
    model = rc.MODEL_KINDS[kind](n_hidden=3, n_in=2, n_out=2, seed=6)
    rebuilt = rc.model_from_config(kind, model.config(), seed=6)
    assert type(rebuilt) is type(model) and rebuilt.config() == model.config()
    np.testing.assert_array_equal(rebuilt.flat, model.flat)
    assert not np.array_equal(rc.model_from_config(kind, model.config(), seed=7).flat, model.flat)


def test_model_from_config_names_the_kinds_when_the_kind_is_unknown():
    with pytest.raises(ValueError, match="vanilla, lstm, gru"):
        rc.model_from_config("transformer", {"n_hidden": 2})


@pytest.mark.parametrize("cls", GATED)
def test_weights_json_round_trip_keeps_kind_architecture_and_predictions(cls):
    model = gated(cls)
    model.flat += np.random.default_rng(4).normal(0, 0.3, model.flat.size)
    loaded = model_from_json(model_to_json(model))
    assert type(loaded) is cls and loaded.kind == model.kind and loaded.config() == model.config()
    np.testing.assert_array_equal(loaded.flat, model.flat)
    xs = np.random.default_rng(5).normal(size=(3, 4, 2))
    np.testing.assert_array_equal(loaded.predict(xs), model.predict(xs))


@pytest.mark.parametrize("cls", GATED)
def test_training_on_the_four_statland_rules_lowers_the_loss(cls):
    xs, ys = four_rules()
    model = cls(n_hidden=4, seed=0)
    trainer = rc.Trainer(model, xs, ys, optimizer="adam", lr=0.05)
    start = trainer.evaluate()
    records = list(trainer.run(150))
    end = trainer.evaluate()
    assert trainer.divergence is None and len(records) == 150
    assert end < 0.01 * start
    # The trained network predicts each rule's next day to within a third of a level.
    np.testing.assert_allclose(model.predict(xs), ys, atol=0.15)


@pytest.mark.parametrize("cls", GATED)
def test_huge_weights_give_no_overflow_warnings(cls):
    # pytest turns RuntimeWarning into errors, so any warning here fails the test.
    model = gated(cls)
    model.params["w_x"] = np.full(model.params["w_x"].shape, 1e300)
    model.params["w_h"] = np.full(model.params["w_h"].shape, -1e300)
    xs = np.random.default_rng(6).normal(size=(2, 5, 2))
    model.predict(xs)
    model.loss_and_grads(xs, np.zeros((2, 2)))


@pytest.mark.parametrize("kind", ["vanilla", "lstm", "gru"])
@pytest.mark.parametrize("size", ["n_hidden", "n_in", "n_out"])
def test_sizes_must_be_whole_numbers_of_at_least_one(kind, size):
    cls = rc.MODEL_KINDS[kind]
    for bad in (2.7, 2.0, 0, -1, True, "3", None):
        with pytest.raises(ValueError, match=f"{size} must be a whole number of at least 1"):
            cls(**{size: bad})
    assert getattr(cls(**{size: np.int64(3)}), size) == 3


@pytest.mark.parametrize("kind", ["vanilla", "lstm", "gru"])
def test_params_cannot_be_replaced_but_each_parameter_can_be_assigned(kind):
    model = rc.MODEL_KINDS[kind](n_hidden=2, seed=0)
    before = model.flat.copy()
    with pytest.raises(AttributeError, match=r"assign each parameter instead"):
        model.params = {name: np.zeros_like(value) for name, value in model.params.items()}
    np.testing.assert_array_equal(model.flat, before)
    model.params["w3"] = np.full((2, 1), 0.25)  # the documented way still changes the model
    np.testing.assert_array_equal(model.params["w3"], 0.25)
    assert np.shares_memory(model.params["w3"], model.flat)


def test_the_lessons_network_takes_any_of_its_five_weights_and_is_told_apart_from_other_models():
    model = rc.statquest_rnn(w2=0.0)
    assert float(model.params["w2"][0, 0]) == 0.0 and float(model.params["w1"][0, 0]) == 1.8
    assert rc.is_statquest_rnn(model) and rc.is_statquest_rnn(rc.VanillaRNN(1, activation="relu", seed=3))
    assert not rc.is_statquest_rnn(rc.VanillaRNN(2, activation="relu", seed=3))
    assert not rc.is_statquest_rnn(rc.VanillaRNN(1, activation="tanh", seed=3))
    assert not rc.is_statquest_rnn(rc.MODEL_KINDS["gru"](1, seed=3))
    with pytest.raises(ValueError, match="no w4"):
        rc.statquest_rnn(w4=1.0)
    assert rc.PARAM_NAMES == tuple(model.params)
