"""Classroom links (issue 16): lock= and hide= on every page, Share this view, the teachers'
scenario links and presentation mode, driven through AppTest. Expected numbers come from rnn_core."""

from __future__ import annotations

import math
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from apptest_support import all_text, assert_clean, chart_data, open_page

import rnn_core as rc
from ui.classroom import links as classroom
from ui.classroom import scenarios
from ui.kit.format import from_log10
from ui.lab.model import FIXED
from ui.lab.views import LABELS
from ui.lesson import steps as lesson

LAB, STATLAND, TRAINING, LESSON, TEACHERS = (
    "app_pages/lab.py",
    "app_pages/statland.py",
    "app_pages/training.py",
    "app_pages/lesson.py",
    "app_pages/teachers.py",
)
SCENARIO = {s.title: s for s in scenarios.SCENARIOS}


def widget(at, key):
    """The drawn widget with this key, whatever its kind."""
    for kind in ("slider", "select_slider", "selectbox", "number_input", "toggle", "button_group", "button"):
        for element in at.get(kind):
            if getattr(element, "key", None) == key:
                return element
    for element in at.get("segmented_control"):
        if element.key == key:
            return element
    raise KeyError(key)


def styles(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def link_notes(at) -> list[str]:
    return [c.value for c in at.caption if "link_off" in c.value]


def lab_first_gradient(w2: float, length: int) -> float:
    """|d y_T / d x_1| of the lab's network (the lesson's weights, T high days), from the engine."""
    model = lesson.network({**FIXED, "w2": w2})
    return abs(float(model.input_gradients(np.ones((1, length)))[0, 0]))


# -- reading the link ------------------------------------------------------------------------------
def test_link_keys_are_split_trimmed_and_deduplicated():
    assert classroom.link_keys("lock", {"lock": " lab_w2, lab_length,,lab_w2 "}) == ["lab_w2", "lab_length"]
    assert classroom.link_keys("hide", {"lock": "lab_w2"}) == []


def test_a_hiding_rule_names_only_plain_widget_keys():
    """A doctored link cannot smuggle style rules in through a key."""
    style = classroom.hiding_style(["lab_activation", "x{} body{display:none", "a.b", "ok_2"])
    assert ".st-key-lab_activation" in style and ".st-key-ok_2" in style
    assert "body" not in style and "a.b" not in style
    assert classroom.hiding_style(["}{"]) == ""


def test_share_link_puts_values_then_locks_and_hides():
    link = classroom.share_link(
        "http://host:8501/lab?old=1", {"lab_w2": "2", "lab_view": "Each input"}, lock=["lab_w2"], hide=["lab_view"]
    )
    parts = urlsplit(link)
    assert parts.path == "/lab"
    assert dict(parse_qsl(parts.query)) == {
        "lab_w2": "2",
        "lab_view": "Each input",
        "lock": "lab_w2",
        "hide": "lab_view",
    }
    # A control both locked and hidden is hidden (hidden controls are locked anyway).
    both = classroom.share_link("http://h/lab", {}, lock=["a", "b"], hide=["b"], present=True)
    assert dict(parse_qsl(urlsplit(both).query)) == {"lock": "a", "hide": "b", "present": "1"}


def test_numbers_are_written_as_a_bound_slider_writes_them():
    assert classroom.link_value(2.0) == "2"
    assert classroom.link_value(-0.5) == "-0.5"
    assert classroom.link_value(True) == "true"
    assert classroom.link_value(50) == "50"


# -- locked and hidden controls ----------------------------------------------------------------------
def test_a_locked_lab_w2_is_disabled_at_the_links_value_and_so_are_its_presets():
    at = open_page(LAB, {"lab_w2": "2", "lab_length": "50", "lock": "lab_w2"})
    assert_clean(at)
    w2 = at.slider(key="lab_w2")
    assert w2.disabled and w2.value == 2.0
    assert not at.slider(key="lab_length").disabled
    assert all(b.disabled for b in at.button if b.key.startswith("lab_preset"))
    metric = next(m for m in at.metric if "x_1" in m.label)
    assert metric.value == from_log10(math.log10(lab_first_gradient(2.0, 50)))
    assert not link_notes(at)


def test_a_hidden_control_is_styled_off_the_screen_and_its_value_still_applies():
    at = open_page(LAB, {"lab_activation": "tanh", "hide": "lab_activation"})
    assert_clean(at)
    assert ".st-key-lab_activation" in styles(at) and "display: none" in styles(at)
    assert at.selectbox(key="lab_activation").value == "tanh"
    assert r"\tanh" in all_text(at)  # the network line states the hidden activation
    # Hidden w2 takes its presets with it.
    at = open_page(LAB, {"lab_w2": "0.5", "hide": "lab_w2"})
    assert at.slider(key="lab_w2").value == 0.5
    assert not [b for b in at.button if b.key.startswith("lab_preset")]


def test_unknown_keys_get_one_quiet_note_and_nothing_else_changes():
    at = open_page(LAB, {"lab_w2": "2", "lock": "lab_w2,lab_nothing", "hide": "sl_w2"})
    assert_clean(at)
    notes = link_notes(at)
    assert len(notes) == 1 and "`lab_nothing`" in notes[0] and "`sl_w2`" in notes[0]
    assert at.slider(key="lab_w2").disabled and at.slider(key="lab_w2").value == 2.0


def test_statland_locked_weights_disable_their_inputs_and_the_reset():
    at = open_page(STATLAND, {"sl_w2": "1", "lock": "sl_w2"})
    assert_clean(at)
    assert at.number_input(key="sl_w2").disabled and at.number_input(key="sl_w2").value == 1.0
    assert not at.number_input(key="sl_w1").disabled
    assert at.button(key="sl_reset").disabled
    assert not at.button(key="sl_rule1").disabled
    at = open_page(STATLAND, {"lock": "sl_day1"})
    assert all(at.button(key=f"sl_rule{i}").disabled for i in range(1, 5))


def test_training_controls_lock_by_their_shown_values():
    at = open_page(TRAINING, {"tr_optimizer": "SGD", "tr_lr": "3", "lock": "tr_optimizer,tr_lr"})
    assert_clean(at)
    assert at.select_slider(key="tr_lr").disabled and at.select_slider(key="tr_lr").value == 3.0
    assert widget(at, "tr_optimizer").disabled and widget(at, "tr_optimizer").value == "sgd"
    assert not at.selectbox(key="tr_model").disabled


def test_a_lesson_steps_own_control_can_be_locked():
    at = open_page(LESSON, {"step": "4", "lock": "ls_rules_w2"})
    assert_clean(at)
    assert at.number_input(key="ls_rules_w2").disabled
    assert not link_notes(at)


# -- Share this view ---------------------------------------------------------------------------------
def shared_link(at) -> str:
    at.button(key="classroom_share").click().run()
    codes = [c.value for c in at.get("code") if str(c.value).startswith("http")]
    assert len(codes) == 1, codes
    return codes[0]


def reopen(link: str, page: str):
    return open_page(page, dict(parse_qsl(urlsplit(link).query)))


@pytest.mark.parametrize(
    ("page", "query", "changes"),
    [
        (LAB, {"lab_view": LABELS["step"]}, [("slider", "lab_w2", 2.0), ("select_slider", "lab_step_clip", 5.0)]),
        (
            TRAINING,
            {},
            [("selectbox", "tr_model", "lstm"), ("select_slider", "tr_lr", 10.0), ("slider", "tr_hidden", 7)],
        ),
        (STATLAND, {}, [("number_input", "sl_w2", 1.25), ("slider", "sl_days", 4)]),
    ],
)
def test_the_shared_link_reopens_the_same_view(page, query, changes):
    at = open_page(page, query)
    for kind, key, value in changes:
        getattr(at, kind)(key=key).set_value(value).run()
    link = shared_link(at)
    assert urlsplit(link).path == "/" + page.removeprefix("app_pages/").removesuffix(".py")
    again = reopen(link, page)
    assert_clean(again)
    drawn = at.session_state[classroom.CONTROLS]
    assert drawn, "the page recorded no controls"
    for key, shown in drawn.items():
        if shown is not None:
            assert again.session_state[key] == at.session_state[key], key
    for _, key, value in changes:
        assert again.session_state[key] == value
    assert not link_notes(again)


def test_the_lessons_shared_link_keeps_its_step():
    at = open_page(LESSON, {"step": "5"})
    link = shared_link(at)
    assert dict(parse_qsl(urlsplit(link).query))["step"] == "5"


# -- the teachers' page and its scenarios -----------------------------------------------------------
def test_the_teachers_page_lists_every_scenario_with_a_question_and_an_embed_snippet():
    at = open_page(TEACHERS)
    assert_clean(at)
    assert len(scenarios.SCENARIOS) >= 8
    text = all_text(at)
    codes = [str(c.value) for c in at.get("code")]
    for scenario in scenarios.SCENARIOS:
        assert scenario.ask().text in text
        assert any(code.endswith(scenario.link("").split("/", 1)[1]) for code in codes), scenario.title
    assert any("embed=true" in code and "<iframe" in code for code in codes)


@pytest.mark.parametrize("scenario", scenarios.SCENARIOS, ids=lambda s: s.title)
def test_every_scenario_opens_clean_with_its_locks(scenario):
    at = open_page(scenario.page, scenario.params)
    assert_clean(at)
    assert not link_notes(at)
    for key in classroom.link_keys("lock", scenario.params):
        assert widget(at, key).disabled, key
    for key in classroom.link_keys("hide", scenario.params):
        assert f".st-key-{key}" in styles(at)


def open_scenario(title: str):
    scenario = SCENARIO[title]
    return open_page(scenario.page, scenario.params)


def test_scenario_four_rules_gets_all_four_right_with_the_weights_locked():
    at = open_scenario("The four rules")
    rules = next(df.value for df in at.dataframe if "match" in df.value.columns)
    xs, ys = rc.data.four_rules()
    model = lesson.network(rc.STATQUEST_WEIGHTS)
    outputs = model.predict(xs).reshape(-1)
    assert len(rules) == len(outputs) == 4
    for (_, row), output, target in zip(rules.iterrows(), outputs, ys.reshape(-1), strict=True):
        assert float(row["output"]) == pytest.approx(output, abs=0.005)
        assert row["predicted"] == rc.data.decode(output) == rc.data.decode(target)
        assert row["match"] == "✓"


def test_scenario_ten_days_shows_ten_days_and_still_five_weights():
    at = open_scenario("Ten days, still five parameters")
    days = [w for w in at.get("segmented_control") if w.key.startswith("sl_day")]
    assert len(days) == 10
    assert len([n for n in at.number_input if n.key.startswith("sl_")]) == 5
    assert "10 days, still 5 parameters" in all_text(at)


def test_scenario_bptt_shows_day_ones_share_of_dl_dw2_is_zero():
    at = open_scenario("BPTT adds up each day's share")
    at.button(key="tr_step").click().run()
    assert "Day 1's share of dL/dw2 is 0" in all_text(at)


def test_scenario_learning_rate_too_large_raises_the_loss():
    at = open_scenario("A learning rate too large")
    for _ in range(3):
        at.button(key="tr_step").click().run()
    assert_clean(at)
    assert "The loss went up" in all_text(at)


@pytest.mark.parametrize(
    ("title", "w2", "length"), [("w2 = 2: gradients explode", 2.0, 20), ("w2 = 0.5: gradients vanish", 0.5, 50)]
)
def test_scenario_w2_shows_the_engines_first_input_gradient(title, w2, length):
    at = open_scenario(title)
    metric = next(m for m in at.metric if "x_1" in m.label)
    assert metric.value == from_log10(math.log10(lab_first_gradient(w2, length)))


def test_scenario_map_opens_the_heatmap_at_100_days():
    at = open_scenario("No safe w2: the map")
    assert at.slider(key="lab_length").value == 100
    assert [c for c in at.get("vega_lite_chart")], "no chart"
    assert any("Heatmap" in str(w.value) for w in at.get("segmented_control") if w.key == "lab_view")


def test_scenario_cliff_shows_the_plain_jump_and_the_clipped_cap():
    at = open_scenario("Clipping past the cliff")
    text = all_text(at)
    # From w = 5.5 at the default learning rate the plain path hits the wall and leaves the chart.
    assert (
        "the plain path (orange) is thrown" in text and "off the chart; a clipped step (blue) is at most 0.25" in text
    )


def test_scenario_gates_slow_the_fade_that_erases_day_one_in_the_vanilla_rnn():
    at = open_scenario("Gates slow the fade")
    lines = chart_data(at)[0]
    first = lines[lines["step"] == 1].set_index("series")["log10"]
    assert first["LSTM"] > -20 and first["GRU"] > -20
    # The vanilla RNN's day 1 counts about 10^-301 of day 1000: its line runs off the chart's floor.
    assert "vanilla RNN" not in first.index or first["vanilla RNN"] < first["LSTM"] - 100
    # The link fixes w2 and T, so the shortcut that would set them is not drawn.
    assert not [b for b in at.button if b.key == "lab_show_vanishing"]


def test_scenario_lesson_opens_on_step_seven():
    at = open_scenario("The lesson, from exploding gradients")
    assert lesson.STEPS[6].title in all_text(at)


# -- presentation mode --------------------------------------------------------------------------------
def test_presentation_mode_styles_the_page_and_leaving_keeps_the_settings():
    at = open_page(LAB, {"lab_w2": "2", "present": "1"})
    assert_clean(at)
    assert "font-size: 19px" in styles(at)
    assert at.button(key="classroom_leave")
    at.slider(key="lab_length").set_value(40).run()
    at.switch_page(STATLAND).run()
    assert "font-size: 19px" in styles(at), "presentation mode ends at a page switch"
    at.switch_page(LAB).run()
    at.button(key="classroom_leave").click().run()
    assert "font-size: 19px" not in styles(at)
    assert not [b for b in at.button if b.key == "classroom_leave"]
    assert at.slider(key="lab_w2").value == 2.0 and at.slider(key="lab_length").value == 40
    assert at.button(key="classroom_present")
