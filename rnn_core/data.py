"""Data for the lessons: StatLand's levels and rules, real stock prices, and price CSVs.

StatLand prices are words scaled to numbers: low = 0, medium = 0.5, high = 1. The
lesson names four rules, each reading the last two days:

    (low, low) -> low      (low, medium) -> high
    (high, medium) -> low  (high, high) -> high

The other five pairs are not named by the lesson. Here they follow the lesson's own
network: the next day is the level nearest to what the StatLand weights
(w1 = 1.8, w2 = -0.5, w3 = 1.1, b1 = b2 = 0) predict for the pair, which gives
(low, high) -> high, (medium, low) -> low, (medium, medium) -> medium,
(medium, high) -> high and (high, low) -> low. So the full table, ``NEXT_DAY``,
agrees with the four rules and with the network the learner meets first.

pandas is imported only inside the functions that read files, so ``import rnn_core``
stays fast.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

LEVELS = {"low": 0.0, "medium": 0.5, "high": 1.0}
RULES = [
    (("low", "low"), "low"),
    (("low", "medium"), "high"),
    (("high", "medium"), "low"),
    (("high", "high"), "high"),
]
NEXT_DAY = {
    ("low", "low"): "low",
    ("low", "medium"): "high",
    ("low", "high"): "high",
    ("medium", "low"): "low",
    ("medium", "medium"): "medium",
    ("medium", "high"): "high",
    ("high", "low"): "low",
    ("high", "medium"): "low",
    ("high", "high"): "high",
}
TICKERS = ("MSFT", "AMZN", "IBM", "GOOG", "AAPL")
# An uploaded CSV larger than this is refused before it is parsed.
MAX_CSV_BYTES = 2_000_000
MIN_PRICES = 6
PRICE_COLUMN_NAMES = (
    "adj close",
    "adj_close",
    "adjusted close",
    "adjclose",
    "close",
    "closing price",
    "price",
)
DATE_COLUMN_NAMES = ("date", "datetime", "time", "timestamp", "day", "month", "period")
MISSING = ("", "na", "n/a", "null", "none", "-")
NON_FINITE = ("nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")


class CsvError(ValueError):
    """An uploaded price file cannot be used; the message says why and what to do."""


def encode(words):
    """A StatLand word ('low', 'medium', 'high') as its scaled price; a list of words as an array."""
    if not isinstance(words, str):
        return np.array([encode(word) for word in words], dtype=float)
    try:
        return LEVELS[words.strip().lower()]
    except KeyError:
        raise ValueError(f"{words!r} is not a StatLand price; use one of {', '.join(LEVELS)}") from None


def decode(value: float) -> str:
    """The StatLand word nearest to a scaled price (ties go to the lower word).

    Compared against the midpoints between levels (0.25 and 0.75), not by distance: for
    |value| around 1e16 and beyond, the distances to 0, 0.5 and 1 round to the same float.
    """
    value = float(value)
    if not math.isfinite(value):
        return "undefined"
    words = list(LEVELS)
    for lower, upper in zip(words, words[1:], strict=False):
        if value <= (LEVELS[lower] + LEVELS[upper]) / 2:
            return lower
    return words[-1]


def four_rules() -> tuple[np.ndarray, np.ndarray]:
    """The lesson's four rules as a data set: xs (4, 2) oldest day first, ys (4, 1)."""
    xs = np.array([[LEVELS[a], LEVELS[b]] for (a, b), _ in RULES])
    ys = np.array([[LEVELS[nxt]] for _, nxt in RULES])
    return xs, ys


def simulate_statland(
    n_sequences: int, length: int, seed: int | None = 0, noise: float = 0.2
) -> tuple[np.ndarray, np.ndarray]:
    """Longer StatLand price histories and the day that follows each.

    The first two days are random. Each later day follows ``NEXT_DAY`` from the two
    days before it, except that with probability ``noise`` the market surprises
    everyone with a random level (otherwise most histories settle into a fixed
    pattern within a few days). The target, the day after the last, always follows
    the rule, so a model that learns the rules predicts every target.

    Returns xs (n_sequences, length) with values in {0, 0.5, 1} and ys (n_sequences, 1).
    """
    n_sequences, length = int(n_sequences), int(length)
    if n_sequences < 1:
        raise ValueError("n_sequences must be at least 1")
    if length < 2:
        raise ValueError("a StatLand sequence needs at least 2 days (the rules read two)")
    if not 0.0 <= noise <= 1.0:
        raise ValueError("noise is a probability between 0 and 1")
    rng = np.random.default_rng(seed)
    # Work in level indices 0, 1, 2; the rule table becomes a 3 x 3 lookup.
    words = list(LEVELS)
    table = np.array([[words.index(NEXT_DAY[(a, b)]) for b in words] for a in words])
    days = np.empty((n_sequences, length + 1), dtype=int)
    days[:, :2] = rng.integers(0, 3, size=(n_sequences, 2))
    for t in range(2, length + 1):
        ruled = table[days[:, t - 2], days[:, t - 1]]
        if t < length:
            surprise = rng.random(n_sequences) < noise
            ruled = np.where(surprise, rng.integers(0, 3, size=n_sequences), ruled)
        days[:, t] = ruled
    values = np.array(list(LEVELS.values()))[days]
    return values[:, :length], values[:, length:]


def simulate_memory_market(n_sequences: int, length: int, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """A StatLand market with a long memory: the day after each history returns to its first day.

    The opening day sets the tone (a low, medium or high week); every day after it is a
    random level, and the day after the history repeats the opening day's level. Today
    says nothing about tomorrow, so the naive "tomorrow = today" guess is right only by
    chance (about 1 time in 3), while a network must carry day 1 through every later
    day. Seen from the last day, day 1's input is scaled by w2 (and the activation's
    slopes) once per day in between: over long histories a vanilla RNN's gradient for
    it vanishes, and the gated LSTM and GRU keep it.

    Returns xs (n_sequences, length) with values in {0, 0.5, 1} and ys (n_sequences, 1).
    """
    n_sequences, length = int(n_sequences), int(length)
    if n_sequences < 1:
        raise ValueError("n_sequences must be at least 1")
    if length < 2:
        raise ValueError("a history needs at least 2 days (the opening day and one after it)")
    rng = np.random.default_rng(seed)
    values = np.array(list(LEVELS.values()))[rng.integers(0, 3, size=(n_sequences, length))]
    return values, values[:, :1].copy()


@dataclass
class PriceSeries:
    """A price history in time order, with dates when known and notes about how it was read."""

    prices: np.ndarray
    dates: np.ndarray | None = None
    column: str = "price"
    notes: list[str] = field(default_factory=list)


def stock_prices(symbol: str) -> PriceSeries:
    """Monthly closing prices of one ticker, from ``vega_datasets`` (no network): 2000 to 2010 for
    most, from August 2004 for GOOG."""
    symbol = str(symbol).upper()
    if symbol not in TICKERS:
        raise ValueError(f"unknown ticker {symbol!r}; choose one of {', '.join(TICKERS)}")
    from vega_datasets import local_data

    frame = local_data.stocks()
    frame = frame[frame["symbol"] == symbol].sort_values("date")
    return PriceSeries(
        prices=frame["price"].to_numpy(dtype=float),
        dates=frame["date"].to_numpy(),
        column=f"{symbol} monthly close (USD)",
    )


@dataclass
class Windows:
    """Sliding windows of ``window`` prices -> the next price, split in time and scaled.

    ``train_*`` come first in time, ``test_*`` after. Prices are scaled with the
    training part's minimum and maximum only (so nothing about the test period leaks
    into training); test values may therefore fall outside [0, 1].
    """

    train_xs: np.ndarray
    train_ys: np.ndarray
    test_xs: np.ndarray
    test_ys: np.ndarray
    low: float
    high: float
    test_dates: np.ndarray | None = None

    def scale(self, prices) -> np.ndarray:
        return (np.asarray(prices, dtype=float) - self.low) / (self.high - self.low)

    def unscale(self, values) -> np.ndarray:
        """Scaled values back to prices."""
        return np.asarray(values, dtype=float) * (self.high - self.low) + self.low


def discretise(values) -> np.ndarray:
    """Scaled prices to StatLand levels: below 1/3 low (0), below 2/3 medium (0.5), else high (1)."""
    values = np.asarray(values, dtype=float)
    return np.select([values < 1 / 3, values < 2 / 3], [0.0, 0.5], 1.0)


def make_windows(
    prices: Sequence[float],
    window: int,
    train_fraction: float = 0.8,
    dates: Sequence | None = None,
    levels: bool = False,
) -> Windows:
    """Turn a price history into (window days -> next day) samples for training and testing.

    The first ``train_fraction`` of the samples (in time order) train; the rest test.
    With ``levels=True`` every scaled value is rounded to a StatLand level.
    """
    prices = np.asarray(prices, dtype=float).ravel()
    window = int(window)
    if window < 1:
        raise ValueError("the window must be at least 1 day")
    if not np.all(np.isfinite(prices)):
        raise ValueError("every price must be a finite number")
    n_samples = len(prices) - window
    if n_samples < 2:
        raise ValueError(
            f"{len(prices)} prices are too few for a window of {window}: "
            f"need at least {window + 2} (one sample to train on and one to test)"
        )
    if not 0.0 < train_fraction < 1.0:
        raise ValueError("train_fraction must be between 0 and 1")
    n_train = min(max(1, round(train_fraction * n_samples)), n_samples - 1)
    seen_in_training = prices[: n_train + window]
    low, high = float(seen_in_training.min()), float(seen_in_training.max())
    if high == low:
        raise ValueError("the training prices never change, so there is nothing to learn")
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = (prices - low) / (high - low)
    if not np.isfinite(high - low):
        raise ValueError("the prices are too far apart to scale (their range overflows a float)")
    if not np.all(np.isfinite(scaled)):
        # A training range so narrow that a later price is more than a float's largest number of
        # such ranges away.
        raise ValueError("the prices are too far apart to scale (a later price lies too many training ranges away)")
    if levels:
        scaled = discretise(scaled)
    index = np.arange(n_samples)[:, None] + np.arange(window)
    xs, ys = scaled[index], scaled[window:, None]
    test_dates = None if dates is None else np.asarray(dates)[window + n_train :]
    return Windows(xs[:n_train], ys[:n_train], xs[n_train:], ys[n_train:], low, high, test_dates)


def _counted(count: int, noun: str) -> str:
    """'1 row', '3 rows': a count with its noun in the right number."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def read_price_csv(raw: bytes | str, max_bytes: int = MAX_CSV_BYTES) -> PriceSeries:
    """Read a user's CSV of prices; raise ``CsvError`` with a plain message if it cannot be used.

    The price column is the one named like 'Adj Close', 'Close' or 'price' (in that
    order of preference), else the only numeric column. A column named like 'Date'
    orders the rows, oldest first. Blank price cells are skipped with a note; text
    or non-finite values (nan, inf) in the price column are refused, naming the
    first bad row. Files over ``max_bytes`` are refused unread. Two columns whose names
    differ only by surrounding spaces or capitals are refused (which one holds the prices
    would be a guess), and so are rows that do not split into the first line's cells.
    Every failure is a ``CsvError``; nothing else escapes.
    """
    text = _as_text(raw, max_bytes)
    frame = _parse(text)
    if frame.empty:
        raise CsvError("the file has a header but no rows of data")
    column = _price_column(frame)
    cells = frame[column].astype(str).str.strip()
    blank = cells.str.lower().isin(MISSING).to_numpy()
    values = _numbers(cells).to_numpy(dtype=float)
    not_finite = cells.str.lower().isin(NON_FINITE).to_numpy() | np.isinf(values)
    for problem, what in (
        (np.isnan(values) & ~blank & ~not_finite, "which is not a number"),
        (not_finite, "which is not a finite number"),
    ):
        if problem.any():
            row = int(np.flatnonzero(problem)[0])
            raise CsvError(f"row {row + 2} of column '{column}' holds {cells.iloc[row]!r}, {what}")
    notes: list[str] = []
    if blank.any():
        notes.append(f"Skipped {_counted(int(blank.sum()), 'row')} with no price.")
    keep = ~blank
    values = values[keep]
    dates = _date_column(frame, column, keep, notes)
    if dates is not None:
        order = np.argsort(dates, kind="stable")
        if np.any(order != np.arange(len(order))):
            notes.append("Sorted the rows by date, oldest first.")
        values, dates = values[order], dates[order]
    if len(values) < MIN_PRICES:
        raise CsvError(f"the file has {_counted(len(values), 'price')}; at least {MIN_PRICES} are needed")
    return PriceSeries(values, dates, str(column), notes)


def _as_text(raw: bytes | str, max_bytes: int) -> str:
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if not isinstance(raw, bytes | bytearray):
        raise CsvError("expected the bytes of a CSV file")
    if len(raw) == 0 or not raw.strip():
        raise CsvError("the file is empty")
    if len(raw) > max_bytes:
        raise CsvError(f"the file is {len(raw) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:g} MB")
    if b"\x00" in raw:
        raise CsvError("this is not a text file; save your prices as CSV (comma-separated text)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    controls = sum(ch < " " and ch not in "\t\r\n" for ch in text)
    if controls > len(text) // 100:
        raise CsvError("this is not a text file; save your prices as CSV (comma-separated text)")
    return text


def _parse(text: str):
    """The file as a table of stripped text cells, named by its header row (or numbered if it has none)."""
    import csv

    import pandas as pd

    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    # One parse with no header: the first row is read as cells like any other, so its names
    # can be checked here (pandas would rename repeated names to 'Close.1' without a word).
    try:
        table = pd.read_csv(
            io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except pd.errors.EmptyDataError:
        raise CsvError("the file is empty") from None
    except (pd.errors.ParserError, ValueError, OverflowError, csv.Error) as error:
        raise CsvError(_unreadable(str(error), sep)) from None
    table = table.fillna("").astype(str)
    if table.empty:
        raise CsvError("the file is empty")
    raw_first = list(table.iloc[0])
    first = [cell.strip() for cell in raw_first]
    if all(_is_number(cell) for cell in first):
        # No header row: the first line is data.
        names = ["price"] if len(first) == 1 else [f"column {i + 1}" for i in range(len(first))]
    else:
        names = [cell or f"column {i + 1}" for i, cell in enumerate(first)]
        table = table.iloc[1:].reset_index(drop=True)
    _refuse_repeated_names(raw_first, names)
    table.columns = names
    return table


def _unreadable(error: str, sep: str) -> str:
    """pandas' reason a file would not split into cells, told in the learner's terms."""
    what = {",": "commas", ";": "semicolons", "\t": "tabs"}.get(sep, f"'{sep}'")
    ragged = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", error)
    if ragged:
        expected, line, saw = ragged.groups()
        return (
            f"this is not a well-formed CSV file: line {line} has {saw} cells where the first line has "
            f"{expected}; give every row the same number of cells, separated by {what}"
        )
    if "EOF inside string" in error:
        return (
            'this is not a well-formed CSV file: a quotation mark (") opens a cell that is never closed; '
            "remove the stray quote or close it"
        )
    return (
        "this is not a well-formed CSV file: its rows could not be split into cells; "
        "save it as comma-separated text with one price per row"
    )


def _refuse_repeated_names(raw_names: list[str], names: list[str]) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        j = seen.setdefault(name.casefold(), i)
        if j == i:
            continue
        if names[j] != name:
            clash = f"two columns, '{names[j]}' and '{name}', have the same name apart from capital letters"
        elif raw_names[j] != raw_names[i]:
            clash = f"two columns are both named '{name}' (spaces around a name do not count)"
        else:
            clash = f"two columns are both named '{name}'"
        raise CsvError(f"{clash}; rename one so that every column has its own name")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _numbers(cells):
    """Cells as floats (NaN where not a number); a leading $ and thousands commas are allowed."""
    import pandas as pd

    cleaned = cells.astype(str).str.strip().str.replace(r"^\$|,(?=\d{3}(?:\D|$))", "", regex=True)
    return pd.to_numeric(cleaned, errors="coerce").astype(float)


def _price_column(frame):
    by_name = {c.lower().replace("_", " ").strip(): c for c in frame.columns}
    for name in PRICE_COLUMN_NAMES:
        column = by_name.get(name.replace("_", " "))
        if column is not None:
            return column
    numeric = []
    for column in frame.columns:
        cells = frame[column].astype(str).str.strip()
        filled = ~cells.str.lower().isin(MISSING)
        if column.lower() not in DATE_COLUMN_NAMES and filled.any():
            if _numbers(cells[filled]).notna().mean() >= 0.9:
                numeric.append(column)
    if len(numeric) == 1:
        return numeric[0]
    if not numeric:
        raise CsvError("no column of numbers found; the file needs a column of prices")
    names = ", ".join(f"'{c}'" for c in numeric[:6])
    raise CsvError(f"several numeric columns ({names}); name the price column 'Close' or 'price'")


def _date_column(frame, price_column: str, keep: np.ndarray, notes: list[str]) -> np.ndarray | None:
    import pandas as pd

    candidates = [c for c in frame.columns if c != price_column and c.lower() in DATE_COLUMN_NAMES]
    if not candidates:
        return None
    column = candidates[0]
    # utc=True: dates with different time zones (or some with one and some without) are put
    # on one clock instead of raising; the zone is then dropped, as charts want plain dates.
    dates = pd.to_datetime(frame[column][keep], errors="coerce", format="mixed", utc=True).dt.tz_convert(None)
    if dates.isna().any():
        notes.append(f"Kept the file's row order: some values of '{column}' are not dates.")
        return None
    return dates.to_numpy()
