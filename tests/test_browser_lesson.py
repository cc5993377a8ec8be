"""Real-browser tests of the Lesson page: every step opens from its link, answers are checked, progress moves."""

import pytest
from browser_support import assert_healthy, open_app_page, rerun_after, screenshot
from playwright.sync_api import Page, expect

import rnn_core as rc
from rnn_core.data import encode
from ui import lesson

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("n", range(1, len(lesson.STEPS) + 1))
def test_every_step_opens_from_its_link_in_a_fresh_session(page: Page, base_url, screenshots, n):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app_page(page, base_url, "/lesson", f"step={n}")
    assert_healthy(page)
    expect(page.get_by_role("heading", name=f"{n}. {lesson.STEPS[n - 1].title}")).to_be_visible()
    expect(page.get_by_test_id("stProgress")).to_be_visible()
    screenshot(page, screenshots, f"lesson_step{n}_1280x800", full_page=False)


def test_a_link_to_a_step_that_does_not_exist_opens_step_1_with_a_note(page: Page, base_url):
    open_app_page(page, base_url, "/lesson", "step=42")
    assert_healthy(page)
    expect(page.get_by_role("heading", name="1. Prices become numbers")).to_be_visible()
    expect(page.get_by_text("There is no step 42")).to_be_visible()


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_a_learner_answers_wrong_then_right_and_moves_on(page: Page, base_url, screenshots, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_app_page(page, base_url, "/lesson", "step=1")
    state = lesson.STEPS[0].start(0)
    answer = float(encode(state["day"]))  # the engine's scaled price for the asked day
    field = page.get_by_label("Your answer")
    field.fill(str(answer + 0.3))
    rerun_after(page, lambda: page.get_by_role("button", name="Check").click())
    expect(page.get_by_test_id("stAlertContentWarning")).to_be_visible()
    field.fill(str(answer))
    rerun_after(page, lambda: page.get_by_role("button", name="Check").click())
    expect(page.get_by_test_id("stAlertContentSuccess")).to_be_visible()
    expect(page.get_by_text("1 passed")).to_be_visible()
    assert_healthy(page)
    screenshot(page, screenshots, f"lesson_step1_answered_{width}x{height}")
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= width, f"the page is {wide} px wide on a {width} px screen"
    rerun_after(page, lambda: page.get_by_role("button", name="Next").click())
    expect(page.get_by_role("heading", name="2. One unit and a loop")).to_be_visible()
    expect(page.get_by_text("1 passed")).to_be_visible()
    assert "step=2" in page.url and "done=1" in page.url, page.url
    # Step 2: h1 from the engine.
    state = lesson.STEPS[1].start(0)
    h1 = float(rc.statquest_rnn().forward([[float(encode(state["day"]))]]).hidden[0, 0, 0])
    page.get_by_label("Your answer").fill(str(h1))
    rerun_after(page, lambda: page.get_by_role("button", name="Check").click())
    expect(page.get_by_text("2 passed")).to_be_visible()
    assert_healthy(page)
    screenshot(page, screenshots, f"lesson_step2_answered_{width}x{height}")


def test_the_goal_step_is_met_by_changing_w2_on_the_live_network(page: Page, base_url, screenshots):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app_page(page, base_url, "/lesson", "step=4")
    expect(page.get_by_test_id("stAlertContentInfo").first).to_be_visible()
    field = page.get_by_label("w2", exact=True)
    field.fill("-0.5")
    rerun_after(page, lambda: field.press("Enter"))
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_be_visible()
    assert_healthy(page)
    screenshot(page, screenshots, "lesson_step4_met_1280x800")
