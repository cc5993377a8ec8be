"""Gradient lab: make gradients explode and vanish with w2 and the sequence length, then tame them."""

import numpy as np
import streamlit as st

import rnn_core as rc
from rnn_core import analysis as an
from ui import charts
from ui import lab_views as views
from ui.format import from_log10, number, signed_power_of_ten, significant, superscript
from ui.lab_views import FIXED, GATED_UNITS, LR, SERIES, SURFACE_STEPS, W2_RANGE
from ui.links import link_snapshot, note_unused_link_values

MAX_LENGTH = 1000
PRESETS = {"2 (explodes)": 2.0, "1 (the edge)": 1.0, "0.5 (vanishes)": 0.5}


def set_w2(value: float) -> None:
    st.session_state["lab_w2"] = value


def show_vanishing_case() -> None:
    st.session_state["lab_w2"] = 0.5
    st.session_state["lab_length"] = MAX_LENGTH


def powers(log10_value: float) -> str:
    """A factor of at least 10 given as log10: 'about 32', 'about 5.01 × 10³⁰⁰'.

    Three significant digits, because the lines' slopes can differ by less than a power of ten.
    """
    if log10_value < 3:
        return f"about {round(10.0**log10_value):,}"
    return signed_power_of_ten(log10_value, prefix="about ")


def change_words(log10_ratio: float, plural: bool = False) -> str:
    """How much something changes from the newest input to the oldest, in words ("grows by ...")."""
    verbs = ("grow", "shrink", "stay") if plural else ("grows", "shrinks", "stays")
    if log10_ratio >= 1:
        return f"{verbs[0]} by a factor of {powers(log10_ratio)}"
    if log10_ratio <= -1:
        return f"{verbs[1]} by a factor of {powers(-log10_ratio)}"
    return f"{verbs[2]} within a factor of 10"


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
max_slope = rc.MAX_SLOPE[activation]
bound = 1.0 / max_slope

# ----------------------------------------------------------------------------- 1. per-step gradients
st.header("1 · How much each input still counts at the end")
logs, pieces = views.vanilla_gradients(pattern, length, w1, w2, activation)
steps = np.arange(1, length + 1)
analytic = views.analytic_line(length, w1, w2)
first = float(logs[0])
with np.errstate(divide="ignore"):
    power = 0.0 if length == 1 else (length - 1) * float(np.log10(abs(w2)))  # w2^0 = 1, even for 0
# Two rows of two: values such as "about 10⁻²³⁹¹" need the width.
setting, lesson = st.columns(2), st.columns(2)
setting[0].metric(
    "First input's |d y_T / d x_1|",
    from_log10(first),
    help="How much the output moves per unit change of the oldest input.",
)
setting[1].metric(f"|w2|^(T − 1) = {abs(w2):g}{superscript(length - 1)}", from_log10(power))
lesson[0].metric(f"The lesson's 2{superscript(length - 1)}", from_log10((length - 1) * np.log10(2.0)))
lesson[1].metric(f"The lesson's 0.5{superscript(length - 1)}", from_log10(-(length - 1) * np.log10(2.0)))

step_palette = {k: SERIES[k] for k in list(SERIES)[:2]}
lines = charts.arrow_table(
    {
        "step": np.concatenate([steps, steps]),
        "series": [name for name in step_palette for _ in range(length)],
        "log10": np.concatenate([logs, analytic]),
    },
    finite=("log10",),
)
charts.draw(
    charts.with_datasets(
        views.lines_spec(
            f"log10 |d y_T / d x_t| for each input, T = {length}",
            "input step t (1 = oldest)",
            "log10 |d y_T / d x_t|",
            step_palette,
            2 * length <= 120,
        ),
        lines=lines,
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
        f" The {activation} slopes are at most {max_slope:g} and shrink where the unit "
        "saturates, so the computed line falls below the analytic |w2|^n one."
    )
st.caption(summary)

# ----------------------------------------------------------------------------- 2. heatmap
st.header("2 · Where gradients explode and where they vanish")
longest = max(50, length)
heat_spec = charts.with_datasets(
    views.heatmap_spec(pattern, w1, activation, longest),
    marks=charts.arrow_table({"w2": [w2], "T": [length], "label": [f"you are here: w2 = {w2:g}, T = {length}"]}),
)
charts.draw(
    heat_spec,
    key="lab_chart_heatmap",
    alt_text="Heatmap of log10 |dy_T/dx_1| over w2 and the sequence length; summary below.",
)
boundary_text = (
    "the dashed lines at |w2| = 1 mark where a pure w2^n stops growing"
    if bound == 1.0
    else f"the dashed lines mark |w2| = 1 and |w2| = 1 / {max_slope:g} = {bound:g}: sigmoid's "
    f"slope is at most {max_slope:g}, so w2 × slope can only exceed 1 in size beyond |w2| = {bound:g}"
)
st.caption(
    f"Blue cells vanish, orange cells explode (colours stop at ±{charts.LOG_COLOUR_LIMIT:g}); "
    f"{boundary_text}. The diamond is the current setting. Summary: at T = {length}, the first input's "
    f"gradient is {from_log10(first)}."
)

# ----------------------------------------------------------------------------- 3. dL/dw2 per step
st.header("3 · Which steps make up the gradient of w2")
directions = np.where(pieces.signs < 0, "pushes w2 up", "pushes w2 down")  # descent moves against the sign
piece_rows = charts.arrow_table(
    {"step": steps, "log10": pieces.log10_steps, "direction": directions}, finite=("log10",)
)
share = views.share_of_last_steps(pieces.log10_steps)
with st.container(horizontal=True, gap="medium"):
    st.metric("dL/dw2 (the sum)", from_log10(pieces.log10_total, negative=pieces.total_sign < 0), width="content")
    st.metric("Loss (y_T − 1)²", from_log10(pieces.log10_loss), width="content")
    st.metric(
        "Share from the last 10% of steps",
        f"{100 * share:.0f}%" if np.isfinite(pieces.log10_steps).any() else "none: every piece is 0",
        width="content",
    )
charts.draw(
    charts.with_datasets(views.pieces_spec(), pieces=piece_rows),
    key="lab_chart_pieces",
    alt_text="Dots: log10 size of each step's piece of dL/dw2, coloured by its sign; summary below.",
)
finite_pieces = np.flatnonzero(np.isfinite(pieces.log10_steps))
seen = []
if len(finite_pieces) >= 2 and np.isfinite(logs).all():
    a, b = int(finite_pieces[0]), int(finite_pieces[-1])  # the earliest and the latest step with a piece
    piece_change = float(pieces.log10_steps[a] - pieces.log10_steps[b])
    carried = float(logs[a] - logs[b])  # dL/dz_t changes from step to step as d y_T / d x_t does
    seen.append(
        f"Here, from step {b + 1} back to step {a + 1}, the error carried back {change_words(carried)} and "
        f"h_(t−1) {change_words(piece_change - carried)}, so the pieces {change_words(piece_change, plural=True)}."
    )
    if piece_change <= -1:
        seen.append(
            f"The last tenth of the steps makes up {100 * share:.0f}% of the sum: early steps add next to nothing, "
            "so the network can hardly learn from what happened long ago."
        )
    elif piece_change >= 1:
        seen.append("The earliest steps dominate the sum.")
    if carried < 1 and abs(w2) > 1 and activation in ("tanh", "sigmoid"):
        seen.append(
            f"That the error does not grow, although |w2| > 1, is {activation}'s doing: its slopes (at most "
            f"{max_slope:g}, less where the unit saturates) keep |w2| × slope at or below 1."
        )
elif len(finite_pieces) == 0:
    seen.append("Every piece is exactly 0 here (the loss is 0, or nothing flows back), so w2 gets no gradient.")
if np.isfinite(pieces.log10_total) and np.log10(LR) + pieces.log10_total > np.log10(max(abs(w2), 1e-12)):
    seen.append(
        f"The sum is {from_log10(pieces.log10_total)}: one step of gradient descent would move w2 by more than "
        "its own size (section 4)."
    )
st.caption(
    "Each step t adds dL/dz_t × h_(t−1) to w2's gradient. dL/dz_t is the error carried back from the end: it "
    "picks up w2 × slope once per step, like the gradients in section 1. h_(t−1) is what the unit held before "
    "step t. Step 1's piece is always 0 because h_0 = 0. " + " ".join(seen)
)

# ----------------------------------------------------------------------------- 4. training
st.header("4 · What an exploding gradient does to training")
grad_w2 = pieces.log10_total
update = np.log10(LR) + grad_w2 if np.isfinite(grad_w2) else -np.inf
with st.container(horizontal=True, gap="medium"):
    st.metric(f"One step's change to w2 (learning rate {LR:g})", from_log10(update), width="content")
    st.metric("The size of w2 itself", number(abs(w2)), width="content")
    if w2 == 0:
        ratio_text = "undefined (w2 is 0)"
    else:
        ratio_text = from_log10(update - np.log10(abs(w2)) if np.isfinite(update) else -np.inf)
    st.metric("Update ÷ weight", ratio_text, width="content")
run_length = min(max(length, 2), 20)  # StatLand sequences need two days
runs = views.short_runs(w1, w2, activation, run_length)
loss_rows = charts.arrow_table(
    {
        "step": np.concatenate([run["steps"] for run in runs.values()]),
        "loss": charts.on_log_axis(np.concatenate([run["loss"] for run in runs.values()])),
        "run": [label for label, run in runs.items() for _ in run["steps"]],
    },
    finite=("loss",),
)
charts.draw(
    charts.with_datasets(
        views.runs_spec(
            f"{views.RUN_STEPS} SGD steps (learning rate {LR:g}) from these weights on StatLand sequences "
            f"of {run_length} days"
        ),
        runs=loss_rows,
    ),
    key="lab_chart_runs",
    alt_text="Two loss curves, with and without clipping; their outcomes are written below.",
)
for label, run in runs.items():
    if run["divergence"]:
        st.error(f"**{label.capitalize()}:** {run['divergence']}", icon=":material/error:")
    elif run["dead"]:
        st.warning(
            f"**{label.capitalize()}:** the ReLU switched off for good. Loss {significant(run['loss'][0])} → "
            f"{significant(run['final'])} at the weights it ended with: the unit's sum is at or below 0 for every "
            f"sequence, so the unit outputs 0 whatever the input (every prediction is b2 = {significant(run['b2'])}), "
            "and a switched-off ReLU passes no gradient back to wake it up.",
            icon=":material/power_off:",
        )
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
    "the same run walks downhill. These runs train on StatLand's rules, a different loss from the one "
    "sections 3 and 5 use (one sequence, target 1), so their numbers differ."
)


# ----------------------------------------------------------------------------- 5. the cliff
@st.fragment
def cliff_section() -> None:
    """The Pascanu et al. cliff, with its own sliders: moving them reruns only this part."""
    st.header("5 · The cliff in the loss surface")
    st.markdown(
        "Pascanu, Mikolov and Bengio (2013, *On the difficulty of training recurrent neural networks*) "
        "drew the error of a single recurrent unit, x_t = w·sigmoid(x_(t−1)) + b with x_0 = 0.5, "
        "trained so that sigmoid(x_50) = 0.7. Its surface has a **cliff**: a thin wall where the error drops "
        "and the gradient is enormous. A gradient step that lands on the wall is thrown far away; a clipped "
        "step keeps its direction but not its length."
    )
    cliff_controls = st.columns(3)
    choices = [0.1, 0.25, 0.5, 1.0, 2.0]
    cliff_lr = cliff_controls[0].select_slider(
        "Learning rate", choices, value=0.5, key="lab_cliff_lr", bind="query-params"
    )
    threshold = cliff_controls[1].select_slider(
        "Clipping threshold", choices, value=0.5, key="lab_cliff_threshold", bind="query-params"
    )
    start_w = cliff_controls[2].slider(
        "Start at w (b = −2)", 3.0, 8.0, 5.5, step=0.25, key="lab_cliff_start", bind="query-params"
    )
    note_unused_link_values(
        link, {"lab_cliff_lr": cliff_lr, "lab_cliff_threshold": threshold, "lab_cliff_start": start_w}
    )
    cliff_chart, facts = views.cliff_view(cliff_lr, threshold, (start_w, -2.0))
    charts.draw(
        cliff_chart,
        key="lab_chart_cliff",
        alt_text="Heatmap of the single unit's log10 error over w and b with two descent paths; summary below.",
    )
    shared = facts["shared"]
    together = (
        f"Both start at w = {start_w:g}, b = −2 and take the same first {shared - 1} steps (the gradient is below "
        "the threshold there, so clipping changes nothing); the plain path is dashed, drawn on top. "
        if shared > 2
        else ""
    )
    plain_w, plain_b, plain_error = facts["plain_end"]
    st.caption(
        f"Summary: {together}Plain gradient descent's longest step, step {facts['longest_step']}, was "
        f"{significant(facts['longest_jump'])} long (it ended at w = {significant(plain_w)}, b = "
        f"{significant(plain_b)}, error {significant(plain_error)}); where a path leaves the chart, an arrow marks "
        f"the edge. Clipped steps are at most {significant(cliff_lr * threshold)} long and ended at error "
        f"{significant(facts['clipped_end'][2])}."
    )


cliff_section()

st.subheader("The same view for this page's RNN: w2 against w1")
surface_spec, surface_stats = views.rnn_surface(pattern, length, activation)
path_data, path_ends = views.rnn_descent_paths(pattern, length, w1, w2, activation)
charts.draw(
    charts.with_datasets(
        surface_spec,
        marks=charts.arrow_table({"w2": [w2], "w1": [w1], "label": ["the current weights"]}),
        **path_data,
    ),
    key="lab_chart_rnn_surface",
    alt_text="Heatmap of log10 loss over w2 and w1 with the current weights and two descent paths.",
)
if surface_stats["beyond"] - surface_stats["inside"] >= 3:
    wall = (
        f"Beyond |w2| = 1 the loss climbs to {from_log10(surface_stats['beyond'])}, against at most "
        f"{from_log10(surface_stats['inside'])} within |w2| ≤ 1: the same wall, seen from the RNN's own weights."
    )
else:
    top = max(surface_stats["beyond"], surface_stats["inside"])
    wall = (
        f"Here the loss stays at or below {from_log10(top)} everywhere on the chart, even where |w2| > 1: "
        f"{activation} keeps h_T between {'−1' if activation == 'tanh' else '0'} and 1, so the loss cannot explode "
        "(the gradients can still vanish: sections 1 and 3)."
        if activation in ("tanh", "sigmoid")
        else f"Here the loss stays at or below {from_log10(top)} everywhere on the chart: at this length the "
        "powers of w2 have not yet grown far."
    )
sentences = [views.path_summary(name.capitalize(), end["rows"], end["throw"]) for name, end in path_ends.items()]
st.caption(
    f"{wall} Both paths start at the current weights (the diamond; learning rate {LR:g}, up to {SURFACE_STEPS} "
    f"steps; the clipped one with threshold 1). " + " ".join(sentences)
)

# ----------------------------------------------------------------------------- 6. the fix
st.header("6 · What fixes it: gates")
st.button(
    "Show the vanishing case (w2 = 0.5, T = 1000)",
    key="lab_show_vanishing",
    on_click=show_vanishing_case,
    icon=":material/trending_down:",
)


@st.fragment
def gates_section() -> None:
    """The LSTM and GRU beside the vanilla RNN; the gate slider reruns only this part."""
    gate_bias = st.slider(
        "Memory-gate bias b: the LSTM's forget gate (its input gate gets −b) and the GRU's update gate",
        0.0,
        8.0,
        4.0,
        step=0.5,
        key="lab_gate_bias",
        bind="query-params",
        help="A large bias holds the gate near 1: each step back keeps a share σ(b) of the gradient.",
    )
    note_unused_link_values(link, {"lab_gate_bias": gate_bias})
    gated = {kind.upper(): views.gated_input_gradients(pattern, length, kind, gate_bias) for kind in ("lstm", "gru")}
    palette = {k: SERIES[k] for k in ("vanilla RNN (computed)", "LSTM", "GRU")}
    fix_rows = charts.arrow_table(
        {
            "step": np.tile(steps, 3),
            "series": [name for name in palette for _ in range(length)],
            "log10": np.concatenate([logs, gated["LSTM"], gated["GRU"]]),
        },
        finite=("log10",),
    )
    charts.draw(
        charts.with_datasets(
            views.lines_spec(
                f"log10 |d y_T / d x_t|: vanilla RNN against an LSTM and a GRU, T = {length}",
                "input step t (1 = oldest)",
                "log10 |d y_T / d x_t|",
                palette,
                3 * length <= 180,
            ),
            lines=fix_rows,
        ),
        key="lab_chart_gated",
        alt_text="Lines: log10 of each input's gradient for the vanilla RNN, the LSTM and the GRU; summary below.",
    )
    keep = 1.0 / (1.0 + np.exp(-gate_bias))
    st.caption(
        "An LSTM carries its memory in a cell, c_t = f_t·c_(t−1) + i_t·g_t, and a GRU in its state, "
        "h_t = z_t·h_(t−1) + (1 − z_t)·n_t: the old value is kept by a gate (f_t, z_t) rather than pushed through "
        "w2 and an activation. Going one step back, the gradient along that path is multiplied by the gate's "
        "value, which lies between 0 and 1: it cannot explode the way w2^n does, and it vanishes only as fast "
        f"as the gate lets it. The bias b sets the gate: σ({gate_bias:g}) = {keep:.4g}, so about "
        f"{100 * keep:.4g}% of the gradient survives each step back on that path (at b = 0 only half "
        "does, and over many steps the gated models forget too). The LSTM's input gate "
        "gets −b, so its cell takes in what it forgets and stays within ±1; a cell that only adds would grow, "
        f"saturate its tanh and shut the gradient off. Both models: {GATED_UNITS} units, seed 0, untrained."
    )
    if length > 1:
        parts = (
            [f"the vanilla RNN's {change_words(float(logs[0] - logs[-1]))}"]
            if np.isfinite(logs).all()
            else ["the vanilla RNN's is exactly 0 for some inputs"]
        )
        parts += [f"the {name}'s {change_words(float(values[0] - values[-1]))}" for name, values in gated.items()]
        st.caption(
            f"Summary, from the newest input to the oldest ({length - 1} steps back): " + "; ".join(parts) + ". "
            f"The oldest input's gradient is {from_log10(first)} for the vanilla RNN, "
            + ", ".join(f"{from_log10(float(values[0]))} for the {name}" for name, values in gated.items())
            + "."
        )


gates_section()
