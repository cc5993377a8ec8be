"""Gradient analysis for the lab: how w2 and the sequence length make gradients explode or vanish.

Everything here works on the one-unit vanilla RNN of the lesson,

    h_t = act(w1 x_t + b1 + w2 h_(t-1)),   h_0 = 0,   y_T = w3 h_T + b2,

and answers in **log10 form**, because the interesting magnitudes do not fit in a
float: with w2 = 3 the first of 1000 inputs is scaled by about 3^999 = 10^476.6.

The chain rule gives, for the input t steps in (1 <= t <= T),

    d y_T / d x_t = w3 * w1 * s_t * prod_(k = t+1 .. T) (w2 * s_k)

where s_k = act'(z_k) is the activation's slope at step k. So an input n steps
before the last (n = T - t) is scaled by w2^n times a product of slopes: the first
of T inputs by w2^(T - 1). For the identity activation every slope is 1 and the
magnitude is exactly |w1 w3| |w2|^(T - t).

One module per question the lab asks:

- ``scaled``: the one forward loop in scaled form (h = mantissa 10^exponent), which the
  others build on, and the lab's input sequences;
- ``input_gradients``: how much each input still counts at the end, and the same for the
  first input over a whole (w2, length) grid;
- ``loss_gradients``: the loss, its gradient and the per-step pieces of dL/dw2, and loss
  surfaces over any two weights;
- ``descent``: gradient-descent paths with and without clipping, on the RNN's loss and on
  Pascanu, Mikolov and Bengio's cliff;
- ``gated``: the same input gradients for an LSTM or a GRU.

Argument order is (w1, w2) wherever both vary: rows of a grid follow w1, columns w2, and a
descent path's points are (w1, w2). A number past the float range is a ``SignedLog`` (log10 of
its size, its sign); every descent function returns a ``DescentPath``.
All functions broadcast over arrays of weights, so a whole grid is one pass over time.
"""

from .descent import (
    CLIFF_LENGTH,
    CLIFF_TARGET,
    CLIFF_X0,
    DescentPath,
    Throw,
    cliff_descent,
    cliff_loss_and_grad,
    descent_path,
    one_unit_descent,
)
from .gated import log10_gated_input_gradients, memory_gate_model
from .input_gradients import log10_first_input_gradient_grid, log10_input_gradients
from .loss_gradients import (
    PARAM_NAMES,
    LogW2Gradient,
    log10_loss_surface,
    log10_loss_surface_over,
    log10_w2_gradient,
    one_unit_log10_loss_and_grad,
    one_unit_loss_and_grad,
)
from .scaled import PATTERNS, ScaledTrace, SignedLog, input_pattern, scaled_forward, signed_log_sum

__all__ = [
    "CLIFF_LENGTH",
    "CLIFF_TARGET",
    "CLIFF_X0",
    "DescentPath",
    "LogW2Gradient",
    "PARAM_NAMES",
    "PATTERNS",
    "ScaledTrace",
    "SignedLog",
    "Throw",
    "cliff_descent",
    "cliff_loss_and_grad",
    "descent_path",
    "input_pattern",
    "log10_first_input_gradient_grid",
    "log10_gated_input_gradients",
    "memory_gate_model",
    "log10_input_gradients",
    "log10_loss_surface",
    "log10_loss_surface_over",
    "log10_w2_gradient",
    "one_unit_descent",
    "one_unit_log10_loss_and_grad",
    "one_unit_loss_and_grad",
    "scaled_forward",
    "signed_log_sum",
]
