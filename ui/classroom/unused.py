"""Shareable links: tell the learner when a link's settings could not be used.

Widgets bound with ``bind="query-params"`` read their value from the URL and fall
back to their default when the value there is malformed or out of range. That
fallback is silent (and the bad value leaves ``st.query_params``), so a page takes a
``link_snapshot`` before it draws its widgets and calls ``note_unused_link_values``
after them, to show one quiet line naming what was ignored: the widgets drawn with ``bound``
(``ui.classroom.links``) say themselves what they show, so no page lists its keys again.

Only a page's first run in a session reads the link. Later runs start from a URL that
the app wrote itself, one rerun behind: after a callback sets a bound widget (a reset,
a preset) the URL still holds the old value, which is no fault of the link.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import streamlit as st

from ui.classroom.linkable import REGISTRY
from ui.classroom.links import drawn_controls


def _same(raw: str, shown: object) -> bool:
    """Whether the URL's text ``raw`` is what the widget now shows."""
    if isinstance(shown, bool):
        return raw.strip().lower() == str(shown).lower()
    if isinstance(shown, int | float):
        try:
            value = float(raw)
        except ValueError:
            return False
        return math.isfinite(value) and math.isclose(value, float(shown), rel_tol=1e-9, abs_tol=1e-12)
    return raw == str(shown)


def unused_link_values(shown: Mapping[str, object], params: Mapping[str, str]) -> list[str]:
    """The keys whose value in ``params`` (the URL) differs from what the widget shows."""
    return [key for key, value in shown.items() if key in params and not _same(str(params[key]), value)]


def renamed_options(params: Mapping[str, str]) -> dict[str, str]:
    """The URL values among ``params`` that name an option by an old text (its widget's declared
    ``old_texts``), with the option's text now: a bound widget matches its URL value against the
    option as shown."""
    renamed = {}
    for key, value in params.items():
        widget = REGISTRY.get(key)
        if widget is not None and value in widget.old_texts:
            renamed[key] = widget.show(widget.old_texts[value])
    return renamed


def link_snapshot(prefix: str) -> dict[str, str]:
    """The URL's parameters for one page (keys starting with ``prefix``), before its widgets run;
    an option named by its old text is renamed in the URL first, so old links keep working.

    Empty on every run but the page's first in this session (see the module docstring).
    """
    opened = f"_link_opened_{prefix}"
    if st.session_state.get(opened):
        return {}
    st.session_state[opened] = True
    for key, value in renamed_options(st.query_params.to_dict()).items():
        st.query_params[key] = value
    return {key: st.query_params[key] for key in st.query_params if key.startswith(prefix)}


def shown_now() -> dict[str, object]:
    """What each URL-bound widget this run drew shows, as its link would hold it: a number or a switch
    as its value, any other as its text (``bound`` recorded how)."""
    return {
        control.key: control.value if isinstance(control.value, bool | int | float) else control.link_text
        for control in drawn_controls()
        if control.link_text is not None
    }


def note_unused_link_values(snapshot: Mapping[str, str]) -> None:
    """Show a quiet notice when the link asked for values the page's widgets could not use."""
    ignored = unused_link_values(shown_now(), snapshot)
    if ignored:
        names = ", ".join(f"`{key}`" for key in ignored)
        st.caption(
            f":material/link_off: This link's {names} could not be used (malformed or out of range); "
            "the defaults are shown instead."
        )
