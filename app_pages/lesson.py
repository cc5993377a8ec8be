"""Lesson: the StatQuest lesson step by step, each step with a challenge checked by rnn_core.

One step per screen (``/lesson?step=N``); the views are the StatLand, Training and Gradient
lab sections, shown with the step's settings.
"""

import streamlit as st

from ui import lesson_view

st.title("Lesson")
st.caption("The StatQuest video “Recurrent Neural Networks (RNNs), Clearly Explained!!!”, step by step.")
lesson_view.show_lesson()
