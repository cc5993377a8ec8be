"""The class pulse on the pages (issue 30): For teachers starts a class, learners join by link and answer
on the lesson, the teacher's link shows the spread with Reveal, Vote again and Close.

Every session points at a SQLite file in the test's tmp folder (``UNROLLED_DATABASE_URL``); counts and
answers expected on screen are read from the same store, and the network's answers from the lesson's
steps (rnn_core), never typed in."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlalchemy as sa
from apptest_support import all_text, assert_clean, chart_data, open_page

from ui.lesson import steps as lesson
from ui.lesson.challenges import answer_text
from ui.pulse import charts, membership
from ui.pulse.lesson_questions import class_state, network_answer, number_bound, question_of
from ui.pulse.results import ClassStatus, Spread, Status
from ui.pulse.schema import DATABASE_URL_VARIABLE, engine_options
from ui.pulse.start import STARTED, join_link, qr_image, teachers_link
from ui.pulse.store import LIFETIME, PulseStore

LESSON, TEACHERS = "app_pages/lesson.py", "app_pages/teachers.py"
ORIGIN = "http://localhost:8501"  # where AppTest's pages say the app is (no browser URL)
SCALING, SHARING, RULES = (next(s for s in lesson.STEPS if s.key == key) for key in ("scaling", "sharing", "rules"))


def step_number(step) -> int:
    return lesson.STEPS.index(step) + 1


@pytest.fixture
def store(tmp_path, monkeypatch) -> PulseStore:
    """The app's store for this test: a SQLite file in tmp_path, the same one the pages open."""
    url = f"sqlite:///{tmp_path / 'pulse.sqlite3'}"
    monkeypatch.setenv(DATABASE_URL_VARIABLE, url)
    engine = sa.create_engine(url, **engine_options(url))
    yield PulseStore(engine)
    engine.dispose()


def started_on_teachers_page():
    at = open_page(TEACHERS)
    at.button(key="pulse_start").click().run()
    assert_clean(at)
    return at, at.session_state[STARTED]


def open_lesson(query: dict):
    """The lesson opened from a link with ``query`` (the entry script runs first, as in a browser; the
    link's parameters arrive with the lesson's own run)."""
    at = open_page(None)
    at.switch_page(LESSON)
    for name, value in query.items():
        at.query_params[name] = value
    return at.run()


def teacher_on(step, code: str, key: str):
    """The teacher's link opened on ``step`` (its path and parameters as For teachers writes them)."""
    query = dict(parse_qsl(urlsplit(teachers_link(ORIGIN, code, key)).query))
    return open_lesson({**query, "step": str(step_number(step))})


def learner_on(step, code: str):
    query = dict(parse_qsl(urlsplit(join_link(ORIGIN, code)).query))
    return open_lesson({**query, "step": str(step_number(step))})


def predict(at, step, value: float, sure: str | None = None):
    prefix = f"ls_{step.key}_"
    at.number_input(key=prefix + "guess").set_value(value)
    if sure is not None:
        at.segmented_control(key=prefix + "sure").set_value(sure)
    at.button(key=prefix + "check").click().run()
    assert_clean(at)
    return at


def choose(at, step, text: str):
    prefix = f"ls_{step.key}_"
    at.radio(key=prefix + "choice").set_value(text)
    at.button(key=prefix + "check").click().run()
    assert_clean(at)
    return at


def spread_of(store: PulseStore, code: str, key: str, step) -> Spread:
    spread = store.spread(code, key, question_of(step))
    assert isinstance(spread, Spread), spread
    return spread


def class_param(at) -> str | None:
    value = at.query_params.get(membership.CLASS)
    return value[0] if isinstance(value, list) else value


def captions(at) -> str:
    return "\n".join(str(c.value) for c in at.caption)


def network_number(step) -> float:
    return float(step.challenge.answer(class_state(step)))


def number_wrong_by(step, factor: float) -> float:
    """An answer that is not the network's (and within the class question's bounds)."""
    answer = network_number(step)
    return answer * factor if answer else factor


# -- starting a class -------------------------------------------------------------------------------------


def test_start_a_class_shows_the_code_the_join_link_its_qr_code_and_the_teachers_link(store):
    at, started = started_on_teachers_page()
    status = store.class_status(started.code, started.teacher_key)
    assert isinstance(status, ClassStatus) and status.joined == 0 and not status.closed
    shown_html = "\n".join(str(h.proto.body) for h in at.get("html"))
    assert f">{started.code}</p>" in shown_html
    assert f'aria-label="Join code {" ".join(started.code)}"' in shown_html
    link = join_link(ORIGIN, started.code)
    assert link == f"{ORIGIN}/lesson?class={started.code}"
    assert qr_image(link) in shown_html  # the QR code drawn is the join link's, with its text alternative
    assert f'alt="QR code of the join link {link}"' in shown_html
    links = [str(c.value) for c in at.code]
    assert link in links
    teachers = [link for link in links if f"{membership.TEACHER}=" in link]
    assert len(teachers) == 1
    params = dict(parse_qsl(urlsplit(teachers[0]).query))
    assert params[membership.CLASS] == started.code and params["present"] == "1"
    assert isinstance(store.class_status(started.code, params[membership.TEACHER]), ClassStatus)
    assert "24 hours" in all_text(at)
    assert f"Type the code in **{membership.JOIN_LABEL}**" in all_text(at)  # for a learner with no link


def test_the_teachers_key_is_in_no_learner_link_and_not_in_share_this_view(store):
    at, started = started_on_teachers_page()
    assert started.teacher_key not in join_link(ORIGIN, started.code)
    teacher = teacher_on(SCALING, started.code, started.teacher_key)
    # Taken out of the address bar (which the projector shows), kept in the teacher's session.
    assert membership.TEACHER not in teacher.query_params
    assert teacher.session_state[membership.TEACHING] == (started.code, started.teacher_key)
    teacher.button(key="classroom_share").click().run()
    shared = [str(c.value) for c in teacher.code if str(c.value).startswith("http")]
    assert shared and not any(started.teacher_key in link for link in shared)
    learner = learner_on(SCALING, started.code)
    assert started.teacher_key not in all_text(learner)
    assert not learner.get("html") or all(started.teacher_key not in str(h.proto.body) for h in learner.get("html"))


# -- joining ----------------------------------------------------------------------------------------------


def test_a_learner_joins_by_link_anonymously_and_stays_in_the_class_across_pages(store):
    _, started = started_on_teachers_page()
    at = open_page(None, {membership.CLASS: started.code.lower()})  # typed in any case
    assert_clean(at)
    assert any(f"You are in class {started.code}" in s.value for s in at.success)
    assert store.class_status(started.code, started.teacher_key).joined == 1
    learner_id = at.session_state[membership.LEARNER_ID]
    for page in (LESSON, "app_pages/statland.py", TEACHERS):
        at.switch_page(page).run()
        assert_clean(at)
        assert class_param(at) == started.code  # kept in the link, as presentation mode's present=1
        assert at.session_state[membership.LEARNER_ID] == learner_id
    assert store.class_status(started.code, started.teacher_key).joined == 1  # one learner, not one per page


def refused_code(store: PulseStore, expired: bool) -> str:
    """A code the store refuses: a class's that expired, or one no class has."""
    if expired:
        return store.start_class(now=time.time() - LIFETIME - 1).code
    return next(c for c in ("ABCDEF", "GHJKMN") if store.join(c, "probe-learner-1").status is Status.UNKNOWN_CLASS)


@pytest.mark.parametrize("expired", [False, True], ids=["unknown", "expired"])
def test_an_unknown_or_expired_code_gets_one_message_and_the_lesson_works_alone(store, expired):
    code = refused_code(store, expired)
    at = open_page(None, {membership.CLASS: code})
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and "No class has this code" in warnings[0] and "on your own" in warnings[0]
    assert class_param(at) is None  # not tried again on every rerun
    at.switch_page(LESSON).run()
    assert not at.warning  # said once
    right = network_number(SCALING)
    predict(at, SCALING, right)
    assert "Right" in all_text(at) and "class" not in captions(at)


def test_too_many_wrong_codes_say_when_to_try_again(store):
    at = open_page(None)
    per_requester = store.limits.per_requester
    for n in range(per_requester + 1):
        at.query_params[membership.CLASS] = f"WRONG{n}"
        at.run()
        assert_clean(at)
    message = at.warning[0].value
    assert "Too many wrong codes" in message and "try again in" in message
    seconds = int(message.split("try again in ")[1].split(" s")[0])
    assert 1 <= seconds <= store.limits.window


def test_a_database_that_cannot_be_reached_is_said_once_and_the_lesson_works(tmp_path, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, f"sqlite:///{tmp_path / 'no such folder' / 'pulse.sqlite3'}")
    at = open_lesson({membership.CLASS: "ABCDEF"})
    said = [w.value for w in at.warning if "cannot be reached" in w.value]
    assert len(said) == 1
    at.query_params[membership.CLASS] = "GHJKMN"
    at.run()
    assert not [w.value for w in at.warning if "cannot be reached" in w.value]  # said once per session
    predict(at, SCALING, network_number(SCALING))
    assert "Right" in all_text(at)
    teachers = open_page(TEACHERS)
    teachers.button(key="pulse_start").click().run()
    assert_clean(teachers)
    assert any("cannot be reached" in w.value for w in teachers.warning)
    assert STARTED not in teachers.session_state


# -- the teacher's key ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["forged-key-0123456789", "", "' OR 1=1 --"], ids=["forged", "missing", "sql"])
def test_a_forged_or_missing_teacher_key_is_refused_with_a_message(store, key):
    _, started = started_on_teachers_page()
    at = open_lesson({membership.CLASS: started.code, membership.TEACHER: key, "step": "1"})
    assert_clean(at)
    assert any("teacher key does not match" in e.value for e in at.error)
    assert not _has_button(at, "pulse_reveal") and not _has_button(at, "pulse_close")
    assert membership.TEACHING not in at.session_state
    assert spread_of(store, started.code, started.teacher_key, SCALING).revealed is False


def _has_button(at, key: str) -> bool:
    return any(b.key == key for b in at.button)


@pytest.mark.parametrize(
    "value",
    ["<script>alert(1)</script>", "' OR 1=1 --", "A" * 5000, "ÄBÇDÉF", "**bold** :red[x]", "../../etc/passwd"],
    ids=["html", "sql", "long", "accents", "markup", "path"],
)
def test_hostile_class_codes_and_teacher_keys_are_plain_refusals(store, value):
    learner = open_lesson({membership.CLASS: value, "step": "1"})
    teacher = open_lesson({membership.CLASS: value, membership.TEACHER: value, "step": "1"})
    for at in (learner, teacher):
        assert_clean(at)
        assert value not in all_text(at) and "<script>" not in all_text(at)
        assert membership.JOINED not in at.session_state and membership.TEACHING not in at.session_state
    assert [w.value for w in learner.warning if "No class has this code" in w.value]
    assert [e.value for e in teacher.error if "teacher key does not match" in e.value]


# -- answers ----------------------------------------------------------------------------------------------


def test_a_learners_first_answer_and_how_sure_are_recorded_once(store):
    _, started = started_on_teachers_page()
    at = learner_on(SCALING, started.code)
    first, second = number_wrong_by(SCALING, 3), network_number(SCALING)
    predict(at, SCALING, first, sure="Not sure")
    assert f"Sent to class {started.code}" in captions(at)
    predict(at, SCALING, second, sure="Sure")
    assert "already in" in captions(at)
    spread = spread_of(store, started.code, started.teacher_key, SCALING)
    assert spread.rounds[0].numbers == (first,)
    assert (spread.rounds[0].sure, spread.rounds[0].not_sure) == (0, 1)


def test_an_answer_outside_the_steps_bounds_is_not_sent_and_says_why(store):
    _, started = started_on_teachers_page()
    at = learner_on(SCALING, started.code)
    bound = number_bound(SCALING.challenge, class_state(SCALING))
    predict(at, SCALING, bound * 10)
    assert f"between {-bound:g} and {bound:g}" in captions(at)
    assert spread_of(store, started.code, started.teacher_key, SCALING).rounds[0].answered == 0


def test_answers_on_other_numbers_than_the_class_are_not_sent(store):
    _, started = started_on_teachers_page()
    at = learner_on(SCALING, started.code)
    at.button(key="ls_other").click().run()
    predict(at, SCALING, network_number(SCALING))
    assert "Not sent to the class" in captions(at)
    assert spread_of(store, started.code, started.teacher_key, SCALING).rounds[0].answered == 0


# -- the projector ----------------------------------------------------------------------------------------


def three_learners_answer(code: str, step, values) -> list:
    learners = [learner_on(step, code) for _ in values]
    for at, value in zip(learners, values, strict=True):
        if isinstance(value, str):
            choose(at, step, value)
        else:
            predict(at, step, value, sure="Sure")
    return learners


def round_chart(at, number: int) -> list:
    """The data sets of the projector's chart of round ``number`` (found by its title)."""
    charts_drawn = at.get("vega_lite_chart")
    titles = [json.loads(chart.proto.spec).get("title") for chart in charts_drawn]
    return chart_data(at, titles.index(f"Round {number}"))


def round_alt(at, number: int) -> str:
    charts_drawn = at.get("vega_lite_chart")
    titles = [json.loads(chart.proto.spec).get("title") for chart in charts_drawn]
    return charts_drawn[titles.index(f"Round {number}")].proto.alt


def test_the_teachers_link_shows_how_many_answered_and_the_spread_without_the_answer(store):
    _, started = started_on_teachers_page()
    values = [number_wrong_by(SCALING, f) for f in (2.0, 3.0, -1.0)]
    three_learners_answer(started.code, SCALING, values)
    teacher = teacher_on(SCALING, started.code, started.teacher_key)
    assert_clean(teacher)
    spread = spread_of(store, started.code, started.teacher_key, SCALING)
    shown = all_text(teacher)
    assert f"**{spread.rounds[0].answered}** answered of **{spread.joined}** in the class" in shown
    assert spread.rounds[0].answered == spread.joined == 3
    frames = round_chart(teacher, 1)
    bars = next(f for f in frames if charts.ANSWERED in f.columns)
    extent = charts.number_extent(spread.rounds, None)
    _, expected = charts.number_bins(extent, values)
    assert list(bars[charts.ANSWERED]) == list(expected) and sum(expected) == 3
    assert all("answer" not in f.columns for f in frames)  # no mark for the network's answer yet
    assert round_alt(teacher, 1) == charts.number_alt(spread.rounds[0], None)
    assert "network" not in round_alt(teacher, 1)


def test_reveal_marks_the_networks_answer_and_closes_the_question(store):
    _, started = started_on_teachers_page()
    learners = three_learners_answer(started.code, SCALING, [number_wrong_by(SCALING, 2.0)] * 3)
    teacher = teacher_on(SCALING, started.code, started.teacher_key)
    teacher.button(key="pulse_reveal").click().run()
    assert_clean(teacher)
    assert spread_of(store, started.code, started.teacher_key, SCALING).revealed
    marks = [f for f in round_chart(teacher, 1) if "answer" in f.columns]
    assert marks and marks[0]["answer"].iloc[0] == pytest.approx(network_answer(SCALING))
    assert round_alt(teacher, 1).endswith(
        f"The network's answer, marked in red: {answer_text(network_number(SCALING))[0]}."
    )
    assert "answer is out" in all_text(teacher)
    late = learner_on(SCALING, started.code)
    predict(late, SCALING, network_number(SCALING))
    assert "answer is out" in captions(late)
    assert spread_of(store, started.code, started.teacher_key, SCALING).rounds[0].answered == 3
    assert learners


def test_vote_again_opens_round_two_beside_round_one(store):
    _, started = started_on_teachers_page()
    first = [number_wrong_by(SCALING, 2.0), number_wrong_by(SCALING, 3.0)]
    learners = three_learners_answer(started.code, SCALING, [*first, number_wrong_by(SCALING, 4.0)])
    teacher = teacher_on(SCALING, started.code, started.teacher_key)
    teacher.button(key="pulse_again").click().run()
    assert_clean(teacher)
    again = network_number(SCALING)
    for at in learners[:2]:
        predict(at, SCALING, again)
        assert "round 2" in captions(at)
    teacher.run()
    spread = spread_of(store, started.code, started.teacher_key, SCALING)
    assert [r.answered for r in spread.rounds] == [3, 2]
    assert spread.rounds[1].numbers == (again, again)
    assert "round 2 · **2** answered of **3** in the class" in all_text(teacher)
    first_round, second_round = round_chart(teacher, 1)[0], round_chart(teacher, 2)[0]
    assert first_round[charts.ANSWERED].sum() == 3 and second_round[charts.ANSWERED].sum() == 2
    assert list(first_round["from"]) == list(second_round["from"])  # one scale for both rounds
    assert teacher.button(key="pulse_again").disabled  # two rounds at most


def test_a_choice_step_shows_bars_per_option_and_reveal_marks_the_right_one(store):
    _, started = started_on_teachers_page()
    options = list(question_of(SHARING).options)
    picks = [options[0], options[1], options[1]]
    three_learners_answer(started.code, SHARING, picks)
    teacher = teacher_on(SHARING, started.code, started.teacher_key)
    bars = round_chart(teacher, 1)[0]
    assert dict(zip(bars["option"], bars[charts.ANSWERED], strict=True)) == {o: picks.count(o) for o in options}
    assert set(bars["kind"]) == {"answered"}
    teacher.button(key="pulse_reveal").click().run()
    bars = round_chart(teacher, 1)[0]
    right = network_answer(SHARING)
    assert set(bars[bars["kind"] == "the network's answer"]["option"]) == set(right)


def test_a_goal_step_asks_the_class_nothing_and_says_so(store):
    _, started = started_on_teachers_page()
    learner_on(RULES, started.code)
    teacher = teacher_on(RULES, started.code, started.teacher_key)
    assert_clean(teacher)
    assert f"{charts.learners(1)} joined" in all_text(teacher)
    assert "asks the class no question" in all_text(teacher)


def test_close_ends_the_class_for_its_learners(store):
    _, started = started_on_teachers_page()
    learner = learner_on(SCALING, started.code)
    teacher = teacher_on(SCALING, started.code, started.teacher_key)
    teacher.button(key="pulse_close").click().run()
    assert_clean(teacher)
    assert store.class_status(started.code, started.teacher_key).closed
    assert "The class has ended" in all_text(teacher)
    predict(learner, SCALING, network_number(SCALING))
    assert any("ended this class" in i.value for i in learner.info)
    assert class_param(learner) is None
    assert "Right" in all_text(learner)  # the lesson goes on alone


def answer_forms(at) -> list[str]:
    """The keys of the buttons that send an answer on the page (the lesson's Check, any other form's)."""
    return [b.key for b in at.main.button if b.key and (b.key.endswith("_check") or b.key.endswith("_send"))]


@pytest.mark.parametrize("step", [SCALING, SHARING], ids=["predict", "choose"])
def test_a_learner_on_a_round_one_step_sees_one_form_whose_first_answer_goes_to_the_class_too(store, step):
    _, started = started_on_teachers_page()
    learner = learner_on(step, started.code)
    assert answer_forms(learner) == [f"ls_{step.key}_check"]
    wrong = number_wrong_by(step, 3.0) if step is SCALING else None
    if step is SCALING:
        predict(learner, step, wrong, sure="Not sure")
    else:
        wrong = next(o for o in question_of(step).options if o not in network_answer(step))
        choose(learner, step, wrong)
    assert f"Sent to class {started.code}, anonymously (round 1)" in captions(learner)
    assert learner.warning and "Right" not in all_text(learner)  # the lesson's own feedback on the same answer
    assert answer_forms(learner) == [f"ls_{step.key}_check"]
    round_one = spread_of(store, started.code, started.teacher_key, step).rounds[0]
    assert round_one.answered == 1 and (round_one.numbers == (wrong,) or round_one.counts[wrong] == 1)


@pytest.mark.parametrize("step", [SCALING, SHARING], ids=["predict", "choose"])
def test_round_two_is_answered_in_the_lessons_own_form_even_on_a_passed_step(store, step):
    _, started = started_on_teachers_page()
    learner = learner_on(step, started.code)
    if step is SCALING:
        predict(learner, step, network_number(step), sure="Sure")  # right: the lesson's form goes
        assert answer_forms(learner) == []
    else:
        choose(learner, step, network_answer(step)[0])
    assert "Round 2" not in all_text(learner)
    teacher = teacher_on(step, started.code, started.teacher_key)
    teacher.button(key="pulse_again").click().run()
    learner.run()  # in a browser the page's watcher asks the store and runs the page again
    assert_clean(learner)
    assert answer_forms(learner) == [f"ls_{step.key}_check"]  # the lesson's form, and no other
    assert "**Round 2:** your teacher asks the class again" in all_text(learner)
    if step is SCALING:
        again = number_wrong_by(step, 2.0)
        predict(learner, step, again, sure="Not sure")
        assert learner.warning  # the lesson checks it as any try
    else:
        again = next(o for o in question_of(step).options if o not in network_answer(step))
        choose(learner, step, again)
    assert f"Sent to class {started.code}, anonymously (round 2)" in captions(learner)
    assert "asks the class again" not in all_text(learner)  # the class has it: no call to answer left
    spread = spread_of(store, started.code, started.teacher_key, step)
    assert [r.answered for r in spread.rounds] == [1, 1]
    if step is SCALING:
        assert [r.numbers for r in spread.rounds] == [(network_number(step),), (again,)]
        assert (spread.rounds[1].sure, spread.rounds[1].not_sure) == (0, 1)
        learner.run()
        assert answer_forms(learner) == []  # answered: the passed step's form goes again
        assert any("You answered this one" in m.value for m in learner.success)
    else:
        assert spread.rounds[1].counts[again] == 1
    assert "Round 2" not in all_text(learner.run())


def test_a_step_passed_before_joining_keeps_its_form_for_the_class(store):
    _, started = started_on_teachers_page()
    learner = open_lesson({"step": str(step_number(SCALING))})
    predict(learner, SCALING, network_number(SCALING))  # alone: passed, the form goes
    assert answer_forms(learner) == []
    learner.query_params[membership.CLASS] = started.code  # then the class's link
    learner.run()
    assert_clean(learner)
    assert answer_forms(learner) == ["ls_scaling_check"]
    assert "Your class asks this one too" in captions(learner)
    predict(learner, SCALING, number_wrong_by(SCALING, 2.0))
    assert f"Sent to class {started.code}, anonymously (round 1)" in captions(learner)
    assert spread_of(store, started.code, started.teacher_key, SCALING).rounds[0].answered == 1


def test_the_teachers_three_buttons_are_each_disabled_once_spent(store):
    _, started = started_on_teachers_page()
    teacher = teacher_on(SCALING, started.code, started.teacher_key)
    keys = ("pulse_reveal", "pulse_again", "pulse_close")
    assert [teacher.button(key=k).label for k in keys] == ["Reveal", "Vote again", "Close the class"]
    assert [teacher.button(key=k).disabled for k in keys] == [False, False, False]
    teacher.button(key="pulse_reveal").click().run()
    assert [teacher.button(key=k).disabled for k in keys] == [True, True, False]  # no new round after the answer
    teacher.button(key="pulse_close").click().run()
    assert_clean(teacher)
    assert [teacher.button(key=k).disabled for k in keys] == [True, True, True]


# -- joining by a typed code --------------------------------------------------------------------------------


def type_code(at, text: str):
    """Type ``text`` in the sidebar's Join a class and press Join."""
    at.sidebar.text_input(key=membership.JOIN_FIELD).input(text)
    at.sidebar.button(key="pulse_join_send").click().run()
    assert_clean(at)
    return at


def under_the_field(at) -> list[str]:
    return [str(m.value) for m in [*at.sidebar.warning, *at.sidebar.info]]


def test_a_typed_code_joins_like_the_link_and_stays_in_the_link_across_pages(store):
    _, started = started_on_teachers_page()
    at = open_page(LESSON)
    assert [t.label for t in at.sidebar.text_input if t.key == membership.JOIN_FIELD] == [membership.JOIN_LABEL]
    typed = f" {started.code[:3].lower()}-{started.code[3:]} "  # as a learner may copy it off the projector
    type_code(at, typed)
    assert any(f"You are in class {started.code}" in s.value for s in at.success)
    assert class_param(at) == started.code
    assert store.class_status(started.code, started.teacher_key).joined == 1
    assert not at.sidebar.text_input  # in a class: the field gives way to the class's line
    assert f"In class {started.code}" in "\n".join(str(c.value) for c in at.sidebar.caption)
    at.switch_page("app_pages/statland.py").run()
    assert class_param(at) == started.code
    at.switch_page(LESSON).run()
    predict(at, SCALING, network_number(SCALING))
    assert f"Sent to class {started.code}" in captions(at)


@pytest.mark.parametrize("expired", [False, True], ids=["unknown", "expired"])
def test_a_typed_unknown_or_expired_code_is_refused_under_the_field(store, expired):
    code = refused_code(store, expired)
    at = type_code(open_page(LESSON), code)
    said = under_the_field(at)
    assert len(said) == 1 and "No class has this code" in said[0] and "on your own" in said[0]
    assert membership.JOINED not in at.session_state and class_param(at) is None
    assert at.sidebar.text_input(key=membership.JOIN_FIELD)  # there for another try
    at.run()
    assert not under_the_field(at)  # said once, for that try


@pytest.mark.parametrize("typed", ["12345", "ABC!DE", "O0I1L5", "<b>ABCDEF</b>", "A" * 30], ids=str)
def test_a_typed_text_that_cannot_be_a_code_says_what_a_code_looks_like_without_a_lookup(store, typed):
    at = type_code(open_page(LESSON), typed)
    assert under_the_field(at) == [membership.NOT_A_CODE]
    assert membership.JOINED not in at.session_state and typed not in all_text(at)
    with store._engine.connect() as connection:  # a malformed code costs the rate limit nothing
        assert connection.execute(sa.text("SELECT count(*) FROM pulse_join_failures")).scalar_one() == 0


def test_join_with_nothing_typed_says_what_to_type(store):
    at = open_page(LESSON)
    at.sidebar.button(key="pulse_join_send").click().run()
    assert_clean(at)
    assert under_the_field(at) == [membership.TYPE_IT]


def test_too_many_typed_wrong_codes_say_when_to_try_again(store):
    at = open_page(LESSON)
    for n in range(store.limits.per_requester + 1):
        type_code(at, f"ABCDE{'FGHJKM'[n]}")
    said = under_the_field(at)
    assert len(said) == 1 and "Too many wrong codes" in said[0] and "type the code again" in said[0]
