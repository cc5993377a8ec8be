"""Real-browser tests of the Learn pages (Home, StatLand): one screen, a diagram that reads, phones, themes.

Layout is measured from bounding boxes in one viewport; screenshots are saved for a person to judge.
"""

import re

import pytest
from browser_support import assert_healthy, collect_console_errors, open_app_page, rerun_after, screenshot, settle
from playwright.sync_api import Page, expect

from bench.app_server import running_app
from ui.lesson.steps import STEPS

STEP_ONE = STEPS[0].title

DIAGRAM = ".st-key-sl_network svg"


def prediction(page: Page):
    return page.locator(".st-key-sl_prediction").get_by_test_id("stMetricValue").first


def box(page: Page, selector: str) -> dict:
    """The union of the bounding boxes of everything ``selector`` matches."""
    return page.evaluate(
        """s => {
          const boxes = [...document.querySelectorAll(s)].map(e => e.getBoundingClientRect())
            .filter(b => b.width > 0 && b.height > 0);
          if (!boxes.length) return null;
          return {left: Math.min(...boxes.map(b => b.left)), top: Math.min(...boxes.map(b => b.top)),
                  right: Math.max(...boxes.map(b => b.right)), bottom: Math.max(...boxes.map(b => b.bottom))};
        }""",
        selector,
    )


# Every text of the diagram against every other text and every wire segment (boxes in CSS px).
_DIAGRAM_CLASHES = """() => {
  const svg = document.querySelector('.st-key-sl_network svg');
  const texts = [...svg.querySelectorAll('text')].map(t => ({text: t.textContent, b: t.getBoundingClientRect()}));
  const wires = [...svg.querySelectorAll('line.wire')].map(l => ({text: l.dataset.wire, b: l.getBoundingClientRect()}));
  const hit = (a, b, m) => a.left < b.right - m && b.left < a.right - m && a.top < b.bottom - m && b.top < a.bottom - m;
  const clashes = [];
  texts.forEach((a, i) => {
    texts.slice(i + 1).forEach(b => { if (hit(a.b, b.b, 0.5)) clashes.push([a.text, b.text]); });
    wires.forEach(w => { if (hit(a.b, w.b, -1)) clashes.push([a.text, 'wire ' + w.text]); });
  });
  return {clashes, texts: texts.length, wires: wires.length};
}"""

# The smallest rendered text in the main area, in CSS px: HTML text by its computed size, SVG text
# by its font size times the drawing's scale on screen.
_SMALLEST_TEXT = r"""() => {
  const main = document.querySelector('[data-testid="stMain"]');
  let smallest = {px: 1e9, text: ''};
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.replace(/[\s\u200b]/g, '') || !el || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    let px = parseFloat(style.fontSize);
    if (el instanceof SVGElement && el.ownerSVGElement) {
      px = parseFloat(el.getAttribute('font-size') || style.fontSize) * el.ownerSVGElement.getScreenCTM().a;
    }
    if (px < smallest.px) smallest = {px, text: node.textContent.trim().slice(0, 40)};
  }
  return smallest;
}"""

# Elements of the main area that stick out of the window on the right (scrolling boxes excepted).
_CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const inScroller = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
    return false; };
  return [...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > width + 1 && !inScroller(e))
    .map(e => (e.getAttribute('data-testid') || e.tagName) + ': ' + (e.textContent || '').trim().slice(0, 30))
    .slice(0, 10);
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


# The words a learner sees on the first screen: every visible text whose top is above the window's
# bottom edge, in the main area, the sidebar and the header alike (icons, hidden copies and text
# off the screen's sides, like a closed sidebar, left out). A word has a letter or a digit.
_FIRST_SCREEN_WORDS = r"""() => {
  const words = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest('[aria-hidden="true"], .katex-mathml, script, style, noscript, title')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0
      && r.right > 0 && r.left < window.innerWidth && r.bottom > 0);
    if (!rects.length || Math.min(...rects.map(r => r.top)) >= window.innerHeight) continue;
    words.push(...node.textContent.split(/\s+/).filter(w => /[\p{L}\p{N}]/u.test(w)));
  }
  return words;
}"""


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_home_opens_on_a_start_button_and_at_most_100_words(page: Page, base_url, screenshots, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_app_page(page, base_url)
    start = page.get_by_role("link", name="Start the lesson")
    expect(start).to_be_in_viewport(ratio=1)
    # Drawn as a primary button: filled with a colour its own text reads on, 40 px tall or more.
    fill, ink = start.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]")
    assert fill not in ("rgba(0, 0, 0, 0)", "transparent") and fill != ink, (fill, ink)
    assert start.bounding_box()["height"] >= 40, start.bounding_box()
    words = page.evaluate(_FIRST_SCREEN_WORDS)
    print(f"{width}x{height}: {len(words)} words on the first screen: {' '.join(words)}")
    assert len(words) <= 100, f"{len(words)} words on the first screen: {' '.join(words)}"
    # The rest of Home is still there, below the first screen.
    rest = page.get_by_role("heading", name="A path through the lesson")
    expect(rest).to_be_attached()
    assert rest.bounding_box()["y"] >= height
    screenshot(page, screenshots, f"home_first_screen_{width}x{height}", full_page=False)
    rerun_after(page, start.click)
    expect(page).to_have_url(re.compile(re.escape(f"{base_url}/lesson") + r"(\?.*)?$"))
    expect(page.get_by_role("heading", name=f"1. {STEP_ONE}")).to_be_visible()


@pytest.mark.parametrize("path", ["/", "/statland"])
def test_on_a_phone_nothing_is_cut_and_no_text_is_below_11_px(page: Page, base_url, screenshots, path):
    page.set_viewport_size({"width": 390, "height": 844})
    open_app_page(page, base_url, path)
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    if path == "/":
        formula = page.locator(".katex-display").first
        expect(formula).to_be_visible()
        right = formula.evaluate("e => e.querySelector('.katex').getBoundingClientRect().right")
        assert right <= 390, f"the formula runs off the right edge ({right:.0f} px)"
    else:
        expect(page.locator(DIAGRAM)).to_be_visible()
        # The days wrap on a phone: day 2 is on screen, not hidden at the end of a scrolling row.
        expect(page.locator(".st-key-sl_day2")).to_be_in_viewport(ratio=1)
    assert page.evaluate(_CUT_OFF) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    smallest = page.evaluate(_SMALLEST_TEXT)
    assert smallest["px"] >= 11, smallest
    assert_healthy(page)
    name = f"{'home' if path == '/' else 'statland'}_390x844"
    screenshot(page, screenshots, name)
    page.locator(".katex-display" if path == "/" else DIAGRAM).first.scroll_into_view_if_needed()
    screenshot(page, screenshots, f"{name}_scrolled")


@pytest.mark.parametrize(("width", "height", "days"), [(1280, 800, 2), (1280, 800, 4), (1280, 800, 10), (1024, 700, 2)])
def test_statland_controls_and_the_diagram_share_one_screen(page: Page, base_url, screenshots, width, height, days):
    page.set_viewport_size({"width": width, "height": height})
    open_app_page(page, base_url, "/statland", f"sl_days={days}")
    expect(page.locator(DIAGRAM)).to_be_visible()
    parts = {
        "rule presets": box(page, "[class*='st-key-sl_rule'] button"),
        "days": box(page, ".st-key-sl_days_row [data-testid='stSlider'], .st-key-sl_day1"),
        "weights": box(page, ".st-key-sl_weights input"),
        "prediction": box(page, ".st-key-sl_prediction [data-testid='stMetricValue']"),
        "diagram": box(page, DIAGRAM),
    }
    print(f"{width}x{height}, {days} days", {k: {n: round(v) for n, v in b.items()} for k, b in parts.items()})
    screenshot_path = f"statland_{width}x{height}" + ("" if days == 2 else f"_{days}_days")
    page.screenshot(path=str(screenshots / f"{screenshot_path}.png"))
    for name, b in parts.items():
        assert b is not None, name
        if width == 1024 and name == "diagram":
            # At 1024x700 the diagram starts on the first screen; its lower rows need a short scroll.
            assert b["top"] < height - 60, (name, b)
            continue
        assert b["top"] >= 0 and b["bottom"] <= height, (name, b)
        # From 4 days on the diagram and the row of days are wider than the page: each scrolls sideways.
        assert b["right"] <= width or name in ("diagram", "days"), (name, b)
    if days == 10:
        # The last day, scrolled to inside its row, still changes the diagram.
        last = page.locator(".st-key-sl_day10 button", has_text="high")
        last.scroll_into_view_if_needed()
        rerun_after(page, last.click)
        expect(page.locator(DIAGRAM)).to_contain_text("Day 10: high")


@pytest.mark.parametrize(
    "query",
    [f"sl_days={d}&sl_day1=high&sl_w2=0.7" for d in range(2, 11)] + ["sl_days=10&sl_w1=-49.5&sl_w2=50&sl_b1=12.345"],
)
def test_no_diagram_label_overlaps_a_wire_or_another_label(page: Page, base_url, query):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app_page(page, base_url, "/statland", query)
    expect(page.locator(DIAGRAM)).to_be_visible()
    found = page.evaluate(_DIAGRAM_CLASHES)
    days = int(query.split("&")[0].split("=")[1])
    assert found["wires"] >= 4 * days  # each day: three w2 segments, one w1, one ReLU wire
    assert found["clashes"] == [], found["clashes"][:5]
    assert_healthy(page)


def test_statland_rules_and_weights_change_the_prediction_and_reset_clears_a_bad_value(
    page: Page, base_url, screenshots
):
    errors = collect_console_errors(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app_page(page, base_url, "/statland")
    expect(page.get_by_role("heading", name="StatLand")).to_be_visible()
    # The page opens on (high, medium): w2 = -0.5 cancels day 1, tomorrow is low.
    expect(prediction(page)).to_have_text("low")

    w2 = page.locator(".st-key-sl_w2 input")
    rerun_after(page, lambda: (w2.fill("0"), w2.press("Enter")))
    expect(prediction(page)).to_have_text("high")  # day 1 forgotten: 1.1 x 0.9 = 0.99
    assert "w2" in page.url

    rerun_after(page, lambda: page.locator(".st-key-sl_rule1 button").first.click())
    expect(prediction(page)).to_have_text("low")
    expect(page.locator(DIAGRAM)).to_contain_text("Day 1: low")

    rerun_after(page, lambda: (w2.fill("60"), w2.press("Enter")))
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("w2 = 60 is outside")
    screenshot(page, screenshots, "statland_bad_w2")
    rerun_after(page, lambda: page.locator(".st-key-sl_reset button").click())
    expect(w2).to_have_value("-0.500")
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    expect(prediction(page)).to_have_text("low")
    assert_healthy(page)
    screenshot(page, screenshots, "statland_1280x800_after_reset")
    # The whole page on the lesson's case, for the README.
    rerun_after(page, lambda: page.locator(".st-key-sl_rule3 button").first.click())
    page.mouse.move(5, 700)  # no tooltip over the picture
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    expect(page.get_by_test_id("stTooltipContent")).to_have_count(0)
    page.set_viewport_size({"width": 1400, "height": 1250})
    settle(page.locator(DIAGRAM))
    expect(page.locator(DIAGRAM)).to_contain_text("Day 1: high")
    screenshot(page, screenshots, "statland")
    assert errors == []


def test_the_diagram_follows_a_switch_to_the_dark_theme_at_once(page: Page, base_url, screenshots):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.emulate_media(color_scheme="light")
    open_app_page(page, base_url, "/statland")
    expect(page.locator(DIAGRAM)).to_be_visible()
    text_colour = "() => getComputedStyle(document.querySelector('.st-key-sl_network svg text')).fill"
    light = page.evaluate(text_colour)
    # The system theme changes while the script is idle: no rerun happens, the drawing must follow.
    page.emulate_media(color_scheme="dark")
    page.wait_for_function(f"() => ({text_colour})() !== {light!r}")
    rgb = [int(v) for v in page.evaluate(text_colour).strip("rgb()").split(",")[:3]]
    assert min(rgb) > 180, f"light text on the dark page, got {rgb}"
    background = page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor")
    assert max(int(v) for v in background.strip("rgba()").split(",")[:3]) < 60, background
    screenshot(page, screenshots, "statland_dark")
    assert_healthy(page)


def test_statland_link_with_query_params_restores_the_days(page: Page, base_url):
    open_app_page(page, base_url, "/statland", "sl_days=3&sl_day1=high&sl_day2=high&sl_day3=high")
    expect(page.locator(DIAGRAM)).to_contain_text("Day 3: high")
    expect(prediction(page)).to_have_text("high")
    assert_healthy(page)


def test_a_fresh_server_opened_on_a_page_url_uses_the_apps_navigation(page: Page):
    """A brand-new server whose first request is /statland must still run the entry script.

    With the page files in a folder named ``pages/``, Streamlit's legacy auto-discovery
    answered that first request: no sections, lowercase file names, no wide layout.
    """
    with running_app() as server:
        open_app_page(page, server.url, "/statland")
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav).to_contain_text("Gradient lab")  # the app's titles, not the files' names
        expect(page.get_by_test_id("stSidebarNavLink").filter(has_text="StatLand")).to_have_count(1)
        expect(nav).not_to_contain_text("streamlit app")
        expect(prediction(page)).to_have_text("low")
        assert_healthy(page)
