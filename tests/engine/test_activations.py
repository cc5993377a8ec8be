"""The activation table: each activation's value, slope, log-slope, scalar form and largest
slope agree with each other and with the textbook functions."""

from __future__ import annotations

import math

import numpy as np
import pytest

import rnn_core as rc
from rnn_core.activations import TABLE, activation_named

TEXTBOOK = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "identity": lambda z: z,
}
# Points away from ReLU's kink, from the saturated tails to the middle.
ZS = np.concatenate([np.linspace(-30, 30, 601), [-1e-9, 1e-9, 0.3, -0.7]])
ZS = ZS[np.abs(ZS) > 1e-12]


def test_the_table_lists_the_pages_activations_in_order():
    assert rc.ACTIVATIONS == tuple(TABLE) == ("relu", "tanh", "sigmoid", "identity")
    assert rc.MAX_SLOPE == {name: TABLE[name].max_slope for name in TABLE}
    with pytest.raises(ValueError, match="choose one of relu, tanh, sigmoid, identity"):
        activation_named("softplus")


@pytest.mark.parametrize("name", rc.ACTIVATIONS)
def test_value_matches_the_textbook_function(name):
    act = TABLE[name]
    out = np.empty_like(ZS)
    assert act.value(ZS, out) is out
    np.testing.assert_allclose(out, TEXTBOOK[name](ZS), rtol=1e-15, atol=5e-16)


@pytest.mark.parametrize("name", rc.ACTIVATIONS)
def test_slope_matches_central_differences_and_the_log_slope(name):
    act = TABLE[name]
    h = act.value(ZS, np.empty_like(ZS))
    slope = act.slope(ZS, h, np.empty_like(ZS))
    eps = 1e-6
    numeric = (TEXTBOOK[name](ZS + eps) - TEXTBOOK[name](ZS - eps)) / (2 * eps)
    near_kink = (name == "relu") & (np.abs(ZS) < eps)
    np.testing.assert_allclose(slope[~near_kink], numeric[~near_kink], rtol=1e-6, atol=1e-9)
    # Where the slope is not tiny, 1 - h^2 and h (1 - h) are exact enough to check the log form
    # against; where it is, the slope from the output loses its digits and the log form is the
    # accurate one (next test).
    clear = slope > 1e-4
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(act.log10_slope(ZS)[clear], np.log10(slope[clear]), rtol=1e-9, atol=1e-12)
    if name == "relu":  # an exact zero stays exact: -inf, counted rather than hidden
        assert np.all(act.log10_slope(ZS)[slope == 0.0] == -np.inf) and np.any(slope == 0.0)
    assert slope.max() <= act.max_slope and slope.max() == pytest.approx(act.max_slope, rel=1e-3)


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_log_slope_stays_finite_where_the_slope_underflows_to_zero(name):
    act = TABLE[name]
    z = np.array([400.0, -800.0])
    assert np.all(act.slope(z, act.value(z, np.empty(2)), np.empty(2)) == 0.0)
    expected = {"tanh": (math.log(4) - 2 * np.abs(z)) / math.log(10), "sigmoid": -np.abs(z) / math.log(10)}[name]
    np.testing.assert_allclose(act.log10_slope(z), expected, rtol=1e-12)


@pytest.mark.parametrize("name", rc.ACTIVATIONS)
def test_the_scalar_form_gives_the_array_forms_value_and_slope(name):
    act = TABLE[name]
    h = act.value(ZS, np.empty_like(ZS))
    slope = act.slope(ZS, h, np.empty_like(ZS))
    pairs = np.array([act.scalar(float(z)) for z in ZS])
    np.testing.assert_allclose(pairs[:, 0], h, rtol=1e-15, atol=5e-16)
    np.testing.assert_allclose(pairs[:, 1], slope, rtol=1e-12, atol=1e-15)
    assert math.isnan(act.scalar(math.nan)[0]), "a nan pre-activation passes on as nan"


def test_relus_slope_at_the_kink_is_zero_and_it_is_positively_homogeneous():
    relu = TABLE["relu"]
    assert relu.scalar(0.0) == (0.0, 0.0)
    assert relu.slope(np.zeros(1), np.zeros(1), np.empty(1))[0] == 0.0
    assert relu.homogeneous and TABLE["identity"].homogeneous
    assert not TABLE["tanh"].homogeneous and not TABLE["sigmoid"].homogeneous
