"""What the Training page's settings choose: the data set, the model and its start, the optimiser and
the speed, as plain values (``Settings``), and the models a weights file can start from. No Streamlit."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

import rnn_core as rc
from rnn_core.weights_io import model_from_json

MODEL_LABELS = {  # each model's name in sentences
    "statquest": "1-unit StatQuest RNN",
    "vanilla": "Vanilla RNN",
    "lstm": "LSTM",
    "gru": "GRU",
}

# The model control's options, which links also hold: short enough for a narrow settings column
# (the unit count is in the control's help).
MODEL_CHOICES = {**MODEL_LABELS, "statquest": "StatQuest RNN"}

MODEL_HELP = (
    "StatQuest RNN: the lesson's network, one hidden unit and five weights. Vanilla RNN: the same cell "
    "with as many hidden units as you choose. LSTM and GRU add gates that decide what to keep."
)

DATA_LABELS = {
    "rules": "StatLand rules",
    "statland": "Longer StatLand sequences",
    "memory": "A market that remembers",
    "stocks": "Stock prices",
    "csv": "Your CSV",
}

START_LABELS = {"random": "random", "statland": "StatLand weights", "file": "your file"}

MAX_HIDDEN = 32


@dataclass(frozen=True)
class Speed:
    """How fast Play trains: ``steps`` per refresh (None: as many as fit in the time box) every ``seconds``."""

    label: str
    steps: int | None
    seconds: float


# One refresh while playing trains for at most CHUNK_SECONDS, then draws its charts within
# about DRAW_SECONDS. Its timer must not fire faster than a refresh can last: with requests
# for the next tick always waiting, a settings change while playing left the timer stalled
# once Streamlit's collection after each run was switched off. The rest of a tick leaves the
# server free for clicks and for other learners.
CHUNK_SECONDS = 0.2
DRAW_SECONDS = 0.1
LONGEST_REFRESH = CHUNK_SECONDS + DRAW_SECONDS

SPEEDS = {
    "1 step/s": Speed("1 step a second", 1, 1.0),
    "slow": Speed("about 5 steps a second", 1, 0.2),
    "medium": Speed("5 steps a refresh", 5, LONGEST_REFRESH),
    "fast": Speed("100 steps a refresh", 100, LONGEST_REFRESH),
    "fastest": Speed(f"as many as fit in {CHUNK_SECONDS:g} s a refresh", None, LONGEST_REFRESH),
}

# The page opens at a speed a learner can watch: the four rules are learned in about a hundred
# steps, which "medium" spreads over some twenty refreshes; "fastest" ends them in two.
DEFAULT_SPEED = "medium"


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

    def fingerprint(self) -> str:
        """A hash of everything a run trains on and shows, so other data always start another run.

        Two files of the same length can scale to the same 0-1 values (one in dollars, one
        in cents): their prices, and so the unscaling and the dates, still tell them apart.
        """
        digest = hashlib.sha1(self.name.encode())
        for array in (self.train_xs, self.train_ys, self.test_xs, self.test_ys):
            if array is not None:
                digest.update(np.ascontiguousarray(array, dtype=float).tobytes())
        if self.unscale is not None:
            digest.update(np.asarray(self.unscale(np.array([0.0, 1.0])), dtype=float).tobytes())
        if self.test_dates is not None:
            digest.update(repr(np.asarray(self.test_dates).tolist()).encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class StartWeights:
    """Weights uploaded to start training from, and the page settings that rebuild their model."""

    file_name: str
    model: rc.RecurrentModel
    model_kind: str  # the page's model choice: 'statquest', 'vanilla', 'lstm' or 'gru'
    n_hidden: int
    activation: str
    token: str  # changes whenever a different file is loaded, so the run restarts

    def fits(self, model_kind: str, n_hidden: int, activation: str) -> bool:
        """Whether the page's current model settings describe this file's model."""
        if model_kind != self.model_kind:
            return False
        if model_kind == "statquest":
            return True
        if model_kind == "vanilla":
            return (n_hidden, activation) == (self.n_hidden, self.activation)
        return n_hidden == self.n_hidden

    def describe(self) -> str:
        """The file's model in words, with its article: 'a GRU with 3 hidden units', 'an LSTM ...'."""
        if self.model_kind == "statquest":
            return f"a {MODEL_LABELS['statquest']}"
        extra = f", {self.activation}" if self.model_kind == "vanilla" else ""
        article = "an" if self.model_kind == "lstm" else "a"
        return f"{article} {MODEL_LABELS[self.model_kind]} with {self.n_hidden} hidden units{extra}"


def read_start_weights(file_name: str, raw: bytes) -> StartWeights:
    """Check an uploaded weights file and say which page model it is; ``WeightsError`` if unusable.

    On top of the engine's checks (format, keys, shapes, finite numbers) the page
    needs one input and one output per step, and at most ``MAX_HIDDEN`` hidden units.
    """
    from rnn_core.weights_io import WeightsError

    model = model_from_json(raw)
    if model.n_in != 1 or model.n_out != 1:
        raise WeightsError(
            f"this model reads {_values(model.n_in)} and predicts {_values(model.n_out)} per step; "
            "the Training page's data have one price per day and predict the next one"
        )
    if model.n_hidden > MAX_HIDDEN:
        raise WeightsError(f"this model has {model.n_hidden} hidden units; the Training page trains up to {MAX_HIDDEN}")
    activation = getattr(model, "activation", "relu")
    if rc.is_statquest_rnn(model):
        kind = "statquest"
    else:
        kind = model.kind
    token = f"{file_name}:{hashlib.sha1(model.flat.tobytes()).hexdigest()[:12]}"
    return StartWeights(file_name, model, kind, model.n_hidden, activation, token)


def _values(count: int) -> str:
    return f"{count} value" if count == 1 else f"{count} values"


def build_model(
    kind: str, n_hidden: int, activation: str, seed: int, start: str, start_weights: StartWeights | None = None
) -> rc.RecurrentModel:
    """A fresh copy of the model the user chose, from random (seeded) or given starting weights."""
    if start == "file" and start_weights is not None and start_weights.fits(kind, n_hidden, activation):
        return start_weights.model.copy()
    if kind == "statquest":
        return rc.statquest_rnn() if start == "statland" else rc.VanillaRNN(1, activation="relu", seed=seed)
    if kind == "vanilla":
        return rc.VanillaRNN(n_hidden, activation=activation, seed=seed)
    return rc.MODEL_KINDS[kind](n_hidden, seed=seed)


@dataclass(frozen=True)
class Settings:
    """Everything the Training page's widgets chose; a run is built from these alone."""

    data_kind: str = "rules"
    length: int = 6
    window: int = 4
    ticker: str = "MSFT"
    model_kind: str = "statquest"
    n_hidden: int = 1
    activation: str = "relu"
    start: str = "random"
    seed: int = 4
    optimizer: str = "adam"
    lr: float = 0.03
    clip: str = "none"
    clip_threshold: float = 1.0
    batch_size: int | str = "full"
    target_steps: int = 1000
    speed: str = DEFAULT_SPEED
    log_loss: bool = True

    def run_label(self) -> str:
        """A run's settings in a few words, for the comparison chart's legend."""
        model = "1-unit RNN" if self.model_kind == "statquest" else MODEL_LABELS[self.model_kind]
        if self.model_kind != "statquest":
            model += f" ({self.n_hidden})"
        clip = "clip off" if self.clip == "none" else f"clip {self.clip} {self.clip_threshold:g}"
        return f"{model} · {self.optimizer} lr {self.lr:g} · {clip} · seed {self.seed}"
