"""Ready-made scenario links for a class: each opens one page with the settings of one idea.

A scenario names its page, the link's parameters (widget values, and which controls the
class may not change) and one question to ask. The For teachers page lists them; the tests
open every link and check that the page shows what the question needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from ui.lab_text import VIEWS

WEIGHT_KEYS = ",".join(f"sl_{name}" for name in ("w1", "w2", "b1", "w3", "b2"))


@dataclass(frozen=True)
class Scenario:
    title: str
    page: str  # the page's file, as st.page_link takes it
    url_path: str  # the page's address in the app
    params: dict[str, str]
    ask: str  # one sentence: what to ask the class

    def link(self, origin: str) -> str:
        """The full link, for an app served at ``origin`` (e.g. https://unrolled.streamlit.app)."""
        return f"{origin.rstrip('/')}/{self.url_path}?{urlencode(self.params, safe=',')}"


SCENARIOS = (
    Scenario(
        "The four rules",
        "app_pages/statland.py",
        "statland",
        {"lock": WEIGHT_KEYS},
        "Press each rule's button: how does w2 = −0.5 let day 1's price change the prediction?",
    ),
    Scenario(
        "Ten days, still five parameters",
        "app_pages/statland.py",
        "statland",
        {"sl_days": "10", "lock": f"sl_days,{WEIGHT_KEYS}"},
        "The network now reads ten days. How many numbers did we have to add to it?",
    ),
    Scenario(
        "BPTT adds up each day's share",
        "app_pages/training.py",
        "training",
        {"tr_data": "StatLand rules", "tr_model": "StatQuest RNN", "lock": "tr_data,tr_model"},
        "Press Step once. Why is day 1's share of dL/dw2 exactly zero?",
    ),
    Scenario(
        "A learning rate too large",
        "app_pages/training.py",
        "training",
        {"tr_optimizer": "SGD", "tr_lr": "3", "lock": "tr_optimizer,tr_lr", "hide": "tr_speed"},
        "Press Step a few times. Why does the loss climb when every step goes downhill?",
    ),
    Scenario(
        "w2 = 2: gradients explode",
        "app_pages/lab.py",
        "lab",
        {"lab_w2": "2", "lab_length": "20", "lab_view": VIEWS["inputs"], "lock": "lab_w2", "hide": "lab_activation"},
        "How many times more does day 1 count than day 20, and why is it a power of 2?",
    ),
    Scenario(
        "w2 = 0.5: gradients vanish",
        "app_pages/lab.py",
        "lab",
        {"lab_w2": "0.5", "lab_length": "50", "lab_view": VIEWS["inputs"], "lock": "lab_w2", "hide": "lab_activation"},
        "Fifty days in, what is left of the first day's influence? Could training still learn from it?",
    ),
    Scenario(
        "No safe w2: the map",
        "app_pages/lab.py",
        "lab",
        {"lab_view": VIEWS["heatmap"], "lab_length": "100", "hide": "lab_activation"},
        "Find a w2 where day 1 still counts after 100 days without exploding. How wide is that band?",
    ),
    Scenario(
        "Clipping past the cliff",
        "app_pages/lab.py",
        "lab",
        {"lab_view": VIEWS["cliff"], "lab_cliff_start": "5.5"},
        "Why does the plain step leap off the chart at the wall, and what does clipping keep of it?",
    ),
    Scenario(
        "An LSTM keeps a long memory",
        "app_pages/lab.py",
        "lab",
        {"lab_view": VIEWS["gates"], "lab_w2": "0.5", "lab_length": "1000", "lock": "lab_w2,lab_length"},
        "After 1,000 days the vanilla RNN has forgotten day 1. What lets the LSTM and GRU still feel it?",
    ),
    Scenario(
        "The lesson, from exploding gradients",
        "app_pages/lesson.py",
        "lesson",
        {"step": "7"},
        "Everyone starts at step 7: predict first, then check on the live network.",
    ),
)

EMBED_OPTIONS = ("show_toolbar", "show_padding", "light_theme", "dark_theme", "disable_scrolling")


def embed_link(link: str) -> str:
    """A link for an <iframe> in a course page: Community Cloud's embedded mode, no toolbar."""
    return link + ("&" if "?" in link else "?") + "embed=true"


def iframe_html(link: str, height: int = 720) -> str:
    return f'<iframe src="{embed_link(link)}" width="100%" height="{height}" style="border:0"></iframe>'
