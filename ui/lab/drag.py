"""The lab's figures that follow the hand: the in-chart w2 slider's state in the session.

Streamlit's slider sends w2 only on release, so the views where w2 is the knob carry their own
in-chart slider (a Vega-Lite point selection bound to a range input): data for every w2 on the
page slider's grid is sent once (``ui.lab.drag_rows``) and the browser draws the one under the
hand. Streamlit returns a selection parameter's value to Python (``on_select``; a plain bound
variable parameter it does not) shortly after the last movement, so releasing the in-chart
slider sets the page's w2 (and its link): one w2 for the page. The chart then keeps its spec (no
rebuild under the hand); a w2 set anywhere else (the page slider, a preset, a link) starts the
chart afresh at that w2, under a new key, so the browser does not restore the old selection.
"""

from __future__ import annotations

import functools

import streamlit as st

from ui.classroom.links import locked
from ui.kit import chart_data, drag_charts
from ui.lab import drag_rows
from ui.lab.controls import W2
from ui.lab.model import FIXED, MAX_LENGTH, facts
from ui.lab.specs import ANALYTIC, COMPUTED


@st.cache_data(max_entries=32, show_spinner=False)
def drag_data(length: int, activation: str) -> dict:
    """Arrow bytes of the drag figures' datasets for every w2 on the grid, and the curves' range."""
    import pyarrow as pa

    rows = drag_rows.inputs_rows(length, activation, FIXED, COMPUTED, ANALYTIC)
    lines = rows["lines"]
    table = pa.table(
        {
            "w2c": pa.array(lines["w2c"]),
            "step": pa.array(lines["step"]),
            "series": pa.DictionaryArray.from_arrays(  # one byte a row for the series' name
                pa.array(lines["series"], pa.int8()), pa.array(list(rows["series"]))
            ),
            "log10": pa.array(lines["log10"]),
        }
    )
    marks = drag_rows.heatmap_marks(length, rows["first"])
    return {
        "drag_lines": chart_data.arrow_bytes(table),
        "drag_w2": chart_data.arrow_bytes(chart_data.arrow_table(rows["w2"])),
        "marks": chart_data.arrow_bytes(chart_data.arrow_table(marks)),
        "range": rows["range"],
    }


def drag_ahead(activation: str, w2: float, *more) -> list:
    """What a drag view works out ahead, at the longest T: its facts and every w2's drag data, then ``more``."""
    return [
        functools.partial(facts, w2, MAX_LENGTH, activation),
        functools.partial(drag_data, MAX_LENGTH, activation),
        *more,
    ]


@st.cache_data(max_entries=4, show_spinner=False)
def masked_readouts(length: int) -> dict:
    """``drag_data``'s read-outs ("drag_w2", "marks") with "?" for every gradient, as Arrow bytes, for a
    lesson question that asks for it."""
    rows = drag_rows.masked_readouts(length)
    return {
        "drag_w2": chart_data.arrow_bytes(chart_data.arrow_table(rows["w2"])),
        "marks": chart_data.arrow_bytes(chart_data.arrow_table(rows["marks"])),
    }


def _drag_memo(key_prefix: str, view: str) -> str:
    return f"{key_prefix}drag_{view}"


def drag_start(view: str, w2: float, *, key_prefix: str) -> tuple[str, float, int]:
    """The in-chart slider's chart key, its start value and generation for this run.

    The chart keeps its key and start while it stays on screen showing the page's w2 (it was
    dragged there itself); otherwise a new generation starts it at ``w2``."""
    state = st.session_state
    generation, start, shown = state.get(_drag_memo(key_prefix, view), (0, None, None))
    key = f"{key_prefix}chart_{view}_{generation}"
    if key not in state or shown != w2:
        generation, start = generation + 1, w2
        key = f"{key_prefix}chart_{view}_{generation}"
    state[_drag_memo(key_prefix, view)] = (generation, start, w2)
    return key, start, generation


def take_drag(chart_key: str, view: str, key_prefix: str, state=None) -> None:
    """``on_select`` of a drag chart: the released in-chart w2 becomes the page's w2 (in ``state``,
    by default the session's), and the chart is noted as showing it, so it is not rebuilt.

    Where the page has no w2 control of that prefix (a lesson step showing a lab view with its
    own fixed w2), the in-chart slider is a preview: it stays where it was released."""
    state = st.session_state if state is None else state
    event = state.get(chart_key) or {}
    value = drag_rows.selected_w2((event.get("selection") or {}).get(drag_charts.DRAG_PARAM))
    if value is None or not has_w2_control(key_prefix, state) or locked(W2.key(key_prefix)):
        return
    state[W2.key(key_prefix)] = value
    generation, start, _ = state.get(_drag_memo(key_prefix, view), (0, value, value))
    state[_drag_memo(key_prefix, view)] = (generation, start, value)


def has_w2_control(key_prefix: str, state=None) -> bool:
    """Whether the page drew ``shared_controls`` with this prefix (its w2 slider)."""
    return W2.key(key_prefix) in (st.session_state if state is None else state)


def drag_hint(key_prefix: str) -> str:
    if locked(W2.key(key_prefix)):
        return "This link keeps w2 where it is."
    if has_w2_control(key_prefix):
        return "Drag w2 under the chart."  # the chart follows the hand; the numbers, the release
    return "Drag w2 under the chart to see other values."


def draw_drag(spec: dict, view: str, w2: float, *, key_prefix: str, alt_text: str) -> None:
    """Draw a drag chart; where a classroom link locks (or hides) w2, without its in-chart slider:
    the figure then shows the link's w2 only, as the locked page slider does."""
    if locked(W2.key(key_prefix)):
        fixed = drag_charts.without_drag_slider(drag_charts.with_drag_value(spec, w2, 0, st.context.theme.type))
        st.vega_lite_chart(spec=fixed, width="stretch", key=f"{key_prefix}chart_{view}_locked", alt=alt_text)
        return
    key, start, generation = drag_start(view, w2, key_prefix=key_prefix)
    st.vega_lite_chart(
        spec=drag_charts.with_drag_value(spec, start, generation, st.context.theme.type),
        width="stretch",
        key=key,
        alt=alt_text,
        on_select=functools.partial(take_drag, key, view, key_prefix),
        selection_mode=[drag_charts.DRAG_PARAM],
    )
