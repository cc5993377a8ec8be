"""The states where a learner met a false sentence (issue 25), in a real browser: each page loads
with no exception, shows the true sentence where the learner reads it, and is saved as a
screenshot (artifacts/screenshots/truth_*.png) to be looked at as a learner would."""

from __future__ import annotations

import pytest
from browser_support import assert_healthy, expect_charts_drawn, open_app_page, rerun_after, screenshot
from playwright.sync_api import Page, expect

from ui.classroom import scenarios

LAPTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}
SIZES = {"1280x800": LAPTOP, "390x844": PHONE}


def visible_text(page: Page, text: str) -> None:
    """``text`` is on the page and drawn; scrolled to, so the screenshot shows it (a phone scrolls)."""
    found = page.locator('[data-testid="stMain"]').get_by_text(text, exact=False).first
    expect(found).to_be_visible()
    found.scroll_into_view_if_needed()


@pytest.mark.parametrize("size", list(SIZES))
def test_1_statland_at_w2_0_names_w2_as_what_carries_nothing(page: Page, base_url, screenshots, size):
    page.set_viewport_size(SIZES[size])
    open_app_page(page, base_url, "/statland", "sl_w2=0")
    assert_healthy(page)
    visible_text(page, "w2 = 0, so nothing of day 1 reaches day 2")
    expect(page.get_by_text("h1 = 1.8, so")).to_have_count(0)
    screenshot(page, screenshots, f"truth_1_statland_w2_0_{size}")


@pytest.mark.parametrize("size", list(SIZES))
def test_2_the_heatmap_at_w2_minus_2_says_exactly_0(page: Page, base_url, screenshots, size):
    page.set_viewport_size(SIZES[size])
    open_app_page(page, base_url, "/lab", "lab_view=Heatmap&lab_w2=-2")
    expect_charts_drawn(page, 1)
    assert_healthy(page)
    visible_text(page, "exactly 0 at w2 ≤ −1 (ReLU off)")
    screenshot(page, screenshots, f"truth_2_heatmap_w2_-2_{size}")


@pytest.mark.parametrize("query", ["", "lab_w2=0.5&lab_length=1000"], ids=["defaults", "vanishing"])
def test_3_the_gates_view_slows_the_fade_and_shows_its_lines_apart(page: Page, base_url, screenshots, query):
    page.set_viewport_size(LAPTOP)
    open_app_page(page, base_url, "/lab", "&".join(q for q in ("lab_view=Gates", query) if q))
    expect_charts_drawn(page, 1)
    assert_healthy(page)
    visible_text(page, "the gates slow the fade")
    chart = page.get_by_test_id("stVegaLiteChart").first
    # the y axis reads in powers of ten a few decades apart, not 10⁻³⁰⁰ squeezed under 1
    labels = chart.locator(".role-axis-label text").all_text_contents()
    assert labels and not any("³⁰⁰" in label or "³⁰¹" in label for label in labels), labels
    screenshot(page, screenshots, f"truth_3_gates_{'vanishing' if query else 'defaults'}_1280x800")


@pytest.mark.parametrize("size", list(SIZES))
def test_4_a_revealed_answer_typed_back_is_accepted(page: Page, base_url, screenshots, size):
    page.set_viewport_size(SIZES[size])
    open_app_page(page, base_url, "/lesson", "step=8")
    answer = page.get_by_label("Your answer")
    for wrong in ("0.5", "0.25"):
        answer.fill(wrong)
        rerun_after(page, lambda: page.get_by_role("button", name="Check", exact=True).click())
    rerun_after(page, lambda: page.get_by_role("button", name="Show the answer").click())
    shown = page.get_by_text("The answer is").first.inner_text().split("The answer is ", 1)[1].split(". ")[0]
    screenshot(page, screenshots, f"truth_4_step8_revealed_{size}")
    answer.fill(shown)
    rerun_after(page, lambda: page.get_by_role("button", name="Check", exact=True).click())
    visible_text(page, f"Right: {shown}.")
    assert_healthy(page)


def test_5_step_4_names_the_weight_a_variant_moved(page: Page, base_url, screenshots):
    page.set_viewport_size(LAPTOP)
    open_app_page(page, base_url, "/lesson", "step=4")
    rerun_after(page, lambda: page.get_by_role("button", name="Try other numbers").click())
    visible_text(page, "Here w1 and w2 differ from the StatLand weights (w1 = 1.6, w2 = 0.5)")
    assert_healthy(page)
    screenshot(page, screenshots, "truth_5_step4_variant_1280x800")


def test_6_step_6_states_its_target(page: Page, base_url, screenshots):
    page.set_viewport_size(LAPTOP)
    open_app_page(page, base_url, "/lesson", "step=6")
    visible_text(page, "The target is low (0)")
    expect(page.get_by_text("Press Step")).to_have_count(0)
    assert_healthy(page)
    screenshot(page, screenshots, "truth_6_step6_1280x800")


@pytest.mark.parametrize("title", ["The four rules", "Gates slow the fade"])
def test_7_scenario_links_ask_for_nothing_they_lock(page: Page, base_url, screenshots, title):
    scenario = next(s for s in scenarios.SCENARIOS if s.title == title)
    page.set_viewport_size(LAPTOP)
    open_app_page(page, base_url, f"/{scenario.url_path}", scenario.link("http://x").split("?", 1)[1])
    assert_healthy(page)
    expect(page.get_by_text("set w2")).to_have_count(0)
    expect(page.get_by_role("button", name="Vanishing case")).to_have_count(0)
    screenshot(page, screenshots, f"truth_7_{scenario.url_path}_{title.split()[0].lower()}_1280x800")


def test_8_the_cliff_shows_only_its_own_controls(page: Page, base_url, screenshots):
    page.set_viewport_size(LAPTOP)
    open_app_page(page, base_url, "/lab", "lab_view=The+cliff")
    expect_charts_drawn(page, 1)
    assert_healthy(page)
    expect(page.get_by_text("Recurrent weight w2")).not_to_be_visible()
    expect(page.get_by_text("Loss (y_T − 1)²")).to_have_count(0)
    tabs = page.get_by_text("Each input", exact=True).first.bounding_box()
    assert tabs is not None and tabs["y"] < 200, "the view's tabs sit right under the title"
    screenshot(page, screenshots, "truth_8_cliff_1280x800")


def test_9_the_last_step_names_transformers(page: Page, base_url, screenshots):
    page.set_viewport_size(LAPTOP)
    open_app_page(page, base_url, "/lesson", "step=10")
    visible_text(page, "Transformers")
    assert_healthy(page)
    screenshot(page, screenshots, "truth_9_step10_1280x800")
