"""Every view of the app (each page, lab view and lesson step, ``browser_support.VIEWS``) opened from its
link in a fresh session at a laptop's and a phone's size in the light and the dark theme, and at a small
laptop's in the light one; each load is read by every check that applies to it (tests/view_checks.py:
nothing cut, no faint chart text, nothing wider than the window, no toolbar over a control, a lab view or
a lesson step on one screen, ...). At the laptop's and the phone's size, axe-core's WCAG 2.0/2.1/2.2 A and
AA rules find no serious or critical violation.

axe-core is the copy bundled in the PyPI package axe-playwright-python (requirements-dev.txt), injected
into the page by Playwright; its version is read from the file. Each case saves what axe and the checks
found in artifacts/axe/ (one JSON per case), so a run's counts can be tabled without running it again,
and its first screen in artifacts/screenshots/views/, for a person to judge.

Each case loads its view afresh (a new app session) at its size and in its colour scheme, in the
worker's one browser page (tests/conftest.py), which keeps its compiled JavaScript between tests;
axe's findings, the chart-text findings and every drawn element's box and colours are the same as
in a new browser context. The two colour schemes are two loads: switched in place, without a new
run of the app, the theme the server read at the load stays (the lab's drag read-out kept its light
ink on the dark page; on Training, the number inputs' buttons and one control kept the light
theme's colours), so a dark case would not check what a dark load draws.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser_support import VIEWS, assert_healthy, expect_charts_drawn, open_app_page, screenshot
from playwright.sync_api import Page, expect
from view_checks import CHECKS, SIZES, THEMES

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = ("serious", "critical")
AXE_SIZES = ("1280x800", "390x844")
RESULTS = Path(__file__).resolve().parents[2] / "artifacts" / "axe"


def axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_version() -> str:
    found = re.search(r"axe v(\d+\.\d+\.\d+)", axe_script()[:200])
    assert found, "the bundled axe.min.js names no version"
    return found.group(1)


CASES = [
    pytest.param(view, size, theme, id=f"{view}-{size}-{theme}")
    for view in VIEWS
    for size in SIZES
    for theme in (THEMES if size in AXE_SIZES else ("light",))
]


def wait_until_drawn(page: Page) -> None:
    """Charts drawn (SVG or canvas inside each), no element left faded from a run, no transition
    under way and web fonts settled, so the colours axe reads are the ones a learner sees."""
    charts = page.get_by_test_id("stVegaLiteChart")
    for i in range(charts.count()):
        expect(charts.nth(i).locator("svg, canvas").first).to_be_attached(timeout=20_000)
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=10_000)
    page.wait_for_function(
        "() => document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')",
        timeout=10_000,
    )
    page.evaluate("() => document.fonts.ready.then(() => true)")


def run_axe(page: Page) -> dict:
    page.evaluate(axe_script())
    # The whole page, Streamlit's own markup (sidebar, header, menus) included: nothing is excluded.
    context = {"include": [["body"]]}
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    return page.evaluate("([context, options]) => axe.run(context, options)", [context, options])


def describe(violations: list[dict], nodes_per_rule: int = 6) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:nodes_per_rule]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:240]}")
        if len(v["nodes"]) > nodes_per_rule:
            lines.append(f"    ... and {len(v['nodes']) - nodes_per_rule} more")
    return "\n".join(lines)


@pytest.mark.parametrize(("view", "size", "theme"), CASES)
def test_every_view_reads_well_at_every_size_in_both_themes(page: Page, base_url, screenshots, view, size, theme):
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(color_scheme=theme)
    path, query = VIEWS[view]
    open_app_page(page, base_url, path, query)
    assert_healthy(page)
    wait_until_drawn(page)
    background = page.evaluate(
        "() => getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor"
    )
    red, green, blue = (int(c) for c in re.findall(r"\d+", background)[:3])
    assert (red + green + blue < 300) == (theme == "dark"), f"{theme} theme asked for, background {background}"
    results = run_axe(page) if size in AXE_SIZES else None
    if page.get_by_test_id("stVegaLiteChart").count():
        expect_charts_drawn(page)
    folder = screenshots / "views"
    folder.mkdir(exist_ok=True)
    screenshot(page, folder, f"{view}_{size}_{theme}", full_page=False)
    found = {check.name: check.read(page, view, size) for check in CHECKS if check.applies(view, size, theme)}
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {"view": view, "size": size, "theme": theme, **found}
    if results is not None:
        record["axe"] = results["testEngine"]["version"]
        record["violations"] = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "targets": [n["target"] for n in v["nodes"]],
                "html": [n["html"][:300] for n in v["nodes"]],
                "summary": [n.get("failureSummary") for n in v["nodes"]],
            }
            for v in results["violations"]
        ]
    (RESULTS / f"{view}-{size}-{theme}.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    if results is not None:
        serious = [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
        assert results["testEngine"]["version"] == axe_version()
        assert not serious, f"axe {axe_version()} on {view} at {size}, {theme} theme:\n{describe(serious)}"
    problems = {name: found for name, found in found.items() if found}
    assert not problems, f"{view} at {size}, {theme} theme:\n" + "\n".join(
        f"{name}: {found}" for name, found in problems.items()
    )


def test_every_check_reads_some_view_and_every_view_is_read_at_every_size():
    for check in CHECKS:
        assert any(check.applies(*case.values) for case in CASES), check.name
    assert {(view, size) for view, size, _ in (case.values for case in CASES)} == {(v, s) for v in VIEWS for s in SIZES}


@pytest.mark.parametrize("view", ["lab-step", "lesson-4"])
def test_the_one_screen_checks_find_a_view_taller_than_the_window(page: Page, base_url, view):
    page.set_viewport_size({"width": 1280, "height": 420})
    open_app_page(page, base_url, *VIEWS[view])
    wait_until_drawn(page)
    check = next(c for c in CHECKS if c.name.endswith("on one screen") and c.views(view))
    found = check.read(page, view, "1280x800")
    assert len(found) == 1 and "the window is 420 px" in found[0], found
