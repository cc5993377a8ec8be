"""Sections 1 and 2: full-batch Adam training speed of rnn_core, and of PyTorch on the same problems.

Each case trains one model on one fixed batch with Adam (lr 0.01), one full-batch
step at a time, and reports steps per second (median over repeats):

- ``rc.Trainer``: what the Training page runs, with its bookkeeping (finiteness
  checks, the gradient norm, a copy of the parameters in every step's record);
- bare: ``model.loss_and_grads`` plus ``rc.Adam.step`` in a plain loop;
- PyTorch on the CPU with one thread: a hand-written autograd loop of the same
  vanilla RNN, and ``torch.nn.RNN`` (or ``nn.LSTM`` / ``nn.GRU``) with ``nn.Linear``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bench.common import NOT_AVAILABLE, TORCH_MISSING, Settings, Table, interleaved_rates, rate, ratio

LR = 0.01
BATCH, LENGTH = 256, 50


@dataclass(frozen=True)
class Case:
    """One training problem: a model (kind, hidden units, activation) and a data set."""

    key: str
    label: str
    kind: str  # "vanilla", "lstm" or "gru"
    n_hidden: int
    activation: str
    data: str  # "rules" (the four StatLand rules) or "b256" (B = 256 sequences of T = 50 steps)


CASES = (
    Case("rules", "four rules, 1-unit relu RNN", "vanilla", 1, "relu", "rules"),
    Case("b256_h1", f"B{BATCH} T{LENGTH} H1 tanh", "vanilla", 1, "tanh", "b256"),
    Case("b256_h16", f"B{BATCH} T{LENGTH} H16 tanh", "vanilla", 16, "tanh", "b256"),
    Case("lstm16", f"B{BATCH} T{LENGTH} LSTM H16", "lstm", 16, "", "b256"),
    Case("gru16", f"B{BATCH} T{LENGTH} GRU H16", "gru", 16, "", "b256"),
)
CASE = {case.key: case for case in CASES}
# The PyTorch comparisons: (case, "hand" or "nn", dtype name).
TORCH_RUNS = (
    ("rules", "hand", "float64"),
    ("rules", "nn", "float64"),
    ("b256_h1", "hand", "float64"),
    ("b256_h1", "nn", "float64"),
    ("b256_h16", "hand", "float64"),
    ("b256_h16", "nn", "float64"),
    ("b256_h16", "hand", "float32"),
    ("b256_h16", "nn", "float32"),
    ("lstm16", "nn", "float64"),
    ("gru16", "nn", "float64"),
)


def dataset(name: str) -> tuple[np.ndarray, np.ndarray]:
    """xs (B, T, 1) and ys (B, 1): the four rules, or seeded random prices whose target is the mean of the last 5."""
    if name == "rules":
        from rnn_core.data import four_rules

        xs, ys = four_rules()
        return xs[:, :, None].astype(float), ys.astype(float)
    rng = np.random.default_rng(0)
    xs = rng.uniform(0.0, 1.0, (BATCH, LENGTH))
    return xs[:, :, None], xs[:, -5:].mean(axis=1, keepdims=True)


def engine_available(case: Case) -> bool:
    import rnn_core as rc

    return case.kind == "vanilla" or hasattr(rc, case.kind.upper())


def make_model(case: Case):
    import rnn_core as rc

    if case.kind == "vanilla":
        return rc.VanillaRNN(case.n_hidden, activation=case.activation, seed=0)
    return getattr(rc, case.kind.upper())(n_hidden=case.n_hidden, seed=0)


def trainer_runner(case: Case) -> Callable[[int], int]:
    """n -> steps taken by ``rc.Trainer.run(n)``; a diverged trainer is replaced by a fresh one."""
    import rnn_core as rc

    xs, ys = dataset(case.data)
    holder = {"trainer": rc.Trainer(make_model(case), xs, ys, optimizer="adam", lr=LR)}

    def run(n: int) -> int:
        trainer = holder["trainer"]
        before = trainer.step
        for _ in trainer.run(n):
            pass
        if trainer.divergence is not None:
            holder["trainer"] = rc.Trainer(make_model(case), xs, ys, optimizer="adam", lr=LR)
        return trainer.step - before

    return run


def bare_runner(case: Case) -> Callable[[int], None]:
    """n -> n steps of ``loss_and_grads`` and ``Adam.step`` in one ``Workspace``, nothing else."""
    import rnn_core as rc

    xs, ys = dataset(case.data)
    model, adam, workspace = make_model(case), rc.Adam(LR), rc.Workspace()

    def run(n: int) -> None:
        for _ in range(n):
            _, grads = model.loss_and_grads(xs, ys, workspace=workspace)
            adam.step(model.flat, grads.flat)

    return run


def measure_engine(case: Case, settings: Settings, results: dict) -> dict:
    """rnn_core's two figures for ``case`` (cached in ``results['engine']``)."""
    found = results.setdefault("engine", {})
    if case.key not in found:
        if not engine_available(case):
            found[case.key] = {"trainer": NOT_AVAILABLE, "bare": NOT_AVAILABLE}
        else:
            found[case.key] = interleaved_rates({"trainer": trainer_runner(case), "bare": bare_runner(case)}, settings)
    return found[case.key]


def section_engine(settings: Settings, results: dict) -> list[Table]:
    table = Table(
        "1. rnn_core: full-batch Adam training steps/s",
        ["case", "rc.Trainer steps/s", "bare loss_and_grads + Adam steps/s", "Trainer / bare"],
        notes=[
            "rc.Trainer includes its bookkeeping (finiteness checks, gradient norm, a parameter copy per record);",
            "bare is model.loss_and_grads(xs, ys, workspace=ws) then rc.Adam.step in a plain loop. Float64, "
            f"Adam lr {LR}, median of {settings.repeats} repeats of ~{settings.repeat_seconds:g} s, "
            "the two loops taking turns.",
        ],
    )
    for case in CASES:
        figures = measure_engine(case, settings, results)
        trainer, bare = figures["trainer"], figures["bare"]
        table.add(case.label, rate(trainer), rate(bare), ratio(trainer, bare))
    return [table]


# ----------------------------------------------------------------------------- PyTorch
def torch_runner(case: Case, variant: str, dtype_name: str) -> Callable[[int], None]:
    """n -> n full-batch Adam steps in PyTorch on the same data (one CPU thread)."""
    import torch
    from torch import nn

    torch.manual_seed(0)
    dtype = getattr(torch, dtype_name)
    xs, ys = dataset(case.data)
    x, y_true = torch.tensor(xs, dtype=dtype), torch.tensor(ys, dtype=dtype)
    H = case.n_hidden

    if variant == "hand":
        # The same maths as rnn_core's vanilla RNN, written with autograd; the input term of
        # every step is one product up front, as the engine does.
        k = 1.0 / H**0.5
        w1 = ((torch.rand(1, H, dtype=dtype) * 2 - 1) * k).requires_grad_()
        w2 = ((torch.rand(H, H, dtype=dtype) * 2 - 1) * k).requires_grad_()
        b1 = torch.full((H,), 0.1 if case.activation == "relu" else 0.0, dtype=dtype, requires_grad=True)
        w3 = ((torch.rand(H, 1, dtype=dtype) * 2 - 1) * k).requires_grad_()
        b2 = torch.zeros(1, dtype=dtype, requires_grad=True)
        act = torch.relu if case.activation == "relu" else torch.tanh
        x_time = x.transpose(0, 1).contiguous()  # (T, B, 1)
        params = [w1, w2, b1, w3, b2]

        def predict():
            pre = x_time @ w1 + b1
            h = act(pre[0])
            for t in range(1, pre.shape[0]):
                h = act(pre[t] + h @ w2)
            return h @ w3 + b2

    else:
        if case.kind == "vanilla":
            recurrent = nn.RNN(1, H, nonlinearity=case.activation, batch_first=True, dtype=dtype)
        else:
            recurrent = {"lstm": nn.LSTM, "gru": nn.GRU}[case.kind](1, H, batch_first=True, dtype=dtype)
        head = nn.Linear(H, 1, dtype=dtype)
        params = list(recurrent.parameters()) + list(head.parameters())

        def predict():
            _, last = recurrent(x)
            h_n = last[0] if isinstance(last, tuple) else last
            return head(h_n[-1])

    optimizer = torch.optim.Adam(params, lr=LR)

    def run(n: int) -> None:
        for _ in range(n):
            loss = ((predict() - y_true) ** 2).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()

    return run


def torch_label(case: Case, variant: str, dtype_name: str) -> str:
    if variant == "hand":
        return f"hand-written autograd RNN, {dtype_name}"
    module = {"vanilla": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}[case.kind]
    return f"{module} + nn.Linear, {dtype_name}"


def torch_installed() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def add_torch(runners: dict, make: Callable[..., Callable[[int], None]], *args) -> None:
    """``runners["torch"] = make(*args)`` on one thread, when PyTorch is installed (else its column says so)."""
    if torch_installed():
        import torch

        torch.set_num_threads(1)
        runners["torch"] = make(*args)


def measure_torch(case: Case, settings: Settings, results: dict) -> None:
    """PyTorch's figures for ``case``, taken in turn with rnn_core's Trainer on the same case.

    Stores ``results['torch'][(case, variant, dtype)]`` and, for the ratios, the Trainer's
    figure from the same interleaved repeats in ``results['torch_ours'][case]``.
    """
    runs = [key for key in TORCH_RUNS if key[0] == case.key]
    found = results.setdefault("torch", {})
    if not torch_installed() or not engine_available(case):
        for key in runs:
            found[key] = TORCH_MISSING if not torch_installed() else NOT_AVAILABLE
        results.setdefault("torch_ours", {})[case.key] = measure_engine(case, settings, results)["trainer"]
        return
    import torch

    torch.set_num_threads(1)
    runners = {"ours": trainer_runner(case)} | {key: torch_runner(case, key[1], key[2]) for key in runs}
    rates = interleaved_rates(runners, settings)
    results.setdefault("torch_ours", {})[case.key] = rates.pop("ours")
    found.update(rates)


def section_torch(settings: Settings, results: dict) -> list[Table]:
    table = Table(
        "2. PyTorch on the CPU (torch.set_num_threads(1)), same data, full-batch Adam steps/s",
        ["case", "PyTorch version", "torch steps/s", "rc.Trainer steps/s", "ours / torch"],
        notes=[
            "Same batch, same loss (MSE on the last step), torch.optim.Adam with the same lr; one step ="
            " forward, backward, optimiser step.",
            "For each case rc.Trainer and the PyTorch loops take turns repeat by repeat, so the ratio compares "
            "figures taken under the same machine load (the Trainer column is from these turns, not section 1).",
            "rnn_core always computes in float64; the float32 rows compare it with PyTorch's faster precision.",
        ],
    )
    for case in CASES:
        measure_torch(case, settings, results)
        ours = results["torch_ours"][case.key]
        for key in (k for k in TORCH_RUNS if k[0] == case.key):
            theirs = results["torch"][key]
            table.add(case.label, torch_label(case, key[1], key[2]), rate(theirs), rate(ours), ratio(ours, theirs))
    return [table, lesson_program_table()]


def lesson_program_table() -> Table:
    """Whether the PyTorch program the lesson ends with prints what rnn_core finds (its NumPy twin is
    run by the test suite, which has no PyTorch)."""
    import contextlib
    import io

    import rnn_core as rc
    from ui.lesson import code

    table = Table(
        "2e. The lesson's PyTorch program (Lesson, after step 10)",
        ["program", "prints what rnn_core finds"],
        notes=["Run with the lesson's weights on its example; compared line by line with rnn_core's numbers."],
    )
    if not torch_installed():
        table.add("ui.lesson.code.torch_code", TORCH_MISSING)
        return table
    weights = {name: float(value) for name, value in rc.STATQUEST_WEIGHTS.items()}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.torch_code(weights), "<lesson torch code>", "exec"), {})  # noqa: S102 - our own program
    same = out.getvalue() == code.engine_printout(weights)
    table.add("ui.lesson.code.torch_code", "yes" if same else f"no: it printed {out.getvalue()!r}")
    return table


# ----------------------------------------------------------------------------- the public call
# What someone who writes their own loop gets: ``model.loss_and_grads`` (forward, loss,
# backward, every parameter's gradient) against PyTorch's forward and backward of the same
# loss through ``nn.RNN`` + ``nn.Linear``, float64, one thread.
CALL_CASES = ("rules", "b256_h1", "b256_h16")


def call_runner(case: Case) -> Callable[[int], None]:
    """n -> n calls of ``model.loss_and_grads(xs, ys)``."""
    xs, ys = dataset(case.data)
    model = make_model(case)

    def run(n: int) -> None:
        for _ in range(n):
            model.loss_and_grads(xs, ys)

    return run


def torch_call_runner(case: Case) -> Callable[[int], None]:
    """n -> n forward and backward passes of ``nn.RNN`` + ``nn.Linear`` (float64), gradients reset each time."""
    import torch
    from torch import nn

    torch.manual_seed(0)
    xs, ys = dataset(case.data)
    x, y_true = torch.tensor(xs, dtype=torch.float64), torch.tensor(ys, dtype=torch.float64)
    recurrent = nn.RNN(1, case.n_hidden, nonlinearity=case.activation, batch_first=True, dtype=torch.float64)
    head = nn.Linear(case.n_hidden, 1, dtype=torch.float64)
    params = list(recurrent.parameters()) + list(head.parameters())

    def run(n: int) -> None:
        for _ in range(n):
            _, h_n = recurrent(x)
            loss = ((head(h_n[-1]) - y_true) ** 2).mean()
            for param in params:
                param.grad = None
            loss.backward()

    return run


def section_calls(settings: Settings, results: dict) -> list[Table]:
    table = Table(
        "2b. model.loss_and_grads against PyTorch's forward + backward, calls/s",
        ["case", "model.loss_and_grads calls/s", "nn.RNN + nn.Linear fwd+bwd calls/s", "ours / torch"],
        notes=[
            "One call = forward, MSE loss on the last step, backward to every parameter. Float64 on both sides,",
            "one thread (torch.set_num_threads(1)); the two loops take turns repeat by repeat, so the ratio compares "
            "figures taken under the same machine load.",
        ],
    )
    found = results.setdefault("calls", {})
    for key in CALL_CASES:
        case = CASE[key]
        runners = {"ours": call_runner(case)}
        add_torch(runners, torch_call_runner, case)
        rates = interleaved_rates(runners, settings)
        found[key] = {"ours": rates["ours"], "torch": rates.get("torch", TORCH_MISSING)}
        table.add(
            case.label, rate(found[key]["ours"]), rate(found[key]["torch"]), ratio(rates["ours"], found[key]["torch"])
        )
    return [table, *section_floor(settings, results), *section_exp(settings, results)]


# ------------------------------------------------------------------ the floor at H = 16
# How fast float64 NumPy can do the B256 T50 H16 tanh call at all: the same forward, MSE
# loss and BPTT written with the least work (no trace kept, no model, tanh's factor 2 folded
# into the weights, no error-state switches, every buffer made once). It is a measuring
# stick, not a second engine: a test checks that it gives the engine's loss and gradients.
def floor_h16(model, xs: np.ndarray, ys: np.ndarray) -> Callable[[], tuple[float, dict]]:
    """A function computing ``model``'s MSE loss on (xs, ys) and its five gradients, least work first."""
    p = {name: np.array(value) for name, value in model._views.items()}
    B, T, _ = xs.shape
    H = model.n_hidden
    x = np.ascontiguousarray(xs.transpose(1, 0, 2))  # (T, B, 1)
    twice_z, hidden = np.empty((T, B, H)), np.zeros((T + 1, B, H))
    dz, dh, recurrent = np.empty((T, B, H)), np.empty((B, H)), np.empty((B, H))
    w2_twice, w2_t = 2.0 * p["w2"], np.ascontiguousarray(p["w2"].T)

    def call() -> tuple[float, dict]:
        np.multiply(x, 2.0 * p["w1"][0], twice_z)
        np.add(twice_z, 2.0 * p["b1"], twice_z)
        for h_prev, z2, h in zip(hidden[:-1], twice_z, hidden[1:], strict=True):
            np.matmul(h_prev, w2_twice, recurrent)
            z2 += recurrent
            np.exp(z2, out=h)  # tanh(z) = 1 - 2 / (e^(2z) + 1)
            h += 1.0
            np.divide(-2.0, h, out=h)
            h += 1.0
        error = hidden[-1] @ p["w3"] + p["b2"] - ys
        dy = error * (2.0 / error.size)
        np.multiply(hidden[1:], hidden[1:], dz)
        np.subtract(1.0, dz, dz)
        np.matmul(dy, p["w3"].T, dh)
        for dz_t in dz[::-1]:
            dz_t *= dh
            np.matmul(dz_t, w2_t, dh)
        rows = dz.reshape(T * B, H)
        grads = {
            "w1": x.reshape(T * B, 1).T @ rows,
            "w2": hidden[:-1].reshape(T * B, H).T @ rows,
            "b1": rows.sum(axis=0),
            "w3": hidden[-1].T @ dy,
            "b2": dy.sum(axis=0),
        }
        return float(np.mean(error * error)), grads

    return call


def section_floor(settings: Settings, results: dict) -> list[Table]:
    """``loss_and_grads`` at H = 16 beside the least-work NumPy version of the same call, and PyTorch."""
    table = Table(
        "2d. B256 T50 H16: model.loss_and_grads beside the least float64 NumPy can do, calls/s",
        [
            "case",
            "model.loss_and_grads",
            "least-work NumPy",
            "nn.RNN + nn.Linear fwd+bwd",
            "ours / torch",
            "least / torch",
        ],
        notes=[
            "Least-work NumPy: the same forward, loss and BPTT with no trace kept, tanh's factor 2 folded into the",
            "weights and every buffer made once (bench/training.py, floor_h16; a test checks it gives the engine's",
            "loss and gradients). Float64, one thread, the three loops taking turns. Its ratio is the most a float64",
            "NumPy kernel gets on this machine.",
        ],
    )
    case = CASE["b256_h16"]
    xs, ys = dataset(case.data)
    floor = floor_h16(make_model(case), xs, ys)

    def run_floor(n: int) -> None:
        for _ in range(n):
            floor()

    runners = {"ours": call_runner(case), "floor": run_floor}
    add_torch(runners, torch_call_runner, case)
    rates = interleaved_rates(runners, settings)
    torch_rate = rates.get("torch", TORCH_MISSING)
    results["floor"] = {"ours": rates["ours"], "floor": rates["floor"], "torch": torch_rate}
    table.add(
        case.label,
        rate(rates["ours"]),
        rate(rates["floor"]),
        rate(torch_rate),
        ratio(rates["ours"], torch_rate),
        ratio(rates["floor"], torch_rate),
    )
    return [table]


# ------------------------------------------------------------------ the exp in every step
# How many float64 exponentials one forward pass takes per (sequence, step): the vanilla tanh
# takes one per unit; the LSTM one per gate value (4H) and one for tanh(c_t) (H); the GRU one
# per reset and update gate value (2H) and one for the candidate's tanh (H).
EXPS_PER_STEP = {"b256_h16": lambda H: H, "lstm16": lambda H: 5 * H, "gru16": lambda H: 3 * H}


def exp_runner(library: str, size: int) -> Callable[[int], None]:
    """n -> n float64 exps of one step's block of ``size`` values, into a kept buffer."""
    values = np.random.default_rng(0).uniform(-1.0, 1.0, size)
    if library == "numpy":
        out = np.empty(size)

        def run(n: int) -> None:
            for _ in range(n):
                np.exp(values, out=out)

        return run
    import torch

    tensor, out_t = torch.tensor(values), torch.empty(size, dtype=torch.float64)

    def run(n: int) -> None:
        for _ in range(n):
            torch.exp(tensor, out=out_t)

    return run


def section_exp(settings: Settings, results: dict) -> list[Table]:
    """How much of a step that would be 2x PyTorch's the exps alone take, in NumPy."""
    table = Table(
        "2c. The exps in every step: float64 exp in NumPy and in PyTorch, and their share of a 2x step",
        [
            "case",
            "exps per step",
            "NumPy ns/exp",
            "torch ns/exp",
            "NumPy's exps alone, ms/step",
            "their share of a step at 2x torch",
        ],
        notes=[
            "One step's block (B = 256 times the exps per sequence) through np.exp and torch.exp, float64, one thread,",
            "taking turns. The share: the forward pass's exps in NumPy over half PyTorch's time per full Adam step",
            "(section 2, nn module, float64): the most a step may take to be 2x as fast. The rest of the step has",
            "what is left.",
        ],
    )
    torch_steps = results.get("torch", {})
    for key, count in EXPS_PER_STEP.items():
        case = CASE[key]
        size = BATCH * count(case.n_hidden)
        runners = {"numpy": exp_runner("numpy", size)}
        add_torch(runners, exp_runner, "torch", size)
        rates = interleaved_rates(runners, settings)
        numpy_s = 1.0 / rates["numpy"]  # one block
        torch_ns = f"{1e9 / rates['torch'] / size:.2f}" if "torch" in rates else TORCH_MISSING
        exps_s = numpy_s * LENGTH
        torch_rate = torch_steps.get((key, "nn", "float64"))
        share = f"{100 * exps_s / (0.5 / torch_rate):.0f}%" if isinstance(torch_rate, float) else NOT_AVAILABLE
        table.add(
            case.label,
            f"{count(case.n_hidden)} x 256",
            f"{1e9 * numpy_s / size:.2f}",
            torch_ns,
            f"{1e3 * exps_s:.2f}",
            share,
        )
    return [table]
