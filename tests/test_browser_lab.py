"""Real-browser tests of the Gradient lab: every chart draws, at the defaults and at the extremes."""

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

# per-step, heatmap, dL/dw2 pieces, training runs, cliff, RNN surface, and the gated models' comparison
N_CHARTS = 7
CLIFF, SURFACE = 4, 5
PLAIN_RGB = [0xD5, 0x5E, 0x00]  # the plain descent path's Okabe-Ito vermillion
COLOUR_PIXELS = """([c, rgb]) => {
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 40) n++;
  }
  return n;
}"""


def first_input_metric(page: Page):
    return page.get_by_test_id("stMetric").filter(has_text="First input's").get_by_test_id("stMetricValue")


def test_lab_draws_every_chart_and_presets_change_the_numbers(page: Page, base_url, screenshots):
    errors = collect_console_errors(page)
    open_app_page(page, base_url, "/lab")
    expect(page.get_by_role("heading", name="Gradient lab")).to_be_visible()
    expect_charts_drawn(page, N_CHARTS)
    expect(first_input_metric(page)).to_have_text("512")
    assert_healthy(page)

    rerun_after(page, lambda: page.locator(".st-key-lab_preset2 button").click())
    expect(first_input_metric(page)).to_have_text("0.001953")
    assert "lab_w2=0.5" in page.url
    assert_healthy(page)

    rerun_after(page, lambda: page.locator(".st-key-lab_preset0 button").click())
    expect(first_input_metric(page)).to_have_text("512")
    page.set_viewport_size({"width": 1400, "height": 5200})
    expect_charts_drawn(page, N_CHARTS)
    # The learner sees plain gradient descent on both surfaces: its vermillion line, drawn on top of the
    # clipped path and up to the edge where it is thrown off (the heatmaps are drawn on a canvas).
    for index, name in ((CLIFF, "the cliff"), (SURFACE, "the RNN surface")):
        canvas = charts(page).nth(index).locator("canvas").first
        assert page.evaluate(COLOUR_PIXELS, [canvas.element_handle(), PLAIN_RGB]) > 150, name
    screenshot(page, screenshots, "lab")
    assert errors == []


def test_lab_at_w2_three_and_length_1000_draws_without_nan(page: Page, base_url, screenshots):
    errors = collect_console_errors(page)
    open_app_page(page, base_url, "/lab", "lab_w2=3&lab_length=1000&lab_activation=relu")
    expect_charts_drawn(page, N_CHARTS)
    expect(first_input_metric(page)).to_have_text("about 10⁴⁷⁷")
    assert charts(page).count() == N_CHARTS
    assert_healthy(page)
    page.set_viewport_size({"width": 1400, "height": 5200})
    screenshot(page, screenshots, "lab_extreme")
    assert errors == []
