"""Ready-made scenario links for a class: each opens one page with the settings of one idea.

A scenario names its page, the link's parameters (widget values, and which controls the
class may not change) and one question to ask. The For teachers page lists them; the tests
open every link and check that the page shows what the question needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import rnn_core as rc
from rnn_core.data import four_rules
from ui.claims import Said, claim, said
from ui.claims.lab import oldest_share, steady_band
from ui.classroom.linkable import link, query
from ui.kit.format import from_log10
from ui.lab import controls as lab
from ui.lab.views import LABELS, VIEW_CHOICE, cliff
from ui.statland import controls as statland
from ui.training import controls as training


@dataclass(frozen=True)
class Scenario:
    title: str
    page: str  # the page's file, as st.page_link takes it
    url_path: str  # the page's address in the app
    params: dict[str, str]
    ask: Callable[[], Said]  # one sentence, what to ask the class, built from the engine's numbers

    def link(self, origin: str) -> str:
        """The full link, for an app served at ``origin`` (e.g. https://unrolled.streamlit.app)."""
        return f"{origin.rstrip('/')}/{self.url_path}?{query(self.params)}"


STATLAND = {name: float(value) for name, value in rc.STATQUEST_WEIGHTS.items()}
TRAINING_SEED = 4  # the Training page's default seed: the scenario's run starts from its weights
VANISHING = {"w2": 0.5, "length": 1000, "activation": "relu", "gate_bias": 4.0}  # the gates' scenario


def _four_rules() -> Said:
    return said(
        "Press each rule's button: how does w2 = −0.5 let day 1's price change the prediction?",
        claim("day_one_changes_prediction", weights=STATLAND),
    )


def _ten_days() -> Said:
    return said(
        "The network now reads ten days. How many numbers did we have to add to it?",
        claim("no_parameters_added", n_days=10),
    )


def _bptt() -> Said:
    xs, ys = four_rules()
    start = rc.VanillaRNN(1, activation="relu", seed=TRAINING_SEED)
    return said(
        "Press Step once. Why is day 1's share of dL/dw2 exactly zero?",
        claim(
            "first_day_w2_share_zero",
            xs=xs.tolist(),
            ys=ys.tolist(),
            weights={name: float(np.ravel(v)[0]) for name, v in start.params.items()},
            loss="mse",
        ),
    )


def _large_rate() -> Said:
    return said(
        "Press Step a few times. Why does the loss climb when every step goes downhill?",
        claim("sgd_loss_climbs", seed=TRAINING_SEED, lr=3.0, steps=3),
    )


def _w2_two() -> Said:
    return said(
        "How many times more does day 1 count than day 20, and why is it a power of 2?",
        claim("share_is_power", w2=2.0, length=20, base=2, power=19),
    )


def _w2_half() -> Said:
    return said(
        "Fifty days in, what is left of the first day's influence? Could training still learn from it?",
        claim("fades", w2=0.5, length=50, activation="relu"),
    )


def _no_safe_w2() -> Said:
    low, high = steady_band(100)
    return said(
        "Find a w2 that keeps day 1's pull within a factor of 10 of day 100's. How wide is that band?",
        claim("steady", w2=1.0, length=100, activation="relu"),
        claim("steady_band", length=100, low=low, high=high),
    )


def _cliff() -> Said:
    return said(
        "Why does the plain step leap off the chart at the wall, and what does clipping keep of it?",
        claim("cliff_thrown_off", start_w=5.5, lr=0.5, threshold=0.5, steps=80),
    )


def _gates() -> Said:
    shares = {name: from_log10(oldest_share(**VANISHING, model=name.lower())) for name in ("vanilla", "LSTM", "GRU")}
    return said(
        f"After 1,000 days day 1 keeps {shares['vanilla']} of the newest day's pull in the vanilla RNN, "
        f"{shares['LSTM']} in the LSTM and {shares['GRU']} in the GRU. What lets the gated cells keep so much "
        "more, and why do they still fade?",
        *(claim("gated_slower", model=m, **VANISHING) for m in ("lstm", "gru")),
        *(claim("fades", model=m, **VANISHING) for m in ("lstm", "gru")),
    )


def _lesson_from(step: int) -> Callable[[], Said]:
    def ask() -> Said:
        from ui.lesson import steps as lesson

        doing = {"predict": "predict first", "goal": "reach the goal", "choose": "choose an answer"}
        first = lesson.STEPS[step - 1].challenge.kind
        return said(f"Everyone starts at step {step}: {doing[first]}, then check it on the live network.")

    return ask


SCENARIOS = (
    Scenario(
        "The four rules",
        "app_pages/statland.py",
        "statland",
        link(lock=statland.WEIGHTS.values()),
        _four_rules,
    ),
    Scenario(
        "Ten days, still five parameters",
        "app_pages/statland.py",
        "statland",
        link({statland.DAYS: 10}, lock=[statland.DAYS, *statland.WEIGHTS.values()]),
        _ten_days,
    ),
    Scenario(
        "BPTT adds up each day's share",
        "app_pages/training.py",
        "training",
        link({training.DATA: "rules", training.MODEL: "statquest"}, lock=[training.DATA, training.MODEL]),
        _bptt,
    ),
    Scenario(
        "A learning rate too large",
        "app_pages/training.py",
        "training",
        link(
            {training.OPTIMIZER: "sgd", training.LR: 3.0},
            lock=[training.OPTIMIZER, training.LR],
            hide=[training.SPEED],
        ),
        _large_rate,
    ),
    Scenario(
        "w2 = 2: gradients explode",
        "app_pages/lab.py",
        "lab",
        link({lab.W2: 2.0, lab.LENGTH: 20, VIEW_CHOICE: LABELS["inputs"]}, lock=[lab.W2], hide=[lab.ACTIVATION]),
        _w2_two,
    ),
    Scenario(
        "w2 = 0.5: gradients vanish",
        "app_pages/lab.py",
        "lab",
        link({lab.W2: 0.5, lab.LENGTH: 50, VIEW_CHOICE: LABELS["inputs"]}, lock=[lab.W2], hide=[lab.ACTIVATION]),
        _w2_half,
    ),
    Scenario(
        "No safe w2: the map",
        "app_pages/lab.py",
        "lab",
        link({VIEW_CHOICE: LABELS["heatmap"], lab.LENGTH: 100}, hide=[lab.ACTIVATION]),
        _no_safe_w2,
    ),
    Scenario(
        "Clipping past the cliff",
        "app_pages/lab.py",
        "lab",
        link({VIEW_CHOICE: LABELS["cliff"], cliff.START: 5.5}),
        _cliff,
    ),
    Scenario(
        "Gates slow the fade",
        "app_pages/lab.py",
        "lab",
        link(
            {VIEW_CHOICE: LABELS["gates"], lab.W2: VANISHING["w2"], lab.LENGTH: VANISHING["length"]},
            lock=[lab.W2, lab.LENGTH],
        ),
        _gates,
    ),
    Scenario(
        "The lesson, from exploding gradients",
        "app_pages/lesson.py",
        "lesson",
        link(extra={"step": "7"}),
        _lesson_from(7),
    ),
)

EMBED_OPTIONS = ("show_toolbar", "show_padding", "light_theme", "dark_theme", "disable_scrolling")


def embed_link(link: str) -> str:
    """A link for an <iframe> in a course page: Community Cloud's embedded mode, no toolbar."""
    return link + ("&" if "?" in link else "?") + "embed=true"


def iframe_html(link: str, height: int = 720) -> str:
    return f'<iframe src="{embed_link(link)}" width="100%" height="{height}" style="border:0"></iframe>'
