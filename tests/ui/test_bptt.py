"""The BPTT view's numbers: each day's share from the engine, and sums equal to the next step's gradient."""

import numpy as np
import pytest

import rnn_core as rc
from rnn_core import data
from rnn_core.train import Trainer
from ui.training import bptt


def captured_next_gradient(trainer: Trainer) -> np.ndarray:
    """Take one real step and return the flat gradient the trainer used for it."""
    model = trainer.model
    seen = []
    original = model.loss_and_grads

    def spy(xs, ys, **options):
        value, grads = original(xs, ys, **options)
        seen.append(np.array(grads.flat, copy=True))
        return value, grads

    model.loss_and_grads = spy
    try:
        list(trainer.run(1))
    finally:
        del model.loss_and_grads
    return seen[0]


def statland_trainer(batch_size=None, loss="mse", optimizer="adam", seed=4, length=None):
    xs, ys = data.four_rules() if length is None else data.simulate_statland(40, length, seed=seed)
    model = rc.VanillaRNN(1, activation="relu", seed=seed)
    return Trainer(model, xs, ys, optimizer=optimizer, lr=0.03, batch_size=batch_size, seed=seed, loss=loss)


@pytest.mark.parametrize("loss", ["mse", "ssr"])
@pytest.mark.parametrize("batch_size", [None, 3])
def test_per_day_shares_sum_to_the_gradient_the_next_step_uses(loss, batch_size):
    trainer = statland_trainer(batch_size=batch_size, loss=loss, length=5)
    for _ in range(3):  # at the start, and after steps (mid-epoch and at epoch boundaries)
        back = bptt.backward_for_next_step(trainer)
        used = rc.VanillaRNN(1, activation="relu").param_shapes
        offsets = np.cumsum([0] + [int(np.prod(s)) for s in used.values()])
        next_grad = captured_next_gradient(trainer)
        for i, name in enumerate(used):
            if name in bptt.SHARED:
                assert back.sums()[name] == pytest.approx(float(next_grad[offsets[i]]), rel=1e-12, abs=1e-15)


def test_per_day_shares_are_the_engines_per_step_gradients():
    trainer = statland_trainer()
    xs, ys = data.four_rules()
    _, grads = trainer.model.loss_and_grads(xs, ys, loss="mse")
    back = bptt.backward_for_next_step(trainer)
    table = bptt.one_unit_table(back)
    for name in bptt.SHARED:
        np.testing.assert_allclose(table[f"dL/d{name}"].iloc[:-1].to_numpy(), grads.per_step[name].reshape(2))
        assert table.loc["sum", f"dL/d{name}"] == pytest.approx(float(grads.params[name].ravel()[0]))


def test_the_sentence_names_the_sums_and_the_batch():
    back = bptt.backward_for_next_step(statland_trainer())
    sentence = bptt.one_unit_sentence(back)
    assert "2 days" in sentence and "4 sequences" in sentence
    from ui.kit.format import number

    assert number(back.sums()["w2"], 4) in sentence


def test_the_diagram_has_a_copy_per_day_and_the_sums():
    back = bptt.backward_for_next_step(statland_trainer(length=4))
    dot = bptt.one_unit_dot(back)
    for day in range(1, 5):
        assert f"d{day} [label=" in dot
    from ui.kit.format import number

    for name, value in back.sums().items():
        assert f"dL/d{name} = {number(value, 4)}" in dot


@pytest.mark.parametrize("kind", ["vanilla", "lstm", "gru"])
def test_wider_models_get_a_per_day_chart_of_their_shares(kind):
    xs, ys = data.simulate_statland(20, 6, seed=1)
    model = rc.VanillaRNN(4, activation="tanh", seed=1) if kind == "vanilla" else rc.MODEL_KINDS[kind](4, seed=1)
    back = bptt.backward_for_next_step(Trainer(model, xs, ys))
    sizes = bptt.per_day_sizes(back)
    assert set(sizes["day"]) == set(range(1, 7))
    for name, values in back.per_day.items():
        expected = np.linalg.norm(np.reshape(values, (6, -1)), axis=1)
        np.testing.assert_allclose(sizes[sizes["parameter"] == name]["size"].to_numpy(), expected)
        np.testing.assert_allclose(values.sum(axis=0), back.total[name], atol=1e-12)
    line, dots = bptt.per_day_chart(back)["layer"]
    assert line["mark"]["type"] == "line" and dots["mark"]["type"] == "point"
    assert "6 days" in bptt.per_day_caption(back)


def test_day_one_adds_nothing_to_dl_dw2_because_h0_is_zero():
    back = bptt.backward_for_next_step(statland_trainer(length=5))
    assert float(back.per_day["w2"].reshape(-1)[0]) == 0.0
    notice = bptt.one_unit_notice(back)
    assert "h0 = 0" in notice.text and "Press **Step**" in notice.text
    assert "Press" not in bptt.one_unit_notice(back, step_button=False).text  # the lesson has no Step button
    assert [c.kind for c in notice.claims] == ["first_day_w2_share_zero"] and notice.claims[0].holds()
