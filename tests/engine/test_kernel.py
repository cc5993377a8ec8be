"""One kernel per cell: the numbers the StatLand diagram draws are the numbers training uses.

The vanilla RNN has one forward loop and one backward loop, in two forms: plain floats for
one unit and a few short sequences (the lesson's size), arrays otherwise. Every public call
(``forward``, ``loss_and_grads``, ``input_gradients``, ``Trainer``) goes through them; these
tests watch the kernel while each call runs.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import rnn_core as rc
import rnn_core.vanilla as vanilla
from rnn_core.data import four_rules


@pytest.fixture
def kernel_calls(monkeypatch):
    """Every forward pass the vanilla kernel makes, as (form, pass) in call order."""
    calls = []
    for form, name in (("floats", "_forward_one_unit"), ("arrays", "_forward")):
        original = getattr(vanilla, name)

        def spy(model, xs, *workspace, _original=original, _form=form):
            unrolled = _original(model, xs, *workspace)
            calls.append((_form, unrolled))
            return unrolled

        monkeypatch.setattr(vanilla, name, spy)
    return calls


def hidden_of(unrolled) -> np.ndarray:
    """h_t of a kernel pass as (B, T, H), whichever form made it."""
    if isinstance(unrolled, vanilla._UnrolledOneUnit):
        return np.array(unrolled.hidden)[:, 1:, None]  # the float form keeps h_0 first
    return unrolled.hidden[1:].transpose(1, 0, 2)


CASES = {
    "the four rules, one unit": (lambda: rc.statquest_rnn(), *four_rules(), "floats"),
    "200 histories, one unit": (
        lambda: rc.VanillaRNN(1, activation="tanh", seed=1),
        np.random.default_rng(0).uniform(0, 1, (200, 6)),
        np.random.default_rng(1).uniform(0, 1, (200, 1)),
        "arrays",
    ),
    "four rules, three units": (lambda: rc.VanillaRNN(3, activation="relu", seed=2), *four_rules(), "arrays"),
}


@pytest.mark.parametrize("case", CASES)
def test_the_trace_and_the_training_step_come_from_the_same_kernel_bit_for_bit(case, kernel_calls):
    build, xs, ys, form = CASES[case]
    model = build()
    trace = model.forward(xs)
    loss, grads = model.loss_and_grads(xs, ys)
    trainer = rc.Trainer(model.copy(), xs, ys, optimizer="sgd", lr=0.01)
    record = next(trainer.run(1))
    assert [f for f, _ in kernel_calls] == [form] * 3, "forward, loss_and_grads and Trainer: one kernel, one form"
    traced, graded, trained = (hidden_of(unrolled) for _, unrolled in kernel_calls)
    np.testing.assert_array_equal(trace.hidden, traced)
    np.testing.assert_array_equal(traced, graded)
    np.testing.assert_array_equal(traced, trained)
    assert record.loss == loss
    assert record.grad_norm == float(np.linalg.norm(grads.flat))
    # backward() on the trace reuses the trace's pass: no second forward, the same gradient.
    dy = rc.loss_and_dy(trace.y, np.asarray(ys, dtype=float).reshape(trace.y.shape))[1]
    np.testing.assert_array_equal(model.backward(trace, dy).flat, grads.flat)
    assert len(kernel_calls) == 3


def test_the_trace_is_read_only_and_its_terms_add_up_to_the_sum_each_node_shows():
    model = rc.statquest_rnn()
    trace = model.forward([[1.0, 0.5, 1.0]])
    for name in ("xs", "input_term", "recurrent_term", "bias", "pre_activation", "hidden", "outputs", "y"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(trace, name)[...] = 0.0
    np.testing.assert_array_equal(trace.input_term + trace.bias + trace.recurrent_term, trace.pre_activation)
    np.testing.assert_array_equal(trace.recurrent_term[:, 1:], trace.hidden[:, :-1] * -0.5)
    assert trace.recurrent_term[0, 0, 0] == 0.0  # h0 = 0


def test_gradients_read_like_a_dict_of_the_parameters_and_cannot_be_written():
    model = rc.VanillaRNN(2, activation="tanh", seed=3)
    loss, grads = model.loss_and_grads(*four_rules())
    assert list(grads) == list(model.params) == ["w1", "w2", "b1", "w3", "b2"]
    assert all(grads[name].shape == model.params[name].shape for name in grads)
    np.testing.assert_array_equal(np.concatenate([g.ravel() for g in grads.values()]), grads.flat)
    with pytest.raises(ValueError, match="read-only"):
        grads["w2"][...] = 0.0
    # A later call does not change an earlier result (no shared buffers behind it).
    before = grads.flat.copy()
    model.loss_and_grads(np.ones((4, 2)), np.zeros(4))
    np.testing.assert_array_equal(grads.flat, before)


@pytest.mark.parametrize("cls", [rc.VanillaRNN, rc.LSTM, rc.GRU])
def test_every_model_is_built_the_same_way(cls):
    default = cls()
    assert default.n_hidden == 1 and default.n_in == 1 and default.n_out == 1
    model = cls(3, n_in=2, n_out=2, seed=5)
    assert (model.n_hidden, model.n_in, model.n_out) == (3, 2, 2)
    with pytest.raises(TypeError):
        cls(3, 2)  # everything after n_hidden is a keyword: LSTM(4, 2) cannot mean two things
    np.testing.assert_array_equal(cls(3, n_in=2, n_out=2, seed=5).flat, model.flat)
    twin = rc.model_from_config(model.kind, model.config(), seed=5)
    np.testing.assert_array_equal(twin.flat, model.flat)


def test_fit_returns_the_trainer_and_run_yields_the_steps():
    xs, ys = four_rules()
    trainer = rc.Trainer(rc.VanillaRNN(1, activation="relu", seed=4), xs, ys, lr=0.03)
    assert trainer.fit(10) is trainer and trainer.step == 10
    assert [r.step for r in trainer.run(3)] == [11, 12, 13]


MODELS = {
    "vanilla": lambda seed: rc.VanillaRNN(4, activation="tanh", seed=seed),
    "lstm": lambda seed: rc.LSTM(3, seed=seed),
    "gru": lambda seed: rc.GRU(3, seed=seed),
}


def _batches(seed: int, n: int = 40, T: int = 9):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, (n, T)), rng.uniform(0, 1, (n, 1))


def _same_result(a, b) -> None:
    """Two (loss, Gradients) pairs the same bit for bit, the lazy pieces included."""
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1].flat, b[1].flat)
    np.testing.assert_array_equal(a[1].inputs, b[1].inputs)
    for name, pieces in a[1].per_step.items():
        np.testing.assert_array_equal(b[1].per_step[name], pieces)


@pytest.mark.parametrize("kind", MODELS)
def test_without_a_workspace_a_result_is_never_changed_by_a_later_call(kind):
    model = MODELS[kind](1)
    xs, ys = _batches(6)
    other_xs, _ = _batches(7)
    # What a caller keeps: a trace, a view of one of its arrays, a Gradients read later.
    trace = model.forward(xs)
    hidden_view = trace.hidden[:, -1]
    kept_hidden, kept_view = trace.hidden.copy(), hidden_view.copy()
    kept = model.loss_and_grads(xs, ys)
    del trace
    for _ in range(6):  # other passes, of the same shape, while those results are held
        model.loss_and_grads(other_xs, ys)
        model.forward(other_xs)
    np.testing.assert_array_equal(hidden_view, kept_view)
    _same_result(kept, model.copy().loss_and_grads(xs, ys))  # lazy pieces read only now
    np.testing.assert_array_equal(model.forward(xs).hidden, kept_hidden)


@pytest.mark.parametrize("kind", MODELS)
def test_a_workspace_gives_the_same_numbers_in_the_same_arrays_call_after_call(kind):
    model, twin = MODELS[kind](2), MODELS[kind](2)
    workspace = rc.Workspace()
    first_hidden = None
    for seed in range(5):
        xs, ys = _batches(10 + seed)
        in_workspace = model.loss_and_grads(xs, ys, workspace=workspace)
        _same_result(in_workspace, twin.loss_and_grads(xs, ys))
        hidden = model.forward(xs, workspace=workspace).hidden
        first_hidden = hidden if first_hidden is None else first_hidden
        assert np.shares_memory(hidden, first_hidden), "a workspace's pass reuses its arrays"
    # Another shape gets arrays of its own; the workspace keeps the two most recent shapes.
    small_xs, small_ys = _batches(20, n=7)
    _same_result(model.loss_and_grads(small_xs, small_ys, workspace=workspace), twin.loss_and_grads(small_xs, small_ys))
    assert np.shares_memory(model.forward(xs, workspace=workspace).hidden, first_hidden)
    # Two models may share one workspace: each pass uses its own model's weights.
    other = MODELS[kind](3)
    _same_result(other.loss_and_grads(xs, ys, workspace=workspace), MODELS[kind](3).loss_and_grads(xs, ys))
    _same_result(model.loss_and_grads(xs, ys, workspace=workspace), twin.loss_and_grads(xs, ys))


@pytest.mark.parametrize("kind", MODELS)
def test_a_trainer_runs_in_its_own_workspace_with_the_numbers_of_fresh_arrays(kind):
    xs, ys = _batches(30, n=50)
    trainer = rc.Trainer(MODELS[kind](4), xs, ys, lr=0.01, batch_size=16, seed=0)
    model, optimizer = MODELS[kind](4), rc.make_optimizer("adam", lr=0.01)
    order_rng = np.random.default_rng(0)
    records, order = [], np.empty(0, dtype=int)
    for record in trainer.run(12):  # mini-batches of 16, 16, 16 and 2: two shapes in turn
        records.append(record)
    for record in records:
        if order.size == 0:
            order = order_rng.permutation(len(xs))
        idx, order = order[:16], order[16:]
        loss, grads = model.loss_and_grads(xs[idx], ys[idx])
        assert record.loss == loss
        optimizer.step(model.flat, grads.flat)
        np.testing.assert_array_equal(record.flat, model.flat)
    assert pickle.loads(pickle.dumps(trainer)).step == 12  # its workspace pickles as empty scratch


@pytest.mark.parametrize("model", [rc.VanillaRNN(3, activation="tanh", seed=2), rc.LSTM(3, seed=2), rc.GRU(3, seed=2)])
def test_two_backward_passes_over_one_trace_keep_their_own_pieces(model):
    xs = np.random.default_rng(8).uniform(0, 1, (30, 5))
    trace = model.forward(xs)
    first = model.backward(trace, np.ones((30, 1)))
    second = model.backward(trace, -2.0 * np.ones((30, 1)))
    for name, pieces in first.per_step.items():  # read after the second pass
        np.testing.assert_allclose(second.per_step[name], -2.0 * pieces, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(second.inputs, -2.0 * first.inputs, rtol=1e-12, atol=1e-15)
