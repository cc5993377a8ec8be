"""The Lesson page (AppTest): every step's challenge driven both ways, answers computed from rnn_core.

A wrong answer or an unmet goal is not accepted and gets the step's hint; the right answer
for the step's state is accepted; "Try other numbers" gives another state with another
accepted answer; progress survives a page switch and comes back from a link.
"""

from __future__ import annotations

import numpy as np
import pytest
from apptest_support import assert_clean, open_page

import rnn_core as rc
from rnn_core.data import decode, encode
from ui.kit.format import number
from ui.lesson.view import widget_prefix

LESSON = "app_pages/lesson.py"


def at_step(n: int, query: dict | None = None):
    at = open_page(LESSON)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.query_params["step"] = str(n)
    at.run()
    assert_clean(at)
    return at


def passed_text(at) -> str:
    return at.get("progress")[0].proto.text


def statquest(**changes) -> rc.VanillaRNN:
    model = rc.statquest_rnn()
    for name, value in changes.items():
        model.params[name] = value
    return model


def asked_day(at) -> str:
    prompt = next(m.value for m in at.markdown if m.value.startswith("**Your turn:**"))
    return next(word for word in ("low", "medium", "high") if f"**{word}**" in prompt)


def asked_days(at) -> list[str]:
    prompt = next(m.value for m in at.markdown if m.value.startswith("**Your turn:**"))
    inside = prompt.split("**")[-2]
    return inside.split(" → ")


def guess(at, n: int, value: float):
    at.number_input(key=widget_prefix(n) + "guess").set_value(value)
    at.button(key=widget_prefix(n) + "check").click().run()
    assert_clean(at)
    return at


def assert_rejected_then_accepted(at, n: int, right: float, wrong: float) -> None:
    guess(at, n, wrong)
    assert at.warning and not at.success, "a wrong answer is not accepted"
    assert "0 passed" in passed_text(at)
    guess(at, n, right)
    assert at.success and not at.warning
    assert "1 passed" in passed_text(at)


# -- predict a number ---------------------------------------------------------------------
def test_step_1_accepts_the_engines_price_for_the_asked_day_and_another_day_after_other_numbers():
    at = at_step(1)
    day = asked_day(at)
    assert_rejected_then_accepted(at, 1, float(encode(day)), float(encode(day)) + 0.3)
    at.button(key="ls_other").click().run()
    other = asked_day(at)
    assert other != day
    guess(at, 1, float(encode(day)))
    assert at.warning, "the old answer is not accepted for the new day"
    guess(at, 1, float(encode(other)))
    assert at.success


def test_step_2_accepts_the_engines_h1():
    at = at_step(2)
    day = asked_day(at)
    h1 = float(rc.statquest_rnn().forward([[float(encode(day))]]).hidden[0, 0, 0])
    assert_rejected_then_accepted(at, 2, h1, h1 + 1.0)
    assert at.get("graphviz_chart") or any("<svg" in m.value for m in at.markdown), "the diagram shows after"


def diagram_svg(at) -> str:
    return next(m.value for m in at.markdown if "<svg" in m.value)


def test_step_3_shows_the_diagram_with_its_output_masked_until_the_answer():
    at = at_step(3)
    days = asked_days(at)
    trace = rc.statquest_rnn().forward(encode(days)[None])
    y = float(trace.y[0, 0])
    before = diagram_svg(at)
    # Every day but the last is drawn with its numbers; the last day's h and the output read "?".
    assert f"h1 = {number(trace.hidden[0, 0, 0])}" in before and f"h{len(days)} = ?" in before
    assert "y = ?" in before and f"y = {number(y)}" not in before
    assert not [m for m in at.metric if m.label == "Output value"], "the prediction waits for the answer"
    assert_rejected_then_accepted(at, 3, y, y + 1.0)
    assert f"y = {number(y)}" in diagram_svg(at)


def test_step_6_draws_each_days_share_on_the_unrolled_network_and_accepts_their_sum():
    at = at_step(6)
    from ui.lesson import steps as lesson

    state = lesson.STEPS[5].start(0)
    model = statquest(w2=state["weights"]["w2"])
    _, grads = model.loss_and_grads(encode(list(state["days"]))[None], [[float(encode(state["target"]))]], loss="ssr")
    svg = diagram_svg(at)
    for share in grads.per_step["w2"].ravel():  # each day's share, under its input, on the same diagram
        assert f"dL/dw2 {number(float(share), 4)}" in svg
    total = float(grads["w2"][0, 0])
    assert "dL/dw2 = ?" in svg, "the sum is the question"
    assert_rejected_then_accepted(at, 6, total, total + 1.0)
    # answered, the sum is written at the output as precisely as the pieces it adds up
    assert f"dL/dw2 = {number(total, 4)}" in diagram_svg(at)


def test_step_8_accepts_the_factor_bptt_gives_the_first_day():
    at = at_step(8)
    prompt = next(m.value for m in at.markdown if m.value.startswith("**Your turn:**"))
    length = int(next(part for part in prompt.split("**") if part.endswith(" days")).split()[0])
    model = rc.VanillaRNN(1, activation="identity", seed=0)
    model.params["w1"], model.params["w2"], model.params["w3"] = 1.0, 0.5, 1.0
    factor = float(model.input_gradients(np.ones((1, length)))[0, 0])
    assert all(label.endswith("= ?") for label in readouts_of(at))
    assert_rejected_then_accepted(at, 8, factor, factor * 3 + 0.1)
    assert not any(label.endswith("= ?") for label in readouts_of(at)), "answered, the read-out has its numbers"


def test_two_wrong_tries_offer_the_answer_with_its_explanation():
    at = at_step(1)
    day = asked_day(at)
    guess(at, 1, 7.0)
    assert "ls_scaling_reveal" not in [b.key for b in at.button], "one wrong try does not offer the answer"
    guess(at, 1, 8.0)
    at.button(key="ls_scaling_reveal").click().run()
    assert any(str(encode(day)) in i.value for i in at.info)
    assert "0 passed" in passed_text(at), "a shown answer is not a pass"


# -- reach a goal ---------------------------------------------------------------------------
def four_rules_right(model) -> bool:
    xs, ys = rc.data.four_rules()
    return [decode(v) for v in model.predict(xs)[:, 0]] == [decode(v) for v in ys[:, 0]]


def test_step_4_is_met_by_a_w2_the_engine_gets_all_four_rules_right_with():
    at = at_step(4)
    assert not at.success and not at.info, "the goal is not met, and no hint before a first try"
    from ui.lesson import steps as lesson

    w1 = lesson.STEPS[3].start(0)["weights"]["w1"]
    good = next(w2 for w2 in np.round(np.linspace(-1, 1, 201), 2) if four_rules_right(statquest(w1=w1, w2=w2)))
    bad = next(w2 for w2 in (0.9, 0.3, -1.0) if not four_rules_right(statquest(w1=w1, w2=w2)))
    at.number_input(key="ls_rules_w2").set_value(float(bad)).run()
    assert not at.success and at.info, "a try that misses gets the hint"
    at.number_input(key="ls_rules_w2").set_value(float(good)).run()
    assert_clean(at)
    assert at.success and "1 passed" in passed_text(at)


def test_step_7_is_met_once_bptt_gives_the_first_day_over_a_million_within_20_days():
    at = at_step(7)
    assert not at.success

    def first(w2, length):
        model = statquest(w2=w2)
        return abs(float(model.input_gradients(np.ones((1, length)))[0, 0]))

    at.slider(key="ls_exploding_w2").set_value(2.0).run()
    at.slider(key="ls_exploding_length").set_value(25).run()
    assert first(2.0, 25) > 1e6 and not at.success, "more than 20 days does not count"
    at.slider(key="ls_exploding_length").set_value(20).run()
    assert_clean(at)
    assert first(2.0, 20) > 1e6 and at.success


def test_in_presentation_mode_a_goal_hint_waits_in_a_tooltip_and_step_4_leaves_the_table_to_speak():
    shown, presented = at_step(4), at_step(4, {"present": "1"})
    for at in (shown, presented):  # a first try that misses: only now is there a hint
        at.number_input(key="ls_rules_w2").set_value(0.9).run()
    hint = shown.info[0].value
    assert not presented.info, "on a projector the hint is not shown on the screen"
    assert any(m.help == hint for m in presented.markdown), "the hint stays one hover away"
    assert [m.label for m in shown.metric] == ["Prediction for tomorrow", "Output value"]
    assert not presented.metric, "step 4's table already gives each rule's output and prediction"
    from ui.lesson import steps as lesson

    w1 = lesson.STEPS[3].start(0)["weights"]["w1"]
    good = next(w2 for w2 in np.round(np.linspace(-1, 1, 201), 2) if four_rules_right(statquest(w1=w1, w2=w2)))
    presented.number_input(key="ls_rules_w2").set_value(float(good)).run()
    assert_clean(presented)
    assert presented.success and "1 passed" in passed_text(presented), "the goal is checked as without presenting"


# -- choose an explanation --------------------------------------------------------------------
def choose(at, n: int, text: str):
    at.radio(key=widget_prefix(n) + "choice").set_value(text)
    at.button(key=widget_prefix(n) + "check").click().run()  # chosen, then checked
    assert_clean(at)
    return at


def test_choosing_an_option_answers_nothing_until_check():
    at = at_step(5)
    prefix = widget_prefix(5)
    wrong = next(o for o in at.radio(key=prefix + "choice").options if o != str(rc.statquest_rnn().n_params))
    at.radio(key=prefix + "choice").set_value(wrong).run()
    assert not at.warning and not at.success, "moving the choice is no answer"
    choose(at, 5, wrong)
    assert at.warning and not at.success


def test_step_5_accepts_the_engines_parameter_count():
    at = at_step(5)
    options = at.radio(key="ls_sharing_choice").options
    right = str(rc.statquest_rnn().n_params)
    wrong = next(o for o in options if o != right)
    choose(at, 5, wrong)
    assert at.warning and not at.success
    choose(at, 5, right)
    assert at.success


@pytest.mark.parametrize("n", [9, 10])
def test_the_choice_steps_accept_only_the_option_the_engine_supports(n):
    from ui.lesson import steps as lesson

    at = at_step(n)
    state = lesson.STEPS[n - 1].start(0)
    options = at.radio(key=widget_prefix(n) + "choice").options
    if n == 9:
        model = rc.VanillaRNN(1, activation="identity", seed=0)
        model.params["w1"], model.params["w2"], model.params["w3"] = 1.0, state["w2"], 1.0
        first = abs(float(model.input_gradients(np.ones((1, state["length"])))[0, 0]))
        assert first != 0
        right = "It fades towards 0" if first < 0.1 else "It explodes" if first > 10 else None
    else:
        gru = rc.GRU(4, seed=0)
        bias = gru.params["b_x"].copy()
        bias[4:8] = lesson.GRU_UPDATE_BIAS
        gru.params["b_x"] = bias
        grads = np.abs(gru.input_gradients(np.ones((1, state["length"])))[0])
        vanilla = rc.VanillaRNN(1, activation="identity", seed=0)
        for name, value in {**rc.STATQUEST_WEIGHTS, "w2": 0.9}.items():
            vanilla.params[name] = value
        steady = np.abs(vanilla.input_gradients(np.ones((1, state["length"])))[0])
        gru_share = grads[0] / grads[-1]
        fades = "it still fades" if gru_share < 0.1 else "it no longer fades"
        right = f"A GRU; {fades}" if gru_share > steady[0] / steady[-1] else "w2 = 0.9"
    for option in options:
        if option != right:
            choose(at, n, option)
            assert at.warning and not at.success, option
    choose(at, n, right)
    assert at.success


# -- links and progress -----------------------------------------------------------------------
@pytest.mark.parametrize("n", range(1, 11))
def test_every_step_opens_from_its_link(n):
    at = at_step(n)
    assert at.subheader[0].value.startswith(f"{n}. ")


@pytest.mark.parametrize("raw", ["0", "11", "seven", "-2"])
def test_a_bad_step_in_the_link_opens_step_1_with_a_quiet_note(raw):
    at = at_step(1, {})
    at.query_params["step"] = raw
    at.run()
    assert_clean(at)
    assert at.subheader[0].value.startswith("1. ")
    assert any("no step" in c.value for c in at.caption)


def test_progress_survives_a_page_switch_and_comes_back_from_a_link():
    at = at_step(1)
    guess(at, 1, float(encode(asked_day(at))))
    assert "1 passed" in passed_text(at)
    at.switch_page("app_pages/statland.py").run()
    at.switch_page(LESSON).run()
    at.query_params["step"] = "2"
    at.run()
    assert "1 passed" in passed_text(at)
    fresh = at_step(3, {"done": "1.2.5"})
    assert "3 passed" in passed_text(fresh)
    bad = at_step(3, {"done": "1.x.99"})
    assert "1 passed" in passed_text(bad)


# -- predict, observe, explain ---------------------------------------------------------------------
def figure_of(at) -> str:
    """What the step draws: the unrolled diagram's SVG, or a chart's spec."""
    svgs = [m.value for m in at.markdown if "<svg" in m.value]
    charts = [c.proto.spec for c in (at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"))]
    return "\n".join(svgs + charts)


def readouts_of(at) -> list[str]:
    """The labels a drag chart prints above its plot (the per-input chart's "drag_w2" dataset, the
    heatmap's "marks")."""
    import pyarrow as pa

    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    found = [d.data.data for c in charts for d in c.proto.datasets if d.name in ("drag_w2", "marks")]
    return [label for data in found for label in pa.ipc.open_stream(data).read_all().column("label").to_pylist()]


@pytest.mark.parametrize("n", range(1, 11))
def test_before_the_answer_every_step_shows_its_figure_and_masks_only_what_it_asks(n):
    from ui.lab import text as lab_text
    from ui.lesson import steps as lesson
    from ui.lesson.challenges import Predict, answer_text
    from ui.lesson.step import BPTTView, LabView, StatLandView

    step = lesson.STEPS[n - 1]
    state = step.start(0)
    at = at_step(n)
    figure = figure_of(at)
    assert figure, "the view is on screen before the answer"
    assert "The view shows its numbers once you have answered" not in str([c.value for c in at.caption])
    view = step.view
    if isinstance(view, StatLandView):
        for name in view.masked(state):
            label = {"x": "x = ?", "h": f"{name} = ?", "y": "y = ?", "t": ">?</text>"}[name[0]]
            assert label in figure, (n, name)
    if isinstance(view, BPTTView):
        assert "dL/dw2 = ?" in figure
    if isinstance(view, LabView) and "first" in view.masked:
        assert next(m.value for m in at.metric if m.label.startswith("First input")) == "?"
        # the chart's read-out above the plot, at every w2 its slider reaches, waits too
        assert readouts_of(at) and all(label.endswith("= ?") for label in readouts_of(at))
    if isinstance(view, LabView) and "notice" in view.masked:
        said = " ".join(str(m.value) for m in at.markdown)
        assert "**Notice** " + lab_text.GATES_MASKED_NOTICE.text in said, "the figure answers, not the text"
    if isinstance(step.challenge, Predict):
        shown_answer = answer_text(step.challenge.answer(state))[0]
        said = " ".join(str(m.value) for m in at.markdown if "<svg" not in m.value)
        assert f"= {shown_answer}" not in said, "the step's words do not give the answer"


def test_try_other_numbers_changes_only_its_own_step():
    at = at_step(1)
    day = asked_day(at)
    guess(at, 1, float(encode(day)))
    at.query_params["step"] = "2"
    at.run()
    before = asked_day(at)
    at.button(key="ls_other").click().run()
    assert asked_day(at) != before, "step 2 starts from new numbers"
    at.query_params["step"] = "1"
    at.run()
    assert_clean(at)
    assert asked_day(at) == day and any("You answered this one" in s.value for s in at.success)


def test_a_prediction_asks_how_sure_and_the_link_keeps_the_first_answer_only():
    at = at_step(1)
    day = asked_day(at)
    at.segmented_control(key="ls_scaling_sure").set_value("Sure")
    guess(at, 1, float(encode(day)) + 0.3)
    assert at.query_params["sure"] in ("1sw", ["1sw"]), "sure, and wrong"
    at.segmented_control(key="ls_scaling_sure").set_value("Not sure")
    guess(at, 1, float(encode(day)))
    assert at.query_params["sure"] in ("1sw", ["1sw"]), "a second try does not change the first answer"
    again = at_step(10, {"done": ".".join(map(str, range(1, 11))), "sure": "1sw.2sr.3ur"})
    assert any("when sure, right 1 of 2 times; when not sure, right 1 of 1 time" in m.value for m in again.markdown)


def test_after_the_last_step_the_network_is_shown_as_code_with_what_it_prints():
    from ui.lesson import code

    at = at_step(10, {"done": ".".join(map(str, range(1, 11)))})
    shown = [c.value.strip() for c in at.code]
    weights = {name: float(value) for name, value in rc.STATQUEST_WEIGHTS.items()}
    for source in (code.numpy_code(weights), code.torch_code(weights), code.engine_printout(weights)):
        assert source.strip() in shown
