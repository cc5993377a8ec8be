"""What the browser reads from one load of a view: each check returns the problems it finds (none: an
empty list), so one load of a view at a size and in a theme is read by every check that applies to it
(tests/browser/test_browser_views.py). A check names the views, sizes and themes it reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from browser_support import TOO_WIDE, VIEWS, box, what_is_cut
from playwright.sync_api import Page, expect

from ui.classroom import scenarios
from ui.lab.text import word_count
from ui.lab.views import LABELS, uses_shared_controls
from ui.lesson import steps as lesson

SIZES = {"1280x800": (1280, 800), "1024x700": (1024, 700), "390x844": (390, 844)}
THEMES = ("light", "dark")
# What a lesson step's live view draws: the StatLand diagram, a chart, the BPTT graph or a table.
FIGURES = (
    '.sl-diagram svg, [data-testid="stVegaLiteChart"], [data-testid="stGraphVizChart"], '
    '[data-testid="stMain"] [data-testid="stDataFrame"]'
)
# A lab view's own controls, below its figure (the shared ones are above it).
LAB_OWN_CONTROLS = {
    "inputs": [],
    "heatmap": [],
    "pieces": [],
    "step": ["step_lr", "step_clip"],
    "cliff": ["cliff_lr", "cliff_threshold", "cliff_start"],
    "gates": ["gate_bias", "show_vanishing"],
}
LAB_MAX_WORDS = 60


@dataclass(frozen=True)
class ViewCheck:
    """A check of a loaded view: ``read(page, view, size)`` gives its problems."""

    name: str
    read: Callable[[Page, str, str], list[str]]
    views: Callable[[str], bool] = lambda view: True
    sizes: tuple[str, ...] = tuple(SIZES)
    themes: tuple[str, ...] = THEMES

    def applies(self, view: str, size: str, theme: str) -> bool:
        return size in self.sizes and theme in self.themes and self.views(view)


def lab_view(view: str) -> str | None:
    """The lab view's key of a view's name ("lab-step" -> "step"), or None."""
    return view.removeprefix("lab-") if view.startswith("lab-") else None


def lesson_step(view: str) -> int | None:
    """The lesson step's number of a view's name ("lesson-4" -> 4), or None."""
    return int(view.removeprefix("lesson-")) if view.startswith("lesson-") else None


def bottom(found: dict) -> float:
    return found["y"] + found["height"]


# --- every view -------------------------------------------------------------------------------------

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


def faint_chart_text(page: Page, view: str, size: str) -> list[str]:
    """Text drawn in SVG (the charts' axes, legends and titles, every label of the StatLand diagram)
    below WCAG AA contrast. axe-core leaves SVG text out of its contrast rule, so it is measured here
    with WCAG's formula, over the nearest opaque background (a diagram box's faint tint left out)."""
    return page.evaluate(_CHART_TEXT_CONTRAST)


def too_wide(page: Page, view: str, size: str) -> list[str]:
    """Elements wider than the window: a learner would scroll sideways to read them."""
    return page.evaluate(TOO_WIDE)


# --- toolbars ---------------------------------------------------------------------------------------

# Every control's box that the shown toolbar overlaps, except the toolbars' own buttons.
_COVERED = """() => {
  const covered = [];
  const controls = 'button, input, select, textarea, a[href], summary, [role=slider], [role=tab], '
    + '[role=radio], [role=checkbox], [role=combobox], [role=button]';
  for (const bar of document.querySelectorAll('[data-testid="stElementToolbar"]')) {
    const b = bar.getBoundingClientRect();
    if (b.width < 1 || Number(getComputedStyle(bar).opacity) === 0) continue;
    for (const c of document.querySelectorAll(controls)) {
      if (c.closest('[data-testid="stElementToolbar"]')) continue;
      const r = c.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || getComputedStyle(c).visibility === 'hidden') continue;
      if (r.right <= b.left || r.left >= b.right || r.bottom <= b.top || r.top >= b.bottom) continue;
      covered.push(`${c.tagName} "${(c.getAttribute('aria-label') || c.innerText || c.value || '').slice(0, 40)}"`);
    }
  }
  return covered;
}"""
TOOLBAR_ELEMENTS = "[data-testid='stVegaLiteChart'], [data-testid='stDataFrame']"


def covered_controls(page: Page) -> list[str]:
    """Hover each chart and table on the screen in turn: the controls its toolbar covers. A chart's or
    table's toolbar shows while the pointer is over it, and must never cover a control."""
    found = []
    elements = page.locator(TOOLBAR_ELEMENTS)
    for i in range(elements.count()):
        element = elements.nth(i)
        if not element.is_visible():  # in a closed expander
            continue
        element.scroll_into_view_if_needed()
        where = element.bounding_box()
        page.mouse.move(where["x"] + where["width"] / 2, where["y"] + min(30, where["height"] / 2))
        toolbar = element.locator("xpath=ancestor::*[@data-testid='stFullScreenFrame'][1]").get_by_test_id(
            "stElementToolbar"
        )
        expect(toolbar).to_have_css("opacity", "1")  # shown, its fade-in over
        found += [f"element {i}: {what}" for what in page.evaluate(_COVERED)]
        page.mouse.move(0, 0)
    return found


def toolbars_cover_nothing(page: Page, view: str, size: str) -> list[str]:
    if page.locator(TOOLBAR_ELEMENTS).count() == 0:
        return [f"{view} was expected to draw a chart or a table"]
    found = covered_controls(page)
    page.evaluate("window.scrollTo(0, 0)")
    return found


# --- the lab ----------------------------------------------------------------------------------------


def lab_view_fits_one_screen(page: Page, view: str, size: str) -> list[str]:
    """One chart (the chosen view's); the controls at the top (the shared ones, or the cliff's own),
    the figure, its text and its own controls inside the window; at most 60 words of text."""
    key = lab_view(view)
    problems = []
    if (count := page.get_by_test_id("stVegaLiteChart").count()) != 1:
        problems.append(f"{count} charts drawn: only the chosen view's should be")
    top_selector = ".st-key-lab_shared" if uses_shared_controls(key) else f".st-key-lab_{LAB_OWN_CONTROLS[key][0]}"
    top = box(page, top_selector)["y"]
    parts = [box(page, '[data-testid="stVegaLiteChart"]'), box(page, f".st-key-lab_{key}_text")]
    parts += [box(page, f".st-key-lab_{control}") for control in LAB_OWN_CONTROLS[key]]
    lowest = max(bottom(p) for p in parts)
    height = page.viewport_size["height"]
    if top < 0 or lowest > height:
        problems.append(f"controls and figure from {top:.0f} to {lowest:.0f} px, the window is {height} px")
    words = word_count(page.locator(f".st-key-lab_{key}_text").inner_text())
    if words > LAB_MAX_WORDS:
        problems.append(f"{words} words of text (at most {LAB_MAX_WORDS})")
    return problems


def drag_read_out_is_light(page: Page, view: str, size: str) -> list[str]:
    """On the dark page the in-chart slider's read-out ("w2 = ...") is light ink."""
    text = page.get_by_test_id("stVegaLiteChart").first.locator("svg .mark-text text", has_text="w2 = ").last
    fill = text.get_attribute("fill")
    red, green, blue = (int(fill.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return [] if luminance > 200 else [f"the drag read-out's ink {fill} is dark on the dark page"]


# --- the lesson -------------------------------------------------------------------------------------


def _step_heading(page: Page, n: int):
    return page.get_by_role("heading", name=f"{n}. {lesson.STEPS[n - 1].title}")


def lesson_step_fits_one_screen(page: Page, view: str, size: str) -> list[str]:
    """Opened from its link: the step's heading and the progress bar; the way on, the heading, the
    challenge and the figure of the live view (when it shows before the answer) end inside the window."""
    n = lesson_step(view)
    expect(_step_heading(page, n)).to_be_visible()
    expect(page.get_by_test_id("stProgress")).to_be_visible()
    parts = [page.locator(".st-key-ls_nav"), _step_heading(page, n), page.get_by_text("Your turn:", exact=False)]
    parts += page.locator(FIGURES).all()
    lowest = max(bottom(box(page, part)) for part in parts)
    height = page.viewport_size["height"]
    return [] if lowest <= height else [f"step {n} ends at {lowest:.0f} px, the window is {height} px"]


def lesson_step_starts_on_the_first_screen(page: Page, view: str, size: str) -> list[str]:
    """On a phone the question and every figure start on the first screen; a diagram wider than the
    phone says that it scrolls; the page itself does not scroll sideways."""
    n = lesson_step(view)
    height, width = page.viewport_size["height"], page.viewport_size["width"]
    tops = {"question": box(page, page.get_by_text("Your turn:", exact=False))["y"]}
    tops |= {f"figure {i}": box(page, figure)["y"] for i, figure in enumerate(page.locator(FIGURES).all())}
    problems = []
    if len(tops) < 2 or max(tops.values()) >= height:
        problems.append(f"step {n} starts its parts at {tops}")
    for diagram in page.locator(".sl-diagram").all():
        if diagram.evaluate("b => b.scrollWidth > b.clientWidth + 1"):
            expect(page.get_by_text("Swipe sideways for every day").first).to_be_visible()
    if (scroll := page.evaluate("() => document.documentElement.scrollWidth")) > width:
        problems.append(f"the page itself scrolls sideways ({scroll} px)")
    return problems


# --- For teachers -----------------------------------------------------------------------------------


def scenarios_in_reading_order(page: Page, view: str, size: str) -> list[str]:
    """Every scenario's link, read in reading order (top to bottom, then left to right), in the list's
    order: on a phone the columns stack and the scenarios keep their order."""
    links = page.get_by_test_id("stPageLink")
    expect(links).to_have_count(len(scenarios.SCENARIOS))
    boxes = []
    for link in links.all():
        found = link.bounding_box()
        boxes.append((round(found["y"]), found["x"], link.inner_text().split("\n")[-1]))
    read = [text for _, _, text in sorted(boxes)]
    expected = [s.title for s in scenarios.SCENARIOS]
    return [] if read == expected else [f"scenarios read in the order {read}"]


def _in(*names: str) -> Callable[[str], bool]:
    return lambda view: view in names


CHECKS = (
    ViewCheck("cut", lambda page, view, size: what_is_cut(page)),
    ViewCheck("faint chart text", faint_chart_text),
    ViewCheck(
        "wider than the window",
        too_wide,
        views=lambda view: lab_view(view) is not None or view == "teachers",
        sizes=("1024x700", "390x844"),
    ),
    ViewCheck(
        "a toolbar over a control",
        toolbars_cover_nothing,
        views=lambda view: lab_view(view) is not None or view in ("lesson-9", "statland"),
        themes=("light",),
    ),
    ViewCheck(
        "lab view on one screen",
        lab_view_fits_one_screen,
        views=lambda view: lab_view(view) is not None,
        sizes=("1280x800",),
        themes=("light",),
    ),
    ViewCheck(
        "drag read-out on the dark page",
        drag_read_out_is_light,
        views=_in("lab-inputs", "lab-heatmap"),
        sizes=("1280x800",),
        themes=("dark",),
    ),
    ViewCheck(
        "lesson step on one screen",
        lesson_step_fits_one_screen,
        views=lambda view: lesson_step(view) is not None,
        sizes=("1280x800",),
        themes=("light",),
    ),
    ViewCheck(
        "lesson step starts on a phone's first screen",
        lesson_step_starts_on_the_first_screen,
        views=lambda view: lesson_step(view) is not None,
        sizes=("390x844",),
        themes=("light",),
    ),
    ViewCheck("scenarios in reading order", scenarios_in_reading_order, views=_in("teachers"), themes=("light",)),
)
assert set(LAB_OWN_CONTROLS) == set(LABELS) and all(view in VIEWS for view in ("lesson-9", "statland", "teachers"))
