"""Unrolled's entry point: page config and navigation over the lesson's pages.

Run with `streamlit run streamlit_app.py`. Pages whose file does not exist yet are
left out of the navigation, so the app always starts.
"""

import os
from pathlib import Path

# One BLAS thread (see one_blas_thread below). The variables act only if NumPy is not loaded
# yet, as under `streamlit run`; threadpoolctl then also covers a process that loaded it first.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy  # noqa: E402, F401  (loaded first, so that its BLAS library is there to limit)
import streamlit as st  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from ui.classroom import links as classroom  # noqa: E402
from ui.kit import style  # noqa: E402
from ui.pulse import membership as class_pulse  # noqa: E402

HERE = Path(__file__).parent

# One flat list, in the order of the way through: section headers in Streamlit's sidebar are
# elements inside its list of links but not list items, which fails axe-core's list and listitem
# rules (README, "Accessibility"); with no sections the sidebar is a plain list of links.
PAGES = [
    ("app_pages/home.py", "Home", ":material/home:", True),
    ("app_pages/lesson.py", "Lesson", ":material/school:", False),
    ("app_pages/statland.py", "StatLand", ":material/account_tree:", False),
    ("app_pages/training.py", "Training", ":material/model_training:", False),
    ("app_pages/lab.py", "Gradient lab", ":material/science:", False),
    ("app_pages/teachers.py", "For teachers", ":material/groups:", False),
]


@st.cache_resource(max_entries=1, show_spinner=False)
def one_blas_thread() -> object:
    """Limit NumPy's BLAS to one thread, once per server process.

    The engine's products are small: a second BLAS thread saves nothing, and on a shared or
    small machine waiting for it made live training 5-10x slower and Pause slow to answer.
    Every learner's session is already a thread of its own. threadpoolctl acts on the loaded
    library, so this works whatever imported NumPy first (unless another live thread of the
    process set OpenBLAS's limit before: threadpoolctl then leaves it to that thread).
    """
    return threadpool_limits(limits=1, user_api="blas")


one_blas_thread()
st.set_page_config(
    page_title="Unrolled",
    page_icon=":material/replay:",
    layout="wide",
    initial_sidebar_state="collapsed" if classroom.presentation_asked() else "auto",
)

page = st.navigation(
    [
        st.Page(path, title=title, icon=icon, default=default)
        for path, title, icon, default in PAGES
        if (HERE / path).exists()
    ]
)
style.apply()
classroom.before_page()
class_pulse.before_page()  # ?class=CODE joins the class and stays in the link
try:
    page.run()
finally:
    # Also after a page's st.stop(): the note and the Share button are still drawn.
    classroom.after_page(st.sidebar, classroom.page_url(page.url_path))
