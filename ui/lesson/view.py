"""The Lesson page's sections: one step per screen, its challenge, and the live view it reuses.

Progress (steps passed, tries, answers shown) lives in ``st.session_state["ls_progress"]``
and in the link (``?step=N&done=1.2.4``), so a learner resumes on another device and a
teacher can send ``/lesson?step=7``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

import rnn_core as rc
from ui.claims import Said, general
from ui.classroom.links import keep_in_link, lockable, presenting
from ui.kit.format import number
from ui.kit.state import shown
from ui.lab import views as lab_views
from ui.lab.controls import shared_controls
from ui.lab.model import LESSON_W2, LabSettings
from ui.lesson import calibration, code, quiz, quiz_view
from ui.lesson import steps as lesson
from ui.lesson.challenges import TRIES_BEFORE_REVEAL, Goal, Predict, answer_text, as_said
from ui.lesson.step import BPTTView, DaysSlider, LabKnobs, LabView, StatLandView, WeightField
from ui.pulse import answers as class_pulse
from ui.pulse import panel as class_panel
from ui.statland import view as statland_view

PROGRESS = "ls_progress"


@dataclass
class Progress:
    """What the learner has done: steps passed, tries per step, steps whose answer was shown."""

    passed: set[int] = field(default_factory=set)
    tries: dict[int, int] = field(default_factory=dict)
    shown: set[int] = field(default_factory=set)
    # The starting numbers (seed) each step was last solved or shown with: its view reveals
    # its numbers only for those, so "Try other numbers" asks again before showing.
    solved_with: dict[int, int] = field(default_factory=dict)
    # How sure each prediction's first answer was, and whether it was right.
    first_answers: dict[int, calibration.FirstAnswer] = field(default_factory=dict)

    def link_value(self) -> str:
        return ".".join(str(n) for n in sorted(self.passed))


def parse_done(raw) -> set[int]:
    """Steps passed, from a link's ``done`` value ('1.2.4'); anything else is ignored."""
    steps = set()
    for part in str(raw or "").split("."):
        if part.isdigit() and 1 <= int(part) <= len(lesson.STEPS):
            steps.add(int(part))
    return steps


def progress() -> Progress:
    """The session's progress, with any steps a link says were passed added to it."""
    if PROGRESS not in st.session_state:
        st.session_state[PROGRESS] = Progress()
    found = st.session_state[PROGRESS]
    found.passed |= parse_done(st.query_params.get("done"))
    linked = calibration.parse(st.query_params.get("sure"), len(lesson.STEPS))
    found.first_answers = {**linked, **found.first_answers}
    return found


def current_step() -> int:
    """The step in the link (checked), with a quiet note when the link's value was not a step."""
    number_, note = lesson.step_number(st.query_params.get("step", "1"))
    if note:
        st.caption(note)
    return number_


def go_to(step: int) -> None:
    st.query_params["step"] = str(step)
    done = progress().link_value()
    if done:
        st.query_params["done"] = done


def header(n: int, seed: int) -> None:
    step = lesson.STEPS[n - 1]
    # The heading sits close under the progress row: every pixel counts for a step to fit one screen.
    st.html("<style>.st-key-ls_header h3 { padding-top: 0.2rem; }</style>")
    with st.container(key="ls_header", gap="small"):
        st.subheader(shown(general(f"{n}. {step.title}")))  # a topic's name, not a claim
        st.markdown(shown(step.words(step.start(seed))))


def progress_bar(n: int, area) -> None:
    done = len(progress().passed)
    area.progress(done / len(lesson.STEPS), text=f"Lesson · step {n} of {len(lesson.STEPS)} · {done} passed")


def navigation(n: int) -> None:
    with st.container(horizontal=True, key="ls_nav"):
        st.button("Back", key="ls_back", on_click=go_to, args=(n - 1,), disabled=n == 1, icon=":material/arrow_back:")
        st.button("Try other numbers", key="ls_other", on_click=other_numbers, args=(n,), icon=":material/casino:")
        st.button(
            "Next",
            key="ls_next",
            on_click=go_to,
            args=(n + 1,),
            disabled=n == len(lesson.STEPS),
            type="primary" if n in progress().passed else "secondary",
            icon=":material/arrow_forward:",
        )


def _passed(n: int, seed: int, message: str) -> None:
    progress().passed.add(n)
    progress().solved_with[n] = seed
    st.success(message, icon=":material/check_circle:")


def widget_prefix(n: int) -> str:
    """The prefix of step ``n``'s widget keys, from the step's own key (``ls_rules_``), so inserting a
    step changes no other step's widgets."""
    return f"ls_{lesson.STEPS[n - 1].key}_"


def challenge(n: int, state, seed: int) -> bool:
    """The step's challenge; returns whether the step's view may show its numbers now."""
    step, prefix = lesson.STEPS[n - 1], widget_prefix(n)
    task, done = step.challenge, progress()
    prompt = f"**Your turn:** {shown(as_said(task.prompt(state)))}"
    if isinstance(task, Goal):
        verdict = task.check(state)
        tried = state != step.start(seed)  # a hint answers a try: none before the first change
        if verdict.passed:
            st.markdown(prompt)
            _passed(n, seed, shown(verdict.message))
        elif presenting() and tried:  # in front of a class the hint waits behind the prompt's tooltip
            st.markdown(prompt, help=shown(verdict.message))
        else:
            st.markdown(prompt)
            if tried:
                st.info(shown(verdict.message), icon=":material/lightbulb:")
        return True
    st.markdown(prompt)
    # A joined learner's class may wait for an answer here (round 2, or a step passed before joining):
    # the form then stays, and its first answer in that round goes to the class too.
    solved, asked = done.solved_with.get(n) == seed, class_pulse.asked(step, state)
    note = st.empty()  # said above the form until the class has the answer
    if asked is not None and (asked > 1 or solved):
        with note.container():
            class_pulse.say_asked(asked)
    answered = st.empty()  # an answered question gives its place on the screen to the view
    if isinstance(task, Predict):
        with answered.container(), st.form(key=f"{prefix}form", border=False, enter_to_submit=True):
            with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
                guess = st.number_input("Your answer", value=None, format="%g", key=f"{prefix}guess", width=150)
                sure = st.segmented_control("How sure?", calibration.SURENESS, key=f"{prefix}sure")
                submitted = st.form_submit_button("Check", key=f"{prefix}check")
        verdict = task.check(state, guess) if guess is not None else None
    else:
        sure = None
        texts = [shown(general(text)) for text in task.texts(state)]  # choices offered, not claims
        in_a_row = sum(len(text) for text in texts) <= 80  # the choices side by side where one line holds them
        # Chosen, then checked: an arrow key moves the choice without answering (in a form nothing is
        # sent until Check), so a learner at the keyboard passes no wrong option on the way.
        with (
            st.form(key=f"{prefix}form", border=False, enter_to_submit=False),
            st.container(horizontal=True, vertical_alignment="bottom", gap="medium"),  # Check beside: no new line
        ):
            choice = st.radio(
                "Choose one",
                texts,
                index=None,
                key=f"{prefix}choice",
                horizontal=in_a_row,
                label_visibility="collapsed",
                width="content",
            )
            submitted = st.form_submit_button("Check", key=f"{prefix}check")
        verdict = task.check(state, texts.index(choice)) if choice is not None else None
    if submitted and verdict is not None:
        given = guess if isinstance(task, Predict) else choice
        if class_pulse.answered(step, state, given, sure):  # a joined learner's; the class has it now
            note.empty()
        done.tries[n] = done.tries.get(n, 0) + 1
        if isinstance(task, Predict) and n not in done.first_answers and sure is not None:
            done.first_answers[n] = calibration.FirstAnswer(sure == calibration.SURENESS[0], verdict.passed)
        if verdict.passed:
            if isinstance(task, Predict):
                answered.empty()
            _passed(n, seed, shown(verdict.message))
            return True
        st.warning(shown(verdict.message), icon=":material/lightbulb:")
    elif solved:
        if asked is None:
            if isinstance(task, Predict):
                answered.empty()
            st.success("You answered this one.", icon=":material/check_circle:")
        return True
    if done.tries.get(n, 0) >= TRIES_BEFORE_REVEAL:
        if st.button("Show the answer", key=f"{prefix}reveal", icon=":material/visibility:"):
            done.shown.add(n)
            done.solved_with[n] = seed
        if done.solved_with.get(n) == seed:
            st.info(shown(reveal(task, state)), icon=":material/visibility:")
            return True
    return solved  # a step passed before, answered again for the class: its numbers stay shown


def reveal(task, state) -> Said:
    """The answer, as the check accepts it when typed back, and why."""
    if isinstance(task, Predict):
        return f"The answer is {answer_text(task.answer(state))[0]}. " + as_said(task.why(state))
    right = [text for text, option in zip(task.texts(state), task.options, strict=True) if option.correct(state)]
    # the option's text is a choice offered, not a claim; the why that follows makes the claims
    return general(f"The answer is “{right[0]}”. ") + as_said(
        next(o.why(state) for o in task.options if o.correct(state))
    )


# -- each step's controls and view, drawn by their kind ----------------------------------------------
# A step's controls are drawn knowing its view (``view``): a lab chart with its own w2 slider takes
# the place of the page's.
def weight_field(control: WeightField, view, state, prefix: str) -> dict:
    value = st.number_input(
        control.name,
        value=float(state["weights"][control.name]),
        step=control.step,
        format="%.2f",
        width=120,
        **lockable(f"{prefix}{control.name}"),
    )
    return {**state, "weights": {**state["weights"], control.name: float(value)}}


def days_slider(control: DaysSlider, view, state, prefix: str) -> dict:
    days = st.slider(
        "Number of days", control.low, control.high, int(state["n_days"]), width=260, **lockable(f"{prefix}days")
    )
    return {**state, "n_days": days}


def lab_knobs(control: LabKnobs, view, state, prefix: str) -> dict:
    settings = shared_controls(
        key_prefix=prefix,
        defaults=LabSettings(w2=float(state["w2"]), length=int(state["length"])),
        activation_note=False,
        presets=control.presets,
        with_activation=False,  # the step is about w2 and T on the lesson's ReLU: its room goes to the view
        w2_in_chart=isinstance(view, LabView) and lab_views.VIEWS[view.key].drags_w2,
    )
    return {**state, "w2": settings.w2, "length": settings.length}


CONTROLS = {WeightField: weight_field, DaysSlider: days_slider, LabKnobs: lab_knobs}


def live_state(n: int, seed: int) -> dict:
    """The step's state: its start, changed by the step's own controls."""
    step = lesson.STEPS[n - 1]
    state = step.start(seed)
    if step.controls is None:
        return state
    return CONTROLS[type(step.controls)](step.controls, step.view, state, widget_prefix(n))


def statland_view_of(view: StatLandView, state, revealed: bool, prefix: str, area) -> None:
    # With the four rules' table beside the question, a projector needs the prediction's room for the diagram.
    masked = frozenset() if revealed else view.masked(state)
    statland_view.show_network(
        view.days(state),
        state.get("weights", rc.STATQUEST_WEIGHTS),
        key_prefix=prefix,
        prediction_area=area,
        show_prediction=not (view.rules and presenting()) and not masked,
        masked=masked,
    )


def bptt_view_of(view: BPTTView, state, revealed: bool, prefix: str, area) -> None:
    """The unrolled network with each day's share of dL/dw2 under its input; their sum once answered."""
    shares = lesson.bptt_shares(state)
    total = number(sum(shares), 4) if revealed else "?"  # as precise as the pieces it adds up
    statland_view.show_network(
        list(state["days"]),
        state["weights"],
        key_prefix=prefix,
        prediction_area=area,
        show_prediction=False,
        shares=(shares, total),
    )


def lab_view_of(view: LabView, state, revealed: bool, prefix: str, area) -> None:
    settings = LabSettings(w2=float(state.get("w2", LESSON_W2)), length=int(state.get("length", 10)))
    lab_views.show_view(view.key, settings, key_prefix=prefix, masked=frozenset() if revealed else view.masked)


VIEWS = {StatLandView: statland_view_of, BPTTView: bptt_view_of, LabView: lab_view_of}


def live_view(n: int, state, revealed: bool, prediction_area=None) -> None:
    """The step's view, on screen before the answer: what the question asks for reads "?" until then."""
    step = lesson.STEPS[n - 1]
    VIEWS[type(step.view)](step.view, state, revealed, widget_prefix(n), prediction_area)


def summary() -> None:
    """After the last step: what the learner did, and where to explore each idea."""
    done = progress()
    if len(done.passed) < len(lesson.STEPS):
        return
    st.balloons()
    st.success(f"You passed all {len(lesson.STEPS)} steps of “{lesson.VIDEO_TITLE}”.")
    if sureness := calibration.summary(done.first_answers):
        st.markdown(sureness)
    st.button(
        quiz_view.TITLES["after"],
        key="ls_quiz_after",
        on_click=quiz_view.open_round,
        args=("after",),
        type="primary",
        icon=":material/quiz:",
    )
    your_network_in_code()
    pages = {"statland": "app_pages/statland.py", "training": "app_pages/training.py", "lab": "app_pages/lab.py"}
    for step in lesson.STEPS:
        if step.explore in pages:
            st.page_link(pages[step.explore], label=f"Explore further: {step.title}", icon=":material/explore:")


def your_network_in_code() -> None:
    """The lesson's network as a short program, forward and backward through time, and what it prints."""
    weights = {name: float(value) for name, value in rc.STATQUEST_WEIGHTS.items()}
    days, target = code.EXAMPLE
    st.subheader("Your network in code")
    st.markdown(
        f"The StatLand network on **{' → '.join(days)}** (tomorrow: {target}), in plain NumPy and in PyTorch. "
        "Run either: it prints what rnn_core finds."
    )
    numpy_tab, torch_tab = st.tabs(["NumPy", "PyTorch"])
    numpy_tab.code(code.numpy_code(weights), language="python")
    torch_tab.code(code.torch_code(weights), language="python")
    st.caption("It prints:")
    st.code(code.engine_printout(weights), language=None)


SEEDS = "ls_seeds"  # each step's starting numbers: "Try other numbers" changes only its own step's


def seed_of(n: int) -> int:
    return st.session_state.get(SEEDS, {}).get(lesson.STEPS[n - 1].key, 0)


def other_numbers(n: int) -> None:
    """A new starting state for step ``n`` (and no other): its own widgets go back to its new start."""
    seeds = dict(st.session_state.get(SEEDS, {}))
    seeds[lesson.STEPS[n - 1].key] = seed_of(n) + 1
    st.session_state[SEEDS] = seeds
    for key in [k for k in st.session_state if str(k).startswith(widget_prefix(n))]:
        del st.session_state[key]
    progress().tries.pop(n, None)
    progress().solved_with.pop(n, None)


def show_lesson() -> None:
    if (which := st.query_params.get("quiz")) in quiz.ROUNDS:
        quiz_view.show_round(which)
        keep_in_link(quiz=which, **link_values())
        return
    n = current_step()
    # The progress and the way on share the first row, so the step itself starts near the top.
    # (In presentation mode the row leaves the top corner to Leave presentation.)
    bar_column, nav = st.columns([4, 4] if presenting() else [5, 4], vertical_alignment="bottom", gap="medium")
    bar = bar_column.empty()
    seed = seed_of(n)
    header(n, seed)
    if n == 1 and not quiz_view.answers("before"):
        st.button(
            f"Check yourself first: {len(quiz.QUESTIONS)} questions, optional",
            key="ls_quiz_before",
            on_click=quiz_view.open_round,
            args=("before",),
            type="tertiary",
            icon=":material/quiz:",
        )
    # On the StatLand steps the prediction sits beside the question, so the diagram below it fits
    # the screen; a goal about the four rules has their table there too.
    view = lesson.STEPS[n - 1].view
    statland = isinstance(view, StatLandView)
    ask, side = st.columns(2, gap="medium") if statland else (st.container(), None)
    with ask:
        state = live_state(n, seed)
        revealed = challenge(n, state, seed)
    prediction = None
    if side is not None:
        with side:
            if view.rules:
                statland_view.show_rules(lesson.network(state["weights"]), key_prefix=widget_prefix(n), verdict=False)
            prediction = st.container()
    # Drawn after the challenge, above it: a pass on this run already counts, and Next sits at the
    # top of the screen where a learner who has just answered finds it without scrolling.
    progress_bar(n, bar)
    with nav:
        navigation(n)
    class_panel.on_step(lesson.STEPS[n - 1], state)  # under the question: the class's spread, for the teacher
    live_view(n, state, revealed, prediction_area=prediction)
    if n == len(lesson.STEPS):
        summary()
    for name, value in link_values().items():  # the link holds the progress: a reload resumes here
        if st.query_params.get(name) != value:
            st.query_params[name] = value
    keep_in_link(step=str(n), **link_values())


def link_values() -> dict[str, str]:
    """What the lesson's link keeps besides the step: the steps passed and the Check yourself answers."""
    done, sure = progress().link_value(), calibration.link_value(progress().first_answers)
    return {**({"done": done} if done else {}), **({"sure": sure} if sure else {}), **quiz_view.link_values()}
