"""A Training-page run on the four StatLand rules, built without the page (for tests)."""

from __future__ import annotations

import rnn_core as rc
from ui.training import choices, datasets
from ui.training import run as training


def rules_run(
    model: rc.RecurrentModel | None = None,
    *,
    optimizer: str = "adam",
    lr: float = 0.03,
    steps: int = 1000,
    batch_size: int | None = None,
) -> training.LiveRun:
    """A run at step 0 on the four rules, seed 4, no clipping, as the page starts it; ``model`` defaults to
    the page's own start (the 1-unit RNN from seed 4)."""
    dataset, _ = datasets.build("rules", length=2, window=2, ticker=datasets.TICKERS[0], seed=4, csv_series=None)
    model = model if model is not None else choices.build_model("statquest", 1, "relu", seed=4, start="random")
    return training.start_run(
        (), dataset, model, optimizer=optimizer, lr=lr, clip="none", clip_threshold=1.0,
        batch_size=batch_size, seed=4, target_steps=steps,
    )  # fmt: skip
