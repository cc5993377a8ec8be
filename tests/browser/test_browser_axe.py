"""axe-core's WCAG 2.0/2.1/2.2 A and AA rules on every page, lab view and lesson step, at a laptop's and
a phone's size, in the light and the dark theme: no serious or critical violation. The same load is
read for chart text too faint to read and for a formula, chart text or metric cut
(test_browser_nothing_cut.py reads the other sizes and links).

axe-core is the copy bundled in the PyPI package axe-playwright-python (requirements-dev.txt), injected
into the page by Playwright; its version is read from the file. Each case saves what axe found in
artifacts/axe/ (one JSON per case), so a run's counts can be tabled without running it again.

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
from browser_support import VIEWS, assert_healthy, expect_charts_drawn, open_app_page, screenshot, what_is_cut
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = ("serious", "critical")
SIZES = {"1280x800": (1280, 800), "390x844": (390, 844)}
THEMES = ("light", "dark")
# Views whose first screen is saved in every size and theme, for a person to judge (README).
JUDGED = ("home", "lesson-4", "lab-inputs")
RESULTS = Path(__file__).resolve().parents[2] / "artifacts" / "axe"


def axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_version() -> str:
    found = re.search(r"axe v(\d+\.\d+\.\d+)", axe_script()[:200])
    assert found, "the bundled axe.min.js names no version"
    return found.group(1)


CASES = [
    pytest.param(view, size, theme, id=f"{view}-{size}-{theme}") for view in VIEWS for size in SIZES for theme in THEMES
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


# Text drawn in SVG (the charts' axes, legends and titles, every label of the StatLand diagram):
# axe-core leaves SVG text out of its contrast rule, so it is measured here with WCAG's formula,
# over the nearest opaque background (a diagram box's faint tint left out).
_CHART_TEXT_CONTRAST = """() => {
  const rgba = c => { const v = (c.match(/[\\d.]+/g) || []).map(Number);
    return c.startsWith('color(') ? [v[0] * 255, v[1] * 255, v[2] * 255, v[3] ?? 1] : v; };
  const linear = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  const backdrop = e => { for (; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || c[3] > 0.99) return c.slice(0, 3); } return [255, 255, 255]; };
  const found = [];
  const roles = '.role-axis-label, .role-axis-title, .role-legend-label, .role-legend-title, .role-title';
  const texts = `[data-testid="stVegaLiteChart"] :is(${roles}) text, .sl-diagram svg text`;
  for (const t of document.querySelectorAll(texts)) {
    if (!t.textContent.trim() || !t.getClientRects().length) continue;
    const s = getComputedStyle(t);
    let alpha = parseFloat(s.fillOpacity) * (rgba(s.fill)[3] ?? 1);
    for (let e = t; e; e = e.parentElement) alpha *= parseFloat(getComputedStyle(e).opacity);
    const bg = backdrop(t.closest('[data-testid="stVegaLiteChart"], .sl-diagram'));
    const fg = rgba(s.fill).slice(0, 3).map((v, i) => alpha * v + (1 - alpha) * bg[i]);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const scale = t.ownerSVGElement.getScreenCTM().a;
    const px = parseFloat(t.getAttribute('font-size') || s.fontSize) * scale, bold = parseInt(s.fontWeight) >= 700;
    const needed = px >= 24 || (bold && px >= 18.66) ? 3 : 4.5;
    if (ratio < needed) found.push(`"${t.textContent.trim().slice(0, 40)}": ${ratio.toFixed(2)}:1 (needs ${needed}), `
      + `fill ${s.fill} at ${alpha.toFixed(2)} on rgb(${bg.join(', ')})`);
  }
  return found;
}"""


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
def test_no_serious_or_critical_axe_violation(page: Page, base_url, screenshots, view, size, theme):
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
    results = run_axe(page)
    found = [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
    faint_chart_text = page.evaluate(_CHART_TEXT_CONTRAST)
    if page.get_by_test_id("stVegaLiteChart").count():
        expect_charts_drawn(page)
    cut = what_is_cut(page)
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {
        "view": view,
        "size": size,
        "theme": theme,
        "axe": results["testEngine"]["version"],
        "violations": [
            {
                "id": v["id"],
                "impact": v["impact"],
                "targets": [n["target"] for n in v["nodes"]],
                "html": [n["html"][:300] for n in v["nodes"]],
                "summary": [n.get("failureSummary") for n in v["nodes"]],
            }
            for v in results["violations"]
        ],
        "faint_chart_text": faint_chart_text,
        "cut": cut,
    }
    (RESULTS / f"{view}-{size}-{theme}.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    if found or faint_chart_text or cut or view in JUDGED:
        screenshot(page, screenshots, f"axe_{view}_{size}_{theme}", full_page=False)
    assert results["testEngine"]["version"] == axe_version()
    assert not found, f"axe {axe_version()} on {view} at {size}, {theme} theme:\n{describe(found)}"
    assert not faint_chart_text, f"chart text below WCAG AA contrast on {view} at {size}, {theme} theme:\n" + "\n".join(
        faint_chart_text
    )
    assert not cut, f"cut on {view} at {size}, {theme} theme:\n" + "\n".join(cut)
