"""The Training page's data sets: built from the engine's data module, cached, and explained.

Pure builders are cached (bounded); an uploaded CSV is parsed once in its upload
callback and kept in the user's session, so a bad file never replaces a good one.
``read_upload`` is the whole verdict on a file (data or a message) and needs no
Streamlit, so the table of bad files is tested against it directly.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

import rnn_core as rc
from rnn_core import data
from ui.kit import charts
from ui.kit.format import number
from ui.kit.state import shown
from ui.training import alt_text
from ui.training.choices import Dataset
from ui.training.run import shown_value

TICKERS = list(data.TICKERS)
CSV_PRICES = "tr_csv_prices"
CSV_MESSAGE = "tr_csv_message"
CSV_NAME = "tr_csv_name"
STATLAND_SEQUENCES = 256
MEMORY_SEQUENCES = 320
TRAIN_FRACTION = 0.8
SHOWN_SEQUENCES = 8
NAIVE_HELP = {
    "statland": "Repeating the last day is right whenever the last day decides the next on its own; "
    "after a medium day the day before matters too, and only a network that remembers gets it.",
    "memory": "Here tomorrow repeats the history's first day, so today is right only by chance (about 1 in 3). "
    "A network must carry day 1 through every later day: the longer the history, the harder for a vanilla RNN.",
}


@st.cache_data(max_entries=64, show_spinner=False)
def _statland(length: int, seed: int):
    return data.simulate_statland(STATLAND_SEQUENCES, length, seed=seed)


@st.cache_data(max_entries=64, show_spinner=False)
def _memory(length: int, seed: int):
    return data.simulate_memory_market(MEMORY_SEQUENCES, length, seed=seed)


@st.cache_data(max_entries=16, show_spinner=False)
def _stock(ticker: str):
    return data.stock_prices(ticker)


def _windows_dataset(name: str, series: data.PriceSeries, window: int, description: str, unit: str) -> Dataset:
    """Sliding windows split by time: the first 80 % train, the rest (later in time) are held out."""
    windows = data.make_windows(series.prices, window, train_fraction=TRAIN_FRACTION, dates=series.dates)
    return Dataset(
        name=name,
        train_xs=windows.train_xs,
        train_ys=windows.train_ys,
        test_xs=windows.test_xs,
        test_ys=windows.test_ys,
        description=description,
        unscale=windows.unscale,
        test_dates=windows.test_dates,
        value_name=unit,
    )


def csv_dataset(series: data.PriceSeries, window: int, file_name: str = "your file") -> Dataset:
    """An uploaded price series as windows; ``ValueError`` if it cannot be used with ``window``."""
    with np.errstate(all="ignore"):
        span = float(np.max(series.prices) - np.min(series.prices))
    if not np.isfinite(span):
        raise ValueError(
            f"the prices run from {number(np.min(series.prices))} to {number(np.max(series.prices))}, "
            "too far apart to scale to the 0-1 range the network trains on; use prices in ordinary units"
        )
    return _windows_dataset(
        "csv",
        series,
        window,
        f"Your prices ({len(series.prices)} rows) from {file_name}, {window} in → next",
        f"price ({series.column})",
    )


def build(
    kind: str,
    *,
    length: int,
    window: int,
    ticker: str,
    seed: int,
    csv_series: data.PriceSeries | None = None,
    csv_name: str = "your file",
) -> tuple[Dataset | None, str | None]:
    """The chosen data set, or None and a message saying what is wrong and what to do."""
    if kind == "rules":
        xs, ys = data.four_rules()
        return Dataset("rules", xs, ys, description="The four StatLand rules (4 sequences of 2 days)"), None
    if kind == "statland":
        xs, ys = _statland(length, seed)
        split = int(TRAIN_FRACTION * len(xs))
        return Dataset(
            "statland",
            xs[:split],
            ys[:split],
            xs[split:],
            ys[split:],
            description=f"{STATLAND_SEQUENCES} simulated StatLand histories of {length} days "
            f"({split} to train on, {len(xs) - split} held out)",
        ), None
    if kind == "memory":
        xs, ys = _memory(length, seed)
        split = int(TRAIN_FRACTION * len(xs))
        return Dataset(
            "memory",
            xs[:split],
            ys[:split],
            xs[split:],
            ys[split:],
            description=f"{MEMORY_SEQUENCES} histories of {length} days where the next day repeats day 1 "
            f"({split} to train on, {len(xs) - split} held out)",
        ), None
    if kind == "stocks":
        series = _stock(ticker)
        first, last = pd.to_datetime(series.dates[[0, -1]])  # GOOG's history starts in August 2004
        return _windows_dataset(
            "stocks",
            series,
            window,
            f"{ticker} monthly closing prices, {first:%b %Y} to {last:%b %Y}, {window} months in → next month",
            "price (USD)",
        ), None
    if kind == "csv":
        if csv_series is None:
            return None, "Upload a CSV of prices first (in the sidebar)."
        try:
            return csv_dataset(csv_series, window, csv_name), None
        except ValueError as error:
            return None, f"Your CSV cannot be used with these settings: {error}. Choose a smaller window."
    return None, f"Unknown data set {kind!r}."


def _hint(raw: bytes, reason: str) -> str:
    """One extra sentence for the two ways a spreadsheet export most often goes wrong."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return " It looks like UTF-16 text: save it as 'CSV UTF-8' instead."
    if "no column of numbers" in reason and re.search(rb"\d,\d", raw[:4096]) and b";" in raw[:4096]:
        return " The numbers seem to use a decimal comma (101,5): save them with a decimal point (101.5)."
    return ""


def _describe_non_finite(reason: str) -> str:
    """Name a non-finite cell in words: the page never prints 'nan' or 'inf', even quoting a file."""

    def words(match: re.Match) -> str:
        cell = match.group(1).strip().lower().lstrip("+-")
        if cell == "nan":
            what = "a not-a-number marker"
        elif cell.startswith("inf"):
            what = "an infinite value"
        else:
            what = f"a number too large to represent ({len(cell)} characters)"
        return f"holds {what}, which is not a finite number; give that row a real price or delete it"

    return re.sub(r"holds '([^']*)', which is not a finite number", words, reason)


def read_upload(name: str, raw: bytes, window: int) -> tuple[data.PriceSeries | None, str]:
    """Parse an uploaded file and check it fits the current window: (prices, message) or (None, why not)."""
    try:
        series = data.read_price_csv(raw)
        csv_dataset(series, window)
    except ValueError as error:
        reason = _describe_non_finite(str(error))
        return (
            None,
            f"{name} was not loaded: {reason}.{_hint(bytes(raw), reason)} Your previous data is still selected.",
        )
    notes = " ".join(series.notes)
    message = f"Loaded {len(series.prices)} prices from {name} (column '{series.column}'). {notes}"
    return series, message.strip()


def load_uploaded_csv() -> None:
    """Upload callback: keep the new prices and select them, or keep the old data and say why not."""
    upload = st.session_state.get("tr_csv_file")
    if upload is None:
        return
    series, message = read_upload(upload.name, upload.getvalue(), st.session_state.get("tr_window", 4))
    if series is None:
        st.session_state[CSV_MESSAGE] = ("error", message)
        return
    st.session_state[CSV_PRICES] = series
    st.session_state[CSV_NAME] = upload.name
    st.session_state["tr_data"] = "csv"
    st.session_state[CSV_MESSAGE] = ("success", message)


# ----------------------------------------------------------------------------- results
def show_predictions(run) -> None:
    """Predictions against targets for a paused or finished run; held-out data when there is some."""
    with np.errstate(all="ignore"):  # a diverged run keeps its last (possibly huge) finite weights
        if run.dataset.test_xs is None:
            _rules_table(run)
        elif run.dataset.unscale is None:
            _statland_held_out(run)
        else:
            _prices_held_out(run)


def _words(row) -> str:
    return " → ".join(data.decode(v) for v in row)


def _rules_table(run) -> None:
    dataset, model = run.dataset, run.model
    outputs = model.predict(dataset.train_xs)[:, 0]
    table = pd.DataFrame(
        {
            "sequence": [_words(row) for row in dataset.train_xs],
            "target": [data.decode(v) for v in dataset.train_ys[:, 0]],
            "output": [shown_value(v) for v in outputs],
            "predicted": [data.decode(v) for v in outputs],
        }
    )
    table["match"] = np.where(table["target"] == table["predicted"], "✓", "✗")
    right = int((table["match"] == "✓").sum())
    st.markdown(f"The network gets **{right} of the 4 rules** right (the output's nearest word is the target).")
    st.table(table, hide_index=True)


def _statland_held_out(run) -> None:
    dataset, model = run.dataset, run.model
    xs, targets = dataset.test_xs, dataset.test_ys[:, 0]
    outputs = model.predict(xs)[:, 0]
    predicted = np.array([data.decode(v) for v in outputs])
    wanted = np.array([data.decode(v) for v in targets])
    naive = np.array([data.decode(v) for v in xs[:, -1]])
    n = len(targets)
    left, right = st.columns(2)
    left.metric("Held-out histories predicted right", f"{int((predicted == wanted).sum())} of {n}")
    right.metric(
        "Naive guess 'tomorrow = today' right",
        f"{int((naive == wanted).sum())} of {n}",
        help=NAIVE_HELP[dataset.name],
    )
    shown = min(SHOWN_SEQUENCES, n)
    last_days = min(xs.shape[1], 6)
    table = pd.DataFrame(
        {
            f"last {last_days} days": [
                ("… → " if xs.shape[1] > last_days else "") + _words(r[-last_days:]) for r in xs[:shown]
            ],
            "target": wanted[:shown],
            "output": [shown_value(v) for v in outputs[:shown]],
            "predicted": predicted[:shown],
            "match": np.where(predicted[:shown] == wanted[:shown], "✓", "✗"),
        }
    )
    st.caption(f"The first {shown} held-out histories (never used for training):")
    st.table(table, hide_index=True)


def _prices_held_out(run) -> None:
    dataset, model = run.dataset, run.model
    scaled_predictions = model.predict(dataset.test_xs)[:, 0]
    predictions = dataset.unscale(scaled_predictions)
    actual = dataset.unscale(dataset.test_ys[:, 0])
    naive = dataset.unscale(dataset.test_xs[:, -1])
    model_error = float(np.sqrt(np.mean((predictions - actual) ** 2)))
    naive_error = float(np.sqrt(np.mean((naive - actual) ** 2)))

    if dataset.test_dates is not None:
        x, x_title, x_type = pd.to_datetime(dataset.test_dates), "date", "T"
        x_format = date_format(x)
    else:
        x, x_title, x_type, x_format = np.arange(1, len(actual) + 1), "held-out row (in time order)", "Q", "d"
    frame = pd.concat(
        [
            pd.DataFrame({"when": x, "series": "target", "value": actual}),
            pd.DataFrame({"when": x, "series": "prediction", "value": predictions}),
            pd.DataFrame({"when": x, "series": "naive (tomorrow = today)", "value": naive}),
        ]
    )
    charts.draw(
        charts.predictions_vs_targets(
            frame,
            "when",
            title="Held-out period (after the training period): actual vs predicted",
            x_title=x_title,
            y_title=dataset.value_name,
            x_type=x_type,
            x_format=x_format,
        ),
        key="tr_test_chart",
        alt_text=shown(
            alt_text.predictions_alt(run, x_title, dataset.value_name, number(model_error, 2), number(naive_error, 2))
        ),
    )
    if note := flat_note(scaled_predictions, dataset.test_ys[:, 0], model):
        st.caption(f":material/info: {note}")
    left, right = st.columns(2)
    left.metric(
        "Model's test error (RMSE)",
        number(model_error, 2),
        help="Root-mean-square error on the held-out period, in the prices' own units.",
    )
    right.metric(
        "Naive baseline: tomorrow = today",
        number(naive_error, 2),
        help="The error of simply repeating the last known price. A model worth having beats it.",
    )
    if np.isfinite(model_error) and model_error < naive_error:
        st.success("The network beats the naive baseline on data it never saw.", icon=":material/check_circle:")
    else:
        st.info(
            "The network does not beat repeating the last price. Prices are hard to predict: "
            "the naive baseline is a strong opponent.",
            icon=":material/info:",
        )


def batch_note(batch_size, n_samples: int) -> str | None:
    """A line when the chosen batch size holds every training sample (so it is the full set)."""
    if batch_size != "full" and int(batch_size) >= n_samples:
        return (
            f"This data set has {n_samples} training samples, so batches of {batch_size} hold all of them: "
            "every step uses the full set."
        )
    return None


def date_format(dates) -> str:
    """A d3 time format whose tick labels differ over this span: days for under a year, months
    for a few years, years beyond (a short CSV's ticks all read 'Feb 2020' with months)."""
    dates = pd.to_datetime(pd.Series(dates))
    span = (dates.max() - dates.min()).days if len(dates) else 0
    if span < 365:
        return "%d %b %Y"
    if span < 5 * 365:
        return "%b %Y"
    return "%Y"


def flat_note(predictions, targets, model) -> str | None:
    """One line when the held-out predictions barely move while the targets do, saying why."""
    predictions, targets = np.asarray(predictions, dtype=float), np.asarray(targets, dtype=float)
    if len(targets) < 2 or not np.all(np.isfinite(predictions)):
        return None
    spread, wanted = float(np.ptp(predictions)), float(np.ptp(targets))
    if wanted <= 0 or spread >= 0.2 * wanted:
        return None
    if rc.is_statquest_rnn(model):
        return (
            "The predictions sit almost flat: the single ReLU unit barely responds to these prices "
            "(at 0 it is switched off and the output is just b2), so the network predicts about the same price "
            "every month. Try more steps, another seed, or a wider model."
        )
    return (
        "The predictions sit almost flat: the network has learned little more than an average price, "
        "which the later, held-out prices have left behind. Try more steps or more hidden units."
    )
