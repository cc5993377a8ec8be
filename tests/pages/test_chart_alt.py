"""Every lab chart's text alternative (its ``alt``, which a screen reader reads) states what the chart
shows with the numbers on screen: checked on the page, over a sweep of settings, against numbers
worked out here from rnn_core."""

import json
import math
import re
from html import unescape

import numpy as np
import pytest
from apptest_support import metric, open_page, vega_charts
from test_page_lab import engine_numbers, lab
from test_page_lesson import at_step

import rnn_core as rc
from rnn_core import analysis as an
from rnn_core.data import encode
from ui.claims.training import styled
from ui.kit.format import from_log10, number, significant
from ui.lab import model, text
from ui.lesson.steps import STEPS
from ui.training import choices, datasets

W1, W3 = rc.STATQUEST_WEIGHTS["w1"], rc.STATQUEST_WEIGHTS["w3"]


def chart_alt(at) -> str:
    charts = vega_charts(at)
    assert len(charts) == 1
    return charts[0].proto.alt


def prose_notice(at, view: str) -> str:
    """The "what to notice" sentence beside the chart (the prose's second paragraph)."""
    prose = next(m.value for m in at.markdown if m.value.startswith("**You see**"))
    return prose.split("**Notice**")[1].split("**Try**")[0].strip(" :*\n")


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize(("w2", "length"), [(0.5, 10), (0.9, 40), (1.5, 20), (2.0, 100), (-0.5, 30)])
def test_the_pieces_chart_says_how_much_the_last_steps_add(w2, length, activation):
    at = lab("pieces", w2=w2, length=length, activation=activation)
    alt = chart_alt(at)
    assert f"each of the {length} steps' pieces of dL/dw2 at w2 = {w2:g} with {activation}" in alt
    pieces = an.log10_w2_gradient(np.ones(length), W1, w2, 0.0, W3, 0.0, target=1.0, activation=activation)
    finite = np.isfinite(pieces.log10_steps)
    sizes = np.where(finite, 10.0 ** (pieces.log10_steps - pieces.log10_steps[finite].max()), 0.0)
    k = max(1, round(length * 0.1))
    share = f"{100 * sizes[-k:].sum() / sizes.sum():.0f}%"
    assert f"add{'s' if k == 1 else ''} {share} of the pieces' total size" in alt, alt
    assert prose_notice(at, "pieces") in alt, "the same sentence as beside the chart"


@pytest.mark.parametrize(("w2", "length"), [(-0.5, 10), (1.2, 30), (2.0, 50), (0.8, 75)])
def test_the_training_step_chart_says_the_gradients_norm_and_both_steps(w2, length):
    at = lab("step", w2=w2, length=length)
    alt = chart_alt(at)
    norm = engine_numbers(w2, length, "relu")["log10 |g|"]
    assert f"at T = {length}" in alt and f"diamond at w2 = {w2:g}" in alt
    assert f"the gradient's norm is {from_log10(norm)}" in alt, alt
    plain = math.log10(0.05) + norm  # the page's default learning rate
    assert from_log10(plain) in alt or "thrown off the chart" in alt, alt
    assert prose_notice(at, "step") in alt


@pytest.mark.parametrize(("w2", "length", "bias"), [(0.5, 30, 4.0), (0.9, 60, 0.0), (0.7, 100, 8.0)])
def test_the_gates_chart_says_what_the_oldest_input_keeps(w2, length, bias):
    at = lab("gates", w2=w2, length=length, gate_bias=bias)
    alt = chart_alt(at)
    logs = an.log10_input_gradients(np.ones(length), W1, w2, 0.0, W3, "relu")
    assert f"each of {length} inputs' gradient" in alt
    assert f"the oldest input keeps {from_log10(float(logs[0] - logs[-1]))} in the vanilla RNN" in alt, alt
    assert prose_notice(at, "gates") in alt


@pytest.mark.parametrize("start", [4.5, 5.5, 7.0])
def test_the_cliff_chart_says_how_far_the_plain_path_is_thrown(start):
    at = lab("cliff", cliff_start=start)
    alt = chart_alt(at)
    assert f"from w = {start:g}, b = −2" in alt
    path = an.cliff_descent((start, -2.0), 0.5, model.CLIFF_STEPS)  # the page's default learning rate
    assert significant(float(np.nanmax(path.step_lengths()))) in alt, alt
    assert prose_notice(at, "cliff") in alt


@pytest.mark.parametrize("view", ["inputs", "heatmap"])
def test_a_chart_that_follows_the_hand_keeps_one_alt_and_its_read_out_labels_itself(view):
    """Its alt text is written into its spec by Streamlit: it stays while w2 moves (else every release
    of the in-chart slider would redraw it); the read-out it draws, which says the numbers under the
    hand, is also its label for a screen reader."""
    alts = set()
    for w2, length in [(0.5, 10), (2.0, 30)]:
        at = lab(view, w2=w2, length=length)
        alts.add(chart_alt(at))
        spec = vega_charts(at)[0].proto.spec
        assert '"description": {"field": "label"' in spec or '"description":{"field":"label"' in spec
    assert alts == {text.INPUTS_ALT.text if view == "inputs" else text.HEATMAP_ALT.text}


def test_the_lesson_shows_the_labs_alt_texts_with_its_own_numbers():
    """A lesson step that shows a lab view carries the same kind of text alternative, with the
    step's own numbers, and says nothing its question hides."""
    found = 0
    for n in range(1, len(STEPS) + 1):
        at = at_step(n)
        for chart in vega_charts(at):
            assert chart.proto.alt, f"step {n}: a chart without a text alternative"
            found += 1
    assert found >= 1


def diagram_label(at) -> str:
    found = [m.value for m in at.markdown if 'class="sl-diagram"' in m.value]
    assert len(found) == 1
    return unescape(re.search(r'<svg[^>]* aria-label="([^"]*)"', found[0]).group(1))


@pytest.mark.parametrize("seed", [0, 1])
def test_the_bptt_steps_diagram_names_each_days_piece_of_dl_dw2_from_the_engine(seed):
    """Lesson step 6 draws each day's piece of dL/dw2 on the diagram; its text alternative reads
    them too (worked out here from rnn_core), and keeps their sum, which the question asks, a "?"."""
    n = next(i for i, s in enumerate(STEPS, 1) if s.key == "bptt")
    state = STEPS[n - 1].start(seed)
    at = at_step(n)
    for _ in range(seed):  # "Try other numbers": the step's next starting numbers
        at.button(key="ls_other").click().run()
    model = rc.statquest_rnn()
    model.params["w2"] = state["weights"]["w2"]
    ys = [[float(encode(state["target"]))]]
    _, grads = model.loss_and_grads(encode(list(state["days"]))[None], ys, loss="ssr")
    pieces = np.asarray(grads.per_step["w2"]).reshape(-1)
    label = diagram_label(at)
    written = ", ".join(f"day {t + 1} {number(float(p), 4)}" for t, p in enumerate(pieces))
    assert f"Each day's piece of dL/dw2: {written}; dL/dw2 = ?." in label, label


# ----------------------------------------------------------------------------- Training
# The Training page's charts and its status line for a screen reader state the run's numbers once it
# stops (a Step, a Pause, the end), worked out here by rnn_core's own Trainer from the page's start; while
# it plays they keep one text each, so the browser swaps the rows of a live chart instead of building it again.
TRAINING = "app_pages/training.py"


def charts_by_title(at) -> dict[str, str]:
    """Each Vega-Lite chart's text alternative by the start of its title."""
    found = {}
    for chart in vega_charts(at):
        title = json.loads(chart.proto.spec).get("title")
        found[title if isinstance(title, str) else title["text"]] = chart.proto.alt
    return found


def status_line(at) -> str:
    """The line a screen reader announces when it changes (role=status), as its text."""
    lines = [m.value for m in at.markdown if 'role="status"' in m.value]
    assert len(lines) == 1, lines
    return unescape(re.sub(r"<[^>]+>", "", lines[0]))


def engine_trainer(lr: float = 0.03, optimizer: str = "adam", model=("statquest", 1, "relu"), data="rules", **build):
    """The page's run (seed 4, no clipping, full batch) as rnn_core's Trainer, built here from the same start."""
    dataset, _ = datasets.build(data, length=build.get("length", 6), window=4, ticker=datasets.TICKERS[0], seed=4)
    start = choices.build_model(*model, seed=4, start="random")
    return rc.Trainer(start, dataset.train_xs, dataset.train_ys, optimizer=optimizer, lr=lr, seed=4), dataset


def figure(value: float) -> str:
    return styled(value, "figure")


def step_page(at, times: int = 1):
    for _ in range(times):
        at.button(key="tr_step").click().run()
    return at


def test_after_each_step_the_training_charts_and_status_state_the_steps_numbers():
    at = open_page(TRAINING)
    assert (
        status_line(at)
        == f"Step 0 of 1,000: the training loss at the starting weights is {metric(at, 'Training loss')}."
    )
    trainer, _ = engine_trainer()
    losses, norms = [], []
    for n in range(1, 4):
        step_page(at)
        record = next(trainer.run(1))
        losses.append(record.loss)
        norms.append(record.grad_norm)
        alts = charts_by_title(at)
        assert set(alts) == {"Training loss (MSE)", "Gradient norm", "The five weights as they train"}
        span = f"from {figure(losses[0])} at step 1" + (f" to {figure(losses[-1])} at step {n}" if n > 1 else "")
        assert f"of the training loss (mean squared error) at each step: {span}" in alts["Training loss (MSE)"]
        norm_span = f"from {figure(norms[0])} at step 1" + (f" to {figure(norms[-1])} at step {n}" if n > 1 else "")
        assert norm_span in alts["Gradient norm"]
        weights = dict(zip(trainer.model.param_shapes, record.flat, strict=True))
        for name in ("w1", "w2", "b1", "w3", "b2"):
            assert f"{name} = {styled(weights[name], 'weight')}" in alts["The five weights as they train"]
        shown_loss = number(trainer.evaluate(), 5)
        assert shown_loss == metric(at, "Training loss")
        assert (
            status_line(at)
            == f"At step {n} of 1,000: training loss {shown_loss}, gradient norm {number(norms[-1], 4)}."
        )


def test_while_playing_the_live_charts_keep_one_text_and_state_the_numbers_where_training_paused():
    at = open_page(TRAINING, {"tr_lr": "0.003", "tr_steps": "500"})
    at.button(key="tr_play").click().run()
    seen, steps = set(), []
    for _ in range(4):  # each at.run() is one refresh of the live view
        seen.add(tuple(sorted(charts_by_title(at).items())))
        steps.append(int(metric(at, "Step")))
        at.run()
    assert steps == sorted(steps) and steps[-1] > steps[0], "training went on"
    assert len(seen) == 1, "one text per chart while playing"
    alts = dict(next(iter(seen)))
    assert set(alts) == {"Training loss (MSE)", "Gradient norm", "The five weights as they train"}
    for alt in alts.values():
        assert "Training is running" in alt and "at step" not in alt
    assert status_line(at) == "Training is running, up to step 500."

    at.button(key="tr_play").click().run()  # Pause
    assert at.button(key="tr_play").label == "Play"
    paused = int(metric(at, "Step"))
    trainer, _ = engine_trainer(lr=0.003)
    records = list(trainer.run(paused))
    loss_alt = charts_by_title(at)["Training loss (MSE)"]
    assert f"from {figure(records[0].loss)} at step 1 to {figure(records[-1].loss)} at step {paused:,}" in loss_alt
    assert status_line(at).startswith(f"At step {paused:,} of 500: training loss {number(trainer.evaluate(), 5)}")


def test_a_run_that_ends_by_itself_says_so_in_its_loss_charts_text():
    at = open_page(TRAINING, {"tr_optimizer": "SGD", "tr_lr": "100"})
    at.select_slider(key="tr_speed").set_value("fastest").run()
    at.button(key="tr_play").click().run()
    for _ in range(40):
        if at.button(key="tr_play").label == "Play":
            break
        at.run()
    trainer, _ = engine_trainer(lr=100.0, optimizer="sgd")
    list(trainer.run(1000))
    stop = trainer.divergence
    assert stop is not None
    alt = charts_by_title(at)["Training loss (MSE)"]
    assert f"At step {stop.step:,} training diverged: the {stop.cause} stopped being a finite number." in alt
    assert status_line(at).startswith(f"Training diverged at step {stop.step:,}; the weights were kept from step")


def test_a_wider_models_day_by_day_chart_says_how_much_the_oldest_day_adds():
    query = {"tr_model": "GRU", "tr_data": "Longer StatLand sequences", "tr_length": "12"}
    at = open_page(TRAINING, query)
    step_page(at, 2)
    trainer, _ = engine_trainer(model=("gru", 4, "relu"), data="statland", length=12)
    list(trainer.run(2))
    xs, ys = trainer.peek_batch()
    _, grads = trainer.model.loss_and_grads(xs, ys, loss=trainer.loss)
    sizes = sum(np.linalg.norm(v.reshape(v.shape[0], -1), axis=1) for v in grads.per_step.values())
    alt = charts_by_title(at)["Each day's share of the next step's gradient"]
    assert "from day 1 (the oldest) to day 12" in alt
    assert f"the oldest day adds {number(sizes[0] / sizes[-1], 3)} times as much as the newest" in alt, alt


def test_the_copy_by_copy_picture_reads_each_days_shares_of_the_next_step():
    at = open_page(TRAINING)
    at.session_state["tr_bptt_picture"] = True  # what opening "The same, copy by copy" sets
    step_page(at, 2)
    trainer, _ = engine_trainer()
    list(trainer.run(2))
    loss, grads = trainer.model.loss_and_grads(trainer.xs, trainer.ys, loss=trainer.loss)
    alt = at.get("graphviz_chart")[-1].proto.alt
    assert f"The loss is {styled(loss, 'share')}." in alt
    for day in range(2):
        shares = ", ".join(f"dL/d{n} {styled(grads.per_step[n].reshape(2)[day], 'share')}" for n in ("w1", "w2", "b1"))
        assert f"day {day + 1}: {shares}" in alt, alt


def test_the_comparison_chart_names_each_run_and_where_its_loss_ended():
    at = open_page(TRAINING)
    step_page(at, 4)
    at.button(key="tr_reset").click().run()
    step_page(at, 2)
    trainer, _ = engine_trainer()
    records = list(trainer.run(4))
    alt = charts_by_title(at)["Training loss of recent runs (whole set)"]
    label = "1-unit RNN · adam lr 0.03 · clip off · seed 4"
    assert f"{label}: from {figure(records[0].loss)} at step 1 to {figure(records[3].loss)} at step 4" in alt, alt
    assert f"now: {label}: from {figure(records[0].loss)} at step 1 to {figure(records[1].loss)} at step 2" in alt


def test_the_held_out_prices_chart_states_both_errors_as_the_metrics_under_it_show_them():
    at = open_page(TRAINING, {"tr_data": "Stock prices"})
    step_page(at, 3)
    alt = charts_by_title(at)["Held-out period (after the training period): actual vs predicted"]
    model_error, naive_error = metric(at, "Model's test error (RMSE)"), metric(at, "Naive baseline: tomorrow = today")
    assert f"The network's error (RMSE) is {model_error}; the naive guess's, {naive_error}." in alt, alt
    trainer, dataset = engine_trainer(data="stocks")
    list(trainer.run(3))
    predicted = dataset.unscale(trainer.model.predict(dataset.test_xs)[:, 0])
    actual = dataset.unscale(dataset.test_ys[:, 0])
    assert model_error == number(math.sqrt(np.mean((predicted - actual) ** 2)), 2)


def test_with_mini_batches_the_loss_charts_text_follows_the_whole_set():
    at = open_page(TRAINING, {"tr_data": "Longer StatLand sequences", "tr_batch": "16"})
    step_page(at, 3)
    run = at.session_state["tr_run"]
    trainer, dataset = engine_trainer(data="statland")
    trainer = rc.Trainer(
        trainer.model, dataset.train_xs, dataset.train_ys, optimizer="adam", lr=0.03, batch_size=16, seed=4
    )
    first = trainer.evaluate()
    records = list(trainer.run(3))
    alt = charts_by_title(at)["Training loss (MSE): mini-batches and whole set"]
    assert run.full_loss_steps[0] == 0 and run.full_loss_steps[-1] == 3
    assert f"The whole set's loss goes from {figure(first)} at step 0 to {figure(trainer.evaluate())} at step 3" in alt
    assert f"the last mini-batch's was {figure(records[-1].loss)} at step 3." in alt, alt
