"""A chart's or table's toolbar (shown while the pointer is over it) never covers a control: hovered in
chromium, each element's toolbar is measured against every visible button, field, slider, tab and link
outside it, on the pages whose charts sit right under controls, at a laptop, a small laptop, a phone and
a projector in presentation mode."""

import pytest
from browser_support import expect_charts_drawn, open_app_page, rerun_after
from playwright.sync_api import Page, expect

from ui.lab.views import LABELS

# Every control's box that the shown toolbar overlaps, except the toolbars' own buttons.
COVERED = """() => {
  const covered = [];
  const controls = 'button, input, select, textarea, a[href], summary, [role=slider], [role=tab], '
    + '[role=radio], [role=checkbox], [role=combobox], [role=button]';
  for (const bar of document.querySelectorAll('[data-testid="stElementToolbar"]')) {
    const b = bar.getBoundingClientRect();
    if (b.width < 1 || Number(getComputedStyle(bar).opacity) === 0) continue;
    for (const c of document.querySelectorAll(controls)) {
      if (c.closest('[data-testid="stElementToolbar"]')) continue;
      const r = c.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || getComputedStyle(c).visibility === 'hidden') continue;
      if (r.right <= b.left || r.left >= b.right || r.bottom <= b.top || r.top >= b.bottom) continue;
      covered.push(`${c.tagName} "${(c.getAttribute('aria-label') || c.innerText || c.value || '').slice(0, 40)}"`);
    }
  }
  return covered;
}"""
ELEMENTS = "[data-testid='stVegaLiteChart'], [data-testid='stDataFrame']"
SIZES = {
    "1280x800": (1280, 800, ""),
    "1024x700": (1024, 700, ""),
    "390x844": (390, 844, ""),
    "projector": (1280, 720, "present=1"),
}


def covered_controls(page: Page) -> list[str]:
    """Hover each chart and table on the screen in turn; what its toolbar covers."""
    found = []
    elements = page.locator(ELEMENTS)
    for i in range(elements.count()):
        element = elements.nth(i)
        if not element.is_visible():  # in a closed expander
            continue
        element.scroll_into_view_if_needed()
        where = element.bounding_box()
        page.mouse.move(where["x"] + where["width"] / 2, where["y"] + min(30, where["height"] / 2))
        toolbar = element.locator("xpath=ancestor::*[@data-testid='stFullScreenFrame'][1]").get_by_test_id(
            "stElementToolbar"
        )
        expect(toolbar).to_have_css("opacity", "1")  # shown, its fade-in over
        found += [f"element {i}: {what}" for what in page.evaluate(COVERED)]
        page.mouse.move(0, 0)
    return found


@pytest.mark.parametrize("size", list(SIZES))
def test_no_lab_view_has_a_toolbar_over_a_control(page: Page, base_url, size):
    width, height, query = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    open_app_page(page, base_url, "/lab", query)
    for i, label in enumerate(LABELS.values()):
        if i > 0:  # the page opens on the first
            rerun_after(page, page.locator(".st-key-lab_view button", has_text=label).click)
        expect_charts_drawn(page, 1)
        assert covered_controls(page) == [], label


@pytest.mark.parametrize("size", ["1280x800", "390x844"])
@pytest.mark.parametrize(("path", "query"), [("/lesson", "step=9"), ("/statland", ""), ("/training", "")])
def test_no_page_has_a_toolbar_over_a_control(page: Page, base_url, path, query, size):
    width, height, _ = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    open_app_page(page, base_url, path, query)
    if path == "/training":  # the loss chart, under the run's buttons, comes with the first step
        rerun_after(page, lambda: page.locator(".st-key-tr_step button").click())
        expect_charts_drawn(page, 1)
    assert page.locator(ELEMENTS).count() > 0
    assert covered_controls(page) == []
