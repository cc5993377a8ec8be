"""Each page draws its link-bound widgets from the declarations (``ui.classroom.linkable``): every
widget a run binds to the URL is declared, and every declaration of a page is drawn in some state."""

import pytest
from apptest_support import assert_clean, open_page

from ui.classroom.linkable import REGISTRY, link
from ui.classroom.links import CONTROLS
from ui.lab.views import LABELS, VIEW_CHOICE
from ui.statland import controls as statland
from ui.training import controls as training

VARIANTS = {
    "sl_": [("app_pages/statland.py", link({statland.DAYS: 10}))],
    "lab_": [("app_pages/lab.py", link({VIEW_CHOICE: label})) for label in LABELS.values()],
    "tr_": [
        ("app_pages/training.py", {}),
        ("app_pages/training.py", link({training.DATA: "stocks", training.CLIP: "norm", training.MODEL: "vanilla"})),
        ("app_pages/training.py", link({training.DATA: "statland", training.MODEL: "statquest"})),
    ],
}


def bound_keys(at) -> set[str]:
    """The widgets this run bound to the URL (``None``: lockable, not carried by links)."""
    return {key for key, shown in at.session_state[CONTROLS].items() if shown is not None}


@pytest.mark.parametrize("prefix", list(VARIANTS))
def test_a_page_binds_exactly_its_declared_widgets(prefix):
    drawn = set()
    for page, query in VARIANTS[prefix]:
        at = open_page(page, query=query)
        assert_clean(at)
        keys = bound_keys(at)
        assert keys <= set(REGISTRY), f"bound but not declared: {keys - set(REGISTRY)}"
        drawn |= keys
    declared = {key for key in REGISTRY if key.startswith(prefix)}
    assert drawn == declared, f"declared but never drawn: {declared - drawn}"
