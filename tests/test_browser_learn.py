"""Real-browser tests of the Learn pages (Home, StatLand): load, interact, no exception, screenshots."""

import re

from browser_support import assert_healthy, collect_console_errors, open_app_page, rerun_after, screenshot
from conftest import AppServer
from playwright.sync_api import Page, expect


def prediction(page: Page):
    return page.locator(".st-key-sl_prediction").get_by_test_id("stMetricValue").first


def test_home_loads_with_navigation_to_every_page(page: Page, base_url, screenshots):
    errors = collect_console_errors(page)
    open_app_page(page, base_url)
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    links = page.get_by_test_id("stSidebarNavLink")
    expect(links.filter(has_text="StatLand")).to_have_count(1)
    expect(links.filter(has_text="Training")).to_have_count(1)
    assert_healthy(page)
    screenshot(page, screenshots, "home")
    assert errors == []


def test_statland_rules_and_weights_change_the_prediction(page: Page, base_url, screenshots):
    errors = collect_console_errors(page)
    open_app_page(page, base_url, "/statland")
    expect(page.get_by_role("heading", name="StatLand")).to_be_visible()
    expect(page.locator('[data-testid="stGraphVizChart"] svg')).to_be_visible()
    # The default days are (low, medium): the StatLand weights predict high.
    expect(prediction(page)).to_have_text("high")

    rerun_after(page, lambda: page.locator(".st-key-sl_rule3 button").click())
    expect(prediction(page)).to_have_text("low")
    assert_healthy(page)

    # A recurrent weight of 0 forgets the first day: (high, medium) now predicts high.
    w2 = page.locator(".st-key-sl_w2 input")
    rerun_after(page, lambda: (w2.fill("0"), w2.press("Enter")))
    expect(prediction(page)).to_have_text(re.compile("high|medium"))
    assert "w2" in page.url
    assert_healthy(page)

    rerun_after(page, lambda: page.locator(".st-key-sl_reset button").click())
    expect(w2).to_have_value("-0.500")
    expect(prediction(page)).to_have_text("low")
    screenshot(page, screenshots, "statland")
    assert errors == []


def test_statland_link_with_query_params_restores_the_days(page: Page, base_url):
    open_app_page(page, base_url, "/statland", "sl_days=3&sl_day1=high&sl_day2=high&sl_day3=high")
    expect(page.get_by_text("Day 3", exact=True)).to_be_visible()
    expect(prediction(page)).to_have_text("high")
    assert_healthy(page)


def test_a_fresh_server_opened_on_a_page_url_uses_the_apps_navigation(page: Page):
    """A brand-new server whose first request is /statland must still run the entry script.

    With the page files in a folder named ``pages/``, Streamlit's legacy auto-discovery
    answered that first request: no sections, lowercase file names, no wide layout.
    """
    server = AppServer()
    try:
        server.wait_until_healthy()
        open_app_page(page, server.url, "/statland")
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav).to_contain_text("Learn")
        expect(page.get_by_test_id("stSidebarNavLink").filter(has_text="StatLand")).to_have_count(1)
        expect(nav).not_to_contain_text("streamlit app")
        expect(prediction(page)).to_have_text("high")
        assert_healthy(page)
    finally:
        server.stop()
