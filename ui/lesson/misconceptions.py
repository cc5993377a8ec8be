"""What learners of this lesson often believe (TEACHING.md's M1-M9), each with its refutation on the
learner's own network: a link that opens one view with the settings that show it wrong, and the
sentence saying what it shows, whose claims ``ui.claims`` checks on rnn_core.

The lesson's options and mistakes and the Check yourself questions name the misconception a wrong
answer reveals (``reveals="M4"``); the results link each one still held to its refutation. No
Streamlit here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import rnn_core as rc
from rnn_core.data import four_rules
from ui.claims import Said, claim, said
from ui.claims.lab import input_logs
from ui.classroom.linkable import link
from ui.kit.format import from_log10
from ui.lab import controls as lab
from ui.lab.views import LABELS, VIEW_CHOICE, gates
from ui.lab.views import step as step_view
from ui.statland import controls as statland
from ui.training import controls as training

STATLAND = {name: float(value) for name, value in rc.STATQUEST_WEIGHTS.items()}
TRAINING_SEED = 4  # the Training page's default seed: its first run starts from these weights


@dataclass(frozen=True)
class Misconception:
    code: str  # "M1" .. "M9", as TEACHING.md numbers them
    belief: str  # what a learner who holds it believes, as a clause ("the memory is in the weights")
    truth: str  # what is true instead, in general
    title: str  # the refutation link's label
    page: str  # the page's file, as st.page_link takes it
    params: dict[str, str]  # the link's settings
    shows: Callable[[], Said]  # what the link shows, on its settings' numbers


def _training_start() -> dict[str, float]:
    start = rc.VanillaRNN(1, activation="relu", seed=TRAINING_SEED)
    return {name: float(np.ravel(value)[0]) for name, value in start.params.items()}


def _m1() -> Said:
    xs, ys = four_rules()
    return said(
        "One w2 serves both days: its gradient is the sum of every day's piece, and one step moves it once.",
        claim("shares_add_up", xs=xs.tolist(), ys=ys.tolist(), weights=_training_start(), loss="mse"),
    )


def _m2() -> Said:
    return said(
        "The weights stay put from day to day; h carries the past, so the same weights let day 1's price "
        "change the prediction.",
        claim("day_one_changes_prediction", weights=STATLAND),
    )


def _m3() -> Said:
    newest = from_log10(float(input_logs(0.5, 50)[-1]))
    return said(
        f"At w2 = 0.5 over 50 days the first day's pull fades, yet the newest day still moves y by {newest}: "
        "only the long-range pulls vanish.",
        claim("fades", w2=0.5, length=50, activation="relu"),
        claim("newest_pull", w2=0.5, length=50, activation="relu", shown=newest),
    )


def _m4() -> Said:
    return said(
        "At w2 = −2 the ReLU unit switches off every other day: |w2| > 1, yet the first day's gradient over "
        "100 days is exactly 0.",
        claim("relu_switches_off", w2=-2.0, length=100, activation="relu"),
        claim("zero", w2=-2.0, length=100, activation="relu"),
    )


GATES = {"w2": 0.5, "length": 1000, "activation": "relu", "gate_bias": 4.0}


def _m5() -> Said:
    return said(
        "Over 1,000 days the gates slow the fade, but the LSTM's and the GRU's first day still fade.",
        *(claim("gated_slower", model=m, **GATES) for m in ("lstm", "gru")),
        *(claim("fades", model=m, **GATES) for m in ("lstm", "gru")),
    )


def _m6() -> Said:
    return said(
        "At w2 = 0.5 over 50 days clipping at τ = 1 shortens the step and keeps its direction: the first "
        "day's share of the gradient stays as faded as before.",
        claim("clipping_shortens", w2=0.5, length=50, activation="relu", threshold=1.0),
        claim("clip_keeps_direction", w2=0.5, length=50, threshold=1.0),
        claim("fades", w2=0.5, length=50, activation="relu"),
    )


def _m7() -> Said:
    return said(
        "Ten days, still 5 parameters: the same w1, w2, b1, w3 and b2 on every day.",
        claim("param_count", n_days=10, count=5),
    )


def _m8() -> Said:
    return said(
        "Fed oldest first, high → medium reads **low**; the other way round, medium → high reads **high**.",
        claim("reads", days=("high", "medium"), weights=STATLAND, word="low"),
        claim("reads", days=("medium", "high"), weights=STATLAND, word="high"),
    )


def _m9() -> Said:
    return said(
        "Only the last day's h goes through w3 and b2: for high → medium the prediction reads **low**, though "
        "day 1's h would have said high.",
        claim("only_last_predicts", days=("high", "medium"), weights=STATLAND),
        claim("reads", days=("high", "medium"), weights=STATLAND, word="low"),
    )


def _lab(view: str, w2: float, length: int, *more) -> dict[str, str]:
    """A link to a lab view at this w2 and T on the lesson's ReLU (``more``: the view's own settings)."""
    return link([(VIEW_CHOICE, LABELS[view]), (lab.W2, w2), (lab.LENGTH, length), (lab.ACTIVATION, "relu"), *more])


# The lesson's two days (high, medium) under the lesson's weights, which the link keeps as they are.
TWO_DAYS = link({statland.DAYS: 2, statland.DAY[1]: "high", statland.DAY[2]: "medium"}, lock=statland.WEIGHTS.values())


INVENTORY: tuple[Misconception, ...] = (
    Misconception(
        "M1",
        "each unrolled copy has its own weights, updated separately",
        "There is one set of weights; BPTT adds every copy's share into one gradient.",
        "BPTT adds up each day's share",
        "app_pages/training.py",
        link({training.DATA: "rules", training.MODEL: "statquest"}, lock=[training.DATA, training.MODEL]),
        _m1,
    ),
    Misconception(
        "M2",
        "the memory is in the weights",
        "The memory is the hidden state h, carried from day to day; the weights do not change while it reads.",
        "h carries day 1 forward",
        "app_pages/statland.py",
        TWO_DAYS,
        _m2,
    ),
    Misconception(
        "M3",
        "a vanishing gradient means the whole gradient goes to 0",
        "Only the long-range pulls vanish; the recent days still train.",
        "The newest day still counts",
        "app_pages/lab.py",
        _lab("inputs", 0.5, 50),
        _m3,
    ),
    Misconception(
        "M4",
        "|w2| > 1 always explodes",
        "With ReLU a negative w2 can switch the unit off; |w2| > 1 is needed to explode, but not enough.",
        "w2 = −2: exactly 0",
        "app_pages/lab.py",
        _lab("heatmap", -2.0, 100),
        _m4,
    ),
    Misconception(
        "M5",
        "LSTMs and GRUs remove vanishing gradients",
        "Their gates slow the fade along the memory path; over long enough it still fades.",
        "Gates slow the fade",
        "app_pages/lab.py",
        _lab("gates", 0.5, 1000, (gates.GATE_BIAS, 4.0)),
        _m5,
    ),
    Misconception(
        "M6",
        "clipping fixes vanishing gradients, or turns the gradient",
        "Clipping only shortens a step that is too long and keeps its direction.",
        "Clipping where the gradient fades",
        "app_pages/lab.py",
        _lab("step", 0.5, 50, (step_view.CLIP, 1.0)),
        _m6,
    ),
    Misconception(
        "M7",
        "more days means more parameters",
        "The count stays 5 for any number of days.",
        "Ten days, still five parameters",
        "app_pages/statland.py",
        link({statland.DAYS: 10}, lock=[statland.DAYS, *statland.WEIGHTS.values()]),
        _m7,
    ),
    Misconception(
        "M8",
        "the newest day goes in first",
        "The oldest day goes in first; the last one read gives the prediction.",
        "Oldest first: the order matters",
        "app_pages/statland.py",
        TWO_DAYS,
        _m8,
    ),
    Misconception(
        "M9",
        "every day's output is a prediction",
        "Only the last day's h becomes the prediction; the others are handed on.",
        "Only the last h predicts",
        "app_pages/statland.py",
        TWO_DAYS,
        _m9,
    ),
)

BY_CODE = {m.code: m for m in INVENTORY}
