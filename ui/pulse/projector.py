"""The class pulse on the teacher's screen: on a lesson step, how many have answered and how the answers
spread, refreshed while the class answers, with Reveal, Vote again and Close.

Drawn only for the session holding the class's teacher key (``membership.teaching``); every figure
comes from the store on each refresh, and the store checks the key again on every call, so a session
whose key stopped matching sees the refusal, not the class."""

from __future__ import annotations

import streamlit as st

from ui.kit.charts import draw
from ui.pulse import charts, membership
from ui.pulse.connect import attempt
from ui.pulse.lesson_questions import network_answer, question_of, step_by_key
from ui.pulse.questions import NumberQuestion
from ui.pulse.results import Result, Spread
from ui.pulse.store import MAX_ROUNDS

# Half the bound on how old the projector's count may be: an answer written just after a
# read waits one refresh, plus the refresh's own time.
REFRESH_SECONDS = 1.0
FLASH = "pulse_flash"  # why the teacher's last action was refused, said once on the next refresh
REVEAL_HELP = "Mark the network's answer on the spread; answers to this question close"
AGAIN_HELP = "Open round 2 after the class has talked it over; round 1 stays beside it"
CLOSE_HELP = "End the class: nobody can join or answer any more"


def projector(step) -> None:
    """The pulse for the class this session teaches, on ``step`` (nothing for anyone else)."""
    taught = membership.teaching()
    if taught is None:
        return
    code, key = taught
    with st.container(border=True, key="pulse_projector"):
        if question_of(step) is None:
            status = attempt(lambda store: store.class_status(code, key))
            if isinstance(status, Result):
                st.error(status.message, icon=":material/key_off:")
            elif status is not None:
                st.markdown(
                    f"**Class {code}** · {charts.learners(status.joined)} joined. "
                    "This step's challenge is a goal to reach, so it asks the class no question."
                )
            return
        live_spread(code, key, step.key)


@st.fragment(run_every=REFRESH_SECONDS)
def live_spread(code: str, key: str, step_key: str) -> None:
    step = step_by_key(step_key)
    question = question_of(step)
    spread = attempt(lambda store: store.spread(code, key, question))
    if spread is None:
        return
    if isinstance(spread, Result):
        st.error(spread.message, icon=":material/key_off:")
        return
    teacher_actions(code, key, question, spread)
    if flash := st.session_state.pop(FLASH, None):
        st.caption(f":material/info: {flash}")
    st.markdown(headline(spread, isinstance(question, NumberQuestion)))
    draw_rounds(spread, question, network_answer(step) if spread.revealed else None)


ACTIONS = {
    "reveal": lambda store, code, key, question: store.reveal(code, key, question),
    "again": lambda store, code, key, question: store.vote_again(code, key, question),
    "close": lambda store, code, key, question: store.close(code, key),
}


def act(action: str, code: str, key: str, question) -> None:
    """A button's callback: it runs before the projector redraws, so the spread and the buttons drawn
    next already show what the action did."""
    result = attempt(lambda store: ACTIONS[action](store, code, key, question))
    if result is not None and not result.ok:  # what went through, the headline drawn next already says
        st.session_state[FLASH] = result.message


def teacher_actions(code: str, key: str, question, spread: Spread) -> None:
    """Reveal, Vote again and Close, each enabled while it can still do something."""
    no_more_rounds = spread.revealed or spread.closed or len(spread.rounds) >= MAX_ROUNDS
    buttons = (  # (action, label, icon, spent, help)
        ("reveal", "Reveal", ":material/visibility:", spread.revealed, REVEAL_HELP),
        ("again", "Vote again", ":material/replay:", no_more_rounds, AGAIN_HELP),
        ("close", "Close the class", ":material/logout:", spread.closed, CLOSE_HELP),
    )
    with st.container(horizontal=True, key="pulse_actions"):
        for action, label, icon, spent, help_text in buttons:
            st.button(
                label,
                key=f"pulse_{action}",
                icon=icon,
                type="primary" if action == "reveal" else "secondary",
                disabled=spent,
                help=help_text,
                on_click=act,
                args=(action, code, key, question),
                width="content",
            )


def headline(spread: Spread, asks_sure: bool) -> str:
    """How many answered the open round, of how many joined (and how sure, where the step asks)."""
    now = spread.rounds[-1]
    text = (
        f"**Class {spread.code}** · round {now.round} · **{now.answered}** answered of **{spread.joined}** in the class"
    )
    if asks_sure and now.answered:
        unsaid = now.answered - now.sure - now.not_sure
        text += f" ({now.sure} sure, {now.not_sure} not sure, {unsaid} did not say)"
    if spread.closed:
        return text + ". The class has ended: nobody can join or answer."
    if spread.revealed:
        return text + ". The network's answer is out: answers to this question are closed."
    return text + "."


def draw_rounds(spread: Spread, question, answer) -> None:
    """One chart per round, side by side on one scale; a round with no answers says so instead."""
    is_number = isinstance(question, NumberQuestion)
    extent = charts.number_extent(spread.rounds, answer) if is_number else None
    most = charts.tallest(spread.rounds, extent)
    for column, now in zip(st.columns(len(spread.rounds), gap="medium"), spread.rounds, strict=True):
        with column:
            if not now.answered:
                st.caption(f"Round {now.round}: no answers yet.")
                continue
            if is_number:
                chart, alt_text = charts.number_chart(now, extent, answer, most), charts.number_alt(now, answer)
            else:
                chart, alt_text = charts.choice_chart(now, answer, most), charts.choice_alt(now, answer)
            draw(chart, key=f"pulse_round{now.round}", where=column, alt_text=alt_text)
