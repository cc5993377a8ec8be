"""Every chart on every page says only true things on hover.

Streamlit's chart theme gives any mark without a tooltip of its own one listing its encoded
fields raw: a heatmap cell's or a curve's log10 read as if it were the value, a descent path's
internal "segment" and "order". A line is one mark for all its rows, so a tooltip on it shows
its first row wherever the pointer is. So: every mark says what its tooltip is (a list, or
none), no line has one, and no tooltip shows a log10 column as a number.
"""

from __future__ import annotations

import json

import pytest
from apptest_support import open_page, vega_charts

from ui.lab.views import LABELS
from ui.lesson.steps import STEPS

PAGES = (
    [("home", None, {}), ("statland", "app_pages/statland.py", {}), ("training", "app_pages/training.py", {})]
    + [(f"lab {view}", "app_pages/lab.py", {"lab_view": label}) for view, label in LABELS.items()]
    + [(f"lesson step {n}", "app_pages/lesson.py", {"step": str(n)}) for n in range(1, len(STEPS) + 1)]
)


def marks(spec: dict, path: str = ""):
    """(path, unit spec) for every mark in a Vega-Lite spec, however deeply layered."""
    if "mark" in spec:
        yield path, spec
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for i, child in enumerate(spec.get(key, [])):
            yield from marks(child, f"{path}/{key}{i}")


def tooltip_problems(spec: dict) -> list[str]:
    found = []
    for path, unit in marks(spec):
        mark = unit["mark"] if isinstance(unit["mark"], dict) else {"type": unit["mark"]}
        encoding = unit.get("encoding", {})
        declared = "tooltip" in encoding or ("tooltip" in mark and mark["tooltip"] in (None, False))
        if not declared and any(isinstance(e, dict) and "field" in e for e in encoding.values()):
            found.append(f"{path} {mark['type']}: no tooltip of its own, so the theme's raw one")
        if mark["type"] in ("line", "area") and "tooltip" in encoding:
            found.append(f"{path} {mark['type']}: a tooltip on a line shows its first row")
        tips = encoding.get("tooltip") or []
        for tip in tips if isinstance(tips, list) else [tips]:
            if "log10" in str(tip.get("field", "")) and "log10" not in str(tip.get("title", "")):
                found.append(f"{path}: tooltip {tip.get('title')!r} shows the log10 column as the value")
    return found


@pytest.mark.parametrize(("name", "page", "query"), PAGES, ids=[p[0] for p in PAGES])
def test_every_chart_tooltip_is_declared_and_true(name, page, query):
    at = open_page(page, query=query)
    problems = {}
    for i, chart in enumerate(vega_charts(at)):
        found = tooltip_problems(json.loads(chart.proto.spec))
        if found:
            problems[i] = found
    assert problems == {}, f"{name}: {problems}"
