"""Who this session is in a class: a learner who joined by link (``?class=CODE``), or the teacher who
opened the teacher's link (``?class=CODE&teacher=KEY``) or started the class on For teachers.

The entry script calls ``before_page`` before every page, like presentation mode's ``present=1``: a
learner's ``class`` parameter is put back into the link on every page, since Streamlit clears query
parameters on a page switch. The teacher's key is taken out of the address bar at once (a projector
shows the address bar to the room) and kept in the session only.

What survives what: the learner's random id and the teacher's key live in ``st.session_state``, so
they last across page switches in the same tab. A reload or a new tab is a new session: a learner
then gets a new id and joins again from the ``class`` the link still holds (the class counts them
twice, and their first answers in the new session are new first answers); a teacher needs the
teacher's link again. Nothing is kept in a cookie, and nothing identifies the learner's browser.
"""

from __future__ import annotations

import secrets

import streamlit as st

from ui.pulse.connect import attempt
from ui.pulse.results import Result, Status
from ui.pulse.store import normalised_code

CLASS, TEACHER = "class", "teacher"
LEARNER_ID = "pulse_learner_id"
JOINED = "pulse_joined"  # the code of the class this session's learner is in
TEACHING = "pulse_teaching"  # (code, teacher key) of the class this session teaches, once the store accepted it
ALONE = " The lesson works here on your own."


def learner_id() -> str:
    """This session's anonymous id: random, made on first use, the same on every page of the tab."""
    if LEARNER_ID not in st.session_state:
        st.session_state[LEARNER_ID] = secrets.token_urlsafe(16)
    return st.session_state[LEARNER_ID]


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
    """Join the class a link names, open a teacher's link, and keep the learner's class in the link."""
    asked = st.query_params.get(CLASS)
    if TEACHER in st.query_params:
        _open_teachers_link(asked, st.query_params.get(TEACHER) or "")
    elif asked is not None and (taught := teaching()) is not None and normalised_code(asked) == taught[0]:
        _drop_param(CLASS)  # the teacher opening the join link stays the teacher, not a learner
    elif asked is not None and (joined() is None or normalised_code(asked) != joined()):
        _join(asked)
    if (code := joined()) is not None:
        if st.query_params.get(CLASS) != code:
            st.query_params[CLASS] = code  # kept in the link across page switches
        st.sidebar.caption(f":material/groups: In class {code}: your first answers go to it, anonymously.")
    elif (taught := teaching()) is not None:
        st.sidebar.caption(f":material/co_present: You are the teacher of class {taught[0]}.")


def _join(asked: str) -> None:
    # Off the link until the store accepts it: a wrong code is not tried again on every rerun.
    _drop_param(CLASS)
    outcome = attempt(lambda store: store.join(asked, learner_id()))
    if outcome is None:  # the database is out of reach: said once, the lesson goes on
        return
    if outcome.ok:
        st.session_state[JOINED] = normalised_code(asked)
        st.success(outcome.message, icon=":material/groups:")
    elif outcome.status is Status.RATE_LIMITED:
        st.warning(outcome.message + " Then open the class's link again." + ALONE, icon=":material/timer:")
    else:  # an unknown or expired code, an ended class: the same words for all, so codes cannot be probed
        st.warning(outcome.message + ALONE, icon=":material/group_off:")


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
