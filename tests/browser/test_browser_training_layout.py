"""Real-browser tests of the Training page's layout and Pause: one screen for cause and effect."""

import re

import pytest
from browser_support import (
    assert_healthy,
    charts,
    collect_console_errors,
    cut_texts,
    open_app_page,
    rerun_after,
    screenshot,
)
from playwright.sync_api import Page, expect

from ui.training.run import MIN_REFRESHES

BUTTONS = ("tr_play", "tr_step", "tr_reset")
# 20,000 steps of the 1-unit network on noisy 30-day histories (no convergence): still running at the click.
LONG_RUN = "tr_data=Longer+StatLand+sequences&tr_length=30&tr_steps=20000&tr_speed=fastest"
SMALLEST_TEXT_PX = 11

MIN_FONT_JS = """() => {
  let smallest = 1e9, where = '';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
    if (el.closest('[aria-hidden="true"], .vega-bindings, title, desc, style, script')) continue;
    // SVG text (charts, diagrams) is drawn scaled by its SVG's transform: measure it on screen.
    const ctm = el instanceof SVGElement ? el.getScreenCTM() : null;
    const scale = ctm ? Math.hypot(ctm.a, ctm.b) : 1;
    const size = parseFloat(style.fontSize) * scale;
    if (size < smallest) { smallest = size; where = node.textContent.trim().slice(0, 40); }
  }
  return [smallest, where];
}"""


_READ_STEP_AND_PAUSE = """() => {
  const metric = [...document.querySelectorAll('[data-testid="stMetric"]')].find(e => e.innerText.startsWith('Step'));
  const shown = parseInt(metric.querySelector('[data-testid="stMetricValue"]').innerText.replace(/,/g, ''));
  document.querySelector('.st-key-tr_play button').click();
  return shown;
}"""


def steps_shown(page: Page) -> int:
    value = page.get_by_test_id("stMetric").filter(has_text="Step").get_by_test_id("stMetricValue")
    return int(value.inner_text().replace(",", ""))


def inside_viewport(page: Page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and (box["x"] + box["width"] <= size["width"] + 1 and box["y"] + box["height"] <= size["height"] + 1)
    )


@pytest.mark.parametrize("width,height", [(1280, 800), (1024, 700)])
def test_play_pause_step_reset_and_the_loss_curve_fit_one_screen(page: Page, base_url, screenshots, width, height):
    errors = collect_console_errors(page)
    page.set_viewport_size({"width": width, "height": height})
    open_app_page(page, base_url, "/training")
    for _ in range(3):
        rerun_after(page, lambda: page.locator(".st-key-tr_step button").click())
    expect(page.get_by_test_id("stMetric").filter(has_text="Step").get_by_test_id("stMetricValue")).to_have_text("3")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshots / f"training_first_screen_{width}x{height}.png"))
    loss_chart = charts(page).first  # the loss chart comes first
    expect(loss_chart.locator("svg .mark-line path").first).to_be_attached()
    for key in BUTTONS:
        assert inside_viewport(page, page.locator(f".st-key-{key} button")), key
    assert inside_viewport(page, loss_chart), loss_chart.bounding_box()
    assert inside_viewport(page, page.get_by_role("combobox", name="Train on"))
    # The settings' choices and the metrics' labels and numbers are shown whole, sidebar open.
    assert cut_texts(page, '.st-key-tr_data, .st-key-tr_model, [data-testid="stMetric"]') == []
    # The hand-over button's label is not cut off.
    button = page.locator(".st-key-tr_to_statland button")
    button.scroll_into_view_if_needed()
    assert button.evaluate("b => b.scrollWidth <= b.clientWidth + 1"), "the StatLand button's label is cut"
    page.evaluate("window.scrollTo(0, 0)")
    assert_healthy(page)
    assert errors == []


def test_on_a_phone_the_settings_are_on_the_page_nothing_is_cut_and_text_is_legible(page: Page, base_url, screenshots):
    errors = collect_console_errors(page)
    page.set_viewport_size({"width": 390, "height": 844})
    open_app_page(page, base_url, "/training")
    expect(page.get_by_role("combobox", name="Train on")).to_be_visible()  # no sidebar to open
    rerun_after(page, lambda: page.locator(".st-key-tr_step button").click())
    expect(charts(page).first.locator("svg .mark-line path").first).to_be_attached()
    screenshot(page, screenshots, "training_phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    smallest, where = page.evaluate(MIN_FONT_JS)
    assert smallest >= SMALLEST_TEXT_PX, (smallest, where)
    assert_healthy(page)
    assert errors == []


def test_pause_stops_within_the_refresh_under_way_in_a_20000_step_run_at_the_fastest_speed(
    page: Page, base_url, screenshots
):
    errors = collect_console_errors(page)
    open_app_page(page, base_url, "/training", LONG_RUN)
    play = page.locator(".st-key-tr_play button")
    play.click()
    expect(play).to_have_text(re.compile("Pause"))
    page.wait_for_function(
        """() => { const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
                 .find(e => e.innerText.startsWith('Step'));
                 const value = m && m.querySelector('[data-testid="stMetricValue"]');
                 return value && parseInt(value.innerText.replace(/,/g, '')) > 2000; }""",
        timeout=60_000,
    )
    # Read the step on screen and press Pause in one go inside the page: between a read from here
    # and a click from here, another refresh could land and count against the page.
    at_click = page.evaluate(_READ_STEP_AND_PAUSE)
    expect(play).to_have_text(re.compile("Play"), timeout=20_000)
    page.wait_for_timeout(1_500)
    after = steps_shown(page)
    assert steps_shown(page) == after, "paused means no more steps"
    # The number on screen is the last refresh the browser drew: one more may be on its way, and the
    # one under way on the server when the click arrives is finished (a refresh is never cut short).
    # So the run stops at most two refreshes past the number the learner saw, never later.
    one_refresh = 20_000 // MIN_REFRESHES
    limit = 2 * one_refresh
    print(f"pause: shown {at_click:,} at the click, {after:,} after it: {after - at_click} steps (limit {limit})")
    assert 0 <= after - at_click <= limit
    progress = page.get_by_test_id("stProgress").inner_text()
    assert f"Step {after:,} of 20,000" in progress, progress  # the step shown is the step the weights are at
    assert_healthy(page)
    screenshot(page, screenshots, "training_paused")
    assert errors == []
