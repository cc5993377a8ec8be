"""A chart's or table's toolbar (shown while the pointer is over it) never covers a control: hovered in
chromium, each element's toolbar is measured against every visible button, field, slider, tab and link
outside it (``view_checks.covered_controls``). test_browser_views.py reads every lab view, a lesson step
and StatLand at a laptop, a small laptop and a phone; here: the lab in presentation mode on a projector,
each view in turn, and Training, whose loss chart under the run's buttons comes with the first step."""

import pytest
from browser_support import expect_charts_drawn, open_app_page, rerun_after
from playwright.sync_api import Page
from view_checks import TOOLBAR_ELEMENTS, covered_controls

from ui.lab.views import LABELS


def test_no_lab_view_has_a_toolbar_over_a_control_on_a_projector(page: Page, base_url):
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app_page(page, base_url, "/lab", "present=1")
    for i, label in enumerate(LABELS.values()):
        if i > 0:  # the page opens on the first
            rerun_after(page, page.locator(".st-key-lab_view button", has_text=label).click)
        expect_charts_drawn(page, 1)
        assert covered_controls(page) == [], label


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_trainings_toolbars_cover_no_control(page: Page, base_url, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_app_page(page, base_url, "/training")
    rerun_after(page, lambda: page.locator(".st-key-tr_step button").click())
    expect_charts_drawn(page, 1)
    assert page.locator(TOOLBAR_ELEMENTS).count() > 0
    assert covered_controls(page) == []
