"""rnn_core: a small NumPy engine for vanilla RNNs, LSTMs and GRUs, built for teaching.

import rnn_core as rc
m = rc.statquest_rnn()
m.predict([[0, 0.5]])        # -> [[0.99]]: (low, medium) predicts high
"""

from .activations import ACTIVATIONS, MAX_SLOPE
from .base import Gradients, ParamDict, RecurrentModel
from .gru import GRU, GRUTrace
from .losses import LOSSES, loss_and_dy
from .lstm import LSTM, LSTMTrace
from .optim import CLIPPING, OPTIMIZERS, SGD, Adam, Momentum, clip_gradient, make_optimizer
from .train import Divergence, History, StepRecord, Trainer, TrainingDiverged
from .vanilla import STATQUEST_WEIGHTS, VanillaRNN, VanillaTrace, statquest_rnn

# Every model the engine can build, by the name saved in weights files and configs.
MODEL_KINDS: dict[str, type[RecurrentModel]] = {"vanilla": VanillaRNN, "lstm": LSTM, "gru": GRU}


def model_from_config(kind: str, config: dict, seed: int | None = 0) -> RecurrentModel:
    """Build a fresh model of ``kind`` ('vanilla', 'lstm' or 'gru') from ``model.config()``.

    ``model_from_config("lstm", {"n_hidden": 8})`` builds the same model as ``LSTM(n_hidden=8, seed=0)``.
    """
    if kind not in MODEL_KINDS:
        raise ValueError(f"unknown model kind {kind!r}; choose one of {', '.join(MODEL_KINDS)}")
    return MODEL_KINDS[kind](**config, seed=seed)


__all__ = [
    "ACTIVATIONS",
    "MAX_SLOPE",
    "Gradients",
    "ParamDict",
    "RecurrentModel",
    "LOSSES",
    "loss_and_dy",
    "CLIPPING",
    "OPTIMIZERS",
    "SGD",
    "Adam",
    "Momentum",
    "clip_gradient",
    "make_optimizer",
    "Divergence",
    "History",
    "StepRecord",
    "Trainer",
    "TrainingDiverged",
    "STATQUEST_WEIGHTS",
    "VanillaRNN",
    "VanillaTrace",
    "statquest_rnn",
    "LSTM",
    "LSTMTrace",
    "GRU",
    "GRUTrace",
    "MODEL_KINDS",
    "model_from_config",
]
