"""From the lesson to code: the learner's network as a short plain-NumPy program (and the same in
PyTorch) that prints its hidden values, its output and the five gradients of one training example,
and what rnn_core finds for the same, written the same way.

The tests run the NumPy program and compare what it prints with ``engine_printout``; the benchmarks'
torch section runs the PyTorch one where PyTorch is installed. No Streamlit here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import rnn_core as rc
from rnn_core.data import LEVELS, encode

EXAMPLE = (("high", "high"), "high")  # StatLand's rule high, high -> high, which the weights nearly meet


def _number(value: float) -> str:
    return f"{float(value) + 0.0:.4g}"  # + 0.0: a gradient of -0.0 prints as 0, as the program's sums do


def _header(weights: Mapping[str, float], days: Sequence[str], target: str) -> str:
    names = ", ".join(rc.PARAM_NAMES)
    values = ", ".join(repr(float(weights[name])) for name in rc.PARAM_NAMES)
    return (
        f"{names} = {values}\n"
        f"levels = {dict(LEVELS)!r}\n"
        f"days = {list(days)!r}  # oldest first\n"
        f"target = levels[{target!r}]  # tomorrow\n"
    )


def numpy_code(weights: Mapping[str, float], days: Sequence[str] = EXAMPLE[0], target: str = EXAMPLE[1]) -> str:
    """The vanilla RNN of the lesson, forward and backward through time, in plain NumPy."""
    return (
        "import numpy as np\n\n"
        "# The five weights, shared by every day.\n"
        + _header(weights, days, target)
        + """x = np.array([levels[d] for d in days])

# Forward: one unit, unrolled over the days.
h = np.zeros(len(x) + 1)  # h[0] = 0: nothing before day 1
for t in range(len(x)):
    z = w1 * x[t] + w2 * h[t] + b1
    h[t + 1] = max(z, 0.0)  # ReLU
y = w3 * h[-1] + b2  # only the last day's h predicts
print("h =", ", ".join(f"{v:.4g}" for v in h[1:]))
print(f"y = {y:.4g}")

# Backward through time, for L = (y - target)**2.
dy = 2 * (y - target)
grads = dict.fromkeys(["w1", "w2", "b1", "w3", "b2"], 0.0)
grads["w3"] += dy * h[-1]
grads["b2"] += dy
dh = dy * w3
for t in reversed(range(len(x))):
    dz = dh * (h[t + 1] > 0)  # ReLU's slope: 1 while on, else 0
    grads["w1"] += dz * x[t]
    grads["w2"] += dz * h[t]  # every day adds its piece to the one w2
    grads["b1"] += dz
    dh = dz * w2
print(", ".join(f"dL/d{name} = {g:.4g}" for name, g in grads.items()))
"""
    )


def torch_code(weights: Mapping[str, float], days: Sequence[str] = EXAMPLE[0], target: str = EXAMPLE[1]) -> str:
    """The same network in PyTorch: the forward pass written out, the backward pass left to autograd."""
    return (
        "import torch\n\n"
        + _header(weights, days, target)
        + """w = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
     for name, value in dict(w1=w1, w2=w2, b1=b1, w3=w3, b2=b2).items()}
x = torch.tensor([levels[d] for d in days], dtype=torch.float64)

h, hs = torch.zeros((), dtype=torch.float64), []
for t in range(len(x)):
    h = torch.relu(w["w1"] * x[t] + w["w2"] * h + w["b1"])
    hs.append(h)
y = w["w3"] * h + w["b2"]
print("h =", ", ".join(f"{v.item():.4g}" for v in hs))
print(f"y = {y.item():.4g}")

((y - target) ** 2).backward()  # autograd runs the same pass back through time
print(", ".join(f"dL/d{name} = {p.grad.item():.4g}" for name, p in w.items()))
"""
    )


def engine_printout(weights: Mapping[str, float], days: Sequence[str] = EXAMPLE[0], target: str = EXAMPLE[1]) -> str:
    """What both programs print, as rnn_core finds it."""
    model = rc.statquest_rnn(**weights)
    xs = encode(list(days))[None]
    trace = model.forward(xs)
    _, grads = model.loss_and_grads(xs, [[LEVELS[target]]], loss="ssr")
    return (
        "h = " + ", ".join(_number(v) for v in trace.hidden[0, :, 0]) + "\n"
        f"y = {_number(trace.y[0, 0])}\n"
        + ", ".join(f"dL/d{name} = {_number(grads[name].ravel()[0])}" for name in rc.PARAM_NAMES)
        + "\n"
    )
