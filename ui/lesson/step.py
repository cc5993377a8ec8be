"""What a lesson step is: its text, the view it shows, the controls the learner may change there and
its challenge, declared as data (``ui.lesson.view`` draws each kind). No Streamlit here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ui.claims import Said
from ui.lesson.challenges import Choose, Goal, Predict, State, as_said


@dataclass(frozen=True)
class StatLandView:
    """The unrolled network on the step's days (``days(state)``), with its prediction beside the
    question; ``rules``: the four rules' table there too (on a projector it takes the prediction's room)."""

    days: Callable[[State], list[str]]
    rules: bool = False


@dataclass(frozen=True)
class BPTTView:
    """Backpropagation through time on the step's days, weights and target: before the answer, each
    day's piece of dL/dw2 without their sum; after it, the backward pass drawn on the unrolled network."""


@dataclass(frozen=True)
class LabView:
    """A Gradient lab view (``ui.lab.views``) at the step's w2 and length."""

    key: str


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
    """The lab's w2 and length controls, ``state["w2"]`` and ``state["length"]``."""


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
