"""A long short-term memory (LSTM) network with exact BPTT, sharing the vanilla RNN's interface.

    h_0 = c_0 = 0
    a_t = x_t @ w_x + h_(t-1) @ w_h + b           four blocks of H: i, f, g, o
    i_t = sigmoid(a_i)      input gate: how much of the candidate enters the cell
    f_t = sigmoid(a_f)      forget gate: how much of the old cell state is kept
    g_t = tanh(a_g)         candidate cell values
    o_t = sigmoid(a_o)      output gate: how much of the cell is shown as h_t
    c_t = f_t * c_(t-1) + i_t * g_t
    h_t = o_t * tanh(c_t)
    y_T = h_T @ w3 + b2                           the prediction

Shapes: w_x (n_in, 4H), w_h (H, 4H), b (4H,), w3 (H, n_out), b2 (n_out,); the
columns of w_x, w_h and b are the four gates in the order i, f, g, o. The cell
state c_t is added to rather than multiplied through a weight matrix at every step,
so as long as the forget gate stays near 1 the error reaches early inputs without
being scaled by w_h^n: this is why LSTMs remember where vanilla RNNs forget.

Speed: all three gate inputs are one matrix product per step. The work arrays hold
``stack[t] = [x_t; h_(t-1); 1]`` (time first, batch last, so each step's slice is
contiguous), and ``[w_x; w_h; b]`` is one (n_in + H + 1, 4H) block of the flat
parameter buffer, so ``a_t = [w_x; w_h; b].T @ stack[t]``. The backward pass reuses
the same block: ``[w_x; w_h; b] @ da_t`` gives d loss / d x_t and d loss / d h_(t-1)
at once, and the gradient of the block is the sum over steps of
``stack[t] @ da_t.T``. The sigmoids and the tanh of the gates are computed together
from one ``exp``, using sigmoid(a) = 1 / (1 + exp(-a)) and tanh(a) = 2 sigmoid(2a) - 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import activation_named
from .base import Gradients, RecurrentModel, Trace, Workspace, backward_buffer, oldest_step, read_only, views_of

# The activation table's tanh: on a step's (H, B) block it is faster than np.tanh, to the last bit or two.
tanh = activation_named("tanh").value

GATES = ("i", "f", "g", "o")
FORGET_BIAS = 1.0


@dataclass(frozen=True, kw_only=True)
class LSTMTrace(Trace):
    """An LSTM pass's trace (``Trace``), with ``gates`` (B, T, 4H): the activated gates i, f, g, o
    side by side (also as ``input_gate``, ``forget_gate``, ``candidate``, ``output_gate``, each
    (B, T, H)), and ``cell`` c_t (B, T, H); read-only like the rest."""

    gates: np.ndarray
    cell: np.ndarray

    def _gate(self, k: int) -> np.ndarray:
        H = self.hidden.shape[2]
        return self.gates[:, :, k * H : (k + 1) * H]

    @property
    def input_gate(self) -> np.ndarray:
        return self._gate(0)

    @property
    def forget_gate(self) -> np.ndarray:
        return self._gate(1)

    @property
    def candidate(self) -> np.ndarray:
        return self._gate(2)

    @property
    def output_gate(self) -> np.ndarray:
        return self._gate(3)


class LSTM(RecurrentModel):
    """An LSTM layer followed by a linear read-out of the last hidden state.

    Initialisation (seeded): w_x, w_h, b and w3 are drawn uniformly from (-k, k) with
    k = 1 / sqrt(H), as PyTorch does (PyTorch has two bias vectors per gate; one is
    enough here). The forget gate's bias is then set to 1.0 so a fresh network keeps
    most of its cell state (sigmoid(1) = 0.73) and gradients flow back from the
    start of training. b2 = 0.
    """

    kind = "lstm"

    def __init__(self, n_hidden: int = 1, *, n_in: int = 1, n_out: int = 1, seed: int | None = 0):
        super().__init__(n_hidden, n_in=n_in, n_out=n_out, seed=seed)

    def _param_shapes(self):
        n_in, H, n_out = self.n_in, self.n_hidden, self.n_out
        # w_x, w_h and b must stay first and in this order: together they are the block [w_x; w_h; b].
        return {"w_x": (n_in, 4 * H), "w_h": (H, 4 * H), "b": (4 * H,), "w3": (H, n_out), "b2": (n_out,)}

    def _init_params(self, rng):
        k = 1.0 / np.sqrt(self.n_hidden)
        for name in ("w_x", "w_h", "b", "w3"):
            self._views[name][...] = rng.uniform(-k, k, self.param_shapes[name])
        H = self.n_hidden
        self._views["b"][H : 2 * H] = FORGET_BIAS
        self._views["b2"][...] = 0.0

    def forward(self, xs, workspace: Workspace | None = None) -> LSTMTrace:
        """Run the sequences oldest to newest and keep every intermediate number."""
        xs, squeezed = self.as_batch(xs)
        B, T, _ = xs.shape
        work = self._work_for((B, T), lambda: _LSTMWork(self, B, T), workspace)
        y = _forward(self, work, xs)
        H, n_in = self.n_hidden, self.n_in
        hidden = work.stack[1:, n_in : n_in + H].transpose(2, 0, 1)
        with np.errstate(over="ignore", invalid="ignore"):
            outputs = hidden @ self._views["w3"] + self._views["b2"]
        return LSTMTrace(
            xs=read_only(xs),
            gates=read_only(work.gates.transpose(2, 0, 1)),
            cell=read_only(work.cell[1:].transpose(2, 0, 1)),
            hidden=read_only(hidden),
            outputs=read_only(outputs),
            y=read_only(y),
            squeezed=squeezed,
            kernel_pass=work,
        )

    def backward(self, trace: LSTMTrace, dy: np.ndarray, truncate: int | None = None) -> Gradients:
        """Backpropagation through time: the forward loop run in reverse.

        ``dy`` is d loss / d y_T, shape (B, n_out). With ``truncate = k`` the error
        flows back through the last k steps only (earlier steps contribute nothing,
        and the inputs before them get a zero gradient).
        """
        work = trace.kernel_pass
        B, T = work.shape
        flat = np.zeros_like(self.flat)
        dgates = backward_buffer(work, "dgates", lambda: np.empty((T, 4 * self.n_hidden, B)))
        dstack = backward_buffer(work, "dstack", lambda: np.empty((T, work.stack.shape[1], B)))
        oldest = _backward(self, work, np.asarray(dy, dtype=float), truncate, dgates, dstack, flat)
        H, n_in = self.n_hidden, self.n_in

        def per_step():
            # stack[t] @ da_t.T is step t's share of the block [w_x; w_h; b].
            block = np.zeros((T, n_in + H + 1, 4 * H))
            np.matmul(work.stack[oldest:T], dgates[oldest:].transpose(0, 2, 1), out=block[oldest:])
            return {"w_x": block[:, :n_in], "w_h": block[:, n_in : n_in + H], "b": block[:, -1]}

        def inputs():
            return np.ascontiguousarray(dstack[:, : self.n_in].transpose(2, 0, 1))

        return Gradients(flat, self.param_shapes, inputs, per_step)


class _LSTMWork:
    """The arrays of one pass, time first and batch last so each step's slice is contiguous.

    ``stack[t]`` is [x_t; h_(t-1); 1] (n_in + H + 1 rows); ``stack[T]`` holds h_T.
    ``gates[t]`` the activated gates, ``cell[t + 1]`` c_t (``cell[0]`` = c_0 = 0) and
    ``cell_tanh[t]`` tanh(c_t).
    """

    in_workspace = False  # True once a Workspace owns these arrays (it sets it)

    def __init__(self, model: LSTM, B: int, T: int):
        H, n_in = model.n_hidden, model.n_in
        self.shape = (B, T)
        self.stack = np.zeros((T + 1, n_in + H + 1, B))
        self.stack[:, -1] = 1.0
        self.gates = np.empty((T, 4 * H, B))
        self.cell = np.zeros((T + 1, H, B))
        self.cell_tanh = np.empty((T, H, B))
        self.tmp = np.empty((H, B))
        self.dc = np.empty((H, B))
        self.dgates = self.dstack = None  # the backward pass's (``backward_buffer``)


# sigmoid(a) = 1 / (1 + exp(-a)) for i, f, o and tanh(a) = 2 / (1 + exp(-2a)) - 1 for g:
# the forward pass folds these factors into the weights so one exp serves all four gates.
def _exp_scale(H: int) -> np.ndarray:
    return np.repeat([-1.0, -1.0, -2.0, -1.0], H)


def _forward(model: LSTM, work: _LSTMWork, xs: np.ndarray) -> np.ndarray:
    """Fill ``work`` for inputs xs (B, T, n_in) and return the prediction y_T (B, n_out)."""
    B, T, n_in = xs.shape
    H = model.n_hidden
    K = n_in + H + 1
    hs = slice(n_in, n_in + H)
    stack, gates, cell, cell_tanh, tmp = work.stack, work.gates, work.cell, work.cell_tanh, work.tmp
    stack[:T, :n_in] = xs.transpose(1, 2, 0)
    block = model.flat[: K * 4 * H].reshape(K, 4 * H)  # [w_x; w_h; b]
    w_exp = np.ascontiguousarray((block * _exp_scale(H)).T)  # (4H, K)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(T):
            a = gates[t]
            np.matmul(w_exp, stack[t], out=a)
            np.exp(a, out=a)
            a += 1.0
            np.divide(1.0, a, out=a)
            i, f, g, o = a[:H], a[H : 2 * H], a[2 * H : 3 * H], a[3 * H :]
            g *= 2.0
            g -= 1.0
            c = cell[t + 1]
            np.multiply(f, cell[t], out=c)
            np.multiply(i, g, out=tmp)
            c += tmp
            tanh(c, cell_tanh[t])
            np.multiply(o, cell_tanh[t], out=stack[t + 1, hs])
        return stack[T, hs].T @ model._views["w3"] + model._views["b2"]


def _backward(
    model: LSTM,
    work: _LSTMWork,
    dy: np.ndarray,
    truncate: int | None,
    dgates: np.ndarray,
    dstack: np.ndarray,
    flat: np.ndarray,
) -> int:
    """BPTT over ``work``: fill ``dgates`` (d loss / d a_t), ``dstack`` and the gradient ``flat``.

    Returns the oldest step the error reached (0 unless truncated).
    """
    B, T = work.shape
    H, n_in = model.n_hidden, model.n_in
    K = n_in + H + 1
    hs = slice(n_in, n_in + H)
    stack, gates, cell, cell_tanh, tmp, dc = work.stack, work.gates, work.cell, work.cell_tanh, work.tmp, work.dc
    p = model._views
    grad_of = views_of(flat, model.param_shapes)
    block = model.flat[: K * 4 * H].reshape(K, 4 * H)  # [w_x; w_h; b]
    oldest = oldest_step(T, truncate)
    dgates[:oldest] = 0.0
    dstack[:oldest] = 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        h_last = stack[T, hs]
        np.matmul(h_last, dy, out=grad_of["w3"])
        np.sum(dy, axis=0, out=grad_of["b2"])
        dh = p["w3"] @ dy.T  # d loss / d h_T, (H, B)
        dc.fill(0.0)
        for t in reversed(range(oldest, T)):
            a, da = gates[t], dgates[t]
            i, f, gg, o = a[:H], a[H : 2 * H], a[2 * H : 3 * H], a[3 * H :]
            di, df, dg, do = da[:H], da[H : 2 * H], da[2 * H : 3 * H], da[3 * H :]
            tc = cell_tanh[t]
            # Local slopes: sigmoid' = s (1 - s) for i, f, o; tanh' = 1 - g^2 for g.
            np.subtract(1.0, a, out=da)
            da *= a
            np.multiply(gg, gg, out=dg)
            np.subtract(1.0, dg, out=dg)
            # h_t = o * tanh(c_t): into the output gate, and into the cell.
            do *= tc
            do *= dh
            np.multiply(tc, tc, out=tmp)
            np.subtract(1.0, tmp, out=tmp)
            tmp *= o
            tmp *= dh
            dc += tmp
            # c_t = f * c_(t-1) + i * g: d c_t / d i = g, / d f = c_(t-1), / d g = i.
            di *= gg
            df *= cell[t]
            dg *= i
            da.reshape(4, H, B)[:3] *= dc
            # a_t = [w_x; w_h; b].T @ [x_t; h_(t-1); 1]
            np.matmul(block, da, out=dstack[t])
            dh = dstack[t, hs]
            dc *= f
        # The shared parameters' gradients are sums of per-step contributions.
        g_block = flat[: K * 4 * H].reshape(K, 4 * H)
        if oldest < T:
            np.sum(np.matmul(stack[oldest:T], dgates[oldest:].transpose(0, 2, 1)), axis=0, out=g_block)
        else:
            g_block.fill(0.0)
    return oldest
