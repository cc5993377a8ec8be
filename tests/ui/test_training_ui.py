"""The Training page's derived facts, without Streamlit: speeds, convergence, tiny values, run labels."""

import re

import numpy as np
import pytest
from training_support import rules_run

import rnn_core as rc
from rnn_core import data
from ui.kit.format import number
from ui.training import choices
from ui.training import run as training


def default_run(steps=1000, lr=0.03, speed=choices.DEFAULT_SPEED, batch_size=None):
    run = rules_run(lr=lr, steps=steps, batch_size=batch_size)
    run.speed = speed
    return run


@pytest.mark.parametrize("speed", ["1 step/s", "slow", "medium", "fast"])
def test_each_speed_takes_its_stated_steps_per_refresh(speed):
    run = default_run(lr=0.0003, speed=speed)
    run.toggle_play()
    for _ in range(3):
        before = run.step
        run.tick(10.0)
        assert run.step - before == choices.SPEEDS[speed].steps


@pytest.mark.parametrize("speed", ["fast", "fastest"])
def test_a_speed_that_fills_the_time_box_asks_for_no_refresh_before_one_can_end(speed):
    # A timer faster than a refresh (training up to its time box, then drawing) leaves the
    # next tick always waiting; with post-run collection off that stalled live training.
    assert choices.SPEEDS[speed].seconds >= choices.CHUNK_SECONDS + choices.DRAW_SECONDS


def test_the_fastest_speed_finishes_20000_steps_in_a_few_refreshes_of_the_time_box():
    run = default_run(steps=20_000, lr=0.0003, speed="fastest")
    assert run.steps_per_tick == 20_000 // training.MIN_REFRESHES


def test_a_run_stops_at_the_step_its_loss_falls_below_the_tolerance():
    run = default_run()
    run.toggle_play()
    while run.running:
        run.tick(10.0)
    xs, ys = data.four_rules()
    trainer = rc.Trainer(rc.VanillaRNN(1, activation="relu", seed=4), xs, ys, lr=0.03, seed=4)
    expected = next(r.step for r in trainer.run(1000) if r.loss < training.CONVERGED_LOSS)
    assert run.converged_at == run.step == expected
    line = training.status_line(run)
    assert line.text.startswith(f"Converged at step {expected:,}")
    worst = np.max(np.abs(run.model.predict(xs) - ys))
    bound = float(re.search(r"every prediction within ([0-9.e-]+) of its target", line.text).group(1))
    assert worst <= bound < worst * 1.1  # the bound said is the engine's worst error, rounded up
    assert run.finished and not run.diverged
    run.step_once()  # Step still works on a converged run, then it stops again
    assert run.step == expected + 1 and run.converged_at == expected + 1


def test_values_below_the_tiny_threshold_read_zero():
    assert training.shown_value(-1.39e-17) == "0"
    assert training.shown_value(2e-9) == number(2e-9)
    assert training.shown_value(0.99) == "0.99"
    assert training.shown_value(float("nan")) == "undefined"


def test_a_runs_label_names_its_settings():
    label = choices.Settings(model_kind="gru", n_hidden=8, clip="norm", clip_threshold=1.0, lr=0.01).run_label()
    assert label == "GRU (8) · adam lr 0.01 · clip norm 1 · seed 4"
    assert choices.Settings().run_label() == "1-unit RNN · adam lr 0.03 · clip off · seed 4"


def test_the_last_runs_are_kept_newest_last_and_same_labels_numbered():
    kept = []
    for i in range(6):
        kept = training.keep_curve(kept, training.RunCurve("same", (1, 2), (0.5, 0.1 * i)))
    assert len(kept) == training.RUNS_KEPT
    assert [c.loss[1] for c in kept] == pytest.approx([0.2, 0.3, 0.4, 0.5])
    assert len({c.label for c in kept}) == training.RUNS_KEPT
    assert training.keep_curve(kept, None) == kept


def test_a_runs_curve_is_its_loss_history():
    run = default_run(lr=0.0003)
    assert training.curve_of(run, "x") is None
    run.advance(30)
    curve = training.curve_of(run, "x")
    assert list(curve.step) == list(range(1, 31))
    np.testing.assert_allclose(curve.loss, run.history.loss)


def test_the_first_step_note_names_adams_equal_moves_only_when_the_loss_rose():
    assert training.first_step_note("adam", 0.2, 0.1, 0.03) is None
    note = training.first_step_note("adam", 0.13301, 0.13485, 0.03).text
    assert "0.13301 → 0.13485" in note and "full learning rate (0.03)" in note
    assert "past the low point" in training.first_step_note("sgd", 0.1, 0.2, 3.0).text


def test_adams_first_step_really_moves_every_weight_by_the_learning_rate():
    run = default_run()
    before = run.model.flat.copy()
    run.step_once()
    np.testing.assert_allclose(np.abs(run.model.flat - before), 0.03, rtol=1e-3)
    assert run.first_step_losses()[1] > run.initial_loss  # this seed's first step rises, as the page says


def test_a_setting_changed_mid_run_is_marked_on_the_runs_label():
    assert training.next_label("", "a", 0) == "a"
    assert training.next_label("a", "b", 0) == "b", "before any step the run simply has the new settings"
    assert training.next_label("a", "a", 10) == "a"
    changed = training.next_label("a", "b", 10)
    assert changed == "a" + training.CHANGED_MID_RUN
    assert training.next_label(changed, "c", 20) == changed


def test_a_refresh_trains_in_slices_and_a_pause_between_two_stops_the_rest():
    run = default_run(steps=20_000, lr=0.0003, speed="fastest")
    run.toggle_play()
    seen: list[int] = []
    run.tick(10.0, between=lambda: seen.append(run.step))
    per_tick = run.steps_per_tick
    assert run.step == per_tick and len(seen) == training.SLICES - 1  # the bar is shown between slices
    assert seen == sorted(seen) and 0 < seen[0] < per_tick

    def pause_at_the_second() -> None:
        seen.append(run.step)
        if len(seen) == 2:
            run.toggle_play()  # what the Pause click's callback does once Streamlit stops the refresh

    run = default_run(steps=20_000, lr=0.0003, speed="fastest")
    run.toggle_play()
    seen = []
    assert run.tick(10.0, between=pause_at_the_second) is False  # paused, not ended
    assert run.step == seen[1] < per_tick and not run.running


def test_the_next_steps_backward_pass_is_computed_once_per_step_and_follows_the_steps():
    from ui.training import bptt

    run = default_run()
    first = run.next_backward()
    assert run.next_backward() is first, "the table and the section below share one computation"
    np.testing.assert_array_equal(first.per_day["w2"], bptt.backward_for_next_step(run.trainer).per_day["w2"])
    run.step_once()
    after = run.next_backward()
    assert after is not first
    np.testing.assert_array_equal(after.per_day["w2"], bptt.backward_for_next_step(run.trainer).per_day["w2"])
