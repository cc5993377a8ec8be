"""Real-browser tests of the Learn pages (Home, StatLand): load, interact, no exception, screenshots."""

import pytest
from browser_support import assert_healthy, collect_console_errors, open_app_page, rerun_after, screenshot
from conftest import AppServer
from playwright.sync_api import Page, expect


def prediction(page: Page):
    return page.locator(".st-key-sl_prediction").get_by_test_id("stMetricValue").first


# For each w2 wire of the drawn diagram: the distance from its label's centre to its own wire,
# and the smallest distance to any other w2 wire (Graphviz titles each edge "tail->head").
_W2_LABEL_DISTANCES = """() => {
  const wires = [...document.querySelectorAll('[data-testid="stGraphVizChart"] svg g.edge')]
    .filter(g => /^h\\d+->s\\d+$/.test(g.querySelector('title').textContent))
    .map(g => ({name: g.querySelector('title').textContent, path: g.querySelector('path'),
                label: [...g.querySelectorAll('text')]}));
  const gap = (box, x, y) =>
    Math.hypot(Math.max(box.left - x, 0, x - box.right), Math.max(box.top - y, 0, y - box.bottom));
  return wires.map(w => {
    const boxes = w.label.map(t => t.getBoundingClientRect());
    const x = boxes.reduce((s, b) => s + b.left + b.width / 2, 0) / boxes.length;
    const y = boxes.reduce((s, b) => s + b.top + b.height / 2, 0) / boxes.length;
    const others = wires.filter(o => o !== w).map(o => gap(o.path.getBoundingClientRect(), x, y));
    return {name: w.name, own: gap(w.path.getBoundingClientRect(), x, y), nearestOther: Math.min(...others, 1e9)};
  });
}"""


def test_home_loads_with_navigation_to_every_page(page: Page, base_url, screenshots):
    errors = collect_console_errors(page)
    open_app_page(page, base_url)
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    links = page.get_by_test_id("stSidebarNavLink")
    for title in ("Home", "StatLand", "Training", "Gradient lab"):
        expect(links.filter(has_text=title)).to_have_count(1)
    for title in ("StatLand", "Training", "Gradient lab"):
        expect(page.get_by_test_id("stPageLink").filter(has_text=f"Open {title}")).to_have_count(1)
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

    rerun_after(page, lambda: page.locator(".st-key-sl_rule3 button").first.click())
    expect(prediction(page)).to_have_text("low")
    assert_healthy(page)

    # A recurrent weight of 0 forgets the first day: (high, medium) now gives 1.1 x 0.9 = 0.99, high.
    w2 = page.locator(".st-key-sl_w2 input")
    rerun_after(page, lambda: (w2.fill("0"), w2.press("Enter")))
    expect(prediction(page)).to_have_text("high")
    assert "w2" in page.url
    assert_healthy(page)

    rerun_after(page, lambda: page.locator(".st-key-sl_reset button").click())
    expect(w2).to_have_value("-0.500")
    expect(prediction(page)).to_have_text("low")
    page.set_viewport_size({"width": 1400, "height": 1900})  # the diagram and the rules table too
    expect(page.locator('[data-testid="stGraphVizChart"] svg')).to_be_visible()
    screenshot(page, screenshots, "statland")
    assert errors == []


@pytest.mark.parametrize("days", [3, 4, 8])
def test_each_w2_wire_carries_its_label_beside_itself(page: Page, base_url, days):
    open_app_page(page, base_url, "/statland", f"sl_days={days}&sl_day1=high&sl_w2=0.7")
    expect(page.locator('[data-testid="stGraphVizChart"] svg g.edge').first).to_be_attached()
    wires = page.evaluate(_W2_LABEL_DISTANCES)
    assert len(wires) == days  # h0 -> s1 and one wire into each later day
    for wire in wires:
        assert wire["own"] < 25 and wire["own"] < wire["nearestOther"], wire


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
