"""The Training page's state: which data set, which model, and a live run that survives reruns.

A ``LiveRun`` holds a model, its ``Trainer`` and the ``History`` of every step. It
lives in ``st.session_state`` (one per user), never in a cache, and advances in
time-boxed chunks so the page stays responsive while it trains. Nothing here imports
Streamlit, so the rules (which model a weights file means, when a run is over) are
tested directly.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

import rnn_core as rc
from rnn_core.train import History, Trainer
from rnn_core.weights_io import model_to_json
from ui.claims import Claim, Said, claim, said
from ui.claims.training import Replay
from ui.kit.charts import MAX_POINTS, thin_indices
from ui.kit.format import number, significant
from ui.training import bptt
from ui.training.choices import DEFAULT_SPEED, SPEEDS, Dataset

# A run takes at least this many live refreshes, so even a run the engine finishes in a few
# milliseconds is watched as it learns (each refresh trains at most 1/20 of the steps).
MIN_REFRESHES = 20

# A run stops itself once the whole training set's loss is below this: the predictions are
# then within about 0.001 of the targets, and further steps would only chart rounding noise.
CONVERGED_LOSS = 1e-6

# Shown values smaller than this read 0 (a prediction of -1.4e-17 is a rounding error of 0).
ZERO_BELOW = 1e-9

# A refresh trains in up to this many slices, each a yield point where a click can stop it.
SLICES = 8

RUNS_KEPT = 4  # earlier runs whose loss curves stay on the comparison chart


def shown_value(value: float, digits: int = 3) -> str:
    """``number`` for the page's tables, with magnitudes below ``ZERO_BELOW`` read as 0."""
    value = float(value)
    return "0" if math.isfinite(value) and abs(value) < ZERO_BELOW else number(value, digits)


@dataclass
class LiveRun:
    """One user's training run: model, trainer, history and whether it is playing."""

    signature: tuple
    dataset: Dataset
    model: rc.RecurrentModel
    trainer: Trainer
    history: History
    target_steps: int
    initial_loss: float = float("nan")
    running: bool = False
    converged_at: int | None = None  # the step at which the loss fell below CONVERGED_LOSS
    speed: str = DEFAULT_SPEED
    label: str = ""  # the settings in words (Settings.run_label), for the comparison chart
    # The whole training set's loss at the weights of these steps, measured once per refresh
    # (a step's own loss is its mini-batch's, before its update).
    full_loss_steps: list[int] = field(default_factory=list)
    full_loss: list[float] = field(default_factory=list)
    # Streamlit may start a new run of the page (a Pause click) while the previous fragment
    # run is still training in its own thread: the lock keeps steps, callbacks and chart
    # snapshots from interleaving, so a paused run never takes another step.
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    # The next step's BPTT, for the step it was computed at: the table beside the loss and the
    # section below it read the same one.
    _backward: tuple[int, bptt.Backward] | None = field(default=None, repr=False, compare=False)
    # What rnn_core needs to train the run again (``replay``), for the claims of the sentences about it:
    # the starting weights (a weights file), the optimiser's name, and the learning rate and clipping in
    # force from each step on, (from step, lr, clip, threshold), as they change while it runs.
    start: str = field(default="", repr=False)
    optimizer: str = "adam"
    seed: int = 0
    rules: list[tuple[int, float, str, float]] = field(default_factory=list, repr=False)
    _replay: Replay | None = field(default=None, repr=False, compare=False)

    @property
    def step(self) -> int:
        return self.trainer.step

    @property
    def mini_batches(self) -> bool:
        """Whether each step sees only some of the samples (batch sizes below the sample count)."""
        return self.trainer.batch_size is not None

    @property
    def diverged(self) -> bool:
        return self.trainer.divergence is not None

    @property
    def converged(self) -> bool:
        return self.converged_at is not None

    @property
    def finished(self) -> bool:
        return self.diverged or self.converged or self.trainer.step >= self.target_steps

    def advance(self, max_steps: int, seconds: float | None = None, *, measure: bool = True) -> int:
        """Train up to ``max_steps`` more steps (within ``seconds`` if given); return how many ran.

        With full batches each step's loss is the whole set's at the weights before it, so
        the run stops at the first step whose loss is below ``CONVERGED_LOSS``; with
        mini-batches the whole set's loss is checked at the end of the chunk (if ``measure``).
        """
        with self.lock:
            max_steps = min(max_steps, self.target_steps - self.trainer.step)
            before = len(self.history)
            self._note_rule()
            if max_steps > 0 and not self.converged:
                run = self.trainer.run(max_steps) if seconds is None else self.trainer.run_for(seconds, max_steps)
                for record in run:
                    self.history.add(record)
                    if not self.mini_batches and record.loss < CONVERGED_LOSS:
                        self.converged_at = record.step  # the step the weights are now at
                        break
                if measure:
                    self.measure()
            if self.finished:
                self.running = False
            return len(self.history) - before

    def _note_rule(self) -> None:
        """Keep the learning rate and clipping the next steps use, if they changed since the last step."""
        rule = (self.step, float(self.trainer.lr), self.trainer.clip, float(self.trainer.clip_threshold))
        if self.rules and self.rules[-1][1:] == rule[1:]:
            return
        if self.rules and self.rules[-1][0] == self.step:
            self.rules[-1] = rule
        else:
            self.rules.append(rule)

    def replay(self) -> Replay:
        """The run as rnn_core can train it again from its start (``ui.claims.training.Replay``)."""
        with self.lock:
            rules = tuple(self.rules) or ((0, self.trainer.lr, self.trainer.clip, self.trainer.clip_threshold),)
            if self._replay is None or self._replay.rules != rules:
                self._replay = Replay.of(
                    self.start,
                    self.dataset.train_xs,
                    self.dataset.train_ys,
                    optimizer=self.optimizer,
                    batch_size=self.trainer.batch_size,
                    seed=self.seed,
                    loss=self.trainer.loss,
                    rules=rules,
                )
            return self._replay

    def measure(self) -> None:
        """With mini-batches, the whole set's loss at the current weights (kept for the loss chart);
        the run has converged once it is below ``CONVERGED_LOSS``."""
        with self.lock:
            if self.mini_batches and not self.converged and self.current_loss() < CONVERGED_LOSS:
                self.converged_at = self.step
            if self.finished:
                self.running = False

    @property
    def steps_per_tick(self) -> int:
        """The most steps one refresh takes at this speed; the fastest still lasts ``MIN_REFRESHES`` refreshes."""
        steps = SPEEDS[self.speed].steps
        if steps is not None:
            return steps
        return max(1, math.ceil(self.target_steps / MIN_REFRESHES))

    def tick(self, seconds: float, between: Callable[[], None] | None = None) -> bool:
        """One refresh while playing: train for up to ``seconds`` and ``steps_per_tick`` steps,
        unless paused meanwhile.

        A large refresh trains in up to ``SLICES`` slices and calls ``between()`` between them:
        the page shows the step count there, and Streamlit, at that call, stops the refresh for
        a click waiting to be answered, so a Pause takes effect within a slice.

        Returns True when this tick ended the run (finished or diverged), so the page can
        stop its timer and show the results.
        """
        steps = self.steps_per_tick
        slices = max(1, min(SLICES, steps))
        deadline = time.perf_counter() + seconds
        for k in range(slices):
            with self.lock:
                if not self.running:
                    return False
                share = math.ceil(steps * (k + 1) / slices) - math.ceil(steps * k / slices)
                left = max(0.0, deadline - time.perf_counter())
                self.advance(share, left / (slices - k), measure=False)
                if not self.running or k == slices - 1 or time.perf_counter() >= deadline:
                    break
            if between is not None:
                between()
        self.measure()  # once per refresh, not per slice
        return not self.running

    def toggle_play(self) -> None:
        with self.lock:
            self.running = not self.running and not self.finished

    def step_once(self) -> None:
        """Pause and take exactly one step (the Step button)."""
        with self.lock:
            self.running = False
            self.target_steps = max(self.target_steps, self.step + 1)
            self.converged_at = None  # a Step asked for by hand is taken; its loss is checked again
            self.advance(1)

    def snapshot(self, max_points: int = MAX_POINTS) -> dict:
        """The history thinned to ``max_points`` evenly spaced steps (first and last kept), as
        independent lists: charts are drawn from it while training may go on, and a chart of
        20,000 steps shows no more than one of 400."""
        with self.lock:
            history = self.history
            count = len(history)
            keep = thin_indices(count, max_points)
            loss_now = self.current_loss()
            measured = thin_indices(len(self.full_loss), max_points)
            return {
                "done": self.step,
                "target": self.target_steps,
                "running": self.running,
                "loss now": loss_now,
                "last gradient norm": history.grad_norm[-1] if count else float("nan"),
                "step": [history.step[i] for i in keep],
                "loss": [history.loss[i] for i in keep],
                "gradient norm": [history.grad_norm[i] for i in keep],
                "params": {name: [values[i] for i in keep] for name, values in history.params.items()},
                "full loss step": [self.full_loss_steps[i] for i in measured],
                "full loss": [self.full_loss[i] for i in measured],
            }

    def next_backward(self) -> bptt.Backward:
        """Each day's share of the gradient the next step uses, computed once per step reached."""
        with self.lock:
            if self._backward is None or self._backward[0] != self.step:
                self._backward = (self.step, bptt.backward_for_next_step(self.trainer))
            return self._backward[1]

    def first_step_losses(self) -> tuple[float, float] | None:
        """The whole set's loss before and after step 1 (full batch only: a mini-batch's loss is its own)."""
        with self.lock:
            if self.step < 1 or self.mini_batches:
                return None
            after = self.history.loss[1] if len(self.history) > 1 else self.current_loss()
            return self.initial_loss, after

    def current_loss(self) -> float:
        """The loss on the whole training set at the current weights.

        Computed once per step reached (a forward pass, cheaper than a training step), so
        a refresh and the results below it share one evaluation. With mini-batches each
        evaluation is also kept for the loss chart.
        """
        with self.lock:
            if self.full_loss_steps and self.full_loss_steps[-1] == self.step:
                return self.full_loss[-1]
            with np.errstate(all="ignore"):
                value = float(self.trainer.evaluate())
            if self.mini_batches or not self.full_loss_steps:
                self.full_loss_steps.append(self.step)
                self.full_loss.append(value)
            else:  # full batch: the steps' own losses are already the whole set's; keep only the latest
                self.full_loss_steps[-1], self.full_loss[-1] = self.step, value
            return value


def start_run(
    signature: tuple,
    dataset: Dataset,
    model: rc.RecurrentModel,
    *,
    optimizer: str,
    lr: float,
    clip: str,
    clip_threshold: float,
    batch_size: int | None,
    seed: int,
    target_steps: int,
) -> LiveRun:
    """A new run at step 0; the same arguments always give the same run (weights, batches)."""
    trainer = Trainer(
        model,
        dataset.train_xs,
        dataset.train_ys,
        optimizer=optimizer,
        lr=lr,
        clip=clip,
        clip_threshold=clip_threshold,
        batch_size=batch_size,
        seed=seed,
    )
    run = LiveRun(signature, dataset, model, trainer, History.for_model(model), target_steps)
    run.start, run.optimizer, run.seed = model_to_json(model), optimizer, seed
    run._note_rule()
    run.initial_loss = run.current_loss()
    return run


def first_step_note(optimizer: str, loss_before: float, loss_after: float, lr: float) -> Said | None:
    """Why the very first step raised the loss, or None if it did not.

    With Adam the cause is its first update: it divides each gradient by its own size,
    so every weight with a gradient moves by about the full learning rate (one at 0.0004
    as far as one at 0.2), and together those equal moves can overshoot. Plain SGD and
    momentum move each weight in proportion to its gradient.
    """
    if not (np.isfinite(loss_before) and np.isfinite(loss_after)) or loss_after <= loss_before:
        return None
    rose = said(
        f"The first step raised the loss ({loss_before:.5f} → {loss_after:.5f}): ",
        claim("loss_rose", before=loss_before, after=loss_after),
    )
    if optimizer == "adam":
        return rose + (
            f"Adam's first step moves every weight with a gradient by about the full learning rate ({lr:g}), "
            "even one whose gradient is tiny, and together they overshoot."
        )
    return rose + f"the learning rate ({lr:g}) carries the weights past the low point; a small enough one would not."


def loss_rose_warning(loss_before: float, loss_now: float) -> Said:
    """The warning for a run whose loss ended above where it started."""
    return (
        said(
            f"The loss went up, from {number(loss_before, 4)} to {number(loss_now, 4)}: ",
            claim("loss_rose", before=loss_before, after=loss_now),
        )
        + "the learning rate is probably too large for this model. Reset and try a smaller one."
    )


@dataclass(frozen=True)
class RunCurve:
    """An earlier run's loss curve (thinned), kept for comparison, with what trains the run again (for the
    claims about it) and which loss it draws: each step's ('loss') or the whole set's ('whole-set loss')."""

    label: str
    step: tuple[int, ...]
    loss: tuple[float, ...]
    replay: Replay | None = None
    quantity: str = "loss"


def curve_of(run: LiveRun, label: str) -> RunCurve | None:
    """A run's whole-set loss curve for the comparison chart, or None if it took no steps."""
    history = run.snapshot()
    if not history["step"]:
        return None
    if run.mini_batches:
        return RunCurve(
            label, tuple(history["full loss step"]), tuple(history["full loss"]), run.replay(), "whole-set loss"
        )
    return RunCurve(label, tuple(history["step"]), tuple(history["loss"]), run.replay())  # as the live chart draws it


CHANGED_MID_RUN = " · then changed"


def next_label(current: str, settings_label: str, step: int) -> str:
    """A run's label for its comparison curve: its settings when it started; once it has taken
    steps, a later change of learning rate or clipping is marked, never silently relabelled."""
    if step == 0 or not current:
        return settings_label
    base = current.removesuffix(CHANGED_MID_RUN)
    return current if base == settings_label else base + CHANGED_MID_RUN


def keep_curve(kept: list[RunCurve], curve: RunCurve | None, limit: int = RUNS_KEPT) -> list[RunCurve]:
    """The last ``limit`` runs, newest last; the same label twice keeps the newer one with a number."""
    if curve is None:
        return list(kept)
    labels = {c.label for c in kept}
    label, n = curve.label, 2
    while label in labels:
        label, n = f"{curve.label} ({n})", n + 1
    return [*kept, dataclasses.replace(curve, label=label)][-limit:]


def rounded_up(value: float, digits: int = 2) -> float:
    """``value`` rounded up to ``digits`` significant digits: a bound it stays within once shown."""
    if value <= 0:
        return 0.0
    unit = 10.0 ** (math.floor(math.log10(value)) - digits + 1)
    return math.ceil(value / unit - 1e-9) * unit


def converged_claim(run: LiveRun) -> Claim:
    """The claim that rnn_core, training the run again, has the loss below the tolerance at the step
    the run converged (every sentence that says the run converged carries it)."""
    return claim(
        "run_converged", run=run.replay(), step=run.converged_at, tolerance=CONVERGED_LOSS, whole_set=run.mini_batches
    )


def convergence(run: LiveRun) -> Said:
    """What a converged run has reached, to end a sentence with: the loss below the tolerance and every
    prediction within a bound of its target."""
    with np.errstate(all="ignore"):
        worst = float(np.max(np.abs(run.model.predict(run.dataset.train_xs) - run.dataset.train_ys)))
    bound = rounded_up(worst)
    return said(
        f"the loss is below {number(CONVERGED_LOSS)}, every prediction within {significant(bound)} of its target",
        claim(
            "within_of_targets",
            model=model_to_json(run.model),
            xs=np.asarray(run.dataset.train_xs, dtype=float).tolist(),
            targets=np.asarray(run.dataset.train_ys, dtype=float).tolist(),
            bound=bound,
        ),
        converged_claim(run),
    )


def status_line(run: LiveRun) -> Said | None:
    """Where the run stands, in one line: converged, finished, or nothing to say."""
    if run.converged:
        return f"Converged at step {run.converged_at:,}: " + convergence(run) + ", so the run stopped."
    if run.step >= run.target_steps:
        return said("Finished. Raise **Steps** to train longer, or press **Step**.")
    return None
