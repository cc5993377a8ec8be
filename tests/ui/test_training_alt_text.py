"""Training's charts say what they show: each chart's text alternative and the run's status line state the
numbers of the run on screen, for a sweep of runs (every model, full and mini-batches, a loss that falls, one
that rises, one that diverges, a learning rate changed mid-run, clipping). Every claim they make holds (the
checks train the run again with rnn_core), and the numbers are also worked out here, with rnn_core's own
``Trainer`` run beside the page's, never typed in."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pytest

import rnn_core as rc
from ui import claims
from ui.claims.training import styled
from ui.kit.format import number
from ui.training import alt_text, bptt, choices, datasets
from ui.training import run as training


@dataclass(frozen=True)
class Case:
    """A run as the page starts it: data, model, optimiser; ``changes``: {step: (lr, clip, threshold)} set while
    it runs; ``stops``: the step counts at which the texts are read."""

    name: str
    data: str = "rules"
    model: tuple[str, int, str] = ("statquest", 1, "relu")
    optimizer: str = "adam"
    lr: float = 0.03
    clip: tuple[str, float] = ("none", 1.0)
    batch_size: int | None = None
    length: int = 6
    stops: tuple[int, ...] = (1, 7, 60)
    changes: dict = field(default_factory=dict)


CASES = [
    Case("one unit, Adam, until it converges", stops=(1, 3, 1000)),
    Case("one unit, SGD too fast: the loss rises", optimizer="sgd", lr=3.0, stops=(1, 12)),
    Case("one unit, SGD at 100: it diverges", optimizer="sgd", lr=100.0, stops=(1, 40, 200)),
    Case("one unit, learning rate and clipping changed mid-run", stops=(5, 30), changes={10: (0.003, "norm", 0.3)}),
    Case("vanilla tanh, 4 units, clipped by value", "memory", ("vanilla", 4, "tanh"), clip=("value", 0.1), length=8),
    Case("GRU, 3 units, mini-batches of 16", "statland", ("gru", 3, "relu"), batch_size=16, stops=(1, 9, 25)),
    Case("LSTM, 2 units, stock prices", "stocks", ("lstm", 2, "relu"), lr=0.01, stops=(1, 20)),
    Case("one unit on 20-day histories", "statland", length=20, stops=(1, 15)),
]


def page_run(case: Case) -> training.LiveRun:
    dataset, problem = datasets.build(
        case.data, length=case.length, window=4, ticker=datasets.TICKERS[0], seed=4, csv_series=None
    )
    assert problem is None
    model = choices.build_model(*case.model, seed=4, start="random")
    return training.start_run(
        (), dataset, model, optimizer=case.optimizer, lr=case.lr, clip=case.clip[0], clip_threshold=case.clip[1],
        batch_size=case.batch_size, seed=4, target_steps=1000,
    )  # fmt: skip


def advance(run: training.LiveRun, case: Case, to: int) -> None:
    """Train the page's run up to step ``to`` (or until it stops), making the case's changes on the way, a few
    steps at a time as refreshes do."""
    while run.step < to and not run.finished:
        change = min((s for s in case.changes if s > run.step), default=to)
        run.advance(min(to, change) - run.step)
        if run.step in case.changes:
            run.trainer.lr, run.trainer.clip, run.trainer.clip_threshold = case.changes[run.step]
        if run.step != min(to, change):
            break


@dataclass
class Engine:
    """The same run trained by rnn_core's Trainer, step by step: each step's loss and gradient norm, the weights
    after it, and the whole set's loss after each step."""

    trainer: rc.Trainer
    loss: list[float] = field(default_factory=list)
    norm: list[float] = field(default_factory=list)
    weights: list[np.ndarray] = field(default_factory=list)
    whole: list[float] = field(default_factory=list)


def engine_run(case: Case, run: training.LiveRun, steps: int) -> Engine:
    model = choices.build_model(*case.model, seed=4, start="random")
    trainer = rc.Trainer(
        model, run.dataset.train_xs, run.dataset.train_ys, optimizer=case.optimizer, lr=case.lr,
        clip=case.clip[0], clip_threshold=case.clip[1], batch_size=case.batch_size, seed=4,
    )  # fmt: skip
    engine = Engine(trainer, whole=[trainer.evaluate()])
    while trainer.step < steps:
        if trainer.step in case.changes:
            trainer.lr, trainer.clip, trainer.clip_threshold = case.changes[trainer.step]
        record = next(trainer.run(1), None)
        if record is None:
            break
        engine.loss.append(record.loss)
        engine.norm.append(record.grad_norm)
        engine.weights.append(record.flat.copy())
        with np.errstate(all="ignore"):
            engine.whole.append(trainer.evaluate())
    return engine


def figure(value: float) -> str:
    return styled(value, "figure")


def true_and_backed(sentence: claims.Said) -> None:
    assert isinstance(sentence, claims.Said)
    assert claims.false_claims(sentence) == [], [str(c)[:300] for c in claims.false_claims(sentence)]
    assert claims.unbacked_words(sentence) == [], sentence.text


def span_text(values: list[float]) -> str:
    first = f"from {figure(values[0])} at step 1"
    return first + (f" to {figure(values[-1])} at step {len(values):,}" if len(values) > 1 else "")


STATES = [(case, stop) for case in CASES for stop in case.stops]


@pytest.mark.parametrize(("case", "stop"), STATES, ids=[f"{c.name} @ {s}" for c, s in STATES])
def test_a_stopped_runs_chart_texts_state_the_engines_numbers_and_every_claim_holds(case, stop):
    run = page_run(case)
    advance(run, case, stop)
    steps = run.step
    engine = engine_run(case, run, steps + 1 if run.diverged else steps)  # a diverged run tried one more
    assert len(engine.loss) == len(run.history) == steps

    status = alt_text.status(run)
    true_and_backed(status)
    assert f"training loss {number(engine.whole[len(engine.loss)], 5)}" in status.text, status.text
    if steps == 0:
        return
    assert f"gradient norm {number(engine.norm[-1], 4)}" in status.text, status.text

    loss = alt_text.loss_alt(run, log_loss=True, playing=False)
    true_and_backed(loss)
    if run.mini_batches:
        measured = run.full_loss_steps
        assert (
            f"goes from {figure(engine.whole[measured[0]])} at step {measured[0]:,} "
            f"to {figure(engine.whole[measured[-1]])} at step {measured[-1]:,}"
        ) in loss.text, loss.text
        assert f"the last mini-batch's was {figure(engine.loss[-1])} at step {steps:,}" in loss.text
    else:
        assert span_text(engine.loss) in loss.text, loss.text
        lowest = int(np.argmin(engine.loss))
        said_lowest = f"its lowest, {figure(engine.loss[lowest])} at step {lowest + 1:,}"
        assert (said_lowest in loss.text) == (
            0 < lowest < steps - 1 and figure(engine.loss[lowest]) not in span_text(engine.loss)
        ), loss.text
    if run.converged:
        assert f"The run converged at step {run.converged_at:,}" in loss.text
        assert (engine.whole[steps] if run.mini_batches else engine.loss[-1]) < training.CONVERGED_LOSS
    if run.diverged:
        assert f"At step {steps + 1:,} training diverged" in loss.text
        assert engine.trainer.divergence.step == steps + 1

    norm = alt_text.norm_alt(run, playing=False)
    true_and_backed(norm)
    assert span_text(engine.norm) in norm.text, norm.text

    if run.history.params:  # the one-unit network's weights chart
        weights = alt_text.weights_alt(run, playing=False)
        true_and_backed(weights)
        names = list(run.model.param_shapes)
        last = dict(zip(names, engine.weights[-1], strict=True))
        for name in alt_text.PARAMS:
            assert f"{name} = {styled(last[name], 'weight')}" in weights.text, weights.text

    if not run.diverged:
        back = run.next_backward()
        per_day = alt_text.per_day_alt(run, back, playing=False)
        true_and_backed(per_day)
        xs, ys = engine.trainer.peek_batch()
        _, grads = engine.trainer.model.loss_and_grads(xs, ys, loss=engine.trainer.loss)
        sizes = sum(np.linalg.norm(v.reshape(v.shape[0], -1), axis=1) for v in grads.per_step.values())
        if sizes[-1] > 0:
            assert f"the oldest day adds {number(sizes[0] / sizes[-1], 3)} times as much as the newest" in per_day.text
        else:
            assert "The newest day's shares are all 0." in per_day.text
        if rc.is_statquest_rnn(run.model) and back.n_days <= bptt.MAX_DRAWN_DAYS:
            picture = alt_text.picture_alt(run, back)
            true_and_backed(picture)
            shares = {n: grads.per_step[n].reshape(back.n_days, -1).sum(axis=1) for n in bptt.SHARED}
            for day in range(back.n_days):
                written = ", ".join(f"dL/d{n} {styled(shares[n][day], 'share')}" for n in bptt.SHARED)
                assert f"day {day + 1}: {written}" in picture.text, picture.text
            assert "dL/dw2 = " + styled(shares["w2"].sum(), "share") in picture.text

    if run.dataset.unscale is not None:
        test_xs, test_ys = run.dataset.test_xs, run.dataset.test_ys[:, 0]
        predicted = run.dataset.unscale(engine.trainer.model.predict(test_xs)[:, 0])
        actual, naive = run.dataset.unscale(test_ys), run.dataset.unscale(test_xs[:, -1].reshape(-1))
        model_error = number(math.sqrt(np.mean((predicted - actual) ** 2)), 2)
        naive_error = number(math.sqrt(np.mean((naive - actual) ** 2)), 2)
        chart = alt_text.predictions_alt(run, "date", "price", model_error, naive_error)
        true_and_backed(chart)
        assert f"is {model_error}; the naive guess's, {naive_error}" in chart.text


@pytest.mark.parametrize("case", CASES[:1] + CASES[4:6], ids=lambda c: c.name)
def test_while_training_plays_each_chart_keeps_one_text_without_numbers(case):
    """A new text makes the browser build the chart again: while playing it stays the same refresh after
    refresh, so the browser only swaps the rows. It says where the live numbers are, and makes no claim."""
    run = page_run(case)
    texts = []
    for stop in (1, 5, 20):
        advance(run, case, stop)
        back = run.next_backward()
        texts.append(
            [
                alt_text.loss_alt(run, True, playing=True),
                alt_text.norm_alt(run, playing=True),
                alt_text.weights_alt(run, playing=True),
                alt_text.per_day_alt(run, back, playing=True),
            ]
        )
    assert texts[0] == texts[1] == texts[2]
    for sentence in texts[0]:
        assert sentence.claims == () and claims.unbacked_words(sentence) == []
        assert "Step, Training loss and Gradient norm figures" in sentence.text
    run.toggle_play()
    assert alt_text.status(run).text == f"Training is running, up to step {run.target_steps:,}."


def test_a_claim_about_another_number_of_the_run_is_false():
    """The checks are not a formality: a step's loss said of another step, or a lowest point put elsewhere,
    fails when rnn_core trains the run again."""
    run = page_run(CASES[0])
    run.advance(30)
    replay, losses = run.replay(), run.history.loss
    said = claims.claim("run_values", run=replay, values=((30, "loss", figure(losses[0]), "figure"),))
    assert not said.holds()
    right = claims.claim("run_values", run=replay, values=((30, "loss", figure(losses[29]), "figure"),))
    assert right.holds()
    lowest = int(np.argmin(losses)) + 1
    assert claims.claim("run_extreme", run=replay, steps=30, quantity="loss", extreme="lowest", step=lowest).holds()
    elsewhere = lowest % 30 + 1
    assert not claims.claim(
        "run_extreme", run=replay, steps=30, quantity="loss", extreme="lowest", step=elsewhere
    ).holds()


def test_the_comparison_charts_text_names_each_run_and_where_its_loss_ends():
    case = CASES[0]
    kept = []
    for lr, steps in [(0.03, 20), (0.003, 35)]:
        run = page_run(Case("again", lr=lr))
        run.advance(steps)
        kept = training.keep_curve(kept, training.curve_of(run, f"Adam lr {lr:g}"))
    now = page_run(case)
    now.advance(5)
    curves = [*kept, training.curve_of(now, "now: Adam lr 0.03")]
    text = alt_text.comparison_alt(curves)
    true_and_backed(text)
    for curve, (lr, steps) in zip(curves, [(0.03, 20), (0.003, 35), (0.03, 5)], strict=True):
        engine = engine_run(Case("again", lr=lr), now, steps)
        assert f"{curve.label}: {span_text(engine.loss)}" in text.text, text.text
