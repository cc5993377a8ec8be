"""Training: watch backpropagation through time fit a recurrent network, step by step.

The page is a short script: the settings widgets, then ``show_run`` (ui.training_view),
which draws the run's controls, live charts, the backward pass and the results.
"""

import streamlit as st

from ui.classroom.unused import link_snapshot, note_unused_link_values
from ui.kit.format import literal
from ui.training import controls, datasets
from ui.training.choices import DEFAULT_SPEED, MODEL_HELP, SPEEDS, Settings, read_start_weights
from ui.training.view import shared_budget, show_run

START_WEIGHTS = "tr_start_weights"
WEIGHTS_MESSAGE = "tr_weights_message"
WEIGHTS_TOAST = "tr_weights_toast"  # shown once, on the rerun after a file is loaded


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
    st.session_state[controls.MODEL.key()] = start.model_kind
    if start.model_kind != "statquest":
        st.session_state[controls.HIDDEN.key()] = start.n_hidden
    if start.model_kind == "vanilla":
        st.session_state[controls.ACTIVATION.key()] = start.activation
    st.session_state[controls.START.key()] = "file"
    st.session_state[WEIGHTS_MESSAGE] = (
        "success",
        f"Loaded {start.describe()} from {upload.name}; training now starts from these weights.",
    )
    st.session_state[WEIGHTS_TOAST] = f"Loaded {start.describe()}: the model and its settings changed to match."


def show_message(key: str) -> None:
    if key in st.session_state:
        kind, text = st.session_state[key]
        (st.error if kind == "error" else st.success)(literal(text))  # it quotes the file's name


def settings_panel(csv_series, start_weights) -> Settings:
    """The settings, on the page (not in the sidebar, which covers the charts on a phone)."""
    data_options = [k for k in controls.DATA.options if k != "csv" or csv_series is not None]
    data_kind = st.selectbox("Train on", data_options, format_func=controls.DATA.show, **controls.DATA.bound())
    length, window, ticker = 6, 4, datasets.TICKERS[0]
    if data_kind in ("statland", "memory"):
        length = st.slider("Days per history", controls.LENGTH.low, controls.LENGTH.high, 6, **controls.LENGTH.bound())
    elif data_kind in ("stocks", "csv"):
        if data_kind == "stocks":
            ticker = st.selectbox("Company", controls.TICKER.options, **controls.TICKER.bound())
        window = st.slider(
            "Window: prices in, the next one out",
            controls.WINDOW.low,
            controls.WINDOW.high,
            4,
            **controls.WINDOW.bound(),
            help="Each sample is this many consecutive prices; the target is the price after them. "
            "The first 80 % of the samples (in time order) train the network; the rest test it.",
        )
    model_kind = st.selectbox(
        "Model",
        controls.MODEL.options,
        format_func=controls.MODEL.show,
        **controls.MODEL.bound(),
        help=MODEL_HELP,
    )
    n_hidden, activation = 1, "relu"
    if model_kind != "statquest":
        n_hidden = st.slider("Hidden units", controls.HIDDEN.low, controls.HIDDEN.high, 4, **controls.HIDDEN.bound())
        if model_kind == "vanilla":
            activation = st.selectbox("Activation", controls.ACTIVATION.options, index=1, **controls.ACTIVATION.bound())
    lr = st.select_slider(
        "Learning rate",
        controls.LR.options,
        value=0.03,
        format_func=controls.LR.show,
        **controls.LR.bound(),
        help="A log scale: each notch multiplies the step size by about 3. It can change while training runs.",
    )
    speed = st.select_slider(
        "Speed",
        controls.SPEED.options,
        value=DEFAULT_SPEED,
        **controls.SPEED.bound(),
        help="How many steps each refresh of the charts takes: "
        + "; ".join(f"{name}: {speed.label}" for name, speed in SPEEDS.items())
        + ". It can change while training runs.",
    )
    target_steps = st.select_slider("Steps", controls.STEPS.options, value=1000, **controls.STEPS.bound())
    with st.expander("More settings: optimiser, clipping, batches, seed, files"):
        optimizer = st.segmented_control(
            "Optimiser",
            controls.OPTIMIZER.options,
            default="adam",
            required=True,
            format_func=controls.OPTIMIZER.show,
            **controls.OPTIMIZER.bound(),
        )
        clip = st.segmented_control(
            "Gradient clipping",
            controls.CLIP.options,
            default="none",
            required=True,
            format_func=controls.CLIP.show,
            **controls.CLIP.bound(),
            help="By norm: shrink the whole gradient when its length exceeds the threshold. "
            "By value: cut each component to ± the threshold.",
        )
        clip_threshold = 1.0
        if clip != "none":
            clip_threshold = st.select_slider(
                "Clipping threshold", controls.CLIP_THRESHOLD.options, value=1.0, **controls.CLIP_THRESHOLD.bound()
            )
        batch_size = st.select_slider(
            "Batch size",
            controls.BATCH.options,
            value="full",
            **controls.BATCH.bound(),
            help="How many samples each step averages over; 'full' uses them all, and so does any size "
            "at least the number of training samples.",
        )
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
                format_func=controls.START.show,
                **controls.START.bound(),
            )
        seed = int(
            st.number_input(
                "Seed",
                controls.SEED.low,
                controls.SEED.high,
                4,
                step=1,
                **controls.SEED.bound(),
                help="The same seed gives the same random starting weights, the same mini-batches and, for "
                "simulated StatLand histories, the same histories.",
            )
        )
        log_loss = st.toggle("Log-scale loss", value=True, key="tr_log")
        st.file_uploader(
            "Train on your own prices: a CSV with a price column (Close, Adj Close, price, or a single "
            "numeric column) and optionally a Date column",
            type=["csv", "txt"],
            key="tr_csv_file",
            on_change=datasets.load_uploaded_csv,
        )
        st.file_uploader(
            "Start from a weights file downloaded from this page (JSON)",
            type=["json"],
            key="tr_weights_file",
            on_change=load_weights_file,
        )
    # Below the expander, not in it, so a confirmation is seen even with the expander closed.
    show_message(datasets.CSV_MESSAGE)
    show_message(WEIGHTS_MESSAGE)
    return Settings(
        data_kind=data_kind,
        length=length,
        window=window,
        ticker=ticker,
        model_kind=model_kind,
        n_hidden=n_hidden,
        activation=activation,
        start=start,
        seed=seed,
        optimizer=optimizer,
        lr=lr,
        clip=clip,
        clip_threshold=clip_threshold,
        batch_size=batch_size,
        target_steps=target_steps,
        speed=speed,
        log_loss=log_loss,
    )


st.title("Training")
st.markdown(
    "BPTT sends the error back through every day's copy and adds up each shared weight's shares. "
    "**Try first:** press **Step** and watch each day's share change beside the loss, then **Play**."
)
if toast := st.session_state.pop(WEIGHTS_TOAST, None):
    st.toast(toast, icon=":material/upload_file:")
link = link_snapshot("tr_")
csv_series = st.session_state.get(datasets.CSV_PRICES)
start_weights = st.session_state.get(START_WEIGHTS)
settings_column, run_column = st.columns([1, 2.4], gap="medium")
with settings_column:
    settings = settings_panel(csv_series, start_weights)
note_unused_link_values(link)
dataset, data_problem = datasets.build(
    settings.data_kind,
    length=settings.length,
    window=settings.window,
    ticker=settings.ticker,
    seed=settings.seed,
    csv_series=csv_series,
    csv_name=st.session_state.get(datasets.CSV_NAME, "your file"),
)
with run_column:
    if data_problem:
        st.error(data_problem, icon=":material/error:")
        st.stop()
    if (note := datasets.batch_note(settings.batch_size, len(dataset.train_xs))) is not None:
        st.caption(note)
    show_run(
        settings,
        dataset,
        key_prefix="tr_",
        start_weights=start_weights,
        theme=st.context.theme.type or "light",
        budget=shared_budget(),
    )
