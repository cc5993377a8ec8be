"""StatLand levels and rules, the simulator, stock windows and the CSV reader."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnn_core as rc
from rnn_core import data


def test_levels_round_trip_and_nearest_word():
    for word, value in data.LEVELS.items():
        assert data.encode(word) == value
        assert data.decode(value) == word
    assert data.decode(0.2) == "low"
    assert data.decode(0.74) == "medium"
    assert data.decode(0.99) == "high"
    assert data.decode(float("nan")) == "undefined"
    assert data.decode(0.25) == "low" and data.decode(0.75) == "medium", "ties go to the lower word"


def test_huge_outputs_still_read_as_the_nearest_word():
    # Around 1e16 the distances to 0, 0.5 and 1 are one and the same float.
    assert data.decode(1.09e17) == "high"
    assert data.decode(1e300) == "high"
    assert data.decode(-1e300) == "low"
    with pytest.raises(ValueError, match="not a StatLand price"):
        data.encode("very high")


def test_four_rules_are_the_lessons():
    xs, ys = data.four_rules()
    words = [(data.decode(a), data.decode(b), data.decode(y)) for (a, b), (y,) in zip(xs, ys, strict=True)]
    assert words == [
        ("low", "low", "low"),
        ("low", "medium", "high"),
        ("high", "medium", "low"),
        ("high", "high", "high"),
    ]


def test_next_day_table_agrees_with_rules_and_with_the_statland_network():
    model = rc.statquest_rnn()
    for (a, b), nxt in data.RULES:
        assert data.NEXT_DAY[(a, b)] == nxt
    for (a, b), nxt in data.NEXT_DAY.items():
        prediction = model.predict([[data.LEVELS[a], data.LEVELS[b]]])[0, 0]
        assert data.decode(min(prediction, 1.0)) == nxt
    assert len(data.NEXT_DAY) == 9


@given(st.integers(1, 40), st.integers(2, 30), st.integers(0, 2**32 - 1))
@settings(max_examples=30, deadline=None)
def test_simulated_sequences_follow_the_rules(n, length, seed):
    xs, ys = data.simulate_statland(n, length, seed=seed)
    assert xs.shape == (n, length) and ys.shape == (n, 1)
    assert set(np.unique(np.concatenate([xs.ravel(), ys.ravel()]))) <= {0.0, 0.5, 1.0}
    for row, (target,) in zip(xs, ys, strict=True):
        assert data.NEXT_DAY[(data.decode(row[-2]), data.decode(row[-1]))] == data.decode(target)


def test_simulator_is_seeded_and_noise_free_sequences_obey_every_step():
    a = data.simulate_statland(50, 8, seed=3)
    b = data.simulate_statland(50, 8, seed=3)
    c = data.simulate_statland(50, 8, seed=4)
    assert np.array_equal(a[0], b[0]) and not np.array_equal(a[0], c[0])
    xs, _ = data.simulate_statland(50, 8, seed=1, noise=0.0)
    for row in xs:
        for t in range(2, 8):
            assert data.NEXT_DAY[(data.decode(row[t - 2]), data.decode(row[t - 1]))] == data.decode(row[t])
    with pytest.raises(ValueError, match="at least 2 days"):
        data.simulate_statland(5, 1)


def test_stock_prices_are_monthly_closes_in_date_order():
    series = data.stock_prices("ibm")
    assert len(series.prices) == 123
    assert np.all(np.diff(series.dates.astype("datetime64[D]").astype(int)) > 0)
    assert np.all(series.prices > 0)
    with pytest.raises(ValueError, match="unknown ticker"):
        data.stock_prices("XYZ")


def test_windows_scale_with_the_training_part_only():
    prices = np.array([10.0, 12, 11, 13, 15, 14, 30, 40])
    w = data.make_windows(prices, 3, train_fraction=0.6)
    # 5 samples; 3 train. Training sees prices[:6] (min 10, max 15).
    assert w.train_xs.shape == (3, 3) and w.test_xs.shape == (2, 3)
    assert (w.low, w.high) == (10.0, 15.0)
    assert np.allclose(w.unscale(w.train_xs[0]), [10, 12, 11])
    assert np.allclose(w.unscale(w.train_ys[:, 0]), [13, 15, 14])
    assert np.allclose(w.unscale(w.test_ys[:, 0]), [30, 40])
    assert w.test_ys.max() > 1  # the future may leave the training range
    levels = data.make_windows(prices, 3, train_fraction=0.6, levels=True)
    assert set(np.unique(levels.train_xs)) <= {0.0, 0.5, 1.0}


def test_the_scaler_sees_the_last_training_target_and_nothing_after_it():
    # Window 3, 6 samples, 3 train: training reads prices[:6]. Its maximum (20) is the last
    # training target; the first test target (50) is the largest price of all and the
    # second (5) the smallest. Fitting on one price more or one less would move the scale.
    prices = [10.0, 12, 11, 13, 14, 20, 50, 5, 30]
    w = data.make_windows(prices, 3, train_fraction=0.5)
    assert len(w.train_xs) == 3 and len(w.test_xs) == 3
    assert (w.low, w.high) == (10.0, 20.0)
    assert w.train_ys[-1, 0] == 1.0 and w.train_xs.min() == 0.0
    np.testing.assert_allclose(w.test_ys[:, 0], [4.0, -0.5, 2.0])


@given(
    st.lists(st.floats(-1e6, 1e6), min_size=4, max_size=40, unique=True),
    st.integers(1, 5),
    st.floats(0.05, 0.95),
)
@settings(max_examples=100, deadline=None)
def test_the_scaler_is_fitted_on_exactly_the_prices_the_training_samples_read(prices, window, fraction):
    if len(prices) < window + 2:
        return
    # The documented split: the first `fraction` of the samples train, at least one on each side.
    n_samples = len(prices) - window
    n_train = min(max(1, round(fraction * n_samples)), n_samples - 1)
    training = np.asarray(prices[: n_train + window])
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = (np.asarray(prices) - training.min()) / (training.max() - training.min())
    if not np.all(np.isfinite(scaled)):  # e.g. training prices 0 and 1e-308, then a price of 2
        with pytest.raises(ValueError, match="too far apart"):
            data.make_windows(prices, window, train_fraction=fraction)
        return
    w = data.make_windows(prices, window, train_fraction=fraction)
    seen = np.asarray(prices[: len(w.train_xs) + window])  # every training window and target
    assert (w.low, w.high) == (seen.min(), seen.max())
    assert np.all((w.train_xs >= 0) & (w.train_xs <= 1)) and np.all((w.train_ys >= 0) & (w.train_ys <= 1))
    assert len(w.train_xs) + len(w.test_xs) == len(prices) - window


def test_windows_refuse_impossible_settings():
    with pytest.raises(ValueError, match="too few"):
        data.make_windows([1.0, 2.0, 3.0], 2)
    with pytest.raises(ValueError, match="never change"):
        data.make_windows([5.0] * 10, 3)
    with pytest.raises(ValueError, match="finite"):
        data.make_windows([1.0, np.nan, 3, 4, 5], 2)


def test_csv_finds_close_column_and_sorts_by_date():
    raw = b"Date,Open,Close,Volume\n2020-01-03,1,30,100\n2020-01-01,1,10,100\n2020-01-02,1,20,100\n" + b"".join(
        f"2020-02-0{i},1,{40 + i},100\n".encode() for i in range(1, 5)
    )
    series = data.read_price_csv(raw)
    assert series.column == "Close"
    assert list(series.prices[:3]) == [10, 20, 30]
    assert any("Sorted" in note for note in series.notes)


def test_csv_prefers_adjusted_close_and_reads_semicolons_and_dollars():
    raw = b"date;close;adj close\n" + b"".join(f"2021-0{i}-01;${i},000;{i}\n".encode() for i in range(1, 8))
    series = data.read_price_csv(raw)
    assert series.column == "adj close"
    assert list(series.prices) == [1, 2, 3, 4, 5, 6, 7]


def test_csv_single_column_with_or_without_header():
    assert list(data.read_price_csv(b"1\n2\n3\n4\n5\n6\n").prices) == [1, 2, 3, 4, 5, 6]
    assert data.read_price_csv(b"value\n1\n2\n3\n4\n5\n6\n7\n").column == "value"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"Close\n", "no rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text file"),
        (b"name,city\nann,paris\nbob,rome\n", "no column of numbers"),
        (b"a,b\n1,2\n3,4\n5,6\n", "several numeric columns"),
        (b"Close\n1\n2\nabc\n4\n5\n6\n", "row 4 .*'abc'.*not a number"),
        (b"Close\n1\n2\n3\ninf\n5\n6\n", "row 5 .*not a finite number"),
        (b"Close\n1\nnan\n3\n4\n5\n6\n", "row 3 .*not a finite number"),
        (b"Close\n1\n2\n3\n", "at least 6"),
        (b'"x\n1,2\n', "not a well-formed CSV"),
    ],
)
def test_csv_refuses_bad_files_with_a_reason(raw, message):
    with pytest.raises(data.CsvError, match=message):
        data.read_price_csv(raw)


def test_csv_size_cap_is_checked_before_parsing():
    with pytest.raises(data.CsvError, match="limit"):
        data.read_price_csv(b"1\n" * 100, max_bytes=50)


def test_csv_skips_blank_prices_with_a_note():
    series = data.read_price_csv(
        b"Date,Close\n2020-01-01,1\n2020-01-02,\n" + b"".join(f"2020-01-1{i},{i}\n".encode() for i in range(6))
    )
    assert len(series.prices) == 7
    assert any("no price" in note for note in series.notes)


@given(st.binary(max_size=300))
@settings(max_examples=150, deadline=None)
def test_csv_reader_never_fails_unexplained(raw):
    try:
        series = data.read_price_csv(raw)
    except data.CsvError as error:
        assert str(error)
    else:
        assert np.all(np.isfinite(series.prices)) and len(series.prices) >= data.MIN_PRICES


# Cells and header names that have tripped CSV readers: blanks, text, numbers at and past
# the float range, non-finite markers, dates in several forms and zones, stray quotes and
# separators inside a cell, and names that clash once spaces and capitals are ignored.
TRICKY_CELLS = [
    "", " ", "1", "2.5", "-3", "0", "007", "1e308", "-1e308", "1e999", "9" * 400, "nan", "NaN", "inf",
    "-Infinity", "$1,234.50", "1,5", "abc", "N/A", "-", "null", '"', '"quoted"', '"1,2"', "'x'", "2020-01-01",
    "2020-13-45", "Q1 2020", "2021-03-04T05:06+02:00", "2021-03-04T05:06-07:00", "1/2/2020", "10:30", "ÿ",
    "0x1F", "1_000", "١٢", "1;2", "a|b", "\t",
]  # fmt: skip
TRICKY_NAMES = [
    "Date", "Date ", " date", "DATE", "time", "Close", "Close ", "close", "Adj Close", "adj_close", "price",
    "Price", "Open", "value", "", " ", "1", "nan", '"Close"', "Close.1", "column 2", "price.1",
]  # fmt: skip


@st.composite
def structured_csvs(draw):
    """CSV text as a grid: a header (or none), rows of tricky or plain numeric cells, maybe ragged."""
    n_cols = draw(st.integers(1, 4))
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    numbers = st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: f"{v:.6g}")
    cell = st.one_of(st.sampled_from(TRICKY_CELLS), numbers, numbers, st.text(max_size=4))
    lines = []
    if draw(st.booleans()):
        lines.append([draw(st.sampled_from(TRICKY_NAMES)) for _ in range(n_cols)])
    ragged = draw(st.booleans())
    for _ in range(draw(st.integers(0, 12))):
        width = max(1, n_cols + (draw(st.sampled_from([-1, 0, 0, 1])) if ragged else 0))
        lines.append([draw(cell) for _ in range(width)])
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(sep.join(row) for row in lines) + draw(st.sampled_from(["", newline]))
    return text.encode(draw(st.sampled_from(["utf-8", "latin-1"])), errors="replace")


@given(structured_csvs())
@settings(max_examples=400, deadline=None)
def test_structured_csvs_are_read_or_refused_with_a_csv_error_only(raw):
    """Any other exception (pandas' own, AttributeError, ...) would reach the page as a traceback."""
    try:
        series = data.read_price_csv(raw)
    except data.CsvError as error:
        assert str(error) and "Error tokenizing" not in str(error)
        return
    assert series.prices.dtype == float and np.all(np.isfinite(series.prices))
    assert len(series.prices) >= data.MIN_PRICES
    if series.dates is not None:
        assert len(series.dates) == len(series.prices)
        assert np.all(np.diff(series.dates.astype("datetime64[us]").astype(np.int64)) >= 0)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"Close ,Close\n1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n", "both named 'Close' \\(spaces around"),
        (b"Date ,Date,Close\n2020-01-01,2020-01-01,1\n2020-01-02,2020-01-02,2\n", "both named 'Date'"),
        (b"Close,Close\n1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n", "both named 'Close'; rename one"),
        (b"Close,close\n1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n", "'Close' and 'close'.*capital letters"),
        (b"1\n2,3\n4\n5\n6\n7\n8\n", "line 2 has 2 cells where the first line has 1"),
        (b'Close\n"1\n2\n3\n4\n5\n6\n', "a quotation mark .* never closed"),
    ],
)
def test_csv_refuses_clashing_names_and_unsplittable_rows_in_its_own_words(raw, message):
    with pytest.raises(data.CsvError, match=message):
        data.read_price_csv(raw)


def test_csv_dates_in_different_time_zones_are_sorted_on_one_clock():
    raw = b"Date,Close\n2020-01-01T09:00+01:00,2\n2020-01-01T05:00-05:00,3\n2020-01-01T07:00,1\n" + b"".join(
        f"2020-01-0{d},{d + 2}\n".encode() for d in range(2, 6)
    )
    series = data.read_price_csv(raw)
    assert list(series.prices[:3]) == [1, 2, 3]  # 07:00, 08:00 and 10:00 UTC
    assert series.dates.dtype.kind == "M"


def test_make_windows_refuses_prices_whose_range_overflows():
    prices = np.array([-1e308, 1e308, 0.0, 5.0, -3.0, 2.0])
    with pytest.raises(ValueError, match="too far apart"):
        data.make_windows(prices, window=2, train_fraction=0.7)


def test_make_windows_refuses_a_later_price_too_many_training_ranges_away():
    # Training prices 0 and 1e-308 (window 1, a quarter of three samples): 2.0 scales past a float.
    with pytest.raises(ValueError, match="too many training ranges away"):
        data.make_windows([0.0, 1.1125369292536007e-308, 1.0, 2.0], window=1, train_fraction=0.25)


# ----------------------------------------------------------------------------- a market that remembers
def test_the_memory_market_repeats_the_first_day_and_today_says_nothing():
    xs, ys = data.simulate_memory_market(3000, 12, seed=5)
    assert xs.shape == (3000, 12) and ys.shape == (3000, 1)
    assert set(np.unique(xs)) == {0.0, 0.5, 1.0}
    np.testing.assert_array_equal(ys[:, 0], xs[:, 0])
    naive = np.mean(xs[:, -1] == ys[:, 0])
    assert abs(naive - 1 / 3) < 0.04, "tomorrow = today is right only by chance"
    again, _ = data.simulate_memory_market(3000, 12, seed=5)
    np.testing.assert_array_equal(xs, again)
    with pytest.raises(ValueError):
        data.simulate_memory_market(10, 1)


MEMORY_SEED = 0
MEMORY_UNITS = 2  # a small network, so holding day 1 must come from the weights, not spare units
MEMORY_STEPS = 400


def memory_accuracy(model, length: int) -> tuple[float, float]:
    """Held-out accuracy (nearest word right) of ``model`` trained on the memory market, and the naive guess's."""
    xs, ys = data.simulate_memory_market(400, length, seed=MEMORY_SEED)
    train_xs, train_ys, test_xs, test_ys = xs[:256], ys[:256], xs[256:], ys[256:]
    rc.Trainer(model, train_xs, train_ys, optimizer="adam", lr=0.03, seed=MEMORY_SEED).fit(MEMORY_STEPS)
    words = np.vectorize(data.decode)
    right = float(np.mean(words(model.predict(test_xs)[:, 0]) == words(test_ys[:, 0])))
    naive = float(np.mean(words(test_xs[:, -1]) == words(test_ys[:, 0])))
    return right, naive


def test_on_the_memory_market_a_trained_rnn_beats_tomorrow_equals_today_and_a_gru_beats_it_at_length():
    # Short histories (4 days): the vanilla RNN carries day 1 easily; the naive guess is at chance.
    short_vanilla, short_naive = memory_accuracy(rc.VanillaRNN(MEMORY_UNITS, activation="tanh", seed=MEMORY_SEED), 4)
    assert short_vanilla >= short_naive + 0.5, (short_vanilla, short_naive)
    # Long histories (20 days): day 1's signal reaches the last day scaled by w2 nineteen times; the
    # vanilla RNN's gradient for it vanishes and it falls back to guessing, the GRU's gates keep it.
    long_vanilla, long_naive = memory_accuracy(rc.VanillaRNN(MEMORY_UNITS, activation="tanh", seed=MEMORY_SEED), 20)
    long_gru, _ = memory_accuracy(rc.GRU(MEMORY_UNITS, seed=MEMORY_SEED), 20)
    assert long_gru >= 0.95, long_gru
    assert long_gru >= long_vanilla + 0.4, (long_gru, long_vanilla)
    assert long_vanilla <= long_naive + 0.25, "at 20 days the vanilla RNN is little better than chance"
    print(f"memory market: 4 days vanilla {short_vanilla:.3f} naive {short_naive:.3f}; "
          f"20 days vanilla {long_vanilla:.3f} GRU {long_gru:.3f} naive {long_naive:.3f}")  # fmt: skip
