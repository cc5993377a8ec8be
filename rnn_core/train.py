"""A resumable training loop that yields one record per step, for live charts.

    trainer = Trainer(model, xs, ys, optimizer="adam", lr=0.05, seed=0)
    for record in trainer.run(100):      # call again later to continue where it stopped
        print(record.step, record.loss, record.grad_norm)

A step whose loss, gradient or update is not finite is not applied: training stops
with a typed reason in ``trainer.divergence`` and the model keeps its last finite weights.
"""

from __future__ import annotations

import copy
import math
import numbers
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from .base import RecurrentModel, Workspace, views_of
from .losses import LOSSES, loss_and_dy
from .optim import CLIPPING, clip_gradient, make_optimizer, norm_ignoring_overflow


@dataclass(frozen=True)
class Divergence:
    """Why a run stopped, and at which ``step`` (the one that failed, never applied).

    ``cause`` is 'loss' (the loss at the current weights is not finite), 'gradient' (the
    loss is finite but its gradient is not) or 'update' (loss and gradient are finite, but
    applying the optimiser's step would make a weight non-finite).
    """

    cause: str
    step: int
    message: str


class TrainingDiverged(RuntimeError):
    """Raised by ``Trainer.fit`` when a run diverges; carries the ``Divergence``."""

    def __init__(self, divergence: Divergence):
        super().__init__(divergence.message)
        self.divergence = divergence


@dataclass(frozen=True)
class StepRecord:
    """One training step: the loss and gradient norm measured before the update
    (``grad_norm`` before clipping), whether clipping acted, and the parameters after it."""

    step: int
    loss: float
    grad_norm: float
    clipped: bool
    flat: np.ndarray
    shapes: dict

    @property
    def params(self) -> dict[str, np.ndarray]:
        return views_of(self.flat, self.shapes)


class Trainer:
    """Trains ``model`` on (xs, ys) with BPTT; state survives between calls to ``run``.

    ``optimizer``: 'sgd', 'momentum' or 'adam'; ``lr``: a finite number > 0; ``clip``:
    'none', 'norm' or 'value' with ``clip_threshold`` > 0; ``loss``: 'mse' or 'ssr';
    ``truncate``: None or the number of steps BPTT reaches back. ``batch_size``: None
    (or at least the number of samples) for full batch, else seeded mini-batches: each
    epoch is a fresh permutation of the samples cut into batches of ``batch_size``, and
    the epoch's last batch holds whatever remains (10 samples in batches of 3: 3, 3, 3,
    then 1), so every sample is visited exactly once per epoch. Bad settings raise
    ``ValueError`` here, not inside the first step. ``lr``, ``clip`` and
    ``clip_threshold`` may be changed between calls (they are checked the same way); the
    model and optimiser state stay.
    """

    def __init__(
        self,
        model: RecurrentModel,
        xs,
        ys,
        optimizer: str = "adam",
        lr: float = 0.01,
        clip: str = "none",
        clip_threshold: float = 1.0,
        batch_size: int | None = None,
        seed: int = 0,
        loss: str = "mse",
        truncate: int | None = None,
    ):
        self.model = model
        self.xs, _ = model.as_batch(xs)
        if len(self.xs) == 0:
            raise ValueError("training needs at least one sample; the data set is empty")
        self.ys = np.asarray(ys, dtype=float).reshape(len(self.xs), model.n_out)
        if not (np.all(np.isfinite(self.xs)) and np.all(np.isfinite(self.ys))):
            raise ValueError("training data must be finite numbers")
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        if batch_size is not None and not _is_count(batch_size):
            raise ValueError(f"batch_size must be None (full batch) or a whole number >= 1, not {batch_size!r}")
        if truncate is not None and not _is_count(truncate):
            raise ValueError(f"truncate must be None (full BPTT) or a whole number of steps >= 1, not {truncate!r}")
        self.optimizer = make_optimizer(optimizer, _checked_lr(lr))
        self.clip, self.clip_threshold = clip, clip_threshold
        self.batch_size = None if batch_size is None or batch_size >= len(self.xs) else int(batch_size)
        self.loss, self.truncate = loss, None if truncate is None else int(truncate)
        self.step = 0
        self.divergence: Divergence | None = None
        self._rng = np.random.default_rng(seed)
        self._order: np.ndarray = np.empty(0, dtype=int)
        self._last_finite = model.flat.copy()
        self._zeros = np.zeros_like(model.flat)
        # Each step is done with its gradient before the next begins, so one set of arrays serves every step.
        self._workspace = Workspace()

    @property
    def lr(self) -> float:
        return self.optimizer.lr

    @lr.setter
    def lr(self, value: float) -> None:
        self.optimizer.lr = _checked_lr(value)

    @property
    def clip(self) -> str:
        return self._clip

    @clip.setter
    def clip(self, value: str) -> None:
        if value not in CLIPPING:
            raise ValueError(f"unknown clipping mode {value!r}; choose one of {', '.join(CLIPPING)}")
        self._clip = value

    @property
    def clip_threshold(self) -> float:
        return self._clip_threshold

    @clip_threshold.setter
    def clip_threshold(self, value: float) -> None:
        if not _is_real(value) or not (math.isfinite(value) and value > 0):
            raise ValueError(f"clip_threshold must be a finite number above 0, not {value!r}")
        self._clip_threshold = float(value)

    def peek_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """The batch the next step will use, without taking it: the trainer is left as it was.

        Full batch: all samples. Mini-batches: the next slice of this epoch's order or, at an
        epoch boundary, of the permutation the trainer's generator will draw next.
        """
        return self._batch(take=False)

    def _next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        return self._batch(take=True)

    def _batch(self, take: bool) -> tuple[np.ndarray, np.ndarray]:
        if self.batch_size is None:
            return self.xs, self.ys
        order = self._order
        if order.size == 0:  # a new epoch: a peek draws from a copy of the generator
            order = (self._rng if take else copy.deepcopy(self._rng)).permutation(len(self.xs))
        idx = order[: self.batch_size]
        if take:
            self._order = order[self.batch_size :]
        return self.xs[idx], self.ys[idx]

    def _stop(self, cause: str) -> None:
        self.divergence = Divergence(
            cause,
            self.step + 1,
            f"Training diverged at step {self.step + 1}: the {cause} is no longer a finite number. "
            "The weights were kept from the last finite step. Try a smaller learning rate or turn on "
            "gradient clipping.",
        )

    def run(self, n_steps: int) -> Iterator[StepRecord]:
        """Take up to ``n_steps`` steps, yielding a record after each; stops early on divergence."""
        model = self.model
        for _ in range(int(n_steps)):
            if self.divergence is not None:
                return
            xs, ys = self._next_batch()
            with np.errstate(all="ignore"):
                value, grads = model.loss_and_grads(
                    xs, ys, loss=self.loss, truncate=self.truncate, workspace=self._workspace
                )
                grad = grads.flat
                if not math.isfinite(value):
                    self._stop("loss")
                    return
                norm = norm_ignoring_overflow(grad)
                if not math.isfinite(norm):
                    self._stop("gradient")
                    return
                grad, clipped = clip_gradient(grad, self._clip, self._clip_threshold, norm)
                np.copyto(self._last_finite, model.flat)
                self.optimizer.step(model.flat, grad)
                if not _all_finite(model.flat, self._zeros):
                    model.flat[:] = self._last_finite
                    self._stop("update")
                    return
            self.step += 1
            yield StepRecord(self.step, value, norm, clipped, model.flat.copy(), model.param_shapes)

    def run_for(self, seconds: float, max_steps: int) -> Iterator[StepRecord]:
        """Like ``run``, but also stop once ``seconds`` of wall time have passed.

        A live page calls this once per tick so the page stays responsive whatever the
        model's size: big models take fewer steps per tick, small ones more.
        """
        deadline = time.perf_counter() + seconds
        for record in self.run(max_steps):
            yield record
            if time.perf_counter() >= deadline:
                return

    def fit(self, n_steps: int) -> Trainer:
        """Run ``n_steps`` and return the trainer (``trainer.fit(500).evaluate()``); raise
        ``TrainingDiverged`` if the run diverges. ``run`` yields the steps one by one instead."""
        for _ in self.run(n_steps):
            pass
        if self.divergence is not None:
            raise TrainingDiverged(self.divergence)
        return self

    def evaluate(self, xs=None, ys=None) -> float:
        """The loss on (xs, ys), by default the training data, at the current weights."""
        xs = self.xs if xs is None else xs
        ys = self.ys if ys is None else ys
        y = self.model.predict(xs)
        return loss_and_dy(y, np.asarray(ys, dtype=float).reshape(y.shape), self.loss)[0]


def _all_finite(flat: np.ndarray, zeros: np.ndarray) -> bool:
    """Whether every weight is a finite number, given ``zeros`` of flat's size. Weights times zero
    sum to 0 when all are finite and to nan when one is not: one dot product, where
    ``np.isfinite(flat).all()`` is two calls and a temporary array. Expects ``np.errstate(invalid="ignore")``."""
    return not math.isnan(float(np.dot(flat, zeros)))


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_count(value) -> bool:
    """A whole number of at least 1 (not a bool, not 2.5)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 1


def _checked_lr(value) -> float:
    if not _is_real(value) or not (math.isfinite(value) and value > 0):
        raise ValueError(f"the learning rate must be a finite number above 0, not {value!r}")
    return float(value)


@dataclass
class History:
    """A run's records as growing lists, ready for charts: step, loss, grad_norm, clipped,
    and each parameter's values (``params[name]``, flattened) when the model is small."""

    param_names: tuple[str, ...] = ()
    step: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    clipped: list[bool] = field(default_factory=list)
    params: dict[str, list[float]] = field(default_factory=dict)

    @classmethod
    def for_model(cls, model: RecurrentModel, max_tracked: int = 5) -> History:
        """Track every parameter of models with at most ``max_tracked`` numbers (the 1-unit RNN)."""
        names = tuple(model.param_shapes) if model.n_params <= max_tracked else ()
        return cls(param_names=names, params={name: [] for name in names})

    def add(self, record: StepRecord) -> None:
        self.step.append(record.step)
        self.loss.append(record.loss)
        self.grad_norm.append(record.grad_norm)
        self.clipped.append(record.clipped)
        if self.param_names:
            for name, value in zip(self.param_names, record.flat.tolist(), strict=False):
                self.params[name].append(value)

    def __len__(self) -> int:
        return len(self.step)
