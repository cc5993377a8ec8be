"""The declared linkable widgets: a link is written from declarations and checked values, and every
ready-made link (scenarios, refutation links) names only declared widgets and values they take."""

import math

import pytest

from ui.classroom import scenarios
from ui.classroom.linkable import REGISTRY, Linkable, link
from ui.classroom.links import HIDE, LOCK
from ui.lab import controls as lab
from ui.lesson.misconceptions import INVENTORY
from ui.training import controls as training

NOT_WIDGETS = {"step"}  # the lesson's step: kept in links by the lesson itself, no widget


def takes(widget: Linkable, text: str) -> bool:
    """Whether the URL text ``text`` is a value the widget takes (as its link would write it)."""
    if widget.options:
        return text in {widget.show(option) for option in widget.options}
    try:
        value = float(text)
    except ValueError:
        return False
    return math.isfinite(value) and widget.low <= value <= widget.high


def test_a_link_holds_values_as_the_widgets_write_them():
    params = link(
        {training.LR: 3.0, training.MODEL: "statquest", lab.W2: -2.0, lab.LENGTH: 20},
        lock=[training.LR, lab.W2],
        hide=[training.SPEED],
    )
    assert params == {
        "tr_lr": "3",
        "tr_model": "StatQuest RNN",  # a select is bound by its option as shown
        "lab_w2": "-2",  # a slider's whole number without ".0", as Streamlit writes it
        "lab_length": "20",
        LOCK: "tr_lr,lab_w2",
        HIDE: "tr_speed",
    }


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (lab.W2, 3.5),  # past the slider's end
        (lab.W2, math.nan),
        (lab.W2, math.inf),
        (lab.W2, "2"),  # a text where a number goes
        (lab.W2, True),
        (training.LR, 0.5),  # no such notch
        (training.MODEL, "StatQuest RNN"),  # an option's text, not the option
        (lab.ACTIVATION, "softmax"),
    ],
)
def test_a_value_no_widget_takes_fails_when_the_link_is_built(widget, value):
    with pytest.raises(ValueError, match=widget.key()):
        link({widget: value})


def test_a_key_prefix_ends_in_an_underscore():
    with pytest.raises(ValueError, match="prefix"):
        Linkable("lab", "w2_again")


def test_a_widget_drawn_under_another_prefix_keeps_its_name():
    assert lab.W2.key() == "lab_w2" and lab.W2.key("ls_exploding_") == "ls_exploding_w2"


READY_MADE = [(s.title, s.params) for s in scenarios.SCENARIOS] + [(m.code, m.params) for m in INVENTORY]


@pytest.mark.parametrize(("name", "params"), READY_MADE, ids=[name for name, _ in READY_MADE])
def test_every_ready_made_link_names_declared_widgets_and_values_they_take(name, params):
    for key, text in params.items():
        if key in (LOCK, HIDE):
            assert all(part in REGISTRY for part in text.split(",")), (key, text)
        elif key not in NOT_WIDGETS:
            assert key in REGISTRY and takes(REGISTRY[key], text), (key, text)


def test_the_training_choices_offer_every_optimiser_and_clipping_rule_of_the_engine():
    import rnn_core as rc

    assert list(training.OPTIMIZER.options) == list(rc.OPTIMIZERS)
    assert list(training.CLIP.options) == list(rc.CLIPPING)
