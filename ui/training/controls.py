"""The Training page's settings that links set, lock and hide, with the options each one offers."""

from __future__ import annotations

import rnn_core as rc
from ui.classroom.linkable import Linkable
from ui.training.choices import DATA_LABELS, MAX_HIDDEN, MODEL_CHOICES, SPEEDS, START_LABELS
from ui.training.datasets import TICKERS

LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
CLIP_THRESHOLDS = (0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZES = ("full", 8, 16, 32, 64, 128)
STEP_CHOICES = (100, 200, 500, 1000, 2000, 5000, 10000, 20000)
# Each optimiser and clipping rule (rnn_core.OPTIMIZERS, rnn_core.CLIPPING) as its control shows it.
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}
CLIP_LABELS = {"none": "off", "norm": "by norm", "value": "by value"}


def lr_text(lr: float) -> str:
    return f"{lr:g}"


DATA = Linkable("tr_", "data", labels=DATA_LABELS)
LENGTH = Linkable("tr_", "length", low=3, high=30)
TICKER = Linkable("tr_", "ticker", options=tuple(TICKERS))
WINDOW = Linkable("tr_", "window", low=2, high=12)
MODEL = Linkable("tr_", "model", labels=MODEL_CHOICES, old_texts={"1-unit StatQuest RNN": "statquest"})
HIDDEN = Linkable("tr_", "hidden", low=1, high=MAX_HIDDEN)
ACTIVATION = Linkable("tr_", "activation", options=tuple(rc.ACTIVATIONS))
LR = Linkable("tr_", "lr", lr_text, options=LEARNING_RATES)
SPEED = Linkable("tr_", "speed", options=tuple(SPEEDS))
STEPS = Linkable("tr_", "steps", options=STEP_CHOICES)
OPTIMIZER = Linkable("tr_", "optimizer", labels=OPTIMIZER_LABELS)
CLIP = Linkable("tr_", "clip", labels=CLIP_LABELS)
CLIP_THRESHOLD = Linkable("tr_", "clip_threshold", str, options=CLIP_THRESHOLDS)
BATCH = Linkable("tr_", "batch", options=BATCH_SIZES)
START = Linkable("tr_", "start", labels=START_LABELS)
SEED = Linkable("tr_", "seed", low=0, high=10_000)
