"""Start a class on For teachers: the join code big, the join link and its QR code for the projector, and
the teacher's link (with the teacher key) for the teacher alone.

The teacher's link is shown only in the session that started the class, never in a learner's link or in
Share this view (which carries only the page's controls and its own parameters)."""

from __future__ import annotations

import functools
import html
from urllib.parse import urlencode

import segno
import streamlit as st

from ui.pulse import membership
from ui.pulse.connect import say_unavailable_once, store
from ui.pulse.results import NewClass, StoreUnavailable

STARTED = "pulse_started"  # the NewClass this session started (code, teacher key, expiry)
LESSON_PATH = "lesson"

# The code is read from the back of the room: large, spaced, in a face where each character is distinct;
# on a phone it shrinks to the screen's width.
CODE_STYLE = """
<style>
.pulse-code { font-size: clamp(2.2rem, 10vw, 4.5rem); font-weight: 700; letter-spacing: 0.35em; font-family: monospace;
  line-height: 1.1; margin: 0; }
.pulse-qr { width: 100%; max-width: 15rem; height: auto; display: block; }
</style>
"""


def join_link(origin: str, code: str) -> str:
    return f"{origin}/{LESSON_PATH}?{urlencode({membership.CLASS: code})}"


def teachers_link(origin: str, code: str, teacher_key: str) -> str:
    params = {membership.CLASS: code, membership.TEACHER: teacher_key, "present": "1"}
    return f"{origin}/{LESSON_PATH}?{urlencode(params)}"


@functools.lru_cache(maxsize=32)  # drawn on every run of the teacher's page while the class is open
def qr_image(link: str) -> str:
    """The join link as a QR code: an image (SVG, dark on a white ground, which a phone's camera needs in
    a dark theme too) with the link as its text alternative."""
    code = segno.make(link, error="m")
    source = code.svg_data_uri(scale=6, border=2, dark="#000000", light="#ffffff")
    return f'<img class="pulse-qr" src="{html.escape(source)}" alt="QR code of the join link {html.escape(link)}">'


def start_class() -> None:
    try:
        started = store().start_class()
    except StoreUnavailable:
        say_unavailable_once()
        return
    st.session_state[STARTED] = started
    membership.start_teaching(started.code, started.teacher_key)


def section(origin: str) -> None:
    """The For teachers page's class pulse: Start a class, then the class's code, links and QR code."""
    st.subheader("A class pulse")
    st.markdown(
        "Start a class and put its code on the projector. Learners who open the join link or type the code "
        "are in the class anonymously, and their first answer on each lesson question goes to it. The teacher's link "
        "shows how the class's answers spread, with **Reveal**, **Vote again** and **Close**."
    )
    started: NewClass | None = st.session_state.get(STARTED)
    label = "Start another class" if started else "Start a class"
    st.button(label, key="pulse_start", icon=":material/groups:", on_click=start_class)
    started = st.session_state.get(STARTED)
    if started is None:
        return
    link = join_link(origin, started.code)
    st.html(CODE_STYLE)
    code_column, qr_column = st.columns([3, 2], gap="medium")
    with code_column:
        st.caption("Join code")
        spaced = " ".join(started.code)
        st.html(f'<p class="pulse-code" aria-label="Join code {html.escape(spaced)}">{html.escape(started.code)}</p>')
        st.markdown("**Join link** (open it, or scan the code):")
        st.code(link, language=None, wrap_lines=True)
        st.caption(f"No link? Type the code in **{membership.JOIN_LABEL}**, in the app's side menu, on any page.")
        st.caption("The class and its answers are deleted 24 hours after it starts.")
    qr_column.html(qr_image(link))
    with st.expander("The teacher's link: for you only", icon=":material/key:", expanded=True):
        st.markdown(
            "It opens the lesson in presentation mode with the class's answers and the **Reveal**, "
            "**Vote again** and **Close** buttons. Anyone with it can end the class: keep it off the "
            "projector and out of the chat. The app takes the key out of the address bar once it is opened."
        )
        st.code(teachers_link(origin, started.code, started.teacher_key), language=None, wrap_lines=True)
