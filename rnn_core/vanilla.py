"""The vanilla RNN of the lesson, generalised to H hidden units, with exact BPTT.

    h_0 = 0
    h_t = act(x_t @ w1 + h_(t-1) @ w2 + b1)      for t = 1 .. T (oldest input first)
    y_t = h_t @ w3 + b2                          the prediction is y_T

Shapes: w1 (n_in, H), w2 (H, H), b1 (H,), w3 (H, n_out), b2 (n_out,). Every time
step reuses the same five parameters, so unrolling over more days adds no
parameters. The backward loop below mirrors the forward loop step for step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .activations import activate, check_activation, slope, slope_into
from .base import Gradients, RecurrentModel, views_of
from .losses import loss_and_dy

# The lesson's weights ("the StatLand weights"): they reproduce the four rules.
STATQUEST_WEIGHTS = {"w1": 1.8, "b1": 0.0, "w2": -0.5, "w3": 1.1, "b2": 0.0}


@dataclass
class VanillaTrace:
    """Every number of a forward pass, step by step; what the StatLand diagram draws.

    Arrays are (B, T, ...) with time on axis 1: ``xs`` (B, T, n_in) the inputs,
    ``input_term`` x_t @ w1, ``recurrent_term`` h_(t-1) @ w2, ``pre_activation`` the
    sum with b1, ``hidden`` h_t, ``outputs`` y_t (intermediate outputs are kept but
    only the last is the prediction), and ``y`` = y_T of shape (B, n_out).
    """

    xs: np.ndarray
    input_term: np.ndarray
    recurrent_term: np.ndarray
    bias: np.ndarray
    pre_activation: np.ndarray
    hidden: np.ndarray
    outputs: np.ndarray
    y: np.ndarray
    activation: str
    squeezed: bool = False

    @property
    def h_prev(self) -> np.ndarray:
        """h_(t-1) for each step t, starting from h_0 = 0: shape (B, T, H)."""
        h0 = np.zeros_like(self.hidden[:, :1])
        return np.concatenate([h0, self.hidden[:, :-1]], axis=1)


class VanillaRNN(RecurrentModel):
    """A vanilla (Elman) RNN with the lesson's parameter names.

    Initialisation (seeded): w1, w2 and w3 are drawn uniformly from (-k, k) with
    k = 1 / sqrt(H), as PyTorch does; b2 = 0; b1 = 0.1 for ReLU (so a fresh unit is
    not dead on all-zero inputs) and 0 otherwise.
    """

    kind = "vanilla"

    def __init__(
        self, n_hidden: int = 1, activation: str = "relu", n_in: int = 1, n_out: int = 1, seed: int | None = 0
    ):
        self.activation = check_activation(activation)
        super().__init__(n_hidden=n_hidden, n_in=n_in, n_out=n_out, seed=seed)

    def _param_shapes(self):
        n_in, H, n_out = self.n_in, self.n_hidden, self.n_out
        return {"w1": (n_in, H), "w2": (H, H), "b1": (H,), "w3": (H, n_out), "b2": (n_out,)}

    def _init_params(self, rng):
        k = 1.0 / np.sqrt(self.n_hidden)
        for name in ("w1", "w2", "w3"):
            self._views[name][...] = rng.uniform(-k, k, self.param_shapes[name])
        self._views["b1"][...] = 0.1 if self.activation == "relu" else 0.0
        self._views["b2"][...] = 0.0

    def config(self) -> dict:
        return {**super().config(), "activation": self.activation}

    _workspace: _Workspace | None = None
    _spare_workspace: _Workspace | None = None

    def loss_and_flat_grad(self, xs, ys, loss="mse", truncate=None):
        return _fused_loss_grad(self, xs, ys, loss, truncate)

    def forward(self, xs) -> VanillaTrace:
        """Run the sequences oldest to newest and keep every intermediate number."""
        xs, squeezed = self.as_batch(xs)
        p = self._views
        B, T, _ = xs.shape
        input_term = xs @ p["w1"]
        recurrent_term = np.empty_like(input_term)
        pre = np.empty_like(input_term)
        hidden = np.empty_like(input_term)
        h = np.zeros((B, self.n_hidden))
        with np.errstate(over="ignore", invalid="ignore"):
            for t in range(T):
                recurrent_term[:, t] = h @ p["w2"]
                pre[:, t] = input_term[:, t] + recurrent_term[:, t] + p["b1"]
                h = hidden[:, t] = activate(self.activation, pre[:, t])
            outputs = hidden @ p["w3"] + p["b2"]
        return VanillaTrace(
            xs,
            input_term,
            recurrent_term,
            p["b1"].copy(),
            pre,
            hidden,
            outputs,
            outputs[:, -1].copy(),
            self.activation,
            squeezed,
        )

    def backward(self, trace: VanillaTrace, dy: np.ndarray, truncate: int | None = None) -> Gradients:
        """Backpropagation through time: the forward loop run in reverse.

        ``dy`` is d loss / d y_T, shape (B, n_out). With ``truncate = k`` the error
        flows back through the last k steps only.
        """
        p = self._views
        B, T, H = trace.hidden.shape
        flat = np.zeros_like(self.flat)
        g = views_of(flat, self.param_shapes)
        with np.errstate(over="ignore", invalid="ignore"):
            g["w3"][...] = trace.hidden[:, -1].T @ dy
            g["b2"][...] = dy.sum(axis=0)
            slopes = slope(self.activation, trace.pre_activation, trace.hidden)
            dz = np.zeros_like(trace.hidden)
            dh = dy @ p["w3"].T
            first = 0 if truncate is None else max(0, T - int(truncate))
            for t in reversed(range(first, T)):
                dz[:, t] = dh * slopes[:, t]
                dh = dz[:, t] @ p["w2"].T
            # The shared parameters' gradients are sums of per-step contributions.
            h_prev = trace.h_prev
            dz2 = dz.reshape(B * T, H)
            g["w1"][...] = trace.xs.reshape(B * T, -1).T @ dz2
            g["w2"][...] = h_prev.reshape(B * T, H).T @ dz2
            g["b1"][...] = dz2.sum(axis=0)
            inputs = dz @ p["w1"].T

        def per_step():
            return {
                "w1": np.einsum("bti,bth->tih", trace.xs, dz),
                "w2": np.einsum("bti,bth->tih", h_prev, dz),
                "b1": dz.sum(axis=0),
            }

        return Gradients(g, flat, inputs, per_step)


class _Workspace:
    """Work buffers of the fused training step, reused while the batch shape stays the same."""

    def __init__(self, model: VanillaRNN, B: int, T: int):
        H = model.n_hidden
        self.shape = (B, T)
        self.pre = np.empty((T, B, H))  # time-major, so each step's slice is contiguous
        self.hidden = np.zeros((T + 1, B, H))  # hidden[0] is h_0 = 0
        self.tmp = np.empty((B, H))
        self.dz = np.empty((T, B, H))
        self.products = np.empty(T * B * H)
        self.dh = np.empty((B, H))
        self.slopes = np.empty((T, B, H))
        self.grad = np.zeros_like(model.flat)
        self.g = views_of(self.grad, model.param_shapes)


def _swap_workspace(model: VanillaRNN, B: int, T: int) -> _Workspace:
    """The work buffers for a new batch shape; the previous ones are kept as a spare, so
    mini-batches whose epoch ends in a smaller batch alternate between two sets of
    buffers instead of allocating new ones twice an epoch."""
    spare = model._spare_workspace
    ws = spare if spare is not None and spare.shape == (B, T) else _Workspace(model, B, T)
    model._spare_workspace, model._workspace = model._workspace, ws
    return ws


# Batches of at most this many (sequence, step) pairs take the plain-Python path below.
SCALAR_PATH_MAX_STEPS = 64


def scalar_loss_and_grad(weights, activation: str, rows, targets, loss: str = "ssr", truncate: int | None = None):
    """Loss and gradient of the one-unit RNN on a few sequences, with plain Python floats.

    ``weights`` is (w1, w2, b1, w3, b2); ``rows`` are the sequences (lists of floats, equal
    lengths) and ``targets`` their targets. Returns (loss, (dw1, dw2, db1, dw3, db2)).
    At the lesson's size each NumPy call costs more than the arithmetic it does, so the
    forward and backward loops run on floats, several times faster. Overflow gives inf or
    nan as in NumPy, for the caller's finiteness checks to catch.
    """
    if loss not in ("mse", "ssr"):
        raise ValueError(f"unknown loss {loss!r}; choose 'mse' or 'ssr'")
    if not targets:
        raise ValueError("the batch is empty: a loss needs at least one sample")
    w1, w2, b1, w3, b2 = (float(w) for w in weights)
    T = len(rows[0])
    first = 0 if truncate is None else max(0, T - int(truncate))
    scale = 1.0 / len(targets) if loss == "mse" else 1.0
    total = g_w1 = g_w2 = g_b1 = g_w3 = g_b2 = 0.0
    for row, target in zip(rows, targets, strict=True):
        h, hidden, slopes = 0.0, [0.0], []
        for x in row:
            z = w1 * x + w2 * h + b1
            # A nan z fails every comparison: the else branches pass it on (z == z is False
            # only for nan), as np.maximum and the NumPy sigmoid do, so the loss becomes nan.
            if activation == "relu":
                if z > 0.0:
                    h, s = z, 1.0
                else:
                    h, s = (0.0 if z == z else z), 0.0
            elif activation == "tanh":
                h = math.tanh(z)
                s = 1.0 - h * h
            elif activation == "sigmoid":
                h = 1.0 / (1.0 + math.exp(-z)) if z > -700.0 else (0.0 if z == z else z)
                s = h * (1.0 - h)
            else:
                h, s = z, 1.0
            hidden.append(h)
            slopes.append(s)
        residual = w3 * h + b2 - target
        total += residual * residual
        dy = 2.0 * scale * residual
        g_w3 += h * dy
        g_b2 += dy
        dh = dy * w3
        for t in range(T - 1, first - 1, -1):
            dz = dh * slopes[t]
            g_w1 += dz * row[t]
            g_w2 += dz * hidden[t]
            g_b1 += dz
            dh = dz * w2
    return total * scale, (g_w1, g_w2, g_b1, g_w3, g_b2)


def _scalar_loss_grad(model: VanillaRNN, xs, ys, loss: str, truncate: int | None, out: np.ndarray):
    """The fused step's lesson-sized case: ``scalar_loss_and_grad`` into the flat gradient buffer."""
    weights = [float(model._views[name].reshape(())) for name in ("w1", "w2", "b1", "w3", "b2")]
    rows, targets = xs.reshape(xs.shape[0], -1).tolist(), ys.reshape(-1).tolist()
    value, grads = scalar_loss_and_grad(weights, model.activation, rows, targets, loss, truncate)
    out[:] = grads  # the flat buffer's order: w1, w2, b1, w3, b2
    return value, out


def _fused_loss_grad(model: VanillaRNN, xs, ys, loss: str, truncate: int | None):
    """Forward and backward in one pass with reused buffers: the same maths as forward/backward.

    The trace objects of ``forward`` are skipped, arrays are time-major so each
    step's slice is contiguous, and one hidden unit multiplies by a scalar w2
    instead of calling matmul.
    """
    B, T, _ = xs.shape
    ws = model._workspace
    if ws is None or ws.shape != (B, T):
        if B == 0:
            raise ValueError("the batch is empty: a loss needs at least one sample")
        ws = _swap_workspace(model, B, T)
    if model.n_hidden == 1 and model.n_in == 1 and model.n_out == 1 and B * T <= SCALAR_PATH_MAX_STEPS:
        return _scalar_loss_grad(model, xs, ys, loss, truncate, ws.grad)
    p, g, act = model._views, ws.g, model.activation
    pre, hidden, tmp = ws.pre, ws.hidden, ws.tmp
    H = model.n_hidden
    xt = xs.transpose(1, 0, 2)
    if model.n_in == 1:
        np.multiply(xt, p["w1"], out=pre)  # an outer product: cheaper than a matmul
    else:
        np.matmul(xt, p["w1"], out=pre)
    pre += p["b1"]
    w2 = p["w2"]
    w2_scalar = float(w2[0, 0]) if H == 1 else None
    for t in range(T):
        z = pre[t]
        if t:
            if H == 1:
                np.multiply(hidden[t], w2_scalar, out=tmp)
            else:
                np.matmul(hidden[t], w2, out=tmp)
            z += tmp
        if act == "relu":
            np.maximum(z, 0.0, out=hidden[t + 1])
        elif act == "tanh":
            np.tanh(z, out=hidden[t + 1])
        else:
            hidden[t + 1] = activate(act, z)
    h_last = hidden[T]
    y = h_last @ p["w3"] + p["b2"]
    value, dy = loss_and_dy(y, ys, loss)

    np.matmul(h_last.T, dy, out=g["w3"])
    np.sum(dy, axis=0, out=g["b2"])
    slopes = slope_into(act, pre, hidden[1:], ws.slopes)
    dh = dy @ p["w3"].T
    first = 0 if truncate is None else max(0, T - int(truncate))
    dz = ws.dz
    dz[:first] = 0.0
    # w2 transposed into a contiguous copy: a matmul with the strided view w2.T takes a slow
    # path (about 7x slower at 256 x 16 here), and it runs once per step.
    w2_t = None if H == 1 else np.ascontiguousarray(w2.T)
    for t in reversed(range(first, T)):
        np.multiply(dh, slopes[t], out=dz[t])
        if H == 1:
            dh = dz[t] * w2_scalar
        else:
            dh = np.matmul(dz[t], w2_t, out=ws.dh)
    dz2 = dz.reshape(T * B, H)
    if H == 1 and model.n_in == 1:
        # Two long dot products: elementwise into a reused buffer, then a sum. A BLAS dot
        # here may start threads, which on a busy 2-core machine costs more than the sum.
        products = ws.products
        g["w1"][...] = np.multiply(xt.reshape(-1), dz2.reshape(-1), out=products).sum()
        g["w2"][...] = np.multiply(hidden[:T].reshape(-1), dz2.reshape(-1), out=products).sum()
    else:
        np.matmul(xt.reshape(T * B, -1).T, dz2, out=g["w1"])
        np.matmul(hidden[:T].reshape(T * B, H).T, dz2, out=g["w2"])
    np.sum(dz2, axis=0, out=g["b1"])
    return value, ws.grad


def statquest_rnn() -> VanillaRNN:
    """The lesson's one-unit ReLU network with the StatLand weights.

    w1 = 1.8, b1 = 0, w2 = -0.5, w3 = 1.1, b2 = 0. On the four StatLand rules it
    predicts 0, 0.99, 0, 0.99 (low, high, low, high).
    """
    model = VanillaRNN(n_hidden=1, activation="relu", seed=0)
    for name, value in STATQUEST_WEIGHTS.items():
        model.params[name] = value
    return model
