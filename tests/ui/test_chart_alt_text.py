"""Charts that say what they show: each lab chart's text alternative is the sentence beside it (with
its claims) after what the chart draws, true for every state of a sweep; and wherever a colour names
something (a series, a sign, a path, a wire), a dash, a shape or a label names it too."""

import itertools
import math
import re
from html import unescape

import numpy as np
import pytest

import rnn_core as rc
from rnn_core import analysis as an
from rnn_core.data import encode
from ui import claims
from ui.kit.format import from_log10
from ui.lab import model, specs, text
from ui.statland import diagram

W1, W3 = rc.STATQUEST_WEIGHTS["w1"], rc.STATQUEST_WEIGHTS["w3"]
SWEEP = list(itertools.product([-2.0, -0.5, 0.0, 0.5, 1.0, 1.5, 3.0], [1, 2, 10, 100], ["relu", "tanh", "sigmoid"]))


def true_and_backed(sentence: claims.Said) -> None:
    assert claims.false_claims(sentence) == [], sentence.text
    assert claims.unbacked_words(sentence) == [], sentence.text


@pytest.mark.parametrize(("w2", "length", "activation"), SWEEP)
def test_the_pieces_alt_states_the_engines_pieces(w2, length, activation):
    pieces = an.log10_w2_gradient(np.ones(length), W1, w2, 0.0, W3, 0.0, target=1.0, activation=activation)
    alt = text.pieces_alt(length, w2, activation, text.pieces_notice(pieces.log10_steps, w2, activation))
    true_and_backed(alt)
    assert f"each of the {length} steps' pieces of dL/dw2 at w2 = {w2:g} with {activation}" in alt.text
    finite = np.isfinite(pieces.log10_steps)
    if not finite.any():
        assert "exactly 0" in alt.text
        return
    sizes = np.where(finite, 10.0 ** (pieces.log10_steps - pieces.log10_steps[finite].max()), 0.0)
    k = max(1, round(length * 0.1))
    assert f"{100 * sizes[-k:].sum() / sizes.sum():.0f}% of the pieces' total size" in alt.text


@pytest.mark.parametrize(("w2", "length", "activation"), SWEEP)
def test_the_gates_alt_states_what_the_vanilla_rnns_oldest_input_keeps(w2, length, activation):
    logs = an.log10_input_gradients(np.ones(length), W1, w2, 0.0, W3, activation)
    shares = {"vanilla RNN": float(logs[0] - logs[-1]) if np.isfinite(logs[0]) else -math.inf}
    for kind in ("lstm", "gru"):
        gated = model.gated_input_gradients(length, kind, 4.0)
        shares[kind.upper()] = float(gated[0] - gated[-1])
    notice = text.gates_notice(length, shares, {"w2": w2, "activation": activation, "gate_bias": 4.0})
    alt = text.gates_alt(length, notice)
    true_and_backed(alt)
    assert alt.text.startswith(f"Lines, on a log scale, of each of {length} inputs' gradient")
    if length > 1 and np.isfinite(logs[0]):
        assert f"keeps {from_log10(float(logs[0] - logs[-1]))} in the vanilla RNN" in alt.text


@pytest.mark.parametrize(("w2", "length"), [(-0.5, 10), (0.5, 30), (1.2, 20), (2.0, 50), (3.0, 100)])
@pytest.mark.parametrize(("lr", "threshold"), [(0.05, 1.0), (0.5, 0.1)])
def test_the_training_step_alt_states_the_engines_gradient_norm(w2, length, lr, threshold):
    paths, ends = specs.rnn_descent_paths(length, w2, "relu", lr, threshold)
    plain, clipped = ends["plain gradient descent"], ends["clipped by norm"]
    log_norm, _ = model.first_step(plain, lr, None)
    weights = {k: v for k, v in rc.STATQUEST_WEIGHTS.items() if k not in ("w1", "w2")}
    _, (l1, _), (l2, _) = an.one_unit_log10_loss_and_grad(np.ones(length), W1, w2, activation="relu", **weights)
    top = max(l1, l2)
    engine_norm = top + 0.5 * math.log10(10 ** (2 * (l1 - top)) + 10 ** (2 * (l2 - top)))
    notice = text.step_notice(
        w2,
        length,
        "relu",
        lr,
        threshold,
        log_norm,
        (model.first_step_leaves(plain), model.first_step_leaves(clipped)),
        model.W2_RANGE,
    )
    alt = text.step_alt(length, w2, log_norm, notice)
    true_and_backed(alt)
    assert f"the gradient's norm is {from_log10(engine_norm)}" in alt.text
    assert f"at T = {length}" in alt.text and f"w2 = {w2:g}" in alt.text


@pytest.mark.parametrize(("start", "lr", "threshold"), [(4.5, 0.5, 0.5), (5.5, 0.5, 0.5), (7.0, 2.0, 0.1)])
def test_the_cliff_alt_states_the_plain_paths_longest_step(start, lr, threshold):
    _, found = specs.cliff_chart(lr, threshold, (start, -2.0))
    notice = text.cliff_notice(
        start, lr, threshold, model.CLIFF_STEPS, found["longest_jump"], found["longest_step"], found["leaves"]
    )
    alt = text.cliff_alt(start, notice)
    true_and_backed(alt)
    longest = int(np.nanargmax(an.cliff_descent((start, -2.0), lr, model.CLIFF_STEPS).step_lengths())) + 1
    assert f"step {longest}" in alt.text and f"from w = {start:g}, b = −2" in alt.text


def test_the_alt_texts_of_charts_that_follow_the_hand_claim_nothing_about_the_state():
    for alt in (text.INPUTS_ALT, text.HEATMAP_ALT):
        assert alt.claims == () and claims.unbacked_words(alt) == []


# ----------------------------------------------------------------------------- colour is never alone
def layers(spec: dict):
    yield spec
    for part in spec.get("layer", []):
        yield from layers(part)


def colour_twins(spec: dict) -> list[tuple[str, list, list]]:
    """For every layer that colours by a named category: (field, colours, the other channel's values
    for the same categories: a dash or a shape)."""
    found = []
    for layer in layers(spec):
        encoding = layer.get("encoding", {})
        colour = encoding.get("color", {})
        if colour.get("type") != "nominal" or "scale" not in colour:
            continue
        twin = next(
            (
                encoding[channel]
                for channel in ("strokeDash", "shape")
                if encoding.get(channel, {}).get("field") == colour["field"]
            ),
            None,
        )
        if twin is None:  # else each mark must carry its name as text (a direct label on the same rows)
            assert directly_labelled(spec, layer), f"{colour['field']} told by colour alone: {layer.get('mark')}"
            continue
        assert twin["scale"]["domain"] == colour["scale"]["domain"]
        found.append((colour["field"], colour["scale"]["range"], twin["scale"]["range"]))
    return found


def directly_labelled(spec: dict, layer: dict) -> bool:
    """Whether a text layer draws a label on the same rows as ``layer`` (the descent paths' exit
    arrows: "plain gradient descent leaves the chart" beside each)."""
    return any(
        other.get("data") == layer.get("data")
        and (other.get("mark", {}).get("type") if isinstance(other.get("mark"), dict) else other.get("mark")) == "text"
        and "text" in other.get("encoding", {})
        for other in layers(spec)
    )


def lab_specs() -> dict[str, dict]:
    gates = tuple(specs.GATES_SERIES)
    return {
        "gates": specs.lines_spec(
            "t",
            tuple((n, specs.GATES_SERIES[n][0]) for n in gates),
            True,
            (-5.0, 1.0),
            tuple((n, tuple(specs.GATES_SERIES[n][1])) for n in gates),
            "y",
        ),
        "inputs": specs.drag_lines_spec(True, (-5.0, 1.0)),
        "pieces": specs.pieces_spec(("pushes w2 up", "pushes w2 down"), (-5.0, 1.0)),
        "step": specs.surface_spec(),
        "cliff": specs.cliff_chart(0.5, 0.5, (5.5, -2.0))[0],
    }


@pytest.mark.parametrize("view", ["gates", "inputs", "pieces", "step", "cliff"])
def test_every_category_a_lab_chart_colours_has_its_own_dash_or_shape(view):
    found = colour_twins(lab_specs()[view])
    assert found, "the chart colours something by category"
    for field, colours, twins in found:
        assert len(set(map(str, colours))) == len(colours), field
        assert len(set(map(str, twins))) == len(twins) == len(colours), f"{field}: {twins}"


@pytest.mark.parametrize("words", [["high", "medium"], ["low", "high", "medium"]])
def test_each_coloured_wire_of_the_diagram_has_a_label_in_its_colour(words):
    """The diagram colours the input, recurrent and output wires; each colour also carries the wire's
    weight as text beside it (× w1, × w2, × w3), so the colour is never the only sign."""
    trace = rc.statquest_rnn().forward(encode(words)[None, :])
    svg = diagram.unrolled_svg(trace, words, rc.statquest_rnn().params, "high")
    for kind, colour in diagram.COLOURS.items():
        wires = [w for w in re.findall(rf'<line class="wire {kind}"(.*?)/>', svg) if f'stroke="{colour}"' in w]
        assert wires, kind
        labels = [unescape(t) for t in re.findall(rf'<text[^>]*fill="{colour}"[^>]*>([^<]*)</text>', svg)]
        weight = {"input": "w1", "recurrent": "w2", "output": "w3"}[kind]
        assert any(weight in label for label in labels), (kind, labels)
