"""A gated recurrent unit (GRU) network with exact BPTT, sharing the vanilla RNN's interface.

The cell follows PyTorch's ``nn.GRU``, with blocks of H in the order r, z, n:

    h_0 = 0
    r_t = sigmoid(x_t @ w_x[:, r] + b_x[r] + h_(t-1) @ w_h[:, r] + b_h[r])    reset gate
    z_t = sigmoid(x_t @ w_x[:, z] + b_x[z] + h_(t-1) @ w_h[:, z] + b_h[z])    update gate
    n_t = tanh(x_t @ w_x[:, n] + b_x[n] + r_t * (h_(t-1) @ w_h[:, n] + b_h[n]))  candidate
    h_t = (1 - z_t) * n_t + z_t * h_(t-1)
    y_T = h_T @ w3 + b2                                                       the prediction

Shapes: w_x (n_in, 3H), w_h (H, 3H), b_x (3H,), b_h (3H,), w3 (H, n_out),
b2 (n_out,). Where the update gate z_t is near 1 the old state is copied through
unchanged, and so is the error flowing back: the GRU's way of keeping gradients
alive over many steps.

Speed: one matrix product per step gives all four pre-activations. The work arrays
hold ``stack[t] = [x_t; h_(t-1); 1]`` (time first, batch last), and a (4H, n_in + H + 1)
matrix built from the parameters maps it to [a_r; a_z; x-part of n; h-part of n]
(the two n parts stay apart because r multiplies only the second). The backward
pass multiplies by the same matrix's transpose to get d loss / d x_t and
d loss / d h_(t-1) together. The sigmoids use sigmoid(a) = 1 / (1 + exp(-a)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import activation_named
from .base import Gradients, RecurrentModel, Trace, Workspace, backward_buffer, oldest_step, read_only, views_of

# The activation table's tanh: on a step's (H, B) block it is faster than np.tanh, to the last bit or two.
tanh = activation_named("tanh").value

GATES = ("r", "z", "n")


@dataclass(frozen=True, kw_only=True)
class GRUTrace(Trace):
    """A GRU pass's trace (``Trace``), with ``gates`` (B, T, 3H): the reset gate r, the update
    gate z and the candidate n side by side (also as ``reset_gate``, ``update_gate``,
    ``candidate``, each (B, T, H)); read-only like the rest."""

    gates: np.ndarray

    def _gate(self, k: int) -> np.ndarray:
        H = self.hidden.shape[2]
        return self.gates[:, :, k * H : (k + 1) * H]

    @property
    def reset_gate(self) -> np.ndarray:
        return self._gate(0)

    @property
    def update_gate(self) -> np.ndarray:
        return self._gate(1)

    @property
    def candidate(self) -> np.ndarray:
        return self._gate(2)


class GRU(RecurrentModel):
    """A GRU layer (PyTorch's equations) followed by a linear read-out of the last hidden state.

    Initialisation (seeded): w_x, w_h, b_x, b_h and w3 are drawn uniformly from
    (-k, k) with k = 1 / sqrt(H), as PyTorch does; b2 = 0.
    """

    kind = "gru"

    def __init__(self, n_hidden: int = 1, *, n_in: int = 1, n_out: int = 1, seed: int | None = 0):
        super().__init__(n_hidden, n_in=n_in, n_out=n_out, seed=seed)

    def _param_shapes(self):
        n_in, H, n_out = self.n_in, self.n_hidden, self.n_out
        return {
            "w_x": (n_in, 3 * H),
            "w_h": (H, 3 * H),
            "b_x": (3 * H,),
            "b_h": (3 * H,),
            "w3": (H, n_out),
            "b2": (n_out,),
        }

    def _init_params(self, rng):
        k = 1.0 / np.sqrt(self.n_hidden)
        for name in ("w_x", "w_h", "b_x", "b_h", "w3"):
            self._views[name][...] = rng.uniform(-k, k, self.param_shapes[name])
        self._views["b2"][...] = 0.0

    def forward(self, xs, workspace: Workspace | None = None) -> GRUTrace:
        """Run the sequences oldest to newest and keep every intermediate number."""
        xs, squeezed = self.as_batch(xs)
        B, T, _ = xs.shape
        work = self._work_for((B, T), lambda: _GRUWork(self, B, T), workspace)
        y = _forward(self, work, xs)
        H, n_in = self.n_hidden, self.n_in
        hidden = work.stack[1:, n_in : n_in + H].transpose(2, 0, 1)
        with np.errstate(over="ignore", invalid="ignore"):
            outputs = hidden @ self._views["w3"] + self._views["b2"]
        return GRUTrace(
            xs=read_only(xs),
            gates=read_only(work.gates[:, : 3 * H].transpose(2, 0, 1)),
            hidden=read_only(hidden),
            outputs=read_only(outputs),
            y=read_only(y),
            squeezed=squeezed,
            kernel_pass=work,
        )

    def backward(self, trace: GRUTrace, dy: np.ndarray, truncate: int | None = None) -> Gradients:
        """Backpropagation through time: the forward loop run in reverse.

        ``dy`` is d loss / d y_T, shape (B, n_out). With ``truncate = k`` the error
        flows back through the last k steps only (earlier steps contribute nothing,
        and the inputs before them get a zero gradient).
        """
        work = trace.kernel_pass
        B, T = work.shape
        H, n_in = self.n_hidden, self.n_in
        flat = np.zeros_like(self.flat)
        dpre = backward_buffer(work, "dpre", lambda: np.empty((T, 4 * H, B)))
        dstack = backward_buffer(work, "dstack", lambda: np.empty((T, n_in + H + 1, B)))
        block = backward_buffer(work, "block", lambda: np.empty((n_in + H + 1, 4 * H)))
        oldest = _backward(self, work, np.asarray(dy, dtype=float), truncate, dpre, dstack, block, flat)

        def per_step():
            blocks = np.zeros((T, n_in + H + 1, 4 * H))
            np.matmul(work.stack[oldest:T], dpre[oldest:].transpose(0, 2, 1), out=blocks[oldest:])
            return _split_block(blocks, n_in, H)

        def inputs():
            return np.ascontiguousarray(dstack[:, : self.n_in].transpose(2, 0, 1))

        return Gradients(flat, self.param_shapes, inputs, per_step)


class _GRUWork:
    """The arrays of one pass, time first and batch last so each step's slice is contiguous.

    ``stack[t]`` is [x_t; h_(t-1); 1] (n_in + H + 1 rows); ``stack[T]`` holds h_T.
    ``gates[t]`` holds r_t, z_t, n_t and then h_(t-1) @ w_h[:, n] + b_h[n], which the
    backward pass needs.
    """

    in_workspace = False  # True once a Workspace owns these arrays (it sets it)

    def __init__(self, model: GRU, B: int, T: int):
        H, n_in = model.n_hidden, model.n_in
        self.shape = (B, T)
        self.stack = np.zeros((T + 1, n_in + H + 1, B))
        self.stack[:, -1] = 1.0
        self.gates = np.empty((T, 4 * H, B))
        self.pre = np.empty((4 * H, B))
        self.tmp = np.empty((H, B))
        self.dh = np.empty((H, B))
        self.dpre = self.dstack = self.block = None  # the backward pass's (``backward_buffer``)


def _joint_matrix(model: GRU) -> np.ndarray:
    """The (n_in + H + 1, 4H) matrix M with [x; h; 1] @ M = [a_r, a_z, x-part of n, h-part of n]."""
    H, n_in = model.n_hidden, model.n_in
    p = model._views
    xs, hs = slice(0, n_in), slice(n_in, n_in + H)
    m = np.zeros((n_in + H + 1, 4 * H))
    m[xs, : 2 * H] = p["w_x"][:, : 2 * H]
    m[hs, : 2 * H] = p["w_h"][:, : 2 * H]
    m[-1, : 2 * H] = p["b_x"][: 2 * H] + p["b_h"][: 2 * H]
    m[xs, 2 * H : 3 * H] = p["w_x"][:, 2 * H :]
    m[-1, 2 * H : 3 * H] = p["b_x"][2 * H :]
    m[hs, 3 * H :] = p["w_h"][:, 2 * H :]
    m[-1, 3 * H :] = p["b_h"][2 * H :]
    return m


def _split_block(block: np.ndarray, n_in: int, H: int) -> dict[str, np.ndarray]:
    """Gather the parameters' gradients from the gradient of the joint matrix (last two axes)."""
    xs, hs = slice(0, n_in), slice(n_in, n_in + H)
    rz, xn, hn = slice(0, 2 * H), slice(2 * H, 3 * H), slice(3 * H, 4 * H)
    return {
        "w_x": np.concatenate([block[..., xs, rz], block[..., xs, xn]], axis=-1),
        "w_h": np.concatenate([block[..., hs, rz], block[..., hs, hn]], axis=-1),
        "b_x": np.concatenate([block[..., -1, rz], block[..., -1, xn]], axis=-1),
        "b_h": np.concatenate([block[..., -1, rz], block[..., -1, hn]], axis=-1),
    }


def _forward(model: GRU, work: _GRUWork, xs: np.ndarray) -> np.ndarray:
    """Fill ``work`` for inputs xs (B, T, n_in) and return the prediction y_T (B, n_out)."""
    B, T, n_in = xs.shape
    H = model.n_hidden
    hs = slice(n_in, n_in + H)
    stack, gates, tmp = work.stack, work.gates, work.tmp
    stack[:T, :n_in] = xs.transpose(1, 2, 0)
    m = _joint_matrix(model)
    m[:, : 2 * H] *= -1.0  # so that exp gives exp(-a) for the two sigmoids
    w = np.ascontiguousarray(m.T)  # (4H, n_in + H + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(T):
            a = gates[t]
            np.matmul(w, stack[t], out=a)
            rz = a[: 2 * H]
            np.exp(rz, out=rz)
            rz += 1.0
            np.divide(1.0, rz, out=rz)
            r, z, n, hn = a[:H], a[H : 2 * H], a[2 * H : 3 * H], a[3 * H :]
            # n = tanh(x-part + r * h-part), written over the x-part
            np.multiply(r, hn, out=tmp)
            n += tmp
            tanh(n, n)
            # h_t = (1 - z) * n + z * h_(t-1) = n + z * (h_(t-1) - n)
            np.subtract(stack[t, hs], n, out=tmp)
            tmp *= z
            np.add(n, tmp, out=stack[t + 1, hs])
        return stack[T, hs].T @ model._views["w3"] + model._views["b2"]


def _backward(
    model: GRU,
    work: _GRUWork,
    dy: np.ndarray,
    truncate: int | None,
    dpre: np.ndarray,
    dstack: np.ndarray,
    block: np.ndarray,
    flat: np.ndarray,
) -> int:
    """BPTT over ``work``: fill ``dpre`` (d loss / d joint pre-activations), ``dstack`` and ``flat``.

    Returns the oldest step the error reached (0 unless truncated).
    """
    B, T = work.shape
    H, n_in = model.n_hidden, model.n_in
    hs = slice(n_in, n_in + H)
    stack, gates, tmp = work.stack, work.gates, work.tmp
    p = model._views
    grad_of = views_of(flat, model.param_shapes)
    m = _joint_matrix(model)
    oldest = oldest_step(T, truncate)
    dpre[:oldest] = 0.0
    dstack[:oldest] = 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        np.matmul(stack[T, hs], dy, out=grad_of["w3"])
        np.sum(dy, axis=0, out=grad_of["b2"])
        dh = work.dh
        np.matmul(p["w3"], dy.T, out=dh)  # d loss / d h_T, (H, B)
        for t in reversed(range(oldest, T)):
            a, d = gates[t], dpre[t]
            r, z, n, hn = a[:H], a[H : 2 * H], a[2 * H : 3 * H], a[3 * H :]
            dr, dz, dn, dhn = d[:H], d[H : 2 * H], d[2 * H : 3 * H], d[3 * H :]
            h_prev = stack[t, hs]
            # h_t = (1 - z) * n + z * h_(t-1)
            np.subtract(h_prev, n, out=dz)
            dz *= dh
            np.subtract(1.0, z, out=tmp)
            np.multiply(tmp, dh, out=dn)
            # z = sigmoid(a_z): slope z (1 - z)
            tmp *= z
            dz *= tmp
            # n = tanh(a_n) with a_n = x-part + r * h-part: slope 1 - n^2
            np.multiply(n, n, out=tmp)
            np.subtract(1.0, tmp, out=tmp)
            dn *= tmp
            np.multiply(dn, r, out=dhn)
            # r = sigmoid(a_r): d a_n / d r = h-part, slope r (1 - r)
            np.multiply(dn, hn, out=dr)
            np.subtract(1.0, r, out=tmp)
            tmp *= r
            dr *= tmp
            # Through the joint matrix to x_t and h_(t-1), plus the direct path z * dh.
            np.matmul(m, d, out=dstack[t])
            np.multiply(dh, z, out=tmp)
            dh = dstack[t, hs]
            dh += tmp
        # The shared parameters' gradients are sums of per-step contributions.
        if oldest < T:
            np.sum(np.matmul(stack[oldest:T], dpre[oldest:].transpose(0, 2, 1)), axis=0, out=block)
        else:
            block.fill(0.0)
        for name, value in _split_block(block, n_in, H).items():
            grad_of[name][...] = value
    return oldest
