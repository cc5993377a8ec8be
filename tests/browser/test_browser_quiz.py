"""Real-browser tests of Check yourself: take it from step 1, read the result, reload, follow a refutation."""

import pytest
from browser_support import IDLE, assert_healthy, open_app_page, rerun_after, screenshot
from playwright.sync_api import Page, expect

from ui.lesson import quiz
from ui.lesson.misconceptions import BY_CODE

pytestmark = pytest.mark.browser


def picks(which: str, wrong_on: set[str]) -> dict[str, int]:
    """The option picked for each question: the right one (from the engine), or for the questions in
    ``wrong_on`` one that reveals a belief."""
    found = {}
    for question in quiz.QUESTIONS:
        state = question.start(quiz.ROUNDS[which])
        wrong = question.key in wrong_on
        found[question.key] = next(
            i
            for i, option in enumerate(question.choose.options)
            if (option.misconception(state) if wrong else option.correct(state))
        )
    return found


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_a_learner_checks_themself_first_reloads_and_follows_a_refutation(
    page: Page, base_url, screenshots, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    open_app_page(page, base_url, "/lesson", "step=1")
    rerun_after(page, lambda: page.get_by_role("button", name="Check yourself first").click())
    expect(page.get_by_role("heading", name="Check yourself first")).to_be_visible()
    expect(page.get_by_test_id("stRadio")).to_have_count(len(quiz.QUESTIONS))
    expect(page.get_by_test_id("stRadio").first.get_by_role("radio").first).to_be_visible()
    assert_healthy(page)
    screenshot(page, screenshots, f"quiz_before_{width}x{height}", full_page=False)
    chosen = picks("before", {"params", "reversed"})  # n or 5 × n parameters; the order does not matter
    for i, question in enumerate(quiz.QUESTIONS):
        text = question.choose.texts(question.start(quiz.ROUNDS["before"]))[chosen[question.key]]
        page.get_by_test_id("stRadio").nth(i).get_by_text(text, exact=True).click()
    rerun_after(page, lambda: page.get_by_role("button", name="See my result").click())
    expect(page.get_by_text(f"{len(quiz.QUESTIONS) - 2} of {len(quiz.QUESTIONS)}")).to_be_visible()
    held = quiz.result(chosen, quiz.ROUNDS["before"]).held
    assert held, "the two wrong answers name beliefs"
    for code in held:
        expect(page.get_by_role("link", name=BY_CODE[code].title)).to_be_visible()
    assert_healthy(page)
    screenshot(page, screenshots, f"quiz_result_{width}x{height}")
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= width, f"the page is {wide} px wide on a {width} px screen"
    assert "before=" in page.url, page.url
    # A reload (or the link on another device) shows the same result.
    page.reload()
    page.wait_for_selector(IDLE, timeout=30_000)
    expect(page.get_by_text(f"{len(quiz.QUESTIONS) - 2} of {len(quiz.QUESTIONS)}")).to_be_visible()
    # The first refutation opens its page with its settings, and the page runs cleanly.
    belief = BY_CODE[held[0]]
    page.get_by_role("link", name=belief.title).click()
    page.wait_for_url(f"**/{belief.page.split('/')[-1].removesuffix('.py')}**")
    page.wait_for_selector(IDLE, timeout=30_000)
    expect(page.locator('[data-testid="stMain"] [data-testid="stSkeleton"]')).to_have_count(0)
    assert_healthy(page)
    screenshot(page, screenshots, f"quiz_refutation_{held[0]}_{width}x{height}", full_page=False)
