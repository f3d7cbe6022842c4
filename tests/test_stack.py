"""Forward and backward statistics against an explicit backprop, finite differences and the theory."""
import numpy as np
import pytest

from winit_helpers.maths.activations import get_activation
from winit_helpers.maths.forward import draw_network, propagate, run_stack
from winit_helpers.maths.init import layer_stds
from winit_helpers.maths.theory import mean_field


def explicit_backprop(x, weights, activation, r):
    """Plain forward and backward pass keeping everything; loss = sum(r * h_L)."""
    act = get_activation(activation)
    hs, zs = [x], []
    for w in weights:
        zs.append(hs[-1] @ w)
        hs.append(act.f(zs[-1]))
    g, grad_z, grad_h = r, [], []
    for w, z in zip(weights[::-1], zs[::-1]):
        delta = g * act.df(z)
        g = delta @ w.T
        grad_z.append(delta)
        grad_h.append(g)
    return hs[1:], zs, grad_z[::-1], grad_h[::-1], g


@pytest.mark.parametrize("activation", ["linear", "tanh", "relu", "sigmoid", "selu"])
def test_statistics_match_an_explicit_backprop_on_a_rectangular_net(activation):
    widths = [7, 13, 5, 9, 3]
    x, units = draw_network(widths, n_samples=11, seed=4)
    weights = [s * u for s, u in zip(layer_stds(widths, "glorot"), units)]
    stats = propagate(x, weights, activation, backward=True, bins=6, seed=9)
    r = np.random.default_rng(9).standard_normal((11, 3))    # the top gradient propagate draws
    hs, zs, grad_z, grad_h, grad_x = explicit_backprop(x, weights, activation, r)
    assert np.allclose(stats.h_std, [h.std() for h in hs], rtol=1e-10)
    assert np.allclose(stats.z_std, [z.std() for z in zs], rtol=1e-10)
    assert np.allclose(stats.h_mean, [h.mean() for h in hs], rtol=1e-10, atol=1e-14)
    assert np.allclose(stats.grad_z_std, [d.std() for d in grad_z], rtol=1e-10)
    assert np.allclose(stats.grad_h_std, [g.std() for g in grad_h], rtol=1e-10)
    assert np.allclose(stats.grad_input, grad_x, rtol=1e-10, atol=1e-14)
    for (counts, edges), h in zip(stats.h_hist, hs):    # bins span [mean - 4 std, mean + 4 std] within min..max
        lo, hi = max(h.min(), h.mean() - 4 * h.std()), min(h.max(), h.mean() + 4 * h.std())
        assert edges[0] == pytest.approx(lo) and edges[-1] == pytest.approx(hi)
        assert counts.sum() == np.sum((h >= lo - 1e-12) & (h <= hi + 1e-12))


@pytest.mark.parametrize("activation,output", [("tanh", "same"), ("relu", "softmax"), ("sigmoid", "softmax")])
def test_input_gradient_matches_finite_differences(activation, output):
    widths = [4, 6, 5, 3]
    x, units = draw_network(widths, n_samples=3, seed=2)
    weights = [s * u for s, u in zip(layer_stds(widths, "he"), units)]
    act = get_activation(activation)
    r = np.random.default_rng(5).standard_normal((3, 3))
    labels = np.random.default_rng(5).integers(0, 3, size=3)

    def loss(x):
        h = x
        for k, w in enumerate(weights):
            z = h @ w
            h = z if (output == "softmax" and k == len(weights) - 1) else act.f(z)
        if output == "same":
            return float((r * h).sum())
        logp = h - h.max(axis=1, keepdims=True)
        logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(3), labels].sum())

    grad = propagate(x, weights, activation, output=output, backward=True, seed=5).grad_input
    eps = 1e-6
    numeric = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[idx] = eps
        numeric[idx] = (loss(x + step) - loss(x - step)) / (2 * eps)
    assert np.allclose(grad, numeric, rtol=1e-5, atol=1e-7)


def test_backward_goes_through_w_transposed_so_fan_out_rules_it():
    # a funnel 1000 -> 100 -> 10, linear: forward ratios fan_in Var(w), backward fan_out Var(w)
    widths = [1000, 100, 10]
    stats = run_stack(widths, "lecun", "linear", n_samples=400, backward=True, seed=0)
    # forward: Var ratio is fan_in * Var(w) = 1 per layer (over 175 seeds: 0.85 to 1.14)
    assert 0.7 < stats.h_std[1] ** 2 / stats.h_std[0] ** 2 < 1.3
    # backward through layer 2: fan_out * Var(w) = 10 / 100 = 0.1 (over 175 seeds: 0.0905 to 0.113)
    assert 0.07 < stats.grad_h_std[1] ** 2 / stats.grad_z_std[1] ** 2 < 0.13


def test_relu_with_1_over_fan_in_halves_the_second_moment_each_layer():
    stats = run_stack([500] * 31, "lecun", "relu", n_samples=100, seed=0)
    # 30 layers: z_30 has std 2**-14.5 times z_1's (over 175 seeds log2 of the ratio lay in -15.34 .. -13.68,
    # and with He's 2/fan_in in -0.84 .. 0.82)
    assert -16 < np.log2(stats.z_std[-1] / stats.z_std[0]) < -13
    he = run_stack([500] * 31, "he", "relu", n_samples=100, seed=0)
    assert abs(np.log2(he.z_std[-1] / he.z_std[0])) < 1.5


def test_rescaling_keeps_the_statistics_beyond_float64():
    # N(0, 1) weights at width 100: the std grows 10x per layer, past float64 (1e308) at layer 309
    with np.errstate(all="raise"):
        stats = run_stack([100] * 351, "standard_normal", "linear", n_samples=20, backward=True, seed=0)
    assert np.all(np.isfinite(stats.h_std[:300]))
    assert stats.h_std[-1] == np.inf                  # reported as inf, with no warning
    assert 290 < np.log10(stats.z_std[299]) < 310          # 10 per layer: 10**300


def test_mean_field_against_closed_forms_and_simulation():
    widths = [500] * 6
    stds = layer_stds(widths, "he")
    mf = mean_field(widths, stds, "relu")
    assert np.allclose(mf.z_std, np.sqrt(2.0), rtol=1e-6)          # He keeps Var(z) = 2 Var(x)... = 2
    lin = mean_field(widths, [0.5 / np.sqrt(500)] * 5, "linear")
    assert np.allclose(lin.h_std, 0.5 ** np.arange(1, 6), rtol=1e-6)   # std, not variance, falls by 0.5
    assert np.allclose(lin.grad_z_std, 0.5 ** np.arange(4, -1, -1), rtol=1e-6)
    funnel = [400, 200, 100, 50]             # rectangular: backward goes with fan_out, forward with fan_in
    lin = mean_field(funnel, layer_stds(funnel, "lecun"), "linear")
    assert np.allclose(lin.z_std, 1.0) and np.allclose(lin.grad_z_std, [0.5, 0.5 ** 0.5, 1.0])   # Var x 1/2 per layer
    sim = run_stack(widths, "glorot", "tanh", n_samples=200, backward=True, seed=3)
    mf = mean_field(widths, layer_stds(widths, "glorot"), "tanh")
    # over 500 seeds the largest relative gap was 0.015 (activations) and 0.023 (gradients)
    assert np.allclose(sim.h_std, mf.h_std, rtol=0.05)
    assert np.allclose(sim.grad_z_std, mf.grad_z_std, rtol=0.1)


def test_histograms_only_when_asked_and_backward_only_when_asked():
    stats = run_stack([20, 20, 20], "lecun", "tanh", seed=0)
    assert stats.h_hist is None and stats.grad_z_std is None and stats.grad_hist is None
    stats = run_stack([20, 20, 20], "lecun", "relu", bins=10, backward=True, seed=0)
    assert len(stats.h_hist) == len(stats.grad_hist) == 2


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"widths must list at least two widths"):
        run_stack([10])
    with pytest.raises(ValueError, match=r"widths\[1\] must be a whole number >= 1, got 0"):
        run_stack([10, 0, 10])
    with pytest.raises(TypeError, match="widths must be a list"):
        run_stack(10)
    with pytest.raises(ValueError, match="unknown output 'sigmoid'; choose one of: same, softmax"):
        run_stack([10, 10], output="sigmoid")
    with pytest.raises(ValueError, match=r"weights\[1\] must have shape \(5, n_out\)"):
        propagate(np.ones((3, 4)), [np.ones((4, 5)), np.ones((4, 5))])
    with pytest.raises(ValueError, match="unknown activation"):
        run_stack([10, 10], activation="tahn")
    with pytest.raises(ValueError, match="multiplier must be a finite number > 0"):
        run_stack([10, 10], multiplier=0)
    with pytest.raises(ValueError, match="overflowed float64 at layer"):
        run_stack([100] * 400, "standard_normal", "selu", n_samples=5)


def test_scaled_weights_are_the_scaled_matrix_forward_and_back():
    from winit_helpers.maths.forward import ScaledWeights
    rng = np.random.default_rng(8)
    h, units, g = rng.standard_normal((7, 5)), rng.standard_normal((5, 3)), rng.standard_normal((7, 3))
    w = ScaledWeights(units, 0.37)
    np.testing.assert_allclose(h @ w, h @ (0.37 * units), rtol=1e-13)
    np.testing.assert_allclose(g @ w.T, g @ (0.37 * units).T, rtol=1e-13)
    assert w.shape == (5, 3) and w.T.shape == (3, 5)
