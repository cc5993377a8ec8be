"""Weights to and from JSON: round trips, and every kind of doctored file refused with a reason."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnn_core as rc
from rnn_core.weights_io import LIMITS, MAX_BYTES, WeightsError, model_from_json, model_to_json

CORPUS = Path(__file__).parents[1] / "bad_inputs"


def models():
    yield rc.statquest_rnn()
    yield rc.VanillaRNN(n_hidden=3, activation="tanh", n_in=2, n_out=2, seed=5)
    for kind, cls in rc.MODEL_KINDS.items():
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
        (doctored(lambda d: d.update(version=True)), "version True is not supported"),
        (doctored(lambda d: d.update(version=1.0)), "version 1.0 is not supported"),
        (doctored(lambda d: d.update(version="1")), "version '1' is not supported"),
        (doctored(lambda d: d.update(kind="transformer")), "unknown model kind"),
        (doctored(lambda d: d.update(kind=["vanilla"])), r"unknown model kind \['vanilla'\]"),
        (doctored(lambda d: d.update(kind={"vanilla": 1})), "unknown model kind"),
        (doctored(lambda d: d["config"].update(activation=["tanh"])), "unknown activation"),
        (doctored(lambda d: d["config"].update(n_hidden=10**9)), "n_hidden"),
        (doctored(lambda d: d["config"].update(n_hidden=True)), "n_hidden"),
        (doctored(lambda d: d["config"].update(activation="softmax")), "unknown activation"),
        (doctored(lambda d: d["config"].update(__class__="os.system")), "unknown setting"),
        (doctored(lambda d: d["params"].pop("w2")), "missing w2"),
        (doctored(lambda d: d["params"].update(w9=[1])), "unexpected w9"),
        (doctored(lambda d: d["params"].update(w2=[[1, 2, 3]])), "shape"),
        (doctored(lambda d: d["params"].update(w2=[[1, 2], [3]])), "rectangular"),
        (doctored(lambda d: d["params"].update(w2=[[1, 2], 3])), "rectangular"),
        (doctored(lambda d: d["params"].update(w2=[[[1], [2]], [[3], [4]]])), r"nested more than 2 deep.*\(2, 2\)"),
        (doctored(lambda d: d["params"].update(b1=["1", 2])), "only numbers"),
        (doctored(lambda d: d["params"].update(b1=[1e999, 2])), "finite"),
        (doctored(lambda d: d["params"].update(b1=[10**400, 2])), "'b1' holds a number too large to represent"),
        (
            '{"format": "unrolled-weights", "version": 1, "kind": "vanilla", "config": {}, "params": {"w1": NaN}}',
            "a value that is not a number",
        ),
    ],
)
def test_doctored_files_are_refused_with_a_reason(text, message):
    with pytest.raises(WeightsError, match=message):
        model_from_json(text)


# file -> the words model_from_json must say (the Training page's own table checks its wording).
REFUSED_FILES = {
    "weights_infinity.json": "the file contains an infinite value; every weight must be an ordinary finite number",
    "weights_nan.json": "the file contains a value that is not a number; every weight must be an ordinary finite",
    "weights_not_json.json": "not valid JSON",
    "weights_overflow.json": "'w1' holds a number too large to represent",
    "weights_1e400.json": "'b1' holds a number too large to represent",
    "weights_huge_integer.json": "a number with thousands of digits",
    "weights_text_number.json": "'w1' must hold only numbers",
    "weights_unknown_kind.json": "unknown model kind 'transformer'",
    "weights_kind_list.json": "unknown model kind ['vanilla']",
    "weights_version_true.json": "weights file version True is not supported",
    "weights_activation_list.json": "unknown activation ['relu']",
    "weights_wrong_keys.json": "missing w2; unexpected w4",
    "weights_wrong_shape.json": "'w2' has shape (2, 2); this model needs (1, 1)",
}
# Valid files that the Training page refuses for its own reasons (too wide, two inputs).
LOADABLE_FILES = {"weights_too_wide.json", "weights_two_inputs.json"}


@pytest.mark.parametrize(("name", "message"), sorted(REFUSED_FILES.items()))
def test_each_doctored_file_on_disk_is_refused_with_its_reason(name, message):
    with pytest.raises(WeightsError) as refused:
        model_from_json((CORPUS / name).read_bytes())
    assert message in str(refused.value)


def test_the_weights_table_covers_every_weights_file_on_disk():
    assert {p.name for p in CORPUS.glob("weights_*.json")} == set(REFUSED_FILES) | LOADABLE_FILES
    for name in LOADABLE_FILES:
        model_from_json((CORPUS / name).read_bytes())


def test_the_raw_text_1e400_parses_to_infinity_and_is_refused_as_too_large():
    # json reads 1e400 as float('inf') without calling parse_constant: only the finite check stops it.
    text = doctored(lambda d: d["params"].update(b1="PLACEHOLDER")).replace('"PLACEHOLDER"', "[1e400, 0]")
    assert json.loads(text)["params"]["b1"][0] == float("inf")
    with pytest.raises(WeightsError, match="'b1' holds a number too large to represent; every weight must be finite"):
        model_from_json(text)


@pytest.mark.parametrize("depth", [3, 100, 600, 900])
def test_a_parameter_nested_deeper_than_its_shape_is_refused_without_recursion(depth):
    nested = "[" * depth + "1" + "]" * depth
    text = doctored(lambda d: d["params"].update(w2="PLACEHOLDER")).replace('"PLACEHOLDER"', nested)
    with pytest.raises(WeightsError, match=r"'w2' has lists nested more than 2 deep; this model needs shape \(2, 2\)"):
        model_from_json(text)


def test_a_deeply_nested_setting_is_quoted_briefly():
    nested = "[" * 600 + "1" + "]" * 600
    for key in ("n_hidden", "activation"):
        text = doctored(lambda d, key=key: d["config"].update({key: "PLACEHOLDER"})).replace('"PLACEHOLDER"', nested)
        with pytest.raises(WeightsError) as refused:
            model_from_json(text)
        assert len(str(refused.value)) < 200


def test_an_integer_of_thousands_of_digits_is_refused_in_our_words():
    text = doctored(lambda d: d["params"].update(b1="PLACEHOLDER")).replace('"PLACEHOLDER"', "[" + "7" * 5000 + ", 0]")
    with pytest.raises(WeightsError) as refused:
        model_from_json(text)
    assert "thousands of digits" in str(refused.value)
    assert "int_max_str_digits" not in str(refused.value)


def test_a_single_number_may_be_written_with_fewer_brackets_but_not_more():
    for w1 in ("1.8", "[1.8]", "[[1.8]]"):
        model = model_from_json(f'{{"w1": {w1}, "w2": -0.5, "b1": 0, "w3": 1.1, "b2": 0}}')
        assert model.params["w1"].tolist() == [[1.8]]
    with pytest.raises(WeightsError, match="nested more than 2 deep"):
        model_from_json('{"w1": [[[1.8]]], "w2": -0.5, "b1": 0, "w3": 1.1, "b2": 0}')


@pytest.mark.parametrize("kind", ["vanilla", "lstm", "gru"])
def test_the_largest_model_the_limits_allow_saves_within_the_size_cap_and_loads(kind):
    model = rc.MODEL_KINDS[kind](**LIMITS, seed=0)
    model.flat[:] = -2.2250738585072014e-308  # the longest text a float64 can take (24 characters)
    text = model_to_json(model)
    assert len(text.encode()) <= MAX_BYTES
    loaded = model_from_json(text.encode())
    assert loaded.config() == model.config()
    np.testing.assert_array_equal(loaded.flat, model.flat)


def test_a_model_beyond_the_limits_is_refused_when_saved_not_only_when_loaded():
    with pytest.raises(WeightsError, match=f"n_hidden = {LIMITS['n_hidden'] + 1}"):
        model_to_json(rc.VanillaRNN(n_hidden=LIMITS["n_hidden"] + 1))
    with pytest.raises(WeightsError, match="n_in = "):
        model_to_json(rc.LSTM(n_hidden=2, n_in=LIMITS["n_in"] + 1))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)
PLACES = [("version",), ("kind",), ("config",), ("params",), ("config", "n_hidden"), ("config", "activation")] + [
    ("params", name) for name in ("w1", "w2", "b1", "w3", "b2")
]


@given(st.sampled_from(PLACES), JSON_VALUES)
@settings(max_examples=300, deadline=None)
def test_any_json_value_anywhere_is_loaded_or_refused_with_a_weights_error_only(place, value):
    def change(document):
        *parents, key = place
        for parent in parents:
            document = document[parent]
        document[key] = value

    try:
        model = model_from_json(doctored(change))
    except WeightsError as error:
        assert 0 < len(str(error)) < 300
    else:
        assert np.all(np.isfinite(model.flat))


def test_refuses_binary_and_oversized_files():
    with pytest.raises(WeightsError, match="not text"):
        model_from_json(b"\xff\xfe\x00\x80")
    with pytest.raises(WeightsError, match="larger than"):
        model_from_json(b" " * 2_000_000)
    with pytest.raises(WeightsError, match="brackets nest thousands of levels deep"):
        model_from_json("[" * 100_000 + "]" * 100_000)


def test_weights_error_is_a_value_error():
    assert issubclass(WeightsError, ValueError)
