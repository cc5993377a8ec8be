"""Training: watch backpropagation through time fit a recurrent network, step by step."""

import numpy as np
import pandas as pd
import streamlit as st

import rnn_core as rc
from ui import charts, datasets
from ui.format import number
from ui.links import link_snapshot, note_unused_link_values
from ui.state import send_weights_to_statland
from ui.training import (
    DATA_LABELS,
    MAX_HIDDEN,
    MODEL_LABELS,
    START_LABELS,
    LiveRun,
    build_model,
    is_statland_network,
    read_start_weights,
    start_run,
)
from ui.training_view import first_step_line, show_backward
from ui.widgets import weights_download_button

RUN = "tr_run"
START_WEIGHTS = "tr_start_weights"
WEIGHTS_MESSAGE = "tr_weights_message"
WEIGHTS_TOAST = "tr_weights_toast"  # shown once, on the rerun after a file is loaded
TICK_SECONDS = 0.1  # pause between live refreshes (Streamlit counts it from the end of the last one)
# Training time per refresh. Drawing takes about 0.05 s more; the rest of the tick leaves the
# server free for clicks and for other learners.
CHUNK_SECONDS = 0.2
POINTS_UP_TO = 40  # a short history is drawn with a dot per step, so one step is visible
LEARNING_RATES = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]
CLIP_THRESHOLDS = [0.1, 0.3, 1.0, 3.0, 10.0]
BATCH_SIZES = ["full", 8, 16, 32, 64, 128]
STEP_CHOICES = [100, 200, 500, 1000, 2000, 5000, 10000, 20000]
MINI_BATCH, WHOLE_SET = "mini-batch", "whole set"  # the loss chart's two lines when batches are used
LOSS_COLOURS = {MINI_BATCH: charts.OKABE_ITO[5], WHOLE_SET: charts.OKABE_ITO[3]}
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}
CLIP_LABELS = {"none": "off", "norm": "by norm", "value": "by value"}


def load_weights_file() -> None:
    """Upload callback: start training from a checked weights file and select its model, or say why not."""
    upload = st.session_state.get("tr_weights_file")
    if upload is None:
        return
    try:
        start = read_start_weights(upload.name, upload.getvalue())
    except ValueError as error:
        st.session_state[WEIGHTS_MESSAGE] = ("error", f"{upload.name} was not loaded: {error}.")
        return
    st.session_state[START_WEIGHTS] = start
    st.session_state["tr_model"] = start.model_kind
    if start.model_kind != "statquest":
        st.session_state["tr_hidden"] = start.n_hidden
    if start.model_kind == "vanilla":
        st.session_state["tr_activation"] = start.activation
    st.session_state["tr_start"] = "file"
    st.session_state[WEIGHTS_MESSAGE] = (
        "success",
        f"Loaded {start.describe()} from {upload.name}; training now starts from these weights.",
    )
    st.session_state[WEIGHTS_TOAST] = f"Loaded {start.describe()}: the model and its settings changed to match."


def show_message(key: str) -> None:
    if key in st.session_state:
        kind, text = st.session_state[key]
        (st.error if kind == "error" else st.success)(text)


st.title("Training")
st.markdown(
    "Training adjusts the weights to make the predictions match the targets. Backpropagation "
    "through time (BPTT) runs the unrolled network forward, then sends the error back through "
    "every copy; because the copies share their weights, each weight's gradient is the **sum** of "
    "its contributions from every day. Press **Play** and watch the loss fall."
)

# ----------------------------------------------------------------------------- settings
if toast := st.session_state.pop(WEIGHTS_TOAST, None):
    st.toast(toast, icon=":material/upload_file:")
link = link_snapshot("tr_")
csv_series = st.session_state.get(datasets.CSV_PRICES)
start_weights = st.session_state.get(START_WEIGHTS)
with st.sidebar:
    st.header("Data")
    data_options = list(DATA_LABELS) if csv_series is not None else list(DATA_LABELS)[:3]
    data_kind = st.selectbox("Train on", data_options, format_func=DATA_LABELS.get, key="tr_data", bind="query-params")
    length = window = 2
    ticker = datasets.TICKERS[0]
    if data_kind == "statland":
        length = st.slider("Days per history", 3, 30, 6, key="tr_length", bind="query-params")
    elif data_kind in ("stocks", "csv"):
        if data_kind == "stocks":
            ticker = st.selectbox("Company", datasets.TICKERS, key="tr_ticker", bind="query-params")
        window = st.slider(
            "Window: prices in, the next one out",
            2,
            12,
            4,
            key="tr_window",
            bind="query-params",
            help="Each sample is this many consecutive prices; the target is the price after them. "
            "The first 80 % of the samples (in time order) train the network; the rest test it.",
        )
    with st.expander("Train on your own prices (CSV)", expanded=data_kind == "csv"):
        st.file_uploader(
            "A CSV with a price column (Close, Adj Close, price, or a single numeric column) "
            "and optionally a Date column",
            type=["csv", "txt"],
            key="tr_csv_file",
            on_change=datasets.load_uploaded_csv,
        )
        show_message(datasets.CSV_MESSAGE)

    st.header("Model")
    model_kind = st.selectbox(
        "Model", list(MODEL_LABELS), format_func=MODEL_LABELS.get, key="tr_model", bind="query-params"
    )
    n_hidden, activation = 1, "relu"
    if model_kind != "statquest":
        n_hidden = st.slider("Hidden units", 1, MAX_HIDDEN, 4, key="tr_hidden", bind="query-params")
        if model_kind == "vanilla":
            activation = st.selectbox("Activation", rc.ACTIVATIONS, index=1, key="tr_activation", bind="query-params")
    start_options = ["random"] + (["statland"] if model_kind == "statquest" else [])
    if start_weights is not None and start_weights.fits(model_kind, n_hidden, activation):
        start_options.append("file")
    elif start_weights is not None:
        st.caption(f"Your weights file holds {start_weights.describe()}; choose that model to start from it.")
    start = "random"
    if len(start_options) > 1:
        start = st.segmented_control(
            "Start from",
            start_options,
            default="random",
            required=True,
            format_func=START_LABELS.get,
            key="tr_start",
            bind="query-params",
        )
    seed = int(
        st.number_input(
            "Seed",
            0,
            10_000,
            4,
            step=1,
            key="tr_seed",
            bind="query-params",
            help="The same seed gives the same random starting weights, the same mini-batches and, for "
            "longer StatLand sequences, the same simulated histories.",
        )
    )
    with st.expander("Start from a weights file (JSON)"):
        st.file_uploader(
            "A weights file downloaded from this page",
            type=["json"],
            key="tr_weights_file",
            on_change=load_weights_file,
        )
    # Below the expander, not in it: a file that switches the model redraws the sidebar, and
    # the expander comes back closed, which would hide the confirmation.
    show_message(WEIGHTS_MESSAGE)

    st.header("Optimiser")
    optimizer = st.segmented_control(
        "Optimiser",
        list(rc.OPTIMIZERS),
        default="adam",
        required=True,
        format_func=OPTIMIZER_LABELS.get,
        key="tr_optimizer",
        bind="query-params",
    )
    lr = st.select_slider(
        "Learning rate",
        LEARNING_RATES,
        value=0.03,
        format_func=lambda v: f"{v:g}",
        key="tr_lr",
        bind="query-params",
        help="A log scale: each notch multiplies the step size by about 3. It can change while training runs.",
    )
    clip = st.segmented_control(
        "Gradient clipping",
        list(rc.CLIPPING),
        default="none",
        required=True,
        format_func=CLIP_LABELS.get,
        key="tr_clip",
        bind="query-params",
        help="By norm: shrink the whole gradient when its length exceeds the threshold. "
        "By value: cut each component to ± the threshold.",
    )
    clip_threshold = 1.0
    if clip != "none":
        clip_threshold = st.select_slider(
            "Clipping threshold", CLIP_THRESHOLDS, value=1.0, key="tr_clip_threshold", bind="query-params"
        )
    batch_size = st.select_slider(
        "Batch size",
        BATCH_SIZES,
        value="full",
        key="tr_batch",
        bind="query-params",
        help="How many samples each step averages over; 'full' uses them all, and so does any size "
        "at least the number of training samples.",
    )
    batch_note = st.empty()  # filled once the data set (and so its sample count) is known
    target_steps = st.select_slider("Steps", STEP_CHOICES, value=1000, key="tr_steps", bind="query-params")

shown = {
    "tr_data": DATA_LABELS[data_kind],
    "tr_model": MODEL_LABELS[model_kind],
    "tr_seed": seed,
    "tr_optimizer": OPTIMIZER_LABELS[optimizer],
    "tr_lr": f"{lr:g}",
    "tr_clip": CLIP_LABELS[clip],
    "tr_batch": batch_size,
    "tr_steps": target_steps,
}
if data_kind == "statland":
    shown["tr_length"] = length
if data_kind == "stocks":
    shown["tr_ticker"] = ticker
if data_kind in ("stocks", "csv"):
    shown["tr_window"] = window
if model_kind != "statquest":
    shown["tr_hidden"] = n_hidden
if model_kind == "vanilla":
    shown["tr_activation"] = activation
if clip != "none":
    shown["tr_clip_threshold"] = clip_threshold
note_unused_link_values(link, shown)

# ----------------------------------------------------------------------------- the run
dataset, data_problem = datasets.build(
    data_kind,
    length=length,
    window=window,
    ticker=ticker,
    seed=seed,
    csv_series=csv_series,
    csv_name=st.session_state.get(datasets.CSV_NAME, "your file"),
)
if data_problem:
    st.error(data_problem, icon=":material/error:")
    st.stop()

n_samples = len(dataset.train_xs)
if batch_size != "full" and batch_size >= n_samples:
    batch_note.caption(
        f"This data set has {n_samples} training samples, so batches of {batch_size} hold all of them: "
        "every step uses the full set."
    )

# Anything that changes the model or its data starts a new run; learning rate, clipping
# and the number of steps act on the running model.
signature = (
    data_kind,
    dataset.fingerprint(),
    model_kind,
    n_hidden,
    activation,
    start,
    start_weights.token if start == "file" and start_weights is not None else None,
    seed,
    optimizer,
    batch_size,
)


def new_run() -> LiveRun:
    return start_run(
        signature,
        dataset,
        build_model(model_kind, n_hidden, activation, seed, start, start_weights),
        optimizer=optimizer,
        lr=lr,
        clip=clip,
        clip_threshold=clip_threshold,
        batch_size=None if batch_size == "full" else batch_size,
        seed=seed,
        target_steps=target_steps,
    )


run: LiveRun | None = st.session_state.get(RUN)
if run is None or run.signature != signature:
    run = st.session_state[RUN] = new_run()
with run.lock:
    run.trainer.lr = lr
    run.trainer.clip, run.trainer.clip_threshold = clip, clip_threshold
    run.target_steps = max(target_steps, run.step)
    if run.finished:
        run.running = False


def play_pause() -> None:
    st.session_state[RUN].toggle_play()


def step_once() -> None:
    st.session_state[RUN].step_once()


def reset() -> None:
    st.session_state.pop(RUN, None)


buttons = st.columns([1, 1, 1, 2], vertical_alignment="center")
buttons[0].button(
    "Pause" if run.running else "Play",
    key="tr_play",
    on_click=play_pause,
    type="primary",
    icon=":material/pause:" if run.running else ":material/play_arrow:",
    disabled=run.finished,
    width="stretch",
)
buttons[1].button(
    "Step", key="tr_step", on_click=step_once, icon=":material/skip_next:", disabled=run.diverged, width="stretch"
)
buttons[2].button("Reset", key="tr_reset", on_click=reset, icon=":material/restart_alt:", width="stretch")
log_loss = buttons[3].toggle("Log-scale loss", value=True, key="tr_log")
st.caption(f"{dataset.description} · {MODEL_LABELS[model_kind]} with {run.model.n_params} parameters.")


@st.fragment(run_every=TICK_SECONDS if run.running else None)
def live_view() -> None:
    """Progress, loss, gradient norm and (for one unit) the five weights; advances a chunk per tick."""
    live: LiveRun = st.session_state[RUN]
    just_stopped = live.tick(CHUNK_SECONDS)
    history = live.snapshot()
    done, target = history["done"], history["target"]
    share = min(1.0, done / max(target, 1))
    st.progress(share, text=f"{share:.0%} of {target:,} steps")
    if live.diverged:
        st.error(f"{live.trainer.divergence.message} Press **Reset** to start again.", icon=":material/error:")
    elif live.finished:
        st.caption("Finished. Raise **Steps** in the sidebar to train longer, or press **Step**.")

    metrics = st.columns(3)
    metrics[0].metric("Step", done)
    metrics[1].metric(
        "Training loss (MSE)",
        number(history["loss now"], 5),
        help="The mean squared error on the whole training set at the current weights.",
    )
    metrics[2].metric("Gradient norm", number(history["last gradient norm"], 4) if history["step"] else "–")
    first_step_line(live)

    if not history["step"]:
        st.info("Press **Play** to train, or **Step** to take one step at a time.", icon=":material/play_circle:")
    else:
        frame = pd.DataFrame({key: history[key] for key in ("step", "loss", "gradient norm")})
        left, right = st.columns(2)
        loss_frame, by_batch = frame, {}
        if live.mini_batches:
            # A step's loss is its own mini-batch's: noisy. The whole set's, measured at each
            # refresh, is the one that should fall.
            loss_frame = pd.concat(
                [
                    pd.DataFrame({"step": history["step"], "loss": history["loss"], "loss on": MINI_BATCH}),
                    pd.DataFrame(
                        {"step": history["full loss step"], "loss": history["full loss"], "loss on": WHOLE_SET}
                    ),
                ],
                ignore_index=True,
            )
            # The chart's title says what the colours are: no legend title, a narrow legend.
            by_batch = {"color": "loss on", "color_title": "loss on", "legend_title": False, "palette": LOSS_COLOURS}
        loss_chart = charts.curve(
            loss_frame,
            "step",
            "loss",
            title="Training loss (MSE): mini-batches and whole set"
            if live.mini_batches
            else "Training loss (mean squared error)",
            x_title="step",  # a fixed spec lets the browser swap the data in, not redraw the chart
            x_format="d",
            points=len(frame) <= POINTS_UP_TO,
            # A short axis title: a long one overflows the plot and Streamlit clips the chart's title.
            y_title="MSE (log scale)" if log_loss else "MSE",
            log_y=log_loss,
            **by_batch,
        )
        charts.draw(loss_chart, key="tr_loss_chart", where=left)
        charts.draw(
            charts.curve(
                frame,
                "step",
                "gradient norm",
                title="Gradient norm (before clipping)",
                x_title="step",
                x_format="d",
                points=len(frame) <= POINTS_UP_TO,
                y_title="‖gradient‖ (log scale)",
                log_y=True,
            ),
            key="tr_grad_chart",
            where=right,
        )
        if history["params"]:
            weights = charts.long_history(
                {"step": history["step"], **history["params"]}, "step", list(history["params"]), "value", "parameter"
            )
            charts.draw(
                charts.curve(
                    weights,
                    "step",
                    "value",
                    title="The five weights as they train",
                    x_title="step",
                    x_format="d",
                    points=len(frame) <= POINTS_UP_TO,
                    y_title="value",
                    color="parameter",
                    color_title="parameter",
                    palette=charts.PARAM_COLOURS,
                ),
                key="tr_weights_chart",
            )
    if just_stopped:
        st.rerun(scope="app")  # turn the timer off, relabel Play, show the results


live_view()

# ----------------------------------------------------------------------------- results
if not run.running and not run.diverged:
    show_backward(run, key_prefix="tr", theme=st.context.theme.type or "light")
if not run.running:
    st.subheader("Predictions" if run.step else "Predictions of the starting weights")
    datasets.show_predictions(run)
    loss_now = run.current_loss()
    if run.step and not run.diverged and np.isfinite(run.initial_loss) and loss_now > run.initial_loss:
        st.warning(
            f"The loss went up, from {number(run.initial_loss, 4)} to {number(loss_now, 4)}: the learning rate "
            "is probably too large for this model. Reset and try a smaller one.",
            icon=":material/trending_up:",
        )

    if run.diverged:
        st.subheader("Weights kept from the last finite step")
    else:
        st.subheader("Learned weights" if run.step else "Starting weights")
    if is_statland_network(run.model):
        rows = [{"weights": "this run", **{k: number(float(np.ravel(v)[0])) for k, v in run.model.params.items()}}]
        on_statland = data_kind in ("rules", "statland")  # the StatLand weights were made for these data only
        if on_statland:
            rows.append({"weights": "the StatLand weights", **{k: number(v) for k, v in rc.STATQUEST_WEIGHTS.items()}})
        st.dataframe(
            pd.DataFrame(rows, columns=["weights", *run.model.params]),
            hide_index=True,
            key="tr_weights_table",
        )
        if on_statland:
            st.caption(
                "Different weights can make the same predictions: compare the predictions above, not only the numbers."
            )
    else:
        st.dataframe(
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
            key="tr_weights_table",
        )
    save, use = st.columns(2)
    weights_download_button(
        run.model, f"unrolled_{run.model.kind}_{run.model.n_hidden}_weights.json", key="tr_download", where=save
    )
    if is_statland_network(run.model):
        if use.button("Use these weights on the StatLand page", key="tr_to_statland", icon=":material/send:"):
            problem = send_weights_to_statland(run.model.params)
            if problem:
                st.error(f"These weights cannot go to the StatLand page: {problem}.")
            else:
                # st.switch_page would clear the URL's query parameters, which Streamlit refuses
                # while widgets are bound to them (and AppTest reports): offer a link instead.
                st.success("The weights are waiting on the StatLand page.")
                st.page_link("app_pages/statland.py", label="Open StatLand", icon=":material/account_tree:")
