"""The Training page's sections as functions of their inputs, so another page can show a run too.

``show_run(settings, dataset, key_prefix=...)`` draws a run's controls, live charts, the
backward pass and the results; every piece of state it keeps is under ``key_prefix``.
"""

from __future__ import annotations

import contextlib
import html
import time

import numpy as np
import pandas as pd
import streamlit as st

import rnn_core as rc
from ui.claims import Said
from ui.kit import charts
from ui.kit.format import literal, number
from ui.kit.state import send_weights_to_statland, shown
from ui.kit.widgets import weights_download_button
from ui.training import alt_text, bptt, datasets
from ui.training.budget import TrainingBudget
from ui.training.charts import CHART_HEIGHT, comparison_chart, loss_chart, norm_chart, weights_chart
from ui.training.choices import (
    CHUNK_SECONDS,
    MODEL_LABELS,
    SPEEDS,
    Dataset,
    Settings,
    StartWeights,
    build_model,
)
from ui.training.run import (
    LiveRun,
    curve_of,
    first_step_note,
    keep_curve,
    loss_rose_warning,
    next_label,
    shown_value,
    start_run,
    status_line,
)

# The run's buttons by keyboard (Streamlit reserves C and R; a single key is ignored while typing).
# Each button shows its key (a <kbd> its name includes, "Step Shortcut S"); a help tooltip would
# make Streamlit draw a second, hidden copy of the button to measure it.
SHORTCUTS = {"play": "P", "step": "S", "reset": "Z"}
SEND_SECONDS = 0.05  # after a refresh while others play: time for the server to send it


@st.cache_resource(max_entries=1)
def shared_budget() -> TrainingBudget:
    """The one training budget of this server, shared by every session that plays."""
    return TrainingBudget()


def run_signature(settings: Settings, dataset: Dataset, start_weights: StartWeights | None) -> tuple:
    """What starts a new run when it changes: the model, its data and its start. Learning rate,
    clipping, speed and the number of steps act on the running model."""
    return (
        settings.data_kind,
        dataset.fingerprint(),
        settings.model_kind,
        settings.n_hidden,
        settings.activation,
        settings.start,
        start_weights.token if settings.start == "file" and start_weights is not None else None,
        settings.seed,
        settings.optimizer,
        settings.batch_size,
    )


def current_run(
    settings: Settings, dataset: Dataset, start_weights: StartWeights | None, *, key_prefix: str
) -> LiveRun:
    """The session's run for these settings: kept if they still describe it, else a new one
    (the old one's loss curve is kept for comparison)."""
    key = f"{key_prefix}run"
    signature = run_signature(settings, dataset, start_weights)
    run: LiveRun | None = st.session_state.get(key)
    if run is None or run.signature != signature:
        if run is not None:
            retire(run, key_prefix)
        run = st.session_state[key] = start_run(
            signature,
            dataset,
            build_model(
                settings.model_kind,
                settings.n_hidden,
                settings.activation,
                settings.seed,
                settings.start,
                start_weights,
            ),
            optimizer=settings.optimizer,
            lr=settings.lr,
            clip=settings.clip,
            clip_threshold=settings.clip_threshold,
            batch_size=None if settings.batch_size == "full" else int(settings.batch_size),
            seed=settings.seed,
            target_steps=settings.target_steps,
        )
    with run.lock:
        run.trainer.lr = settings.lr
        run.trainer.clip, run.trainer.clip_threshold = settings.clip, settings.clip_threshold
        run.target_steps = max(settings.target_steps, run.step)
        run.speed = settings.speed
        run.label = next_label(run.label, settings.run_label(), run.step)
        if run.finished:
            run.running = False
    return run


def retire(run: LiveRun, key_prefix: str) -> None:
    """Keep a run's loss curve (if it took steps) among the last few for the comparison chart."""
    kept_key = f"{key_prefix}kept_runs"
    st.session_state[kept_key] = keep_curve(
        st.session_state.get(kept_key, []), curve_of(run, getattr(run, "label", "an earlier run"))
    )


def once_per_drawing(name: str):
    """A wrapper for the callbacks of buttons drawn together: the first of them to be called acts,
    later calls about the same drawing (a click delivered twice) do nothing."""
    used_key, drawing = f"{name}_used", object()  # this drawing, told apart from every other

    def wrap(action):
        def callback() -> None:
            if st.session_state.get(used_key) is drawing:
                return
            st.session_state[used_key] = drawing
            action()

        return callback

    return wrap


def run_buttons(run: LiveRun, *, key_prefix: str) -> None:
    """Play/Pause, Step and Reset in one row.

    A click made while the live view's timer runs can reach the server twice (in the timer's
    fragment rerun and in the click's own rerun), and Streamlit calls the button's callback each
    time: a Pause would be undone and a Step taken twice. So their callbacks act once per
    drawing of the buttons (``once_per_drawing``).
    """
    key = f"{key_prefix}run"
    once = once_per_drawing(f"{key_prefix}run_buttons")

    @once
    def play_pause() -> None:
        st.session_state[key].toggle_play()

    @once
    def step_once() -> None:
        st.session_state[key].step_once()

    @once
    def reset() -> None:
        old = st.session_state.pop(key, None)
        if old is not None:
            retire(old, key_prefix)

    playing = run.running
    buttons = (  # label, name, callback, icon, disabled, primary
        ("Pause" if playing else "Play", "play", play_pause, "pause" if playing else "play_arrow", run.finished, True),
        ("Step", "step", step_once, "skip_next", run.diverged, False),
        ("Reset", "reset", reset, "restart_alt", False, False),
    )
    for column, (label, name, callback, icon, disabled, primary) in zip(
        st.columns(3, vertical_alignment="center"), buttons, strict=True
    ):
        column.button(
            label,
            key=f"{key_prefix}{name}",
            on_click=callback,
            type="primary" if primary else "secondary",
            icon=f":material/{icon}:",
            disabled=disabled,
            width="stretch",
            shortcut=SHORTCUTS[name],
        )


# Off the screen but read by a screen reader (the usual "visually hidden" rules); out of the page's flow,
# so it leaves no gap between the buttons and the live view.
SCREEN_READER_ONLY = (
    "position: absolute !important; width: 1px !important; min-width: 0 !important; height: 1px !important; "
    "margin: -1px; padding: 0; overflow: hidden; clip-path: inset(50%); white-space: nowrap; border: 0;"
)


def announce(sentence: Said, *, key: str) -> None:
    """A line only a screen reader reads, which it announces (politely, when it is free) whenever the text
    changes. Drawn outside the live view, it changes when the run starts, steps or stops, never at a refresh,
    so a screen reader is not flooded while training plays."""
    with st.container(key=key):
        # The container's wrapper is what the column spaces out, so it is taken off the page too; in a rule of
        # its own, as a browser without :has() drops the whole rule it is in.
        st.html(
            f"<style>.st-key-{key} {{ {SCREEN_READER_ONLY} }} :has(> .st-key-{key}) {{ {SCREEN_READER_ONLY} }}</style>"
        )
        text = html.escape(shown(sentence), quote=False)
        st.markdown(f'<div role="status" aria-live="polite">{text}</div>', unsafe_allow_html=True)


def live_view(run_key: str, key_prefix: str, log_loss: bool, budget: TrainingBudget | None = None) -> None:
    """Progress, the next step's gradient day by day beside the loss, then the gradient norm and
    (for one unit) the five weights; trains a chunk per tick. While playing, each refresh takes
    its turn in the server's ``budget`` and trains within the time box the budget gives it."""
    live: LiveRun = st.session_state[run_key]
    bar = st.empty()

    def show_progress(done: int, target: int) -> None:
        bar.progress(min(1.0, done / max(target, 1)), text=f"Step {done:,} of {target:,}")

    def progress_now() -> None:
        show_progress(live.step, live.target_steps)

    progress_now()  # drawn at once: the bar never blinks out
    playing = live.running and budget is not None
    # While waiting for its turn and between the slices of a refresh the bar is redrawn: a click
    # waiting there (Pause) stops the refresh.
    with budget.turn(id(live), between=progress_now) if playing else contextlib.nullcontext():
        box = budget.time_box(CHUNK_SECONDS) if playing else CHUNK_SECONDS
        just_stopped = live.tick(box, between=progress_now)
        draw_refresh(live, key_prefix, log_loss, show_progress)
    if playing and budget.players() > 1:
        # The browser's timer has usually asked for the next refresh already: started at once, it would
        # discard what this one drew and the server had not sent yet. A short pause lets it go out.
        time.sleep(SEND_SECONDS)
    if just_stopped:
        st.rerun(scope="app")  # turn the timer off, relabel Play, show the results


def draw_refresh(live: LiveRun, key_prefix: str, log_loss: bool, show_progress) -> None:
    """What one refresh draws: the progress, the run's state, the day-by-day shares beside the loss,
    the numbers, the gradient norm and the weights."""
    history = live.snapshot()
    done, target, playing = history["done"], history["target"], history["running"]
    show_progress(done, target)
    if live.diverged:
        st.error(f"{live.trainer.divergence.message} Press **Reset** to start again.", icon=":material/error:")
    elif line := status_line(live):
        st.caption(shown(line))

    # Cause and effect on one screen: what the next Step adds up, beside the loss it lowers, right
    # under the buttons (first on a phone, where the columns stack).
    shares, loss = st.columns(2)
    with shares:
        if not live.diverged:
            next_step_shares(live, key_prefix, playing)
    if not history["step"]:
        loss.info("Press **Play** to train, or **Step** to take one step at a time.", icon=":material/play_circle:")
    else:
        about = shown(alt_text.loss_alt(live, log_loss, playing))
        loss_chart(history, live.mini_batches, log_loss, key_prefix, where=loss, alt=about)
    metrics = st.columns(3)
    metrics[0].metric("Step", done)
    metrics[1].metric(
        "Training loss",
        number(history["loss now"], 5),
        help="The mean squared error on the whole training set at the current weights.",
    )
    metrics[2].metric("Gradient norm", number(history["last gradient norm"], 4) if history["step"] else "–")
    first_step_line(live)
    if history["step"]:
        norm, weights = st.columns(2) if history["params"] else (st.container(), None)
        norm_chart(history, key_prefix, where=norm, alt=shown(alt_text.norm_alt(live, playing)))
        if weights is not None:
            weights_chart(history, key_prefix, where=weights, alt=shown(alt_text.weights_alt(live, playing)))


def next_step_shares(run: LiveRun, key_prefix: str, playing: bool = False) -> None:
    """Each day's share of the gradient the next Step uses, and their sums: a table for one unit,
    a per-day chart for wider models and long histories (its text fixed while ``playing``)."""
    back = run.next_backward()
    whose = f"next mini-batch's ({back.n_sequences} sequences)" if run.mini_batches else "next step's"
    st.markdown(f"**The {whose} gradient, day by day**")
    if rc.is_statquest_rnn(run.model) and back.n_days <= bptt.MAX_DRAWN_DAYS:
        # Small tables are static (st.table): a data grid re-measures itself after every Step. Its
        # cells are tighter than Streamlit's, so its four columns stay whole beside the loss on a 1024 px
        # page (a power of ten wraps at its space).
        with st.container(key=f"{key_prefix}bptt_shares"):
            st.html(
                f"<style>.st-key-{key_prefix}bptt_shares :is(th, td) "
                "{ padding: 0.3rem 0.2rem; font-size: 0.82em; }</style>"
            )
            st.table(bptt.one_unit_table(back).map(lambda v: number(v, 4)))
    else:
        charts.draw(
            bptt.per_day_chart(back, height=CHART_HEIGHT - 40),
            key=f"{key_prefix}bptt_chart",
            alt_text=shown(alt_text.per_day_alt(run, back, playing)),
        )


def first_step_line(run: LiveRun) -> None:
    """One line, right under the step counter, when the first step raised the loss."""
    losses = run.first_step_losses()
    optimizer = type(run.trainer.optimizer).__name__.lower()
    if losses and (note := first_step_note(optimizer, *losses, run.trainer.lr)):
        st.caption(f":material/info: {shown(note)}")


def show_backward(run: LiveRun, *, key_prefix: str = "tr_", theme: str = "light") -> None:
    """BPTT at the current weights, below the run: that the sums beside the loss are the next step's
    gradient, and (when opened) the same on the unrolled one-unit network; for wider models, what the
    per-day chart shows."""
    back = run.next_backward()
    if rc.is_statquest_rnn(run.model):
        st.markdown(bptt.one_unit_sentence(back))
        if back.n_days <= bptt.MAX_DRAWN_DAYS:
            st.caption(shown(bptt.one_unit_notice(back)))
            # Drawn only when asked for: laying the picture out again is a large share of a Step's time.
            with st.expander("The same, copy by copy", key=f"{key_prefix}bptt_picture", on_change="rerun") as picture:
                if picture.open:
                    st.graphviz_chart(
                        bptt.one_unit_dot(back, theme), width="content", alt=shown(alt_text.picture_alt(run, back))
                    )
    else:
        st.caption(bptt.per_day_caption(back))
    if run.trainer.clip != "none":
        st.caption("Clipping is on: the step uses these sums after clipping shrinks them (if they are too large).")


def show_results(run: LiveRun, data_kind: str, *, key_prefix: str) -> None:
    """Predictions and weights of a paused or finished run, the download and the StatLand hand-over."""
    st.subheader("Predictions" if run.step else "Predictions of the starting weights")
    datasets.show_predictions(run)
    loss_now = run.current_loss()
    if run.step and not run.diverged and np.isfinite(run.initial_loss) and loss_now > run.initial_loss:
        st.warning(shown(loss_rose_warning(run.initial_loss, loss_now)), icon=":material/trending_up:")

    if run.diverged:
        st.subheader("Weights kept from the last finite step")
    else:
        st.subheader("Learned weights" if run.step else "Starting weights")
    if rc.is_statquest_rnn(run.model):
        rows = [{"weights": "this run", **{k: shown_value(float(np.ravel(v)[0])) for k, v in run.model.params.items()}}]
        on_statland = data_kind in ("rules", "statland")  # the StatLand weights were made for these data only
        if on_statland:
            rows.append({"weights": "the StatLand weights", **{k: number(v) for k, v in rc.STATQUEST_WEIGHTS.items()}})
        st.table(pd.DataFrame(rows, columns=["weights", *run.model.params]), hide_index=True)
        if on_statland:
            st.caption(
                "Different weights can make the same predictions: compare the predictions above, not only the numbers."
            )
    else:
        st.table(
            pd.DataFrame(
                {
                    "parameter": list(run.model.params),
                    "shape": [" × ".join(map(str, v.shape)) for v in run.model.params.values()],
                    "values": [
                        np.array2string(v.ravel(), precision=3, threshold=8, edgeitems=3, max_line_width=200)
                        for v in run.model.params.values()
                    ],
                }
            ),
            hide_index=True,
        )
    weights_download_button(
        run.model, f"unrolled_{run.model.kind}_{run.model.n_hidden}_weights.json", key=f"{key_prefix}download"
    )
    if rc.is_statquest_rnn(run.model):
        if st.button("Use these weights on StatLand", key=f"{key_prefix}to_statland", icon=":material/send:"):
            problem = send_weights_to_statland(run.model.params)
            if problem:
                st.error(f"These weights cannot go to the StatLand page: {problem}.")
            else:
                # st.switch_page would clear the URL's query parameters, which Streamlit refuses
                # while widgets are bound to them (and AppTest reports): offer a link instead.
                st.success("The weights are waiting on the StatLand page.")
                st.page_link("app_pages/statland.py", label="Open StatLand", icon=":material/account_tree:")


def show_run(
    settings: Settings,
    dataset: Dataset,
    *,
    key_prefix: str = "tr_",
    start_weights: StartWeights | None = None,
    theme: str = "light",
    budget: TrainingBudget | None = None,
) -> LiveRun:
    """A whole run view: buttons, live charts, then (paused) the backward pass, comparison and results.
    With a ``budget`` (the server's, ``shared_budget()``), playing takes turns with other sessions."""
    run = current_run(settings, dataset, start_weights, key_prefix=key_prefix)
    run_buttons(run, key_prefix=key_prefix)
    announce(alt_text.status(run), key=f"{key_prefix}status")
    interval = SPEEDS[settings.speed].seconds if run.running else None
    st.fragment(live_view, run_every=interval)(f"{key_prefix}run", key_prefix, settings.log_loss, budget)
    st.caption(
        f"{literal(dataset.description)} · {MODEL_LABELS[settings.model_kind]} with {run.model.n_params} parameters."
    )
    if not run.running:
        if not run.diverged:
            show_backward(run, key_prefix=key_prefix, theme=theme)
        comparison_chart(run, st.session_state.get(f"{key_prefix}kept_runs", []), key_prefix=key_prefix)
        show_results(run, settings.data_kind, key_prefix=key_prefix)
    return run
