"""The vanilla RNN of the lesson, generalised to H hidden units, with exact BPTT.

    h_0 = 0
    h_t = act(x_t @ w1 + b1 + h_(t-1) @ w2)      for t = 1 .. T (oldest input first)
    y_t = h_t @ w3 + b2                          the prediction is y_T

Shapes: w1 (n_in, H), w2 (H, H), b1 (H,), w3 (H, n_out), b2 (n_out,). Every time
step reuses the same five parameters, so unrolling over more days adds no
parameters.

One kernel computes everything: ``_forward`` runs the loop above and keeps every
step's numbers (the trace the StatLand diagram draws), and ``_backward`` runs it in
reverse (BPTT), step for step. ``forward``, ``backward``, ``loss_and_grads``,
``input_gradients`` and ``Trainer`` all call these two. At the lesson's size (one unit,
a few short sequences) a NumPy call costs more than the arithmetic it does, so the same
two loops also exist in plain floats (``_forward_one_unit`` / ``_backward_one_unit``);
the model picks one form per batch (``_one_unit_form``) and that form makes the trace
and the gradients alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import Activation, activation_named
from .base import Gradients, RecurrentModel, Trace, Workspace, backward_buffer, oldest_step, read_only, views_of
from .losses import loss_and_dy

# The vanilla RNN's parameters, in the lesson's names and its flat buffer's order.
PARAM_NAMES = ("w1", "w2", "b1", "w3", "b2")
# The lesson's weights ("the StatLand weights"): they reproduce the four rules.
STATQUEST_WEIGHTS = {"w1": 1.8, "b1": 0.0, "w2": -0.5, "w3": 1.1, "b2": 0.0}

# One-unit batches of at most this many sequences run in plain floats, however long: per
# step, arrays pay a fixed cost per NumPy call that floats beat until the batch is wider.
ONE_UNIT_FLOAT_BATCH = 8


@dataclass(frozen=True, kw_only=True)
class VanillaTrace(Trace):
    """A vanilla pass's trace (``Trace``), with what the StatLand diagram draws at each node:
    ``input_term`` x_t @ w1, ``recurrent_term`` h_(t-1) @ w2, ``bias`` b1 and ``pre_activation``
    their sum z_t, each (B, T, H) and read-only."""

    input_term: np.ndarray
    recurrent_term: np.ndarray
    bias: np.ndarray
    pre_activation: np.ndarray
    activation: str


class VanillaRNN(RecurrentModel):
    """A vanilla (Elman) RNN with the lesson's parameter names.

    Initialisation (seeded): w1, w2 and w3 are drawn uniformly from (-k, k) with
    k = 1 / sqrt(H), as PyTorch does; b2 = 0; b1 = 0.1 for ReLU (so a fresh unit is
    not dead on all-zero inputs) and 0 otherwise.
    """

    kind = "vanilla"

    def __init__(
        self, n_hidden: int = 1, *, activation: str = "relu", n_in: int = 1, n_out: int = 1, seed: int | None = 0
    ):
        self.act: Activation = activation_named(activation)
        super().__init__(n_hidden, n_in=n_in, n_out=n_out, seed=seed)

    @property
    def activation(self) -> str:
        return self.act.name

    def _param_shapes(self):
        n_in, H, n_out = self.n_in, self.n_hidden, self.n_out
        shapes = ((n_in, H), (H, H), (H,), (H, n_out), (n_out,))
        return dict(zip(PARAM_NAMES, shapes, strict=True))

    def _init_params(self, rng):
        k = 1.0 / np.sqrt(self.n_hidden)
        for name in ("w1", "w2", "w3"):
            self._views[name][...] = rng.uniform(-k, k, self.param_shapes[name])
        self._views["b1"][...] = 0.1 if self.activation == "relu" else 0.0
        self._views["b2"][...] = 0.0

    def config(self) -> dict:
        return {**super().config(), "activation": self.activation}

    def _one_unit_form(self, B: int) -> bool:
        """Whether a batch of B sequences runs in plain floats (one unit, a few sequences) or in arrays."""
        return self.n_hidden == self.n_in == self.n_out == 1 and 0 < B <= ONE_UNIT_FLOAT_BATCH

    def _run(self, xs: np.ndarray, workspace: Workspace | None):
        """The kernel's forward pass over xs (B, T, n_in) in the form that suits its size (the
        float form has no arrays to reuse, so it needs no workspace)."""
        if self._one_unit_form(xs.shape[0]):
            return _forward_one_unit(self, xs)
        return _forward(self, xs, workspace)

    def forward(self, xs, workspace: Workspace | None = None) -> VanillaTrace:
        """Run the sequences oldest to newest and keep every intermediate number."""
        xs, squeezed = self.as_batch(xs)
        return self._run(xs, workspace).trace(squeezed)

    def backward(self, trace: VanillaTrace, dy, truncate: int | None = None) -> Gradients:
        """Backpropagation through time: the forward loop run in reverse.

        ``dy`` is d loss / d y_T, shape (B, n_out). With ``truncate = k`` the error
        flows back through the last k steps only.
        """
        return trace.kernel_pass.backward(np.asarray(dy, dtype=float), truncate)

    def loss_and_grads(
        self, xs, ys, *, loss: str = "mse", truncate: int | None = None, workspace: Workspace | None = None
    ) -> tuple[float, Gradients]:
        xs, _ = self.as_batch(xs)
        unrolled = self._run(xs, workspace)
        value, dy = loss_and_dy(unrolled.y, np.asarray(ys, dtype=float).reshape(unrolled.y.shape), loss)
        return value, unrolled.backward(dy, truncate)


def _trace(run, squeezed: bool, input_term, recurrent_term, pre, hidden) -> VanillaTrace:
    """A pass's trace from its arrays in (B, T, H) order; every array read-only."""
    p = run.model._views
    with np.errstate(over="ignore", invalid="ignore"):
        outputs = hidden @ p["w3"] + p["b2"]
    return VanillaTrace(
        xs=read_only(run.squeezed_xs),
        input_term=read_only(input_term),
        recurrent_term=read_only(recurrent_term),
        bias=read_only(p["b1"].copy()),
        pre_activation=read_only(pre),
        hidden=read_only(hidden),
        outputs=read_only(outputs),
        y=read_only(run.y),
        activation=run.model.activation,
        squeezed=squeezed,
        kernel_pass=run,
    )


# ------------------------------------------------------------------------------ the array form
class _Unrolled:
    """One pass of the array kernel: every step's numbers, time first (each step's slice is
    contiguous). ``x`` is the input in time-major order, ``hidden[0]`` is h_0 = 0 and
    ``hidden[t]`` is h_t; ``dz`` is filled by the backward pass, and ``dh`` carries
    d loss / d h_t from one backward step to the one before. A ``Workspace`` may hand the
    same pass to a later call."""

    in_workspace = False  # True once a Workspace owns these arrays (it sets it)

    def __init__(self, model: VanillaRNN, B: int, T: int):
        H = model.n_hidden
        self.model = model
        self.x = np.empty((T, B, model.n_in))
        self.input_term = np.empty((T, B, H))
        self.recurrent_term = np.empty((T, B, H))
        self.pre = np.empty((T, B, H))
        self.hidden = np.zeros((T + 1, B, H))  # hidden[0] = h_0 is never written
        self.b1_rows = np.empty((B, H))  # b1 in every row of a step (see _forward)
        self.dz = None  # the backward pass's (``backward_buffer``)
        self.dh = np.empty((B, H))
        # Sums over the rows of a (rows, H) array as one matrix product: ones @ a is a single
        # BLAS call, where np.sum over axis 0 adds one short row at a time.
        self.ones = np.ones(T * B)
        self.squeezed_xs = self.y = None  # this pass's inputs and prediction

    def trace(self, squeezed: bool) -> VanillaTrace:
        def batch_major(a):
            return a.transpose(1, 0, 2)

        return _trace(
            self, squeezed, *(batch_major(a) for a in (self.input_term, self.recurrent_term, self.pre, self.hidden[1:]))
        )

    def backward(self, dy: np.ndarray, truncate: int | None) -> Gradients:
        return _backward(self, dy, truncate)


def _recurrent_product(w2: np.ndarray, H: int):
    """``(op, w)`` with op(a, w, out) = a @ w2 for the (B, H) rows a of one step.

    For one unit, w2 is a single number: a 0-d view of it makes the product one elementwise
    multiply (the same floats as a 1 x 1 matmul), and a NumPy matmul costs several times a
    multiply at this size. ``w2`` is the matrix as the caller needs it (w2, or w2.T backward).
    """
    if H == 1:
        return np.multiply, w2.reshape(())
    # A contiguous copy: a matmul with a strided view (w2.T) takes a slow path, once per step.
    return np.matmul, np.ascontiguousarray(w2)


def _forward(model: VanillaRNN, xs: np.ndarray, workspace: Workspace | None = None) -> _Unrolled:
    """h_t = act(x_t @ w1 + b1 + h_(t-1) @ w2), oldest step first; then y_T = h_T @ w3 + b2."""
    B, T, _ = xs.shape
    run = model._work_for((B, T), lambda: _Unrolled(model, B, T), workspace)
    run.squeezed_xs = xs
    # Time-major and contiguous like the other buffers, so backward reads it as (T * B, n_in)
    # rows without a copy.
    np.copyto(run.x, xs.transpose(1, 0, 2))
    p, value = model._views, model.act.value
    w1, b1 = p["w1"], p["b1"]
    times_w2, w2 = _recurrent_product(p["w2"], model.n_hidden)
    # NumPy broadcasts an (H,) row over (T, B, H) by restarting its loop every H numbers: for
    # H > 1, b1 copied into a (B, H) block and einsum's outer product run along whole steps.
    wide = model.n_hidden > 1
    if wide:
        np.copyto(run.b1_rows, b1)
    with np.errstate(over="ignore", invalid="ignore"):
        if model.n_in > 1:
            np.matmul(run.x, w1, run.input_term)
        elif wide:
            np.einsum("tbi,ih->tbh", run.x, w1, out=run.input_term)
        else:
            np.multiply(run.x, w1[0], run.input_term)
        np.add(run.input_term, run.b1_rows if wide else b1, run.pre)
        for h_prev, recurrent, z, h in zip(run.hidden[:-1], run.recurrent_term, run.pre, run.hidden[1:], strict=True):
            times_w2(h_prev, w2, recurrent)
            np.add(z, recurrent, z)
            value(z, h)
        run.y = run.hidden[-1] @ p["w3"] + p["b2"]
    return run


def _backward(run: _Unrolled, dy: np.ndarray, truncate: int | None) -> Gradients:
    """BPTT: the forward loop in reverse. d loss / d z_t = d loss / d h_t * act'(z_t), and
    d loss / d h_(t-1) = d loss / d z_t @ w2.T; each shared weight's gradient is the sum of
    its per-step pieces."""
    model = run.model
    p, act = model._views, model.act
    T, B, H = run.pre.shape
    oldest = oldest_step(T, truncate)
    grad = np.empty_like(model.flat)
    g = views_of(grad, model.param_shapes)
    times_w2_t, w2_t = _recurrent_product(p["w2"].T, H)
    dh = run.dh
    with np.errstate(over="ignore", invalid="ignore"):
        np.matmul(run.hidden[-1].T, dy, g["w3"])
        np.matmul(run.ones[:B], dy, g["b2"])
        dz = act.slope(run.pre, run.hidden[1:], backward_buffer(run, "dz", lambda: np.empty_like(run.pre)))
        # dz holds each step's slope, times dh below
        dz[:oldest] = 0.0
        np.matmul(dy, p["w3"].T, dh)  # d loss / d h_T
        for dz_t in dz[oldest:][::-1]:
            np.multiply(dz_t, dh, dz_t)
            times_w2_t(dz_t, w2_t, dh)
        dz_all = dz.reshape(T * B, H)
        np.matmul(run.x.reshape(T * B, -1).T, dz_all, g["w1"])
        np.matmul(run.hidden[:-1].reshape(T * B, H).T, dz_all, g["w2"])
        np.matmul(run.ones, dz_all, g["b1"])

    def inputs():
        with np.errstate(over="ignore", invalid="ignore"):
            return (dz @ p["w1"].T).transpose(1, 0, 2)

    def per_step():
        return {
            "w1": np.einsum("tbi,tbh->tih", run.x, dz),
            "w2": np.einsum("tbi,tbh->tih", run.hidden[:-1], dz),
            "b1": dz.sum(axis=1),
        }

    return Gradients(grad, model.param_shapes, inputs, per_step)


# ----------------------------------------------------------------------- the plain-float form
class _UnrolledOneUnit:
    """One pass of the one-unit kernel in plain floats: for each sequence, each step's z and
    slope, and h_0 = 0, h_1, ..., h_T (lists, oldest step first)."""

    def __init__(self, model: VanillaRNN, xs: np.ndarray):
        self.model, self.squeezed_xs = model, xs
        self.rows = xs.reshape(xs.shape[0], -1).tolist()
        self.pre, self.hidden, self.slopes = [], [], []
        self.y: np.ndarray | None = None

    def trace(self, squeezed: bool) -> VanillaTrace:
        w1, w2 = self.model.flat.tolist()[:2]
        # The two terms as the forward loop formed them (the same products, so the same floats).
        input_term = [[x * w1 for x in row] for row in self.rows]
        recurrent_term = [[h * w2 for h in hidden_row[:-1]] for hidden_row in self.hidden]
        hidden = [row[1:] for row in self.hidden]
        return _trace(
            self,
            squeezed,
            *(np.array(rows, dtype=float)[:, :, None] for rows in (input_term, recurrent_term, self.pre, hidden)),
        )

    def backward(self, dy: np.ndarray, truncate: int | None) -> Gradients:
        return _backward_one_unit(self, dy, truncate)


def _forward_one_unit(model: VanillaRNN, xs: np.ndarray) -> _UnrolledOneUnit:
    """``_forward`` for one unit, in floats: the same operations in the same order, so both
    forms give the same numbers."""
    run = _UnrolledOneUnit(model, xs)
    w1, w2, b1, w3, b2 = model.flat.tolist()  # the flat buffer's order
    step = model.act.scalar
    ys = []
    for row in run.rows:
        h, pres, hidden, slopes = 0.0, [], [0.0], []
        for x in row:
            z = x * w1 + b1 + h * w2
            h, s = step(z)
            pres.append(z)
            hidden.append(h)
            slopes.append(s)
        run.pre.append(pres)
        run.hidden.append(hidden)
        run.slopes.append(slopes)
        ys.append(h * w3 + b2)
    run.y = np.array(ys)[:, None]
    return run


def _backward_one_unit(run: _UnrolledOneUnit, dy: np.ndarray, truncate: int | None) -> Gradients:
    """``_backward`` for one unit, in floats."""
    model = run.model
    w1, w2, _, w3, _ = model.flat.tolist()
    T = len(run.rows[0])
    oldest = oldest_step(T, truncate)
    g_w1 = g_w2 = g_b1 = g_w3 = g_b2 = 0.0
    dzs = []
    for row, hidden, slopes, d_y in zip(run.rows, run.hidden, run.slopes, dy.ravel().tolist(), strict=True):
        g_w3 += hidden[-1] * d_y
        g_b2 += d_y
        dh, dz_row = d_y * w3, [0.0] * T
        for t in range(T - 1, oldest - 1, -1):  # hidden[t] is h_(t-1) here: the list starts at h_0
            dz = dh * slopes[t]
            g_w1 += row[t] * dz
            g_w2 += hidden[t] * dz
            g_b1 += dz
            dz_row[t] = dz
            dh = dz * w2
        dzs.append(dz_row)
    grad = np.array([g_w1, g_w2, g_b1, g_w3, g_b2])  # the flat buffer's order

    def inputs():
        return (np.array(dzs) * w1)[:, :, None]

    def per_step():
        dz = np.array(dzs)
        h_prev = np.array([hidden[:-1] for hidden in run.hidden])
        return {
            "w1": (dz * np.array(run.rows)).sum(axis=0).reshape(T, 1, 1),
            "w2": (dz * h_prev).sum(axis=0).reshape(T, 1, 1),
            "b1": dz.sum(axis=0).reshape(T, 1),
        }

    return Gradients(grad, model.param_shapes, inputs, per_step)


def statquest_rnn(**weights: float) -> VanillaRNN:
    """The lesson's one-unit ReLU network with the StatLand weights, or with some of them changed
    (``statquest_rnn(w2=0.0)``).

    w1 = 1.8, b1 = 0, w2 = -0.5, w3 = 1.1, b2 = 0. On the four StatLand rules it
    predicts 0, 0.99, 0, 0.99 (low, high, low, high).
    """
    if unknown := set(weights) - set(PARAM_NAMES):
        raise ValueError(f"the one-unit network has no {', '.join(sorted(unknown))}; its weights are {PARAM_NAMES}")
    model = VanillaRNN(1, activation="relu", seed=0)
    for name, value in {**STATQUEST_WEIGHTS, **weights}.items():
        model.params[name] = float(value)
    return model


def is_statquest_rnn(model: RecurrentModel) -> bool:
    """Whether ``model`` is the lesson's kind of network (a one-unit ReLU vanilla RNN), whatever its weights."""
    return model.kind == "vanilla" and model.n_hidden == 1 and getattr(model, "activation", "") == "relu"
