"""Gradient lab: make gradients explode and vanish with w2 and the sequence length, then tame them."""

import numpy as np
import pandas as pd
import streamlit as st

import rnn_core as rc
from rnn_core import analysis as an
from rnn_core.data import simulate_statland
from ui import charts
from ui.format import from_log10, number, significant
from ui.links import link_snapshot, note_unused_link_values

W2_RANGE = 3.0
MAX_LENGTH = 1000
PRESETS = {"2 (explodes)": 2.0, "1 (the edge)": 1.0, "0.5 (vanishes)": 0.5}
FIXED = {"b1": 0.0, "w3": 1.0, "b2": 0.0}  # the lab varies w1 and w2; these stay put
TARGET = 1.0  # the loss is (y_T - 1)^2: tomorrow should be "high"
LR = 0.1
CLIFF_STEPS = 80
PATH_COLOURS = {"plain gradient descent": "#D55E00", "clipped by norm": "#000000"}
SERIES = {
    "vanilla RNN (computed)": "#0072B2",
    "|w1 w3| |w2|^(T - t) (analytic)": "#E69F00",
    "LSTM": "#009E73",
    "GRU": "#CC79A7",
}


def set_w2(value: float) -> None:
    st.session_state["lab_w2"] = value


# ----------------------------------------------------------------------------- cached engine calls
@st.cache_data(max_entries=64, show_spinner=False)
def per_step_input_gradients(xs: tuple, w1: float, w2: float, activation: str) -> np.ndarray:
    return an.log10_input_gradients(np.array(xs), w1, w2, FIXED["b1"], FIXED["w3"], activation)


@st.cache_data(max_entries=32, show_spinner=False)
def heatmap_spec(pattern: str, w1: float, activation: str, longest: int) -> dict:
    """log10 |d y_T / d x_1| over w2 x length as a chart spec. It does not depend on w2, so
    it is cached and the page swaps in the current setting's marker.

    w2 reaches past the activation's own bound (1 / max slope: 4 for sigmoid) so that
    boundary is on the chart too."""
    bound = 1.0 / rc.MAX_SLOPE[activation]
    reach = max(W2_RANGE, bound + 1.0)
    w2s = np.round(np.linspace(-reach, reach, 121), 6)
    lengths = np.unique(np.linspace(1, longest, min(longest, 80)).round().astype(int))
    xs = an.input_pattern(pattern, longest)
    grid = an.log10_first_input_gradient_grid(
        w2s, lengths, xs=xs, w1=w1, b1=FIXED["b1"], w3=FIXED["w3"], activation=activation
    )
    w2_column, length_column = np.meshgrid(w2s, lengths, indexing="ij")
    heat = pd.DataFrame({"w2": w2_column.ravel(), "T": length_column.ravel(), "log10": grid.ravel()})
    chart = charts.log_heatmap(
        heat,
        "w2",
        "T",
        "log10",
        title="log10 |d y_T / d x_1| over w2 and the sequence length",
        x_title="recurrent weight w2",
        y_title="sequence length T",
        value_title="log10 |dy/dx1|",
        marks=pd.DataFrame({"w2": [0.0], "T": [1], "label": [""]}),
        rules_x=sorted({-1.0, 1.0, -bound, bound}),
    )
    return charts.vega_spec(chart)


@st.cache_data(max_entries=64, show_spinner=False)
def w2_pieces(xs: tuple, w1: float, w2: float, activation: str) -> an.LogW2Gradient:
    return an.log10_w2_gradient(np.array(xs), w1, w2, target=TARGET, activation=activation, **FIXED)


@st.cache_data(max_entries=32, show_spinner=False)
def short_runs(w1: float, w2: float, activation: str, length: int) -> dict[str, dict]:
    """Train the lab's network from the current weights on StatLand sequences, with and without clipping."""
    xs, ys = simulate_statland(64, length, seed=0)
    runs = {}
    for label, clip in (("without clipping", "none"), ("with clipping (norm 1)", "norm")):
        model = rc.VanillaRNN(n_hidden=1, activation=activation)
        for name, value in {"w1": w1, "w2": w2, **FIXED}.items():
            model.params[name] = value
        trainer = rc.Trainer(model, xs, ys, optimizer="sgd", lr=0.05, clip=clip, clip_threshold=1.0)
        records = list(trainer.run(200))
        runs[label] = {
            "steps": [r.step for r in records],
            "loss": [r.loss for r in records],
            "first_norm": records[0].grad_norm if records else float("inf"),
            "divergence": trainer.divergence.message if trainer.divergence else None,
            "final": records[-1].loss if records else float("nan"),
            "w2": float(model.params["w2"][0, 0]),
        }
    return runs


@st.cache_data(max_entries=8, show_spinner=False)
def cliff_view(lr: float, threshold: float, start: tuple) -> tuple[dict, pd.DataFrame]:
    """The cliff's surface with both descent paths, as a chart spec, and the paths themselves."""
    ws, bs = np.linspace(1.0, 9.0, 81), np.linspace(-5.0, 0.0, 51)
    w_grid, b_grid = np.meshgrid(ws, bs, indexing="ij")
    error = an.cliff_loss_and_grad(w_grid, b_grid)[0]
    with np.errstate(divide="ignore"):
        surface = pd.DataFrame({"w": w_grid.ravel(), "b": b_grid.ravel(), "log10": np.log10(error.ravel())})
    paths = []
    for label, clip in (("plain gradient descent", None), ("clipped by norm", threshold)):
        rows = an.cliff_descent(start, lr, CLIFF_STEPS, clip_threshold=clip)
        paths.append(
            pd.DataFrame(
                {"w": rows[:, 0], "b": rows[:, 1], "error": rows[:, 2], "path": label, "order": np.arange(len(rows))}
            )
        )
    paths = pd.concat(paths, ignore_index=True)
    chart = charts.log_heatmap(
        surface,
        "w",
        "b",
        "log10",
        title="log10 error of the single-unit network over (w, b)",
        x_title="w",
        y_title="b",
        value_title="log10 error",
        scheme="viridis",
        mid=None,
        paths=paths,
        path_palette=PATH_COLOURS,
    )
    return charts.vega_spec(chart), paths


@st.cache_data(max_entries=32, show_spinner=False)
def rnn_surface_spec(xs: tuple, activation: str) -> dict:
    """The loss surface over (w2, w1) for this sequence; the page swaps in the marker and paths."""
    sequence = np.array(xs)
    grid = np.linspace(-W2_RANGE, W2_RANGE, 61)
    surface = an.log10_loss_surface(sequence, grid, grid, target=TARGET, activation=activation, **FIXED)
    w2_grid, w1_grid = np.meshgrid(grid, grid, indexing="ij")
    frame = pd.DataFrame({"w2": w2_grid.ravel(), "w1": w1_grid.ravel(), "log10": surface.ravel()})
    chart = charts.log_heatmap(
        frame,
        "w2",
        "w1",
        "log10",
        title=f"log10 loss (y_T − 1)² over w2 and w1, T = {len(sequence)}, {activation}",
        x_title="w2",
        y_title="w1",
        value_title="log10 loss",
        scheme="viridis",
        mid=None,
        marks=pd.DataFrame({"w2": [0.0], "w1": [0.0], "label": [""]}),
        paths=pd.DataFrame({"w2": [0.0], "w1": [0.0], "path": ["plain gradient descent"], "order": [0]}),
        path_palette=PATH_COLOURS,
    )
    return charts.vega_spec(chart)


@st.cache_data(max_entries=64, show_spinner=False)
def rnn_descent_paths(xs: tuple, w1: float, w2: float, activation: str) -> pd.DataFrame:
    """Gradient descent on the surface above from the current (w2, w1), with and without clipping."""
    sequence = np.array(xs)

    def loss_and_grad(point):
        loss, grad_w1, grad_w2 = an.one_unit_loss_and_grad(
            sequence, point[1], point[0], target=TARGET, activation=activation, **FIXED
        )
        return loss, (grad_w2, grad_w1)

    paths = []
    for label, clip in (("plain gradient descent", None), ("clipped by norm", 1.0)):
        rows = an.descent_path(loss_and_grad, (w2, w1), 0.05, 40, clip_threshold=clip)
        paths.append(pd.DataFrame({"w2": rows[:, 0], "w1": rows[:, 1], "path": label, "order": np.arange(len(rows))}))
    return pd.concat(paths, ignore_index=True)


GATED_UNITS = 4
# Which bias block holds each gated model's memory: the LSTM's forget gate (block f of
# i, f, g, o in b) and the GRU's update gate (block z of r, z, n in b_x).
MEMORY_GATE = {"lstm": ("b", 1), "gru": ("b_x", 1)}


@st.cache_data(max_entries=16, show_spinner=False)
def gated_input_gradients(xs: tuple, kind: str, gate_bias: float) -> np.ndarray:
    """log10 |d y_T / d x_t| of a seeded LSTM or GRU whose memory gate starts at ``gate_bias``."""
    model = rc.MODEL_KINDS[kind](n_hidden=GATED_UNITS, seed=0)
    name, block = MEMORY_GATE[kind]
    bias = model.params[name].copy()
    bias[block * GATED_UNITS : (block + 1) * GATED_UNITS] = gate_bias
    model.params[name] = bias
    grads = np.abs(model.input_gradients(np.array(xs)[None])[0])
    with np.errstate(divide="ignore"):
        return np.log10(grads)


def share_of_last_steps(log10_steps: np.ndarray, fraction: float = 0.1) -> float:
    """How much of the pieces' total magnitude comes from the last ``fraction`` of the steps."""
    finite = np.isfinite(log10_steps)
    if not finite.any():
        return 0.0
    weights = np.zeros_like(log10_steps)
    weights[finite] = 10.0 ** (log10_steps[finite] - log10_steps[finite].max())
    last = max(1, int(round(len(log10_steps) * fraction)))
    return float(weights[-last:].sum() / weights.sum())


# ----------------------------------------------------------------------------- controls
st.title("Gradient lab")
st.markdown(
    "Every step of an unrolled RNN multiplies the running hidden value by the same recurrent weight "
    "**w2**. Run the chain rule backwards and w2 turns up once per step too, so the influence of an "
    "old input on today's output is scaled by a power of w2. **Convention used on this page:** an "
    "input *n* steps before the last is scaled by about w2^n, so the first of T inputs by w2^(T − 1). "
    "Above 1 that explodes; below 1 it vanishes. Try it."
)

link = link_snapshot("lab_")
controls = st.columns([3, 2, 2], gap="large")
with controls[0]:
    w2 = st.slider(
        "Recurrent weight w2",
        -W2_RANGE,
        W2_RANGE,
        2.0,
        step=0.01,
        key="lab_w2",
        bind="query-params",
        help="Multiplies the previous step's hidden value in every step.",
    )
    with st.container(horizontal=True):
        for i, (label, value) in enumerate(PRESETS.items()):
            st.button(f"w2 = {label}", key=f"lab_preset{i}", on_click=set_w2, args=(value,))
with controls[1]:
    length = st.slider("Sequence length T", 1, MAX_LENGTH, 10, key="lab_length", bind="query-params")
    activation = st.selectbox(
        "Activation",
        rc.ACTIVATIONS,
        index=rc.ACTIVATIONS.index("identity"),
        key="lab_activation",
        bind="query-params",
        help="identity is the pure w2^n case; relu is the lesson's; tanh and sigmoid squash and add slopes below 1.",
    )
with controls[2]:
    w1 = st.number_input("Input weight w1", -3.0, 3.0, 1.0, step=0.1, key="lab_w1", bind="query-params", format="%.2f")
    pattern = st.selectbox("Input pattern", an.PATTERNS, key="lab_pattern", bind="query-params")
st.caption(
    f"The network is the lesson's one-unit RNN with b1 = {FIXED['b1']:g}, w3 = {FIXED['w3']:g} and "
    f"b2 = {FIXED['b2']:g}. Every magnitude below is computed as a power of ten, so nothing overflows."
)

note_unused_link_values(
    link,
    {"lab_w2": w2, "lab_length": length, "lab_activation": activation, "lab_w1": w1, "lab_pattern": pattern},
)
xs = an.input_pattern(pattern, length)
xs_key = tuple(np.round(xs, 12))

# ----------------------------------------------------------------------------- 1. per-step gradients
st.header("1 · How much each input still counts at the end")
logs = per_step_input_gradients(xs_key, w1, w2, activation)
steps = np.arange(1, length + 1)
with np.errstate(divide="ignore", invalid="ignore"):
    log_w2 = float(np.log10(abs(w2)))
    log_w1w3 = float(np.log10(abs(w1 * FIXED["w3"])))
    analytic = np.where(steps == length, 0.0, (length - steps) * log_w2) + log_w1w3  # w2^0 = 1, even for 0

first = float(logs[0])
power = 0.0 if length == 1 else (length - 1) * log_w2
metric_columns = st.columns(4)
metric_columns[0].metric(
    "First input's |d y_T / d x_1|",
    from_log10(first),
    help="How much the output moves per unit change of the oldest input.",
)
metric_columns[1].metric(f"|w2|^(T − 1) = {abs(w2):g}^{length - 1}", from_log10(power))
metric_columns[2].metric(f"The lesson's 2^{length - 1}", from_log10((length - 1) * np.log10(2.0)))
metric_columns[3].metric(f"The lesson's 0.5^{length - 1}", from_log10(-(length - 1) * np.log10(2.0)))

frame = pd.DataFrame(
    {
        "step": np.concatenate([steps, steps]),
        "series": ["vanilla RNN (computed)"] * length + ["|w1 w3| |w2|^(T - t) (analytic)"] * length,
        "log10": np.concatenate([logs, analytic]),
    }
)
charts.draw(
    charts.log_magnitude_lines(
        frame,
        title=f"log10 |d y_T / d x_t| for each input, T = {length}",
        x_title="input step t (1 = oldest)",
        y_title="log10 |d y_T / d x_t|",
        palette={k: SERIES[k] for k in list(SERIES)[:2]},
    ),
    key="lab_chart_steps",
    alt_text=f"Line chart: log10 of each input's gradient for T = {length}, computed and analytic; summary below.",
)
zeros = int(np.isneginf(logs).sum())
summary = f"Summary: the newest input counts {from_log10(float(logs[-1]))}, the oldest {from_log10(first)}."
on_the_line = bool(np.allclose(logs, analytic, rtol=0, atol=1e-9))
if not np.isfinite(logs).any():
    summary += " Every gradient is exactly 0: with w1 = 0 or w2 = 0 (or a ReLU switched off) nothing flows back."
elif on_the_line:
    summary += " Every slope on the way was 1, so the computed line lies exactly on the analytic |w2|^n one."
elif zeros:
    summary += (
        f" {zeros} of the {length} inputs have a gradient of exactly 0: the ReLU was off (its sum was at or "
        "below 0) somewhere between them and the end, and a switched-off ReLU passes no gradient back."
    )
else:
    summary += (
        f" The {activation} slopes are at most {rc.MAX_SLOPE[activation]:g} and shrink where the unit "
        "saturates, so the computed line falls below the analytic |w2|^n one."
    )
st.caption(summary)

# ----------------------------------------------------------------------------- 2. heatmap
st.header("2 · Where gradients explode and where they vanish")
longest = max(50, length)
bound = 1.0 / rc.MAX_SLOPE[activation]
heat_spec = charts.with_datasets(
    heatmap_spec(pattern, w1, activation, longest),
    marks=pd.DataFrame({"w2": [w2], "T": [length], "label": [f"you are here: w2 = {w2:g}, T = {length}"]}),
)
charts.draw(
    heat_spec,
    key="lab_chart_heatmap",
    alt_text="Heatmap of log10 |dy_T/dx_1| over w2 and the sequence length; summary below.",
)
boundary_text = (
    "the dashed lines at |w2| = 1 mark where a pure w2^n stops growing"
    if bound == 1.0
    else f"the dashed lines mark |w2| = 1 and |w2| = 1 / {rc.MAX_SLOPE[activation]:g} = {bound:g}: sigmoid's "
    f"slope is at most {rc.MAX_SLOPE[activation]:g}, so w2 × slope can only exceed 1 in size beyond |w2| = {bound:g}"
)
st.caption(
    f"Blue cells vanish, orange cells explode (colours stop at ±{charts.LOG_COLOUR_LIMIT:g}); "
    f"{boundary_text}. The diamond is the current setting. Summary: at T = {length}, the first input's "
    f"gradient is {from_log10(first)}."
)

# ----------------------------------------------------------------------------- 3. dL/dw2 per step
st.header("3 · Which steps make up the gradient of w2")
pieces = w2_pieces(xs_key, w1, w2, activation)
directions = np.where(pieces.signs < 0, "pushes w2 up", "pushes w2 down")  # descent moves against the sign
piece_frame = pd.DataFrame({"step": steps, "log10": pieces.log10_steps, "direction": directions})
total_column, loss_column, share_column = st.columns(3)
total_column.metric("dL/dw2 (the sum)", from_log10(pieces.log10_total, negative=pieces.total_sign < 0))
loss_column.metric("Loss (y_T − 1)²", from_log10(pieces.log10_loss))
share = share_of_last_steps(pieces.log10_steps)
share_column.metric("Share from the last 10% of steps", f"{100 * share:.0f}%")
charts.draw(
    charts.signed_log_points(
        piece_frame,
        title="Per-step pieces of dL/dw2 (BPTT adds them up)",
        x_title="step t",
        y_title="log10 |piece from step t|",
    ),
    key="lab_chart_pieces",
    alt_text="Dots: log10 size of each step's piece of dL/dw2, coloured by its sign; summary below.",
)
st.caption(
    "Each step t adds dL/dz_t × h_(t−1) to w2's gradient: dL/dz_t carries w2^(T − t), the path from step t "
    "to the end. When |w2| < 1 the pieces from early steps fade away exponentially, so they add next to "
    "nothing and the network cannot learn from what happened long ago. When |w2| > 1 the pieces are huge "
    "and so is their sum: one step of gradient descent would move w2 far more than its own size (section 4). "
    "Step 1's piece is always 0 because h_0 = 0. "
    f"Summary: {100 * share:.0f}% of the total magnitude comes from the last tenth of the steps."
)

# ----------------------------------------------------------------------------- 4. training
st.header("4 · What an exploding gradient does to training")
grad_w2 = pieces.log10_total
update = np.log10(LR) + grad_w2 if np.isfinite(grad_w2) else -np.inf
step_columns = st.columns(3)
step_columns[0].metric("One step's change to w2 (learning rate 0.1)", from_log10(update))
step_columns[1].metric("The size of w2 itself", number(abs(w2)))
ratio = update - np.log10(abs(w2)) if w2 and np.isfinite(update) else -np.inf
step_columns[2].metric("Update ÷ weight", from_log10(ratio))
run_length = min(max(length, 2), 20)  # StatLand sequences need two days
runs = short_runs(w1, w2, activation, run_length)
loss_rows = [pd.DataFrame({"step": run["steps"], "loss": run["loss"], "run": label}) for label, run in runs.items()]
charts.draw(
    charts.curve(
        pd.concat(loss_rows, ignore_index=True),
        "step",
        "loss",
        title=f"200 SGD steps from these weights on StatLand sequences of {run_length} days",
        x_title="training step",
        y_title="loss (MSE, log scale)",
        log_y=True,
        color="run",
        color_title="",
        palette={"without clipping": "#D55E00", "with clipping (norm 1)": "#0072B2"},
    ),
    key="lab_chart_runs",
    alt_text="Two loss curves, with and without clipping; their outcomes are written below.",
)
for label, run in runs.items():
    if run["divergence"]:
        st.error(f"**{label.capitalize()}:** {run['divergence']}", icon=":material/error:")
    else:
        st.info(
            f"**{label.capitalize()}:** loss {significant(run['loss'][0])} → {significant(run['final'])} after "
            f"{len(run['steps'])} steps; w2 ended at {significant(run['w2'])}.",
            icon=":material/info:",
        )
st.caption(
    "Gradient clipping rescales the whole gradient whenever its norm exceeds a threshold: the direction "
    "is kept, the step length capped. A run that starts where gradients explode takes one giant step "
    "without it (to non-finite numbers, or for ReLU to a unit that is switched off for good); with it, "
    "the same run walks downhill."
)

# ----------------------------------------------------------------------------- 5. the cliff
st.header("5 · The cliff in the loss surface")
st.markdown(
    "Pascanu, Mikolov and Bengio (2013, *On the difficulty of training recurrent neural networks*) "
    "drew the error of a single recurrent unit, x_t = w·sigmoid(x_(t−1)) + b with x_0 = 0.5, "
    "trained so that sigmoid(x_50) = 0.7. Its surface has a **cliff**: a thin wall where the error drops "
    "and the gradient is enormous. A gradient step that lands on the wall is thrown far away; a clipped "
    "step keeps its direction but not its length."
)
cliff_controls = st.columns(3)
cliff_lr = cliff_controls[0].select_slider("Learning rate", [0.1, 0.25, 0.5, 1.0, 2.0], value=0.5, key="lab_cliff_lr")
threshold = cliff_controls[1].select_slider(
    "Clipping threshold", [0.1, 0.25, 0.5, 1.0, 2.0], value=0.5, key="lab_cliff_threshold"
)
start_w = cliff_controls[2].slider("Start at w (b = −2)", 3.0, 8.0, 5.5, step=0.25, key="lab_cliff_start")
cliff_chart, paths = cliff_view(cliff_lr, threshold, (start_w, -2.0))
charts.draw(
    cliff_chart,
    key="lab_chart_cliff",
    alt_text="Heatmap of the single unit's log10 error over w and b with two descent paths; summary below.",
)
plain = paths[paths["path"] == "plain gradient descent"]
clipped = paths[paths["path"] == "clipped by norm"]
jumps = np.hypot(np.diff(plain["w"]), np.diff(plain["b"]))
end_plain, end_clipped = plain["error"].iloc[-1], clipped["error"].iloc[-1]  # each path's last error
st.caption(
    f"Summary: plain gradient descent's longest step was {significant(jumps.max() if len(jumps) else 0.0)} "
    f"long (it ended at w = {significant(plain['w'].iloc[-1])}, b = {significant(plain['b'].iloc[-1])}, error "
    f"{significant(float(end_plain))}); clipped steps are at most {significant(cliff_lr * threshold)} long and "
    f"ended at error {significant(float(end_clipped))}. Points that jump off the chart are not drawn."
)

st.subheader("The same view for this page's RNN: w2 against w1")
rnn_paths = rnn_descent_paths(xs_key, w1, w2, activation)
domain = (-W2_RANGE, W2_RANGE)
rnn_spec = charts.with_datasets(
    rnn_surface_spec(xs_key, activation),
    marks=pd.DataFrame({"w2": [w2], "w1": [w1], "label": ["the current weights"]}),
    paths=charts.visible_path_points(rnn_paths, "w2", "w1", domain, domain),
)
charts.draw(
    rnn_spec,
    key="lab_chart_rnn_surface",
    alt_text="Heatmap of log10 loss over w2 and w1 with the current weights and two descent paths.",
)
st.caption(
    "Beyond |w2| = 1 the loss climbs by orders of magnitude with each step of length: the same wall, seen "
    "from the RNN's own weights. The paths start at the current weights (learning rate 0.05, 40 steps)."
)

# ----------------------------------------------------------------------------- 6. the fix
st.header("6 · What fixes it: gates")
if hasattr(rc, "LSTM") and hasattr(rc, "GRU"):
    gate_bias = st.slider(
        "Memory-gate bias: the LSTM's forget gate and the GRU's update gate",
        0.0,
        8.0,
        4.0,
        step=0.5,
        key="lab_gate_bias",
        bind="query-params",
        help="A large bias holds the gate near 1: the cell (LSTM) or the hidden state (GRU) is carried over "
        "almost unchanged, and so is the gradient.",
    )
    gated = {kind.upper(): gated_input_gradients(xs_key, kind, gate_bias) for kind in ("lstm", "gru")}
    fix_frame = pd.concat(
        [pd.DataFrame({"step": steps, "series": "vanilla RNN (computed)", "log10": logs})]
        + [pd.DataFrame({"step": steps, "series": name, "log10": values}) for name, values in gated.items()],
        ignore_index=True,
    )
    charts.draw(
        charts.log_magnitude_lines(
            fix_frame,
            title=f"log10 |d y_T / d x_t|: vanilla RNN against an LSTM and a GRU, T = {length}",
            x_title="input step t (1 = oldest)",
            y_title="log10 |d y_T / d x_t|",
            palette={k: SERIES[k] for k in ("vanilla RNN (computed)", "LSTM", "GRU")},
        ),
        key="lab_chart_gated",
        alt_text="Lines: log10 of each input's gradient for the vanilla RNN, the LSTM and the GRU; summary below.",
    )
    st.caption(
        "An LSTM keeps its memory in a cell state that is updated by adding, scaled by a forget gate, "
        "instead of being pushed through w2 and an activation at every step. A GRU blends the old hidden "
        "state with a new candidate through an update gate. Along those paths the gradient is multiplied "
        "by gate values, which the network computes and can hold near 1, not by a fixed w2: it cannot "
        "explode the way w2^n does, and with the gates held open it fades far more slowly. Both models here "
        f"have {GATED_UNITS} units, seed 0 and the memory-gate bias above; training would learn the gates. "
        "Summary: the oldest input's gradient is "
        + ", ".join(f"{name} {from_log10(float(values[0]))}" for name, values in gated.items())
        + f", vanilla {from_log10(first)}."
    )
else:
    st.info("The LSTM and GRU comparison appears here once the engine provides them.")
