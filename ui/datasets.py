"""The Training page's data sets: built from the engine's data module, cached, and explained.

Pure builders are cached (bounded); an uploaded CSV is parsed once in its upload
callback and kept in the user's session, so a bad file never replaces a good one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from rnn_core import data
from ui import charts
from ui.format import number
from ui.training import Dataset

TICKERS = ["MSFT", "AMZN", "IBM", "GOOG", "AAPL"]
CSV_PRICES = "tr_csv_prices"
CSV_MESSAGE = "tr_csv_message"
STATLAND_SEQUENCES = 256


@st.cache_data(max_entries=64, show_spinner=False)
def _statland(length: int, seed: int):
    return data.simulate_statland(STATLAND_SEQUENCES, length, seed=seed)


@st.cache_data(max_entries=16, show_spinner=False)
def _stock(ticker: str):
    return data.stock_prices(ticker)


def _windows_dataset(name: str, series, window: int, description: str) -> Dataset:
    windows = data.make_windows(series.prices, window, train_fraction=0.8, dates=series.dates)
    return Dataset(
        name=name,
        train_xs=windows.train_xs,
        train_ys=windows.train_ys,
        test_xs=windows.test_xs,
        test_ys=windows.test_ys,
        description=description,
        unscale=windows.unscale,
        test_dates=windows.test_dates,
        value_name="price",
    )


def build(
    kind: str, *, length: int, window: int, ticker: str, seed: int
) -> tuple[Dataset | None, str | None]:
    """The chosen data set, or None and a message saying what is wrong."""
    try:
        if kind == "rules":
            xs, ys = data.four_rules()
            return Dataset(
                "rules", xs, ys, description="The four StatLand rules (4 sequences of 2 days)"
            ), None
        if kind == "statland":
            xs, ys = _statland(length, seed)
            split = int(0.8 * len(xs))
            return Dataset(
                "statland",
                xs[:split],
                ys[:split],
                xs[split:],
                ys[split:],
                description=f"{STATLAND_SEQUENCES} simulated StatLand sequences of {length} days",
            ), None
        if kind == "stocks":
            series = _stock(ticker)
            return _windows_dataset(
                "stocks", series, window, f"{ticker} monthly closing prices, {window} months in → next month"
            ), None
        if kind == "csv":
            series = st.session_state.get(CSV_PRICES)
            if series is None:
                return None, "Upload a CSV of prices first (in the sidebar)."
            return _windows_dataset(
                "csv", series, window, f"Your prices ({len(series.prices)} rows), {window} in → next"
            ), None
    except ValueError as error:
        return None, f"This data set cannot be used with these settings: {error}"
    return None, f"Unknown data set {kind!r}."


def load_uploaded_csv() -> None:
    """Upload callback: parse the file; keep the previous data if this one is bad."""
    upload = st.session_state.get("tr_csv_file")
    if upload is None:
        return
    try:
        series = data.read_price_csv(upload.getvalue())
    except ValueError as error:
        st.session_state[CSV_MESSAGE] = ("error", f"{upload.name} was not loaded: {error}")
        return
    st.session_state[CSV_PRICES] = series
    st.session_state["tr_data"] = "csv"
    notes = " ".join(getattr(series, "notes", []) or [])
    st.session_state[CSV_MESSAGE] = (
        "success",
        f"Loaded {len(series.prices)} prices from {upload.name} (column '{series.column}'). {notes}",
    )


def show_predictions(run) -> None:
    """Predictions against targets once a run pauses or ends; for prices, a held-out test."""
    dataset, model = run.dataset, run.model
    if dataset.test_xs is None or len(dataset.test_xs) == 0:
        predictions = model.predict(dataset.train_xs)[:, 0]
        targets = dataset.train_ys[:, 0]
        words = [data.decode(v) for v in predictions]
        sequences = dataset.train_xs if dataset.train_xs.ndim == 2 else dataset.train_xs[:, :, 0]
        table = pd.DataFrame(
            {
                "sequence": [" → ".join(data.decode(v) for v in row) for row in sequences],
                "target": [data.decode(v) for v in targets],
                "output": [number(v) for v in predictions],
                "predicted": words,
            }
        )
        table["match"] = np.where(table["target"] == table["predicted"], "✓", "✗")
        st.dataframe(table, hide_index=True, key="tr_predictions")
        return

    predictions = model.predict(dataset.test_xs)[:, 0]
    targets = dataset.test_ys[:, 0]
    naive = dataset.test_xs[:, -1] if dataset.test_xs.ndim == 2 else dataset.test_xs[:, -1, 0]
    model_mse = float(np.mean((predictions - targets) ** 2))
    naive_mse = float(np.mean((naive - targets) ** 2))
    if dataset.unscale is not None:
        predictions, targets, naive = (dataset.unscale(a) for a in (predictions, targets, naive))
    x = np.arange(1, len(targets) + 1)
    frame = pd.concat(
        [
            pd.DataFrame({"sample": x, "series": "target", "value": targets}),
            pd.DataFrame({"sample": x, "series": "prediction", "value": predictions}),
            pd.DataFrame({"sample": x, "series": "naive (tomorrow = today)", "value": naive}),
        ]
    )
    st.altair_chart(
        charts.predictions_vs_targets(
            frame,
            "sample",
            title="Held-out data: actual vs predicted",
            x_title="held-out sample (in time order)",
            y_title=dataset.value_name,
        ),
        width="stretch",
        key="tr_test_chart",
    )
    left, right = st.columns(2)
    left.metric("Test error (MSE, scaled)", number(model_mse, 5))
    right.metric(
        "Naive baseline: tomorrow = today",
        number(naive_mse, 5),
        delta=None if not np.isfinite(model_mse - naive_mse) else number(model_mse - naive_mse, 5),
        delta_color="inverse",
        help="A model worth having beats repeating the last value.",
    )
