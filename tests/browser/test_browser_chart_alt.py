"""In a real browser, a chart's text alternative is what a screen reader gets: the chart's accessible
name (Streamlit 1.67 writes ``alt`` into the spec's description, which Vega puts on the chart's
container as its aria-label, role graphics-document). It states the numbers on screen, worked out
here from rnn_core, and changes with them."""

import re

import numpy as np
import pytest
from browser_support import IDLE, assert_healthy, charts, expect_charts_drawn, open_app_page, rerun_after
from playwright.sync_api import Page, expect

import rnn_core as rc
from bench.drag import DRAG_INPUT
from rnn_core import analysis as an
from ui.kit.format import from_log10
from ui.lab import text
from ui.lesson import steps as lesson

pytestmark = pytest.mark.browser
W1, W3 = rc.STATQUEST_WEIGHTS["w1"], rc.STATQUEST_WEIGHTS["w3"]


def last_steps_share(w2: float, length: int) -> str:
    """The share of dL/dw2's pieces' total size the last tenth of the steps add, from the engine."""
    pieces = an.log10_w2_gradient(np.ones(length), W1, w2, 0.0, W3, 0.0, target=1.0, activation="relu")
    finite = np.isfinite(pieces.log10_steps)
    sizes = np.where(finite, 10.0 ** (pieces.log10_steps - pieces.log10_steps[finite].max()), 0.0)
    k = max(1, round(length * 0.1))
    return f"{100 * sizes[-k:].sum() / sizes.sum():.0f}% of the pieces' total size"


def said(words: str) -> re.Pattern:
    """An accessible name that contains ``words``."""
    return re.compile(re.escape(words))


def first_input(w2: float, length: int) -> str:
    return from_log10(float(an.log10_input_gradients(np.ones(length), W1, w2, 0.0, W3, "relu")[0]))


def test_a_lab_charts_accessible_name_states_the_numbers_of_each_setting(page: Page, base_url):
    page.set_viewport_size({"width": 1280, "height": 800})
    names = []
    for w2, length in [(0.5, 10), (2.0, 100)]:
        open_app_page(page, base_url, "/lab", f"lab_view=Pieces+of+dL%2Fdw2&lab_w2={w2}&lab_length={length}")
        expect_charts_drawn(page, 1)
        chart = charts(page).first
        expect(chart).to_have_attribute("role", "graphics-document")
        expect(chart).to_have_accessible_name(said(f"each of the {length} steps' pieces of dL/dw2 at w2 = {w2:g}"))
        expect(chart).to_have_accessible_name(said(last_steps_share(w2, length)))
        names.append(chart.get_attribute("aria-label"))
        assert_healthy(page)
    assert names[0] != names[1]


def test_the_read_out_of_a_chart_that_follows_the_hand_is_labelled_with_the_numbers_under_it(page: Page, base_url):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app_page(page, base_url, "/lab", "lab_view=Each+input&lab_w2=0.95&lab_length=200")
    expect_charts_drawn(page, 1)
    chart = charts(page).first
    expect(chart).to_have_accessible_name(text.INPUTS_ALT.text)
    readout = chart.locator('svg [aria-label^="w2 = "]')
    expect(readout).to_have_attribute("aria-label", f"w2 = 0.95: |∂y_T/∂x₁| = {first_input(0.95, 200)}")
    page.locator(DRAG_INPUT).focus()
    for _ in range(10):  # to w2 = 1.05, across 1, one key press a step
        page.keyboard.press("ArrowRight")
    expect(readout).to_have_attribute("aria-label", f"w2 = 1.05: |∂y_T/∂x₁| = {first_input(1.05, 200)}")


def test_a_lesson_steps_chart_hides_what_its_question_asks_then_states_its_numbers(page: Page, base_url):
    n = next(i for i, s in enumerate(lesson.STEPS, 1) if s.key == "remedies")
    state = lesson.STEPS[n - 1].start(0)
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app_page(page, base_url, "/lesson", f"step={n}")
    expect_charts_drawn(page, 1)
    chart = charts(page).first
    expect(chart).to_have_accessible_name(said(f"each of {state['length']} inputs' gradient"))
    expect(chart).to_have_accessible_name(said(text.capitalised(text.GATES_MASKED_NOTICE).text))
    before = chart.get_attribute("aria-label")
    logs = an.log10_input_gradients(np.ones(state["length"]), W1, state["w2"], 0.0, W3, "relu")
    vanilla = f"the oldest input keeps {from_log10(float(logs[0] - logs[-1]))} in the vanilla RNN"
    assert vanilla not in before, "the question's answer waits"
    page.get_by_test_id("stRadio").get_by_text("A GRU; it still fades", exact=True).click()
    rerun_after(page, lambda: page.get_by_role("button", name="Check", exact=True).click())
    page.wait_for_selector(IDLE)
    expect(charts(page).first).to_have_accessible_name(said(vanilla))
    assert charts(page).first.get_attribute("aria-label") != before
    assert_healthy(page)
