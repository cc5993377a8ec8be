"""What a lab view is: one idea, the label of its button, how it draws and what it works out ahead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def nothing_ahead(activation: str, w2: float, own: dict) -> list[Callable[[], object]]:
    return []


@dataclass(frozen=True)
class View:
    """One lab view. ``draw(settings, key_prefix=..., masked=...)`` draws it (hiding what ``masked``
    names until a lesson's question is answered) and returns its own widgets' values;
    ``shared_controls``: whether it reads w2, T and the activation (else they are kept off the
    screen); ``drags_w2``: whether its chart carries its own w2 slider, which is then the view's only
    w2 control (the page's is kept off the screen, holding the link's value); ``ahead(activation, w2,
    own)``: the cached computations it needs at the longest T, for the lab to run in the background
    while the learner reads (``ui.lab.views.work_ahead``)."""

    key: str  # its name in code and tests ("heatmap")
    label: str  # its button's text, which the link carries (``?lab_view=Heatmap``)
    draw: Callable[..., dict]
    shared_controls: bool = True
    drags_w2: bool = False
    ahead: Callable[[str, float, dict], list[Callable[[], object]]] = nothing_ahead
