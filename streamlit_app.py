"""Unrolled's entry point: page config and navigation over the lesson's pages.

Run with `streamlit run streamlit_app.py`. Pages whose file does not exist yet are
left out of the navigation, so the app always starts.
"""

from pathlib import Path

import streamlit as st

HERE = Path(__file__).parent

PAGES = {
    "Learn": [
        ("app_pages/home.py", "Home", ":material/home:", True),
        ("app_pages/statland.py", "StatLand", ":material/account_tree:", False),
    ],
    "Experiment": [
        ("app_pages/training.py", "Training", ":material/model_training:", False),
        ("app_pages/lab.py", "Gradient lab", ":material/science:", False),
    ],
}

st.set_page_config(page_title="Unrolled", page_icon=":material/replay:", layout="wide")

navigation = {
    section: [
        st.Page(path, title=title, icon=icon, default=default)
        for path, title, icon, default in entries
        if (HERE / path).exists()
    ]
    for section, entries in PAGES.items()
}
st.navigation({section: pages for section, pages in navigation.items() if pages}).run()
