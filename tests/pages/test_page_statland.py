"""AppTest tests of the Home and StatLand pages: what a learner sees when they click.

Expected numbers come from the engine (``rnn_core``) in each test, never typed in.
"""

import re

import numpy as np
import pytest
from apptest_support import all_text, assert_clean, metric, open_page, table_with

import rnn_core as rc
from rnn_core.data import RULES, decode, encode
from ui.kit.format import number
from ui.statland.view import sequence_text

STATLAND = "app_pages/statland.py"
NAMES = ("w1", "w2", "b1", "w3", "b2")


def diagram(at) -> str:
    """The unrolled network's SVG as sent to the browser."""
    return next(m.value for m in at.markdown if "<svg" in m.value)


def expected(words, **weights):
    """(word, output text) the engine gives for these days and weights."""
    model = rc.statquest_rnn()
    for name, value in weights.items():
        model.params[name] = np.full_like(model.params[name], value)
    y = float(model.predict(encode(words)[None, :])[0, 0])
    return decode(y), number(y)


def test_home_renders_with_a_path_through_the_lesson():
    at = open_page()
    assert_clean(at)
    text = all_text(at)
    assert "Unrolled" in text
    for page in ("StatLand", "Training", "Gradient lab"):
        assert page in text


def test_statland_opens_on_high_medium_where_w2_matters_and_says_what_to_try():
    at = open_page(STATLAND)
    assert_clean(at)
    assert [at.segmented_control(key=f"sl_day{d}").value for d in (1, 2)] == ["high", "medium"]
    word, value = expected(["high", "medium"])
    assert (metric(at, "Prediction for tomorrow"), metric(at, "Output value")) == (word, value)
    # With w2 = 0 the same days predict something else: the default shows what w2 does.
    assert expected(["high", "medium"], w2=0.0) != (word, value)
    text = all_text(at)
    assert "Try this first" in text and "Notice" in text
    assert f"still {rc.statquest_rnn().n_params} parameters" in text
    assert "<svg" in diagram(at)


@pytest.mark.parametrize("rule", [1, 2, 3, 4])
def test_each_rule_preset_loads_its_days_and_shows_the_engines_prediction(rule):
    days, next_day = RULES[rule - 1]
    at = open_page(STATLAND)
    at.slider(key="sl_days").set_value(5).run()
    assert at.button(key=f"sl_rule{rule}").label == sequence_text(days)
    at.button(key=f"sl_rule{rule}").click().run()
    assert_clean(at)
    assert at.slider(key="sl_days").value == 2
    assert [at.segmented_control(key=f"sl_day{d}").value for d in (1, 2)] == list(days)
    word, value = expected(list(days))
    assert word == next_day
    assert (metric(at, "Prediction for tomorrow"), metric(at, "Output value")) == (word, value)


def test_all_four_rules_are_ticked_with_the_statland_weights_in_arrow_wording():
    at = open_page(STATLAND)
    rules = table_with(at, "match")
    assert list(rules["match"]) == ["✓"] * 4
    assert list(rules["predicted"]) == [next_day for _, next_day in RULES]
    assert list(rules["days"]) == [" → ".join(days) for days, _ in RULES]


def test_changing_a_days_price_changes_the_numbers_and_the_diagram():
    at = open_page(STATLAND)
    before = diagram(at)
    at.segmented_control(key="sl_day1").set_value("low").run()
    assert_clean(at)
    assert metric(at, "Prediction for tomorrow") == expected(["low", "medium"])[0]
    assert diagram(at) != before and "Day 1: low" in diagram(at)


@pytest.mark.parametrize("name", NAMES)
def test_each_weight_changes_the_output_as_the_engine_says(name):
    value = 0.7
    at = open_page(STATLAND)
    at.number_input(key=f"sl_{name}").set_value(value).run()
    assert_clean(at)
    assert metric(at, "Output value") == expected(["high", "medium"], **{name: value})[1]


def test_changing_w2_breaks_a_rule_and_the_page_says_so():
    at = open_page(STATLAND)
    at.number_input(key="sl_w2").set_value(0.5).run()
    assert_clean(at)
    assert metric(at, "Output value") == expected(["high", "medium"], w2=0.5)[1]
    rules = table_with(at, "match")
    assert "✗" in list(rules["match"])
    assert "of the four rules" in all_text(at)


def test_reset_restores_the_statland_weights():
    at = open_page(STATLAND)
    for name, value in {"w1": 0.3, "w2": 2.0, "b1": -1.0, "w3": 4.0, "b2": 0.5}.items():
        at.number_input(key=f"sl_{name}").set_value(value).run()
    at.button(key="sl_reset").click().run()
    values = {name: at.number_input(key=f"sl_{name}").value for name in NAMES}
    assert values == rc.STATQUEST_WEIGHTS
    assert metric(at, "Output value") == expected(["high", "medium"])[1]


def test_an_out_of_range_weight_is_named_the_network_keeps_the_last_good_one_and_reset_clears_it():
    at = open_page(STATLAND)
    at.number_input(key="sl_w2").set_value(0.25).run()
    at.number_input(key="sl_w2").set_value(60).run()
    assert_clean(at)
    assert any("w2 = 60" in e.value and "outside" in e.value for e in at.error)
    assert metric(at, "Output value") == expected(["high", "medium"], w2=0.25)[1], "the last good w2 stays"
    at.button(key="sl_reset").click().run()
    assert_clean(at)
    assert at.number_input(key="sl_w2").value == rc.STATQUEST_WEIGHTS["w2"]
    assert not [e.value for e in at.error], "the reset clears the field's error"
    assert metric(at, "Output value") == expected(["high", "medium"])[1]


def test_ten_days_still_use_five_parameters_and_draw_ten_columns():
    at = open_page(STATLAND)
    at.slider(key="sl_days").set_value(10).run()
    assert_clean(at)
    assert "10 days, still 5 parameters" in all_text(at)
    svg = diagram(at)
    assert "Day 10" in svg and "Day 11" not in svg
    assert len(table_with(at, "h = ReLU(sum)")) == 10
    words = ["high"] + ["medium"] * 9
    assert metric(at, "Output value") == expected(words)[1]


def test_query_params_open_the_page_with_shared_settings():
    at = open_page(STATLAND, query={"sl_days": "3", "sl_day3": "high", "sl_w2": "0.25"})
    assert_clean(at)
    assert at.slider(key="sl_days").value == 3
    assert at.segmented_control(key="sl_day3").value == "high"
    assert at.number_input(key="sl_w2").value == 0.25


def test_a_link_with_unusable_values_opens_with_defaults_and_says_so():
    at = open_page(STATLAND, query={"sl_w2": "zzz", "sl_days": "44", "sl_day1": "purple", "sl_w1": "1.2"})
    assert_clean(at)
    assert at.number_input(key="sl_w2").value == -0.5
    assert at.number_input(key="sl_w1").value == 1.2
    notice = next(c.value for c in at.caption if "could not be used" in c.value)
    assert "sl_w2" in notice and "sl_days" in notice and "sl_day1" in notice and "sl_w1" not in notice


def test_a_weights_file_sets_the_weights_and_a_doctored_one_is_refused():
    import json

    import rnn_core as rc
    from rnn_core.weights_io import model_to_json

    model = rc.statquest_rnn()
    model.params["w2"] = 0.25
    at = open_page(STATLAND)
    at.file_uploader(key="sl_weights_file").upload("w.json", model_to_json(model).encode(), "application/json").run()
    assert_clean(at)
    assert at.number_input(key="sl_w2").value == 0.25
    assert any("Loaded the weights" in s.value for s in at.success)

    doctored = json.loads(model_to_json(model))
    doctored["params"]["w2"] = [[1.0, 2.0]]
    at.file_uploader(key="sl_weights_file").upload("bad.json", json.dumps(doctored).encode(), "application/json")
    at.run()
    assert_clean(at)
    assert any("was not loaded" in e.value for e in at.error)
    assert at.number_input(key="sl_w2").value == 0.25, "a refused file leaves the weights as they were"


def test_a_reset_after_opening_a_link_is_not_reported_as_an_unusable_link():
    # The URL lags one rerun behind a callback that sets a bound widget: after Reset it still
    # says w2 = 0 while the page shows -0.5. That is the app's doing, not a broken link.
    at = open_page(STATLAND, query={"sl_w2": "0"})
    assert at.number_input(key="sl_w2").value == 0
    at.button(key="sl_reset").click().run()
    assert at.number_input(key="sl_w2").value == -0.5
    assert not [c.value for c in at.caption if "could not be used" in c.value]


def test_a_huge_prediction_is_read_as_high_and_shown_as_a_power_of_ten():
    at = open_page(STATLAND, query={"sl_days": "10", "sl_w1": "50", "sl_w2": "50", "sl_day1": "high"})
    assert_clean(at)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Prediction for tomorrow"] == expected(["high"] + ["medium"] * 9, w1=50, w2=50)[0]
    assert re.fullmatch(r"\d\.\d\d × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+", shown["Output value"]), shown["Output value"]


from pathlib import Path  # noqa: E402  (appended with the tests below)

BAD_INPUTS = Path(__file__).parents[1] / "bad_inputs"


@pytest.mark.parametrize("name", sorted(path.name for path in BAD_INPUTS.glob("weights_*.json")))
def test_every_doctored_weights_file_is_refused_on_statland_without_a_non_finite_word_on_screen(name):
    raw = (BAD_INPUTS / name).read_bytes()
    at = open_page(STATLAND)
    at.file_uploader(key="sl_weights_file").upload("mine.json", raw, "application/json").run()
    assert any("was not loaded" in e.value for e in at.error)
    assert_clean(at)
    assert at.number_input(key="sl_w2").value == -0.5, "a refused file leaves the weights as they were"
