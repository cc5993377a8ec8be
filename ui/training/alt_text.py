"""What the Training page's charts show, in words, for a screen reader: each chart's text alternative
(its ``alt``) and the run's status line, built from the run's numbers. Every number they state is
claimed (``ui.claims``) and checked by training the run again with rnn_core (``LiveRun.replay``).

Streamlit writes a chart's alt text into the chart's Vega-Lite spec, and the browser builds a chart
again whenever its spec changes. While training plays the live charts refresh several times a second,
so their texts then stay one sentence per chart (what it plots, and that its numbers come when training
stops) and the browser only swaps their rows; when the run stops (Pause, Step, converged, finished,
diverged) they state its numbers. The status line, which a screen reader announces when it changes
(``role="status"``), changes only then too. Nothing here imports Streamlit.
"""

from __future__ import annotations

import numpy as np

from rnn_core import PARAM_NAMES
from rnn_core.weights_io import model_to_json
from ui.claims import Said, claim, general, said
from ui.claims.training import styled
from ui.kit.format import number
from ui.training import bptt
from ui.training.run import CONVERGED_LOSS, LiveRun, RunCurve, converged_claim, convergence

PARAMS = PARAM_NAMES  # the one-unit network's five weights, in the lesson's order


def figure(value: float) -> str:
    """A loss or a norm as the sentences write it: '0.133', '136.1', '9.92 × 10⁻⁷'."""
    return styled(value, "figure")


def running_note(what_moves: str) -> str:
    """The sentence a live chart's text ends with while training plays: it says where the live numbers are."""
    return (
        f" Training is running: {what_moves} at every refresh, and the Step, Training loss and Gradient norm "
        "figures under the chart follow it; this description gives its numbers once training stops."
    )


def _values(run: LiveRun, *values: tuple[int, str, str, str]):
    """The claim that each (step, quantity, text, style) is what rnn_core gives when it trains the run again."""
    return claim("run_values", run=run.replay(), values=values)


def _ending(run: LiveRun) -> Said:
    """How the run ended, if it did: converged below the tolerance, or diverged."""
    if run.converged:
        return said(
            f" The run converged at step {run.converged_at:,}: the loss there is below {number(CONVERGED_LOSS)}.",
            converged_claim(run),
        )
    if run.diverged:
        stop = run.trainer.divergence
        return said(
            f" At step {stop.step:,} training diverged: the {stop.cause} stopped being a finite number.",
            claim("run_diverged", run=run.replay(), step=stop.step, cause=stop.cause),
        )
    return Said("")


def _span(run: LiveRun, quantity: str, series, extreme: str) -> Said:
    """'from A at step 1 to B at step N' for one of the run's series (each step's loss or gradient norm), and
    its lowest or largest value where that is neither end."""
    values = np.asarray(series, dtype=float)
    last = len(values)
    first_text, last_text = figure(values[0]), figure(values[-1])
    text = f"from {first_text} at step 1" + (f" to {last_text} at step {last:,}" if last > 1 else "")
    claims = [_values(run, (1, quantity, first_text, "figure"), (last, quantity, last_text, "figure"))]
    at = int(np.argmin(values) if extreme == "lowest" else np.argmax(values)) + 1
    extreme_text = figure(values[at - 1])
    if 1 < at < last and extreme_text not in (first_text, last_text):
        text += f"; its {extreme}, {extreme_text} at step {at:,}"
        claims += [
            _values(run, (at, quantity, extreme_text, "figure")),
            claim("run_extreme", run=run.replay(), steps=last, quantity=quantity, extreme=extreme, step=at),
        ]
    return said(text, *claims)


def loss_alt(run: LiveRun, log_loss: bool, playing: bool) -> Said:
    """The live loss chart: each step's loss (and, with mini-batches, the whole set's as it is measured)."""
    scale = ", on a log scale," if log_loss else ""
    if run.mini_batches:
        shows = (
            f"Two lines{scale} of the training loss (mean squared error) by step: each step's own mini-batch, "
            "and the whole training set, measured as the run goes"
        )
    else:
        shows = f"Line chart{scale} of the training loss (mean squared error) at each step"
    if playing:
        return general(shows + "." + running_note("the curve grows"))
    with run.lock:
        if not run.mini_batches:
            return general(shows + ": ") + _span(run, "loss", run.history.loss, "lowest") + "." + _ending(run)
        steps, whole = run.full_loss_steps, run.full_loss
        first, last = figure(whole[0]), figure(whole[-1])
        own, n = figure(run.history.loss[-1]), len(run.history)
        return (
            general(shows + ". ")
            + said(
                f"The whole set's loss goes from {first} at step {steps[0]:,} to {last} at step {steps[-1]:,}; "
                f"the last mini-batch's was {own} at step {n:,}.",
                _values(
                    run,
                    (steps[0], "whole-set loss", first, "figure"),
                    (steps[-1], "whole-set loss", last, "figure"),
                    (n, "loss", own, "figure"),
                ),
            )
            + _ending(run)
        )


def norm_alt(run: LiveRun, playing: bool) -> Said:
    """The live gradient-norm chart."""
    shows = "Line chart, on a log scale, of the gradient's norm (its length, before any clipping) at each step"
    if playing:
        return general(shows + "." + running_note("the curve grows"))
    with run.lock:
        return general(shows + ": ") + _span(run, "gradient norm", run.history.grad_norm, "largest") + "."


def weights_alt(run: LiveRun, playing: bool) -> Said:
    """The live chart of the one-unit network's five weights."""
    shows = "Lines of the five weights, " + ", ".join(PARAMS) + ", at each step"
    if playing:
        return general(shows + "." + running_note("the lines grow"))
    with run.lock:
        params, last = run.history.params, len(run.history)
        parts, values = [], []
        for step in sorted({1, last}):
            texts = {name: styled(params[name][step - 1], "weight") for name in PARAMS}
            parts.append(f"at step {step:,}, " + ", ".join(f"{name} = {texts[name]}" for name in PARAMS))
            values += [(step, name, texts[name], "weight") for name in PARAMS]
        return general(shows + ": ") + said("; ".join(parts) + ".", _values(run, *values))


def per_day_alt(run: LiveRun, back: bptt.Backward, playing: bool) -> Said:
    """The per-day chart beside the loss (wider models, long histories): each day's share of the next step's
    gradient, and how much the oldest day adds next to the newest."""
    shows = (
        f"Lines, on a log scale, of the size of each day's share of the next step's gradient, from day 1 (the "
        f"oldest) to day {back.n_days}, one line per parameter ({', '.join(back.per_day)})"
    )
    if playing:
        return general(shows + "." + running_note("the lines change"))
    sizes = bptt.per_day_sizes(back)
    first = sizes[sizes["day"] == 1]["size"].sum()
    last = sizes[sizes["day"] == back.n_days]["size"].sum()
    with np.errstate(all="ignore"):
        ratio = first / last if last > 0 else np.nan
    shown = number(ratio, 3) if np.isfinite(ratio) else ""
    about = claim("oldest_day_ratio", run=run.replay(), step=run.step, shown=shown)
    if shown:
        return general(shows + ". ") + said(
            f"Adding up its shares over the parameters, the oldest day adds {shown} times as much as the newest.",
            about,
        )
    return general(shows + ". ") + said("The newest day's shares are all 0.", about)


def picture_alt(run: LiveRun, back: bptt.Backward) -> Said:
    """The copy-by-copy picture of the backward pass (the one-unit network, a few days)."""
    days = back.n_days
    per_day = {name: back.per_day[name].reshape(days) for name in bptt.SHARED}
    sums = back.sums()
    shown: list[tuple] = [("", "loss", styled(back.loss, "share"))]
    parts = []
    for t in range(days):
        texts = {name: styled(per_day[name][t], "share") for name in bptt.SHARED}
        shown += [(str(t + 1), name, texts[name]) for name in bptt.SHARED]
        parts.append(f"day {t + 1}: " + ", ".join(f"dL/d{name} {texts[name]}" for name in bptt.SHARED))
    totals = {name: styled(sums[name], "share") for name in bptt.SHARED}
    shown += [("sum", name, totals[name]) for name in bptt.SHARED]
    return general(
        f"Picture of the backward pass through the {days} copies of the unrolled network: day 1 at the top, the "
        "loss under the last day and the sums, the gradient, at the bottom; red arrows carry the error back up "
        "from the loss through every copy, times w2 at each. "
    ) + said(
        f"The loss is {shown[0][2]}. Each day's shares: " + "; ".join(parts) + ". Their sums, the "
        "gradient: " + ", ".join(f"dL/d{name} = {totals[name]}" for name in bptt.SHARED) + ".",
        claim("next_step_shares", run=run.replay(), step=run.step, shown=tuple(shown)),
    )


def comparison_alt(curves: list[RunCurve]) -> Said:
    """The chart of this run's loss beside the last runs': where each curve starts and ends."""
    shows = general(
        f"Lines, on a log scale, of the whole training set's loss in the last {len(curves)} runs, one line per "
        "run, each named by its settings. "
    )
    parts = []
    for curve in curves:
        first, last = figure(curve.loss[0]), figure(curve.loss[-1])
        text = f"{curve.label}: from {first} at step {curve.step[0]:,} to {last} at step {curve.step[-1]:,}"
        values = (
            (curve.step[0], curve.quantity, first, "figure"),
            (curve.step[-1], curve.quantity, last, "figure"),
        )
        parts.append(said(text, claim("run_values", run=curve.replay, values=values)) if curve.replay else said(text))
    out = shows
    for i, part in enumerate(parts):
        out = out + ("; " if i else "") + part
    return out + "."


def predictions_alt(run: LiveRun, over: str, value_name: str, model_error: str, naive_error: str) -> Said:
    """The held-out prices chart: actual, predicted and the naive guess, and the two errors under it."""
    dataset = run.dataset
    low = float(dataset.unscale(np.array([0.0]))[0])
    span = float(dataset.unscale(np.array([1.0]))[0]) - low
    return general(
        f"Lines of the held-out period (after the training period) by {over}: the actual {value_name}, the "
        f"network's prediction and the naive guess (tomorrow = today), {len(dataset.test_ys)} points each. "
    ) + said(
        f"The network's error (RMSE) is {model_error}; the naive guess's, {naive_error}.",
        claim(
            "held_out_errors",
            model=model_to_json(run.model),
            xs=np.asarray(dataset.test_xs, dtype=float).tolist(),
            ys=np.asarray(dataset.test_ys, dtype=float).tolist(),
            low=low,
            span=span,
            shown_model=model_error,
            shown_naive=naive_error,
        ),
    )


def status(run: LiveRun) -> Said:
    """The run's state in one line, for a screen reader to announce when it changes: while training plays
    it stays the same; stopped, it gives the step, the training loss and the gradient norm as the metrics
    under the charts show them."""
    with run.lock:
        step, target = run.step, run.target_steps
        if run.running:
            return said(f"Training is running, up to step {target:,}.")
        loss_text = styled(run.current_loss(), "number5")
        loss = _values(run, (step, "whole-set loss", loss_text, "number5"))
        if step == 0 and not run.diverged:
            return said(f"Step 0 of {target:,}: the training loss at the starting weights is {loss_text}.", loss)
        figures = said(f"training loss {loss_text}", loss)
        if step:
            norm_text = styled(run.history.grad_norm[-1], "number4")
            figures += said(f", gradient norm {norm_text}", _values(run, (step, "gradient norm", norm_text, "number4")))
        figures += "."
        if run.diverged:
            stop = run.trainer.divergence
            kept = f"step {step:,}" if step else "the start"
            return (
                said(
                    f"Training diverged at step {stop.step:,}; the weights were kept from {kept}: ",
                    claim("run_diverged", run=run.replay(), step=stop.step, cause=stop.cause),
                )
                + figures
            )
        if run.converged:
            # Worded apart from the visible line ("Converged at step ..."), so a search for its words finds it alone.
            return (
                f"Training has converged and stopped, at step {run.converged_at:,}: "
                + convergence(run)
                + ". Now: "
                + figures
            )
        if step >= target:
            return f"Finished at step {step:,} of {target:,}: " + figures
        return f"At step {step:,} of {target:,}: " + figures
