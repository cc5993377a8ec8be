"""In a real browser, a chart's text alternative is what a screen reader gets: the chart's accessible
name (Streamlit 1.67 writes ``alt`` into the spec's description, which Vega puts on the chart's
container as its aria-label, role graphics-document). It states the numbers on screen, worked out
here from rnn_core, and changes with them."""

import re

import numpy as np
import pytest
from browser_support import (
    IDLE,
    assert_healthy,
    chart_titled,
    charts,
    expect_charts_drawn,
    open_app_page,
    rerun_after,
)
from playwright.sync_api import Page, expect

import rnn_core as rc
from bench.drag import DRAG_INPUT
from rnn_core import analysis as an
from ui.claims.training import styled
from ui.kit.format import from_log10, number
from ui.lab import text
from ui.lesson import steps as lesson
from ui.training import choices, datasets
from ui.training.charts import POINTS_UP_TO

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


# ----------------------------------------------------------------------------- Training
# Slow enough to be still running while the test watches it play (the four rules, the 1-unit RNN).
SLOW_RUN = "tr_lr=0.0003&tr_steps=20000"
LIVE_CHARTS = {"loss": "Training loss (MSE)", "norm": "Gradient norm", "weights": "The five weights as they train"}


def the_page_run_in_the_engine(steps: int) -> tuple[list, float, list[str]]:
    """The page's default run at lr 0.0003 (seed 4, Adam, the four rules) trained by rnn_core's own Trainer:
    each step's record, the whole set's loss after the last, and the weights' names in a record's order."""
    dataset, _ = datasets.build("rules", length=6, window=4, ticker=datasets.TICKERS[0], seed=4)
    model = choices.build_model("statquest", 1, "relu", seed=4, start="random")
    trainer = rc.Trainer(model, dataset.train_xs, dataset.train_ys, optimizer="adam", lr=0.0003, seed=4)
    records = list(trainer.run(steps))
    return records, trainer.evaluate(), list(model.param_shapes)


def figure(value: float) -> str:
    return styled(value, "figure")


def status(page: Page):
    """The line a screen reader announces when it changes (drawn off the screen, found by its role)."""
    return page.get_by_role("status").and_(page.locator('[aria-live="polite"]'))


def step_shown(page: Page) -> int:
    value = page.get_by_test_id("stMetric").filter(has_text="Step").get_by_test_id("stMetricValue")
    return int(value.inner_text().replace(",", ""))


def wait_for_step_above(page: Page, than: int) -> None:
    """Until the page's Step counter shows more than ``than`` (a refresh of the live view has been drawn)."""
    page.wait_for_function(
        """n => { const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
                  .find(e => e.innerText.startsWith('Step'));
                  return m && parseInt(m.querySelector('[data-testid="stMetricValue"]').innerText
                                       .replace(/,/g, '')) > n; }""",
        arg=than,
    )


def expect_names_of_a_stopped_run(page: Page, steps: int) -> None:
    """Each live chart's accessible name and the status line state the run at ``steps``, from the engine."""
    records, loss_now, names = the_page_run_in_the_engine(steps)
    first, last = records[0], records[-1]
    expect(chart_titled(page, LIVE_CHARTS["loss"])).to_have_accessible_name(
        said(f"at each step: from {figure(first.loss)} at step 1 to {figure(last.loss)} at step {steps:,}")
    )
    expect(chart_titled(page, LIVE_CHARTS["norm"])).to_have_accessible_name(
        said(f"from {figure(first.grad_norm)} at step 1 to {figure(last.grad_norm)} at step {steps:,}")
    )
    weights = dict(zip(names, last.flat, strict=True))
    written = ", ".join(f"{name} = {styled(weights[name], 'weight')}" for name in rc.PARAM_NAMES)
    expect(chart_titled(page, LIVE_CHARTS["weights"])).to_have_accessible_name(said(f"at step {steps:,}, {written}"))
    expect(status(page)).to_have_text(
        f"At step {steps:,} of 20,000: training loss {number(loss_now, 5)}, gradient norm {number(last.grad_norm, 4)}."
    )


def test_training_charts_are_named_with_the_numbers_after_a_step_and_a_pause_and_kept_while_playing(
    page: Page, base_url
):
    page.set_viewport_size({"width": 1280, "height": 800})
    open_app_page(page, base_url, "/training", SLOW_RUN)
    for _ in range(2):
        rerun_after(page, lambda: page.locator(".st-key-tr_step button").click())
    expect_charts_drawn(page, 3)
    for title in LIVE_CHARTS.values():
        expect(chart_titled(page, title)).to_have_attribute("role", "graphics-document")
    expect_names_of_a_stopped_run(page, 2)
    drawn = page.locator(".st-key-tr_status").bounding_box()
    assert drawn["width"] <= 1 and drawn["height"] <= 1, f"the status line is for a screen reader only: {drawn}"
    assert_healthy(page)

    # Playing: each chart keeps one name, so the browser swaps its rows into the chart it has (the same
    # SVG, marked here) instead of building it again; the status line says once that training runs. The
    # chart is built again once, when its dots give way to a plain line (past POINTS_UP_TO steps), so the
    # mark is set after that.
    page.locator(".st-key-tr_play button").click()
    expect(status(page)).to_have_text("Training is running, up to step 20,000.")
    loss = chart_titled(page, LIVE_CHARTS["loss"])
    expect(loss).to_have_accessible_name(said("Training is running"))
    playing_name = loss.get_attribute("aria-label")
    wait_for_step_above(page, POINTS_UP_TO)
    wait_for_step_above(page, step_shown(page))
    loss.locator("svg").first.evaluate("svg => { svg.dataset.kept = 'yes'; }")
    seen, marks = [], []
    for _ in range(3):
        wait_for_step_above(page, step_shown(page))
        seen.append(loss.get_attribute("aria-label"))
        marks.append(loss.locator("svg[data-kept='yes']").count())
    assert seen == [playing_name] * 3, seen
    assert marks == [1, 1, 1], "the live loss chart was built again while playing"
    expect(status(page)).to_have_text("Training is running, up to step 20,000.")

    # Pause: the names and the status state the step training stopped at.
    page.locator(".st-key-tr_play button").click()
    expect(page.locator(".st-key-tr_play button")).to_have_text(re.compile("Play"), timeout=20_000)
    page.wait_for_selector(IDLE)
    paused = step_shown(page)
    assert 2 < paused < 20_000
    expect_names_of_a_stopped_run(page, paused)
    assert_healthy(page)
