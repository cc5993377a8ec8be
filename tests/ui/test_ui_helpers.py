"""The shared UI helpers: numbers a learner can read, and links whose values could not be used."""

import math
import re

import pytest

from ui.classroom.unused import unused_link_values
from ui.kit.format import WORD_JOINER, from_log10, literal, number, significant


@pytest.mark.parametrize(
    ("log10_value", "negative", "text"),
    [
        (math.log10(512), False, "512"),
        (math.log10(0.001953125), False, "0.001953"),
        (math.log10(837427.0), False, "837,427"),
        (476.64, False, "about 10⁴⁷⁷"),
        (-301.03, False, "about 10⁻³⁰¹"),
        (7.2, True, "about −10⁷"),
        (0.0, True, "−1"),
        (-math.inf, False, "exactly 0"),
        (math.inf, False, "too large to show"),
        (math.nan, False, "undefined"),
    ],
)
def test_from_log10_reads_like_a_person_would_write_it(log10_value, negative, text):
    assert from_log10(log10_value, negative) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (345664.40625, "345,664"),
        (-7.0e17, "about −10¹⁸"),
        (math.inf, "too large to show"),
        (math.nan, "undefined"),
        (0.02634, "0.02634"),
    ],
)
def test_significant_never_prints_nan_or_inf(value, text):
    assert significant(value) == text


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 1e300, -1e-300, 0.0, 0.99])
def test_number_never_shows_the_words_nan_or_inf(value):
    text = number(value).lower()
    assert "nan" not in text and "inf" not in text


def test_unused_link_values_names_what_the_widgets_did_not_take():
    shown = {"lab_w2": 2.0, "lab_length": 10, "lab_activation": "identity", "lab_log": False, "lab_w1": 1.5}
    params = {"lab_w2": "abc", "lab_length": "99999", "lab_activation": "identity", "lab_log": "true", "lab_w1": "1.50"}
    assert unused_link_values(shown, params) == ["lab_w2", "lab_length", "lab_log"]
    assert unused_link_values(shown, {}) == []
    assert unused_link_values({"x": 1.0}, {"x": "nan"}) == ["x"]


HOSTILE = [
    "**bold** _it_ `code` ~~gone~~",
    "![pic](http://127.0.0.1:9/pic.png) [link](http://127.0.0.1:9/) <http://127.0.0.1:9/>",
    "$x^2$ :red[colour] :material/delete: :smile: &amp; &#169;",
    "# heading.csv",
    "1. listed.csv",
    "- item.csv",
    "> quote.csv",
    "back\\slash",
    "prices_2024 (copy).csv",
    "see www.example.com or me@example.com, HTTPS://x.y",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_learner_text_is_escaped_for_markdown_and_reads_back_as_it_was(text):
    escaped = literal(text)
    # Markdown drops a backslash before punctuation (and a word joiner shows nothing): what it shows
    # is the text itself.
    assert re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", escaped).replace(WORD_JOINER, "") == text
    assert not re.search(r"(?i)(https?|www)[:.]|\w@", escaped.replace("\\", "")), "an address would be linked"
    # every mark that starts markup inside a line carries its escape
    for mark in "*`[]<>$~/":
        assert escaped.count(mark) == escaped.count("\\" + mark), (mark, escaped)
    assert not re.search(r"(?<!\\):(?=\S)", escaped), "a colon before a word could start an icon or a colour"
    assert not re.search(r"(?<!\\)(:[\w+-]+)(?<!\\):", escaped), "an emoji's shortcode"
    assert not re.match(r"\s*\d*[#>+\-.)]", escaped), "a line start could make a heading, list or quote"


def test_ordinary_text_is_left_as_it_reads():
    for text in ("mine.json was not loaded: 'w2' has shape (2, 2)", "weights_nan.json", "a_b.csv"):
        assert literal(text) == text
