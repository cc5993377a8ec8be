"""Session-state keys shared between pages, kept in one place so pages agree on them."""

from __future__ import annotations

import numpy as np
import streamlit as st

import rnn_core as rc

# Weights handed from another page (Training, or an upload) to the StatLand page,
# applied to its weight inputs on its next run.
STATLAND_PENDING = "sl_pending_weights"
WEIGHT_LIMIT = 50.0


def send_weights_to_statland(params) -> str | None:
    """Queue a 1-unit model's five weights for the StatLand page; return a problem or None."""
    values = {}
    for name in rc.PARAM_NAMES:
        if name not in params:
            return f"these weights have no {name}; the StatLand network needs w1, w2, b1, w3 and b2"
        array = np.asarray(params[name], dtype=float)
        if array.size != 1:
            return (
                f"{name} has {array.size} numbers; the StatLand network has one hidden unit, "
                "so each weight is a single number. Train the 1-unit StatQuest RNN to use it here."
            )
        value = float(array.ravel()[0])
        if not np.isfinite(value) or abs(value) > WEIGHT_LIMIT:
            return f"{name} = {value:.4g} is outside the StatLand page's range (-{WEIGHT_LIMIT:g} to {WEIGHT_LIMIT:g})"
        values[name] = round(value, 6)
    st.session_state[STATLAND_PENDING] = values
    return None


# The sentences about the state on screen that this run showed (``ui.claims.Said``), by their text:
# the screen test checks that every claim word on a page comes from one of them.
SAID = "_said_this_run"


def shown(sentence) -> str:
    """The text of a sentence built from the state on screen, noted as shown in this run."""
    st.session_state.setdefault(SAID, {})[sentence.text] = sentence
    return sentence.text
