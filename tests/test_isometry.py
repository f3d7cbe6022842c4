"""Orthogonal init, Jacobian spectra, deep linear training, LSUV and residual scaling,
each against an independent fact: orthogonality, the Haar distribution, the Lyapunov
exponents, the Pennington et al. moments, exact identities."""
import numpy as np
import pytest

from winit_helpers.maths import isometry as iso
from winit_helpers.maths.meanfield import critical_line


@pytest.mark.parametrize("n, m", [(5, 5), (40, 40), (7, 3), (3, 7)])
def test_orthogonal_is_orthogonal(n, m):
    q = iso.orthogonal(n, m, seed=1)
    assert q.shape == (n, m)
    small = min(n, m)
    gram = q.T @ q if n >= m else q @ q.T
    assert np.allclose(gram, np.eye(small), atol=1e-13)


def test_orthogonal_is_uniformly_distributed():
    # For a Haar-distributed Q in O(n): E[Q00] = 0, E[Q00^2] = 1/n, E[tr Q] = 0, E[(tr Q)^2] = 1.
    # Over 4000 draws the standard errors are ~ 0.005 (Q00), 0.016 (tr Q), 0.03 ((tr Q)^2).
    rng = np.random.default_rng(0)
    n, draws = 6, 4000
    qs = np.stack([iso.orthogonal(n, seed=rng) for _ in range(draws)])
    q00, tr = qs[:, 0, 0], np.trace(qs, axis1=1, axis2=2)
    assert abs(q00.mean()) < 0.03 and abs((q00 ** 2).mean() - 1 / n) < 0.02
    assert abs(tr.mean()) < 0.08 and abs((tr ** 2).mean() - 1) < 0.15
    # without the sign fix LAPACK's Q is not uniform: its first entry is never positive
    raw = np.stack([iso.orthogonal(n, seed=rng, sign_fix=False) for _ in range(200)])
    assert np.all(raw[:, 0, 0] <= 0)


def test_orthogonal_product_keeps_every_singular_value_at_one():
    s = iso.product_singular_values(iso.weight_stack(100, 64, "orthogonal", seed=2))
    assert np.abs(s - 1).max() < 1e-12


def test_digamma_and_lyapunov_exponents():
    special = pytest.importorskip("scipy.special")
    n = 50
    mu = iso.lyapunov_exponents(n)
    assert np.allclose(mu, 0.5 * (np.log(2 / n) + special.digamma((n - np.arange(n)) / 2)), atol=1e-12)
    assert np.all(np.diff(mu) < 0)
    # the middle singular value of a 16-layer Gaussian product grows like exp(16 mu_mid)
    # (over 40 seeds the error in log lay in [-0.25, 0.33])
    s = iso.product_singular_values(iso.weight_stack(16, 100, "gaussian", seed=3))
    assert abs(np.log(s[49]) - 16 * iso.lyapunov_exponents(100)[49]) < 0.8


def test_jacobian_of_a_linear_orthogonal_network_is_orthogonal():
    s = iso.jacobian_singular_values(iso.weight_stack(20, 30, "orthogonal", seed=4), "linear")
    assert np.allclose(s, 1.0, atol=1e-12)


@pytest.mark.parametrize("activation, scheme", [("tanh", "orthogonal"), ("tanh", "gaussian"),
                                                ("relu", "orthogonal"), ("linear", "gaussian")])
def test_jacobian_spread_matches_the_free_probability_prediction(activation, scheme):
    # width 200, depth 8, median over 5 seeds: over 30 such medians the error lay in [-6%, +13%]
    q = 0.25
    if activation == "tanh":
        sw, sb = (float(v) for v in critical_line(q))
    else:
        sw, sb, q = (np.sqrt(2.0) if activation == "relu" else 1.0), 0.0, 1.0
    measured = np.median([iso.relative_spread(iso.jacobian_singular_values(
        iso.weight_stack(8, 200, scheme, seed=s), activation, sw, sb, q0=q, seed=100 + s)) for s in range(5)])
    assert measured == pytest.approx(iso.jacobian_spread(8, activation, scheme, q), rel=0.3)


def test_derivative_moments():
    assert iso.derivative_moments("relu", 1.0) == (0.5, 0.5)
    mu1, mu2 = iso.derivative_moments("tanh", 1e-10)
    assert mu1 == pytest.approx(1.0) and mu2 == pytest.approx(1.0)


def test_training_a_deep_linear_network_lowers_the_loss():
    run = iso.train_deep_linear(4, 8, "orthogonal", steps=300, n_runs=2, seed=0)
    assert run.loss.shape == (300, 2)
    assert np.all(run.loss[-1] < 0.05 * run.loss[0])
    assert np.all(np.isfinite(run.steps_to(0.05)))


def test_training_gradient_is_the_true_gradient():
    # one step of size eta moves the loss by -eta |grad|^2 to first order: compare with finite differences
    depth, width = 3, 4
    a = iso.train_deep_linear(depth, width, "gaussian", steps=2, n_runs=1, lr=1e-6, seed=5).loss[:, 0]
    b = iso.train_deep_linear(depth, width, "gaussian", steps=2, n_runs=1, lr=2e-6, seed=5).loss[:, 0]
    assert (a[0] - b[1]) == pytest.approx(2 * (a[0] - a[1]), rel=1e-3)


def test_lsuv_reaches_unit_variance_in_one_step_per_layer():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((300, 50))
    result = iso.lsuv(iso.weight_stack(6, 50, "orthogonal", seed=1), x, "tanh")
    assert result.converged.all() and np.allclose(result.std, 1.0, atol=0.01)
    assert np.all(result.iterations <= 1)
    # the pitfall: tanh's output variance is below 1 whatever the scale, so it never converges
    stuck = iso.lsuv(iso.weight_stack(6, 50, "orthogonal", seed=1), x, "tanh", measure="post", max_iter=10)
    assert not stuck.converged.any() and np.all(stuck.iterations == 10) and np.all(stuck.std < 1)


def test_lsuv_does_not_touch_its_input():
    w = iso.weight_stack(2, 10, "orthogonal", seed=1)
    before = w.copy()
    iso.lsuv(w, np.random.default_rng(0).standard_normal((100, 10)), "relu")
    assert np.array_equal(w, before)


def test_residual_stream_grows_like_one_plus_alpha_squared():
    # over 30 seeds (width 100, depth 20) log10 of measured / theory lay in [-0.51, 0.29] for alpha = 1,
    # [-0.17, 0.15] for alpha = 0.5 and [-0.045, 0.052] for alpha = 1/sqrt(20)
    for alpha, tol in [(1.0, 0.8), (0.5, 0.3), (1 / np.sqrt(20), 0.1)]:
        ms = iso.residual_stream(20, 100, alpha, seed=1)
        assert abs(np.log10(ms[-1] / ms[0] / (1 + alpha ** 2) ** 20)) < tol
    fixup = iso.residual_stream(20, 100, 1.0, seed=1, zero_last=True)
    assert np.allclose(fixup, fixup[0])


@pytest.mark.parametrize("call, error, words", [
    (lambda: iso.orthogonal(0), ValueError, "n must be a whole number >= 1"),
    (lambda: iso.weight_stack(3, 4, "xavier"), ValueError, "unknown kind 'xavier'; choose one of: orthogonal, gaussian"),
    (lambda: iso.product_singular_values(np.ones((3, 4))), ValueError, "stack of square matrices"),
    (lambda: iso.jacobian_singular_values(np.ones((2, 3, 3)), "selu"), ValueError, "unknown activation 'selu'"),
    (lambda: iso.lsuv(np.ones((2, 3, 3)), np.ones((5, 4))), ValueError, "x must be a batch"),
    (lambda: iso.lsuv(np.ones((2, 3, 3)), np.ones((5, 3)), measure="after"), ValueError, "unknown measure"),
    (lambda: iso.residual_stream(5, 10, -1.0), ValueError, "alpha must be a finite number >= 0"),
    (lambda: iso.train_deep_linear(2.5, 4), TypeError, "depth must be a whole number"),
])
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


@pytest.mark.parametrize("activation, scheme", [("tanh", "orthogonal"), ("relu", "gaussian"), ("linear", "gaussian")])
def test_spread_by_depth_is_the_spread_of_the_singular_values_at_every_depth(activation, scheme):
    # the trace formula after l layers against an SVD of the l-layer network (same draws: a prefix of the stack)
    w = iso.weight_stack(10, 30, scheme, seed=6)
    spreads, s = iso.jacobian_spread_by_depth(w, activation, 1.2, 0.1, q0=0.3, seed=7)
    assert np.array_equal(s, iso.jacobian_singular_values(w, activation, 1.2, 0.1, q0=0.3, seed=7))
    for depth in (1, 4, 10):
        sv = iso.jacobian_singular_values(w[:depth], activation, 1.2, 0.1, q0=0.3, seed=7)
        assert spreads[depth - 1] == pytest.approx(iso.relative_spread(sv), rel=1e-9)


def test_an_orthogonal_linear_product_has_spread_exactly_zero_not_a_rounding_below_it():
    # every singular value of a product of orthogonal matrices is 1 (to rounding): a variance over a mean squared,
    # which is never negative, so the figure and its message read 0, not -1.11e-16
    w = iso.weight_stack(32, 100, "orthogonal", seed=0)
    spreads, s = iso.jacobian_spread_by_depth(w, "linear", 1.0, 0.0)
    assert np.all(spreads >= 0) and np.all(spreads < 1e-13) and np.allclose(s, 1.0, atol=1e-12)


def test_exercise_checks_accept_the_solutions_and_name_the_mistakes(capsys):
    from winit_helpers.exercises.isometry import check_branch_scale, check_haar_orthogonal

    def haar(n, rng):
        q, r = np.linalg.qr(rng.standard_normal((n, n)))
        return q * np.sign(np.diag(r))

    assert check_haar_orthogonal(haar)
    assert not check_haar_orthogonal(lambda n, rng: np.linalg.qr(rng.standard_normal((n, n)))[0])
    assert "sign fix is missing" in capsys.readouterr().out
    assert not check_haar_orthogonal(lambda n, rng: rng.standard_normal((n, n)))
    assert "not the identity" in capsys.readouterr().out
    assert not check_haar_orthogonal(lambda n, rng: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out

    assert check_branch_scale(lambda d, g: np.sqrt(g ** (1 / d) - 1))
    assert not check_branch_scale(lambda d, g: 1 / np.sqrt(d))
    assert "bounds the expected growth, (1 + a**2)**depth, by e" in capsys.readouterr().out
    assert not check_branch_scale(lambda d, g: g ** (1 / d) - 1)
    assert "square root" in capsys.readouterr().out
    assert not check_branch_scale(lambda d, g: None)
    assert "it returned None" in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["orthogonal", "gaussian"])
def test_weight_stack_with_a_gain_is_gain_times_the_unit_stack(kind):
    unit = iso.weight_stack(3, 7, kind, seed=5)
    np.testing.assert_allclose(iso.weight_stack(3, 7, kind, seed=5, gain=2.5), 2.5 * unit, rtol=1e-15)
    if kind == "orthogonal":     # layer by layer, the matrices orthogonal() draws from the same generator
        rng = np.random.default_rng(5)
        np.testing.assert_array_equal(unit, np.stack([iso.orthogonal(7, seed=rng) for _ in range(3)]))


@pytest.mark.parametrize("kind, gain", [("orthogonal", 1.0), ("gaussian", 1.0), ("orthogonal", 1.3), ("gaussian", 0.7)])
def test_a_weight_stack_drawn_as_asked_is_weight_stack_at_every_depth(kind, gain):
    stack = iso.WeightStack(12, kind, seed=6, gain=gain, capacity=20)
    for depth in (3, 1, 9, 9, 20):
        assert np.array_equal(stack.layers(depth), iso.weight_stack(depth, 12, kind, seed=6, gain=gain))
    with pytest.raises(ValueError, match="at most 20"):
        stack.layers(21)

