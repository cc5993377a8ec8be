"""Training's claims: BPTT's per-day shares, a loss that rose, a run that converged, a learning rate too large, and
the numbers its charts and status line state, checked by training the run again with rnn_core (``Replay``)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

import rnn_core as rc
from ui.claims import check


# -- training: BPTT's per-day shares, a run's loss -------------------------------------------------------
@check("first_day_w2_share_zero", r"exactly zero", r"share of dL/dw2 is 0")
def _first_day_w2_share_zero(xs, ys, weights, loss="ssr") -> bool:
    """BPTT gives day 1 no share of dL/dw2 for these sequences (``xs``, oldest first), targets and one-unit weights."""
    model = rc.statquest_rnn(**dict(weights))
    grads = model.loss_and_grads(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), loss=loss)[1]
    return float(np.asarray(grads.per_step["w2"])[0].sum()) == 0.0


@check("shares_add_up", r"sum of every day's piece")
def _shares_add_up(xs, ys, weights, loss="ssr") -> bool:
    """The engine's dL/dw2 is the sum of the per-day pieces BPTT finds (day 1's is 0: h0 = 0), over more
    than one day."""
    model = rc.statquest_rnn(**dict(weights))
    grads = model.loss_and_grads(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), loss=loss)[1]
    per_step = np.asarray(grads.per_step["w2"])
    pieces = per_step.reshape(per_step.shape[0], -1).sum(axis=1)  # one piece per day, over the batch
    total = float(np.asarray(grads["w2"]).ravel()[0])
    return bool(pieces.size > 1 and np.any(pieces) and math.isclose(pieces.sum(), total, rel_tol=1e-12, abs_tol=1e-15))


@check("loss_rose", r"loss (?:climbs|climb|rose|went up)", r"raised the loss")
def _loss_rose(before, after) -> bool:
    return math.isfinite(before) and math.isfinite(after) and after > before


@check("within_of_targets", r"every prediction within")
def _within_of_targets(model, xs, targets, bound) -> bool:
    """The model (as its weights file) predicts every target within ``bound``."""
    from rnn_core.weights_io import model_from_json

    outputs = model_from_json(model).predict(np.asarray(xs, dtype=float))
    return bool(np.max(np.abs(outputs - np.asarray(targets, dtype=float))) <= bound)


@check("sgd_loss_climbs", r"loss climbs?")
def _sgd_loss_climbs(seed, lr, steps) -> bool:
    """From the Training page's seeded one-unit start, ``steps`` plain SGD steps on the four rules end
    with a higher loss than they started from."""
    from rnn_core.data import four_rules

    xs, ys = four_rules()
    trainer = rc.Trainer(rc.VanillaRNN(1, activation="relu", seed=seed), xs, ys, optimizer="sgd", lr=lr)
    before = trainer.evaluate()
    list(trainer.run(steps))
    return trainer.evaluate() > before


# -- training: a run's numbers, trained again from its start ---------------------------------------------
@dataclass(frozen=True, repr=False)
class Replay:
    """A Training run as rnn_core can train it again: its starting weights (a weights file), its data, its
    optimiser, batches, seed and loss, and the learning rate and clipping in force from each step on
    (``rules``: (from step, lr, clip, threshold), the first from step 0). Hashable, so claims can hold it."""

    start: str
    xs: bytes
    xs_shape: tuple[int, ...]
    ys: bytes
    ys_shape: tuple[int, ...]
    optimizer: str
    batch_size: int | None
    seed: int
    loss: str
    rules: tuple[tuple[int, float, str, float], ...]

    @classmethod
    def of(cls, start: str, xs, ys, *, optimizer, batch_size, seed, loss, rules) -> Replay:
        xs, ys = np.ascontiguousarray(xs, dtype=float), np.ascontiguousarray(ys, dtype=float)
        rules = tuple((int(s), float(lr), str(c), float(t)) for s, lr, c, t in rules)
        return cls(start, xs.tobytes(), xs.shape, ys.tobytes(), ys.shape, optimizer, batch_size, int(seed), loss, rules)

    def __repr__(self) -> str:
        return f"Replay({self.optimizer}, {self.xs_shape[0]} samples, batch {self.batch_size}, seed {self.seed})"


@dataclass(frozen=True)
class Replayed:
    """A run trained again for a number of steps: each step's loss (before its update) and gradient norm,
    the weights after it (for a model of at most five numbers), the whole set's loss after the steps asked
    for, and where it diverged (the step and what stopped being finite), if it did."""

    loss: tuple[float, ...]
    grad_norm: tuple[float, ...]
    params: dict[str, tuple[float, ...]]
    whole_set: dict[int, float]
    diverged: tuple[int, str] | None


def trained(run: Replay, steps: int, after_each=None) -> rc.Trainer:
    """A fresh rnn_core Trainer for ``run``, from its start, after ``steps`` steps (fewer if it diverges), the
    learning rate and clipping set as they were; ``after_each(trainer, record)`` is called after every step."""
    from rnn_core.weights_io import model_from_json

    xs = np.frombuffer(run.xs, dtype=float).reshape(run.xs_shape)
    ys = np.frombuffer(run.ys, dtype=float).reshape(run.ys_shape)
    _, lr, clip, threshold = run.rules[0]
    trainer = rc.Trainer(
        model_from_json(run.start), xs, ys, optimizer=run.optimizer, lr=lr, clip=clip, clip_threshold=threshold,
        batch_size=run.batch_size, seed=run.seed, loss=run.loss,
    )  # fmt: skip
    rules = {start: rule for start, *rule in run.rules}
    with np.errstate(all="ignore"):
        while trainer.step < steps:
            if trainer.step in rules:
                trainer.lr, trainer.clip, trainer.clip_threshold = rules[trainer.step]
            record = next(trainer.run(1), None)
            if record is None:
                break
            if after_each is not None:
                after_each(trainer, record)
    return trainer


@functools.lru_cache(maxsize=32)
def replayed(run: Replay, steps: int, measured: tuple[int, ...] = ()) -> Replayed:
    """Train ``run`` again with rnn_core from its start for ``steps`` steps (``trained``), measuring the whole
    training set's loss after each step in ``measured`` (0: at the start)."""
    losses, norms, params, whole = [], [], {}, {}

    def keep(trainer: rc.Trainer, record) -> None:
        losses.append(record.loss)
        norms.append(record.grad_norm)
        if trainer.model.n_params <= 5:
            for name, value in zip(trainer.model.param_shapes, record.flat.tolist(), strict=True):
                params.setdefault(name, []).append(value)
        if trainer.step in measured:
            whole[trainer.step] = float(trainer.evaluate())

    if 0 in measured:
        with np.errstate(all="ignore"):
            whole[0] = float(trained(run, 0).evaluate())
    trainer = trained(run, steps, keep)
    diverged = (trainer.divergence.step, trainer.divergence.cause) if trainer.divergence is not None else None
    return Replayed(tuple(losses), tuple(norms), {k: tuple(v) for k, v in params.items()}, whole, diverged)


def next_step_per_day(run: Replay, step: int) -> tuple[float, dict[str, np.ndarray]]:
    """The loss and each parameter's per-day shares of the gradient (shape (T, ...)) of the step after ``step``,
    on the batch it will use, from the run trained again that far."""
    trainer = trained(run, step)
    xs, ys = trainer.peek_batch()
    with np.errstate(all="ignore"):
        loss, grads = trainer.model.loss_and_grads(xs, ys, loss=trainer.loss)
    return float(loss), {name: np.asarray(value, dtype=float) for name, value in grads.per_step.items()}


def styled(value: float, style: str) -> str:
    """A number as the Training page writes it in this ``style``: 'figure' (a loss or a norm in a sentence:
    three or four significant digits, a power of ten beyond 10^±3), 'number5' / 'number4' (the metrics' five
    and four decimals), 'weight' (the weights table's) or 'share' (the backward pass's four decimals); the
    last two with a true minus sign, as a screen reader reads it."""
    from ui.kit.format import number, signed_power_of_ten
    from ui.training.run import shown_value

    value = float(value)
    if style == "figure":
        if value == 0 or not math.isfinite(value):
            return number(value)
        return signed_power_of_ten(math.log10(abs(value)), negative=value < 0)
    if style == "weight":
        return shown_value(value).replace("-", "−")
    if style == "share":
        return number(value, 4).replace("-", "−")
    return number(value, int(style.removeprefix("number")))


def replayed_value(run: Replay, step: int, quantity: str, steps: int | None = None) -> float:
    """One number of ``run`` trained again: at ``step``, its 'loss' (before that step's update), 'gradient norm',
    'whole-set loss' (after it; step 0 is the start) or a parameter (after it)."""
    found = replayed(run, max(step, steps or 0), (step,) if quantity == "whole-set loss" else ())
    if quantity == "whole-set loss":
        return found.whole_set[step]
    series = {"loss": found.loss, "gradient norm": found.grad_norm, **found.params}[quantity]
    return series[step - 1]


@check("run_values")
def _run_values(run: Replay, values) -> bool:
    """Each (step, quantity, shown, style) in ``values`` is what rnn_core gives when it trains the run again
    (``replayed_value``), written as the page writes it."""
    return all(styled(replayed_value(run, step, quantity), style) == shown for step, quantity, shown, style in values)


@check("run_extreme")
def _run_extreme(run: Replay, steps: int, quantity: str, extreme: str, step: int) -> bool:
    """Over the run's ``steps`` steps trained again, ``quantity`` ('loss' or 'gradient norm') is lowest
    (``extreme`` 'lowest') or largest ('largest') first at ``step``."""
    found = replayed(run, steps)
    series = np.asarray(found.loss if quantity == "loss" else found.grad_norm, dtype=float)
    if len(series) != steps:
        return False
    at = int(np.argmin(series) if extreme == "lowest" else np.argmax(series)) + 1
    return at == step


@check("run_converged")
def _run_converged(run: Replay, step: int, tolerance: float, whole_set: bool) -> bool:
    """Trained again, the run's loss at ``step`` is below ``tolerance``: that step's own loss (full batch) or,
    with mini-batches, the whole set's after it."""
    value = replayed_value(run, step, "whole-set loss" if whole_set else "loss")
    return value < tolerance


@check("run_diverged")
def _run_diverged(run: Replay, step: int, cause: str) -> bool:
    """Trained again, the run diverges at ``step`` (its ``cause``: loss, gradient or update stops being finite)."""
    return replayed(run, step).diverged == (step, cause)


# -- training: the backward pass's numbers, the held-out predictions -----------------------------------
@check("next_step_shares")
def _next_step_shares(run: Replay, step: int, shown) -> bool:
    """For the one-unit network trained again to ``step``: on the next step's batch, each (day, name, text) of
    ``shown`` is that day's share of dL/d<name> (day 'sum': their sum; name 'loss': the loss), to four decimals."""
    loss, per_day = next_step_per_day(run, step)
    for day, name, text in shown:
        if name == "loss":
            value = loss
        else:
            days = per_day[name].reshape(per_day[name].shape[0], -1).sum(axis=1)
            value = float(days.sum() if day == "sum" else days[int(day) - 1])
        if styled(value, "share") != text:
            return False
    return True


@check("oldest_day_ratio")
def _oldest_day_ratio(run: Replay, step: int, shown: str) -> bool:
    """For the run trained again to ``step``: on the next step's batch, the oldest day's shares of the gradient
    (their lengths added over the parameters) are ``shown`` times the newest day's, to three decimals
    ('': the newest day's are all 0)."""
    from ui.kit.format import number

    _, per_day = next_step_per_day(run, step)
    sizes = sum(np.sqrt(np.sum(v.reshape(v.shape[0], -1) ** 2, axis=1)) for v in per_day.values())
    first, last = float(sizes[0]), float(sizes[-1])
    if not last > 0:
        return shown == ""
    with np.errstate(all="ignore"):
        ratio = first / last
    return math.isfinite(ratio) and number(ratio, 3) == shown


@check("held_out_errors")
def _held_out_errors(model, xs, ys, low, span, shown_model, shown_naive) -> bool:
    """On the held-out windows, the model's (a weights file) and the naive guess's root-mean-square errors in
    the prices' units (scaled values times ``span`` plus ``low``) read ``shown_model`` and ``shown_naive``
    (two decimals)."""
    from rnn_core.weights_io import model_from_json
    from ui.kit.format import number

    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float).reshape(-1)
    with np.errstate(all="ignore"):
        actual = ys * span + low
        predicted = model_from_json(model).predict(xs)[:, 0] * span + low
        naive = xs[:, -1].reshape(-1) * span + low
        model_error = float(np.sqrt(np.mean((predicted - actual) ** 2)))
        naive_error = float(np.sqrt(np.mean((naive - actual) ** 2)))
    return number(model_error, 2) == shown_model and number(naive_error, 2) == shown_naive
