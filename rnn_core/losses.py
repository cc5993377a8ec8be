"""Losses between the last step's prediction and the target: MSE (default) or the lesson's SSR."""

from __future__ import annotations

import numpy as np

LOSSES = ("mse", "ssr")


def loss_and_dy(y: np.ndarray, target: np.ndarray, loss: str = "mse") -> tuple[float, np.ndarray]:
    """Return the loss and its gradient with respect to the prediction ``y``.

    ``mse`` is the mean of the squared residuals over samples and outputs; ``ssr`` is
    their sum, as in the lesson (the sum of squared residuals).
    """
    residual = y - target
    if residual.size == 0:
        raise ValueError("the batch is empty: a loss needs at least one sample")
    if loss == "mse":
        scale = 1.0 / residual.size
    elif loss == "ssr":
        scale = 1.0
    else:
        raise ValueError(f"unknown loss {loss!r}; choose 'mse' or 'ssr'")
    value = float(np.dot(residual.ravel(), residual.ravel())) * scale
    return value, (2.0 * scale) * residual
