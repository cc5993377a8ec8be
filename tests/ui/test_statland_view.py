"""The StatLand sections' sentences and derived facts (ui/statland_view.py), checked against the engine."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import rnn_core as rc
from rnn_core.data import RULES, decode, encode
from ui import claims
from ui.kit.format import number
from ui.kit.state import WEIGHT_LIMIT
from ui.statland import view


def test_sequences_read_oldest_first_with_arrows_as_on_the_training_page():
    from ui.training.datasets import _words

    assert view.sequence_text(["low", "medium"]) == "low → medium"
    assert view.sequence_text(["high", "medium", "low"]) == _words(encode(["high", "medium", "low"]))


def test_a_weight_out_of_range_or_not_finite_keeps_the_last_good_value_and_is_named():
    last = dict(rc.STATQUEST_WEIGHTS)
    raw = {**last, "w2": 60.0, "b1": float("nan"), "w3": None}
    used, problems = view.checked_weights(raw, last)
    assert used == last
    assert len(problems) == 3
    assert problems[0].startswith("w2 = 60 is outside") and f"{WEIGHT_LIMIT:g}" in problems[0]
    assert all("nan" not in p.lower() for p in problems)
    assert problems[2].startswith("w3 is empty")
    ok, none = view.checked_weights({**last, "w2": WEIGHT_LIMIT}, last)
    assert ok["w2"] == WEIGHT_LIMIT and none == []


def test_the_engines_one_unit_network_takes_the_given_weights():
    weights = {"w1": 0.3, "w2": -0.2, "b1": 0.1, "w3": 2.0, "b2": -0.4}
    model = rc.statquest_rnn(**weights)
    reference = rc.statquest_rnn()
    for name, value in weights.items():
        reference.params[name] = np.full_like(reference.params[name], value)
    xs = encode(["high", "medium", "low"])[None, :]
    assert np.array_equal(model.predict(xs), reference.predict(xs))
    assert model.n_params == 5


def _notice(words, **weights):
    weights = {**rc.STATQUEST_WEIGHTS, **weights}
    trace = view.rc.statquest_rnn(**weights).forward(encode(words)[None, :])
    notice = view.notice_sentence(words, weights, trace, decode(float(trace.y[0, 0])))
    assert not claims.false_claims(notice) and not claims.unbacked_words(notice)
    return notice.text, trace


def test_the_notice_says_how_w2_cancels_day_one_on_the_default_days():
    text, trace = _notice(["high", "medium"])
    assert f"h1 = {number(trace.hidden[0, 0, 0])}" in text
    assert f"w2·h = {number(trace.recurrent_term[0, 1, 0])}" in text and "cancels" in text
    assert f"the sum is {number(trace.pre_activation[0, 1, 0])}" in text


@pytest.mark.parametrize(
    ("words", "weights", "phrase"),
    [
        (["low", "medium"], {}, "h1 = 0, so w2 has nothing to carry"),
        (["high", "medium"], {"w2": 0.0}, "w2 = 0, so nothing of day 1 reaches day 2"),
        (["high", "medium"], {"w2": 0.5}, "which adds 0.9 to w1·x"),
        (["high", "medium"], {"w2": -0.1}, "pulls"),
    ],
)
def test_the_notice_follows_what_w2_did(words, weights, phrase):
    text, _ = _notice(words, **weights)
    assert phrase in text


def test_the_rules_table_uses_the_engines_predictions():
    model = rc.statquest_rnn()
    table = view.rules_table(model)
    assert list(table["days"]) == [view.sequence_text(days) for days, _ in RULES]
    assert list(table["should be"]) == [next_day for _, next_day in RULES]
    assert list(table["match"]) == ["✓"] * 4
    lesson = dict(rc.STATQUEST_WEIGHTS)
    assert view.rules_verdict(lesson, 4).text.startswith("These weights reproduce all four")
    assert not claims.false_claims(view.rules_verdict(lesson, 4))
    assert claims.false_claims(view.rules_verdict(lesson, 3)), "a wrong count is a false claim"


def _lesson_page():
    """A future page showing the StatLand network with its own settings and keys."""
    from ui.statland import view as statland_view

    statland_view.show_network(
        ["low", "high", "high"], {"w1": 1.0, "w2": 0.5, "b1": 0, "w3": 1, "b2": 0}, key_prefix="ls_"
    )


def test_the_network_section_can_be_shown_by_another_page_with_its_own_keys():
    at = AppTest.from_function(_lesson_page).run()
    assert not at.exception
    svg = next(m.value for m in at.markdown if "<svg" in m.value)
    assert "Day 3: high" in svg
    model = view.rc.statquest_rnn(**{"w1": 1.0, "w2": 0.5, "b1": 0, "w3": 1, "b2": 0})
    y = float(model.predict(encode(["low", "high", "high"])[None, :])[0, 0])
    assert next(m.value for m in at.metric if m.label == "Output value") == number(y)


@pytest.mark.parametrize("words", [["high", "medium"], ["high"] + ["medium"] * 9, ["low", "low"]])
def test_the_first_screen_reads_in_about_sixty_words_and_the_rest_waits_behind_why(words):
    def count(text):
        return len(text.replace("**", "").split())

    weights = dict(rc.STATQUEST_WEIGHTS)
    model = rc.statquest_rnn(**weights)
    trace = model.forward(encode(words)[None, :])
    guide = view.guide(words, weights, w2_locked=False).text
    notice = view.notice_sentence(words, weights, trace, "low") + " " + view.days_and_parameters(words, model)
    shown = guide + " " + notice.text
    assert count(shown) <= 60, count(shown)
    assert "Try this first" in guide
    assert count(view.why().text) > 100, "the longer explanation is behind the Why? expander"
