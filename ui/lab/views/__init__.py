"""The Gradient lab's views, one idea each, in one registry.

A page (the lab, or a guided lesson) draws ``ui.lab.controls.shared_controls`` (where the view
reads them) and then one view with ``show_view``; only the view on screen computes. Adding a view
is one module here with its ``VIEW`` and one entry in ``VIEWS``.
"""

from __future__ import annotations

import threading

import streamlit as st

from ui.classroom.linkable import Linkable
from ui.lab.model import MAX_LENGTH, LabSettings
from ui.lab.views import cliff, gates, heatmap, inputs, pieces, step
from ui.lab.views.base import View

VIEWS: dict[str, View] = {
    view.key: view for view in (inputs.VIEW, heatmap.VIEW, pieces.VIEW, step.VIEW, cliff.VIEW, gates.VIEW)
}
# Each view's button, which a link also holds (``?lab_view=Heatmap``: Streamlit binds a segmented
# control by its shown option).
LABELS = {key: view.label for key, view in VIEWS.items()}


VIEW_CHOICE = Linkable("lab_", "view", options=tuple(LABELS.values()))


def uses_shared_controls(key: str) -> bool:
    return VIEWS[key].shared_controls


def view_selector(key_prefix: str = "lab_", default: str = "inputs") -> str:
    """Which view is on screen, bound to the URL as ``<prefix>view``: only that view's code runs."""
    label = st.segmented_control(
        "View",
        list(LABELS.values()),
        default=LABELS[default],
        required=True,
        **VIEW_CHOICE.bound(key_prefix),
        label_visibility="collapsed",
    )
    return next(key for key, shown in LABELS.items() if shown == label)


def show_view(
    key: str, settings: LabSettings, *, key_prefix: str = "lab_", masked: frozenset[str] = frozenset()
) -> dict:
    """Draw the view ``key`` (hiding what ``masked`` names, for a lesson's question); returns the
    view's own widget values (for the work done ahead)."""
    own = VIEWS[key].draw(settings, key_prefix=key_prefix, masked=masked)
    if settings.length != MAX_LENGTH:
        work_ahead(key, settings.activation, settings.w2, tuple(sorted(own.items())))
    return own


@st.cache_resource(max_entries=64, show_spinner=False)
def work_ahead(key: str, activation: str, w2: float, own: tuple) -> threading.Thread:
    """Compute, once per server and setting, in the background, what the view on screen needs at
    T = MAX_LENGTH: every view's "Try" sends the learner there, and the first visit would otherwise
    compute it while they wait. The results land in the views' own caches (a rerun that asks
    for one meanwhile waits for it rather than computing it twice)."""

    def run() -> None:
        for compute in VIEWS[key].ahead(activation, w2, dict(own)):
            compute()

    thread = threading.Thread(target=run, name=f"lab-work-ahead-{key}", daemon=True)
    thread.start()
    return thread
