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
    assert trainer.fit(3000) is trainer
    assert trainer.evaluate() < 1e-3
    predicted = [decode(v) for v in model.predict(XS)[:, 0]]
    assert predicted == [decode(v) for v in YS[:, 0]] == ["low", "high", "low", "high"]


def test_some_starts_leave_the_single_relu_dead_and_the_loss_stuck():
    """One ReLU unit is fragile: from about half the seeds it switches off on every input and no
    gradient reaches w1, w2 or b1 again (the Training page's default seed is one that learns)."""
    outcomes = []
    for seed in range(12):
        trainer = rc.Trainer(seeded_rnn(seed), XS, YS, optimizer="adam", lr=0.03)
        outcomes.append(list(trainer.run(2000))[-1].loss < 1e-3)
    assert 3 <= sum(outcomes) <= 9
    dead = rc.Trainer(seeded_rnn(0), XS, YS, optimizer="adam", lr=0.03)
    last = list(dead.run(2000))[-1]
    assert last.loss == pytest.approx(0.25) and last.grad_norm == pytest.approx(0.0, abs=1e-9)


def test_a_huge_learning_rate_is_reported_as_divergence_and_keeps_the_last_finite_weights():
    model = seeded_rnn()
    start = model.flat.copy()
    trainer = rc.Trainer(model, XS, YS, optimizer="sgd", lr=1e6)
    records = list(trainer.run(50))
    assert trainer.divergence is not None
    assert trainer.divergence.cause in ("loss", "gradient", "update")
    assert trainer.divergence.step == len(records) + 1
    assert "smaller learning rate" in trainer.divergence.message
    # The weights are exactly those after the last step that succeeded (or the start).
    np.testing.assert_array_equal(model.flat, records[-1].flat if records else start)
    assert all(np.isfinite(r.loss) for r in records)
    assert list(trainer.run(10)) == [], "a diverged run takes no more steps"
    with pytest.raises(rc.TrainingDiverged) as raised:
        rc.Trainer(seeded_rnn(), XS, YS, optimizer="sgd", lr=1e6).fit(50)
    assert raised.value.divergence.step >= 1


def far_off_start():
    """The four rules' model with b2 = 100: finite loss (about 1e4) and gradient (about 200)."""
    model = seeded_rnn()
    model.params["b2"] = 100.0
    return model


def test_an_update_that_overflows_is_reported_as_the_update_and_the_start_is_kept():
    model = far_off_start()
    start = model.flat.copy()
    trainer = rc.Trainer(model, XS, YS, optimizer="sgd", lr=1e307)  # 1e307 * 200 overflows
    assert list(trainer.run(5)) == []
    assert trainer.divergence.cause == "update" and trainer.divergence.step == 1
    assert "the update is no longer a finite number" in trainer.divergence.message
    np.testing.assert_array_equal(model.flat, start)


def test_a_diverging_update_after_good_steps_restores_the_last_records_weights():
    model = far_off_start()
    trainer = rc.Trainer(model, XS, YS, optimizer="sgd", lr=1e-3)
    records = list(trainer.run(7))
    trainer.lr = 1e307
    assert list(trainer.run(5)) == []
    assert trainer.divergence.cause == "update" and trainer.divergence.step == 8
    np.testing.assert_array_equal(model.flat, records[-1].flat)


def test_a_loss_that_overflows_keeps_the_weights_it_was_measured_at():
    model = seeded_rnn(4)
    trainer = rc.Trainer(model, XS, YS, optimizer="sgd", lr=0.05)
    list(trainer.run(3))
    model.params["w3"] = 1e300  # the next loss overflows
    measured_at = model.flat.copy()
    assert list(trainer.run(1)) == [] and trainer.divergence.cause == "loss"
    assert trainer.divergence.step == 4
    np.testing.assert_array_equal(model.flat, measured_at)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"lr": 0.0}, "learning rate must be a finite number above 0"),
        ({"lr": -0.1}, "learning rate must be a finite number above 0"),
        ({"lr": float("nan")}, "learning rate must be a finite number above 0"),
        ({"lr": float("inf")}, "learning rate must be a finite number above 0"),
        ({"lr": "0.1"}, "learning rate must be a finite number above 0"),
        ({"optimizer": "rmsprop"}, "unknown optimiser 'rmsprop'"),
        ({"clip": "l2"}, "unknown clipping mode 'l2'"),
        ({"clip": "norm", "clip_threshold": 0.0}, "clip_threshold must be a finite number above 0"),
        ({"clip_threshold": -1.0}, "clip_threshold must be a finite number above 0"),
        ({"clip_threshold": float("nan")}, "clip_threshold must be a finite number above 0"),
        ({"loss": "mae"}, "unknown loss 'mae'"),
        ({"batch_size": 0}, "batch_size must be None"),
        ({"batch_size": 2.5}, "batch_size must be None"),
        ({"batch_size": True}, "batch_size must be None"),
        ({"truncate": 0}, "truncate must be None"),
    ],
)
def test_bad_settings_are_refused_when_the_trainer_is_built(settings, message):
    with pytest.raises(ValueError, match=message):
        rc.Trainer(seeded_rnn(), XS, YS, **settings)


def test_settings_changed_between_runs_are_checked_too():
    trainer = rc.Trainer(seeded_rnn(), XS, YS, clip="norm")
    for name, value, message in [
        ("lr", 0.0, "learning rate"),
        ("clip", "l2", "clipping mode"),
        ("clip_threshold", 0.0, "clip_threshold"),
    ]:
        with pytest.raises(ValueError, match=message):
            setattr(trainer, name, value)
    trainer.lr, trainer.clip, trainer.clip_threshold = 0.3, "value", 3.0
    assert (trainer.lr, trainer.clip, trainer.clip_threshold) == (0.3, "value", 3.0)
    assert next(trainer.run(1)).step == 1


def test_the_training_pages_settings_are_all_accepted():
    # The Training page's choices (app_pages/training.py), built the way ui.training.start_run builds them.
    for lr in [1e-4, 0.03, 100.0]:
        for optimizer in rc.OPTIMIZERS:
            for clip in rc.CLIPPING:
                for batch_size in [None, 8, 128]:
                    rc.Trainer(
                        seeded_rnn(), XS, YS, optimizer=optimizer, lr=lr, clip=clip, clip_threshold=0.1,
                        batch_size=batch_size, seed=4,
                    )  # fmt: skip


def test_an_empty_batch_is_a_clear_error_not_a_division_by_zero():
    with pytest.raises(ValueError, match="at least one sample"):
        rc.loss_and_dy(np.zeros((0, 1)), np.zeros((0, 1)))
    with pytest.raises(ValueError, match="at least one sample"):
        rc.Trainer(seeded_rnn(), np.zeros((0, 2)), np.zeros((0, 1)))
    for model in (seeded_rnn(), rc.VanillaRNN(3, activation="tanh"), rc.LSTM(2), rc.GRU(2)):
        with pytest.raises(ValueError, match="at least one sample"):
            model.loss_and_grads(np.zeros((0, 2, 1)), np.zeros((0, 1)))


def test_mse_and_ssr_are_the_mean_and_sum_of_squared_residuals_with_two_outputs():
    rng = np.random.default_rng(7)
    y, target = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    mse, dy = rc.loss_and_dy(y, target, "mse")
    assert mse == pytest.approx(np.mean((y - target) ** 2), rel=1e-14)
    np.testing.assert_allclose(dy, 2 * (y - target) / 10, rtol=1e-14)
    ssr, dy = rc.loss_and_dy(y, target, "ssr")
    assert ssr == pytest.approx(np.sum((y - target) ** 2), rel=1e-14)
    np.testing.assert_allclose(dy, 2 * (y - target), rtol=1e-14)
    # The same numbers from a model with two outputs, through every path to the loss.
    model = rc.VanillaRNN(3, activation="tanh", n_out=2, seed=2)
    xs = rng.uniform(0, 1, (5, 4))
    residual = model.predict(xs) - target
    assert model.loss_and_grads(xs, target)[0] == pytest.approx(np.mean(residual**2), rel=1e-12)
    assert model.loss_and_grads(xs, target, loss="ssr")[0] == pytest.approx(np.sum(residual**2), rel=1e-12)


def textbook_adam(params, gradient, lr, n_steps, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam as Kingma and Ba write it (Algorithm 1), no shortcuts: yields the parameters
    after each step; ``gradient(params, t)`` gives step t's gradient."""
    m = np.zeros_like(params)
    v = np.zeros_like(params)
    for t in range(1, n_steps + 1):
        g = gradient(params, t)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        params = params - lr * m_hat / (np.sqrt(v_hat) + eps)
        yield params


def test_adam_matches_the_textbook_algorithm_step_by_step():
    rng = np.random.default_rng(3)
    start = rng.normal(size=6)
    grads = [rng.normal(scale=s, size=6) for s in (1.0, 1e-3, 10.0, 0.1, 1e-9, 2.0)]
    flat, adam = start.copy(), rc.Adam(lr=0.05)
    expected = textbook_adam(start, lambda params, t: grads[t - 1], 0.05, len(grads))
    for g, want in zip(grads, expected, strict=True):
        adam.step(flat, g.copy())
        np.testing.assert_allclose(flat, want, rtol=1e-12, atol=1e-15)


def test_the_trainers_adam_steps_are_the_textbook_ones_on_the_four_rules():
    trainer = rc.Trainer(seeded_rnn(4), XS, YS, optimizer="adam", lr=0.03)
    shadow = seeded_rnn(4)

    def gradient(params, t):
        shadow.flat[:] = params
        return np.concatenate([g.ravel() for g in shadow.loss_and_grads(XS, YS)[1].values()])

    expected = textbook_adam(seeded_rnn(4).flat.copy(), gradient, 0.03, 8)
    for record, want in zip(trainer.run(8), expected, strict=True):
        np.testing.assert_allclose(record.flat, want, rtol=1e-12, atol=1e-15)


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
    _, grads = seeded_rnn().loss_and_grads(XS, YS)
    assert record.grad_norm == pytest.approx(float(np.linalg.norm(grads.flat)))


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


def test_mini_batches_are_seeded():
    from rnn_core.data import simulate_statland

    xs, ys = simulate_statland(40, 6, seed=1)
    runs = [
        rc.Trainer(rc.VanillaRNN(4, activation="tanh", seed=0), xs, ys, batch_size=8, seed=5, lr=0.01) for _ in range(2)
    ]
    results = [list(trainer.run(20))[-1].flat for trainer in runs]
    np.testing.assert_array_equal(results[0], results[1])
    other = rc.Trainer(rc.VanillaRNN(4, activation="tanh", seed=0), xs, ys, batch_size=8, seed=6, lr=0.01)
    assert not np.array_equal(list(other.run(20))[-1].flat, results[0])


class BatchSpy(rc.VanillaRNN):
    """A vanilla RNN that notes which samples (by their first input) each training step saw."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.batches = []

    def loss_and_grads(self, xs, ys, *, loss="mse", truncate=None, workspace=None):
        self.batches.append(sorted(np.rint(xs[:, 0, 0] * 100).astype(int).tolist()))
        return super().loss_and_grads(xs, ys, loss=loss, truncate=truncate, workspace=workspace)


@pytest.mark.parametrize(("n_samples", "batch_size"), [(10, 3), (12, 4), (7, 2), (5, 4), (10, 1)])
def test_every_sample_is_visited_exactly_once_per_epoch(n_samples, batch_size):
    """An epoch is one permutation cut into batches; its last batch holds the remainder."""
    xs = np.stack([np.arange(n_samples) / 100, np.full(n_samples, 0.5)], axis=1)  # sample i starts with i / 100
    ys = np.full((n_samples, 1), 0.5)
    model = BatchSpy(2, activation="tanh", seed=0)
    per_epoch = -(-n_samples // batch_size)
    trainer = rc.Trainer(model, xs, ys, optimizer="sgd", lr=0.01, batch_size=batch_size, seed=3)
    assert len(list(trainer.run(3 * per_epoch))) == 3 * per_epoch
    sizes = [batch_size] * (n_samples // batch_size) + ([n_samples % batch_size] if n_samples % batch_size else [])
    epochs = [model.batches[e * per_epoch : (e + 1) * per_epoch] for e in range(3)]
    for epoch in epochs:
        assert [len(batch) for batch in epoch] == sizes
        assert sorted(i for batch in epoch for i in batch) == list(range(n_samples))
    if batch_size > 1:
        assert epochs[0] != epochs[1], "each epoch draws a fresh permutation"


def test_a_batch_size_of_at_least_the_data_is_full_batch():
    model = BatchSpy(2, activation="tanh", seed=0)
    xs = np.stack([np.arange(6) / 100, np.zeros(6)], axis=1)
    trainer = rc.Trainer(model, xs, np.zeros((6, 1)), batch_size=6)
    list(trainer.run(2))
    assert model.batches == [list(range(6))] * 2


def test_training_data_must_be_finite():
    with pytest.raises(ValueError, match="finite"):
        rc.Trainer(seeded_rnn(), [[0.0, np.nan]], [[1.0]])


def test_history_keeps_the_five_weights_of_the_one_unit_model_only():
    history = rc.History.for_model(seeded_rnn())
    trainer = rc.Trainer(seeded_rnn(), XS, YS)
    for record in trainer.run(5):
        history.add(record)
    assert len(history) == 5 and set(history.params) == {"w1", "w2", "b1", "w3", "b2"}
    assert rc.History.for_model(rc.VanillaRNN(4, activation="tanh")).params == {}


def test_peek_batch_is_the_batch_the_next_step_takes_and_changes_nothing():
    xs = np.random.default_rng(0).normal(size=(7, 4))
    ys = xs[:, -1:]
    trainer = rc.Trainer(rc.VanillaRNN(2, seed=0), xs, ys, batch_size=3, seed=5)
    taken = []
    take = trainer._next_batch
    trainer._next_batch = lambda: taken.append(take()) or taken[-1]
    for _ in range(6):  # 7 samples in batches of 3: the peeks cross two epoch boundaries
        first, again = trainer.peek_batch(), trainer.peek_batch()
        list(trainer.run(1))
        for peeked in (first, again):
            np.testing.assert_array_equal(peeked[0], taken[-1][0])
            np.testing.assert_array_equal(peeked[1], taken[-1][1])
