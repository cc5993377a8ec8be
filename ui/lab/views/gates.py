"""Gates: each input's pull as a share of the newest's, in the vanilla RNN, an LSTM and a GRU."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from ui.claims import Said, claim, said
from ui.claims import lab as claims_lab
from ui.classroom.linkable import Linkable
from ui.classroom.links import locked
from ui.kit import chart_data, charts
from ui.kit.state import shown
from ui.lab import text
from ui.lab.controls import LENGTH, W2, columns, prose, set_values, why
from ui.lab.model import GATED_UNITS, MAX_LENGTH, LabSettings, facts, gated_input_gradients, relative_to_newest
from ui.lab.specs import GATES_SERIES, GATES_Y_TITLE, gates_domain, lines_spec
from ui.lab.views.base import View

# The gates view's shortcut: a setting where the vanilla RNN's gradient fades (checked, ``ui.claims``).
_FADES_THERE = claim("fades", w2=0.5, length=MAX_LENGTH, activation="relu")

VANISHING_CASE = said(f"Vanishing case: w2 = 0.5, T = {MAX_LENGTH}", _FADES_THERE)

VANISHING_CASE_TRY = said("the vanishing case, then b = 0.", _FADES_THERE)


GATE_BIAS = Linkable("lab_", "gate_bias", low=0.0, high=8.0)


def gates_held(gate_bias: float, length: int) -> Said:
    """Where the memory gates sit on the lab's sequence: near sigmoid(b) where the bias holds them there."""
    keep = 1.0 / (1.0 + math.exp(-gate_bias))
    low, high = claims_lab.memory_gate_range(gate_bias, length)
    if abs(low - keep) <= 0.15 and abs(high - keep) <= 0.15:
        return said(f"(gates near σ(b) = {keep:.3g})", claim("memory_gates_near", gate_bias=gate_bias, length=length))
    low, high = math.floor(low * 100) / 100, math.ceil(high * 100) / 100
    return said(
        f"(memory gates between {low:.2f} and {high:.2f})",
        claim("memory_gates_between", gate_bias=gate_bias, length=length, low=low, high=high),
    )


def gates_view(settings: LabSettings, *, key_prefix: str = "lab_", masked: frozenset[str] = frozenset()) -> dict:
    """What gates change: how much each input still counts, as a share of the newest input, in the
    vanilla RNN beside an LSTM and a GRU."""
    figure, side = columns()
    with side:
        gate_bias = st.slider(
            "Memory-gate bias b",
            GATE_BIAS.low,
            GATE_BIAS.high,
            4.0,
            step=0.5,
            **GATE_BIAS.bound(key_prefix),
            help="The LSTM's forget gate (its input gate gets −b) and the GRU's update gate.",
        )
        # A link that fixes w2 or T leaves this shortcut nothing to do: it is not drawn.
        shortcut = not (locked(W2.key(key_prefix)) or locked(LENGTH.key(key_prefix)))
        if shortcut:
            st.button(
                shown(VANISHING_CASE),
                key=f"{key_prefix}show_vanishing",
                on_click=set_values,
                args=({W2.key(key_prefix): 0.5, LENGTH.key(key_prefix): MAX_LENGTH},),
                icon=":material/trending_down:",
            )
    f = facts(settings.w2, settings.length, settings.activation)
    T = settings.length
    logs = {
        "vanilla RNN": f.logs,
        **{kind.upper(): gated_input_gradients(T, kind, gate_bias) for kind in ("lstm", "gru")},
    }
    series = {name: relative_to_newest(values) for name, values in logs.items()}
    series = {name: values for name, values in series.items() if np.isfinite(values).any()}
    rows = chart_data.arrow_table(
        {
            "step": np.tile(np.arange(1, T + 1), len(series)),
            "series": [name for name in series for _ in range(T)],
            "log10": np.concatenate(list(series.values())),
        },
        finite=("log10",),
    )
    vanilla = series.get("vanilla RNN", np.array([-np.inf]))
    spec = lines_spec(
        "Each input's pull ÷ the newest's",
        tuple((name, GATES_SERIES[name][0]) for name in series),
        len(series) * T <= 180,
        gates_domain(vanilla, [series[n] for n in ("LSTM", "GRU") if n in series]),
        tuple((name, tuple(GATES_SERIES[name][1])) for name in series),
        GATES_Y_TITLE,
    )
    shares = {
        name: (-math.inf if values[0] == -math.inf else float(values[0] - values[-1])) for name, values in logs.items()
    }
    notice = text.gates_notice(
        T, shares, {"w2": settings.w2, "activation": settings.activation, "gate_bias": gate_bias}
    )
    if "notice" in masked:  # a lesson asks which line keeps the most: the figure answers, not the text
        notice = text.GATES_MASKED_NOTICE
    with figure:
        charts.draw(
            chart_data.with_datasets(spec, lines=rows),
            key=f"{key_prefix}chart_gates",
            alt_text=text.gates_alt(T, notice).text,
        )
    with side:
        prose(
            f"{key_prefix}gates_text",
            f"each input's pull as a share of the newest's, in our RNN and untrained {GATED_UNITS}-unit LSTM "
            "and GRU " + gates_held(gate_bias, T) + ".",
            notice,
            VANISHING_CASE_TRY if shortcut else "b = 0, then b = 8.",
        )
        why(
            "An LSTM keeps its memory in a cell, $c_t = f_t c_{t-1} + i_t g_t$, and a GRU in its state, "
            "$h_t = z_t h_{t-1} + (1 - z_t) n_t$: the old value passes through a gate ($f_t$, $z_t$) rather "
            "than through $w_2$ and an activation. One step back, the gradient on that path is multiplied by "
            "the gate's value, between 0 and 1: it cannot explode, and it fades only as fast as the gate "
            "lets it. The bias $b$ holds the gate near $\\sigma(b)$. Both models are seeded (seed 0), untrained. "
            "Transformers, the other remedy, drop the chain altogether: attention lets the last step read "
            "every day directly."
        )
    return {f"{key_prefix}gate_bias": gate_bias}


VIEW = View("gates", "Gates", gates_view)
