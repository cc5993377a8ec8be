"""Real-browser tests of the Gradient lab: each view fits one screen at its widest numbers, the in-chart
slider and its figure share a screen and follow a drag, a T = 1000 rerun repaints, and tooltips give the
engine's values. Every view at its defaults, at every size and in both themes, is read by
test_browser_views.py. Screenshots go to artifacts/screenshots/."""

import re
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from browser_support import (
    IDLE,
    TOO_WIDE,
    assert_healthy,
    charts,
    collect_console_errors,
    expect_charts_drawn,
    open_app_page,
    rerun_after,
    screenshot,
    settle,
)
from playwright.sync_api import Page, expect
from view_checks import lab_view_fits_one_screen

import rnn_core as rc
from bench.drag import DRAG_INPUT, REPAINT_TIMES, drag_values
from rnn_core import analysis as an
from ui.kit.format import from_log10
from ui.lab.views import LABELS

PLAIN_RGB = [0xD5, 0x5E, 0x00]  # the plain descent path's Okabe-Ito vermillion
COLOUR_PIXELS = """([c, rgb]) => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 40) n++;
  }
  return n;
}"""


def open_view(page: Page, base_url: str, view: str, query: str = "") -> None:
    label = LABELS[view].replace(" ", "+").replace("/", "%2F")
    open_app_page(page, base_url, "/lab", "&".join(q for q in (f"lab_view={label}", query) if q))
    expect_charts_drawn(page, 1)


@pytest.mark.parametrize("view", list(LABELS))
def test_each_view_fits_one_laptop_screen_at_its_widest_numbers(page: Page, base_url, screenshots, view):
    """At w2 = 2, T = 1000 (the views at their defaults are read by test_browser_views.py)."""
    errors = collect_console_errors(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    open_view(page, base_url, view, "lab_w2=2&lab_length=1000")
    assert_healthy(page)
    screenshot(page, screenshots, f"lab_{view}_1280_extreme", full_page=False)
    assert lab_view_fits_one_screen(page, f"lab-{view}", "1280x800") == []
    assert errors == []


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
def test_length_1000_reruns_and_repaints(page: Page, base_url, screenshots, view):
    """The keypress that sets T = 1000 reruns the page and draws the chart again, computed the first time
    and from the cache after T = 1 and back. How long it takes is measured by ``bench/drag.py``
    (``length_change_times``), not here."""
    page.set_viewport_size({"width": 1280, "height": 800})
    open_view(page, base_url, view, "lab_w2=2")
    slider = page.locator(".st-key-lab_length").get_by_role("slider")
    thumb = page.locator(".st-key-lab_length").get_by_test_id("stSliderThumbValue")
    for key, shown in (("End", "1000"), ("Home", "1"), ("End", "1000")):
        slider.focus()
        rerun_after(page, lambda k=key: page.keyboard.press(k), timeout=15_000)
        expect(thumb).to_have_text(shown)
        expect_charts_drawn(page, 1)
    assert_healthy(page)
    if view == "step":
        chart = charts(page).first
        if chart.locator("canvas").count():
            canvas = chart.locator("canvas").first
            assert page.evaluate(COLOUR_PIXELS, [canvas.element_handle(), PLAIN_RGB]) > 50, "the plain path is drawn"
        else:
            assert chart.locator('svg path[stroke="#D55E00"]').count() > 0, "the plain path is drawn"
        screenshot(page, screenshots, "lab_extreme", full_page=False)


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


# ----------------------------------------------------------------------------- the figures that follow the drag
READ_DRAG = """async (selector) => {
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  await frame(); await frame();
  const input = document.querySelector(selector);
  const chart = input.closest('[data-testid="stVegaLiteChart"]');
  const texts = [...chart.querySelectorAll('svg .mark-text text')].map(t => t.textContent);
  return [input.value, texts.filter(t => t.startsWith('w2 = ')).pop() || ''];
}"""
# Logs every change of the drawn read-out in the page, with the time and the slider's value then.
DRAG_LOG = """(selector) => {
  const input = document.querySelector(selector);
  const chart = input.closest('[data-testid="stVegaLiteChart"]');
  const shown = () => [...chart.querySelectorAll('svg .mark-text text')]
    .map(t => t.textContent).filter(t => t.startsWith('w2 = ')).pop() || '';
  window.__dragLog = [];
  let last = shown();
  new MutationObserver(() => {
    const text = shown();
    if (text !== last) { last = text; window.__dragLog.push([performance.now(), input.value, text]); }
  }).observe(chart, {subtree: true, childList: true, characterData: true});
}"""

# The drawn read-out shows the slider's value as it stands (its last change logged at this value).
DRAWN_AS_IT_STANDS = """(selector) => {
  const log = window.__dragLog;
  return log.length > 0 && log[log.length - 1][1] === document.querySelector(selector).value;
}"""


def lesson_model_with(w2: float, activation: str = "relu") -> rc.VanillaRNN:
    """The lesson's network with w2 (and the activation) changed, from the engine's own weights."""
    model = rc.VanillaRNN(1, activation=activation, seed=0)
    for name, value in {**rc.STATQUEST_WEIGHTS, "w2": w2}.items():
        model.params[name] = value
    return model


def engine_first_input(w2: float, length: int, activation: str = "relu") -> str:
    """|d y_T / d x_1| at this w2, from the engine's own model, as the page writes it."""
    model = lesson_model_with(w2, activation)
    with np.errstate(all="ignore"):
        first = float(model.input_gradients(np.ones((1, length)))[0, 0])
    if first == 0:
        return "exactly 0"
    if np.isfinite(first):
        return from_log10(np.log10(abs(first)))
    return from_log10(an.log10_input_gradients(np.ones(length), 1.8, w2, 0.0, 1.1, activation)[0])


def accessible_name(control) -> str:
    """What a screen reader calls a control: its aria-label, else the text of its label."""
    return control.evaluate(
        "e => e.getAttribute('aria-label') || (e.labels && e.labels[0] ? e.labels[0].innerText : '') "
        "|| (e.closest('label') ? e.closest('label').innerText : '')"
    )


def page_w2(page: Page):
    return page.locator(".st-key-lab_w2").get_by_test_id("stSliderThumbValue")


def link_w2(url: str) -> float:
    return float(parse_qs(urlparse(url).query)["lab_w2"][0])


@pytest.mark.parametrize("view", ["inputs", "heatmap"])
def test_the_figure_follows_the_in_chart_slider_while_it_is_dragged(page: Page, base_url, screenshots, view):
    errors = collect_console_errors(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    T = 30
    open_view(page, base_url, view, f"lab_length={T}")
    slider = page.locator(DRAG_INPUT)
    expect(slider).to_have_value("-0.5")  # starts at the page's w2
    track = slider.bounding_box()
    y, left, right = track["y"] + track["height"] / 2, track["x"] + 4, track["x"] + track["width"] * 0.85
    page.mouse.move(left, y)
    page.mouse.down()
    page.evaluate(DRAG_LOG, DRAG_INPUT)
    for k in range(1, 21):  # a drag to the right, past w2 = 1, each movement drawn before the next
        page.mouse.move(left + (right - left) * k / 20, y, steps=2)
        page.wait_for_function(DRAWN_AS_IT_STANDS, arg=DRAG_INPUT, timeout=10_000)
    screenshot(page, screenshots, f"lab_drag_{view}", full_page=False)
    log = page.evaluate("window.__dragLog")
    page.mouse.up()
    elapsed = (log[-1][0] - log[0][0]) / 1000
    values = [float(value) for _, value, _ in log]
    shown = [text for _, _, text in log]
    print(f"{view}: {len(log)} read-out changes in {elapsed:.2f} s, w2 {values[0]} -> {values[-1]}")
    assert len(log) >= 15, "the drawn read-out changed with (nearly) every movement"
    assert values[-1] > 1 > values[0], "the drag crossed w2 = 1"
    where = f"w2 = {{:g}}, T = {T}" if view == "heatmap" else "w2 = {:g}"
    for w2, text in zip(values, shown, strict=True):  # each drawn as the slider stood then
        assert text == f"{where.format(w2)}: |∂y_T/∂x₁| = {engine_first_input(w2, T)}"

    # Released: the page takes the same w2 (its value, metric and link), the other views too. The page's
    # own w2 slider holds it off the screen: the chart's is the view's one w2 control.
    final = values[-1]
    expect(page_w2(page)).to_have_text(f"{final:.2f}", timeout=10_000)
    expect(page.locator(".st-key-lab_w2")).to_be_hidden()
    # The metric is the server's (drawn by a rerun with the released w2): it proves the round trip.
    expect(page.get_by_test_id("stMetricValue").first).to_have_text(engine_first_input(final, T))
    expect(slider).to_have_value(str(final))
    assert page.evaluate(READ_DRAG, DRAG_INPUT)[1] == shown[-1], "the dragged chart is kept as it is"
    page.wait_for_function("() => new URLSearchParams(location.search).get('lab_w2') !== null", timeout=10_000)
    assert link_w2(page.url) == final
    other = "heatmap" if view == "inputs" else "inputs"
    rerun_after(page, lambda: page.locator(".st-key-lab_view button", has_text=LABELS[other]).click())
    expect(page.locator(DRAG_INPUT)).to_have_value(str(final))
    expect(page_w2(page)).to_have_text(f"{final:.2f}")
    assert page.evaluate(READ_DRAG, DRAG_INPUT)[1].endswith(engine_first_input(final, T))
    assert link_w2(page.url) == final

    # The link reproduces it in a new session.
    link = page.url
    fresh = page.context.browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        fresh.goto(link)
        fresh.wait_for_selector(IDLE, timeout=30_000)
        expect(fresh.locator(DRAG_INPUT)).to_have_value(str(final), timeout=20_000)
        expect(page_w2(fresh)).to_have_text(f"{final:.2f}")
        expect(fresh.get_by_test_id("stMetricValue").first).to_have_text(engine_first_input(final, T))
    finally:
        fresh.close()
    # A view without a w2 slider of its own shows the page's, at the dragged value.
    rerun_after(page, lambda: page.locator(".st-key-lab_view button", has_text=LABELS["pieces"]).click())
    expect(page.locator(".st-key-lab_w2")).to_be_visible()
    expect(page_w2(page)).to_have_text(f"{final:.2f}")
    assert link_w2(page.url) == final
    assert errors == []


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1024, 700), (390, 844)])
@pytest.mark.parametrize("view", ["inputs", "heatmap"])
def test_the_in_chart_slider_and_its_figure_share_one_screen(page: Page, base_url, screenshots, view, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_view(page, base_url, view, "lab_w2=-2.99&lab_length=1000")  # the longest read-out
    assert_healthy(page)
    chart = charts(page).first
    chart.evaluate("e => e.scrollIntoView({block: 'center'})")
    settle(chart)
    figure = chart.locator("svg").first.bounding_box()
    slider = page.locator(DRAG_INPUT).bounding_box()
    label = page.locator(f"{DRAG_INPUT} + span").bounding_box()  # the slider's value beside it
    readout = chart.locator("svg .mark-text text", has_text="w2 = ").last.bounding_box()
    # One w2 control on the view, the chart's, across the chart's whole width but for its name and value.
    w2_controls = [c for c in page.get_by_role("slider").all() if c.is_visible() and "w2" in accessible_name(c)]
    assert len(w2_controls) == 1 and w2_controls[0].bounding_box() == slider, "the chart's slider, alone"
    name = chart.locator(".vega-bind-name").bounding_box()
    chart_box = chart.bounding_box()
    assert abs(name["x"] - chart_box["x"]) <= 2 and slider["x"] - (name["x"] + name["width"]) <= 12
    assert label["x"] - (slider["x"] + slider["width"]) <= 12 and chart_box["x"] + chart_box["width"] - 2 <= (
        label["x"] + label["width"]
    ), (name, slider, label, chart_box)
    top, bottom = figure["y"], max(slider["y"] + slider["height"], figure["y"] + figure["height"])
    print(f"{view} at {width}x{height}: figure and slider from {top:.0f} to {bottom:.0f} px")
    assert 0 <= top and bottom <= height, "the figure and its slider on one screen"
    for name, part in (("figure", figure), ("slider", slider), ("slider value", label), ("read-out", readout)):
        assert part["x"] >= 0 and part["x"] + part["width"] <= width, f"{name} cut at the side"
    assert readout["x"] + readout["width"] <= figure["x"] + figure["width"] + 1, "read-out cut off the chart"
    assert page.evaluate(TOO_WIDE) == []
    screenshot(page, screenshots, f"lab_drag_{view}_{width}", full_page=False)


@pytest.mark.parametrize("query", ["lab_view=Each+input&lab_length=1000&lab_activation=tanh", "lab_view=Heatmap"])
def test_every_drag_movement_is_repainted(page: Page, base_url, query):
    """From an input event on the in-chart slider to the frame that shows its read-out (the most rows:
    T = 1000 with tanh): every movement is drawn. How fast is measured by bench/drag.py (goal 50 ms);
    the test prints what it saw."""
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app_page(page, base_url, "/lab", query)
    page.wait_for_selector(DRAG_INPUT)
    page.evaluate(REPAINT_TIMES, [DRAG_INPUT, drag_values(3)])  # warm-up
    times = page.evaluate(REPAINT_TIMES, [DRAG_INPUT, drag_values(20)])
    assert None not in times, "the read-out followed every movement"
    median = sorted(times)[len(times) // 2]
    print(f"{query}: drag-to-repaint median {median:.1f} ms, slowest {max(times):.1f} ms")


def test_the_in_chart_slider_answers_the_keyboard(page: Page, base_url):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_view(page, base_url, "inputs", "lab_w2=0.95&lab_length=200")
    slider = page.locator(DRAG_INPUT)
    slider.focus()
    for k in range(1, 11):  # 0.96 .. 1.05: across w2 = 1, one key press a step
        page.keyboard.press("ArrowRight")
        value, text = page.evaluate(READ_DRAG, DRAG_INPUT)
        assert float(value) == round(0.95 + 0.01 * k, 2)
        assert text == f"w2 = {float(value):g}: |∂y_T/∂x₁| = {engine_first_input(float(value), 200)}"
    expect(page_w2(page)).to_have_text("1.05", timeout=10_000)
    expect(page.get_by_test_id("stMetricValue").first).to_have_text(engine_first_input(1.05, 200))


# ----------------------------------------------------------------------------- tooltips
def hover_tooltips(page: Page, every: int = 1) -> list[dict[str, str]]:
    """The tooltip of every ``every``-th dot in the view's chart, as {title: value}: the pointer
    on each in turn (data marks only, not the legend's symbols)."""
    found = []
    dots = charts(page).first.locator("svg .mark-symbol.role-mark path")
    for i in range(0, dots.count(), every):
        where = dots.nth(i).bounding_box()
        page.mouse.move(where["x"] + where["width"] / 2, where["y"] + where["height"] / 2)
        tip = page.locator("#vg-tooltip-element.visible")
        expect(tip).to_be_visible(timeout=2_000)
        cells = tip.locator("td").all_inner_texts()
        found.append(dict(zip(cells[::2], cells[1::2], strict=True)))
        page.mouse.move(1, 1)
    return found


MAGNITUDE = re.compile(r"^\d+(\.\d+)?( × 10\^-?\d+)?$")  # 0.495, 998, 6.30 × 10^60; never 1e+3


def magnitude_log10(text: str) -> float:
    """log10 of a tooltip's magnitude: '0.495' or '6.30 × 10^60'."""
    assert MAGNITUDE.match(text), text
    mantissa, _, exponent = text.partition(" × 10^")
    return np.log10(float(mantissa)) + (int(exponent) if exponent else 0)


# From 3.8e-6 to 3.2e4 between them: both sides of the tooltip's switch at 10^-4 and at 10^3.
@pytest.mark.parametrize(("w2", "length"), [(0.5, 10), (0.5, 20), (2.0, 15)])
def test_a_dots_tooltip_gives_the_engines_value_not_its_log(page: Page, base_url, w2, length):
    # The charts plot log10 values; the tooltip must say the magnitude itself (0.495, not -0.31).
    page.set_viewport_size({"width": 1280, "height": 800})
    open_view(page, base_url, "inputs", f"lab_w2={w2:g}&lab_length={length}")
    slopes = np.abs(lesson_model_with(w2).input_gradients(np.ones((1, length)))[0])
    # Every unit is on here (slopes 1), so the closed form's dots lie on the computed ones and
    # the pointer finds whichever is drawn on top: both must say the engine's number.
    tips = hover_tooltips(page)
    assert {int(tip["input step t (1 = oldest)"]) for tip in tips} == set(range(1, length + 1))
    for tip in tips:
        step = int(tip["input step t (1 = oldest)"])
        assert magnitude_log10(tip["|∂y_T/∂x_t|"]) == pytest.approx(np.log10(slopes[step - 1]), abs=3e-3), tip


def test_a_pieces_tooltip_gives_the_engines_piece_past_the_float_range_of_a_browser(page: Page, base_url):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_view(page, base_url, "pieces", "lab_w2=2&lab_length=100")
    _, grads = lesson_model_with(2.0).loss_and_grads(np.ones((1, 100)), np.ones((1, 1)))
    pieces = np.ravel(grads.per_step["w2"])
    tips = hover_tooltips(page, every=9)  # 12 of the 100 dots
    assert len(tips) >= 10
    for tip in tips:
        step = int(tip["step t"])
        assert magnitude_log10(tip["|piece|"]) == pytest.approx(np.log10(abs(pieces[step - 1])), abs=3e-3), tip
