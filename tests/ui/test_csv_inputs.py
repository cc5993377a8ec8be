"""Uploaded price files on the Training page: every bad file gets a message saying what was wrong.

The corpus lives in ``tests/bad_inputs/``. ``ui.datasets.read_upload`` is the page's
whole verdict on a file (the text the learner reads), so the table is checked against
it directly; a few AppTest cases then check that the page shows that message, keeps
the data that was selected before, and trains a good file in date order.
"""

from pathlib import Path

import numpy as np
import pytest
from apptest_support import NON_FINITE, all_text, assert_clean, chart_data, open_page, vega_charts

from ui.training.datasets import read_upload

CORPUS = Path(__file__).parents[1] / "bad_inputs"
TRAINING = "app_pages/training.py"
WINDOW = 4  # the page's default window

# file -> words the message must contain (what was wrong, in the learner's terms)
REFUSED = {
    "empty.csv": "the file is empty",
    "blank_lines.csv": "the file is empty",
    "header_only.csv": "a header but no rows of data",
    "binary.csv": "this is not a text file",
    "utf16.csv": "save it as 'CSV UTF-8'",
    "no_numeric_column.csv": "no column of numbers found",
    "several_numeric_columns.csv": "several numeric columns ('Open', 'High', 'Low')",
    "one_row.csv": "the file has 1 price; at least 6 are needed",
    "not_a_number_cell.csv": "row 4 of column 'Close' holds a not-a-number marker, which is not a finite number",
    "infinite_cell.csv": "row 5 of column 'Close' holds an infinite value, which is not a finite number",
    "overflowing_number.csv": "row 4 of column 'Close' holds a number too large to represent",
    "huge_numbers.csv": "too far apart to scale",
    "text_in_prices.csv": "row 4 of column 'Close' holds 'ten', which is not a number",
    "constant_prices.csv": "the training prices never change",
    "ragged_rows.csv": "this is not a well-formed CSV file: line 3 has 4 cells where the first line has 2",
    "ragged_headerless.csv": "line 2 has 2 cells where the first line has 1; give every row the same number of cells",
    "unclosed_quote.csv": 'a quotation mark (") opens a cell that is never closed',
    "repeated_names_with_spaces.csv": "two columns are both named 'Close' (spaces around a name do not count)",
    "repeated_date_names.csv": "two columns are both named 'Date' (spaces around a name do not count)",
    "semicolon_decimal_comma.csv": "decimal comma",
    # a cell written as Markdown: quoted as it is (the page shows it escaped, see the browser test)
    "hostile_text_cell.csv": "holds '**[ten](http://127.0.0.1:9/) ![pic](http://127.0.0.1:9/p.png) $x$**'",
}


def rising_prices_newest_first(months: int = 24) -> bytes:
    """A good file whose Date column runs newest to oldest; prices rise over time."""
    rows = [f"{2020 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}-01,{100 + 2 * m + (m % 3)}" for m in range(1, months + 1)]
    return ("Date,Close\n" + "\n".join(reversed(rows)) + "\n").encode()


@pytest.mark.parametrize(("name", "expected"), sorted(REFUSED.items()))
def test_each_bad_file_is_refused_with_a_message_naming_the_problem(name, expected):
    series, message = read_upload(name, (CORPUS / name).read_bytes(), WINDOW)
    assert series is None
    assert message.startswith(f"{name} was not loaded: ")
    assert expected in message
    assert message.endswith("Your previous data is still selected.")
    assert "Traceback" not in message
    assert "Error tokenizing" not in message and "C error" not in message, "pandas' own words leaked through"
    assert NON_FINITE.search(message) is None, "the message itself must not print nan or inf"


def test_the_corpus_table_covers_every_bad_csv_on_disk():
    accepted = {"odd_dates.csv", "latin1.csv", "semicolon.csv", "hostile_column.csv"}
    assert {p.name for p in CORPUS.glob("*.csv")} == set(REFUSED) | accepted


def test_a_file_over_the_size_limit_is_refused_unread():
    # In a browser Streamlit's uploader refuses such a file first ("File must be 2.0MB or smaller");
    # this guards the server against a client that skips that check.
    raw = b"Close\n" + b"123.456\n" * 300_000  # 2.4 MB
    series, message = read_upload("huge.csv", raw, WINDOW)
    assert series is None
    assert "MB; the limit is 2 MB" in message


def test_too_few_rows_for_the_window_says_how_many_are_needed():
    raw = b"Close\n" + b"".join(f"{100 + i}\n".encode() for i in range(8))
    assert read_upload("short.csv", raw, 4)[0] is not None
    series, message = read_upload("short.csv", raw, 12)
    assert series is None
    assert "8 prices are too few for a window of 12: need at least 14" in message


def test_dates_in_an_odd_format_keep_the_files_row_order_and_say_so():
    series, message = read_upload("odd_dates.csv", (CORPUS / "odd_dates.csv").read_bytes(), WINDOW)
    assert series is not None
    assert "Kept the file's row order" in message
    assert series.prices[:3].tolist() == [10.0, 13.0, 16.0]


def test_a_latin1_file_loads_with_its_accented_column_name():
    series, message = read_upload("latin1.csv", (CORPUS / "latin1.csv").read_bytes(), WINDOW)
    assert series is not None
    assert "column 'Clôture (francs)'" in message
    assert len(series.prices) == 10


def test_semicolon_separators_with_decimal_points_load():
    series, message = read_upload("semicolon.csv", (CORPUS / "semicolon.csv").read_bytes(), WINDOW)
    assert series is not None
    assert message.startswith("Loaded 10 prices from semicolon.csv (column 'Close')")
    assert series.prices[:2].tolist() == [101.1, 102.2]


def test_a_descending_date_column_is_read_oldest_first():
    series, message = read_upload("prices.csv", rising_prices_newest_first(), WINDOW)
    assert "Sorted the rows by date, oldest first." in message
    assert np.all(np.diff(series.dates.astype("datetime64[D]").astype(int)) > 0)
    assert series.prices[0] < series.prices[-1]


# ----------------------------------------------------------------------------- on the page
def test_a_bad_upload_shows_its_message_and_the_selected_data_stays():
    at = open_page(TRAINING)
    at.selectbox(key="tr_data").set_value("stocks").run()
    at.button(key="tr_step").click().run()
    at.file_uploader(key="tr_csv_file").upload(
        "bad_cell.csv", (CORPUS / "not_a_number_cell.csv").read_bytes(), "text/csv"
    ).run()
    assert_clean(at)
    assert any("bad_cell.csv was not loaded" in e.value and "not a finite number" in e.value for e in at.error)
    assert at.selectbox(key="tr_data").value == "stocks"
    assert "Your CSV" not in at.selectbox(key="tr_data").options
    assert at.metric[0].value == "1", "the run on the stock prices went on untouched"


def test_a_bad_upload_after_a_good_one_keeps_the_good_prices():
    at = open_page(TRAINING)
    at.file_uploader(key="tr_csv_file").upload("good.csv", rising_prices_newest_first(), "text/csv").run()
    assert at.selectbox(key="tr_data").value == "csv"
    assert "Your prices (24 rows)" in all_text(at)
    at.file_uploader(key="tr_csv_file").upload("bin.csv", (CORPUS / "binary.csv").read_bytes(), "text/csv").run()
    assert_clean(at)
    assert any("bin.csv was not loaded: this is not a text file" in e.value for e in at.error)
    assert at.selectbox(key="tr_data").value == "csv"
    assert "Your prices (24 rows)" in all_text(at)


def test_a_good_file_in_descending_date_order_trains_on_ascending_data():
    at = open_page(TRAINING)
    at.file_uploader(key="tr_csv_file").upload("prices.csv", rising_prices_newest_first(), "text/csv").run()
    assert any("Sorted the rows by date" in s.value for s in at.success)
    at.select_slider(key="tr_steps").set_value(100).run()
    at.button(key="tr_play").click().run()
    for _ in range(20):
        if at.button(key="tr_play").label == "Play":
            break
        at.run()
    assert_clean(at)
    # The held-out chart is the last 20 % of the history, newest months, in time order.
    held_out = chart_data(at, len(vega_charts(at)) - 1)[0]
    actual = held_out[held_out["series"] == "target"]
    # Each held-out target is the price of its own month (the file's pairing kept), the newest months.
    price_of_month = {f"{2020 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}-01": 100 + 2 * m + (m % 3) for m in range(1, 25)}
    pairs = [(str(when.date()), value) for when, value in zip(actual["when"], actual["value"], strict=True)]
    assert pairs and all(price_of_month[when] == value for when, value in pairs)
    assert max(when for when, _ in pairs) == "2021-12-01"
    assert sorted(pairs) == sorted(price_of_month.items())[-len(pairs) :]
    assert {m.label for m in at.metric} >= {"Model's test error (RMSE)", "Naive baseline: tomorrow = today"}


def test_the_prediction_charts_date_ticks_differ_over_short_and_long_spans():
    import pandas as pd

    from ui.training.datasets import date_format

    for dates in (pd.date_range("2020-02-01", periods=2, freq="MS"), pd.date_range("2020-02-01", periods=6, freq="D")):
        fmt = date_format(dates)
        ticks = pd.date_range(dates.min(), dates.max(), periods=6)
        assert len({t.strftime(fmt) for t in ticks}) == 6, fmt
    assert date_format(pd.date_range("2000-01-01", periods=120, freq="MS")) == "%Y"


def test_flat_predictions_are_explained_in_a_line():
    import numpy as np

    import rnn_core as rc
    from ui.training.datasets import flat_note

    one_unit = rc.VanillaRNN(1, activation="relu")
    assert "single ReLU unit" in flat_note(np.full(6, 0.3), np.linspace(0, 1, 6), one_unit)
    assert "average price" in flat_note(np.full(6, 0.3), np.linspace(0, 1, 6), rc.GRU(4))
    assert flat_note(np.linspace(0, 1, 6), np.linspace(0, 1, 6), one_unit) is None
