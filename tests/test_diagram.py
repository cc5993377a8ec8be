"""The StatLand diagram: every wire and node carries its own number from the engine's trace."""

import re

import numpy as np
import pytest

import rnn_core as rc
from rnn_core.data import encode
from ui import diagram
from ui.format import number


def dot_for(words: list[str], theme: str = "light", **weights) -> tuple[str, object]:
    model = rc.statquest_rnn()
    for name, value in weights.items():
        model.params[name] = value
    trace = model.forward(encode(words)[None, :])
    return diagram.unrolled_dot(trace, words, model.params, "high", theme=theme), trace


def wire_label(dot: str, tail: str, head: str) -> str:
    """The label text of the wire tail -> head (label, xlabel or taillabel)."""
    match = re.search(rf"^\s*{tail} -> {head} \[(.*)\];$", dot, re.MULTILINE)
    assert match, f"no wire {tail} -> {head}"
    label = re.search(r'(?:x|tail)?label="((?:[^"\\]|\\.)*)"', match.group(1))
    return label.group(1).replace("\\n", "\n")


def node_label(dot: str, node: str) -> str:
    match = re.search(rf'^\s*{node} \[label="((?:[^"\\]|\\.)*)"', dot, re.MULTILINE)
    assert match, f"no node {node}"
    return match.group(1).replace("\\n", "\n")


@pytest.mark.parametrize("words", [["high", "medium"], ["low", "high", "medium"], ["high"] + ["medium"] * 9])
def test_every_wire_and_node_shows_its_own_days_number(words):
    dot, trace = dot_for(words, w2=0.7, b1=0.1)
    for t in range(len(words)):
        day = t + 1
        assert wire_label(dot, f"x{day}", f"s{day}").endswith(f"= {number(trace.input_term[0, t, 0])}")
        assert wire_label(dot, f"h{day - 1}", f"s{day}").endswith(f"= {number(trace.recurrent_term[0, t, 0])}")
        assert node_label(dot, f"s{day}").endswith(f"= {number(trace.pre_activation[0, t, 0])}")
        assert f"h{day} = {number(trace.hidden[0, t, 0])}" in node_label(dot, f"h{day}")
        assert node_label(dot, f"x{day}").startswith(f"Day {day}: {words[t]}")
    assert f"y = {number(trace.y[0, 0])}" in node_label(dot, "y")
    assert "h0 = 0" in dot, "the starting hidden value feeds day 1 like every other day"


def test_short_sequences_stand_side_by_side_and_long_ones_are_stacked():
    short, _ = dot_for(["low"] * diagram.MAX_DAYS_SIDE_BY_SIDE)
    long, _ = dot_for(["low"] * (diagram.MAX_DAYS_SIDE_BY_SIDE + 1))
    assert "rankdir=BT" in short and "rankdir=LR" in long
    # Wires that do not shape the layout carry an xlabel: a plain label would be placed by another day.
    assert re.search(r"h1 -> s2 \[xlabel=", short)


def test_dark_theme_uses_a_transparent_background_and_light_lines():
    light, _ = dot_for(["low", "medium"])
    dark, _ = dot_for(["low", "medium"], theme="dark")
    assert 'bgcolor="white"' in light and 'bgcolor="transparent"' in dark
    assert diagram.PALETTES["dark"]["line"] in dark


def test_user_text_is_escaped():
    model = rc.statquest_rnn()
    trace = model.forward(np.zeros((1, 2)))
    dot = diagram.unrolled_dot(trace, ['a"b', "c\\d"], model.params, 'x"y')
    assert 'Day 1: a\\"b' in dot and "c\\\\d" in dot and 'x\\"y' in dot


def test_the_text_alternative_names_every_day_and_the_prediction():
    model = rc.statquest_rnn()
    trace = model.forward(encode(["low", "medium", "high"])[None, :])
    text = diagram.describe(trace, ["low", "medium", "high"], "high")
    assert "day 3 (high)" in text and f"h2 = {number(trace.hidden[0, 1, 0])}" in text
    assert text.endswith(f"Prediction y = {number(trace.y[0, 0])}, read as high.")
