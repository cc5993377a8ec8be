"""Home: what a recurrent network is for, and a path through the lesson."""

from pathlib import Path

import streamlit as st

from ui.claims import Said, general
from ui.kit.state import shown

# The first screen: what this is, one sentence, and the way in (at most 100 words, README). Its
# box fills the window below the page's top padding, so the rest of Home starts below the fold:
# the way in sits in the middle of it, and its last line says what is below.
FIRST_SCREEN_STYLE = """<style>
.st-key-home_first_screen { min-height: calc(100svh - 6rem); }
.st-key-home_first_screen > :has(> .st-key-home_hero) { margin: auto 0; }
.st-key-home_start a {
  background-color: #0072B2; border: 1px solid #0072B2; border-radius: 0.5rem;
  padding: 0.7rem 1.6rem; margin-top: 0.5rem;
}
.st-key-home_start a, .st-key-home_start a * { color: #FFFFFF !important; font-size: 1.15rem; font-weight: 600; }
.st-key-home_start a:hover { background-color: #005A8C; border-color: #005A8C; }
.st-key-home_start a:focus-visible { outline: 3px solid #0072B2; outline-offset: 3px; }
</style>"""

st.html(FIRST_SCREEN_STYLE)
with st.container(key="home_first_screen"):
    with st.container(key="home_hero"):
        st.title("Unrolled")
        st.subheader("Recurrent neural networks, one turn of the knob at a time")
        st.markdown(
            "The guided lesson walks the StatQuest video in ten short steps, each with a question "
            "the app checks on your own network."
        )
        with st.container(key="home_start"):
            # A link (it opens another page), drawn as the page's one primary button.
            st.page_link("app_pages/lesson.py", label="Start the lesson", icon=":material/school:")
    st.caption("↓ Below: what a recurrent network is, a path through the pages, and the lesson's network.")

st.markdown("#### What a recurrent network is")
st.markdown(
    """
Most neural networks want an input of a fixed size: always three numbers, always
one picture. Many things we care about arrive as **sequences** whose length changes:
prices over the last few days, words in a sentence, notes in a melody. A
**recurrent neural network (RNN)** handles them with one small trick: a loop. The
network reads one value at a time, and at each step it also receives what it
computed at the step before. That loop lets a network with a fixed set of weights
read two days of prices, or ten, or a thousand.

To see what the loop does, we **unroll** it: draw one copy of the network per time
step and connect each copy to the next. Every copy uses the very same weights, so
unrolling adds steps, never parameters.
"""
)

st.markdown("#### A path through the lesson")
steps = [
    (
        "app_pages/statland.py",
        "1. StatLand",
        ":material/account_tree:",
        "Feed a few days of a toy stock's prices into a one-unit RNN and watch every number "
        "flow through the unrolled network. Check the four StatLand rules, edit the weights, "
        "and see that ten days still use five parameters.",
    ),
    (
        "app_pages/training.py",
        "2. Training",
        ":material/model_training:",
        "Let backpropagation through time find the weights itself. Watch the loss fall while "
        "the model trains on StatLand rules, longer sequences, real stock prices or your own CSV.",
    ),
    (
        "app_pages/lab.py",
        "3. Gradient lab",
        ":material/science:",
        general(
            "Break training on purpose. The recurrent weight w2 is multiplied in once per step, so "
            "gradients can explode when |w2| > 1 and vanish when |w2| < 1. Then see what clipping, "
            "LSTMs and GRUs do about it."
        ),
    ),
]
root = Path(__file__).resolve().parent.parent
columns = st.columns(len(steps))
for column, (path, label, icon, text) in zip(columns, steps, strict=True):
    with column.container(border=True):
        st.markdown(f"**{label}**")
        st.write(shown(text) if isinstance(text, Said) else text)
        if (root / path).exists():
            st.page_link(path, label=f"Open {label.split('. ')[1]}", icon=icon)
        else:
            st.caption("Coming soon.")

st.markdown("#### The one-unit network of the lesson")
# One equation per line, so the formula fits a phone's width as well as a laptop's.
st.latex(
    r"\begin{aligned} h_t &= \mathrm{ReLU}(w_1 x_t + w_2 h_{t-1} + b_1) \\ "
    r"h_0 &= 0, \qquad \hat y = w_3 h_T + b_2 \end{aligned}"
)
st.markdown(
    """
StatLand prices are scaled to **low = 0**, **medium = 0.5** and **high = 1**, fed
oldest first. Only the last step's output is used: it is the prediction for
tomorrow. The weights *w1, w2, b1, w3, b2* are the same on every day, and they are
named the same way on every page of this app.
"""
)
