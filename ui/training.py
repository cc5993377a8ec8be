"""The Training page's state: which data set, which model, and a live run that survives reruns.

A ``LiveRun`` holds a model, its ``Trainer`` and the ``History`` of every step. It
lives in ``st.session_state`` (one per user), never in a cache, and advances in
time-boxed chunks so the page stays responsive while it trains.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import rnn_core as rc
from rnn_core.train import History, Trainer

MODEL_LABELS = {
    "statquest": "1-unit StatQuest RNN",
    "vanilla": "Vanilla RNN",
    "lstm": "LSTM",
    "gru": "GRU",
}
DATA_LABELS = {
    "rules": "StatLand rules",
    "statland": "Longer StatLand sequences",
    "stocks": "Stock prices",
    "csv": "Your CSV",
}


@dataclass
class Dataset:
    """Training and held-out windows (inputs oldest first, target = the next value)."""

    name: str
    train_xs: np.ndarray
    train_ys: np.ndarray
    test_xs: np.ndarray | None = None
    test_ys: np.ndarray | None = None
    description: str = ""
    # For prices: turns scaled values back into prices, and the dates of the test targets.
    unscale: object = None
    test_dates: np.ndarray | None = None
    value_name: str = "scaled price"


def build_model(kind: str, n_hidden: int, activation: str, seed: int, start: str) -> rc.RecurrentModel:
    """The model the user chose; the 1-unit StatQuest RNN may start from the lesson's weights."""
    if kind == "statquest":
        model = rc.statquest_rnn() if start == "statland" else rc.VanillaRNN(1, "relu", seed=seed)
        return model
    if kind == "vanilla":
        return rc.VanillaRNN(n_hidden, activation, seed=seed)
    return rc.MODEL_KINDS[kind](n_hidden=n_hidden, seed=seed)


@dataclass
class LiveRun:
    """One user's training run: model, trainer, history and whether it is playing."""

    signature: tuple
    dataset: Dataset
    model: rc.RecurrentModel
    trainer: Trainer
    history: History
    target_steps: int
    running: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def step(self) -> int:
        return self.trainer.step

    @property
    def finished(self) -> bool:
        return self.trainer.divergence is not None or self.trainer.step >= self.target_steps

    def advance(self, max_steps: int, seconds: float | None = None) -> int:
        """Train up to ``max_steps`` more steps (within ``seconds`` if given); return how many ran."""
        max_steps = min(max_steps, self.target_steps - self.trainer.step)
        if max_steps <= 0:
            return 0
        records = self.trainer.run(max_steps) if seconds is None else self.trainer.run_for(seconds, max_steps)
        before = len(self.history)
        for record in records:
            self.history.add(record)
        if self.finished:
            self.running = False
        return len(self.history) - before
