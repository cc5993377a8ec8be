"""Real-browser tests of the Lesson page: answers are checked, progress moves, every step fits a projector.
Every step opened from its link, at every size and in both themes, is read by test_browser_views.py."""

import numpy as np
import pytest
from browser_support import IDLE, assert_healthy, open_app_page, rerun_after, screenshot
from playwright.sync_api import Page, expect
from view_checks import FIGURES

import rnn_core as rc
from rnn_core.data import encode
from ui.lesson import steps as lesson
from ui.lesson.challenges import Predict, answer_text

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("n", range(1, len(lesson.STEPS) + 1))
def test_every_step_fits_a_1280x720_projector_in_presentation_mode(page: Page, base_url, screenshots, n):
    # Larger type on a smaller screen: the way on, the challenge and the live view's figure still
    # end inside 720 px, and Leave presentation, pinned to the corner, covers none of the buttons.
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app_page(page, base_url, "/lesson", f"step={n}&present=1")
    assert_healthy(page)
    heading = page.get_by_role("heading", name=f"{n}. {lesson.STEPS[n - 1].title}")
    expect(heading).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    screenshot(page, screenshots, f"present_lesson_step{n}_1280x720", full_page=False)
    parts = [page.locator(".st-key-ls_nav"), heading, page.get_by_text("Your turn:", exact=False).first]
    parts += page.locator(FIGURES).all()
    bottoms = [b["y"] + b["height"] for b in (p.bounding_box() for p in parts)]
    print(f"step {n} presented: ends at {max(bottoms):.0f} px")
    assert max(bottoms) <= 720, f"step {n}: {bottoms}"
    leave = page.locator(".st-key-classroom_leave").bounding_box()
    for button in page.locator(".st-key-ls_nav button").all():
        b = button.bounding_box()
        apart = b["x"] + b["width"] <= leave["x"] or b["y"] >= leave["y"] + leave["height"]
        assert apart, f"step {n}: Leave presentation {leave} covers a button at {b}"


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
    rerun_after(page, lambda: page.get_by_role("button", name="Check", exact=True).click())
    expect(page.get_by_test_id("stAlertContentWarning")).to_be_visible()
    field.fill(str(answer))
    rerun_after(page, lambda: page.get_by_role("button", name="Check", exact=True).click())
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
    rerun_after(page, lambda: page.get_by_role("button", name="Check", exact=True).click())
    expect(page.get_by_text("2 passed")).to_be_visible()
    assert_healthy(page)
    screenshot(page, screenshots, f"lesson_step2_answered_{width}x{height}")


def test_the_goal_step_is_met_by_changing_w2_on_the_live_network(page: Page, base_url, screenshots):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app_page(page, base_url, "/lesson", "step=4")
    hint = page.get_by_test_id("stAlertContentInfo")
    expect(hint).to_have_count(0)  # no hint before a first try
    field = page.get_by_label("w2", exact=True)
    field.fill("0.7")  # a try that still misses a rule earns the hint
    rerun_after(page, lambda: field.press("Enter"))
    expect(hint.first).to_be_visible()
    field.fill(str(rc.STATQUEST_WEIGHTS["w2"]))
    rerun_after(page, lambda: field.press("Enter"))
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_be_visible()
    assert_healthy(page)
    screenshot(page, screenshots, "lesson_step4_met_1280x800")


def engine_answers() -> dict[int, float]:
    """The predict steps' answers for their first starting state, computed here from rnn_core."""
    starts = {n: lesson.STEPS[n - 1].start(0) for n in range(1, 11)}
    model = rc.statquest_rnn()
    step6 = starts[6]
    six = rc.statquest_rnn()
    six.params["w2"] = step6["weights"]["w2"]
    _, grads = six.loss_and_grads(encode(list(step6["days"]))[None], [[float(encode(step6["target"]))]], loss="ssr")
    identity = rc.VanillaRNN(1, activation="identity", seed=0)
    identity.params["w1"], identity.params["w2"], identity.params["w3"] = 1.0, starts[8]["w2"], 1.0
    return {
        1: float(encode(starts[1]["day"])),
        2: float(model.forward([[float(encode(starts[2]["day"]))]]).hidden[0, 0, 0]),
        3: float(model.predict(encode(list(starts[3]["days"]))[None])[0, 0]),
        6: float(grads.per_step["w2"].sum()),
        8: float(identity.input_gradients(np.ones((1, starts[8]["length"])))[0, 0]),
    }


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_a_learner_walks_the_whole_lesson_answering_every_challenge(page: Page, base_url, screenshots, width, height):
    page.set_viewport_size({"width": width, "height": height})
    answers = engine_answers()
    # A learner starts on Home and follows its "Start the lesson" link.
    open_app_page(page, base_url, "/")
    page.get_by_role("link", name="Start the lesson").click()
    page.wait_for_url("**/lesson**")
    page.wait_for_selector(IDLE, timeout=30_000)
    success = page.get_by_test_id("stAlertContentSuccess")
    for n in range(1, 11):
        expect(page.get_by_role("heading", name=f"{n}. {lesson.STEPS[n - 1].title}")).to_be_visible()
        if n in answers:
            page.get_by_label("Your answer").fill(repr(answers[n]))
            page.locator(f".st-key-ls_{lesson.STEPS[n - 1].key}_sure").get_by_text("Sure", exact=True).click()
            rerun_after(page, lambda: page.get_by_role("button", name="Check", exact=True).click())
        elif n == 4:
            field = page.get_by_label("w2", exact=True)
            field.fill(str(rc.STATQUEST_WEIGHTS["w2"]))
            rerun_after(page, lambda field=field: field.press("Enter"))
        elif n == 7:
            rerun_after(page, lambda: page.locator(".st-key-ls_exploding_preset0 button").click())  # w2 = 2
            slider = page.locator(".st-key-ls_exploding_length").get_by_role("slider")
            shown = page.locator(".st-key-ls_exploding_length").get_by_test_id("stSliderThumbValue")
            while int(shown.inner_text()) < 20:
                slider.focus()
                rerun_after(page, lambda: page.keyboard.press("ArrowRight"))
        else:
            right = {5: "5", 9: "It fades towards 0", 10: "A GRU; it still fades"}[n]
            page.get_by_test_id("stRadio").get_by_text(right, exact=True).click()
            rerun_after(page, lambda: page.get_by_role("button", name="Check", exact=True).click())
        expect(success.first).to_be_visible()
        expect(page.get_by_text(f"{n} passed")).to_be_visible()
        assert_healthy(page)
        screenshot(page, screenshots, f"lesson_walk_step{n}_{width}x{height}", full_page=False)
        if width == 1280:  # answered, the step still fits: its view (now with its numbers) ends on screen
            figures = [b["y"] + b["height"] for b in (f.bounding_box() for f in page.locator(FIGURES).all())]
            print(f"step {n} answered: its view ends at {max(figures, default=0):.0f} px")
            assert figures and max(figures) <= height, f"step {n}: {figures}"
        if n < 10:
            rerun_after(page, lambda: page.get_by_role("button", name="Next").click())
    expect(page.get_by_text("You passed all 10 steps")).to_be_visible()
    expect(page.get_by_text(f"when sure, right {len(answers)} of {len(answers)} times")).to_be_visible()
    page.get_by_role("heading", name="Your network in code").scroll_into_view_if_needed()
    screenshot(page, screenshots, f"lesson_summary_{width}x{height}", full_page=False)
    expect(page.get_by_role("link", name="Explore further: Unrolling")).to_be_visible()
    assert "done=1.2.3.4.5.6.7.8.9.10" in page.url, page.url


PREDICT_STEPS = [n for n, s in enumerate(lesson.STEPS, 1) if isinstance(s.challenge, Predict)]


def telling_mistakes(n: int, seed: int) -> list:
    """Step ``n``'s listed mistakes whose wrong answer, for its ``seed``-th numbers, is neither the
    answer nor another mistake's (those are the ones a learner can be told apart by)."""
    challenge, state = lesson.STEPS[n - 1].challenge, lesson.STEPS[n - 1].start(seed)
    answer, room = challenge.answer(state), challenge.room(state)
    return [
        m
        for m in challenge.mistakes
        if abs(m.answer(state) - answer) > room and challenge.mistake_made(state, m.answer(state)) is m
    ]


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_each_prediction_hides_its_answer_and_answers_each_listed_mistake_with_its_own_hint(
    page: Page, base_url, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    for n in PREDICT_STEPS:
        challenge = lesson.STEPS[n - 1].challenge
        # the first starting numbers ("Try other numbers" counts them up) where a listed mistake stands apart
        seed, told = next((seed, told) for seed in range(6) if (told := telling_mistakes(n, seed)))
        state = lesson.STEPS[n - 1].start(seed)
        open_app_page(page, base_url, "/lesson", f"step={n}")
        for _ in range(seed):
            rerun_after(page, lambda: page.get_by_role("button", name="Try other numbers").click())
        shown = answer_text(challenge.answer(state))[0]
        main = page.get_by_test_id("stMain")
        assert f"= {shown}" not in main.inner_text(), f"step {n} prints its answer before it is asked"
        for mistake in told:
            page.get_by_label("Your answer").fill(repr(mistake.answer(state)))
            rerun_after(page, lambda: page.get_by_role("button", name="Check", exact=True).click())
            hint = page.get_by_test_id("stAlertContentWarning").get_by_text(mistake.hint.split(". ")[0])
            expect(hint).to_be_visible()
        assert_healthy(page)


def test_try_other_numbers_on_one_step_leaves_an_answered_step_alone(page: Page, base_url):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app_page(page, base_url, "/lesson", "step=1")
    page.get_by_label("Your answer").fill(repr(float(encode(lesson.STEPS[0].start(0)["day"]))))
    rerun_after(page, lambda: page.get_by_role("button", name="Check", exact=True).click())
    expect(page.get_by_text("1 passed")).to_be_visible()
    rerun_after(page, lambda: page.get_by_role("button", name="Next").click())
    before = page.get_by_test_id("stMain").inner_text()
    rerun_after(page, lambda: page.get_by_role("button", name="Try other numbers").click())
    assert page.get_by_test_id("stMain").inner_text() != before, "step 2 starts from new numbers"
    rerun_after(page, lambda: page.get_by_role("button", name="Back").click())
    expect(page.get_by_role("heading", name="1. Prices become numbers")).to_be_visible()
    expect(page.get_by_test_id("stAlertContentSuccess").first).to_be_visible()  # still answered, same numbers
    expect(page.get_by_text("1 passed")).to_be_visible()
    assert_healthy(page)
