"""The projector's charts of a class's answers: a histogram for a number, bars for a choice, one chart per
round on the same scale, the network's answer marked only once it is revealed. No Streamlit here."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui.lesson.challenges import answer_text
from ui.pulse.results import RoundSpread

MAX_BINS = 12
ANSWERED = "learners"  # the count axis: how many answered so


def number(value: float) -> str:
    """An answer as the lesson shows numbers: 4 significant digits, powers of ten when huge or tiny."""
    return answer_text(value)[0]


def learners(count: int) -> str:
    return f"{count} learner{'' if count == 1 else 's'}"


def number_extent(rounds: tuple[RoundSpread, ...], answer: float | None) -> tuple[float, float]:
    """One scale for every round (and the network's answer once revealed), never of zero width."""
    values = [v for spread in rounds for v in spread.numbers] + ([] if answer is None else [answer])
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if low == high:
        pad = max(abs(low) * 0.1, 0.5)
        low, high = low - pad, high + pad
    return low, high


def number_bins(extent: tuple[float, float], values) -> tuple[np.ndarray, np.ndarray]:
    edges = np.histogram_bin_edges([], bins=MAX_BINS, range=extent)
    counts, _ = np.histogram(np.asarray(values, dtype=float), bins=edges)
    return edges, counts


def tallest(rounds: tuple[RoundSpread, ...], extent: tuple[float, float] | None) -> int:
    """The highest bar of any round (at least 1): every round is drawn to the same height scale."""
    if extent is not None:
        heights = [int(number_bins(extent, spread.numbers)[1].max()) for spread in rounds]
    else:
        heights = [max((spread.counts or {}).values(), default=0) for spread in rounds]
    return max([1, *heights])


def number_chart(spread: RoundSpread, extent: tuple[float, float], answer: float | None, most: int) -> alt.LayerChart:
    edges, counts = number_bins(extent, spread.numbers)
    bars = pd.DataFrame({"from": edges[:-1], "to": edges[1:], ANSWERED: counts})
    x = alt.X("from:Q", title="answer", scale=alt.Scale(domain=list(extent), nice=False))
    y = alt.Y(f"{ANSWERED}:Q", title=ANSWERED, scale=alt.Scale(domain=[0, most]), axis=alt.Axis(tickMinStep=1))
    chart = (
        alt.Chart(bars)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            x2="to:Q",
            y=y,
            y2=alt.datum(0),  # bars stand on 0 (given x and x2, Vega-Lite would otherwise lay them flat)
            tooltip=[
                alt.Tooltip("from:Q", title="from", format=".4~g"),
                alt.Tooltip("to:Q", title="to", format=".4~g"),
                alt.Tooltip(f"{ANSWERED}:Q"),
            ],
        )
    )
    layers = [chart]
    if answer is not None:
        mark = pd.DataFrame({"answer": [answer], "label": [f"the network: {number(answer)}"]})
        layers.append(alt.Chart(mark).mark_rule(strokeWidth=3, color="#d62728").encode(x="answer:Q"))
        layers.append(
            alt.Chart(mark)
            .mark_text(align="left", dx=5, dy=-6, fontSize=14, fontWeight="bold", color="#d62728")
            .encode(x="answer:Q", y=alt.value(0), text="label:N")
        )
    return alt.layer(*layers).properties(title=f"Round {spread.round}", height=240)


def choice_chart(spread: RoundSpread, right: tuple[str, ...] | None, most: int) -> alt.Chart:
    options = list(spread.counts or {})
    kind = [
        ("the network's answer" if option in right else "another answer") if right else "answered" for option in options
    ]
    bars = pd.DataFrame({"option": options, ANSWERED: list((spread.counts or {}).values()), "kind": kind})
    color = (
        alt.Color(
            "kind:N",
            title=None,
            scale=alt.Scale(domain=["the network's answer", "another answer"], range=["#d62728", "#8c8c8c"]),
            legend=alt.Legend(orient="bottom"),
        )
        if right
        else alt.value("#4c78a8")
    )
    base = alt.Chart(bars).encode(
        y=alt.Y("option:N", title=None, sort=options, axis=alt.Axis(labelLimit=260)),
        x=alt.X(f"{ANSWERED}:Q", title=ANSWERED, scale=alt.Scale(domain=[0, most]), axis=alt.Axis(tickMinStep=1)),
    )
    bars_drawn = base.mark_bar().encode(color=color, tooltip=["option:N", f"{ANSWERED}:Q"])
    labels = base.mark_text(align="left", dx=4, fontSize=14).encode(text=f"{ANSWERED}:Q")
    # A band per option (a fixed height collapsed the bands into one line in the browser).
    return alt.layer(bars_drawn, labels).properties(title=f"Round {spread.round}", height=alt.Step(44))


def number_alt(spread: RoundSpread, answer: float | None) -> str:
    values = spread.numbers
    if not values:
        text = f"Round {spread.round}: no answers yet."
    else:
        middle = float(np.median(values))
        text = (
            f"Round {spread.round}: {learners(len(values))} answered, from {number(values[0])} to "
            f"{number(values[-1])}, the middle answer {number(middle)}."
        )
    return text + ("" if answer is None else f" The network's answer, marked in red: {number(answer)}.")


def choice_alt(spread: RoundSpread, right: tuple[str, ...] | None) -> str:
    counts = "; ".join(f"“{option}”: {count}" for option, count in (spread.counts or {}).items())
    text = f"Round {spread.round}: {learners(spread.answered)} answered. {counts}."
    return text + ("" if not right else " The network's answer, in red: " + ", ".join(f"“{r}”" for r in right) + ".")
