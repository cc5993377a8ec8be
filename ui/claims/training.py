"""Training's claims: BPTT's per-day shares, a loss that rose, a run that converged, a learning rate too large."""

from __future__ import annotations

import math

import numpy as np

import rnn_core as rc
from ui.claims import check


# -- training: BPTT's per-day shares, a run's loss -------------------------------------------------------
@check("first_day_w2_share_zero", r"exactly zero", r"share of dL/dw2 is 0")
def _first_day_w2_share_zero(xs, ys, weights, loss="ssr") -> bool:
    """BPTT gives day 1 no share of dL/dw2 for these sequences (``xs``, oldest first), targets and one-unit weights."""
    model = rc.statquest_rnn(**dict(weights))
    grads = model.loss_and_grads(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), loss=loss)[1]
    return float(np.asarray(grads.per_step["w2"])[0].sum()) == 0.0


@check("shares_add_up", r"sum of every day's piece")
def _shares_add_up(xs, ys, weights, loss="ssr") -> bool:
    """The engine's dL/dw2 is the sum of the per-day pieces BPTT finds (day 1's is 0: h0 = 0), over more
    than one day."""
    model = rc.statquest_rnn(**dict(weights))
    grads = model.loss_and_grads(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), loss=loss)[1]
    per_step = np.asarray(grads.per_step["w2"])
    pieces = per_step.reshape(per_step.shape[0], -1).sum(axis=1)  # one piece per day, over the batch
    total = float(np.asarray(grads["w2"]).ravel()[0])
    return bool(pieces.size > 1 and np.any(pieces) and math.isclose(pieces.sum(), total, rel_tol=1e-12, abs_tol=1e-15))


@check("loss_rose", r"loss (?:climbs|climb|rose|went up)", r"raised the loss")
def _loss_rose(before, after) -> bool:
    return math.isfinite(before) and math.isfinite(after) and after > before


@check("within_of_targets", r"every prediction within")
def _within_of_targets(model, xs, targets, bound) -> bool:
    """The model (as its weights file) predicts every target within ``bound``."""
    from rnn_core.weights_io import model_from_json

    outputs = model_from_json(model).predict(np.asarray(xs, dtype=float))
    return bool(np.max(np.abs(outputs - np.asarray(targets, dtype=float))) <= bound)


@check("sgd_loss_climbs", r"loss climbs?")
def _sgd_loss_climbs(seed, lr, steps) -> bool:
    """From the Training page's seeded one-unit start, ``steps`` plain SGD steps on the four rules end
    with a higher loss than they started from."""
    from rnn_core.data import four_rules

    xs, ys = four_rules()
    trainer = rc.Trainer(rc.VanillaRNN(1, activation="relu", seed=seed), xs, ys, optimizer="sgd", lr=lr)
    before = trainer.evaluate()
    list(trainer.run(steps))
    return trainer.evaluate() > before
