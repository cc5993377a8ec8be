"""The gradient lab's engine: log10 magnitudes that stay finite where the numbers themselves cannot."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnn_core as rc
from rnn_core import analysis as an

ACTIVATIONS = ["relu", "tanh", "sigmoid", "identity"]


def vanilla(activation, w1, w2, b1, w3, b2=0.0):
    model = rc.VanillaRNN(n_hidden=1, activation=activation)
    for name, value in dict(w1=w1, w2=w2, b1=b1, w3=w3, b2=b2).items():
        model.params[name] = value
    return model


def log10_or_minus_inf(values):
    with np.errstate(divide="ignore"):
        return np.log10(np.abs(values))


@pytest.mark.parametrize("pattern", an.PATTERNS)
def test_input_patterns_are_prices_in_zero_to_one(pattern):
    xs = an.input_pattern(pattern, 9, seed=3)
    assert xs.shape == (9,)
    assert np.all((xs >= 0) & (xs <= 1))
    np.testing.assert_array_equal(xs, an.input_pattern(pattern, 9, seed=3))


def test_input_pattern_rejects_unknown_names_and_empty_sequences():
    with pytest.raises(ValueError, match="unknown input pattern"):
        an.input_pattern("sawtooth", 5)
    with pytest.raises(ValueError, match="at least one step"):
        an.input_pattern("constant", 0)


@pytest.mark.parametrize("T", [1, 2, 10, 50, 1000])
@pytest.mark.parametrize("w2", [3.0, 2.0, -2.0, 1.0, 0.5, -0.25])
def test_identity_magnitude_is_exactly_the_power_of_w2(T, w2):
    w1, w3 = 0.7, 1.3
    logs = an.log10_input_gradients(np.ones(T), w1, w2, 0.0, w3, "identity")
    t = np.arange(1, T + 1)
    expected = (T - t) * np.log10(abs(w2)) + np.log10(abs(w1 * w3))
    np.testing.assert_allclose(logs, expected, rtol=0, atol=1e-9)
    grid = an.log10_first_input_gradient_grid([w2], [T], w1=w1, w3=w3, activation="identity")
    assert grid[0, 0] == pytest.approx((T - 1) * np.log10(abs(w2)) + np.log10(abs(w1 * w3)), abs=1e-9)


def test_the_lessons_numbers_for_ten_steps():
    # w2 = 2, T = 10: the first input is scaled by 2^9 = 512; w2 = 0.5 by 0.5^9.
    assert 10 ** an.log10_input_gradients(np.ones(10), 1.0, 2.0, 0.0, 1.0, "identity")[0] == pytest.approx(512)
    assert 10 ** an.log10_input_gradients(np.ones(10), 1.0, 0.5, 0.0, 1.0, "identity")[0] == pytest.approx(0.5**9)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_w2_three_over_a_thousand_steps_is_finite_and_silent(activation):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logs = an.log10_input_gradients(np.ones(1000), 1.0, 3.0, 0.0, 1.0, activation)
        grid = an.log10_first_input_gradient_grid(np.linspace(-3, 3, 41), np.arange(1, 1001), activation=activation)
        w2_grad = an.log10_w2_gradient(np.ones(1000), 1.0, 3.0, activation=activation)
        surface = an.log10_loss_surface(np.ones(1000), [2.5, 3.0], [0.5, 1.0], activation=activation)
    for values in (logs, grid, w2_grad.log10_steps, surface):
        assert not np.isnan(values).any()
        assert not np.isposinf(values).any()
    if activation in ("identity", "relu"):
        assert logs[0] == pytest.approx(999 * np.log10(3.0), abs=1e-9)  # about 10^477
        assert w2_grad.total.log10 > 470


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("w2", [-1.3, -0.4, 0.7, 1.5])
def test_log_input_gradients_match_the_engines_bptt(activation, w2):
    xs = an.input_pattern("random", 12, seed=1)
    model = vanilla(activation, 0.8, w2, 0.1, 1.2)
    exact = model.input_gradients(xs[None])[0]
    logs = an.log10_input_gradients(xs, 0.8, w2, 0.1, 1.2, activation)
    np.testing.assert_allclose(logs, log10_or_minus_inf(exact), rtol=0, atol=1e-9)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("w2", [-1.3, 0.7, 1.5])
def test_per_step_w2_pieces_match_bptt_and_sum_to_the_gradient(activation, w2):
    xs = an.input_pattern("random", 12, seed=2)
    model = vanilla(activation, 0.8, w2, 0.1, 1.2, 0.05)
    _, grads = model.loss_and_grads(xs[None], [[1.0]], loss="ssr")
    result = an.log10_w2_gradient(xs, 0.8, w2, 0.1, 1.2, 0.05, 1.0, activation)
    pieces = result.signs * 10.0**result.log10_steps
    np.testing.assert_allclose(pieces, grads.per_step["w2"][:, 0, 0], rtol=1e-9, atol=1e-15)
    total = result.total.sign * 10.0**result.total.log10
    assert total == pytest.approx(grads.params["w2"][0, 0], rel=1e-9)
    loss = float((model.predict(xs[None])[0, 0] - 1.0) ** 2)
    assert 10**result.log10_loss == pytest.approx(loss, rel=1e-9)


def test_the_first_steps_w2_piece_is_exactly_zero_because_h0_is_zero():
    result = an.log10_w2_gradient(np.ones(5), 1.0, 0.9, activation="tanh")
    assert result.signs[0] == 0 and np.isneginf(result.log10_steps[0])
    assert np.isfinite(result.log10_steps[1:]).all()


def test_vanishing_w2_leaves_early_steps_almost_nothing():
    result = an.log10_w2_gradient(np.ones(60), 1.0, 0.5, activation="identity")

    # piece t is dL/dz_t * h_(t-1): dL/dz_t halves with every step back, and with a constant
    # input of 1 the hidden value is h_t = 2 (1 - 0.5^t). Step 10's piece is 2^-50 times step 60's.
    def h(t):
        return 2 * (1 - 0.5**t)

    expected = 50 * np.log10(2) + np.log10(h(59) / h(9))
    assert result.log10_steps[59] - result.log10_steps[9] == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_grid_agrees_with_single_computations(activation):
    w2s = np.linspace(-3, 3, 37)
    lengths = np.array([1, 2, 7, 33, 64, 65, 200])
    xs = an.input_pattern("alternating", 200)
    grid = an.log10_first_input_gradient_grid(w2s, lengths, xs=xs, w1=0.9, b1=0.05, w3=1.1, activation=activation)
    assert grid.shape == (w2s.size, lengths.size)
    rng = np.random.default_rng(0)
    for i, j in zip(rng.integers(0, w2s.size, 25), rng.integers(0, lengths.size, 25), strict=True):
        T = lengths[j]
        single = an.log10_input_gradients(xs[:T], 0.9, w2s[i], 0.05, 1.1, activation)[0]
        if np.isneginf(single):
            assert np.isneginf(grid[i, j])
        else:
            assert grid[i, j] == pytest.approx(single, abs=1e-9)


def test_grid_accepts_unsorted_lengths():
    w2s = np.array([-2.0, 0.5, 1.5])
    lengths = np.array([40, 3, 17])
    grid = an.log10_first_input_gradient_grid(w2s, lengths, activation="tanh")
    for j, T in enumerate(lengths):
        np.testing.assert_allclose(
            grid[:, j], [an.log10_input_gradients(np.ones(T), 1.0, w, 0.0, 1.0, "tanh")[0] for w in w2s], atol=1e-9
        )


@settings(max_examples=30, deadline=None)
@given(
    activation=st.sampled_from(ACTIVATIONS),
    w1=st.floats(-2, 2).filter(lambda v: abs(v) > 0.05),
    w2=st.floats(-3, 3),
    b1=st.floats(-1, 1),
    T=st.integers(1, 25),
)
def test_log_gradients_match_bptt_for_random_settings(activation, w1, w2, b1, T):
    xs = an.input_pattern("random", T, seed=T)
    model = vanilla(activation, w1, w2, b1, 1.0)
    trace = model.forward(xs[None])
    if activation == "relu" and np.any(np.abs(trace.pre_activation) < 1e-9):
        return  # on ReLU's kink both sides use slope 0, but rounding may pick either side
    exact = model.input_gradients(xs[None])[0]
    logs = an.log10_input_gradients(xs, w1, w2, b1, 1.0, activation)
    # Where float64 BPTT underflows (a tiny w2 to a power: subnormal or 0), the log form keeps the value.
    underflow = (np.abs(exact) < 1e-280) & (logs < -270)
    np.testing.assert_allclose(logs[~underflow], log10_or_minus_inf(exact[~underflow]), rtol=0, atol=1e-8)


def test_relu_off_makes_the_gradient_exactly_zero_not_tiny():
    # With w1 > 0 and a negative bias, the unit is off on a low day: nothing flows back past it.
    xs = np.array([1.0, 0.0, 1.0])
    logs = an.log10_input_gradients(xs, 1.0, 0.5, -0.8, 1.0, "relu")
    assert np.isneginf(logs[0]) and np.isneginf(logs[1])
    assert np.isfinite(logs[2])


def test_the_statquest_kink_counts_as_off():
    # (high, medium) with the StatQuest weights puts day 2's sum at exactly 0: slope 0 (PyTorch's rule).
    w = rc.STATQUEST_WEIGHTS
    logs = an.log10_input_gradients([1.0, 0.5], w["w1"], w["w2"], w["b1"], w["w3"], "relu")
    assert np.isneginf(logs).all()


def test_signed_log_sum_cancels_and_keeps_signs():
    assert an.signed_log_sum(np.array([2.0, 2.0]), np.array([1.0, -1.0])) == (-np.inf, 0.0)
    value, sign = an.signed_log_sum(np.array([3.0, 1.0]), np.array([-1.0, 1.0]))
    assert sign == -1.0 and 10**value == pytest.approx(990.0)
    assert an.signed_log_sum(np.array([-np.inf]), np.array([0.0])) == (-np.inf, 0.0)


def test_loss_surface_matches_direct_predictions():
    xs = an.input_pattern("alternating", 8)
    w1s, w2s = np.array([0.5, 1.0, 1.5]), np.array([-1.0, 0.3, 1.2])
    surface = an.log10_loss_surface(xs, w1s, w2s, b1=0.1, w3=0.9, target=1.0, activation="tanh")
    for i, w1 in enumerate(w1s):
        for j, w2 in enumerate(w2s):
            y = vanilla("tanh", w1, w2, 0.1, 0.9).predict(xs[None])[0, 0]
            assert surface[i, j] == pytest.approx(np.log10((y - 1.0) ** 2), abs=1e-9)


def test_cliff_gradient_matches_central_differences():
    rng = np.random.default_rng(4)
    for w, b in rng.uniform([1.0, -6.0], [10.0, 0.0], size=(12, 2)):
        error, gw, gb = an.cliff_loss_and_grad(w, b)
        eps = 1e-6
        fd_w = (an.cliff_loss_and_grad(w + eps, b)[0] - an.cliff_loss_and_grad(w - eps, b)[0]) / (2 * eps)
        fd_b = (an.cliff_loss_and_grad(w, b + eps)[0] - an.cliff_loss_and_grad(w, b - eps)[0]) / (2 * eps)
        scale = max(1e-8, abs(fd_w) + abs(fd_b))
        assert abs(gw - fd_w) / scale < 1e-5 and abs(gb - fd_b) / scale < 1e-5


def test_cliff_has_a_narrow_wall_of_huge_gradient():
    w = np.linspace(3, 9, 60_001)
    error, gw, gb = an.cliff_loss_and_grad(w, -2.5)
    norms = np.hypot(gw, gb)
    assert norms.max() > 1e4 * np.median(norms)
    assert (norms > 10).mean() < 1e-3  # the wall is a tiny fraction of the line
    wall = np.argmax(norms)
    assert error[wall - 100] > 10 * error[wall + 100]  # the error drops off the cliff


def test_clipping_keeps_descent_from_being_thrown_off_the_cliff():
    start, lr = (5.5, -2.0), 0.5
    free = an.cliff_descent(start, lr, 60)
    clipped = an.cliff_descent(start, lr, 60, clip_threshold=0.5)
    assert free.step_lengths().max() > 100  # one step lands on the wall and is thrown far away
    assert clipped.step_lengths().max() <= lr * 0.5 + 1e-12  # a clipped step moves at most lr * threshold
    assert clipped.loss[-1] < 0.01 < free.loss[-1]


def test_norm_clipping_rescales_only_large_gradients_and_survives_huge_ones():
    np.testing.assert_allclose(rc.clip_gradient(np.array([3.0, 4.0]), "norm", 1.0)[0], [0.6, 0.8])
    np.testing.assert_allclose(rc.clip_gradient(np.array([0.3, 0.4]), "norm", 1.0)[0], [0.3, 0.4])
    # |g| of (3e300, 4e300) overflows a plain sum of squares; the direction must survive clipping.
    np.testing.assert_allclose(rc.clip_gradient(np.array([3e300, 4e300]), "norm", 1.0)[0], [0.6, 0.8])
    assert rc.global_norm(np.array([3e300, 4e300])) == pytest.approx(5e300)
    assert np.isnan(rc.global_norm(np.array([np.nan, 1.0])))
    assert rc.global_norm(np.array([np.inf, 1.0])) == np.inf


def test_descent_path_stops_before_leaving_the_finite_numbers():
    def steep(point):
        return float(point[0] ** 2), (1e300, 0.0)

    path = an.descent_path(steep, (1.0, 0.0), lr=1e10, n_steps=5)  # the first step overflows to -inf
    assert len(path) == 1
    assert all(np.isfinite(v).all() for v in (path.points, path.loss, path.gradient_norm))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_scalar_loss_and_gradient_match_the_engine(activation):
    xs = an.input_pattern("random", 40, seed=5)
    model = vanilla(activation, 0.8, 0.9, 0.1, 1.2, 0.05)
    loss, grads = model.loss_and_grads(xs[None], [[1.0]], loss="ssr")
    scalar_loss, grad_w1, grad_w2 = an.one_unit_loss_and_grad(xs, 0.8, 0.9, 0.1, 1.2, 0.05, 1.0, activation)
    assert scalar_loss == pytest.approx(loss, rel=1e-12)
    assert grad_w1 == pytest.approx(grads["w1"][0, 0], rel=1e-10)
    assert grad_w2 == pytest.approx(grads["w2"][0, 0], rel=1e-10)


def test_scalar_loss_reports_overflow_as_non_finite_without_raising():
    loss, grad_w1, grad_w2 = an.one_unit_loss_and_grad(np.ones(1000), 1.0, 3.0, activation="identity")
    assert not np.isfinite(loss)


@pytest.mark.parametrize(("rows", "columns"), [("b1", "w3"), ("w2", "b2"), ("w1", "b1")])
def test_loss_surface_over_any_two_parameters_matches_direct_predictions(rows, columns):
    xs = an.input_pattern("random", 9, seed=3)
    row_values, column_values = np.array([-0.5, 0.2, 0.9]), np.array([-1.0, 0.4, 1.3])
    weights = {"w1": 0.8, "w2": 0.6, "b1": 0.1, "w3": 1.2, "b2": -0.1}
    surface = an.log10_loss_surface_over(xs, rows, row_values, columns, column_values, weights, 1.0, "tanh")
    for i, r in enumerate(row_values):
        for j, c in enumerate(column_values):
            y = vanilla("tanh", **{**weights, rows: r, columns: c}).predict(xs[None])[0, 0]
            assert surface[i, j] == pytest.approx(np.log10((y - 1.0) ** 2), abs=1e-9)


def test_loss_surface_needs_two_different_known_parameters():
    with pytest.raises(ValueError, match="two different parameters"):
        an.log10_loss_surface_over([1.0], "w2", [1.0], "w2", [1.0])
    with pytest.raises(ValueError, match="two different parameters"):
        an.log10_loss_surface_over([1.0], "w2", [1.0], "gamma", [1.0])


# ----------------------------------------------------------------------------- log form of the one-unit loss
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_log_form_loss_and_gradient_match_the_plain_floats(activation):
    rng = np.random.default_rng(7)
    for _ in range(25):
        xs = rng.uniform(0, 1, int(rng.integers(1, 40)))
        w1, w2, b1, w3, b2 = rng.uniform(-1.5, 1.5, 5)
        loss, grad_w1, grad_w2 = an.one_unit_loss_and_grad(xs, w1, w2, b1, w3, b2, 1.0, activation)
        log_loss, log_w1, log_w2 = an.one_unit_log10_loss_and_grad(xs, w1, w2, b1, w3, b2, 1.0, activation)
        assert 10.0**log_loss == pytest.approx(loss, rel=1e-9)
        for grad, (log, sign) in ((grad_w1, log_w1), (grad_w2, log_w2)):
            if grad == 0.0:
                assert log == -np.inf
            else:
                assert sign * 10.0**log == pytest.approx(grad, rel=1e-9)


def test_log_form_gradient_at_w2_three_over_a_thousand_steps_is_exact():
    # identity, w1 = w3 = 1, constant input 1: h_T = S = (3^T - 1) / 2 and dh_T/dw2 = sum_k k 3^(k - 1),
    # whole numbers Python computes exactly; L = (S - 1)^2.
    T = 1000
    S = (3**T - 1) // 2
    dh_dw2 = sum(k * 3 ** (k - 1) for k in range(1, T))
    log_loss, grad_w1, grad_w2 = an.one_unit_log10_loss_and_grad(np.ones(T), 1.0, 3.0, activation="identity")
    assert log_loss == pytest.approx(2 * math.log10(S - 1), abs=1e-9)
    assert grad_w1 == (pytest.approx(math.log10(2 * (S - 1) * S), abs=1e-9), 1.0)
    assert grad_w2 == (pytest.approx(math.log10(2 * (S - 1) * dh_dw2), abs=1e-9), 1.0)
    # ... and the vectorised per-step pieces agree
    assert an.log10_w2_gradient(np.ones(T), 1.0, 3.0, activation="identity").total == grad_w2


def test_clipped_descent_walks_down_from_where_floats_overflow():
    xs = np.ones(1000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clipped = an.one_unit_descent(xs, (1.0, 3.0), 0.05, 40, clip_threshold=1.0, activation="identity")
        plain = an.one_unit_descent(xs, (1.0, 3.0), 0.05, 40, activation="identity")
    assert len(clipped) == 41 and clipped.throw is None
    assert clipped.log10_loss[0] == pytest.approx(2 * math.log10((3**1000 - 1) // 2 - 1), abs=1e-9)  # about 10^954
    assert np.all(clipped.step_lengths() <= 0.05 + 1e-12)
    assert clipped.log10_loss[-1] < clipped.log10_loss[0] - 900  # down by hundreds of orders of magnitude
    # Without clipping the very first step is about 10^955 long: no float can hold where it lands.
    assert len(plain) == 1
    assert plain.throw is not None
    assert plain.throw.log10_length == pytest.approx(np.log10(0.05) + plain.log10_gradient_norm[0])


# ----------------------------------------------------------------------------- one descent result, one order
def walked(loss_and_grad, start, lr, n_steps, clip_threshold=None):
    """Gradient descent written out here from a loss_and_grad(point) -> (loss, gradient) and the
    engine's clipping, as the reference: the visited points, their losses and |gradient|s."""
    p, points, losses, norms = np.array(start, dtype=float), [], [], []
    for _ in range(n_steps + 1):
        loss, grad = loss_and_grad(p)
        grad = np.array(grad, dtype=float)
        if not (np.isfinite(loss) and np.isfinite(grad).all()):
            break
        points.append(p)
        losses.append(loss)
        norms.append(rc.global_norm(grad))
        if clip_threshold is not None:
            grad, _ = rc.clip_gradient(grad, "norm", clip_threshold)
        p = p - lr * grad
    return np.array(points), np.array(losses), np.array(norms)


def assert_walks_like(path, reference, rtol=1e-9):
    points, losses, norms = reference
    assert isinstance(path, an.DescentPath)
    assert len(path) == len(points)
    np.testing.assert_allclose(path.points, points, rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(path.loss, losses, rtol=rtol, atol=0)
    np.testing.assert_allclose(path.gradient_norm, norms, rtol=rtol, atol=0)
    np.testing.assert_allclose(path.log10_loss, np.log10(losses), rtol=0, atol=1e-12)


def cliff_error_and_grad(point):
    error, gw, gb = an.cliff_loss_and_grad(*point)
    return float(error), (float(gw), float(gb))


@pytest.mark.parametrize("clip_threshold", [None, 0.5])
@pytest.mark.parametrize("start_w", [4.5, 5.5, 7.0])
def test_the_cliffs_descent_is_a_descent_path_along_the_cliffs_own_gradient(start_w, clip_threshold):
    start = (start_w, -2.0)
    path = an.cliff_descent(start, 0.5, 30, clip_threshold=clip_threshold)
    assert_walks_like(path, walked(cliff_error_and_grad, start, 0.5, 30, clip_threshold))
    assert path.throw is None
    np.testing.assert_array_equal(path.step_lengths(), np.hypot(*np.diff(path.points, axis=0).T))


@pytest.mark.parametrize("clip_threshold", [None, 1.0])
def test_descent_path_on_any_function_is_the_same_type_with_the_same_numbers(clip_threshold):
    def bowl(p):
        return float(p[0] ** 2 + 3.0 * p[1] ** 2 + 0.5), (2.0 * p[0], 6.0 * p[1])

    path = an.descent_path(bowl, (2.0, -1.5), 0.1, 25, clip_threshold=clip_threshold)
    assert_walks_like(path, walked(bowl, (2.0, -1.5), 0.1, 25, clip_threshold))
    assert an.cliff_descent((5.5, -2.0), 0.5, 30).points.tolist() == (
        an.descent_path(cliff_error_and_grad, (5.5, -2.0), 0.5, 30).points.tolist()
    )


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("clip_threshold", [None, 0.5])
def test_the_rnns_descent_walks_over_w1_then_w2_with_the_engines_gradient(activation, clip_threshold):
    xs = an.input_pattern("random", 12, seed=4)
    weights = {"b1": 0.1, "w3": 1.1, "b2": 0.05, "target": 1.0}

    def loss_and_grad(p):
        loss, grad_w1, grad_w2 = an.one_unit_loss_and_grad(xs, p[0], p[1], activation=activation, **weights)
        return loss, (grad_w1, grad_w2)

    path = an.one_unit_descent(xs, (1.8, 0.7), 0.05, 20, clip_threshold, activation=activation, **weights)
    assert_walks_like(path, walked(loss_and_grad, (1.8, 0.7), 0.05, 20, clip_threshold))
    assert path.points[0].tolist() == [1.8, 0.7] and path.throw is None


def test_a_throw_points_along_minus_the_gradient_in_w1_w2_order():
    xs = np.ones(1000)
    path = an.one_unit_descent(xs, (1.0, 3.0), 0.05, 40, activation="identity")
    log_loss, grad_w1, grad_w2 = an.one_unit_log10_loss_and_grad(xs, 1.0, 3.0, activation="identity")
    top = max(grad_w1.log10, grad_w2.log10)
    direction = np.array([g.sign * 10.0 ** (g.log10 - top) for g in (grad_w1, grad_w2)])
    np.testing.assert_allclose(path.throw.direction, direction / np.hypot(*direction), rtol=1e-12)
    assert isinstance(path.throw, an.Throw) and path.log10_loss[0] == pytest.approx(log_loss, abs=1e-12)


def test_a_descent_path_is_frozen_and_read_only():
    path = an.cliff_descent((5.5, -2.0), 0.5, 5)
    with pytest.raises(AttributeError):
        path.throw = None
    for values in (path.points, path.log10_loss, path.log10_gradient_norm):
        with pytest.raises(ValueError, match="read-only"):
            values[0] = 0.0


def test_every_signed_log_is_log10_then_sign():
    xs = an.input_pattern("random", 15, seed=6)
    summed = an.signed_log_sum(np.array([3.0, 1.0]), np.array([-1.0, 1.0]))
    assert isinstance(summed, an.SignedLog) and summed.sign == -1.0
    assert summed.log10 == pytest.approx(math.log10(990.0), abs=1e-12)
    loss, grad_w1, grad_w2 = an.one_unit_loss_and_grad(xs, 0.8, -1.2, 0.1, 1.2, 0.05, 1.0, "tanh")
    log_loss, log_w1, log_w2 = an.one_unit_log10_loss_and_grad(xs, 0.8, -1.2, 0.1, 1.2, 0.05, 1.0, "tanh")
    for grad, log in ((grad_w1, log_w1), (grad_w2, log_w2)):
        assert isinstance(log, an.SignedLog)
        assert (log.log10, log.sign) == (pytest.approx(math.log10(abs(grad)), abs=1e-9), math.copysign(1.0, grad))
    pieces = an.log10_w2_gradient(xs, 0.8, -1.2, 0.1, 1.2, 0.05, 1.0, "tanh")
    assert isinstance(pieces.total, an.SignedLog)
    assert pieces.total.log10 == pytest.approx(log_w2.log10, abs=1e-9) and pieces.total.sign == log_w2.sign
    zero = an.one_unit_log10_loss_and_grad(np.ones(3), 0.0, 0.0, b2=1.0, activation="identity")
    assert zero[1:] == (an.SignedLog(-np.inf, 0.0), an.SignedLog(-np.inf, 0.0))


def test_the_lab_surface_is_w1_by_w2_like_the_general_surface():
    xs = an.input_pattern("alternating", 8)
    w1s, w2s = np.array([0.5, 1.0, 1.5]), np.array([-1.0, 0.3, 1.2, 2.0])
    surface = an.log10_loss_surface(xs, w1s, w2s, b1=0.1, w3=0.9, activation="tanh")
    assert surface.shape == (w1s.size, w2s.size)
    weights = {"b1": 0.1, "w3": 0.9, "b2": 0.0}
    np.testing.assert_array_equal(
        surface, an.log10_loss_surface_over(xs, "w1", w1s, "w2", w2s, weights, activation="tanh")
    )


# ----------------------------------------------------------------------------- gated models
def gated(kind, seed, bias=None):
    model = rc.MODEL_KINDS[kind](n_hidden=4, seed=seed)
    if bias is not None:
        name = "b" if kind == "lstm" else "b_x"
        values = model.params[name].copy()
        values[4:8] = bias
        model.params[name] = values
    return model


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gated_log_gradients_match_the_models_own_backward(kind, seed):
    rng = np.random.default_rng(seed)
    model = gated(kind, seed, bias=float(rng.uniform(-2, 6)))
    xs = rng.uniform(0, 1, 80)
    reference = model.input_gradients(xs[None])[0]
    np.testing.assert_allclose(an.log10_gated_input_gradients(model, xs), np.log10(np.abs(reference)), atol=1e-9)


@pytest.mark.parametrize(("kind", "bias"), [("lstm", -1.0), ("gru", -2.0)])
def test_gated_log_gradients_keep_their_size_where_floats_underflow(kind, bias):
    # y_T is linear in w3, so with w3 times 10^250 the model's own float gradients are 10^250 times
    # larger: an independent reference for values far below 10^-308.
    xs = np.ones(1000)
    model = gated(kind, 0, bias=bias)  # a memory gate mostly closed: about 10^-0.4 per step
    logs = an.log10_gated_input_gradients(model, xs)
    assert np.isfinite(logs).all()
    assert -500 < logs.min() < -330, "this setting underflows plain floats (and 10^250 brings it back)"
    assert (model.input_gradients(xs[None])[0] == 0.0).any()  # ... as the float pass shows: "exactly 0"
    model.params["w3"] = model.params["w3"] * 1e250
    scaled = model.input_gradients(xs[None])[0]
    np.testing.assert_allclose(logs + 250, np.log10(np.abs(scaled)), atol=1e-8)


def test_gated_log_gradients_refuse_other_models():
    with pytest.raises(ValueError, match="LSTM or a GRU"):
        an.log10_gated_input_gradients(rc.VanillaRNN(n_hidden=1), np.ones(3))


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_a_memory_gate_held_open_keeps_old_inputs_counting(kind):
    """memory_gate_model sets the memory gate's bias block (LSTM: forget b, input -b; GRU: update b),
    and the larger b, the more the first of 200 days still counts at the end."""
    model = an.memory_gate_model(kind, 3, 4.0, seed=1)
    bias = model.params["b" if kind == "lstm" else "b_x"]
    assert np.all(bias[3:6] == 4.0)
    if kind == "lstm":
        assert np.all(bias[:3] == -4.0)
    days = np.ones(200)
    held = an.log10_gated_input_gradients(model, days)[0]
    loose = an.log10_gated_input_gradients(an.memory_gate_model(kind, 3, 0.0, seed=1), days)[0]
    assert held > loose + 10
