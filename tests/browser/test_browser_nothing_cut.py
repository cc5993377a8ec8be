"""Real-browser test: no formula, chart text or metric is cut, on any page, at the three sizes.

KaTeX does not wrap a formula wider than its column: the display box clips it (and scrolls
sideways), so a learner reads half an equation. Vega shortens a chart title or label that does
not fit to "…", and Streamlit a metric's label or value. All are measured in the browser: a
formula's ink width against its box, every text a chart draws in SVG, and each metric's texts
against their boxes.
"""

from __future__ import annotations

import pytest
from browser_support import assert_healthy, cut_texts, expect_charts_drawn, open_app_page
from playwright.sync_api import Page

from ui.lab.views import LABELS
from ui.lesson.steps import STEPS

SIZES = ((1280, 800), (1024, 700), (390, 844))
# The widest numbers the lab writes: T = 1000 with tanh and a w2 under 1 (exponents of three digits).
LAB_EXTREME = "lab_w2=-0.9&lab_length=1000&lab_activation=tanh"
PAGES = (
    [("/", ""), ("/statland", ""), ("/training", ""), ("/teachers", "")]
    + [("/lesson", f"step={n}") for n in range(1, len(STEPS) + 1)]
    + [("/lab", f"lab_view={label}") for label in LABELS.values()]
    + [("/lab", f"lab_view={label}&{LAB_EXTREME}") for label in LABELS.values()]
)
# KaTeX's box is a pixel or two narrower than its ink for italic corrections: that is not a cut.
SLACK_PX = 3

CUT = """slack => {
  const found = [];
  for (const display of document.querySelectorAll('[data-testid="stMain"] .katex-display')) {
    const over = display.scrollWidth - display.clientWidth;
    if (over > slack) found.push(`formula ${over} px too wide: ${display.querySelector('annotation')?.textContent}`);
  }
  for (const text of document.querySelectorAll('[data-testid="stVegaLiteChart"] svg text'))
    if (text.textContent.endsWith('…')) found.push(`chart text shortened: ${text.textContent}`);
  return found;
}"""


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_formula_chart_text_or_metric_is_cut_on_any_page(page: Page, base_url: str, width: int, height: int):
    page.set_viewport_size({"width": width, "height": height})
    cut = {}
    for path, query in PAGES:
        open_app_page(page, base_url, path, query)
        assert_healthy(page)
        if page.get_by_test_id("stVegaLiteChart").count():
            expect_charts_drawn(page)
        found = page.evaluate(CUT, SLACK_PX)
        found += [f"metric cut: {text}" for text in cut_texts(page, '[data-testid="stMain"] [data-testid="stMetric"]')]
        if found:
            cut[f"{path}?{query}"] = found
    assert cut == {}, "\n".join(f"{where}: {found}" for where, found in cut.items())
