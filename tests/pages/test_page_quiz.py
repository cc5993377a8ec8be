"""AppTest tests of Check yourself on the Lesson page, and of every misconception's refutation link."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from apptest_support import all_text, assert_clean, open_page

from ui.lesson import quiz
from ui.lesson.misconceptions import BY_CODE, INVENTORY

LESSON = "app_pages/lesson.py"


def lesson_with(**query: str):
    at = open_page(LESSON)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert_clean(at)
    return at


def right_option(question, which: str) -> int:
    state = question.start(quiz.ROUNDS[which])
    return next(i for i, option in enumerate(question.choose.options) if option.correct(state))


def answer(at, which: str, picks: dict[str, int]):
    for key, option in picks.items():
        at.radio(key=f"lq_{which}_{key}").set_value(option)
    at.button(key=f"lq_{which}_submit").click().run()
    assert_clean(at)
    return at


def test_step_1_offers_the_quiz_first_and_its_button_opens_it():
    at = lesson_with(step="1")
    at.button(key="ls_quiz_before").click().run()
    assert_clean(at)
    assert at.query_params["quiz"] in ("before", ["before"])
    assert len(at.radio) == len(quiz.QUESTIONS)
    assert all(radio.value is None for radio in at.radio), "nothing is picked for the learner"


def test_the_questions_show_every_option_of_their_round_in_its_own_order():
    for which, seed in quiz.ROUNDS.items():
        at = lesson_with(quiz=which)
        for question in quiz.QUESTIONS:
            texts = question.choose.texts(question.start(seed))
            shown = at.radio(key=f"lq_{which}_{question.key}").options
            assert shown == [texts[i] for i in question.order(seed)], (which, question.key)


def test_wrong_answers_name_their_beliefs_with_links_that_show_them_wrong():
    wrong = {"params": 2, "first": 1}  # 5 × n (every copy its own weights); the newest day first
    at = answer(lesson_with(quiz="before"), "before", wrong)
    text = all_text(at)
    assert f"**0 of {len(quiz.QUESTIONS)}** right" in text
    for code in ("M1", "M8"):
        belief = BY_CODE[code]
        assert f"You may think** {belief.belief}" in text
        assert belief.shows().text in text, "the refuting fact, on the learner's network"
        link = next(link.proto for link in at.get("page_link") if link.proto.label == belief.title)
        assert belief.page.endswith(f"{link.page}.py")
        assert dict(parse_qsl(link.query_string)) == belief.params, "the link opens the settings that show it"
    for code in set(BY_CODE) - {"M1", "M8"}:
        assert f"You may think** {BY_CODE[code].belief}" not in text


def test_the_result_is_kept_in_the_link_and_survives_a_reload():
    picks = {q.key: right_option(q, "before") for q in quiz.QUESTIONS}
    picks["gates"] = next(i for i, o in enumerate(quiz.QUESTIONS[6].choose.options) if o.reveals == "M5")
    at = answer(lesson_with(quiz="before"), "before", picks)
    link = at.query_params["before"]
    link = link[0] if isinstance(link, list) else link
    assert quiz.parse(link) == picks
    again = lesson_with(quiz="before", before=link)  # a new session, from the link alone
    text = all_text(again)
    assert f"**{len(quiz.QUESTIONS) - 1} of {len(quiz.QUESTIONS)}** right" in text
    assert f"You may think** {BY_CODE['M5'].belief}" in text


def test_after_the_lesson_the_result_sits_beside_the_first_one():
    before = {q.key: 1 for q in quiz.QUESTIONS}
    first = quiz.result(before, quiz.ROUNDS["before"]).right
    at = lesson_with(quiz="after", before=quiz.link_value(before), done=".".join(map(str, range(1, 11))))
    picks = {q.key: right_option(q, "after") for q in quiz.QUESTIONS}
    at = answer(at, "after", picks)
    text = all_text(at)
    assert f"**{len(quiz.QUESTIONS)} of {len(quiz.QUESTIONS)}** right (before the lesson: {first} of" in text
    assert "No wrong answer points to a common misconception" in text


def test_the_last_step_passed_offers_the_quiz_again():
    at = lesson_with(step="10", done=".".join(map(str, range(1, 11))))
    at.button(key="ls_quiz_after").click().run()
    assert_clean(at)
    assert len(at.radio) == len(quiz.QUESTIONS)


def test_answer_again_clears_only_its_round():
    at = answer(lesson_with(quiz="before"), "before", {"params": 0})
    at.button(key="lq_before_retake").click().run()
    assert_clean(at)
    assert len(at.radio) == len(quiz.QUESTIONS) and "before" not in at.query_params


def test_a_doctored_link_is_ignored_quietly():
    at = lesson_with(quiz="before", before="x.99.-3")
    assert len(at.radio) == len(quiz.QUESTIONS), "nothing usable in the link: the questions, not a result"
    at = lesson_with(quiz="sideways")
    assert at.get("progress"), "an unknown round opens the lesson's steps"


@pytest.mark.parametrize("belief", INVENTORY, ids=lambda m: m.code)
def test_every_refutation_link_opens_its_page_with_its_settings(belief):
    at = open_page(belief.page, query=belief.params)
    assert_clean(at)
    assert "which this page does not have" not in all_text(at)
    assert "could not be used" not in all_text(at).lower()
