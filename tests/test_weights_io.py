"""Weights to and from JSON: round trips, and every kind of doctored file refused with a reason."""

import json

import numpy as np
import pytest

import rnn_core as rc
from rnn_core.weights_io import WeightsError, model_from_json, model_to_json


def models():
    yield rc.statquest_rnn()
    yield rc.VanillaRNN(n_hidden=3, activation="tanh", n_in=2, n_out=2, seed=5)
    for kind, cls in getattr(rc, "MODEL_KINDS", {}).items():
        if kind != "vanilla":
            yield cls(n_hidden=2, seed=1)


@pytest.mark.parametrize("model", list(models()), ids=lambda m: f"{m.kind}")
def test_round_trip_keeps_architecture_and_predictions(model):
    text = model_to_json(model)
    loaded = model_from_json(text.encode())
    assert type(loaded) is type(model) and loaded.config() == model.config()
    xs = np.random.default_rng(0).uniform(0, 1, (3, 4, model.n_in))
    assert np.array_equal(loaded.predict(xs), model.predict(xs))
    for name in model.params:
        assert np.array_equal(loaded.params[name], model.params[name])


def test_statland_shorthand_builds_the_one_unit_relu_network():
    loaded = model_from_json('{"w1": 1.8, "w2": -0.5, "b1": 0, "w3": 1.1, "b2": 0}')
    assert np.allclose(loaded.predict([[0, 0.5], [1, 1]])[:, 0], [0.99, 0.99])
    assert loaded.activation == "relu" and loaded.n_hidden == 1


def doctored(change):
    document = json.loads(model_to_json(rc.VanillaRNN(n_hidden=2, activation="tanh", seed=0)))
    change(document)
    return json.dumps(document)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("not json", "not valid JSON"),
        ("[1, 2]", "one JSON object"),
        ('{"a": 1}', "not an Unrolled weights file"),
        (doctored(lambda d: d.update(version=99)), "version 99"),
        (doctored(lambda d: d.update(kind="transformer")), "unknown model kind"),
        (doctored(lambda d: d["config"].update(n_hidden=10**9)), "n_hidden"),
        (doctored(lambda d: d["config"].update(n_hidden=True)), "n_hidden"),
        (doctored(lambda d: d["config"].update(activation="softmax")), "unknown activation"),
        (doctored(lambda d: d["config"].update(__class__="os.system")), "unknown setting"),
        (doctored(lambda d: d["params"].pop("w2")), "missing w2"),
        (doctored(lambda d: d["params"].update(w9=[1])), "unexpected w9"),
        (doctored(lambda d: d["params"].update(w2=[[1, 2, 3]])), "shape"),
        (doctored(lambda d: d["params"].update(w2=[[1, 2], [3]])), "rectangular"),
        (doctored(lambda d: d["params"].update(b1=["1", 2])), "only numbers"),
        (doctored(lambda d: d["params"].update(b1=[1e999, 2])), "finite"),
        (doctored(lambda d: d["params"].update(b1=[10**400, 2])), "finite|rectangular"),
        (
            '{"format": "unrolled-weights", "version": 1, "kind": "vanilla", '
            '"config": {}, "params": {"w1": NaN}}',
            "NaN",
        ),
    ],
)
def test_doctored_files_are_refused_with_a_reason(text, message):
    with pytest.raises(WeightsError, match=message):
        model_from_json(text)


def test_refuses_binary_and_oversized_files():
    with pytest.raises(WeightsError, match="not text"):
        model_from_json(b"\xff\xfe\x00\x80")
    with pytest.raises(WeightsError, match="larger than"):
        model_from_json(b" " * 2_000_000)
    with pytest.raises(WeightsError, match="not valid JSON"):
        model_from_json("[" * 100_000 + "]" * 100_000)


def test_weights_error_is_a_value_error():
    assert issubclass(WeightsError, ValueError)
