"""Training: watch backpropagation through time fit a recurrent network, step by step."""

import numpy as np
import pandas as pd
import streamlit as st

import rnn_core as rc
from ui import charts, datasets
from ui.format import number
from ui.state import send_weights_to_statland
from ui.training import DATA_LABELS, MODEL_LABELS, LiveRun, build_model

RUN = "tr_run"
TICK_SECONDS = 0.25  # how often the chart refreshes while playing
CHUNK_SECONDS = 0.12  # training time per refresh: the rest of the tick keeps the page responsive
LEARNING_RATES = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]
STEP_CHOICES = [100, 200, 500, 1000, 2000, 5000, 10000, 20000]

st.title("Training")
st.markdown(
    "Training adjusts the weights to make the predictions match the targets. Backpropagation "
    "through time (BPTT) runs the unrolled network forward, then sends the error back through "
    "every copy; because the copies share their weights, each weight's gradient is the **sum** of "
    "its contributions from every day. Press play and watch the loss fall."
)

# ----------------------------------------------------------------------------- settings
with st.sidebar:
    st.header("Data")
    data_options = list(DATA_LABELS) if "tr_csv_prices" in st.session_state else list(DATA_LABELS)[:3]
    data_kind = st.selectbox(
        "Train on", data_options, format_func=DATA_LABELS.get, key="tr_data", bind="query-params"
    )
    length = window = 2
    ticker = "MSFT"
    if data_kind == "statland":
        length = st.slider("Days per sequence", 3, 30, 6, key="tr_length", bind="query-params")
    elif data_kind in ("stocks", "csv"):
        if data_kind == "stocks":
            ticker = st.selectbox("Company", datasets.TICKERS, key="tr_ticker", bind="query-params")
        window = st.slider(
            "Window: months in, next month out", 2, 12, 4, key="tr_window", bind="query-params"
        )
    with st.expander("Train on your own prices (CSV)", expanded=data_kind == "csv"):
        st.file_uploader(
            "A CSV with a price column (Close, Adj Close, price, or a single numeric column) "
            "and optionally a date column",
            type=["csv", "txt"],
            key="tr_csv_file",
            on_change=datasets.load_uploaded_csv,
        )
        if "tr_csv_message" in st.session_state:
            kind, text = st.session_state["tr_csv_message"]
            (st.error if kind == "error" else st.success)(text)

    st.header("Model")
    model_kind = st.selectbox(
        "Model", list(MODEL_LABELS), format_func=MODEL_LABELS.get, key="tr_model", bind="query-params"
    )
    n_hidden, activation, start = 1, "relu", "random"
    if model_kind == "statquest":
        start = st.segmented_control(
            "Start from",
            ["random", "statland"],
            default="random",
            required=True,
            format_func={"random": "random weights", "statland": "the StatLand weights"}.get,
            key="tr_start",
            bind="query-params",
        )
    else:
        n_hidden = st.slider("Hidden units", 1, 32, 4, key="tr_hidden", bind="query-params")
        if model_kind == "vanilla":
            activation = st.selectbox(
                "Activation", rc.ACTIVATIONS, index=1, key="tr_activation", bind="query-params"
            )
    seed = st.number_input(
        "Seed",
        0,
        10_000,
        4,
        step=1,
        key="tr_seed",
        bind="query-params",
        help="The same seed gives the same starting weights and the same mini-batches.",
    )

    st.header("Optimiser")
    optimizer = st.segmented_control(
        "Optimiser",
        list(rc.OPTIMIZERS),
        default="adam",
        required=True,
        format_func={"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}.get,
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
        help="Log scale: each notch is about ×3.",
    )
    clip = st.segmented_control(
        "Gradient clipping",
        list(rc.CLIPPING),
        default="none",
        required=True,
        format_func={"none": "off", "norm": "by norm", "value": "by value"}.get,
        key="tr_clip",
        bind="query-params",
    )
    clip_threshold = 1.0
    if clip != "none":
        clip_threshold = st.select_slider(
            "Clipping threshold",
            [0.1, 0.3, 1.0, 3.0, 10.0],
            value=1.0,
            key="tr_clip_threshold",
            bind="query-params",
        )
    batch_size = st.select_slider(
        "Batch size", ["full", 8, 16, 32, 64, 128], value="full", key="tr_batch", bind="query-params"
    )
    target_steps = st.select_slider("Steps", STEP_CHOICES, value=1000, key="tr_steps", bind="query-params")

# ----------------------------------------------------------------------------- the run
dataset, data_problem = datasets.build(data_kind, length=length, window=window, ticker=ticker, seed=int(seed))
if data_problem:
    st.error(data_problem)
    st.stop()

signature = (
    data_kind,
    length,
    window,
    ticker,
    model_kind,
    n_hidden,
    activation,
    start,
    int(seed),
    optimizer,
    batch_size,
    len(dataset.train_xs),
    float(dataset.train_ys.sum()),
)


def new_run() -> LiveRun:
    model = build_model(model_kind, n_hidden, activation, int(seed), start)
    trainer = rc.Trainer(
        model,
        dataset.train_xs,
        dataset.train_ys,
        optimizer=optimizer,
        lr=lr,
        clip=clip,
        clip_threshold=clip_threshold,
        batch_size=None if batch_size == "full" else batch_size,
        seed=int(seed),
    )
    return LiveRun(signature, dataset, model, trainer, rc.History.for_model(model), target_steps)


run: LiveRun | None = st.session_state.get(RUN)
if run is None or run.signature != signature:
    run = st.session_state[RUN] = new_run()
# Learning rate, clipping and the step budget change the running model without restarting it.
run.trainer.lr = lr
run.trainer.clip, run.trainer.clip_threshold = clip, clip_threshold
run.target_steps = max(target_steps, run.step)


def play_pause() -> None:
    live = st.session_state[RUN]
    live.running = not live.running and not live.finished


def step_once() -> None:
    live = st.session_state[RUN]
    live.running = False
    live.target_steps = max(live.target_steps, live.step + 1)
    live.advance(1)


def reset() -> None:
    st.session_state.pop(RUN, None)


buttons = st.columns([1, 1, 1, 4])
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
    "Step",
    key="tr_step",
    on_click=step_once,
    icon=":material/skip_next:",
    disabled=run.trainer.divergence is not None,
    width="stretch",
)
buttons[2].button(
    "Reset", key="tr_reset", on_click=reset, icon=":material/restart_alt:", width="stretch"
)
buttons[3].caption(
    f"{dataset.description} · {MODEL_LABELS[model_kind]} with {run.model.n_params} parameters."
)


@st.fragment(run_every=TICK_SECONDS if run.running else None)
def live_view() -> None:
    live: LiveRun = st.session_state[RUN]
    if live.running:
        live.advance(max_steps=live.target_steps, seconds=CHUNK_SECONDS)
    history = live.history
    done = min(1.0, live.step / max(live.target_steps, 1))
    st.progress(done, text=f"Step {live.step} of {live.target_steps}")
    if live.trainer.divergence is not None:
        st.error(live.trainer.divergence.message, icon=":material/error:")

    loss_now = history.loss[-1] if history.loss else live.trainer.evaluate()
    metrics = st.columns(3)
    metrics[0].metric("Step", live.step)
    metrics[1].metric("Training loss (MSE)", number(loss_now, 5))
    metrics[2].metric("Gradient norm", number(history.grad_norm[-1], 4) if history.grad_norm else "–")

    if history.step:
        frame = pd.DataFrame({"step": history.step, "loss": history.loss, "gradient norm": history.grad_norm})
        log_loss = st.session_state.get("tr_log", True)
        left, right = st.columns(2)
        left.altair_chart(
            charts.curve(
                frame,
                "step",
                "loss",
                title="Loss",
                x_title="step",
                y_title="mean squared error",
                log_y=log_loss,
            ),
            width="stretch",
            key="tr_loss_chart",
        )
        right.altair_chart(
            charts.curve(
                frame,
                "step",
                "gradient norm",
                title="Gradient norm (before clipping)",
                x_title="step",
                y_title="‖gradient‖",
                log_y=True,
            ),
            width="stretch",
            key="tr_grad_chart",
        )
        if history.param_names:
            weights = charts.long_history(
                {"step": history.step, **history.params},
                "step",
                list(history.param_names),
                "value",
                "parameter",
            )
            st.altair_chart(
                charts.curve(
                    weights,
                    "step",
                    "value",
                    title="The five weights as they train",
                    x_title="step",
                    y_title="value",
                    color="parameter",
                    color_title="parameter",
                    palette=charts.PARAM_COLOURS,
                ),
                width="stretch",
                key="tr_weights_chart",
            )
    else:
        st.info(
            "Press **Play** to train, or **Step** to take one step at a time.", icon=":material/play_circle:"
        )
    if live.running and live.finished:
        st.rerun(scope="app")  # turn the timer off and show the results


live_view()
st.toggle("Log-scale loss", value=True, key="tr_log")

# ----------------------------------------------------------------------------- results
if not run.running and run.step > 0:
    st.subheader("Predictions")
    datasets.show_predictions(run)
    st.subheader("Learned weights")
    st.dataframe(
        pd.DataFrame(
            {
                name: [np.array2string(np.asarray(value), precision=3, max_line_width=60)]
                for name, value in run.model.params.items()
            }
        ).T.rename(columns={0: "value"}),
        key="tr_weights_table",
    )
    save, use = st.columns(2)
    from rnn_core.weights_io import model_to_json

    save.download_button(
        "Download weights (JSON)",
        model_to_json(run.model),
        file_name="unrolled_weights.json",
        mime="application/json",
        key="tr_download",
        icon=":material/download:",
    )
    if run.model.kind == "vanilla" and run.model.n_hidden == 1 and run.model.activation == "relu":
        if use.button("Use these weights on the StatLand page", key="tr_to_statland", icon=":material/send:"):
            problem = send_weights_to_statland(run.model.params)
            if problem:
                st.error(problem)
            else:
                st.switch_page("app_pages/statland.py")
