"""Real-browser test of the Training page: live training while the page stays usable, then uploads."""

import re
from pathlib import Path

import numpy as np
from browser_support import (
    IDLE,
    assert_healthy,
    collect_console_errors,
    expect_charts_drawn,
    loss_chart,
    open_app_page,
    rerun_after,
    screenshot,
)
from playwright.sync_api import Page, expect
from training_support import rules_run

from rnn_core.weights_io import model_from_json
from ui.kit.format import WORD_JOINER

CORPUS = Path(__file__).parents[1] / "bad_inputs"
# Long histories, many steps and a 16-unit network, so the run is still going while the test
# watches it (the 1-unit network can finish 20,000 steps in the time the test takes).
LONG_RUN = "tr_data=Longer+StatLand+sequences&tr_length=30&tr_steps=20000&tr_model=Vanilla+RNN&tr_hidden=16"


def step_metric(page: Page):
    return page.get_by_test_id("stMetric").filter(has_text="Step").get_by_test_id("stMetricValue")


def steps_done(page: Page) -> int:
    return int(step_metric(page).inner_text())


def data_choice(page: Page):
    return page.get_by_role("combobox", name="Train on")


def loss_chart_steps(page: Page):
    """The loss chart's x axis; Vega's description of it ends with the last step drawn."""
    return loss_chart(page).locator('svg [aria-label^="X-axis"]').first


def wait_for_more_steps(page: Page, than: int, timeout: float = 10) -> int:
    try:
        page.wait_for_function(
            """n => { const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
                      .find(e => e.innerText.startsWith('Step'));
                      const v = m && m.querySelector('[data-testid="stMetricValue"]');
                      return v && parseInt(v.innerText.replace(/,/g, '')) > n; }""",
            arg=than,
            timeout=timeout * 1000,
        )
    except Exception as error:
        raise AssertionError(f"the step counter stayed at {than} for {timeout} s") from error
    return steps_done(page)


def test_play_trains_live_pause_keeps_everything_and_uploads_are_checked(page: Page, base_url, screenshots, tmp_path):
    errors = collect_console_errors(page)
    open_app_page(page, base_url, "/training", LONG_RUN)
    expect(page.get_by_role("heading", name="Training")).to_be_visible()
    expect(step_metric(page)).to_have_text("0")
    assert_healthy(page)

    # Play: the counter and the loss chart grow tick after tick, with no rerun of the page.
    page.locator(".st-key-tr_play button").click()
    expect(page.locator(".st-key-tr_play button")).to_have_text(re.compile("Pause"))
    first = wait_for_more_steps(page, 0)
    drawn = loss_chart_steps(page).get_attribute("aria-label")
    second = wait_for_more_steps(page, first)
    third = wait_for_more_steps(page, second)
    assert first < second < third
    expect(loss_chart_steps(page)).not_to_have_attribute("aria-label", drawn)  # the chart keeps growing
    expect_charts_drawn(page, 2)  # loss and gradient norm (the weights chart is for the 1-unit network)

    # Still responsive while playing: a toggle answers and training goes on.
    page.get_by_text("More settings: optimiser, clipping").click()  # the log toggle and the uploads are in it
    loss_axis = loss_chart(page).locator("svg .role-axis-title")
    expect(loss_axis.filter(has_text="log scale")).to_have_count(1)
    page.locator(".st-key-tr_log label").click()
    expect(loss_axis.filter(has_text="log scale")).to_have_count(0, timeout=5_000)
    wait_for_more_steps(page, steps_done(page))
    page.locator(".st-key-tr_log label").click()
    expect(loss_axis.filter(has_text="log scale")).to_have_count(1, timeout=5_000)
    assert_healthy(page)

    # Pause keeps the run: the counter stops, the results appear.
    # (No rerun_after here: while a fragment ticks, the app's script state can miss the
    # running -> notRunning edge the watcher waits for; the button's label is the signal.)
    before_pause = steps_done(page)
    assert before_pause < 20_000, "the run must still be going when Pause is pressed"
    page.locator(".st-key-tr_play button").click()
    try:
        expect(page.locator(".st-key-tr_play button")).to_have_text(re.compile("Play"), timeout=20_000)
    except AssertionError as error:
        # Tell a lost click (training went on) from a slow server (the counter stood still).
        raise AssertionError(f"Pause not answered in 20 s; steps {before_pause} -> {steps_done(page)}") from error
    page.wait_for_selector(IDLE)
    paused_at = steps_done(page)
    assert paused_at > 0
    expect(page.get_by_role("heading", name="Predictions")).to_be_visible()
    expect(page.get_by_text("Held-out histories predicted right")).to_be_visible()
    assert_healthy(page)
    expect_charts_drawn(page, 2)

    # A bad CSV: a message saying what is wrong; the selected data stays.
    uploader = page.locator(".st-key-tr_csv_file input[type=file]")
    rerun_after(page, lambda: uploader.set_input_files(str(CORPUS / "not_a_number_cell.csv")))
    refusal = re.compile("not_a_number_cell.csv was not loaded: row 4 of column 'Close'")
    expect(page.get_by_text(refusal)).to_be_visible()
    expect(data_choice(page)).to_have_value("Longer StatLand sequences")
    # Paused means no more steps: that rerun ran the live view, which trains while a run is going.
    expect(step_metric(page)).to_have_text(str(paused_at))
    assert_healthy(page)

    # A good CSV, newest month first: loaded, selected, and a fresh run starts on it.
    rows = [f"2020-{m:02d}-01,{100 + 3 * m + m % 4}" for m in range(1, 13)]
    good = tmp_path / "my_prices.csv"
    good.write_text("Date,Close\n" + "\n".join(reversed(rows)) + "\n")
    rerun_after(page, lambda: uploader.set_input_files(str(good)))
    expect(page.get_by_text(re.compile(r"Loaded 12 prices from my_prices.csv .*oldest first"))).to_be_visible()
    expect(data_choice(page)).to_have_value("Your CSV")
    expect(step_metric(page)).to_have_text("0")
    rerun_after(page, lambda: page.locator(".st-key-tr_step button").click())
    expect(step_metric(page)).to_have_text("1")
    expect(page.get_by_text("Model's test error (RMSE)")).to_be_visible()
    assert_healthy(page)
    screenshot(page, screenshots, "training_csv")
    assert errors == []


def the_same_run_in_the_engine(steps: int, lr: float):
    """The page's default run (the four rules, the 1-unit RNN from seed 4, Adam) trained without the page."""
    run = rules_run(lr=lr, steps=steps)
    run.advance(steps)
    return run.model


def test_a_short_run_that_finishes_while_playing_shows_its_results(page: Page, base_url, screenshots):
    errors = collect_console_errors(page)
    open_app_page(page, base_url, "/training", "tr_steps=200&tr_lr=0.003")  # too slow to converge in 200 steps
    play = page.locator(".st-key-tr_play button")
    play.click()
    expect(play).to_have_text(re.compile("Pause"))
    # The run ends by itself: the timer stops, Play comes back (disabled) and the results appear.
    # It takes at least 20 refreshes (ui.training.MIN_REFRESHES): seconds, more on a busy machine.
    expect(play).to_have_text(re.compile("Play"), timeout=60_000)
    expect(play).to_be_disabled()
    expect(step_metric(page)).to_have_text("200")
    expect(page.get_by_role("heading", name="Learned weights")).to_be_visible()
    expect(page.get_by_text(re.compile(r"The network gets \*?\*?\d of the 4 rules"))).to_be_visible()
    expect(loss_chart_steps(page)).to_have_attribute("aria-label", re.compile(r"to 200\b"))
    assert_healthy(page)
    labels = loss_chart(page).locator("svg .role-axis-label text").all_text_contents()
    assert not any("e-" in label for label in labels), labels
    page.set_viewport_size({"width": 1400, "height": 2400})  # the whole page, results included
    expect_charts_drawn(page, 3)  # loss, gradient norm, the five weights
    screenshot(page, screenshots, "training")

    # The trained weights download as a weights file the engine loads: the run's model at step 200.
    with page.expect_download() as download:
        page.locator(".st-key-tr_download button").click()
    downloaded = model_from_json(Path(download.value.path()).read_bytes())
    np.testing.assert_allclose(downloaded.flat, the_same_run_in_the_engine(steps=200, lr=0.003).flat, rtol=1e-12)
    assert errors == []


HOSTILE_NAME = (
    "**bold** ![pic](http://127.0.0.1:9/name.png) $x$ :material/delete: :smile: [link](http://127.0.0.1:9/).csv"
)


def shown_as_plain_text(message) -> str:
    """An alert's text, after checking nothing in it became markup (emphasis, link, image, formula, icon)."""
    markup = message.locator("strong, em, a, img, code, .katex, [data-testid='stIconMaterial']")
    assert markup.count() == 0, message.inner_html()
    return message.inner_text().replace(WORD_JOINER, "")  # the joiner that keeps an address text shows nothing


def test_hostile_file_names_column_names_and_cells_are_shown_as_plain_text(page: Page, base_url):
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if ":9/" in request.url else None)
    open_app_page(page, base_url, "/training")
    uploads = (
        ("tr_csv_file", "hostile_text_cell.csv", "stAlertContentError"),
        ("tr_csv_file", "hostile_column.csv", "stAlertContentSuccess"),
        ("tr_weights_file", "weights_unknown_kind.json", "stAlertContentError"),
    )
    for key, corpus_file, alert in uploads:
        if key == "tr_weights_file":
            page.get_by_text("More settings", exact=False).click()
        name = HOSTILE_NAME.replace(".csv", Path(corpus_file).suffix)  # each uploader takes its own file types
        upload = {"name": name, "mimeType": "text/plain", "buffer": (CORPUS / corpus_file).read_bytes()}
        uploader = page.locator(f".st-key-{key} input[type=file]")
        rerun_after(page, lambda uploader=uploader, upload=upload: uploader.set_input_files(upload))
        message = page.get_by_test_id(alert).first
        expect(message).to_be_visible()
        shown = shown_as_plain_text(message)
        assert name in shown, shown  # the name, character for character
        if corpus_file == "hostile_text_cell.csv":
            assert "holds '**[ten](http://127.0.0.1:9/) ![pic](http://127.0.0.1:9/p.png) $x$**'" in shown, shown
        if corpus_file == "hostile_column.csv":
            column = re.search(r"column '(.*)'\)", shown).group(1)
            assert column == (CORPUS / corpus_file).read_text().splitlines()[0].split(",", 1)[1].strip('"')
            caption = page.get_by_text("Your prices (12 rows) from", exact=False).first
            assert HOSTILE_NAME in shown_as_plain_text(caption)
    assert fetched == [], f"the page fetched what a name pointed at: {fetched}"
    assert_healthy(page)
