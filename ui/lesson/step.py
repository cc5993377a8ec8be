"""What a lesson step is: its text, the view it shows, the controls the learner may change there and
its challenge, declared as data (``ui.lesson.view`` draws each kind). No Streamlit here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ui.claims import Said
from ui.lesson.challenges import Choose, Goal, Predict, State, as_said


def nothing_masked(state: State) -> frozenset[str]:
    return frozenset()


@dataclass(frozen=True)
class StatLandView:
    """The unrolled network on the step's days (``days(state)``), with its prediction beside the
    question; ``rules``: the four rules' table there too (on a projector it takes the prediction's
    room). Until the question is answered the numbers it asks for (``masked(state)``, names as
    ``ui.statland.diagram.layout`` takes them) read "?", and nothing else on screen gives them away."""

    days: Callable[[State], list[str]]
    rules: bool = False
    masked: Callable[[State], frozenset[str]] = nothing_masked


@dataclass(frozen=True)
class BPTTView:
    """Backpropagation through time on the step's days, weights and target, drawn on the unrolled
    network: each day's share of dL/dw2 under its input, their sum "?" until the question is answered."""


@dataclass(frozen=True)
class LabView:
    """A Gradient lab view (``ui.lab.views``) at the step's w2 and length; until the question is
    answered it hides what ``masked`` names ("first": the first input's gradient, its read-outs and
    its formula; "notice": the sentence that reads the figure out)."""

    key: str
    masked: frozenset[str] = frozenset()


@dataclass(frozen=True)
class WeightField:
    """A number field for one of the five weights, ``state["weights"][name]``."""

    name: str
    step: float = 0.05


@dataclass(frozen=True)
class DaysSlider:
    """How many days the network reads, ``state["n_days"]``."""

    low: int = 2
    high: int = 10


@dataclass(frozen=True)
class LabKnobs:
    """The lab's w2 and length controls, ``state["w2"]`` and ``state["length"]`` (with w2's presets
    where ``presets``); the lesson's network keeps its ReLU."""

    presets: bool = True


@dataclass(frozen=True)
class Step:
    """One screen of the lesson: ``text`` (what you see, what to notice; a function of the step's
    state where it speaks of it), the ``view`` it shows, its starting state, its challenge, and the
    ``controls`` the learner may change there. ``key`` names the step in its widgets' keys, so
    inserting a step changes no other step's behaviour."""

    key: str
    title: str
    text: Said | str | Callable[[State], Said]
    view: StatLandView | BPTTView | LabView
    start: Callable[[int], dict]
    challenge: Predict | Goal | Choose
    controls: WeightField | DaysSlider | LabKnobs | None = None
    explore: str = field(default="")  # the page where the idea can be explored further

    def words(self, state: State) -> Said:
        """The step's text for this state."""
        return as_said(self.text(state) if callable(self.text) else self.text)
