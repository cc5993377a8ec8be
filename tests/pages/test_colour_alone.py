"""Colour is never alone: in every chart of the Training page and the lab, a mark whose colour says
which series it is also says it by its dash (lines) or its shape (points), so a reader who cannot
tell the colours apart (deuteranopia, protanopia, a grey printout) still can."""

import json

import pytest
from apptest_support import assert_clean, open_page, vega_charts

from ui.classroom.linkable import link
from ui.lab.views import LABELS, VIEW_CHOICE
from ui.training import controls as training

TRAINING = "app_pages/training.py"


def layers(spec: dict):
    """Every unit spec of a (possibly layered) Vega-Lite spec, with the encoding it inherits."""
    inherited = spec.get("encoding", {})
    if "layer" in spec:
        for child in spec["layer"]:
            yield from layers({**child, "encoding": {**inherited, **child.get("encoding", {})}})
    else:
        yield spec


def colour_alone(spec: dict) -> list[str]:
    """The series fields that a line or point layer tells apart by colour only. A point on a line
    whose dash names the same series (a curve's dots) is named by that line."""
    units = []
    for layer in layers(spec):
        mark = layer.get("mark")
        units.append((mark.get("type") if isinstance(mark, dict) else mark, layer.get("encoding", {})))
    dashed = {e.get("strokeDash", {}).get("field") for mark, e in units if mark == "line"} - {None}
    found = []
    for mark, encoding in units:
        field = encoding.get("color", {}).get("field")
        if field is None or mark not in ("line", "point", "circle"):
            continue
        if encoding.get("strokeDash" if mark == "line" else "shape", {}).get("field") == field:
            continue
        if mark != "line" and field in dashed:
            continue
        found.append(f"{mark} by {field}")
    return found


def charts_colour_alone(at) -> dict[str, list[str]]:
    out = {}
    for chart in vega_charts(at):
        spec = json.loads(chart.proto.spec)
        if found := colour_alone(spec):
            out[json.dumps(spec.get("title"))] = found
    return out


@pytest.mark.parametrize(
    "query",
    [
        {},  # the lesson's network on the four rules
        link({training.MODEL: "vanilla", training.HIDDEN: 4, training.DATA: "statland"}),  # the per-day chart
        link({training.DATA: "stocks", training.MODEL: "gru", training.BATCH: 16}),  # mini-batches, prices
    ],
)
def test_no_training_chart_tells_its_series_apart_by_colour_alone(query):
    at = open_page(TRAINING, query=query)
    for _ in range(3):
        at.button(key="tr_step").click().run()
    at.button(key="tr_reset").click().run()  # a finished run is kept: the comparison of runs
    for _ in range(2):
        at.button(key="tr_step").click().run()
    assert_clean(at)
    assert len(vega_charts(at)) >= 3
    assert charts_colour_alone(at) == {}


@pytest.mark.parametrize("view", list(LABELS))
def test_no_lab_chart_tells_its_series_apart_by_colour_alone(view):
    at = open_page("app_pages/lab.py", query=link({VIEW_CHOICE: LABELS[view]}))
    assert_clean(at)
    assert charts_colour_alone(at) == {}
