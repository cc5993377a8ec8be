"""The whole lesson by keyboard alone: Tab, Shift+Tab, Enter, Space and the arrow keys (and digits
typed into the focused answer field), with a visible focus ring at every stop."""

import pytest
from browser_support import IDLE, assert_healthy, open_app_page, rerun_after, screenshot
from playwright.sync_api import Page, expect
from test_browser_lesson import engine_answers

import rnn_core as rc
from ui.lesson import steps as lesson

pytestmark = pytest.mark.browser

# What has the keyboard's focus, and whether a focus ring shows: an outline or a box shadow on the
# element, or (for a visually hidden input: a radio) on the control drawn for it.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  // Styles fade in (a heading's link, a toolbar): start their transitions (a style read does),
  // then read them as they end.
  for (let p = e; p; p = p.parentElement) getComputedStyle(p).opacity;
  for (const a of document.getAnimations()) { try { a.finish(); } catch (err) {} }
  const ring = el => {
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow && s.boxShadow !== 'none';
    return outline || shadow;
  };
  // Visually hidden: no size, transparent, or inside a clipped box (a radio's input is drawn by
  // its label); its own outline is then not seen, and the ring must be on the control around it.
  const clipped = el => {
    for (let p = el; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.clipPath === 'inset(50%)' || s.clip === 'rect(0px, 0px, 0px, 0px)' || s.opacity === '0') return true;
    }
    const r = el.getBoundingClientRect();
    return r.width <= 1 || r.height <= 1;
  };
  let where = e;
  if (clipped(e)) {
    where = null;
    for (let p = e.parentElement, k = 0; p && k < 6; p = p.parentElement, k++) {
      if (!clipped(p) && ring(p)) { where = p; break; }
    }
  }
  const shown = where !== null && ring(where);
  const key = (e.closest('[class*="st-key-"]')?.className.match(/st-key-\\S+/) || [''])[0];
  const label = e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].innerText)
    || (e.innerText || '').trim().slice(0, 60) || e.getAttribute('title') || '';
  const style = where ? getComputedStyle(where).outline + ' | ' + getComputedStyle(where).boxShadow : 'hidden';
  return {tag: e.tagName, role: e.getAttribute('role') || e.type || '', label, key, ring: shown, style};
}"""

KEYS_USED: set[str] = set()


def press(page: Page, key: str) -> None:
    assert key.split("+")[-1] in {"Tab", "Enter", " ", "ArrowRight", "ArrowLeft", "ArrowUp", "ArrowDown"}, key
    KEYS_USED.add(key)
    page.keyboard.press(key)


def stop(page: Page, stops: list) -> dict | None:
    focused = page.evaluate(FOCUSED)
    if focused is not None:
        stops.append(focused)
        assert focused["ring"], f"no visible focus ring on {focused}"
    return focused


def tab_to(page: Page, wanted, stops: list, most: int = 80, back: bool = False) -> dict:
    """Press Tab (Shift+Tab when ``back``) until the focused element satisfies ``wanted``, checking the
    focus ring at every stop on the way."""
    for _ in range(most):
        press(page, "Shift+Tab" if back else "Tab")
        focused = stop(page, stops)
        if focused is not None and wanted(focused):
            return focused
    seen = [(s["key"], s["label"][:30]) for s in stops[-40:]]
    raise AssertionError(f"not reached by Tab in {most} presses; the last stops: {seen}")


def key_is(suffix: str, *, tag: str = "", roles: tuple = (), label: str = ""):
    """The element whose nearest keyed container's key ends with ``suffix`` (and has this tag, one of
    these roles, this label, where given)."""

    def wanted(focused: dict) -> bool:
        return (
            focused["key"].endswith(suffix)
            and (not tag or focused["tag"] == tag)
            and (not roles or focused["role"] in roles)
            and (not label or focused["label"] == label)
        )

    return wanted


def labelled(text: str):
    return lambda focused: focused["label"].strip().endswith(text)


def number_value(page: Page) -> float:
    return float(page.evaluate("() => document.activeElement.value"))


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_a_learner_finishes_the_lesson_by_keyboard_alone(page: Page, base_url, screenshots, width, height):
    page.set_viewport_size({"width": width, "height": height})
    answers = engine_answers()
    stops: list = []
    open_app_page(page, base_url, "/")
    tab_to(page, labelled("Start the lesson"), stops)
    press(page, "Enter")
    page.wait_for_url("**/lesson**")
    page.wait_for_selector(IDLE, timeout=30_000)
    success = page.get_by_test_id("stAlertContentSuccess")
    for n in range(1, 11):
        step = lesson.STEPS[n - 1]
        prefix = f"ls_{step.key}_"
        expect(page.get_by_role("heading", name=f"{n}. {step.title}")).to_be_visible()
        if n in answers:  # a number typed into the answer field, then "Sure" and Check
            tab_to(page, key_is(f"{prefix}guess"), stops)
            page.keyboard.type(repr(answers[n]))
            tab_to(page, key_is(f"{prefix}check"), stops)  # past "How sure?", then back to it
            tab_to(page, key_is(f"{prefix}sure", label="Sure"), stops, back=True)
            press(page, " ")
            expect(page.locator(f".st-key-{prefix}sure [aria-checked='true']")).to_have_text("Sure")
            tab_to(page, key_is(f"{prefix}check"), stops)
            rerun_after(page, lambda: press(page, "Enter"))
        elif n == 4:  # the goal: w2 stepped with the arrow keys in its field to the lesson's value
            tab_to(page, key_is(f"{prefix}w2", tag="INPUT"), stops)
            target = rc.STATQUEST_WEIGHTS["w2"]
            for _ in range(100):
                if abs(number_value(page) - target) < 1e-9:
                    break
                press(page, "ArrowUp" if number_value(page) < target else "ArrowDown")
            assert abs(number_value(page) - target) < 1e-9
            press(page, "Enter")  # (a stepped field may have sent its value already: no rerun to wait for)
            page.wait_for_selector(IDLE, timeout=30_000)
        elif n == 7:  # the preset w2 = 2, then T up to 20 with the arrow keys on its slider
            tab_to(page, key_is(f"{prefix}preset0"), stops)
            rerun_after(page, lambda: press(page, "Enter"))
            tab_to(page, key_is(f"{prefix}length", roles=("slider", "range")), stops)
            shown = page.locator(f".st-key-{prefix}length").get_by_test_id("stSliderThumbValue")
            while int(shown.inner_text()) < 20:
                rerun_after(page, lambda: press(page, "ArrowRight"))
                stop(page, stops)
        else:  # a choice: Tab into the options, the arrow keys to the right one, Space, then Check
            right = {5: "5", 9: "It fades towards 0", 10: "A GRU; it still fades"}[n]
            focused = tab_to(page, key_is(f"{prefix}choice"), stops)
            texts = step.challenge.texts(step.start(0))
            here = texts.index(focused["label"]) if focused["label"] in texts else 0
            for _ in range(texts.index(right) - here):
                press(page, "ArrowDown")  # moving the choice answers nothing: no rerun, no warning
                stop(page, stops)
            if here == texts.index(right):
                press(page, " ")
            expect(page.get_by_test_id("stAlertContentWarning")).to_have_count(0)
            tab_to(page, key_is(f"{prefix}check"), stops)
            rerun_after(page, lambda: press(page, "Enter"))
        expect(success.first).to_be_visible(timeout=30_000)
        expect(page.get_by_text(f"{n} passed")).to_be_visible()
        assert_healthy(page)
        print(f"step {n} passed by keyboard, {len(stops)} focus stops so far")
        if n < 10:
            tab_to(page, key_is("ls_next"), stops)
            rerun_after(page, lambda: press(page, "Enter"))
    expect(page.get_by_text("You passed all 10 steps")).to_be_visible()
    screenshot(page, screenshots, f"lesson_keyboard_done_{width}x{height}", full_page=False)
    assert {"Tab", "Shift+Tab", "Enter", " "} <= KEYS_USED
    assert len(stops) > 50 and all(s["ring"] for s in stops)
    print(f"{width}x{height}: {len(stops)} focus stops, keys {sorted(KEYS_USED)}")
    assert "done=1.2.3.4.5.6.7.8.9.10" in page.url, page.url
