"""AppTest tests of the Training page: step, play, diverge, reset, switch, share a link, move weights.

AppTest does not tick ``run_every`` fragments, so a playing run is driven by calling
``at.run()``: each call trains one time-boxed chunk, as one tick does in a browser.
"""

import math
import re
from pathlib import Path

import numpy as np
import pytest
from apptest_support import all_text, assert_clean, chart_data, metric, open_page, table_with, vega_charts

import rnn_core as rc
from rnn_core.data import TICKERS
from rnn_core.weights_io import model_to_json
from ui.classroom.linkable import REGISTRY
from ui.classroom.unused import renamed_options
from ui.training import controls
from ui.training.choices import MODEL_CHOICES

TRAINING = "app_pages/training.py"
CORPUS = Path(__file__).parents[1] / "bad_inputs"
PARAMS = ("w1", "w2", "b1", "w3", "b2")


def as_number(text: str) -> float:
    """A number as the page prints it ('0.133', '1.75 × 10⁻³²', '−8.20 × 10⁻⁵') back to a float."""
    text = text.replace("−", "-").translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
    match = re.fullmatch(r"(-?[\d.]+) × 10(-?\d+)", text)
    return float(match.group(1)) * 10 ** int(match.group(2)) if match else float(text)


def loss(at) -> float:
    return as_number(metric(at, "Training loss"))


def step_count(at) -> int:
    return int(metric(at, "Step"))


def weights(at) -> dict[str, str]:
    """The 1-unit model's five weights as the page prints them (the table's 'this run' row)."""
    row = table_with(at, "weights").set_index("weights").loc["this run"]
    return {name: row[name] for name in PARAMS}


def step(at, times: int = 1):
    for _ in range(times):
        at.button(key="tr_step").click().run()
    return at


def play_until_done(at, max_ticks: int = 40):
    """At the fastest speed, press Play and let the fragment tick (one at.run() per tick) until the run stops."""
    at.select_slider(key="tr_speed").set_value("fastest").run()
    at.button(key="tr_play").click().run()
    for _ in range(max_ticks):
        if at.button(key="tr_play").label == "Play":
            return at
        at.run()
    raise AssertionError("the run did not finish")


def test_opens_clean_with_the_controls_and_the_starting_predictions():
    at = open_page(TRAINING)
    assert_clean(at)
    assert at.title[0].value == "Training"
    assert at.button(key="tr_play").label == "Play"
    assert "1-unit StatQuest RNN with 5 parameters" in all_text(at)
    assert step_count(at) == 0
    assert len(table_with(at, "match")) == 4, "the four rules with the starting weights' predictions"


def test_stepping_lowers_the_loss_on_the_four_rules_and_draws_every_step():
    at = open_page(TRAINING)
    start = loss(at)
    step(at, 15)
    assert_clean(at)
    assert step_count(at) == 15
    assert loss(at) < 0.8 * start
    loss_chart = chart_data(at, 0)[0]
    assert loss_chart["step"].tolist() == list(range(1, 16))
    assert loss_chart["loss"].iloc[-1] < loss_chart["loss"].iloc[0]
    trajectory = chart_data(at, 2)[0]
    assert set(trajectory["parameter"]) == set(PARAMS), "the 1-unit model's five weights are charted"


def converged_step_in_the_engine(lr: float = 0.03, seed: int = 4) -> int | None:
    """The default run (four rules, 1-unit RNN, Adam) trained without the page: the step whose
    loss (measured before it, at the previous step's weights) first falls below the page's tolerance."""
    from rnn_core.data import four_rules
    from ui.training.run import CONVERGED_LOSS

    xs, ys = four_rules()
    trainer = rc.Trainer(rc.VanillaRNN(1, activation="relu", seed=seed), xs, ys, optimizer="adam", lr=lr, seed=seed)
    for record in trainer.run(1000):
        if record.loss < CONVERGED_LOSS:
            return record.step
    return None


def test_the_default_run_stops_itself_when_converged_and_shows_the_rules_learned():
    at = open_page(TRAINING)
    at.select_slider(key="tr_steps").set_value(500).run()
    play_until_done(at)
    assert_clean(at)
    expected = converged_step_in_the_engine()
    assert expected is not None and expected < 500
    assert step_count(at) == expected, "the run stops at the step its loss fell below the tolerance"
    assert f"Converged at step {expected:,}" in all_text(at)
    from ui.kit.format import number
    from ui.training.run import CONVERGED_LOSS

    assert f"the loss is below {number(CONVERGED_LOSS)}" in all_text(at)
    assert at.button(key="tr_play").disabled, "a converged run cannot play on"
    assert f"Step {expected:,} of 500" in at.get("progress")[0].proto.text
    rules = table_with(at, "match")
    assert list(rules["predicted"]) == ["low", "high", "low", "high"]
    table = table_with(at, "weights")
    assert list(table.columns) == ["weights", *PARAMS]
    assert list(table["weights"]) == ["this run", "the StatLand weights"]
    assert at.get("download_button"), "trained weights can be downloaded"
    assert min(chart_data(at, 0)[0]["loss"]) > 1e-7, "no rounding noise is charted"


def test_at_the_pages_defaults_play_learns_the_rules_over_many_refreshes():
    from ui.training.choices import DEFAULT_SPEED, SPEEDS

    at = open_page(TRAINING)
    at.button(key="tr_play").click().run()
    counts = [step_count(at)]
    while at.button(key="tr_play").label == "Pause" and len(counts) < 500:
        at.run()
        counts.append(step_count(at))
    assert_clean(at)
    run = live_run(at)
    assert run.converged and counts[-1] == run.converged_at, "the run plays until it has learned the rules"
    # the step each refresh shows moves by the default speed's steps: a learner sees every few steps
    assert {b - a for a, b in zip(counts, counts[1:], strict=False)} <= {SPEEDS[DEFAULT_SPEED].steps}
    assert len(counts) >= 15, f"the loss fell in {len(counts)} refreshes"


def test_the_fastest_speed_still_plays_a_run_over_many_refreshes_so_the_curves_move():
    # The engine trains the four rules' 1000 steps in a few milliseconds: without a bound,
    # the first refresh would finish the run and nothing would be seen moving.
    at = open_page(TRAINING)
    at.select_slider(key="tr_speed").set_value("fastest").run()
    at.select_slider(key="tr_lr").set_value(0.0003).run()  # slow enough not to converge in 1000 steps
    at.button(key="tr_play").click().run()
    counts = [step_count(at)]
    for _ in range(100):
        if at.button(key="tr_play").label == "Play":
            break
        at.run()
        counts.append(step_count(at))
    assert_clean(at)
    assert counts[-1] == 1000
    steps_per_refresh = [b - a for a, b in zip([0, *counts], counts, strict=False)]
    assert len(counts) >= 20 and max(steps_per_refresh) == 50, steps_per_refresh
    assert len(chart_data(at, 0)[0]) == 400, "the loss curve is drawn from 400 of the 1000 steps"
    # The loss falls far below 10^-12: the log chart draws it as it is, not flat at a floor.
    history = live_run(at).history
    for index, column, recorded in ((0, "loss", history.loss), (1, "gradient norm", history.grad_norm)):
        drawn = chart_data(at, index)[0]
        assert drawn[column].tolist() == [recorded[step - 1] for step in drawn["step"]], column


def test_the_run_buttons_act_once_per_drawing_so_a_click_delivered_twice_cannot_undo_a_pause(monkeypatch):
    # In a browser, a click made while the live view's timer runs can reach the script twice: in
    # the timer's fragment rerun (which does not draw the buttons again) and in its own rerun. The
    # browser test test_pause_stops_within_the_refresh_under_way... catches it end to end; this pins the rule.
    import streamlit as st

    from ui.training.view import once_per_drawing

    monkeypatch.setattr(st, "session_state", {})
    calls = []
    once = once_per_drawing("tr_run_buttons")
    pause, step_button = once(lambda: calls.append("pause")), once(lambda: calls.append("step"))
    pause()
    pause()  # the same click, delivered again
    step_button()  # another button of the same drawing: the click that came first won
    assert calls == ["pause"]
    again = once_per_drawing("tr_run_buttons")(lambda: calls.append("play"))  # the buttons drawn anew
    again()
    assert calls == ["pause", "play"]


def test_a_learning_rate_of_100_is_reported_as_divergence_and_reset_recovers():
    at = open_page(TRAINING)
    start = loss(at)
    at.segmented_control(key="tr_optimizer").set_value("sgd").run()
    at.select_slider(key="tr_lr").set_value(100.0).run()
    play_until_done(at)
    assert_clean(at)
    message = " ".join(e.value for e in at.error)
    assert "Training diverged at step" in message
    assert "smaller learning rate" in message and "clipping" in message
    assert at.button(key="tr_play").disabled and at.button(key="tr_step").disabled
    assert step_count(at) < 100

    assert at.subheader[-1].value == "Weights kept from the last finite step"

    at.button(key="tr_reset").click().run()
    assert_clean(at)
    assert not at.error
    assert step_count(at) == 0 and loss(at) == start
    assert not at.button(key="tr_step").disabled


def test_adam_at_a_huge_learning_rate_warns_that_the_loss_went_up():
    at = open_page(TRAINING)
    at.select_slider(key="tr_lr").set_value(100.0).run()
    at.select_slider(key="tr_steps").set_value(100).run()
    play_until_done(at)
    assert_clean(at)
    assert any("The loss went up" in w.value and "learning rate" in w.value for w in at.warning)


def live_run(at):
    """The page's LiveRun for this session (model, trainer, history)."""
    return at.session_state["tr_run"]


def test_with_mini_batches_the_loss_shown_is_the_whole_training_sets_and_no_false_warning():
    # Each step's loss is one batch of 8 months: noisy, and often above the starting loss
    # of the whole set even though the whole set's loss went down.
    at = open_page(TRAINING, query={"tr_data": "Stock prices", "tr_ticker": "GOOG", "tr_batch": "8", "tr_steps": "500"})
    play_until_done(at)
    assert_clean(at)
    run = live_run(at)
    assert run.mini_batches and step_count(at) == 500
    whole_set = rc.Trainer(run.model.copy(), run.dataset.train_xs, run.dataset.train_ys).evaluate()
    assert loss(at) == pytest.approx(whole_set, rel=1e-3)
    assert whole_set < run.initial_loss
    assert max(run.history.loss[-50:]) > run.initial_loss, "some late mini-batches are worse than the start"
    assert not any("The loss went up" in w.value for w in at.warning)
    curves = chart_data(at, 0)[0]
    assert set(curves["loss on"]) == {"mini-batch", "whole set"}
    measured = curves[curves["loss on"] == "whole set"]
    assert len(measured) > 5, "the whole set's loss is measured at every refresh"
    assert measured["loss"].iloc[-1] == pytest.approx(whole_set)


@pytest.mark.parametrize("batch", ["full", "16"])
def test_a_too_large_learning_rate_warns_that_the_whole_sets_loss_went_up(batch):
    at = open_page(
        TRAINING,
        query={"tr_data": "Longer StatLand sequences", "tr_lr": "30", "tr_steps": "200", "tr_batch": batch},
    )
    play_until_done(at)
    assert_clean(at)
    run = live_run(at)
    assert not run.diverged
    assert run.current_loss() > run.initial_loss
    assert any("The loss went up" in w.value and "learning rate" in w.value for w in at.warning)


def test_reset_with_the_same_seed_restarts_from_the_same_weights():
    at = open_page(TRAINING)
    start = live_run(at).model.flat.copy()
    step(at, 5)
    trained, losses = live_run(at).model.flat.copy(), list(live_run(at).history.loss)
    assert not np.array_equal(trained, start)
    at.button(key="tr_reset").click().run()
    assert live_run(at).step == 0
    np.testing.assert_array_equal(live_run(at).model.flat, start)
    step(at, 5)
    np.testing.assert_array_equal(live_run(at).model.flat, trained)
    assert live_run(at).history.loss == losses, "the same seed replays the same run, bit for bit"


def test_another_seed_starts_from_other_weights():
    at = open_page(TRAINING)
    start = weights(at)
    at.number_input(key="tr_seed").set_value(11).run()
    assert weights(at) != start


def test_changing_the_learning_rate_or_clipping_mid_run_keeps_the_model():
    at = open_page(TRAINING)
    step(at, 5)
    run = live_run(at)
    trained = run.model.flat.copy()
    at.select_slider(key="tr_lr").set_value(0.1).run()
    at.segmented_control(key="tr_clip").set_value("norm").run()
    at.select_slider(key="tr_clip_threshold").set_value(0.3).run()
    assert live_run(at) is run, "the same run goes on"
    assert step_count(at) == 5
    np.testing.assert_array_equal(run.model.flat, trained)
    assert (run.trainer.lr, run.trainer.clip, run.trainer.clip_threshold) == (0.1, "norm", 0.3)
    step(at)
    assert step_count(at) == 6
    assert len(chart_data(at, 0)[0]) == 6, "the loss curve continues"
    at.segmented_control(key="tr_clip").set_value("none").run()
    at.select_slider(key="tr_lr").set_value(0.003).run()
    assert (run.trainer.lr, run.trainer.clip) == (0.003, "none")


STOCKS = {"tr_data": "Stock prices"}
LONGER = {"tr_data": "Longer StatLand sequences"}
VANILLA = {"tr_model": "Vanilla RNN"}


@pytest.mark.parametrize(
    ("query", "widget", "key", "value"),
    [
        ({}, "selectbox", "tr_data", "statland"),
        ({}, "selectbox", "tr_data", "stocks"),
        (STOCKS, "selectbox", "tr_ticker", "AMZN"),
        (STOCKS, "slider", "tr_window", 8),
        (LONGER, "slider", "tr_length", 9),
        (LONGER, "select_slider", "tr_batch", 16),
        ({}, "selectbox", "tr_model", "vanilla"),
        ({}, "selectbox", "tr_model", "lstm"),
        ({}, "selectbox", "tr_model", "gru"),
        (VANILLA, "slider", "tr_hidden", 7),
        (VANILLA, "selectbox", "tr_activation", "sigmoid"),
        ({"tr_model": "GRU"}, "slider", "tr_hidden", 2),
        ({}, "segmented_control", "tr_start", "statland"),
        ({}, "number_input", "tr_seed", 5),
        ({}, "segmented_control", "tr_optimizer", "momentum"),
    ],
)
def test_switching_data_set_or_model_starts_a_new_run(query, widget, key, value):
    at = open_page(TRAINING, query=query)
    step(at, 3)
    before = live_run(at)
    getattr(at, widget)(key=key).set_value(value).run()
    assert_clean(at)
    assert live_run(at) is not before and step_count(at) == 0
    assert at.button(key="tr_play").label == "Play"
    step(at, 3)
    assert step_count(at) == 3 and math.isfinite(loss(at))
    run = live_run(at)
    settings = {
        "tr_ticker": lambda: run.dataset.description.startswith(f"{value} monthly"),
        "tr_window": lambda: run.dataset.train_xs.shape[1] == value,
        "tr_length": lambda: run.dataset.train_xs.shape[1] == value,
        "tr_batch": lambda: run.trainer.batch_size == value,
        "tr_hidden": lambda: run.model.n_hidden == value,
        "tr_activation": lambda: run.model.activation == value,
        "tr_model": lambda: run.model.kind == ("vanilla" if value == "vanilla" else value),
    }
    assert settings.get(key, lambda: True)(), f"the new run uses {key} = {value}"


def test_longer_statland_histories_compare_the_network_with_the_naive_guess():
    at = open_page(TRAINING, query={"tr_data": "Longer StatLand sequences", "tr_length": "8"})
    assert "256 simulated StatLand histories of 8 days" in all_text(at)
    step(at, 2)
    assert_clean(at)
    labels = {m.label for m in at.metric}
    assert {"Held-out histories predicted right", "Naive guess 'tomorrow = today' right"} <= labels
    assert metric(at, "Held-out histories predicted right").endswith("of 52")
    assert "last 6 days" in table_with(at, "target").columns[0]


def test_the_market_that_remembers_shows_the_naive_guess_beside_the_model():
    from rnn_core import data
    from ui.training.datasets import MEMORY_SEQUENCES, TRAIN_FRACTION

    at = open_page(TRAINING, query={"tr_data": "A market that remembers", "tr_length": "12", "tr_model": "GRU"})
    assert "repeats day 1" in all_text(at)
    step(at, 2)
    assert_clean(at)
    xs, ys = data.simulate_memory_market(MEMORY_SEQUENCES, 12, seed=4)
    split = int(TRAIN_FRACTION * len(xs))
    naive = sum(data.decode(a) == data.decode(b) for a, b in zip(xs[split:, -1], ys[split:, 0], strict=True))
    assert metric(at, "Naive guess 'tomorrow = today' right") == f"{naive} of {len(xs) - split}"
    run = live_run(at)
    model_right = sum(
        data.decode(a) == data.decode(b)
        for a, b in zip(run.model.predict(xs[split:])[:, 0], ys[split:, 0], strict=True)
    )
    assert metric(at, "Held-out histories predicted right") == f"{model_right} of {len(xs) - split}"
    assert "today is right only by chance" in str(next(m for m in at.metric if m.label.startswith("Naive")).proto.help)


def test_stocks_show_held_out_prices_with_the_naive_baseline_beside_the_test_error():
    at = open_page(TRAINING, query={"tr_data": "Stock prices", "tr_ticker": "IBM", "tr_window": "6"})
    step(at, 5)
    assert_clean(at)
    assert "IBM monthly closing prices, Jan 2000 to Mar 2010, 6 months in → next month" in all_text(at)
    # The same numbers worked out here from IBM's prices, apart from the page's data pipeline.
    from vega_datasets import local_data

    prices = local_data.stocks().query("symbol == 'IBM'").sort_values("date")["price"].to_numpy(dtype=float)
    n_train = round(0.8 * (len(prices) - 6))
    targets = prices[6 + n_train :]
    naive = prices[5 + n_train : -1]  # each target's previous month
    low, high = prices[: n_train + 6].min(), prices[: n_train + 6].max()  # scaled on training months only
    windows = np.stack([prices[i : i + 6] for i in range(n_train, len(prices) - 6)])
    predictions = live_run(at).model.predict((windows - low) / (high - low))[:, 0] * (high - low) + low
    naive_rmse = np.sqrt(np.mean((naive - targets) ** 2))
    model_rmse = np.sqrt(np.mean((predictions - targets) ** 2))
    assert as_number(metric(at, "Naive baseline: tomorrow = today")) == pytest.approx(naive_rmse, abs=0.005)
    assert as_number(metric(at, "Model's test error (RMSE)")) == pytest.approx(model_rmse, abs=0.005)

    assert list(table_with(at, "weights")["weights"]) == ["this run"], "the StatLand weights are for StatLand data"
    held_out = chart_data(at, len(vega_charts(at)) - 1)[0].sort_values("when")
    assert set(held_out["series"]) == {"target", "prediction", "naive (tomorrow = today)"}
    by_series = {name: rows["value"].to_numpy() for name, rows in held_out.groupby("series")}
    np.testing.assert_allclose(by_series["target"], targets)
    np.testing.assert_allclose(by_series["naive (tomorrow = today)"], naive)
    np.testing.assert_allclose(by_series["prediction"], predictions, rtol=1e-9)
    dates = held_out["when"]
    # Split by time: the held-out months are the last fifth of the decade, in order.
    assert str(dates.max().date()) == "2010-03-01" and dates.min().year >= 2007


def prices_csv(prices) -> bytes:
    rows = [f"2020-{1 + i // 28:02d}-{1 + i % 28:02d},{price:g}" for i, price in enumerate(prices)]
    return ("Date,Close\n" + "\n".join(rows) + "\n").encode()


def held_out_targets(at) -> list[float]:
    held_out = chart_data(at, len(vega_charts(at)) - 1)[0]
    return held_out[held_out["series"] == "target"].sort_values("when")["value"].tolist()


@pytest.mark.parametrize("change", [lambda p: 10 * p, lambda p: p + 50], ids=["in cents", "shifted"])
def test_a_new_csv_of_the_same_length_starts_a_new_run_on_its_own_prices(change):
    # The second file has the first one's name and length and scales to exactly the same
    # 0-1 values: only its prices tell it apart.
    prices = [100.0 + 3 * m + m % 4 for m in range(24)]
    at = open_page(TRAINING)
    at.file_uploader(key="tr_csv_file").upload("prices.csv", prices_csv(prices), "text/csv").run()
    step(at, 3)
    assert held_out_targets(at) == prices[-4:]
    at.file_uploader(key="tr_csv_file").upload("prices.csv", prices_csv([change(p) for p in prices]), "text/csv").run()
    assert_clean(at)
    assert any("Loaded 24 prices from prices.csv" in s.value for s in at.success)
    assert step_count(at) == 0, "new prices start a new run"
    assert held_out_targets(at) == pytest.approx([change(p) for p in prices[-4:]])


def test_the_caption_names_the_csv_in_use():
    prices = [100.0 + 3 * m + m % 4 for m in range(24)]
    at = open_page(TRAINING)
    at.file_uploader(key="tr_csv_file").upload("cents.csv", prices_csv(prices), "text/csv").run()
    assert any("Your prices (24 rows) from cents.csv" in c.value for c in at.caption)
    at.file_uploader(key="tr_csv_file").upload("dimes.csv", prices_csv([p / 10 for p in prices]), "text/csv").run()
    assert any("from dimes.csv" in c.value for c in at.caption)
    assert "cents.csv" not in " ".join(c.value for c in at.caption)


@pytest.mark.parametrize("ticker", TICKERS)
def test_each_tickers_description_gives_the_months_its_prices_cover(ticker):
    from vega_datasets import local_data

    dates = local_data.stocks().query("symbol == @ticker")["date"]
    at = open_page(TRAINING, query={"tr_data": "Stock prices", "tr_ticker": ticker})
    span = f"{dates.min():%b %Y} to {dates.max():%b %Y}"
    assert f"{ticker} monthly closing prices, {span}," in all_text(at)
    if ticker == "GOOG":
        assert span == "Aug 2004 to Mar 2010"


def test_a_link_with_settings_opens_the_page_with_them():
    query = {
        "tr_data": "Stock prices",
        "tr_ticker": "AAPL",
        "tr_model": "GRU",
        "tr_hidden": "8",
        "tr_optimizer": "SGD",
        "tr_lr": "0.1",
        "tr_clip": "by norm",
        "tr_batch": "16",
        "tr_steps": "200",
        "tr_seed": "7",
    }
    at = open_page(TRAINING, query=query)
    assert_clean(at)
    values = {key: getattr(at, kind)(key=key).value for kind, key in _WIDGETS if key in query}
    assert values == {
        "tr_data": "stocks",
        "tr_ticker": "AAPL",
        "tr_model": "gru",
        "tr_hidden": 8,
        "tr_optimizer": "sgd",
        "tr_lr": 0.1,
        "tr_clip": "norm",
        "tr_batch": 16,
        "tr_steps": 200,
        "tr_seed": 7,
    }
    assert "could not be used" not in all_text(at)


_WIDGETS = [
    ("selectbox", "tr_data"),
    ("selectbox", "tr_ticker"),
    ("slider", "tr_window"),
    ("selectbox", "tr_model"),
    ("slider", "tr_hidden"),
    ("selectbox", "tr_activation"),
    ("number_input", "tr_seed"),
    ("segmented_control", "tr_optimizer"),
    ("select_slider", "tr_lr"),
    ("segmented_control", "tr_clip"),
    ("select_slider", "tr_clip_threshold"),
    ("select_slider", "tr_batch"),
    ("select_slider", "tr_steps"),
]


@pytest.mark.parametrize(
    "query",
    [
        {"tr_data": "csv", "tr_model": "transformer", "tr_seed": "nan", "tr_lr": "inf", "tr_batch": "7"},
        {"tr_data": "Stock prices", "tr_ticker": "XXXX", "tr_window": "-3", "tr_steps": "-1", "tr_clip": "lots"},
        {"tr_model": "Vanilla RNN", "tr_hidden": "1e9", "tr_activation": "sigmoidish", "tr_optimizer": "rmsprop"},
        {"tr_data": "Longer StatLand sequences", "tr_length": "99999", "tr_start": "file", "tr_seed": "-5"},
        {"tr_clip": "by value", "tr_clip_threshold": "abc", "tr_lr": "0.0300000001x", "tr_steps": "1e400"},
    ],
)
def test_a_link_with_garbage_opens_with_defaults_and_says_so(query):
    at = open_page(TRAINING, query=query)
    assert_clean(at)
    assert at.button(key="tr_play").label == "Play"
    assert "could not be used" in all_text(at)
    step(at)
    assert_clean(at)
    assert step_count(at) == 1


# ----------------------------------------------------------------------------- weights files
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("weights_wrong_keys.json", "missing w2; unexpected w4"),
        ("weights_wrong_shape.json", "'w2' has shape (2, 2); this model needs (1, 1)"),
        ("weights_nan.json", "the file contains a value that is not a number"),
        ("weights_infinity.json", "the file contains an infinite value"),
        ("weights_overflow.json", "'w1' holds a number too large to represent"),
        ("weights_text_number.json", "'w1' must hold only numbers"),
        ("weights_unknown_kind.json", "unknown model kind 'transformer'"),
        ("weights_not_json.json", "not valid JSON"),
        ("weights_too_wide.json", "64 hidden units; the Training page trains up to 32"),
        ("weights_two_inputs.json", "reads 2 values and predicts 1 value per step"),
    ],
)
def test_a_doctored_weights_file_is_refused_with_a_clear_message(name, expected):
    at = open_page(TRAINING)
    step(at, 2)
    # Uploaded under a neutral name: 'weights_nan.json' would itself read as a 'nan' on screen.
    raw = (CORPUS / name).read_bytes()
    at.file_uploader(key="tr_weights_file").upload("mine.json", raw, "application/json").run()
    assert_clean(at)
    errors = [e.value for e in at.error]
    assert any(e.startswith("mine.json was not loaded") and expected in e for e in errors), errors
    assert at.selectbox(key="tr_model").value == "statquest"
    assert step_count(at) == 2, "the run in progress is kept"


@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("weights_*.json")))
def test_every_doctored_weights_file_is_refused_without_a_non_finite_word_on_screen(name):
    at = open_page(TRAINING)
    raw = (CORPUS / name).read_bytes()
    at.file_uploader(key="tr_weights_file").upload("mine.json", raw, "application/json").run()
    assert_clean(at)
    assert any(e.value.startswith("mine.json was not loaded: ") for e in at.error)


def test_an_uploaded_weights_file_selects_its_model_and_training_starts_from_it():
    model = rc.GRU(n_hidden=3, seed=21)
    at = open_page(TRAINING)
    at.file_uploader(key="tr_weights_file").upload("mine.json", model_to_json(model).encode(), "application/json").run()
    assert_clean(at)
    assert at.selectbox(key="tr_model").value == "gru"
    assert at.slider(key="tr_hidden").value == 3
    assert at.segmented_control(key="tr_start").value == "file"
    # The confirmation stays in sight: not inside the weights expander, which the model switch
    # redraws closed in a browser; and a toast says it once.
    confirmation = "Loaded a GRU with 3 hidden units from mine.json"
    assert any(confirmation in s.value for s in at.success)
    assert not any(confirmation in s.value for e in at.sidebar.expander for s in e.success)
    assert any("Loaded a GRU with 3 hidden units" in t.value for t in at.toast)
    at.run()
    assert not at.toast, "the toast is shown once"
    assert any(confirmation in s.value for s in at.success)
    table = table_with(at, "shape")
    assert table.set_index("parameter").loc["w3", "shape"] == "3 × 1"
    expected_loss = rc.Trainer(model, *rc_rules()).evaluate()
    assert loss(at) == pytest.approx(expected_loss, rel=1e-4)


def test_a_weights_file_for_another_model_says_which_model_it_needs():
    at = open_page(TRAINING)
    raw = model_to_json(rc.LSTM(n_hidden=5, seed=0)).encode()
    at.file_uploader(key="tr_weights_file").upload("lstm.json", raw, "application/json").run()
    at.selectbox(key="tr_model").set_value("gru").run()
    assert_clean(at)
    assert "Your weights file holds an LSTM with 5 hidden units" in all_text(at)
    at.selectbox(key="tr_model").set_value("lstm").run()
    assert at.segmented_control(key="tr_start").options == ["random", "your file"]


def rc_rules():
    from rnn_core.data import four_rules

    return four_rules()


def test_trained_weights_can_be_downloaded_and_go_to_the_statland_page():
    at = open_page(TRAINING)
    step(at, 10)
    assert at.get("download_button")[0].label == "Download weights (JSON)"
    shown = {name: as_number(value) for name, value in weights(at).items()}
    at.button(key="tr_to_statland").click().run()
    assert_clean(at)
    # The page offers a link to StatLand (st.page_link); AppTest follows no link, so switch here.
    at.switch_page("app_pages/statland.py").run()
    assert at.title[0].value == "StatLand"
    for name in PARAMS:
        assert at.number_input(key=f"sl_{name}").value == pytest.approx(shown[name], abs=1e-3)


def test_a_statland_weights_file_starts_the_1_unit_model_from_those_weights():
    at = open_page(TRAINING)
    at.selectbox(key="tr_model").set_value("gru").run()
    raw = model_to_json(rc.statquest_rnn()).encode()
    at.file_uploader(key="tr_weights_file").upload("statland.json", raw, "application/json").run()
    assert_clean(at)
    assert at.selectbox(key="tr_model").value == "statquest"
    assert at.segmented_control(key="tr_start").value == "file"
    assert weights(at) == {"w1": "1.8", "w2": "-0.5", "b1": "0", "w3": "1.1", "b2": "0"}
    assert list(table_with(at, "match")["match"]) == ["✓"] * 4


# ----------------------------------------------------------------------------- BPTT on screen
def bptt_table(at):
    return table_with(at, "dL/dw1")


def test_the_backward_pass_shows_each_days_share_and_sums_equal_to_the_next_steps_gradient():
    at = open_page(TRAINING)
    assert not at.get("graphviz_chart"), "the picture is drawn only when its expander is opened"
    at.session_state["tr_bptt_picture"] = True  # what opening "The same, copy by copy" sets
    at.run()
    for _ in range(3):  # at the start and after each Step, the table is the next step's gradient
        run = live_run(at)
        model = run.model.copy()
        _, grads = model.loss_and_grads(run.trainer.xs, run.trainer.ys, loss=run.trainer.loss)
        table = bptt_table(at)
        assert list(table.index) == ["day 1", "day 2", "sum"]
        for name in ("w1", "w2", "b1"):
            shares = grads.per_step[name].reshape(-1)
            for day, share in enumerate(shares):
                assert as_number(table[f"dL/d{name}"].iloc[day]) == pytest.approx(share, rel=1e-3, abs=1e-4)
            assert as_number(table[f"dL/d{name}"].iloc[-1]) == pytest.approx(shares.sum(), rel=1e-3, abs=1e-4)
        diagram = at.get("graphviz_chart")[-1].proto.spec
        assert "sums = the gradient" in diagram and "day 2" in diagram
        # The step the trainer takes next uses exactly these sums (SGD: the move is lr × gradient).
        before = model.flat.copy()
        step(at)
        moved = live_run(at).model
        if type(live_run(at).trainer.optimizer).__name__ == "SGD":
            np.testing.assert_allclose(before - moved.flat, 0.03 * grads.flat)
    assert_clean(at)


def test_with_sgd_the_step_moves_each_weight_by_the_learning_rate_times_the_summed_shares():
    at = open_page(TRAINING)
    at.segmented_control(key="tr_optimizer").set_value("sgd").run()
    run = live_run(at)
    assert type(run.trainer.optimizer).__name__ == "SGD"
    _, grads = run.model.copy().loss_and_grads(run.trainer.xs, run.trainer.ys, loss=run.trainer.loss)
    before = run.model.flat.copy()
    step(at)
    after = live_run(at).model.flat
    lr = live_run(at).trainer.lr
    shapes = list(run.model.param_shapes)
    for name in ("w1", "w2", "b1"):
        i = shapes.index(name)
        assert before[i] - after[i] == pytest.approx(lr * grads.per_step[name].sum(), rel=1e-9)


def test_a_wider_model_shows_the_days_shares_as_a_chart():
    at = open_page(TRAINING, {"tr_model": "GRU", "tr_data": "Longer StatLand sequences"})
    assert_clean(at)
    assert "Each day's share" in all_text(at) or any("Each day's share" in str(c.proto.spec) for c in vega_charts(at))
    assert "so each gradient is the sum of the days' shares" in all_text(at)


def test_the_rising_first_adam_step_is_explained_where_it_happens():
    at = open_page(TRAINING)
    step(at)
    run = live_run(at)
    if run.first_step_losses()[1] > run.initial_loss:
        assert "Adam's first step moves every weight with a gradient by about the full learning rate" in all_text(at)
    step(at)
    assert "first step raised" in all_text(at).lower() or run.first_step_losses()[1] <= run.initial_loss


@pytest.mark.parametrize("speed", ["1 step/s", "medium", "fast"])
def test_the_speed_control_sets_the_steps_each_refresh_takes(speed, monkeypatch):
    from ui.training import view
    from ui.training.choices import SPEEDS

    # A refresh's time box no refresh reaches: the count is the speed's, never cut short by a busy machine.
    monkeypatch.setattr(view, "CHUNK_SECONDS", 600.0)
    at = open_page(TRAINING)
    at.select_slider(key="tr_lr").set_value(0.0003).run()  # no convergence in these few refreshes
    at.select_slider(key="tr_speed").set_value(speed).run()
    at.button(key="tr_play").click().run()
    counts = [step_count(at)]
    for _ in range(3):
        at.run()
        counts.append(step_count(at))
    assert_clean(at)
    assert {b - a for a, b in zip(counts, counts[1:], strict=False)} == {SPEEDS[speed].steps}, counts


def test_runs_are_kept_for_comparison_each_labelled_with_its_settings():
    at = open_page(TRAINING)
    step(at, 5)
    at.select_slider(key="tr_lr").set_value(0.1).run()
    at.button(key="tr_reset").click().run()  # the learning rate acts on a running model: Reset starts a new run
    step(at, 5)
    at.selectbox(key="tr_model").set_value("gru").run()  # another model starts a new run by itself
    step(at, 5)
    assert_clean(at)
    assert "This run beside the last ones" in [s.value for s in at.subheader]
    compared = next(c for c in vega_charts(at) if "recent runs" in str(c.proto.spec))
    assert compared is not None
    labels = set(chart_data(at, vega_charts(at).index(compared))[0]["run"])
    # The first run trained at 0.03, then its learning rate changed: marked, not relabelled.
    assert "1-unit RNN · adam lr 0.03 · clip off · seed 4 · then changed" in labels
    assert "1-unit RNN · adam lr 0.1 · clip off · seed 4" in labels
    assert "now: GRU (4) · adam lr 0.1 · clip off · seed 4" in labels


@pytest.mark.parametrize("old_text", list(controls.MODEL.old_texts))
def test_a_link_made_before_an_option_was_renamed_still_opens_that_option(old_text):
    """Teachers' links name the model by the option's text; renaming an option keeps old links working."""
    at = open_page(TRAINING, query={controls.MODEL.key(): old_text, "tr_lr": "0.1"})
    assert_clean(at)
    kind = controls.MODEL.old_texts[old_text]
    assert at.selectbox(key="tr_model").value == kind
    assert at.select_slider(key="tr_lr").value == 0.1
    # The address no longer holds the old text (a bound widget at its default leaves the URL).
    assert at.query_params.get("tr_model", []) in ([], [MODEL_CHOICES[kind]])
    assert "could not be used" not in all_text(at)


def test_every_renamed_option_names_a_current_choice():
    assert renamed_options({"tr_model": "1-unit StatQuest RNN", "tr_lr": "0.1"}) == {"tr_model": "StatQuest RNN"}
    assert controls.MODEL.old_texts, "the model's old option text is declared with the widget"
    for widget in REGISTRY.values():
        assert set(widget.old_texts.values()) <= set(widget.options), widget.key()
        assert not set(widget.old_texts) & {widget.show(option) for option in widget.options}, widget.key()
    assert renamed_options({"tr_model": "GRU"}) == {}


def test_while_playing_each_refresh_takes_its_turn_in_the_servers_training_budget():
    from ui.training.view import shared_budget

    at = open_page(TRAINING)
    budget = shared_budget()
    at.button(key="tr_play").click().run()
    at.run()
    assert_clean(at)
    run = live_run(at)
    assert id(run) in budget._seen, "the refresh took a turn"
    step_count_before = step_count(at)
    at.button(key="tr_play").click().run()  # Pause: no more turns, no more steps
    seen_at = budget._seen[id(run)]
    at.run()
    assert budget._seen[id(run)] == seen_at and step_count(at) == step_count_before
