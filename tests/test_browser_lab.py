"""Real-browser tests of the Gradient lab: each view fits one screen, nothing is cut on a phone,
the dark theme reads, and a T = 1000 rerun is quick. Screenshots go to artifacts/screenshots/."""

import time

import pytest
from browser_support import (
    assert_healthy,
    charts,
    collect_console_errors,
    expect_charts_drawn,
    open_app_page,
    rerun_after,
    screenshot,
)
from playwright.sync_api import Page, expect

from ui.lab_text import word_count
from ui.lab_views import VIEWS

MAX_WORDS = 60
PLAIN_RGB = [0xD5, 0x5E, 0x00]  # the plain descent path's Okabe-Ito vermillion
COLOUR_PIXELS = """([c, rgb]) => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 40) n++;
  }
  return n;
}"""
# Elements wider than the window (a phone must not scroll sideways to read anything). Left out: KaTeX's
# hidden MathML copy and each slider's visually hidden range input, 129 px wide at the thumb.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const main = document.querySelector('[data-testid="stMain"]');
  return [...main.querySelectorAll('*')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > width + 1 || r.left < -1); })
    .filter(e => !e.closest('.katex-mathml') && !(e.tagName === 'INPUT' && e.type === 'range'))
    .map(e => (e.getAttribute('data-testid') || e.tagName) + ' ' + Math.round(e.getBoundingClientRect().right));
}"""


def open_view(page: Page, base_url: str, view: str, query: str = "") -> None:
    label = VIEWS[view].replace(" ", "+").replace("/", "%2F")
    open_app_page(page, base_url, "/lab", "&".join(q for q in (f"lab_view={label}", query) if q))
    expect_charts_drawn(page, 1)


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


def view_text_words(page: Page, view: str) -> int:
    return word_count(page.locator(f".st-key-lab_{view}_text").inner_text())


@pytest.mark.parametrize("extreme", [False, True], ids=["defaults", "w2=2,T=1000"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_each_view_fits_one_laptop_screen(page: Page, base_url, screenshots, view, extreme):
    errors = collect_console_errors(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    open_view(page, base_url, view, "lab_w2=2&lab_length=1000" if extreme else "")
    assert_healthy(page)
    assert charts(page).count() == 1, "only the chosen view is drawn"
    # The shared controls at the top and the view's figure, text and own controls all inside 800 px.
    top = box(page, ".st-key-lab_w2")["y"]
    parts = [box(page, '[data-testid="stVegaLiteChart"]'), box(page, f".st-key-lab_{view}_text")]
    parts += [box(page, f".st-key-lab_{key}") for key in OWN_CONTROLS[view]]
    bottom = max(p["y"] + p["height"] for p in parts)
    screenshot(page, screenshots, f"lab_{view}_1280{'_extreme' if extreme else ''}", full_page=False)
    words = view_text_words(page, view)
    print(f"{view}: controls and figure from {top:.0f} to {bottom:.0f} px, {words} words")
    assert top >= 0 and bottom <= 800, f"{view}: from {top:.0f} to {bottom:.0f} px"
    assert words <= MAX_WORDS
    assert errors == []


OWN_CONTROLS = {
    "inputs": [],
    "heatmap": [],
    "pieces": [],
    "step": ["step_lr", "step_clip"],
    "cliff": ["cliff_lr", "cliff_threshold", "cliff_start"],
    "gates": ["gate_bias", "show_vanishing"],
}


@pytest.mark.parametrize(("width", "height"), [(1024, 700), (390, 844)])
def test_every_view_is_whole_on_smaller_screens(page: Page, base_url, screenshots, width, height):
    page.set_viewport_size({"width": width, "height": height})
    for view in VIEWS:
        open_view(page, base_url, view)
        assert_healthy(page)
        assert page.evaluate(TOO_WIDE) == [], f"{view} at {width} px"
        screenshot(page, screenshots, f"lab_{view}_{width}")


def test_dark_theme_draws_every_view(browser, base_url, screenshots):
    context = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        for view in VIEWS:
            open_view(page, base_url, view)
            assert_healthy(page)
            background = page.evaluate(
                "() => getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor"
            )
            assert background not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), background
            screenshot(page, screenshots, f"lab_{view}_dark", full_page=False)
    finally:
        context.close()


def test_presets_and_views_keep_the_shared_values(page: Page, base_url, screenshots):
    errors = collect_console_errors(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    open_view(page, base_url, "inputs")
    metric = page.get_by_test_id("stMetricValue").first
    expect(metric).to_have_text("0.003867")  # the lesson's network: 1.1 × 1.8 × 0.5⁹
    rerun_after(page, lambda: page.locator(".st-key-lab_preset0 button").click())
    expect(metric).to_have_text("1,014")  # 1.1 × 1.8 × 2⁹
    assert "lab_w2=2" in page.url
    rerun_after(page, lambda: page.locator(".st-key-lab_view button", has_text="Heatmap").click())
    expect(page.get_by_test_id("stMetricValue").first).to_have_text("1,014")
    assert "lab_w2=2" in page.url and "lab_view=Heatmap" in page.url
    screenshot(page, screenshots, "lab", full_page=False)
    assert errors == []


@pytest.mark.parametrize("view", ["inputs", "heatmap", "step"])
def test_length_1000_reruns_and_repaints_quickly(page: Page, base_url, screenshots, view):
    """From the keypress that sets T = 1000 to the script's end and the chart drawn again.

    Measured twice: the first time computes, the second (after T = 1 and back) is served from the cache."""
    page.set_viewport_size({"width": 1280, "height": 800})
    open_view(page, base_url, view, "lab_w2=2")
    slider = page.locator(".st-key-lab_length").get_by_role("slider")
    thumb = page.locator(".st-key-lab_length").get_by_test_id("stSliderThumbValue")
    times = []
    for key, shown in (("End", "1000"), ("Home", "1"), ("End", "1000")):
        slider.focus()
        start = time.perf_counter()
        rerun_after(page, lambda k=key: page.keyboard.press(k), timeout=15_000)
        expect(thumb).to_have_text(shown)
        expect_charts_drawn(page, 1)
        times.append(time.perf_counter() - start)
    assert_healthy(page)
    if view == "step":
        chart = charts(page).first
        if chart.locator("canvas").count():
            canvas = chart.locator("canvas").first
            assert page.evaluate(COLOUR_PIXELS, [canvas.element_handle(), PLAIN_RGB]) > 50, "the plain path is drawn"
        else:
            assert chart.locator('svg path[stroke="#D55E00"]').count() > 0, "the plain path is drawn"
        screenshot(page, screenshots, "lab_extreme", full_page=False)
    print(f"T -> 1000 on {view}: first {times[0]:.2f} s, cached {times[2]:.2f} s (T -> 1: {times[1]:.2f} s)")
    # The goal is 0.5 s on an idle machine; this shared one is often loaded several times over, so the
    # test only guards against a regression by an order of magnitude and prints what it measured.
    assert times[2] < 5.0, times


def test_back_from_the_lab_lands_on_clean_urls(page: Page, base_url):
    """Widgets rewrite the URL in place (no history entry each), so Back goes to the lab as it was
    opened and then to Home, never to a page carrying the lab's settings."""
    open_app_page(page, base_url, "/")
    rerun_after(page, lambda: page.get_by_test_id("stSidebarNavLink").filter(has_text="Gradient lab").click())
    expect(page.get_by_role("heading", name="Gradient lab")).to_be_visible()
    rerun_after(page, lambda: page.locator(".st-key-lab_preset0 button").click())
    rerun_after(page, lambda: page.locator(".st-key-lab_view button", has_text="Heatmap").click())
    expect(page).to_have_url(f"{base_url}/lab?lab_view=Heatmap&lab_w2=2")
    page.go_back()
    expect(page).to_have_url(f"{base_url}/lab")
    page.go_back()
    expect(page).to_have_url(f"{base_url}/")
