"""The Lesson page's Check yourself: the questions of one round in a form, then the result, the
misconceptions the wrong answers reveal and, for each, the link that shows it wrong on the learner's
own network. Both rounds' answers live in the session and in the link (``?quiz=after&before=...``)."""

from __future__ import annotations

import streamlit as st

from ui.claims import general
from ui.kit.state import shown
from ui.lesson import quiz
from ui.lesson.misconceptions import BY_CODE

ANSWERS = "ls_quiz"  # {"before": {question key: option}, "after": {...}}
TITLES = {"before": "Check yourself first", "after": "Check yourself again"}


def answers(which: str) -> dict[str, int]:
    """A round's answers: the session's, or the link's when the session has none."""
    kept = st.session_state.setdefault(ANSWERS, {})
    if which not in kept and (found := quiz.parse(st.query_params.get(which))):
        kept[which] = found
    return kept.get(which, {})


def link_values() -> dict[str, str]:
    """Each answered round as the link keeps it."""
    return {which: quiz.link_value(found) for which in quiz.ROUNDS if (found := answers(which))}


def open_round(which: str | None) -> None:
    """Show a round's questions (or its result, once answered), or go back to the steps (None)."""
    if which is None:
        st.query_params.pop("quiz", None)
    else:
        st.query_params["quiz"] = which


def retake(which: str) -> None:
    st.session_state.setdefault(ANSWERS, {}).pop(which, None)
    st.query_params.pop(which, None)
    for key in [k for k in st.session_state if str(k).startswith(f"lq_{which}_")]:
        del st.session_state[key]


def show_round(which: str) -> None:
    seed = quiz.ROUNDS[which]
    st.subheader(TITLES[which])
    if answers(which):
        show_result(which)
        return
    st.markdown(
        f"{len(quiz.QUESTIONS)} questions on what RNNs do, each from a belief learners often hold. "
        + ("Optional, before you start." if which == "before" else "New numbers from the first time.")
    )
    with st.form(key=f"lq_{which}_form", border=False):
        picked = {}
        for i, question in enumerate(quiz.QUESTIONS, start=1):
            state = question.start(seed)
            texts = question.choose.texts(state)
            order = question.order(seed)
            choice = st.radio(
                f"{i}. {shown(general(question.choose.prompt(state)))}",
                order,
                index=None,
                format_func=lambda option, texts=texts: texts[option],
                key=f"lq_{which}_{question.key}",
            )
            if choice is not None:
                picked[question.key] = int(choice)
        if st.form_submit_button("See my result", key=f"lq_{which}_submit", type="primary"):
            if picked:
                st.session_state.setdefault(ANSWERS, {})[which] = picked
                st.query_params[which] = quiz.link_value(picked)
                st.rerun()
            st.warning("Answer at least one question first.", icon=":material/edit:")
    st.button("Back to the lesson", key=f"lq_{which}_back", on_click=open_round, args=(None,))


def show_result(which: str) -> None:
    seed = quiz.ROUNDS[which]
    done = quiz.result(answers(which), seed)
    line = f"**{done.right} of {done.asked}** right"
    if which == "after" and (first := answers("before")):
        line += f" (before the lesson: {quiz.result(first, quiz.ROUNDS['before']).right} of {done.asked})"
    st.markdown(line + ".")
    if done.held:
        st.markdown("Your wrong answers point to these beliefs. Each link shows one wrong on the network:")
        for code in done.held:
            belief = BY_CODE[code]
            with st.container(border=True, key=f"lq_{which}_held_{code}"):
                st.markdown(shown(general(f"**You may think** {belief.belief}. **In fact:** {belief.truth}")))
                st.page_link(belief.page, label=belief.title, icon=":material/science:", query_params=belief.params)
                st.caption(shown(belief.shows()))
    else:
        st.success("No wrong answer points to a common misconception.", icon=":material/check_circle:")
    with st.expander("Your answers"):
        for i, question in enumerate(quiz.QUESTIONS, start=1):
            state = question.start(seed)
            texts = question.choose.texts(state)
            right = next(t for t, o in zip(texts, question.choose.options, strict=True) if o.correct(state))
            mine = answers(which).get(question.key)
            if mine is None:
                mark = "not answered"
            elif question.choose.options[mine].correct(state):
                mark = f"✓ {texts[mine]}"
            else:
                mark = f"✗ {texts[mine]} (right: {right})"
            st.markdown(f"{i}. {shown(general(question.choose.prompt(state)))}  \n{mark}")
    with st.container(horizontal=True):
        st.button("Back to the lesson", key=f"lq_{which}_back", on_click=open_round, args=(None,), type="primary")
        st.button("Answer again", key=f"lq_{which}_retake", on_click=retake, args=(which,))
