"""Real-browser tests of the classroom tools (issue 16): locked and hidden controls, a shared link
opened in a fresh browser, every teacher scenario, and presentation mode on a 1280x720 projector.
Screenshots go to artifacts/screenshots/."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from browser_support import (
    assert_healthy,
    box,
    collect_console_errors,
    expect_charts_drawn,
    open_app_page,
    rerun_after,
    screenshot,
    watch_script_runs,
)
from playwright.sync_api import Page, expect

from ui.classroom import links as classroom
from ui.classroom import scenarios

SLIDER_INPUT = ".st-key-{} input[type=range]"


def query_of(scenario) -> str:
    return urlsplit(scenario.link("http://x")).query


def control_is_locked(page: Page, key: str) -> bool:
    """Whether every input of the widget ``key`` is disabled (sliders, number inputs, buttons, selects)."""
    return page.evaluate(
        """key => {
          const root = document.querySelector('.st-key-' + key);
          if (!root) return null;
          const inputs = [...root.querySelectorAll('input, button, [role=combobox]')]
            .filter(e => !e.closest('[data-testid=stTooltipHoverTarget]'));  // the help icon stays usable
          return inputs.length > 0 && inputs.every(e => e.disabled || e.getAttribute('aria-disabled') === 'true');
        }""",
        key,
    )


def test_locked_and_hidden_controls_and_the_note(page: Page, base_url, screenshots):
    errors = collect_console_errors(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app_page(page, base_url, "/lab", "lab_w2=2&lab_length=50&lock=lab_w2,lab_nope&hide=lab_activation")
    assert_healthy(page)
    w2 = page.locator(SLIDER_INPUT.format("lab_w2"))
    expect(w2).to_be_disabled()
    expect(w2).to_have_attribute("aria-valuetext", "2.00")
    expect(page.locator(SLIDER_INPUT.format("lab_length"))).to_be_enabled()
    for preset in page.locator("[class*='st-key-lab_preset'] button").all():
        expect(preset).to_be_disabled()
    # Hidden: not drawn, and it leaves no gap (no box at all).
    assert page.locator(".st-key-lab_activation").bounding_box() is None
    expect(page.get_by_text("slope 1 where the unit is on")).to_have_count(0)
    expect(page.get_by_text("lab_nope")).to_be_visible()
    screenshot(page, screenshots, "classroom_locked_lab", full_page=False)
    assert errors == []


def test_a_shared_link_reproduces_the_view_in_a_fresh_browser(browser, base_url, screenshots):
    teacher = browser.new_context(viewport={"width": 1280, "height": 800})
    page = watch_script_runs(teacher.new_page())  # its reruns counted, not waited out
    open_app_page(page, base_url, "/lab")
    rerun_after(page, lambda: page.get_by_role("button", name="w2 = 2", exact=True).click())
    rerun_after(page, lambda: page.locator(".st-key-lab_view").get_by_text("Heatmap", exact=True).click())
    expect_charts_drawn(page, 1)
    page.get_by_role("button", name="Share this view").click()
    dialog = page.get_by_test_id("stDialog")
    expect(dialog).to_be_visible()
    # The dialog reruns as a fragment (no app run to count): wait for the link it shows instead.
    code = dialog.locator("code")
    dialog.locator(".st-key-share_lock").get_by_text("lab_w2 = 2").click()
    expect(code).to_contain_text("lock=lab_w2")
    dialog.locator(".st-key-share_hide").get_by_text("lab_activation", exact=False).click()
    expect(code).to_contain_text("hide=lab_activation")
    link = code.inner_text().strip()
    screenshot(page, screenshots, "classroom_share_dialog", full_page=False)
    teacher.close()

    params = dict(parse_qsl(urlsplit(link).query))
    assert params["lab_w2"] == "2" and params["lab_view"] == "Heatmap" and params["hide"] == "lab_activation"
    student = browser.new_context(viewport={"width": 390, "height": 844})
    fresh = student.new_page()
    fresh.goto(link.replace("http://localhost:8501", base_url))
    fresh.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30_000)
    expect_charts_drawn(fresh, 1)
    assert_healthy(fresh)
    w2 = fresh.locator(SLIDER_INPUT.format("lab_w2"))
    expect(w2).to_be_disabled()
    expect(w2).to_have_attribute("aria-valuetext", "2.00")
    expect(
        fresh.locator(".st-key-lab_view [aria-checked='true'], .st-key-lab_view [aria-pressed='true']")
    ).to_have_text("Heatmap")
    assert fresh.locator(".st-key-lab_activation").bounding_box() is None
    student.close()


@pytest.mark.parametrize("scenario", scenarios.SCENARIOS, ids=lambda s: s.title)
def test_every_scenario_link_opens_with_its_locks_and_hides(page: Page, base_url, scenario):
    errors = collect_console_errors(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app_page(page, base_url, f"/{scenario.url_path}", query_of(scenario))
    assert_healthy(page)
    expect(page.get_by_text("which this page does not have")).to_have_count(0)
    for key in classroom.link_keys("lock", scenario.params):
        assert control_is_locked(page, key), key
    for key in classroom.link_keys("hide", scenario.params):
        assert page.locator(f".st-key-{key}").bounding_box() is None, key
    assert errors == []


PRESENTED = {
    # page, query, what must be on the one screen with the top control
    "lab": ("/lab", "lab_w2=2&lab_length=50", ".st-key-lab_shared", '[data-testid="stVegaLiteChart"]'),
    "heatmap": ("/lab", "lab_view=Heatmap", ".st-key-lab_shared", '[data-testid="stVegaLiteChart"]'),
    "statland": ("/statland", "", ".st-key-sl_days", ".sl-diagram"),
    # before the first step: the next step's gradient, day by day (the loss chart comes with the first step)
    "training": ("/training", "", ".st-key-tr_data", '[data-testid="stTable"]'),
}


@pytest.mark.parametrize("name", list(PRESENTED))
def test_presentation_mode_fits_one_view_on_a_1280x720_projector(page: Page, base_url, screenshots, name):
    path, query, top_selector, figure = PRESENTED[name]
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app_page(page, base_url, path, "&".join(q for q in (query, "present=1") if q))
    assert_healthy(page)
    if "Vega" in figure:
        expect_charts_drawn(page, 1)
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    top, shown = box(page, top_selector), box(page, figure)
    bottom = shown["y"] + shown["height"]
    screenshot(page, screenshots, f"present_{name}_1280x720", full_page=False)
    print(f"{name}: from {top['y']:.0f} to {bottom:.0f} px")
    assert top["y"] >= 0 and bottom <= 720, f"{name}: control at {top['y']:.0f}, figure ends at {bottom:.0f}"
    # Larger type than the page's usual 16 px.
    size = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size >= 19


def test_leaving_presentation_mode_keeps_the_settings(page: Page, base_url):
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app_page(page, base_url, "/lab", "lab_w2=2&present=1")
    rerun_after(page, lambda: page.get_by_role("button", name="w2 = 0.5", exact=True).click())
    rerun_after(page, lambda: page.get_by_role("button", name="Leave presentation").click())
    expect(page.get_by_role("button", name="Present to a class")).to_be_visible()
    expect(page.locator(SLIDER_INPUT.format("lab_w2"))).to_have_attribute("aria-valuetext", "0.50")
    assert "present=1" not in page.url
