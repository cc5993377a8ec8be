"""What gates change: |d y_T / d x_t| of an LSTM or a GRU in log10 form, beside the vanilla RNN's.

The chain rule runs over the state s_t (the GRU's h_t; the LSTM's h_t and c_t side by
side): d y_T / d x_t = g_t . u_t with g_T = d y_T / d s_T and g_(t-1) = J_t^T g_t, where
J_t = d s_t / d s_(t-1) and u_t = d s_t / d x_t come from the forward trace. Carried as
plain floats, g underflows after a few hundred fading steps (10^-308 and below read as
0); here g is divided by its largest entry at every step and the powers of ten taken out
are added up, so every step's gradient keeps its true size, however small.
"""

from __future__ import annotations

import numpy as np

from ..activations import TABLE
from .scaled import log10_abs


def memory_gate_model(kind: str, n_hidden: int, gate_bias: float, seed: int = 0):
    """A seeded LSTM or GRU whose memory gate is held open by ``gate_bias`` (kept near sigmoid(b)).

    LSTM: forget gate bias b and input gate bias -b, so the cell takes in what it forgets and
    stays within +-1 (as a GRU's state does); a cell that only adds grows without bound and
    saturates its tanh, which shuts the gradient off. GRU: update gate bias b.
    """
    from ..gru import GRU
    from ..lstm import LSTM

    model = {"lstm": LSTM, "gru": GRU}[kind](n_hidden, seed=seed)
    H = n_hidden
    name = "b" if kind == "lstm" else "b_x"
    bias = model.params[name].copy()
    bias[H : 2 * H] = gate_bias  # LSTM blocks i, f, g, o; GRU blocks r, z, n: block 1 is the memory gate
    if kind == "lstm":
        bias[:H] = -gate_bias
    model.params[name] = bias
    return model


def _sigmoid_slope(s: np.ndarray) -> np.ndarray:
    return TABLE["sigmoid"].slope(None, s, np.empty_like(s))


def _sech2(c: np.ndarray) -> np.ndarray:
    """1 - tanh(c)^2 from c, without the cancellation that makes it 0 for |c| > 19."""
    return 10.0 ** TABLE["tanh"].log10_slope(c)


def _lstm_jacobians(model, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-step J_t (T, 2H, 2H) and u_t (T, 2H) of an LSTM over the state (h, c), and g_T."""
    H = model.n_hidden
    trace = model.forward(xs[None, :, None])
    i, f, g, o = (trace.gates[0, :, k * H : (k + 1) * H] for k in range(4))
    c = trace.cell[0]
    c_prev = np.vstack([np.zeros((1, H)), c[:-1]])
    w_x, w_h = np.asarray(model.params["w_x"])[0], np.asarray(model.params["w_h"])
    wx = {k: w_x[n * H : (n + 1) * H] for n, k in enumerate("ifgo")}  # (H,) per gate
    wh = {k: w_h[:, n * H : (n + 1) * H].T for n, k in enumerate("ifgo")}  # (H, H): d a_k / d h_prev
    # c_t = f c_(t-1) + i g and h_t = o tanh(c_t), each gate a function of x_t and h_(t-1).
    di, df, dg, do = _sigmoid_slope(i) * g, _sigmoid_slope(f) * c_prev, (1.0 - g * g) * i, _sigmoid_slope(o)
    dc_dh = di[:, :, None] * wh["i"] + df[:, :, None] * wh["f"] + dg[:, :, None] * wh["g"]
    dc_dx = di * wx["i"] + df * wx["f"] + dg * wx["g"]
    out = o * _sech2(c)  # d h_t / d c_t
    tc = np.tanh(c)
    T = len(xs)
    J = np.zeros((T, 2 * H, 2 * H))
    J[:, :H, :H] = out[:, :, None] * dc_dh + (tc * do)[:, :, None] * wh["o"]
    J[:, :H, H:] = np.eye(H) * (out * f)[:, None, :]
    J[:, H:, :H] = dc_dh
    J[:, H:, H:] = np.eye(H) * f[:, None, :]
    u = np.hstack([out * dc_dx + tc * do * wx["o"], dc_dx])
    g_last = np.concatenate([np.asarray(model.params["w3"])[:, 0], np.zeros(H)])
    return J, u, g_last


def _gru_jacobians(model, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-step J_t (T, H, H) and u_t (T, H) of a GRU over its hidden state, and g_T."""
    H = model.n_hidden
    trace = model.forward(xs[None, :, None])
    r, z, n = (trace.gates[0, :, k * H : (k + 1) * H] for k in range(3))
    h_prev = trace.h_prev[0]
    p = {name: np.asarray(model.params[name]) for name in ("w_x", "w_h", "b_h")}
    wx = {k: p["w_x"][0, m * H : (m + 1) * H] for m, k in enumerate("rzn")}
    wh = {k: p["w_h"][:, m * H : (m + 1) * H].T for m, k in enumerate("rzn")}
    hn = h_prev @ p["w_h"][:, 2 * H :] + p["b_h"][2 * H :]  # the h-part of the candidate, before r
    dr, dz, dn = _sigmoid_slope(r), _sigmoid_slope(z), 1.0 - n * n
    # h_t = (1 - z) n + z h_(t-1), n = tanh(x-part + r * hn).
    dn_dh = dn[:, :, None] * (hn[:, :, None] * dr[:, :, None] * wh["r"] + r[:, :, None] * wh["n"])
    dn_dx = dn * (wx["n"] + hn * dr * wx["r"])
    J = np.eye(H) * z[:, None, :] + ((h_prev - n) * dz)[:, :, None] * wh["z"] + (1.0 - z)[:, :, None] * dn_dh
    u = (h_prev - n) * dz * wx["z"] + (1.0 - z) * dn_dx
    return J, u, np.asarray(model.params["w3"])[:, 0].copy()


_JACOBIANS = {"lstm": _lstm_jacobians, "gru": _gru_jacobians}


def log10_gated_input_gradients(model, xs) -> np.ndarray:
    """log10 |d y_T / d x_t| for t = 1 .. T of a one-input, one-output LSTM or GRU.

    Exact to float64's relative precision at any size: 10^-400 comes back as -400, not as
    an underflowed 0 (see the section comment above). ``-inf`` only for a true zero.
    """
    kind = getattr(model, "kind", None)
    if kind not in _JACOBIANS or model.n_in != 1 or model.n_out != 1:
        raise ValueError("expects an LSTM or a GRU with one input and one output")
    xs = np.asarray(xs, dtype=float).ravel()
    with np.errstate(over="ignore", under="ignore"):
        J, u, g = _JACOBIANS[kind](model, xs)
    T = len(xs)
    chain = np.empty((T, g.size))
    scale = np.zeros(T)
    log_scale = 0.0
    JT = np.ascontiguousarray(J.transpose(0, 2, 1))
    for t in range(T - 1, -1, -1):
        top = float(np.max(np.abs(g)))
        if top == 0.0:  # nothing flows back any more: every earlier gradient is exactly 0
            chain[: t + 1] = 0.0
            scale[: t + 1] = 0.0
            break
        g = g / top
        log_scale += np.log10(top)
        chain[t], scale[t] = g, log_scale
        g = JT[t] @ g
    return log10_abs(np.einsum("ts,ts->t", chain, u)) + scale
