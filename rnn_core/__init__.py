"""rnn_core: a small NumPy engine for vanilla RNNs, LSTMs and GRUs, built for teaching.

import rnn_core as rc
m = rc.statquest_rnn()
m.predict([[0, 0.5]])        # -> [[0.99]]: (low, medium) predicts high
"""

from importlib import import_module

from .activations import ACTIVATIONS, MAX_SLOPE
from .base import Gradients, ParamDict, RecurrentModel, Trace, Workspace
from .losses import LOSSES, loss_and_dy
from .optim import CLIPPING, OPTIMIZERS, SGD, Adam, Momentum, clip_gradient, global_norm, make_optimizer
from .vanilla import PARAM_NAMES, STATQUEST_WEIGHTS, VanillaRNN, VanillaTrace, is_statquest_rnn, statquest_rnn

# Imported on first use (PEP 562), so `import rnn_core` costs little more than `import numpy`.
_LAZY = {
    "LSTM": ".lstm",
    "LSTMTrace": ".lstm",
    "GRU": ".gru",
    "GRUTrace": ".gru",
    "Divergence": ".train",
    "History": ".train",
    "StepRecord": ".train",
    "Trainer": ".train",
    "TrainingDiverged": ".train",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
    elif name == "MODEL_KINDS":
        # Every model the engine can build, by the name saved in weights files and configs.
        value = {"vanilla": VanillaRNN, "lstm": __getattr__("LSTM"), "gru": __getattr__("GRU")}
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def model_from_config(kind: str, config: dict, seed: int | None = 0) -> RecurrentModel:
    """Build a fresh model of ``kind`` ('vanilla', 'lstm' or 'gru') from ``model.config()``.

    ``model_from_config("lstm", {"n_hidden": 8})`` builds the same model as ``LSTM(n_hidden=8, seed=0)``.
    """
    kinds = globals().get("MODEL_KINDS") or __getattr__("MODEL_KINDS")
    if kind not in kinds:
        raise ValueError(f"unknown model kind {kind!r}; choose one of {', '.join(kinds)}")
    return kinds[kind](**config, seed=seed)


__all__ = [
    "ACTIVATIONS",
    "MAX_SLOPE",
    "Gradients",
    "ParamDict",
    "RecurrentModel",
    "Trace",
    "Workspace",
    "LOSSES",
    "loss_and_dy",
    "CLIPPING",
    "OPTIMIZERS",
    "SGD",
    "Adam",
    "Momentum",
    "clip_gradient",
    "global_norm",
    "make_optimizer",
    "Divergence",
    "History",
    "StepRecord",
    "Trainer",
    "TrainingDiverged",
    "PARAM_NAMES",
    "STATQUEST_WEIGHTS",
    "is_statquest_rnn",
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
