"""The class pulse in real browsers (issue 30): a teacher starts a class on For teachers and opens the
teacher's link on a 1280x720 projector; three learners, each in a browser context of their own (one on
a 390x844 phone), join by the link and answer lesson step 1; the projector's count and spread follow
without anyone reloading it; Vote again opens round 2 beside round 1; Reveal marks the network's answer.

The app runs on a server of its own here, pointed at a SQLite file in a tmp folder. Screenshots go to
artifacts/screenshots/ (pulse_projector.png, pulse_learner_phone.png, pulse_start.png)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import sqlalchemy as sa
from browser_support import (
    IDLE,
    assert_healthy,
    collect_console_errors,
    open_app_page,
    rerun_after,
    screenshot,
    watch_script_runs,
)
from conftest import ROOT
from playwright.sync_api import Page, expect

from bench.app_server import running_app
from ui.lesson import steps as lesson
from ui.lesson.challenges import answer_text
from ui.pulse import membership
from ui.pulse.lesson_questions import class_state, question_of
from ui.pulse.results import Spread
from ui.pulse.schema import DATABASE_URL_VARIABLE, engine_options
from ui.pulse.store import PulseStore

SCALING = lesson.STEPS[0]
PROJECTOR, PHONE, LAPTOP = {"width": 1280, "height": 720}, {"width": 390, "height": 844}, {"width": 1280, "height": 800}
WAIT = 15_000  # ms a test waits for the projector, which refreshes by itself, before calling it stuck


@pytest.fixture(scope="module")
def pulse_app(tmp_path_factory):
    """The app with its class database in a tmp folder, and the same database opened for the test."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pulse') / 'pulse.sqlite3'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATABASE_URL_VARIABLE, url)
        with running_app(log_dir=ROOT / "artifacts") as app:
            engine = sa.create_engine(url, **engine_options(url))
            yield app.url, PulseStore(engine)
            engine.dispose()


def fresh_page(browser, viewport) -> Page:
    """A page in a browser context of its own: its own cookies and its own Streamlit session."""
    context = browser.new_context(viewport=viewport)
    return watch_script_runs(context.new_page())


def answer_step_one(page: Page, value: float, sure: str) -> None:
    page.locator(".st-key-ls_scaling_guess input").fill(str(value))
    page.locator(".st-key-ls_scaling_sure").get_by_text(sure, exact=True).click()
    rerun_after(page, lambda: page.locator(".st-key-ls_scaling_check button").click())


def answered_round_one_on_a_phone(browser, base_url: str, store: PulseStore):
    """A new class, and a learner on a phone who joined by its link and answered step 1 right in round 1:
    (the class, the learner's page, its console errors, the right answer)."""
    started = store.start_class()
    learner = fresh_page(browser, PHONE)
    errors = collect_console_errors(learner)
    open_app_page(learner, base_url, "/lesson", urlencode({membership.CLASS: started.code}))
    right = float(SCALING.challenge.answer(class_state(SCALING)))
    answer_step_one(learner, right, "Sure")
    expect(learner.get_by_text(f"Sent to class {started.code}, anonymously (round 1)")).to_be_visible()
    return started, learner, errors, right


def button(page: Page, key: str):
    """The teacher's button ``key``: the one on screen (a refresh of the projector may still hold the
    previous drawing of its buttons, out of sight, while it draws the new one)."""
    return page.locator(f".st-key-{key} button").filter(visible=True)


def headline(page: Page):
    return page.locator(".st-key-pulse_projector")


def test_a_teacher_and_three_learners_join_answer_vote_again_and_reveal(browser, pulse_app, screenshots):
    base_url, store = pulse_app
    teacher = fresh_page(browser, LAPTOP)
    errors = collect_console_errors(teacher)
    open_app_page(teacher, base_url, "/teachers")
    rerun_after(teacher, lambda: teacher.get_by_role("button", name="Start a class").click())
    assert_healthy(teacher)
    links = teacher.get_by_test_id("stCode").all_inner_texts()
    join = next(link.strip() for link in links if f"/lesson?{membership.CLASS}=" in link and "teacher=" not in link)
    teachers_link = next(link.strip() for link in links if f"{membership.TEACHER}=" in link)
    code = dict(parse_qsl(urlsplit(join).query))[membership.CLASS]
    key = dict(parse_qsl(urlsplit(teachers_link).query))[membership.TEACHER]
    expect(teacher.locator(".pulse-code")).to_have_text(code)
    expect(teacher.get_by_role("img", name=re.compile("QR code of the join link"))).to_be_visible()
    teacher.locator(".pulse-code").scroll_into_view_if_needed()
    screenshot(teacher, screenshots, "pulse_start", full_page=False)
    teacher.set_viewport_size(PHONE)  # a teacher starting the class from a phone reads the whole code
    code_fits = "e => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().right <= window.innerWidth"
    assert teacher.locator(".pulse-code").evaluate(code_fits)

    # The projector: the teacher's link, whose key leaves the address bar once opened.
    teacher.set_viewport_size(PROJECTOR)
    teacher.goto(teachers_link)
    teacher.wait_for_selector(".st-key-pulse_projector", timeout=30_000)
    assert key not in teacher.url
    expect(headline(teacher)).to_contain_text("0 answered of 0 in the class")

    learners = [fresh_page(browser, PHONE if n == 0 else LAPTOP) for n in range(3)]
    for page in learners:
        open_app_page(page, base_url, urlsplit(join).path, urlsplit(join).query)
        expect(page.get_by_text(f"You are in class {code}")).to_be_visible()
    expect(headline(teacher)).to_contain_text("0 answered of 3 in the class", timeout=WAIT)

    right = float(SCALING.challenge.answer(class_state(SCALING)))
    wrong = [right + 1.5, right + 2.5, -right - 1]  # answers the lesson calls wrong, so round 2 can be answered
    for n, (page, value) in enumerate(zip(learners, wrong, strict=True)):
        answer_step_one(page, value, "Sure" if n else "Not sure")
        expect(page.get_by_text(f"Sent to class {code}, anonymously (round 1)")).to_be_visible()
        # The projector follows each answer without a reload.
        expect(headline(teacher)).to_contain_text(f"{n + 1} answered of 3 in the class", timeout=WAIT)
    expect(headline(teacher)).to_contain_text("2 sure, 1 not sure")
    expect(headline(teacher).get_by_test_id("stVegaLiteChart")).to_have_count(1)
    expect(headline(teacher).get_by_text("the network:")).to_have_count(0)  # nothing tells the answer yet

    button(teacher, "pulse_again").click()  # reruns the projector alone
    expect(headline(teacher)).to_contain_text("round 2 · 0 answered of 3", timeout=WAIT)
    for page in learners[:2]:
        answer_step_one(page, right, "Sure")
        expect(page.get_by_text(f"Sent to class {code}, anonymously (round 2)")).to_be_visible()
    expect(headline(teacher)).to_contain_text("round 2 · 2 answered of 3", timeout=WAIT)
    expect(headline(teacher).get_by_test_id("stVegaLiteChart")).to_have_count(2, timeout=WAIT)

    button(teacher, "pulse_reveal").click()  # reruns the projector alone
    expect(headline(teacher)).to_contain_text("The network's answer is out", timeout=WAIT)
    expect(headline(teacher).get_by_text(f"the network: {answer_text(right)[0]}")).to_have_count(2, timeout=WAIT)
    spread = store.spread(code, key, question_of(SCALING))
    assert isinstance(spread, Spread) and spread.revealed
    assert [r.numbers for r in spread.rounds] == [tuple(sorted(wrong)), (right, right)]
    assert_healthy(teacher)
    teacher.mouse.move(0, 0)  # no button's tooltip over the projector's screenshot
    headline(teacher).scroll_into_view_if_needed()
    screenshot(teacher, screenshots, "pulse_projector", full_page=False)

    late = learners[2]  # answered round 1 only; tries again after the reveal
    answer_step_one(late, right, "Sure")
    expect(late.get_by_text("The answer is out: answers to this question are closed.")).to_be_visible()
    assert store.spread(code, key, question_of(SCALING)).rounds[1].answered == 2

    phone = learners[0]
    sent = phone.get_by_text(f"Sent to class {code}, anonymously (round 2)")
    expect(sent).to_be_visible()
    assert sent.bounding_box()["x"] + sent.bounding_box()["width"] <= PHONE["width"]  # no sideways scrolling
    assert_healthy(phone)
    phone.evaluate("window.scrollTo(0, 0)")
    screenshot(phone, screenshots, "pulse_learner_phone", full_page=False)
    assert not errors, errors


def test_a_choice_steps_bars_each_have_a_readable_height_and_the_right_one_is_marked(browser, pulse_app, screenshots):
    base_url, store = pulse_app
    tradeoff = next(step for step in lesson.STEPS if step.key == "tradeoff")
    question = question_of(tradeoff)
    started = store.start_class()
    for n, option in enumerate(question.options):  # one learner per option, answering through the store
        learner_id = f"learner-choice-{n:04d}"
        assert store.join(started.code, learner_id).ok
        assert store.record_answer(started.code, learner_id, question, option).ok
    teacher = fresh_page(browser, PROJECTOR)
    link = f"{base_url}/lesson?" + urlencode(
        {membership.CLASS: started.code, membership.TEACHER: started.teacher_key, "present": "1", "step": "9"}
    )
    teacher.goto(link)
    bars = headline(teacher).locator("svg .mark-rect path")
    expect(bars).to_have_count(len(question.options), timeout=WAIT)
    button(teacher, "pulse_reveal").click()
    expect(headline(teacher).get_by_text("the network's answer", exact=True)).to_be_visible(timeout=WAIT)
    heights = [bars.nth(i).bounding_box()["height"] for i in range(len(question.options))]
    assert min(heights) >= 20, heights  # one band per option, not a pile of hairlines
    assert_healthy(teacher)
    teacher.mouse.move(0, 0)
    headline(teacher).scroll_into_view_if_needed()
    screenshot(teacher, screenshots, "pulse_projector_choice", full_page=False)


def test_a_learner_without_the_link_types_the_code_and_stays_in_the_class_across_pages(browser, pulse_app):
    base_url, store = pulse_app
    started = store.start_class()
    learner = fresh_page(browser, LAPTOP)
    errors = collect_console_errors(learner)
    open_app_page(learner, base_url, "/lesson")
    field = learner.locator(f".st-key-{membership.JOIN_FIELD} input")
    expect(field).to_be_visible()  # in the sidebar, on a laptop's screen without opening anything
    field.fill("ZZZZZ")  # a typo first: told what a code looks like, the field kept for another try
    rerun_after(learner, lambda: learner.get_by_role("button", name="Join").click())
    expect(learner.get_by_test_id("stSidebar").get_by_text(membership.NOT_A_CODE)).to_be_visible()
    field.fill(started.code.lower())
    rerun_after(learner, lambda: learner.get_by_role("button", name="Join").click())
    expect(learner.get_by_text(f"You are in class {started.code}")).to_be_visible()
    expect(learner).to_have_url(re.compile(rf"[?&]{membership.CLASS}={started.code}\b"))
    expect(field).to_have_count(0)
    rerun_after(learner, lambda: learner.get_by_test_id("stSidebarNavLink").filter(has_text="StatLand").click())
    expect(learner).to_have_url(re.compile(rf"/statland\?(.*&)?{membership.CLASS}={started.code}\b"))
    expect(learner.get_by_text(f"In class {started.code}")).to_be_visible()
    status = store.class_status(started.code, started.teacher_key)
    assert status.joined == 1  # one learner, joined once
    assert_healthy(learner)
    assert not errors, errors


def test_a_learner_who_passed_the_step_gets_the_lessons_form_back_when_the_teacher_opens_round_two(browser, pulse_app):
    base_url, store = pulse_app
    started, learner, errors, right = answered_round_one_on_a_phone(browser, base_url, store)
    checks = learner.locator(".st-key-ls_scaling_check button").filter(visible=True)
    expect(checks).to_have_count(0)  # passed: the form gives its place to the view
    assert store.vote_again(started.code, started.teacher_key, question_of(SCALING)).ok
    # The page's watcher finds the new round by itself and brings back the lesson's one form.
    expect(learner.get_by_text("your teacher asks the class again")).to_be_visible(timeout=WAIT)
    expect(checks).to_have_count(1)
    expect(learner.get_by_test_id("stForm").filter(visible=True)).to_have_count(1)
    answer_step_one(learner, right + 1.5, "Not sure")
    expect(learner.get_by_text(f"Sent to class {started.code}, anonymously (round 2)")).to_be_visible()
    spread = store.spread(started.code, started.teacher_key, question_of(SCALING))
    assert [r.numbers for r in spread.rounds] == [(right,), (right + 1.5,)]
    assert_healthy(learner)
    assert not errors, errors


def test_a_reload_or_a_second_tab_is_the_same_learner_whose_first_answer_stays_first(browser, pulse_app):
    base_url, store = pulse_app
    started, learner, errors, right = answered_round_one_on_a_phone(browser, base_url, store)
    # The browser keeps the learner's random id, and nothing else, for a day.
    learner.wait_for_function(f"document.cookie.includes('{membership.LEARNER_COOKIE}=')", timeout=WAIT)
    kept = {c["name"]: c for c in learner.context.cookies()}[membership.LEARNER_COOKIE]
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,64}", kept["value"]) and kept["expires"] > 0
    learner.reload()  # a new Streamlit session in the same browser, on the link that still names the class
    learner.wait_for_selector(IDLE, timeout=WAIT)
    expect(learner.get_by_test_id("stSidebar").get_by_text(f"In class {started.code}")).to_be_attached()
    second_tab = watch_script_runs(learner.context.new_page())
    open_app_page(second_tab, base_url, "/lesson", urlencode({membership.CLASS: started.code}))
    expect(second_tab.get_by_test_id("stSidebar").get_by_text(f"In class {started.code}")).to_be_attached()
    assert store.class_status(started.code, started.teacher_key).joined == 1  # one learner, however many sessions
    spread = store.spread(started.code, started.teacher_key, question_of(SCALING))
    assert [r.numbers for r in spread.rounds] == [(right,)]
    second_tab.close()
    assert_healthy(learner)
    assert not errors, errors
