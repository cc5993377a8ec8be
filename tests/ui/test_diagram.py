"""The StatLand diagram: every wire and node carries its own number from the engine's trace, laid out
left to right for every day count, with no label on a wire or another label."""

import re
from html import unescape

import numpy as np
import pytest

import rnn_core as rc
from rnn_core.data import encode
from ui.kit.format import number
from ui.statland import diagram


def drawn(words, **weights):
    model = rc.statquest_rnn()
    for name, value in weights.items():
        model.params[name] = np.full_like(model.params[name], value)
    trace = model.forward(encode(words)[None, :])
    return (
        diagram.unrolled_svg(trace, words, model.params, "high"),
        diagram.layout(trace, words, model.params, "high"),
        trace,
    )


def texts(svg: str) -> list[str]:
    return [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def overlap(a, b, margin=1.0) -> bool:
    return a[0] < b[2] - margin and b[0] < a[2] - margin and a[1] < b[3] - margin and b[1] < a[3] - margin


@pytest.mark.parametrize("words", [["high", "medium"], ["low", "high", "medium"], ["high"] + ["medium"] * 9])
def test_every_sum_names_its_terms_with_its_own_days_numbers(words):
    svg, _, trace = drawn(words, w2=0.7, b1=0.1)
    shown = texts(svg)
    for t in range(len(words)):
        assert f"Day {t + 1}: {words[t]}" in shown
        assert f"h{t + 1} = {number(trace.hidden[0, t, 0])}" in shown
    # Each sum box lists w1·x, w2·h, b1 and sum with their values, in that order.
    sums = [i for i, s in enumerate(shown) if s == "w1·x"]
    assert len(sums) == len(words)
    for t, i in enumerate(sums):
        assert shown[i : i + 8] == [
            "w1·x",
            number(trace.input_term[0, t, 0]),
            "w2·h",
            number(trace.recurrent_term[0, t, 0]),
            "b1",
            number(0.1),
            "sum",
            number(trace.pre_activation[0, t, 0]),
        ]
    assert f"y = {number(trace.y[0, 0])}" in shown
    assert "h0 = 0" in shown


@pytest.mark.parametrize("days", range(2, 11))
@pytest.mark.parametrize("weights", [{}, {"w1": -49.5, "w2": 50.0, "b1": 12.345}, {"w2": -0.123456}])
def test_no_label_overlaps_a_wire_or_another_label(days, weights):
    _, layout, _ = (
        drawn(["high", "low", "medium"] * 3 + ["high"], **weights)
        if days == 10
        else drawn((["high", "low", "medium"] * 4)[:days], **weights)
    )
    for i, a in enumerate(layout.labels):
        for b in layout.labels[i + 1 :]:
            assert not overlap(a, b), (a, b)
        for segment in layout.segments:
            assert not overlap(a, segment, margin=-1.0), (a, segment)


@pytest.mark.parametrize("days", range(2, 11))
def test_the_days_run_left_to_right_for_every_day_count_and_h0_feeds_the_first_wire(days):
    svg, layout, _ = drawn(["medium"] * days)
    inputs = [float(x) for x in re.findall(r'<text class="label" x="([\d.]+)"[^>]*font-weight="600">Day \d+', svg)]
    assert len(inputs) == days and inputs == sorted(inputs), "one column per day, oldest on the left"
    first = re.search(r'data-wire="h0->s1" x1="([\d.]+)" y1="([\d.]+)"', svg)
    box = re.search(r'<rect class="node" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', svg)
    x, y, w, h = map(float, box.groups())
    assert float(first.group(1)) == pytest.approx(x + w, abs=0.2), "the first w2 wire starts at h0's box"
    assert y <= float(first.group(2)) <= y + h


def test_the_drawing_follows_the_page_theme_and_never_shrinks_text_below_11_px():
    svg, layout, _ = drawn(["high", "medium"])
    assert 'fill="white"' not in svg and "background" not in svg
    assert 'fill="currentColor"' in svg, "text takes the page's colour, so a theme switch redraws it"
    sizes = {float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)}
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
    min_width = float(re.search(r"min-width:([\d.]+)px", svg).group(1))
    assert min(sizes) * min_width / width >= diagram.MIN_TEXT_PX - 0.05
    assert "overflow-x:auto" in svg, "too wide for its column, it scrolls sideways"


def test_user_text_is_escaped():
    model = rc.statquest_rnn()
    trace = model.forward(np.zeros((1, 2)))
    svg = diagram.unrolled_svg(trace, ['a"<b>', "c&d"], model.params, "x<y")
    assert "<b>" not in svg and "a&quot;&lt;b&gt;" in svg and "c&amp;d" in svg and "x&lt;y" in svg


def test_the_text_alternative_names_every_day_and_the_prediction():
    model = rc.statquest_rnn()
    trace = model.forward(encode(["low", "medium", "high"])[None, :])
    text = diagram.describe(trace, ["low", "medium", "high"], "high")
    assert "day 3 (high)" in text and f"h2 = {number(trace.hidden[0, 1, 0])}" in text
    assert text.endswith(f"Prediction y = {number(trace.y[0, 0])}, read as high.")
