"""Backpropagation through time made visible: each day's share of the gradient the next Step uses.

The engine's BPTT keeps, for every parameter used inside the recurrence, its
contribution from each time step (``Gradients.per_step``, shape (T, ...)); these sum
to the gradient. This module reads them for exactly the batch and loss the trainer's
next step uses, and turns them into a table, a picture of the unrolled network (the
one-unit RNN) and a small per-day chart (wider models). Nothing here imports Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rnn_core.train import Trainer
from ui.claims import Said, claim, said
from ui.kit import charts
from ui.kit.format import number

SHARED = ("w1", "w2", "b1")  # the one-unit network's parameters used on every day
# Up to this many days the one-unit network's backward pass is drawn copy by copy;
# longer histories show the per-day chart only (30 copies would not fit a laptop screen).
MAX_DRAWN_DAYS = 6


@dataclass(frozen=True)
class Backward:
    """The next step's gradient, split by day: ``per_day[name]`` has shape (T, ...)."""

    loss: float
    per_day: dict[str, np.ndarray]
    total: dict[str, np.ndarray]
    n_days: int
    n_sequences: int
    # What it was computed from, for the claims its sentences make: the batch, the weights, the loss.
    xs: np.ndarray | None = None
    ys: np.ndarray | None = None
    weights: dict[str, np.ndarray] | None = None
    loss_name: str = "mse"

    def sums(self) -> dict[str, float]:
        """For a one-unit network: each shared parameter's per-day contributions added up."""
        return {name: float(self.per_day[name].sum()) for name in self.per_day}


def backward_for_next_step(trainer: Trainer) -> Backward:
    """BPTT at the current weights on the next step's batch, with the trainer's loss."""
    xs, ys = trainer.peek_batch()
    with np.errstate(all="ignore"):
        loss, grads = trainer.model.loss_and_grads(xs, ys, loss=trainer.loss)
        per_day = {name: np.asarray(value, dtype=float) for name, value in grads.per_step.items()}
        total = {name: np.array(value, dtype=float) for name, value in grads.params.items()}
    weights = {name: np.array(value, dtype=float) for name, value in trainer.model.params.items()}
    return Backward(float(loss), per_day, total, xs.shape[1], xs.shape[0], xs, ys, weights, trainer.loss)


def one_unit_table(back: Backward) -> pd.DataFrame:
    """Rows day 1..T and 'sum', columns dL/dw1, dL/dw2, dL/db1 (numbers, for a one-unit network)."""
    rows = {f"dL/d{name}": back.per_day[name].reshape(back.n_days) for name in SHARED}
    frame = pd.DataFrame(rows, index=[f"day {t + 1}" for t in range(back.n_days)])
    frame.loc["sum"] = frame.sum(axis=0)
    return frame


def one_unit_sentence(back: Backward) -> str:
    """One line stating that the sums are the gradients the next Step uses."""
    sums = back.sums()
    parts = ", ".join(f"dL/d{name} = {number(sums[name], 4)}" for name in SHARED)
    whose = (
        f"the loss on {back.n_sequences} sequences, summed day by day"
        if back.n_sequences > 1
        else "the loss on the one sequence"
    )
    return (
        f"Adding each column over the {back.n_days} days gives {parts}: exactly the gradient the next "
        f"**Step** uses ({whose})."
    )


def _quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def one_unit_dot(back: Backward, theme: str = "light") -> str:
    """DOT for the backward pass on the unrolled one-unit network, day 1 at the top.

    Each day's copy shows its three contributions; red wires carry the error back up from
    the loss through every copy (times w2 and the ReLU's slope at each step); the three
    sums sit under the loss the error started from. One box wide, so its text keeps its
    size on a phone.
    """
    text = "#EEEEEE" if theme == "dark" else "#111111"
    back_colour = "#F0A0A0" if theme == "dark" else "#C0392B"
    background = "transparent" if theme == "dark" else "white"
    T = back.n_days
    lines = [
        "digraph bptt {",
        f'  rankdir=TB; bgcolor="{background}"; nodesep=0.4; ranksep=0.3;',
        '  node [fontname="Helvetica", fontsize=13, shape=box, style="filled,rounded", '
        'fillcolor="#F4F4F4", fontcolor="#111111", color="#777777"];',
        f'  edge [fontname="Helvetica", fontsize=12, color="{back_colour}", fontcolor="{text}", penwidth=1.6];',
    ]
    for t in range(T):
        w1, w2, b1 = (float(back.per_day[name].reshape(T)[t]) for name in SHARED)
        label = f"day {t + 1}: w1 {number(w1, 4)}\nw2 {number(w2, 4)}, b1 {number(b1, 4)}"
        lines.append(f'  d{t + 1} [label={_quote(label)}, fillcolor="#FFF1E0"];')
    sums = back.sums()
    sum_label = "sums = the gradient\n" + "\n".join(f"dL/d{name} = {number(sums[name], 4)}" for name in SHARED)
    lines.append(f'  total [label={_quote(sum_label)}, fillcolor="#E2F4EE", penwidth=2];')
    lines.append(f'  loss [label={_quote("loss " + number(back.loss, 4))}, fillcolor="#E3F0FA"];')
    lines.append(f'  d{T} -> loss [dir=back, label=" error"];')
    for t in range(T, 1, -1):
        lines.append(f'  d{t - 1} -> d{t} [dir=back, label=" × w2"];')
    lines.append("  loss -> total [style=invis];")  # one column: two boxes side by side would shrink on a phone
    lines.append("}")
    return "\n".join(lines)


def per_day_sizes(back: Backward) -> pd.DataFrame:
    """Long table: day, parameter, size (the length of that day's contribution), for any model."""
    names = list(back.per_day)
    sizes = [np.linalg.norm(np.reshape(back.per_day[name], (back.n_days, -1)), axis=1) for name in names]
    return pd.DataFrame(
        {
            "day": np.tile(np.arange(1, back.n_days + 1), len(names)),
            "parameter": np.repeat(np.asarray(names, dtype=object), back.n_days),
            "size": np.concatenate(sizes) if sizes else np.empty(0),
        }
    )


def per_day_chart(back: Backward, height: int = 220) -> dict:
    """How much each day adds to each shared parameter's gradient, on a log axis (zeros left out): a
    ``charts.cached_curve`` of this step's rows."""
    frame = per_day_sizes(back)
    frame = frame[np.isfinite(frame["size"]) & (frame["size"] > 0)]
    names = sorted(back.per_day)
    return charts.cached_curve(
        frame,
        "day",
        "size",
        title="Each day's share of the next step's gradient",
        x_title="day (1 = oldest)",
        x_format="d",
        y_title="size of the day's share (log)",
        log_y=True,
        color="parameter",
        color_title="parameter",
        palette=dict(zip(names, charts.OKABE_ITO, strict=False)),
        points=True,
        height=height,
    )


def per_day_caption(back: Backward) -> str:
    """What the per-day chart shows, with the oldest day's share as a fraction of the newest's."""
    sizes = per_day_sizes(back)
    first = sizes[sizes["day"] == 1]["size"].sum()
    last = sizes[sizes["day"] == back.n_days]["size"].sum()
    if last > 0 and np.isfinite(first / last):
        ratio = f"the oldest day adds {number(first / last, 3)} times as much as the newest"
    else:
        ratio = "the newest day adds nothing"
    return (
        f"The same weights are used on all {back.n_days} days, so each gradient is the sum of the days' shares; "
        f"here {ratio}."
    )


def one_unit_notice(back: Backward, step_button: bool = True) -> Said:
    """What to notice in the one-unit picture: the error flows back, and day 1's w2 share is 0 (h0 = 0);
    where the page has a Step button, what pressing it does."""
    shares = said(
        "The error starts at the loss and flows back up through every day's copy, multiplied by w2 (and the "
        "ReLU's slope) at each step. Day 1's share of dL/dw2 is 0: h0 = 0, so w2 multiplies 0 on the first day.",
        claim(
            "first_day_w2_share_zero",
            xs=np.asarray(back.xs, dtype=float).tolist(),
            ys=np.asarray(back.ys, dtype=float).tolist(),
            weights={name: float(np.ravel(value)[0]) for name, value in (back.weights or {}).items()},
            loss=back.loss_name,
        ),
    )
    if step_button:
        return shares + " Press **Step**: the next step uses these sums."
    return shares
