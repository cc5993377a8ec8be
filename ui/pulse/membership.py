"""Who this session is in a class: a learner who joined by link (``?class=CODE``) or typed the code in
the sidebar's Join a class, or the teacher who opened the teacher's link (``?class=CODE&teacher=KEY``)
or started the class on For teachers.

The entry script calls ``before_page`` before every page, like presentation mode's ``present=1``: a
learner's ``class`` parameter is put back into the link on every page, since Streamlit clears query
parameters on a page switch. The teacher's key is taken out of the address bar at once (a projector
shows the address bar to the room) and kept in the session only.

What survives what: the learner's random id and the teacher's key live in ``st.session_state``, so
they last across page switches in the same tab. Once a learner is in a class, the id is also kept in
a cookie of this site for a day (a class lasts one): a reload or a new tab is a new session, which
reads the id back (``st.context.cookies``) and rejoins as the same learner, so the class counts them
once and their first answers stay their first. Streamlit sets no cookie from Python, so a line of
script in an ``st.html`` element writes it. The cookie holds only the random id; a teacher needs
the teacher's link again after a reload.
"""

from __future__ import annotations

import secrets

import streamlit as st

from ui.pulse.connect import attempt
from ui.pulse.results import Result, Status
from ui.pulse.store import is_learner_id, normalised_code

CLASS, TEACHER = "class", "teacher"
LEARNER_ID = "pulse_learner_id"
JOINED = "pulse_joined"  # the code of the class this session's learner is in
TEACHING = "pulse_teaching"  # (code, teacher key) of the class this session teaches, once the store accepted it
ALONE = " The lesson works here on your own."
LEARNER_COOKIE = "unrolled_learner"  # the learner's random id, for a day, so a reload is the same learner
COOKIE_WRITTEN = "pulse_cookie_written"


def learner_id() -> str:
    """This learner's anonymous id: the one this browser kept (``keep_learner_id``), else random, made on
    first use; the same on every page of the tab."""
    if LEARNER_ID not in st.session_state:
        kept = st.context.cookies.get(LEARNER_COOKIE)
        st.session_state[LEARNER_ID] = kept if is_learner_id(kept) else secrets.token_urlsafe(16)
    return st.session_state[LEARNER_ID]


def keep_learner_id() -> None:
    """Keep the learner's id in this browser for a day, once per session (and only when it is not there yet)."""
    ident = learner_id()
    if st.session_state.get(COOKIE_WRITTEN) or st.context.cookies.get(LEARNER_COOKIE) == ident:
        return
    st.session_state[COOKIE_WRITTEN] = True
    with st.sidebar:  # an element of no height, below the sidebar's own
        st.html(
            f"<script>document.cookie = '{LEARNER_COOKIE}={ident}; path=/; max-age=86400; SameSite=Lax';</script>",
            unsafe_allow_javascript=True,
        )


def joined() -> str | None:
    """The code of the class this session's learner is in, if any."""
    return st.session_state.get(JOINED)


def teaching() -> tuple[str, str] | None:
    """(code, teacher key) of the class this session teaches, if any."""
    return st.session_state.get(TEACHING)


def start_teaching(code: str, teacher_key: str) -> None:
    st.session_state[TEACHING] = (code, teacher_key)
    st.session_state.pop(JOINED, None)  # a teacher is not also one of the class's learners


def leave(message: str) -> None:
    """The class is gone (expired, ended) for this learner: say why, and keep the lesson alone."""
    st.session_state.pop(JOINED, None)
    _drop_param(CLASS)
    st.info(message + ALONE, icon=":material/group_off:")


def _drop_param(name: str) -> None:
    if name in st.query_params:
        del st.query_params[name]


def before_page() -> None:
    """Join the class a link names (or a code typed in Join a class), open a teacher's link, and keep the
    learner's class in the link."""
    asked = st.query_params.get(CLASS)
    typed = st.session_state.pop(TYPED, None)
    typed_reply = None
    if TEACHER in st.query_params:
        _open_teachers_link(asked, st.query_params.get(TEACHER) or "")
    elif typed is not None:
        typed_reply = _join_typed(typed)
    elif asked is not None and (taught := teaching()) is not None and normalised_code(asked) == taught[0]:
        _drop_param(CLASS)  # the teacher opening the join link stays the teacher, not a learner
    elif asked is not None and (joined() is None or normalised_code(asked) != joined()):
        _join(asked)
    if (code := joined()) is not None:
        if st.query_params.get(CLASS) != code:
            st.query_params[CLASS] = code  # kept in the link across page switches
        st.sidebar.caption(f":material/groups: In class {code}: your first answers go to it, anonymously.")
        keep_learner_id()
    elif (taught := teaching()) is not None:
        st.sidebar.caption(f":material/co_present: You are the teacher of class {taught[0]}.")
    else:
        join_field(typed_reply)


# -- a code typed in ---------------------------------------------------------------------------------------
# A learner who sees the code on the projector but has no link types it in the sidebar, on any page. What
# was typed waits in the session until the next run's before_page, which joins it like a link's code; a
# refusal is said under the field, where the learner is looking, and the field stays for another try.
JOIN_FIELD = "pulse_join_code"
JOIN_LABEL = "Join a class"
TYPED = "pulse_typed_code"  # what was typed, from Join's callback to before_page
NOT_A_CODE = "A class code has 6 letters and digits, like 7KQ2MX. Check it on the projector."
TYPE_IT = "Type the code your teacher shows, then press Join."


def _keep_typed() -> None:
    st.session_state[TYPED] = st.session_state.get(JOIN_FIELD) or ""


def join_field(reply: tuple[str, str] | None = None) -> None:
    """Join a class: one field and its button in the sidebar, and what became of the last code typed."""
    with st.sidebar.form("pulse_join", border=False):  # a typo stays in the field, to be put right
        st.text_input(
            JOIN_LABEL,
            key=JOIN_FIELD,
            placeholder="Its code, from your teacher",
            max_chars=32,
            autocomplete="off",
        )
        st.form_submit_button("Join", key="pulse_join_send", icon=":material/group_add:", on_click=_keep_typed)
    if reply is not None:
        kind, message = reply
        getattr(st.sidebar, kind)(message, icon=":material/group_off:" if kind == "warning" else ":material/info:")


def _join_typed(typed: str) -> tuple[str, str] | None:
    """Join the class of a typed code; what to say under the field when it did not (None once joined)."""
    if not typed.strip():
        return "info", TYPE_IT
    if normalised_code(typed) is None:  # cannot be any class's code: no lookup, and nothing to rate-limit
        return "warning", NOT_A_CODE
    if (taught := teaching()) is not None and normalised_code(typed) == taught[0]:
        return "info", "You are this class's teacher."
    return _join(typed, typed=True)


def _join(asked: str, *, typed: bool = False) -> tuple[str, str] | None:
    """Join the class with code ``asked``. A link's refusal is said at the top of the page; a typed code's
    is returned, to be said under the field (None when there is nothing to say there)."""
    # Off the link until the store accepts it: a wrong code is not tried again on every rerun.
    _drop_param(CLASS)
    outcome = attempt(lambda store: store.join(asked, learner_id()))
    if outcome is None:  # the database is out of reach: said once, the lesson goes on
        return None
    if outcome.ok:
        st.session_state[JOINED] = normalised_code(asked)
        st.success(outcome.message, icon=":material/groups:")
        return None
    if outcome.status is Status.RATE_LIMITED:
        again = " Then type the code again." if typed else " Then open the class's link again."
        reply = ("warning", outcome.message + again + ALONE)
    else:  # an unknown or expired code, an ended class: the same words for all, so codes cannot be probed
        reply = ("warning", outcome.message + ALONE)
    if typed:
        return reply
    st.warning(reply[1], icon=":material/timer:" if outcome.status is Status.RATE_LIMITED else ":material/group_off:")
    return None


def _open_teachers_link(asked: str | None, key: str) -> None:
    # Out of the address bar before anything else is drawn: the projector shows it to the room.
    _drop_param(TEACHER)
    _drop_param(CLASS)
    status = attempt(lambda store: store.class_status(asked or "", key))
    if status is None:
        return
    if isinstance(status, Result):  # a forged, missing or stale key: no teacher's controls
        st.session_state.pop(TEACHING, None)
        st.error(
            status.message + " Open the teacher's link shown where the class was started.", icon=":material/key_off:"
        )
        return
    start_teaching(status.code, key)
