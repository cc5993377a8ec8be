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

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
INPUT_COLOUR = "#0072B2"  # w1: input to hidden
RECURRENT_COLOUR = "#D55E00"  # w2: hidden to the next day's hidden
OUTPUT_COLOUR = "#009E73"  # w3, b2: hidden to prediction


def _quote(text: str) -> str:
    """A DOT string literal: quotes and backslashes escaped, newlines as DOT line breaks."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _term(value: float) -> str:
    """A number as one term of a sum: negatives in brackets, so '1.8 + (-0.45)' reads right."""
    text = number(value)
    return f"({text})" if text.startswith("-") else text


def unrolled_dot(trace, day_words: list[str], params: dict, prediction_word: str) -> str:
    """DOT for the unrolled one-unit network of one sequence (the first of the trace's batch).

    ``trace`` is a ``VanillaTrace`` of a 1-unit model; ``day_words`` the price words
    shown under the inputs; ``params`` the current w1, w2, b1, w3, b2.
    """
    w1, w2, b1 = (float(np.ravel(params[k])[0]) for k in ("w1", "w2", "b1"))
    w3, b2 = float(np.ravel(params["w3"])[0]), float(np.ravel(params["b2"])[0])
    xs = trace.xs[0, :, 0]
    input_term = trace.input_term[0, :, 0]
    recurrent = trace.recurrent_term[0, :, 0]
    pre = trace.pre_activation[0, :, 0]
    hidden = trace.hidden[0, :, 0]
    y = float(trace.y[0, 0])
    act = trace.activation
    T = len(xs)

    lines = [
        "digraph unrolled {",
        '  rankdir=BT; bgcolor="white"; nodesep=0.35; ranksep=0.45; newrank=true;',
        '  node [fontname="Helvetica", fontsize=11, style="filled,rounded", shape=box, '
        'color="#555555", fontcolor="#111111", fillcolor="#F4F4F4"];',
        '  edge [fontname="Helvetica", fontsize=10, color="#555555", fontcolor="#111111"];',
    ]
    for t in range(T):
        day = t + 1
        x_label = f"Day {day}: {day_words[t]}\nx = {number(xs[t])}"
        sum_label = (
            f"sum, day {day}\n{_term(input_term[t])} + {_term(recurrent[t])} + {_term(b1)}"
            f"\n= {number(pre[t])}"
        )
        h_label = f"{act}\nh{day} = {number(hidden[t])}"
        w1_label = f"× w1 ({number(w1)})\n= {number(input_term[t])}"
        lines += [
            f'  x{day} [label={_quote(x_label)}, fillcolor="#E3F0FA"];',
            f"  s{day} [label={_quote(sum_label)}];",
            f'  h{day} [label={_quote(h_label)}, shape=ellipse, fillcolor="#FFF1E0"];',
            f'  x{day} -> s{day} [label={_quote(w1_label)}, color="{INPUT_COLOUR}", '
            f'fontcolor="{INPUT_COLOUR}", penwidth=1.6];',
            f"  s{day} -> h{day} [penwidth=1.2];",
        ]
        if day > 1:
            w2_label = f"× w2 ({number(w2)})\n= {number(recurrent[t])}"
            lines.append(
                f'  h{day - 1} -> s{day} [label={_quote(w2_label)}, color="{RECURRENT_COLOUR}", '
                f'fontcolor="{RECURRENT_COLOUR}", penwidth=1.6, constraint=false];'
            )
    out_label = f"prediction\ny = {number(y)}\n→ {prediction_word}"
    w3_label = f"× w3 ({number(w3)}) + b2 ({number(b2)})"
    lines += [
        f'  y [label={_quote(out_label)}, fillcolor="#E2F4EE", penwidth=2];',
        f'  h{T} -> y [label={_quote(w3_label)}, color="{OUTPUT_COLOUR}", '
        f'fontcolor="{OUTPUT_COLOUR}", penwidth=1.6];',
    ]
    # Keep each stage on one row and the days in order from left to right.
    for prefix in ("x", "s", "h"):
        row = "; ".join(f"{prefix}{d}" for d in range(1, T + 1))
        lines.append(f"  {{ rank=same; {row}; }}")
        if T > 1:
            chain = " -> ".join(f"{prefix}{d}" for d in range(1, T + 1))
            lines.append(f"  {chain} [style=invis];")
    lines.append("}")
    return "\n".join(lines)
