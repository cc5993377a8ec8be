"""Gradient lab: make gradients explode and vanish with w2 and the sequence length, then tame them.

The page reads the view chosen, the shared controls (shown only for a view that reads them),
then draws that one view (``ui.lab.views``): only that view computes.
"""

import streamlit as st

from ui.classroom.unused import link_snapshot, note_unused_link_values
from ui.lab import controls, views

controls.compact_top()
st.title("Gradient lab")
link = link_snapshot("lab_")
top = st.container()  # above the view's tabs, filled once the view is known
view = views.view_selector(key_prefix="lab_")
with top:
    settings = controls.shared_controls(
        key_prefix="lab_", visible=views.uses_shared_controls(view), w2_in_chart=views.VIEWS[view].drags_w2
    )
    if views.uses_shared_controls(view):
        controls.network_line(settings)
views.show_view(view, settings, key_prefix="lab_")
note_unused_link_values(link)
