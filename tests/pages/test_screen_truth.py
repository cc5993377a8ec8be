"""Every sentence on every screen that speaks of the state shown is built from rnn_core's numbers.

Each page, lab view, lesson step (and its feedback) and scenario link is opened; every piece of text
it shows is read, and every word that makes a claim about the state ("explodes", "exactly 0",
"cancels", "all four rules" ... ``ui.claims.VOCABULARY``) must sit inside a sentence the run built
with ``ui.claims`` (noted by ``ui.state.shown``) that declares a claim backing it, and every claim
those sentences make must hold on the engine's numbers. ``tests/ui/test_truth.py`` sweeps the states.
"""

from __future__ import annotations

import pytest
from apptest_support import open_page

from ui import claims
from ui.classroom import scenarios
from ui.kit.state import SAID
from ui.lab.views import LABELS
from ui.lesson import steps as lesson

TEXT_KINDS = ("markdown", "caption", "info", "success", "warning", "error", "subheader", "title", "text")


def screen_texts(at) -> list[str]:
    """Every piece of text a learner can read on the page, tooltips and options included."""
    texts = []
    for kind in TEXT_KINDS:
        for element in at.get(kind):
            texts.append(str(element.value))
            help_text = getattr(element.proto, "help", "")
            if help_text:
                texts.append(help_text)
    for metric in at.metric:
        texts += [str(metric.label), str(metric.value), metric.proto.help]
    for radio in at.radio:
        texts += [str(option) for option in radio.options]
    for expander in at.expander:
        texts.append(str(expander.label))
    for button in at.button:
        texts += [str(button.label), button.proto.help]
    for chart in at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"):
        texts.append(getattr(chart.proto, "alt", "") or "")
    return [t for t in texts if t]


def said_this_run(at) -> list[claims.Said]:
    return list(at.session_state[SAID].values()) if SAID in at.session_state else []


def assert_true_screen(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    sentences = said_this_run(at)
    uncovered = {text[:160]: words for text in screen_texts(at) if (words := claims.uncovered_words(text, sentences))}
    assert not uncovered, f"claim words outside a built sentence: {uncovered}"
    wrong = {s.text[:160]: [str(c) for c in claims.false_claims(s)] for s in sentences if claims.false_claims(s)}
    assert not wrong, f"false claims on screen: {wrong}"


PAGES = (
    [
        ("home", None, {}),
        ("statland", "app_pages/statland.py", {}),
        ("statland w2 = 0", "app_pages/statland.py", {"sl_w2": "0"}),
        ("statland low → low", "app_pages/statland.py", {"sl_day1": "low", "sl_day2": "low"}),
        ("training", "app_pages/training.py", {}),
        ("teachers", "app_pages/teachers.py", {}),
    ]
    + [(f"lab {view}", "app_pages/lab.py", {"lab_view": label}) for view, label in LABELS.items()]
    + [
        (
            f"lab {view} w2 = −2 tanh T = 200",
            "app_pages/lab.py",
            {"lab_view": label, "lab_w2": "-2", "lab_length": "200", "lab_activation": "tanh"},
        )
        for view, label in LABELS.items()
    ]
    + [(f"lesson step {n}", "app_pages/lesson.py", {"step": str(n)}) for n in range(1, len(lesson.STEPS) + 1)]
    + [(f"scenario {s.title}", s.page, s.params) for s in scenarios.SCENARIOS]
)


@pytest.mark.parametrize(("name", "page", "query"), PAGES, ids=[p[0] for p in PAGES])
def test_every_claim_word_on_screen_is_built_from_the_state_and_true(name, page, query):
    at = open_page(page, query=query)
    assert_true_screen(at)
