"""Real-browser test: no formula, chart text or metric is cut in the lab's widest numbers, at three sizes.

KaTeX does not wrap a formula wider than its column: the display box clips it (and scrolls
sideways), so a learner reads half an equation. Vega shortens a chart title or label that does
not fit to "…", and Streamlit a metric's label or value. All are measured in the browser
(``browser_support.what_is_cut``): a formula's ink width against its box, every text a chart draws
in SVG, and each metric's texts against their boxes.

Every view of ``browser_support.VIEWS`` at its defaults is read at the three sizes by
test_browser_views.py; this test reads the lab's views at their widest numbers.
"""

from __future__ import annotations

import pytest
from browser_support import VIEWS, assert_healthy, expect_charts_drawn, open_app_page, what_is_cut
from playwright.sync_api import Page

SIZES = ((1280, 800), (1024, 700), (390, 844))
# The widest numbers the lab writes: T = 1000 with tanh and a w2 under 1 (exponents of three digits).
LAB_EXTREME = "lab_w2=-0.9&lab_length=1000&lab_activation=tanh"
EXTREMES = {
    f"{view}-extreme": (path, f"{query}&{LAB_EXTREME}") for view, (path, query) in VIEWS.items() if path == "/lab"
}


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_formula_chart_text_or_metric_is_cut_in_the_labs_widest_numbers(
    page: Page, base_url: str, width: int, height: int
):
    page.set_viewport_size({"width": width, "height": height})
    cut = {}
    for path, query in EXTREMES.values():
        open_app_page(page, base_url, path, query)
        assert_healthy(page)
        if page.get_by_test_id("stVegaLiteChart").count():
            expect_charts_drawn(page)
        found = what_is_cut(page)
        if found:
            cut[f"{path}?{query}"] = found
    assert cut == {}, "\n".join(f"{where}: {found}" for where, found in cut.items())
