"""Classroom links: controls locked or hidden by the link, "Share this view", presentation mode.

A teacher's link names widget keys: ``lock=lab_w2`` shows that widget disabled at the link's
value, ``hide=lab_activation`` leaves it off the screen while its value still applies, and
``present=1`` turns on presentation mode. Pages draw their URL-bound widgets with
``**bound(key)``, which binds the widget to the URL, disables it when the link locks or hides
it, and records it for this run's "Share this view". A hidden widget is still drawn (so
Streamlit still reads its value from the link) inside a rule that takes it off the screen.

The entry script calls ``before_page`` before the page runs and ``after_page`` after it: the
first states presentation mode and hides what the link hides; the second notes link keys that
are no widget of this page, and fills the Share button with the controls the page drew.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import streamlit as st

from ui.kit.state import SAID

LOCK, HIDE, PRESENT = "lock", "hide", "present"
# This run's controls, in the order drawn: key -> how a link writes its value (None: links don't).
CONTROLS = "_classroom_controls"
# Parameters a page keeps in the link besides its widgets (the lesson's step and progress).
EXTRA_PARAMS = "_classroom_params"
PRESENTING = "classroom_presenting"
# A widget key a link may name: what the pages use, and nothing a style rule could misread.
KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,60}$")


# -- reading the link ---------------------------------------------------------------------------
def link_keys(name: str, params: Mapping[str, str] | None = None) -> list[str]:
    """The keys listed in the link's ``lock`` or ``hide`` parameter, in order, without repeats."""
    params = st.query_params if params is None else params
    raw = params.get(name) or ""
    keys = [part.strip() for part in str(raw).split(",")]
    return list(dict.fromkeys(key for key in keys if key))


def locked(key: str) -> bool:
    """Whether the link locks (or hides) the widget ``key``: either way nobody may change it."""
    return key in link_keys(LOCK) or key in link_keys(HIDE)


def hidden(key: str) -> bool:
    return key in link_keys(HIDE)


def _record(key: str, shown: Callable[[object], str] | None) -> None:
    st.session_state.setdefault(CONTROLS, {})[key] = shown


def bound(key: str, shown: Callable[[object], str] | None = None) -> dict:
    """Keyword arguments for a widget bound to the URL under ``key``, locked when the link says so.

    ``shown`` turns the widget's value into the text its URL parameter holds: Streamlit writes a
    select widget's option as shown (its ``format_func``, or ``str`` of the option), and a slider's
    or number input's number as a number (the default).
    """
    _record(key, shown or link_value)
    return {"key": key, "bind": "query-params", "disabled": locked(key)}


def lockable(key: str) -> dict:
    """Keyword arguments for a widget whose value is not in the link but which a link may lock."""
    _record(key, None)
    return {"key": key, "disabled": locked(key)}


def keep_in_link(**params: str) -> None:
    """Parameters of this view that are not widgets (e.g. the lesson's step) for the shared link."""
    st.session_state.setdefault(EXTRA_PARAMS, {}).update({k: str(v) for k, v in params.items()})


# -- the link a view is shared with ---------------------------------------------------------------
def link_value(value: object) -> str:
    """A number, a switch or a text as a bound slider, number input or toggle writes it into the URL."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def share_link(
    page_url: str,
    values: Mapping[str, str],
    *,
    lock: Iterable[str] = (),
    hide: Iterable[str] = (),
    extra: Mapping[str, str] | None = None,
    present: bool = False,
) -> str:
    """The link that opens ``page_url`` with these widget values (as URL text), locks, hides and extras."""
    params = {**(extra or {}), **values}
    if lock := [key for key in lock if key not in set(hide)]:
        params[LOCK] = ",".join(lock)
    if hide := list(hide):
        params[HIDE] = ",".join(hide)
    if present:
        params[PRESENT] = "1"
    base = urlsplit(page_url)
    query = urlencode(params, safe=",")
    return f"{base.scheme}://{base.netloc}{base.path}" + (f"?{query}" if query else "")


def page_url(url_path: str) -> str:
    """This page's address as the learner's browser reached the app."""
    origin = urlsplit(st.context.url or "")
    netloc = origin.netloc or "localhost:8501"
    return f"{origin.scheme or 'http'}://{netloc}/{url_path}"


@dataclass(frozen=True)
class Control:
    key: str
    value: object
    link_text: str | None  # the value as its URL parameter holds it; None: not carried by links


def drawn_controls() -> list[Control]:
    """The controls this run drew, with their values now."""
    found = st.session_state.get(CONTROLS, {})
    return [
        Control(key, st.session_state[key], None if shown is None else shown(st.session_state[key]))
        for key, shown in found.items()
        if key in st.session_state
    ]


@st.dialog("Share this view", width="large", icon=":material/share:")
def share_dialog(page_url: str, controls: list[Control], extra: dict[str, str]) -> None:
    """Pick which controls the class may not change, then copy the link."""
    labels = {c.key: f"{c.key} = {c.link_text}" if c.link_text is not None else c.key for c in controls}
    if controls:
        st.caption("The link opens this page with these values. Choose what the class may not change.")
        lock = st.pills(
            "Lock (shown, fixed)",
            list(labels),
            selection_mode="multi",
            default=[c.key for c in controls if locked(c.key) and not hidden(c.key)],
            format_func=labels.get,
            key="share_lock",
        )
        hide = st.pills(
            "Hide (not shown, its value still applies)",
            list(labels),
            selection_mode="multi",
            default=[c.key for c in controls if hidden(c.key)],
            format_func=labels.get,
            key="share_hide",
        )
    else:
        lock, hide = [], []
    present = st.toggle("Open in presentation mode", value=presenting(), key="share_present")
    link = share_link(
        page_url,
        {c.key: c.link_text for c in controls if c.link_text is not None},
        lock=lock,
        hide=hide,
        extra=extra,
        present=present,
    )
    st.code(link, language=None, wrap_lines=True)
    st.caption(":material/content_copy: Copy it with the button at the code's right edge.")


# -- presentation mode -----------------------------------------------------------------------------
def presenting() -> bool:
    return bool(st.session_state.get(PRESENTING))


def presentation_asked() -> bool:
    """Whether this run is in presentation mode: asked by the link, or still on in the session."""
    return st.query_params.get(PRESENT) == "1" or presenting()


def set_presenting(on: bool) -> None:
    st.session_state[PRESENTING] = on
    if on:
        st.query_params[PRESENT] = "1"
    elif PRESENT in st.query_params:
        del st.query_params[PRESENT]


# Larger type for a projector: Streamlit sizes text, widgets and spacing in rem, so a larger root
# size scales them together. The page's frame shrinks to make room: no sidebar or header, a
# smaller title, tighter gaps, and Leave presentation pinned to the top corner rather than above
# the title.
# The StatLand diagram's SVG is sized in pixels, so it is zoomed on its own.
PRESENTATION_STYLE = """
<style>
html { font-size: 19px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"] { display: none; }
[data-testid="stMainBlockContainer"] { padding: 0.8rem 2rem 1rem 2rem !important; max-width: 100%; }
[data-testid="stMain"] h1 { font-size: 1.9rem; padding: 0 0 0.2rem 0; }
[data-testid="stMetricValue"] { font-size: 2.2rem; }
.st-key-classroom_leave { position: fixed; top: 0.3rem; right: 1rem; z-index: 1000; width: auto; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.75rem; }
.sl-diagram { zoom: 1.2; }
</style>
"""


# Turning presentation mode on (the sidebar's button) and off (pinned to the page's top corner).
PRESENTATION_BUTTONS = {
    True: dict(
        label="Present to a class",
        key="classroom_present",
        icon=":material/co_present:",
        help="Larger type for a projector, no sidebar; leave it with the button at the top",
        width="stretch",
    ),
    False: dict(label="Leave presentation", key="classroom_leave", icon=":material/close_fullscreen:", type="tertiary"),
}


def presentation_button(where, *, on: bool) -> None:
    where.button(on_click=set_presenting, args=(on,), **PRESENTATION_BUTTONS[on])


def hiding_style(keys: Iterable[str]) -> str:
    """A style rule that takes the widgets of these keys (and their labels) off the screen."""
    selectors = ", ".join(f".st-key-{key}" for key in keys if KEY_PATTERN.match(key))
    return f"<style>{selectors} {{ display: none !important; }}</style>" if selectors else ""


# -- around every page -----------------------------------------------------------------------------
def before_page() -> None:
    """Start this run's record of controls, and apply presentation mode and hidden controls."""
    st.session_state[CONTROLS] = {}
    st.session_state[EXTRA_PARAMS] = {}
    st.session_state[SAID] = {}
    if presentation_asked():
        st.session_state[PRESENTING] = True
        st.query_params[PRESENT] = "1"  # kept in the link across page switches
    if presenting():
        st.html(PRESENTATION_STYLE)
        presentation_button(st, on=False)
    if style := hiding_style(link_keys(HIDE)):
        st.html(style)


def unknown_keys(controls: Iterable[str], params: Mapping[str, str] | None = None) -> list[str]:
    """Keys the link locks or hides that are no control of this page."""
    known = set(controls)
    return [key for key in link_keys(LOCK, params) + link_keys(HIDE, params) if key not in known]


def after_page(area, page_url: str) -> None:
    """A quiet note about link keys this page does not have, and the Share button (in ``area``)."""
    controls = drawn_controls()
    if unknown := unknown_keys(c.key for c in controls):
        names = ", ".join(f"`{key}`" for key in dict.fromkeys(unknown))
        st.caption(f":material/link_off: This link locks or hides {names}, which this page does not have.")
    if area is None:
        return
    extra = dict(st.session_state.get(EXTRA_PARAMS, {}))
    if area.button(
        "Share this view",
        key="classroom_share",
        icon=":material/share:",
        help="A link to this page with these settings, some of them locked or hidden",
        width="stretch",
    ):
        share_dialog(page_url, controls, extra)
    if not presenting():
        presentation_button(area, on=True)
