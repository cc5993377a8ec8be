"""The Training page's sections as functions of their inputs, so another page can show them too."""

from __future__ import annotations

import streamlit as st

from ui import bptt, charts
from ui.format import number
from ui.training import LiveRun, first_step_note, is_statland_network


def show_backward(run: LiveRun, *, key_prefix: str = "tr", theme: str = "light") -> None:
    """BPTT at the current weights: each day's share of the gradient the next Step uses, and their sums."""
    st.subheader("Backpropagation through time: the next step's gradient, day by day")
    back = bptt.backward_for_next_step(run.trainer)
    if run.mini_batches:
        st.caption(f"For the next mini-batch ({back.n_sequences} sequences), the one the next **Step** uses.")
    if is_statland_network(run.model):
        if back.n_days <= bptt.MAX_DRAWN_DAYS:
            st.graphviz_chart(bptt.one_unit_dot(back, theme), width="content")
        else:
            charts.draw(bptt.per_day_chart(back), key=f"{key_prefix}_bptt_chart")
        table = bptt.one_unit_table(back).map(lambda v: number(v, 4))
        st.dataframe(table, key=f"{key_prefix}_bptt_table")
        st.markdown(bptt.one_unit_sentence(back))
    else:
        charts.draw(bptt.per_day_chart(back), key=f"{key_prefix}_bptt_chart")
        st.caption(bptt.per_day_caption(back))
    if run.trainer.clip != "none":
        st.caption("Clipping is on: the step uses these sums after clipping shrinks them (if they are too large).")


def first_step_line(run: LiveRun) -> None:
    """One line, right under the step counter, when the first step raised the loss."""
    losses = run.first_step_losses()
    optimizer = type(run.trainer.optimizer).__name__.lower()
    if losses and (note := first_step_note(optimizer, *losses, run.trainer.lr)):
        st.caption(f":material/info: {note}")
