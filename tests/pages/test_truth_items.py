"""The nine false sentences a learner met (issue 25), each pinned on the page where it was met.

Each test opens the state the learner was in and checks what the page now says against the
engine; the sweep over all states is ``tests/ui/test_truth.py``, the screen scan
``tests/pages/test_screen_truth.py``.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from apptest_support import all_text, chart_data, open_page, vega_charts

import rnn_core as rc
from ui import claims
from ui.claims import lab as claims_lab
from ui.classroom import scenarios
from ui.kit.state import SAID
from ui.lab import views
from ui.lab.views import LABELS
from ui.lesson import steps as lesson

STATLAND, LAB, LESSON = "app_pages/statland.py", "app_pages/lab.py", "app_pages/lesson.py"


def notice(at) -> str:
    """The line that says what to notice: StatLand's "**Notice:** ...", a lab view's "**Notice** ..." part."""
    for m in at.markdown:
        if m.value.startswith("**Notice:**"):
            return m.value
        if "**You see**" in m.value:
            return m.value.split("**Notice** ", 1)[1].split("  \n**Try**")[0]
    raise AssertionError("no notice on the page")


def said_on_screen(at) -> list[claims.Said]:
    return list(at.session_state[SAID].values())


def lab(view: str, **query):
    return open_page(LAB, query={"lab_view": LABELS[view], **{f"lab_{k}": str(v) for k, v in query.items()}})


# 1 -----------------------------------------------------------------------------------------------------
def test_1_with_w2_at_0_the_notice_names_w2_as_what_carries_nothing():
    at = open_page(STATLAND, query={"sl_w2": "0"})
    text = notice(at)
    h1 = float(rc.statquest_rnn().forward(np.array([[1.0]])).hidden[0, 0, 0])
    assert h1 == pytest.approx(1.8)  # day 1 (high) leaves h1 = 1.8: there is something to carry
    assert "w2 = 0, so nothing of day 1 reaches day 2" in text and "h1 = 1.8, so" not in text


def test_1_the_lesson_step_4_diagram_says_the_same_when_w2_is_set_to_0():
    at = open_page(LESSON, query={"step": "4"})
    at.number_input(key="ls_rules_w2").set_value(0.0).run()
    assert "w2 = 0, so nothing of day 1 reaches day 2" in notice(at)


# 2 -----------------------------------------------------------------------------------------------------
def test_2_the_heatmap_says_a_negative_w2_gives_exactly_0_with_relu_not_an_explosion():
    at = lab("heatmap", w2=-2)
    text = notice(at)
    assert "exactly 0 at w2 ≤ −1 (ReLU off)" in text and "explodes for w2 ≥ 1.1" in text
    first = claims_lab.input_logs(-2.0, 10, "relu")[0]
    assert first == -math.inf and next(m.value for m in at.metric if "diamond" in m.label) == "exactly 0"
    heat = next(s for s in said_on_screen(at) if s.text in text)
    explode = {dict(c.about)["w2"] for c in heat.claims if c.kind == "explodes"}
    assert explode and min(explode) > 1, "only w2 above 1 is said to explode"
    assert not claims.false_claims(heat)


# 3 -----------------------------------------------------------------------------------------------------
def test_3_the_gates_view_makes_its_point_at_its_own_defaults():
    at = lab("gates")
    assert notice(at).endswith("the gates slow the fade.")
    lines = chart_data(at)[0]
    first = lines[lines["step"] == 1].set_index("series")["log10"]
    for gated in ("LSTM", "GRU"):  # the oldest input keeps more than 10 times the vanilla RNN's share
        assert first[gated] > first["vanilla RNN"] + 1


def test_3_in_the_vanishing_case_the_axis_tells_the_gated_lines_from_1():
    at = lab("gates")
    at.button(key="lab_show_vanishing").click().run()
    spec = json.loads(vega_charts(at)[0].proto.spec)
    y = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    lines = chart_data(at)[0]
    gated = lines[lines["series"].isin(["LSTM", "GRU"])]["log10"]
    assert y[0] <= gated.min() and y[1] >= gated.max(), "every gated line whole on the chart"
    assert y[1] - y[0] <= 16, f"{y}: at most 16 decades, so 10⁻⁹ sits far from 1 (not 10⁻³⁰⁰ on 80 px)"
    assert "but do not stop it" in notice(at)


def test_3_the_lessons_last_step_no_longer_says_old_days_keep_counting():
    for seed in range(2):
        state = lesson.STEPS[9].start(seed)
        text = lesson.STEPS[9].words(state)
        assert "keep counting" not in text.text and not claims.false_claims(text)
        gru = lesson.STEPS[9].challenge.check(state, 0).message  # the GRU's why, with its number
        assert "keeps" in gru.text and "of the last day's pull" in gru.text and "keep counting" not in gru.text


# 4 -----------------------------------------------------------------------------------------------------
def test_4_a_revealed_answer_typed_back_is_accepted_on_the_page():
    at = open_page(LESSON, query={"step": "8"})
    for wrong in (0.5, 0.25):
        at.number_input(key="ls_vanishing_guess").set_value(wrong)
        at.button(key="ls_vanishing_check").click().run()
    at.button(key="ls_vanishing_reveal").click().run()
    revealed = next(i.value for i in at.info if i.value.startswith("The answer is"))
    # w2 = 0.5 alone over the days after the first: the identity network with w1 = w3 = 1 gives it
    model = rc.VanillaRNN(1, activation="identity", seed=0)
    model.params["w1"], model.params["w2"], model.params["w3"] = 1.0, 0.5, 1.0
    expected = float(model.input_gradients(np.ones((1, lesson.STEPS[7].start(0)["length"])))[0, 0])
    shown = revealed.removeprefix("The answer is ").split(". ")[0]
    assert float(shown) == pytest.approx(expected, rel=1e-3) and float(shown) != round(expected, 3)
    at = open_page(LESSON, query={"step": "8"})
    at.number_input(key="ls_vanishing_guess").set_value(float(shown))
    at.button(key="ls_vanishing_check").click().run()
    assert at.success and at.success[0].value.startswith(f"Right: {shown}.")


# 5 -----------------------------------------------------------------------------------------------------
def test_5_step_4_names_the_weights_each_variant_moved():
    at = open_page(LESSON, query={"step": "4"})
    for seed in range(6):
        start = lesson.STEPS[3].start(seed)["start_weights"]
        moved = [name for name in rc.STATQUEST_WEIGHTS if start[name] != rc.STATQUEST_WEIGHTS[name]]
        header = next(m.value for m in at.markdown if "StatLand weights predict" in m.value)
        assert f"Here {' and '.join(moved)} differ" in header, (seed, header)
        for name in moved:
            assert f"{name} = {start[name]:g}" in header
        at.button(key="ls_other").click().run()


# 6 -----------------------------------------------------------------------------------------------------
def test_6_step_6_states_its_target_and_offers_no_step_button_it_lacks():
    at = open_page(LESSON, query={"step": "6"})
    state = lesson.STEPS[5].start(0)
    text = all_text(at)
    assert f"The target is **{state['target']}** (0)" in text
    assert not [b for b in at.button if b.label == "Step"] and "Press **Step**" not in text


# 7 -----------------------------------------------------------------------------------------------------
def test_7_the_statland_scenarios_do_not_ask_for_a_w2_they_lock():
    for scenario in [s for s in scenarios.SCENARIOS if s.url_path == "statland"]:
        at = open_page(scenario.page, query=scenario.params)
        assert at.number_input(key="sl_w2").disabled
        assert "set w2" not in all_text(at)
        if at.slider(key="sl_days").disabled:  # the rule buttons are locked with the days
            assert all(b.disabled for b in at.button if b.key.startswith("sl_rule"))
            assert "press each rule" not in all_text(at)


def test_7_the_gates_scenario_asks_what_its_numbers_show():
    scenario = next(s for s in scenarios.SCENARIOS if s.params.get("lab_view") == LABELS["gates"])
    ask = scenario.ask()
    assert not claims.false_claims(ask) and "still feel" not in ask.text
    at = open_page(scenario.page, query=scenario.params)
    assert not [b for b in at.button if b.key == "lab_show_vanishing"], "no dead button beside a locked w2 and T"


# 8 -----------------------------------------------------------------------------------------------------
def test_8_the_cliff_shows_only_the_controls_that_act_on_it():
    at = lab("cliff")
    styles = "\n".join(h.proto.body for h in at.get("html"))
    assert ".st-key-lab_shared { display: none !important; }" in styles
    for view in LABELS:
        shown = ".st-key-lab_shared { display: none" not in "\n".join(h.proto.body for h in lab(view).get("html"))
        assert shown == views.uses_shared_controls(view) == (view != "cliff")


# 9 -----------------------------------------------------------------------------------------------------
def test_9_the_lesson_and_the_gates_view_name_transformers():
    assert "Transformers" in lesson.STEPS[9].words(lesson.STEPS[9].start(0)).text
    at = lab("gates")
    assert any("Transformers" in m.value for m in at.markdown)
