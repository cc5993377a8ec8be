"""Widgets that more than one page draws, built one way."""

from __future__ import annotations

import streamlit as st

import rnn_core as rc
from rnn_core.weights_io import model_to_json


def weights_download_button(model: rc.RecurrentModel, file_name: str, key: str, where=st) -> None:
    """A button that saves ``model``'s weights as JSON, written when it is clicked.

    The file is made on click from a copy of the weights at this rerun, not stored with the
    page: a stored file is dropped by the next reruns (a live chart's ticks), and the
    browser, which checks a stored file's address as soon as it draws the button, would
    find it gone and log a 404.
    """
    frozen = model.copy()
    where.download_button(
        "Download weights (JSON)",
        lambda: model_to_json(frozen),
        file_name=file_name,
        mime="application/json",
        key=key,
        icon=":material/download:",
        # Saving a file changes nothing on the page; a rerun would also replace the file's
        # handle while the browser may still be asking for it.
        on_click="ignore",
    )
