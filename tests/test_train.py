"""Training: the four rules learned from a seeded start, divergence as a typed stop, optimisers,
clipping, mini-batches and resumable runs."""

import numpy as np
import pytest

import rnn_core as rc
from rnn_core.data import decode, four_rules

XS, YS = four_rules()


def seeded_rnn(seed=0):
    return rc.VanillaRNN(n_hidden=1, activation="relu", seed=seed)


def test_the_one_unit_relu_rnn_learns_the_four_rules_from_a_seeded_start():
    # Seed 4 is the Training page's default start.
    model = seeded_rnn(seed=4)
    trainer = rc.Trainer(model, XS, YS, optimizer="adam", lr=0.03, seed=0)
    records = trainer.fit(3000)
    assert records[-1].loss < 1e-3
    predicted = [decode(v) for v in model.predict(XS)[:, 0]]
    assert predicted == [decode(v) for v in YS[:, 0]] == ["low", "high", "low", "high"]


def test_some_starts_leave_the_single_relu_dead_and_the_loss_stuck():
    """One ReLU unit is fragile: from about half the seeds it switches off on every input and no
    gradient reaches w1, w2 or b1 again (the Training page's default seed is one that learns)."""
    outcomes = []
    for seed in range(12):
        trainer = rc.Trainer(seeded_rnn(seed), XS, YS, optimizer="adam", lr=0.03)
        outcomes.append(trainer.fit(2000)[-1].loss < 1e-3)
    assert 3 <= sum(outcomes) <= 9
    dead = rc.Trainer(seeded_rnn(0), XS, YS, optimizer="adam", lr=0.03)
    last = dead.fit(2000)[-1]
    assert last.loss == pytest.approx(0.25) and last.grad_norm == pytest.approx(0.0, abs=1e-9)


def test_a_huge_learning_rate_is_reported_as_divergence_and_keeps_the_last_finite_weights():
    model = seeded_rnn()
    trainer = rc.Trainer(model, XS, YS, optimizer="sgd", lr=1e6)
    records = list(trainer.run(50))
    assert trainer.divergence is not None
    assert trainer.divergence.cause in ("loss", "gradient")
    assert "smaller learning rate" in trainer.divergence.message
    assert np.isfinite(model.flat).all()
    assert all(np.isfinite(r.loss) for r in records)
    assert list(trainer.run(10)) == [], "a diverged run takes no more steps"
    with pytest.raises(rc.TrainingDiverged) as raised:
        rc.Trainer(seeded_rnn(), XS, YS, optimizer="sgd", lr=1e6).fit(50)
    assert raised.value.divergence.step >= 1


def test_runs_resume_where_they_stopped_and_match_one_long_run():
    one = rc.Trainer(seeded_rnn(), XS, YS, optimizer="momentum", lr=0.05)
    two = rc.Trainer(seeded_rnn(), XS, YS, optimizer="momentum", lr=0.05)
    long_run = list(one.run(60))
    pieces = list(two.run(25)) + list(two.run(35))
    assert [r.step for r in pieces] == list(range(1, 61))
    np.testing.assert_array_equal(long_run[-1].flat, pieces[-1].flat)


@pytest.mark.parametrize("optimizer", rc.OPTIMIZERS)
def test_every_optimiser_lowers_the_loss(optimizer):
    trainer = rc.Trainer(seeded_rnn(3), XS, YS, optimizer=optimizer, lr=0.02)
    start = trainer.evaluate()
    trainer.fit(300)
    assert trainer.evaluate() < 0.5 * start


def test_records_carry_the_step_the_loss_before_the_update_and_the_weights_after():
    model = seeded_rnn()
    trainer = rc.Trainer(model, XS, YS, optimizer="sgd", lr=0.1)
    before = trainer.evaluate()
    record = next(trainer.run(1))
    assert record.step == 1 and record.loss == pytest.approx(before)
    np.testing.assert_array_equal(record.flat, model.flat)
    assert set(record.params) == {"w1", "w2", "b1", "w3", "b2"}
    _, grad = seeded_rnn().loss_and_flat_grad(*rc.VanillaRNN(1).as_batch(XS)[:1], YS)
    assert record.grad_norm == pytest.approx(float(np.linalg.norm(grad)))


def test_clipping_by_norm_and_by_value():
    grad = np.array([3.0, -4.0])
    clipped, changed = rc.clip_gradient(grad.copy(), "norm", 1.0)
    np.testing.assert_allclose(clipped, [0.6, -0.8])
    assert changed
    clipped, changed = rc.clip_gradient(grad.copy(), "value", 2.0)
    np.testing.assert_array_equal(clipped, [2.0, -2.0])
    assert changed
    clipped, changed = rc.clip_gradient(np.array([0.1, 0.2]), "norm", 1.0)
    assert not changed
    with pytest.raises(ValueError, match="positive"):
        rc.clip_gradient(grad.copy(), "norm", 0.0)


def test_clipping_turns_an_exploding_start_into_a_run_that_learns():
    from rnn_core.data import simulate_statland

    xs, ys = simulate_statland(64, 12, seed=0)

    def start():
        model = rc.VanillaRNN(n_hidden=1, activation="identity")
        for name, value in {"w1": 1.0, "w2": 2.0, "b1": 0.0, "w3": 1.0, "b2": 0.0}.items():
            model.params[name] = value
        return model

    free = rc.Trainer(start(), xs, ys, optimizer="sgd", lr=0.05)
    list(free.run(200))
    assert free.divergence is not None
    clipped = rc.Trainer(start(), xs, ys, optimizer="sgd", lr=0.05, clip="norm", clip_threshold=1.0)
    records = list(clipped.run(200))
    assert clipped.divergence is None and records[-1].loss < 0.05
    assert any(r.clipped for r in records)


def test_mini_batches_are_seeded_and_cover_the_data():
    from rnn_core.data import simulate_statland

    xs, ys = simulate_statland(40, 6, seed=1)
    runs = [rc.Trainer(rc.VanillaRNN(4, "tanh", seed=0), xs, ys, batch_size=8, seed=5, lr=0.01) for _ in range(2)]
    results = [list(trainer.run(20))[-1].flat for trainer in runs]
    np.testing.assert_array_equal(results[0], results[1])
    other = rc.Trainer(rc.VanillaRNN(4, "tanh", seed=0), xs, ys, batch_size=8, seed=6, lr=0.01)
    assert not np.array_equal(list(other.run(20))[-1].flat, results[0])


def test_training_data_must_be_finite():
    with pytest.raises(ValueError, match="finite"):
        rc.Trainer(seeded_rnn(), [[0.0, np.nan]], [[1.0]])


def test_history_keeps_the_five_weights_of_the_one_unit_model_only():
    history = rc.History.for_model(seeded_rnn())
    trainer = rc.Trainer(seeded_rnn(), XS, YS)
    for record in trainer.run(5):
        history.add(record)
    assert len(history) == 5 and set(history.params) == {"w1", "w2", "b1", "w3", "b2"}
    assert rc.History.for_model(rc.VanillaRNN(4, "tanh")).params == {}
