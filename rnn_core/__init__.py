"""rnn_core: a small NumPy engine for vanilla RNNs, LSTMs and GRUs, built for teaching.

import rnn_core as rc
m = rc.statquest_rnn()
m.predict([[0, 0.5]])        # -> [[0.99]]: (low, medium) predicts high
"""

from .activations import ACTIVATIONS, MAX_SLOPE
from .base import Gradients, ParamDict, RecurrentModel
from .losses import LOSSES, loss_and_dy
from .optim import CLIPPING, OPTIMIZERS, SGD, Adam, Momentum, clip_gradient, make_optimizer
from .train import Divergence, History, StepRecord, Trainer, TrainingDiverged
from .vanilla import STATQUEST_WEIGHTS, VanillaRNN, VanillaTrace, statquest_rnn

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
]
