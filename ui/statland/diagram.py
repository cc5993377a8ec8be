"""The StatLand page's picture of the unrolled network, as an inline SVG laid out here.

One column per day, oldest on the left, for every day count: the day's price enters at the
bottom, is multiplied by w1, summed with the previous day's hidden value times w2 and the bias
b1, goes through ReLU, and the hidden value feeds the next day's sum. The last day's hidden
value is turned into the prediction (w3 and b2). Every number comes from the engine's trace.

The layout is computed here rather than by Graphviz so that each wire's label has a place of
its own (the w2 label above the wire's horizontal run, the w1 and ReLU labels to the right of
the vertical wires), whatever the number of days. Text and neutral lines are drawn in
``currentColor`` and the node fills are translucent, so the picture takes the page's text
colour in the browser: a switch between light and dark themes redraws it at once, with no rerun.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

import numpy as np

import rnn_core as rc
from ui.kit.format import number

FONT = 14  # CSS px at the drawing's natural size
LINE = 20  # line height inside nodes: more than a text box's height (about 1.36 em)
MIN_TEXT_PX = 11  # the drawing never shrinks its text below this; it scrolls sideways instead
CHAR_WIDTH = 0.5  # an average glyph width in em, over the page font's (about 0.45), so estimated boxes hold the text
PAD = 8
SCREEN_MARGIN = 48  # the page's padding around the main column on a phone, both sides
# Okabe-Ito hues in a middle shade, readable on a white and on a near-black page alike.
COLOURS = {"input": "#2E86C1", "recurrent": "#D55E00", "output": "#00896A"}


def text_width(text: str, size: float = FONT) -> float:
    return len(text) * size * CHAR_WIDTH


@dataclass
class Drawing:
    """An SVG under construction, with the boxes of its labels and wire segments kept for checks."""

    width: float = 0.0
    height: float = 0.0
    parts: list[str] = field(default_factory=list)
    labels: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, y0, x1, y1
    segments: list[tuple[float, float, float, float]] = field(default_factory=list)

    def text(self, x, y, text, *, colour="currentColor", anchor="start", bold=False, cls="label"):
        """One line of text whose baseline is at y; its estimated box is recorded."""
        w = text_width(text)
        x0 = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
        self.labels.append((x0, y - FONT * 1.02, x0 + w, y + FONT * 0.38))
        weight = ' font-weight="600"' if bold else ""
        # A coloured label is mixed 30 % toward the page's text colour: darker on the light theme,
        # lighter on the dark one, so each reads at 4.5:1 or more on both (WCAG AA; the colours alone
        # read at 3.4-4 on white). The attribute stays for a browser without color-mix().
        mixed = f' style="fill: color-mix(in srgb, {colour} 70%, currentColor)"' if colour != "currentColor" else ""
        self.parts.append(
            f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" font-size="{FONT}" fill="{colour}"{mixed} '
            f'text-anchor="{anchor}"{weight}>{escape(text)}</text>'
        )

    def wire(self, points, *, colour="currentColor", name="", kind=""):
        """A wire through ``points`` drawn as straight segments, the last one with an arrowhead."""
        marker = kind or "plain"
        for i, ((x0, y0), (x1, y1)) in enumerate(zip(points, points[1:], strict=False)):
            last = i == len(points) - 2
            self.segments.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
            arrow = f' marker-end="url(#sl-arrow-{marker})"' if last else ""
            opacity = "" if kind else ' stroke-opacity="0.65"'
            self.parts.append(
                f'<line class="wire {kind}" data-wire="{name}" x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" '
                f'y2="{y1:.1f}" stroke="{colour}" stroke-width="1.8"{opacity}{arrow}/>'
            )

    def box(self, cx, cy, w, h, *, tint=None, dashed=False, rounded=6, cls="node"):
        fill = f'fill="{tint}" fill-opacity="0.16"' if tint else 'fill="currentColor" fill-opacity="0.05"'
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        self.parts.append(
            f'<rect class="{cls}" x="{cx - w / 2:.1f}" y="{cy - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'rx="{rounded}" {fill} stroke="currentColor" stroke-opacity="0.5"{dash}/>'
        )

    def svg(self, description: str) -> str:
        markers = "".join(
            f'<marker id="sl-arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            for name, colour in [("plain", "currentColor"), *COLOURS.items()]
        )
        smallest = math.ceil(self.width * MIN_TEXT_PX / FONT)
        # Where the screen is narrower than the drawing's smallest width, the box scrolls sideways:
        # a line under it says so (a phone shows no scroll bar until the drawing is touched).
        cue = (
            f"<style>.sl-scroll-cue {{ display: none; }} @media (max-width: {smallest + SCREEN_MARGIN}px) "
            "{ .sl-scroll-cue { display: block; } } "
            ".sl-diagram:focus-visible { outline: 2px solid currentColor; outline-offset: 2px; }</style>"
            '<div class="sl-scroll-cue" style="font-size: 0.85em; opacity: 0.75">Swipe sideways for every day →</div>'
        )
        return (
            # The box scrolls on a narrow screen: it takes the keyboard's focus (arrow keys scroll it)
            # and names itself for a screen reader, like any scrolling region (WCAG 2.1.1).
            cue + '<div class="sl-diagram" tabindex="0" role="region" aria-label="The unrolled network, '
            'scrolls sideways on a narrow screen" style="overflow-x:auto; overflow-y:hidden; max-width:100%">'
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(description)}" '
            f'viewBox="0 0 {self.width:.0f} {self.height:.0f}" width="100%" '
            f'style="display:block; max-width:{self.width:.0f}px; min-width:{smallest}px; height:auto; '
            f'font-family:inherit; color:inherit">'
            f"<title>{escape(description)}</title><defs>{markers}</defs>" + "".join(self.parts) + "</svg></div>"
        )


def _weight(params: dict, name: str) -> float:
    return float(np.ravel(params[name])[0])


MASK = "?"  # what a masked number reads: the quantity a lesson's question asks for


def masked_number(value: float, name: str, masked: frozenset[str]) -> str:
    return MASK if name in masked else number(value)


def layout(
    trace,
    day_words: list[str],
    params: dict,
    prediction_word: str,
    masked: frozenset[str] = frozenset(),
    shares: list[float] | None = None,
    shares_total: str = "",
) -> Drawing:
    """Lay out the unrolled network of the trace's first sequence (a 1-unit model).

    ``day_words`` are the price words shown at the inputs; ``params`` the current w1, w2, b1,
    w3, b2. The starting hidden value h0 = 0 feeds day 1's sum through the same w2 wire as
    every later day. ``masked`` names the numbers a question asks for, drawn as "?":
    ``x<t>`` (a day's input), ``terms<t>`` (its w1·x, w2·h and sum), ``h<t>``, ``y`` (the output
    and its word). ``shares``: each day's share of dL/dw2, written under its input (backpropagation
    through time), with ``shares_total`` (their sum, or "?") at the output.
    """
    w1, w2, b1, w3, b2 = (_weight(params, k) for k in rc.PARAM_NAMES)
    xs = trace.xs[0, :, 0]
    input_term = trace.input_term[0, :, 0]
    recurrent = trace.recurrent_term[0, :, 0]
    pre = trace.pre_activation[0, :, 0]
    hidden = trace.hidden[0, :, 0]
    y = float(trace.y[0, 0])
    act = "ReLU" if trace.activation == "relu" else str(trace.activation)
    T = len(xs)

    d = Drawing()
    # Rows, top to bottom: the w2 labels, the hidden values, ReLU, the sums, w1, the inputs.
    y_h = 36
    h_height = 28
    sum_top = y_h + h_height / 2 + 30
    sum_height = 4 * LINE + 12
    sum_mid = sum_top + sum_height / 2
    x_top = sum_top + sum_height + 30
    x_height = (2 if shares is None else 3) * LINE + 10
    d.height = x_top + x_height + PAD
    gap = 16  # space between a wire's turn and the box it enters

    w2_label = f"× w2 ({number(w2)})"
    # h0, drawn as a dashed box at the head of the first recurrent wire.
    h0_text = "h0 = 0"
    h0_w = text_width(h0_text) + 16
    h0_cx = PAD + h0_w / 2
    d.box(h0_cx, y_h, h0_w, h_height, dashed=True)
    d.text(h0_cx, y_h + 4.5, h0_text, anchor="middle")
    previous_right_extent = h0_cx + h0_w / 2
    previous_h_right = h0_cx + h0_w / 2

    for t in range(T):
        day = t + 1
        terms = f"terms{day}"
        rows = [
            ("w1·x", masked_number(input_term[t], terms, masked), COLOURS["input"]),
            ("w2·h", masked_number(recurrent[t], terms, masked), COLOURS["recurrent"]),
            ("b1", number(b1), "currentColor"),
        ]
        total = ("sum", masked_number(pre[t], terms, masked))
        sum_w = max(text_width(f"{a}   {b}") for a, b, _ in [*rows, (*total, "")]) + 20
        h_text = f"h{day} = {masked_number(hidden[t], f'h{day}', masked)}"
        h_w = text_width(h_text) + 20
        x_lines = [f"Day {day}: {day_words[t]}", f"x = {masked_number(xs[t], f'x{day}', masked)}"]
        if shares is not None:
            x_lines.append(f"dL/dw2 {number(shares[t], 4)}")
        x_w = max(text_width(s) for s in x_lines) + 20
        w1_label = f"× w1 ({number(w1)})"
        half = max(sum_w, h_w, x_w) / 2
        right = max(half, 7 + text_width(w1_label), 7 + text_width(act))
        # The centre: clear of the previous column, with room for the w2 label on the wire's run.
        cx = max(
            previous_right_extent + 2 * gap + half,
            previous_h_right + text_width(w2_label) + 2 * 8 + gap + half,
        )
        turn_x = cx - half - gap

        # The w2 wire from the previous hidden value: right, down beside this sum, into it.
        d.wire(
            [(previous_h_right, y_h), (turn_x, y_h), (turn_x, sum_mid), (cx - sum_w / 2, sum_mid)],
            colour=COLOURS["recurrent"],
            name=f"h{day - 1}->s{day}",
            kind="recurrent",
        )
        d.text((previous_h_right + turn_x) / 2, y_h - 9, w2_label, colour=COLOURS["recurrent"], anchor="middle")

        # The input, its w1 wire up into the sum, the sum, ReLU up into the hidden value.
        x_mid = x_top + x_height / 2
        d.box(cx, x_mid, x_w, x_height, tint=COLOURS["input"])
        d.text(cx, x_top + 5 + LINE * 0.8, x_lines[0], anchor="middle", bold=True)
        d.text(cx, x_top + 5 + LINE * 1.8, x_lines[1], anchor="middle")
        if shares is not None:  # this day's piece of the gradient, in the backward pass's colour
            d.text(cx, x_top + 5 + LINE * 2.8, x_lines[2], anchor="middle", colour=COLOURS["recurrent"], bold=True)
        d.wire([(cx, x_top), (cx, sum_top + sum_height)], colour=COLOURS["input"], name=f"x{day}->s{day}", kind="input")
        d.text(cx + 7, (x_top + sum_top + sum_height) / 2 + 4.5, w1_label, colour=COLOURS["input"])

        d.box(cx, sum_mid, sum_w, sum_height)
        left, value_x = cx - sum_w / 2 + 10, cx + sum_w / 2 - 10
        for i, (name, value, colour) in enumerate(rows):
            baseline = sum_top + 6 + LINE * (i + 0.8)
            d.text(left, baseline, name, colour=colour)
            d.text(value_x, baseline, value, colour=colour, anchor="end")
        rule_y = sum_top + 6 + LINE * 3 + 1
        d.parts.append(
            f'<line class="rule" x1="{left:.1f}" y1="{rule_y:.1f}" x2="{value_x:.1f}" y2="{rule_y:.1f}" '
            'stroke="currentColor" stroke-opacity="0.5"/>'
        )
        baseline = sum_top + 6 + LINE * 3.8 + 2
        d.text(left, baseline, total[0], bold=True)
        d.text(value_x, baseline, total[1], anchor="end", bold=True)

        d.wire([(cx, sum_top), (cx, y_h + h_height / 2)], name=f"s{day}->h{day}")
        d.text(cx + 7, (sum_top + y_h + h_height / 2) / 2 + 4.5, act)
        d.box(cx, y_h, h_w, h_height, tint=COLOURS["recurrent"], rounded=14)
        d.text(cx, y_h + 4.5, h_text, anchor="middle", bold=True)

        previous_right_extent = cx + right
        previous_h_right = cx + h_w / 2

    # The output: the last hidden value times w3, plus b2, is the prediction.
    out_label = f"× w3 ({number(w3)}) + b2 ({number(b2)})"
    out_lines = [f"y = {MASK}", f"→ {MASK}"] if "y" in masked else [f"y = {number(y)}", f"→ {prediction_word}"]
    if shares is not None:
        out_lines.append(f"dL/dw2 = {shares_total}")
    out_w = max(text_width(s) for s in out_lines) + 24
    out_h = len(out_lines) * LINE + 12
    out_left = max(previous_h_right + text_width(out_label) + 16, previous_right_extent + 2 * gap)
    d.wire([(previous_h_right, y_h), (out_left, y_h)], colour=COLOURS["output"], name=f"h{T}->y", kind="output")
    d.text((previous_h_right + out_left) / 2, y_h - 9, out_label, colour=COLOURS["output"], anchor="middle")
    out_cx = out_left + out_w / 2
    out_top = y_h - out_h / 2
    d.box(out_cx, y_h, out_w, out_h, tint=COLOURS["output"])
    d.text(out_cx, out_top + 6 + LINE * 0.8, out_lines[0], anchor="middle", bold=True)
    d.text(out_cx, out_top + 6 + LINE * 1.8, out_lines[1], anchor="middle", bold=True)
    if shares is not None:
        d.text(out_cx, out_top + 6 + LINE * 2.8, out_lines[2], anchor="middle", colour=COLOURS["recurrent"], bold=True)
    d.width = out_left + out_w + PAD
    return d


def unrolled_svg(
    trace,
    day_words: list[str],
    params: dict,
    prediction_word: str,
    masked: frozenset[str] = frozenset(),
    shares: list[float] | None = None,
    shares_total: str = "",
) -> str:
    """The unrolled network as HTML (an SVG in a box that scrolls sideways when it must, saying so
    on a narrow screen); ``masked``, ``shares`` as for ``layout``."""
    drawing = layout(trace, day_words, params, prediction_word, masked, shares, shares_total)
    return drawing.svg(describe(trace, day_words, prediction_word, masked, shares, shares_total))


def describe(
    trace,
    day_words: list[str],
    prediction_word: str,
    masked: frozenset[str] = frozenset(),
    shares: list[float] | None = None,
    shares_total: str = "",
) -> str:
    """The diagram in words, for screen readers: each day's sum and hidden value, then the prediction
    (a masked number is a question mark here too), and the pieces of dL/dw2 where they are drawn."""
    steps = [
        f"day {t + 1} ({day_words[t]}): sum {masked_number(trace.pre_activation[0, t, 0], f'terms{t + 1}', masked)}, "
        f"h{t + 1} = {masked_number(trace.hidden[0, t, 0], f'h{t + 1}', masked)}"
        for t in range(trace.hidden.shape[1])
    ]
    ending = (
        "The prediction is the question."
        if "y" in masked
        else f"Prediction y = {number(float(trace.y[0, 0]))}, read as {prediction_word}."
    )
    text = f"The network unrolled over {len(steps)} days. " + "; ".join(steps) + ". " + ending
    if shares is not None:  # as drawn: under each input, and their sum at the output
        pieces = ", ".join(f"day {t + 1} {number(share, 4)}" for t, share in enumerate(shares))
        text += f" Each day's piece of dL/dw2: {pieces}; dL/dw2 = {shares_total}."
    return text
