"""Randomized use of every page (AppTest): 300 seeded sequences of widget actions per page.

Each action picks a widget on the page as it is now and gives it a value drawn from
its whole range, extremes included (slider ends, the first and last option, number
inputs at their limits), or clicks a button. After every action the page must show
no exception and no 'nan' / 'inf', and every chart must have been sent finite data.
A failure names the seed and the actions so far, so it can be replayed exactly.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from apptest_support import assert_clean, chart_data, open_page, vega_charts

PAGES = ["app_pages/statland.py", "app_pages/training.py", "app_pages/lab.py", "app_pages/teachers.py"]
SEQUENCES = 300
# The sequences of a page run in parts, each from its own seed and in a session of its own (tests the
# workers can share out).
PARTS = 3
MAX_ACTIONS_PER_SEQUENCE = 3


def _options(rng: random.Random, widget) -> list:
    """Any subset of a multi-select's options (maybe none)."""
    return [option for option in _raw_options(widget) if option is not None and rng.random() < 0.4]


def _choose_number(rng: random.Random, low: float, high: float, step: float | None, integer: bool):
    choice = rng.random()
    if choice < 0.2:
        value = low
    elif choice < 0.4:
        value = high
    else:
        value = rng.uniform(low, high)
        if step:
            value = low + round((value - low) / step) * step
    value = min(max(value, low), high)
    return int(round(value)) if integer else float(value)


def _candidates(at):
    """(description, apply) pairs for every widget on the page that a learner can change."""
    found = []
    for slider in at.slider:
        low, high, step = slider.min, slider.max, slider.step
        integer = isinstance(slider.value, int) and isinstance(low, int)
        found.append(
            (
                f"slider {slider.key}",
                lambda rng, w=slider, a=(low, high, step, integer): w.set_value(_choose_number(rng, *a)),
                slider,
            )
        )
    for box in at.number_input:
        low = box.min if box.min is not None else -1e6
        high = box.max if box.max is not None else 1e6
        integer = isinstance(box.value, int)
        found.append(
            (
                f"number {box.key}",
                lambda rng, w=box, a=(low, high, box.step, integer): w.set_value(_choose_number(rng, *a)),
                box,
            )
        )
    for kind in ("selectbox", "radio"):
        for widget in at.get(kind):
            if not widget.options:
                continue
            found.append((f"{kind} {widget.key}", lambda rng, w=widget: w.set_value(_option(rng, w)), widget))
    for widget in at.select_slider:
        if not widget.options:
            continue
        found.append((f"select_slider {widget.key}", lambda rng, w=widget: w.set_value(_option(rng, w)), widget))
    for group in at.get("button_group"):
        if not group.options:
            continue
        if group.proto.click_mode == group.proto.MULTI_SELECT:  # pills choosing several (the Share dialog's)
            found.append((f"choices {group.key}", lambda rng, w=group: w.set_value(_options(rng, w)), group))
        else:
            found.append((f"choice {group.key}", lambda rng, w=group: w.set_value(_option(rng, w)), group))
    for toggle in list(at.toggle) + list(at.checkbox):
        found.append((f"toggle {toggle.key}", lambda rng, w=toggle: w.set_value(rng.random() < 0.5), toggle))
    for button in at.button:
        found.append((f"button {button.key}", lambda rng, w=button: w.click(), button))
    return [(name, apply) for name, apply, widget in found if not _disabled(widget)]


def _disabled(widget) -> bool:
    return bool(getattr(widget.proto, "disabled", False))


def _option(rng: random.Random, widget):
    """A raw option value (what ``set_value`` takes) of a select_slider / segmented control."""
    values = [v for v in _raw_options(widget) if v is not None]
    return values[rng.choice([0, len(values) - 1, rng.randrange(len(values))])]


def _raw_options(widget) -> list:
    """Recover the underlying option values from the labels AppTest shows.

    AppTest lists formatted labels and ``set_value`` wants values. Candidates are the
    labels themselves, their numeric readings, and the keys of a dict whose ``.get``
    is the format function; the one that formats back to each label wins.
    """
    format_func = widget.format_func
    pool = []
    owner = getattr(format_func, "__self__", None)
    if isinstance(owner, dict):
        pool += list(owner)
    pool += list(getattr(owner, "options", ()))  # a declared linkable widget's show()
    for label in widget.options:
        pool.append(label)
        for parse in (int, float):
            try:
                pool.append(parse(label))
            except ValueError:
                pass
    found = {}
    for value in pool:
        try:
            label = format_func(value)
        except Exception:
            continue
        found.setdefault(label, value)
    return [found.get(label) for label in widget.options]


def _charts_are_finite(at) -> None:
    for index in range(len(vega_charts(at))):
        for frame in chart_data(at, index):
            numeric = frame.select_dtypes("number").to_numpy(dtype=float)
            assert np.isfinite(numeric).all(), f"chart {index} was sent a non-finite number"


@pytest.mark.parametrize("part", range(PARTS))
@pytest.mark.parametrize("page", PAGES)
def test_random_sequences_of_actions_never_break_the_page(page, part):
    seed = PARTS * PAGES.index(page) + part + 1
    rng = random.Random(seed)
    at = open_page(page, timeout=60)  # each part a new session, as new visitors arrive
    assert_clean(at)
    history: list[str] = []
    actions = 0
    for sequence in range(SEQUENCES // PARTS):
        for _ in range(rng.randint(1, MAX_ACTIONS_PER_SEQUENCE)):
            candidates = _candidates(at)
            if not candidates:
                break
            name, apply = rng.choice(candidates)
            try:
                apply(rng)
                at.run()
                actions += 1
                history.append(name)
                assert_clean(at)
                if actions % 15 == 0:
                    _charts_are_finite(at)
            except Exception as error:  # report the replayable trail, then fail
                trail = "; ".join(history[-12:])
                raise AssertionError(f"seed {seed}, sequence {sequence}, after: {trail}: {error}") from error
    assert actions >= SEQUENCES // PARTS


@pytest.mark.parametrize("page", ["app_pages/home.py"])
def test_text_pages_have_no_inputs_to_randomize(page):
    """Home is text and links only (besides the sidebar's widgets, the classroom buttons and Join a
    class, which are on every page and the pages above exercise); if it grows widgets, add it to PAGES
    above."""
    at = open_page(page)
    assert_clean(at)
    assert [name for name, *_ in _candidates(at.main)] == []
