"""For teachers: scenario links that open one idea with only the controls that matter."""

import streamlit as st

from ui.classroom import links as classroom
from ui.classroom import scenarios
from ui.kit.state import shown
from ui.pulse import start as class_pulse

st.title("For teachers")
origin = classroom.page_url("").rstrip("/")
class_pulse.section(origin)  # first: what a teacher opens this page for in class

st.subheader("Scenario links")
st.markdown(
    "Each link opens one idea with the controls that matter; the others are locked or hidden. "
    "Make your own with **Share this view** in the sidebar, or add `present=1` for a projector."
)
# Two per row, row by row: on a phone the columns stack and the scenarios keep their order.
for row in range(0, len(scenarios.SCENARIOS), 2):
    pair = scenarios.SCENARIOS[row : row + 2]
    for i, (column, scenario) in enumerate(zip(st.columns(2, gap="medium"), pair, strict=False), start=row):
        with column.container(border=True, key=f"teach_scenario{i}"):
            st.page_link(
                scenario.page, label=f"**{scenario.title}**", icon=":material/link:", query_params=scenario.params
            )
            st.markdown(f"**Ask:** {shown(scenario.ask())}")
            st.code(scenario.link(origin), language=None, wrap_lines=True)

st.subheader("Links, step by step")
st.markdown(
    "- `lock=lab_w2,lab_length`: shown, but fixed at the link's values.\n"
    "- `hide=lab_activation`: not shown; its value still applies.\n"
    "- `present=1`: larger type, no sidebar; **Leave presentation** at the top keeps everything as it was.\n"
    "- A key is a control's name in the link (`lab_w2=2`); **Share this view** lists a page's keys."
)
st.subheader("In a course page")
st.markdown(
    "On Streamlit Community Cloud, add `embed=true` to a link to show the app without its frame, "
    "and put it in an `<iframe>`:"
)
st.code(scenarios.iframe_html(scenarios.SCENARIOS[4].link(origin)), language="html", wrap_lines=True)
st.caption(
    "`embed_options=` adds back parts of the frame: " + ", ".join(f"`{o}`" for o in scenarios.EMBED_OPTIONS) + "."
)
