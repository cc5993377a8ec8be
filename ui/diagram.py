"""The StatLand page's picture of the unrolled network, as a Graphviz DOT string.

One column per day, oldest on the left: the day's price enters at the bottom, is
multiplied by w1, summed with the previous day's hidden value times w2 and the
bias b1, goes through the activation, and feeds the next day. Only the last day's
hidden value is turned into the prediction (w3 and b2). Every wire and node shows
its live number from the engine's trace; nothing is recomputed here.
"""

from __future__ import annotations

import numpy as np

from .format import number

# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies, in a
# shade for each theme: w1 wires (input to sum), w2 wires (hidden value to the next
# day's sum), w3 wire (last hidden value to the prediction). Nodes keep light fills and
# dark text in both themes; on a dark page the background is left transparent.
PALETTES = {
    "light": {
        "background": "white",
        "line": "#555555",
        "text": "#111111",
        "input": "#0072B2",
        "recurrent": "#D55E00",
        "output": "#009E73",
    },
    "dark": {
        "background": "transparent",
        "line": "#B0B0B0",
        "text": "#EEEEEE",
        "input": "#56B4E9",
        "recurrent": "#E69F00",
        "output": "#3CC59A",
    },
}


def _quote(text: str) -> str:
    """A DOT string literal: quotes and backslashes escaped, newlines as DOT line breaks."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _term(value: float) -> str:
    """A number as one term of a sum: negatives in brackets, so '1.8 + (-0.45)' reads right."""
    text = number(value)
    return f"({text})" if text.startswith("-") else text


# Up to this many days the copies stand side by side, as in the lesson's picture; longer
# sequences stack the days top to bottom so the text keeps its size on a laptop screen.
MAX_DAYS_SIDE_BY_SIDE = 4


def unrolled_dot(trace, day_words: list[str], params: dict, prediction_word: str, theme: str = "light") -> str:
    """DOT for the unrolled one-unit network of one sequence (the first of the trace's batch).

    ``trace`` is a ``VanillaTrace`` of a 1-unit model; ``day_words`` the price words
    shown at the inputs; ``params`` the current w1, w2, b1, w3, b2; ``theme`` 'light'
    or 'dark', the page's theme. The starting hidden value h0 = 0 is drawn too, so
    every day's copy has the same three wires into its sum.
    """
    colours = PALETTES["dark" if theme == "dark" else "light"]
    w1, w2, b1 = (float(np.ravel(params[k])[0]) for k in ("w1", "w2", "b1"))
    w3, b2 = float(np.ravel(params["w3"])[0]), float(np.ravel(params["b2"])[0])
    xs = trace.xs[0, :, 0]
    input_term = trace.input_term[0, :, 0]
    recurrent = trace.recurrent_term[0, :, 0]
    pre = trace.pre_activation[0, :, 0]
    hidden = trace.hidden[0, :, 0]
    y = float(trace.y[0, 0])
    act = "ReLU" if trace.activation == "relu" else trace.activation
    T = len(xs)
    side_by_side = T <= MAX_DAYS_SIDE_BY_SIDE
    # Stacked, the label goes beside the wire's tail, turned off the line so it does not cover it.
    w2_label_at = "xlabel" if side_by_side else "labelangle=40, labeldistance=4, taillabel"

    lines = [
        "digraph unrolled {",
        f'  rankdir={"BT" if side_by_side else "LR"}; bgcolor="{colours["background"]}"; '
        "nodesep=0.35; ranksep=0.45; newrank=true;",
        '  node [fontname="Helvetica", fontsize=11, style="filled,rounded", shape=box, '
        f'color="{colours["line"]}", fontcolor="#111111", fillcolor="#F4F4F4"];',
        f'  edge [fontname="Helvetica", fontsize=10, color="{colours["line"]}", fontcolor="{colours["text"]}"];',
        f'  h0 [label="h0 = 0", shape=plaintext, style="", fontcolor="{colours["text"]}"];',
    ]
    for t in range(T):
        day = t + 1
        x_label = f"Day {day}: {day_words[t]}\nx = {number(xs[t])}"
        sum_label = f"sum, day {day}\n{_term(input_term[t])} + {_term(recurrent[t])} + {_term(b1)}\n= {number(pre[t])}"
        h_label = f"{act}\nh{day} = {number(hidden[t])}"
        w1_label = f"× w1 ({number(w1)})\n= {number(input_term[t])}"
        w2_label = f"× w2 ({number(w2)})\n= {number(recurrent[t])}"
        lines += [
            f'  x{day} [label={_quote(x_label)}, fillcolor="#E3F0FA"];',
            f"  s{day} [label={_quote(sum_label)}];",
            f'  h{day} [label={_quote(h_label)}, shape=ellipse, fillcolor="#FFF1E0"];',
            f'  x{day} -> s{day} [label={_quote(w1_label)}, color="{colours["input"]}", '
            f'fontcolor="{colours["input"]}", penwidth=1.6];',
            f"  s{day} -> h{day} [penwidth=1.2];",
            # Side by side, these wires do not constrain the layout, and a plain label on such a
            # wire is placed as if it did, next to the wrong day: an xlabel sits by its own wire.
            f"  h{day - 1} -> s{day} [{w2_label_at}={_quote(w2_label)}, "
            f'color="{colours["recurrent"]}", fontcolor="{colours["recurrent"]}", penwidth=1.6, constraint=false];',
        ]
    out_label = f"prediction\ny = {number(y)}\n→ {prediction_word}"
    w3_label = f"× w3 ({number(w3)}) + b2 ({number(b2)})\n= {number(y)}"
    lines += [
        f'  y [label={_quote(out_label)}, fillcolor="#E2F4EE", penwidth=2];',
        f'  h{T} -> y [label={_quote(w3_label)}, color="{colours["output"]}", '
        f'fontcolor="{colours["output"]}", penwidth=1.6];',
    ]
    # Keep each stage in one row (one column when stacked) and the days in order.
    for prefix, first in (("x", 1), ("s", 1), ("h", 0)):
        nodes = [f"{prefix}{d}" for d in range(first, T + 1)]
        lines.append(f"  {{ rank=same; {'; '.join(nodes)}; }}")
        lines.append(f"  {' -> '.join(nodes)} [style=invis];")
    lines.append("}")
    return "\n".join(lines)


def describe(trace, day_words: list[str], prediction_word: str) -> str:
    """The diagram in words, for screen readers: each day's sum and hidden value, then the prediction."""
    steps = [
        f"day {t + 1} ({day_words[t]}): sum {number(trace.pre_activation[0, t, 0])}, "
        f"h{t + 1} = {number(trace.hidden[0, t, 0])}"
        for t in range(trace.hidden.shape[1])
    ]
    return (
        f"The network unrolled over {len(steps)} days. " + "; ".join(steps) + ". "
        f"Prediction y = {number(float(trace.y[0, 0]))}, read as {prediction_word}."
    )
