"""Notebook 10's maths: attention's softmax, normalisation layers, pre-norm residual streams, width scaling.

Each function is compared with scipy, with a finite difference, with a loop typed out here, or with the
closed form it should follow over many seeds.
"""
import math

import numpy as np
import pytest
from scipy import special, stats

from winit_helpers.maths import attention as att
from winit_helpers.maths import normalisation as nrm
from winit_helpers.maths import residual_stream as rs
from winit_helpers.maths import theory
from winit_helpers.maths import width_scaling as ws


# --------------------------------------------------------------------------- attention
def test_softmax_and_entropy_agree_with_scipy():
    s = np.random.default_rng(0).standard_normal((5, 30)) * 10
    p = att.softmax(s)
    np.testing.assert_allclose(p, special.softmax(s, axis=1), rtol=1e-12)
    np.testing.assert_allclose(att.entropy(p), stats.entropy(p, axis=1), rtol=1e-10)
    assert att.entropy(np.array([0.0, 1.0, 0.0])) == 0.0


def test_softmax_jacobian_norm_is_the_frobenius_norm_of_diag_p_minus_ppT():
    p = att.softmax(np.random.default_rng(1).standard_normal((4, 12)) * 3)
    for row, value in zip(p, att.softmax_jacobian_norm(p)):
        J = np.diag(row) - np.outer(row, row)
        assert value == pytest.approx(np.linalg.norm(J), rel=1e-10)
        eps = 1e-6        # and J is the derivative: a finite difference of the softmax
        s0 = np.log(row)
        fd = np.array([(att.softmax(s0 + eps * e) - att.softmax(s0 - eps * e)) / (2 * eps) for e in np.eye(12)]).T
        np.testing.assert_allclose(fd, J, atol=1e-8)
    assert att.softmax_jacobian_norm(np.array([1.0, 0.0, 0.0])) == 0.0


def test_the_sweep_equals_each_d_k_on_its_own():
    d_ks = [1, 3, 8, 64]
    sweep = att.attention_sweep(d_ks, 16, n_rows=20, seed=4)
    for i, d in enumerate(d_ks):
        q, k = att.attention_draws(d, 16, n_rows=20, seed=4)
        s = np.array([[q[:, r] @ k[:, j] for j in range(16)] for r in range(20)])     # every dot product, one by one
        for scaled in (True, False):
            one = att.attention_row_stats(d, 16, scaled=scaled, n_rows=20, seed=4)
            p = special.softmax(s / (math.sqrt(d) if scaled else 1), axis=1)
            assert one.entropy == pytest.approx(stats.entropy(p, axis=1).mean(), rel=1e-10)
            assert one.max_weight == pytest.approx(p.max(axis=1).mean(), rel=1e-12)
            for name in ("score_var", "entropy", "max_weight", "grad_norm"):
                assert sweep[scaled][name][i] == pytest.approx(getattr(one, name), rel=1e-9), (d, scaled, name)


@pytest.mark.parametrize("d_k", [1, 16, 256])
def test_score_variance_is_d_k_unscaled_and_1_scaled(d_k):
    # over 200 seeds (200 rows x 64 keys) the measured variance / theory had mean 1.00 and lay in [0.74, 1.33]
    ratios = {True: [], False: []}
    for seed in range(200):
        for scaled in (True, False):
            r = att.attention_row_stats(d_k, 64, scaled=scaled, n_rows=200, seed=seed)
            ratios[scaled].append(r.score_var / theory.score_variance(d_k, scaled))
    for scaled, values in ratios.items():
        assert abs(np.mean(values) - 1) < 0.03, (scaled, np.mean(values))


def test_iid_softmax_entropy_matches_a_simulation_at_large_n():
    # 400 rows of 4096 independent N(0, v) scores; the large-n formula log(n) - v/2 holds to 0.5% for v <= 2
    rng = np.random.default_rng(2)
    for v in (0.25, 1.0, 2.0):
        s = rng.standard_normal((400, 4096)) * math.sqrt(v)
        measured = stats.entropy(special.softmax(s, axis=1), axis=1).mean()
        assert float(theory.iid_softmax_entropy(4096, v)) == pytest.approx(measured, rel=0.005)
    assert np.isnan(theory.iid_softmax_entropy(64, 8.0))          # beyond its range it says so


@pytest.mark.parametrize("n, gap", [(2, 0.35), (4, 0.23), (8, 0.14), (16, 0.084), (32, 0.048), (64, 0.026)])
def test_how_far_below_the_mean_entropy_the_large_n_formula_lies_with_few_keys(n, gap):
    """The gaps the attention view quotes (and why it draws log n - 1/2 from 16 keys on): the mean entropy of a
    softmax of n N(0, 1) scores over a million scores, against the formula."""
    from winit_helpers.figures.modern import ENTROPY_THEORY_KEYS
    s = np.random.default_rng(3).standard_normal((1_000_000 // n, n))
    measured = stats.entropy(special.softmax(s, axis=1), axis=1).mean()
    assert measured - (math.log(n) - 0.5) == pytest.approx(gap, abs=0.006)
    assert (measured - (math.log(n) - 0.5) < 0.09) == (n >= ENTROPY_THEORY_KEYS)   # the view's "less than 0.09"


def test_unscaled_attention_collapses_and_scaled_does_not():
    # over 200 seeds (100 rows of 64 keys): unscaled, d_k = 1024, the mean largest weight lay in [0.917, 0.974] and
    # the entropy in [0.079, 0.191]; scaled, [0.094, 0.120] and [3.65, 3.73] (log 64 - 1/2 = 3.66)
    for seed in range(0, 200, 20):
        u = att.attention_row_stats(1024, 64, scaled=False, n_rows=100, seed=seed)
        s = att.attention_row_stats(1024, 64, scaled=True, n_rows=100, seed=seed)
        assert u.max_weight > 0.9 and u.entropy < 0.3
        assert s.max_weight < 0.25 and abs(s.entropy - (math.log(64) - 0.5)) < 0.2


def test_attention_bad_input_says_what_to_change():
    with pytest.raises(ValueError, match="d_k must be a whole number >= 1"):
        att.attention_row_stats(0, 8)
    with pytest.raises(ValueError, match="seq_len must be a whole number >= 2"):
        att.attention_row_stats(8, 1)
    with pytest.raises(ValueError, match="d_ks must increase"):
        att.attention_sweep([4, 2], 8)


# --------------------------------------------------------------------------- normalisation
@pytest.mark.parametrize("norm, axis", [("layer", 1), ("batch", 0)])
def test_normalise_standardises_over_its_axis(norm, axis):
    z = np.random.default_rng(3).standard_normal((20, 30)) * 5 + 2
    h = nrm.normalise(z, norm, eps=0.0)
    np.testing.assert_allclose(h.mean(axis=axis), 0, atol=1e-12)
    np.testing.assert_allclose(h.std(axis=axis), 1, rtol=1e-12)
    np.testing.assert_allclose(nrm.normalise(7.5 * z, norm, eps=0.0), h, atol=1e-12)    # blind to the scale


@pytest.mark.parametrize("norm", ["layer", "batch"])
def test_normalise_backward_is_the_derivative(norm):
    rng = np.random.default_rng(5)
    z, dh = rng.standard_normal((6, 7)), rng.standard_normal((6, 7))
    dz = nrm.normalise_backward(z, dh, norm)
    eps = 1e-6
    for i in range(6):
        for j in range(7):
            e = np.zeros_like(z)
            e[i, j] = eps
            fd = (np.sum(dh * nrm.normalise(z + e, norm)) - np.sum(dh * nrm.normalise(z - e, norm))) / (2 * eps)
            assert dz[i, j] == pytest.approx(fd, abs=1e-7)


def test_norm_stack_gradient_is_the_derivative_of_its_loss():
    depth, width, n = 3, 5, 4
    for norm in ("layer", "batch", "none"):
        run = nrm.norm_stack(depth, width, 1.3, norm, n_samples=n, seed=6)
        rng = np.random.default_rng(6)               # the draws of norm_stack, in its order, typed out here
        x0 = rng.standard_normal((n, width))
        unit = rng.standard_normal((depth, width, width)) / np.sqrt(width)
        r = rng.standard_normal((n, width))

        def loss(weights):
            x = x0
            for W in weights:
                x = nrm.normalise(x @ W, norm)
            return np.sum(x * r) / n

        weights = 1.3 * unit
        assert run.loss == pytest.approx(loss(weights), rel=1e-12)
        for l in range(depth):
            grad = np.zeros((width, width))
            for i in range(width):
                for j in range(width):
                    e = np.zeros_like(weights)
                    e[l, i, j] = 1e-6
                    grad[i, j] = (loss(weights + e) - loss(weights - e)) / 2e-6
            assert run.grad_norm[l] == pytest.approx(np.linalg.norm(grad), rel=1e-5), (norm, l)


@pytest.mark.parametrize("norm", ["layer", "batch"])
def test_with_a_norm_the_outputs_ignore_the_scale_and_the_gradients_go_as_one_over_it(norm):
    exact = nrm.norm_stack(30, 32, 1.0, norm, seed=7, eps=0.0)
    ref = nrm.norm_stack(30, 32, 1.0, norm, seed=7)
    for scale in (0.1, 0.5, 3.0, 10.0):
        # with eps = 0 the law is exact, to rounding
        run = nrm.norm_stack(30, 32, scale, norm, seed=7, eps=0.0)
        np.testing.assert_allclose(run.out_std, exact.out_std, rtol=1e-10)
        np.testing.assert_allclose(run.grad_norm, exact.grad_norm * theory.grad_scale_with_norm(scale), rtol=1e-9)
        np.testing.assert_allclose(run.weight_norm, scale * exact.weight_norm, rtol=1e-12)
        # with PyTorch's eps = 1e-5 against variances of about scale**2 >= 0.01: the largest relative
        # difference seen was 1.1e-3 (BatchNorm, scale 0.1); we allow 5e-3
        run = nrm.norm_stack(30, 32, scale, norm, seed=7)
        np.testing.assert_allclose(run.out_std, ref.out_std, rtol=5e-3)
        np.testing.assert_allclose(run.grad_norm, ref.grad_norm * theory.grad_scale_with_norm(scale), rtol=5e-3)


def test_without_a_norm_the_std_goes_as_scale_to_the_l():
    # 200 seeds, width 64, 20 layers at scale 2: log2(std of layer 20) - 20 lay in [-1.0, 1.2]
    for seed in range(0, 200, 25):
        run = nrm.norm_stack(20, 64, 2.0, "none", seed=seed)
        assert abs(np.log2(run.out_std[-1]) - 20) < 1.5


def test_norm_stack_bad_input():
    with pytest.raises(ValueError, match="unknown norm 'group'"):
        nrm.norm_stack(3, 8, 1.0, "group")
    with pytest.raises(ValueError, match="would overflow float64"):
        nrm.norm_stack(400, 8, 10.0, "none")
    with pytest.raises(ValueError, match="scale must be a finite number > 0"):
        nrm.norm_stack(3, 8, 0.0)


# --------------------------------------------------------------------------- residual streams
def test_stream_alpha_rules():
    for n in (1, 24, 1000):
        assert rs.stream_alpha("a = 1 (no scaling)", n) == 1.0
        assert rs.stream_alpha("a = 1/sqrt(N) (GPT-2)", n) == pytest.approx(n ** -0.5, rel=1e-15)
        assert rs.stream_alpha("a = 0 (zero-initialised branch)", n) == 0.0
    with pytest.raises(ValueError, match="unknown rule"):
        rs.stream_alpha("a = 2", 3)


def test_prenorm_stream_is_the_loop_typed_out():
    x, w1, w2 = rs.stream_draws(30, 16, n_samples=8, seed=2)
    ms = [np.mean(x ** 2)]
    for l in range(12):
        u = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-5)
        x = x + 0.3 * np.maximum(u @ w1[l], 0) @ w2[l]
        ms.append(np.mean(x ** 2))
    np.testing.assert_allclose(rs.prenorm_stream(12, 16, 0.3, n_samples=8, seed=2), ms, rtol=1e-12)
    # the first branches of a deeper draw are a shallower draw's
    np.testing.assert_array_equal(rs.stream_draws(12, 16, n_samples=8, seed=2)[1], w1[:12])
    # a = 0 leaves the stream exactly as it came in
    zero = rs.prenorm_stream(12, 16, 0.0, n_samples=8, seed=2)
    assert np.all(zero == zero[0])


@pytest.mark.parametrize("rule", list(rs.STREAM_RULES))
def test_prenorm_stream_follows_m0_plus_l_a_squared(rule):
    # 200 seeds at N = 64, width 64: final mean square / theory had mean 0.99-1.00 and lay in [0.80, 1.18] for
    # a = 1, [0.88, 1.10] for a = 1/sqrt(N); we assert the mean over 200 seeds within 3%
    n = 64
    a = rs.stream_alpha(rule, n)
    streams = [rs.prenorm_stream(n, 64, a, seed=s) for s in range(200)]
    ratio = [m[-1] / theory.prenorm_mean_square(m[0], a, n) for m in streams]
    assert abs(np.mean(ratio) - 1) < 0.03


def test_prenorm_stream_bad_input():
    with pytest.raises(ValueError, match="alpha must be a finite number >= 0"):
        rs.prenorm_stream(3, 8, -1.0)
    with pytest.raises(ValueError, match="draws hold 3 branches"):
        rs.prenorm_stream(5, 8, 1.0, draws=rs.stream_draws(3, 8))


# --------------------------------------------------------------------------- width scaling
def one_network(width, lr, parametrisation, steps, seed, task):
    """The same training, one network at a time, with the forward and backward passes typed out here."""
    x, y = task
    n, d = x.shape
    g = np.random.default_rng(seed)
    W = g.standard_normal((d, width)) / math.sqrt(d)
    if parametrisation == "standard":
        v = g.standard_normal(width) / math.sqrt(width)
        lr_w, lr_v = lr, lr
    else:
        v = g.standard_normal(width) * math.sqrt(32) / width
        lr_w, lr_v = lr * width / 32, lr * 32 / width
    for _ in range(steps):
        h = np.tanh(x @ W)
        err = h @ v - y
        dv = 2 * h.T @ err / n
        dW = 2 * x.T @ (np.outer(err, v) * (1 - h ** 2)) / n
        W, v = W - lr_w * dW, v - lr_v * dv
    err = np.tanh(x @ W) @ v - y
    return float(np.mean(err ** 2))


@pytest.mark.parametrize("parametrisation", ws.PARAMETRISATIONS)
def test_train_losses_is_one_network_at_a_time(parametrisation):
    task = ws.toy_task(n_samples=32)
    lrs = [0.01, 0.1, 0.2]            # none diverges at width 64 in 20 steps
    losses = ws.train_losses(64, lrs, parametrisation, steps=20, seed=3, task=task)
    for lr, loss in zip(lrs, losses):
        assert loss == pytest.approx(one_network(64, lr, parametrisation, 20, 3, task), rel=1e-9)


def test_a_diverging_run_is_inf_and_the_others_go_on():
    losses = ws.train_losses(256, [0.01, 64.0], "standard", steps=30, seed=0)
    assert np.isfinite(losses[0]) and losses[1] == np.inf


def test_the_parametrisations_agree_at_the_base_width_and_mup_scales_as_stated():
    assert ws.layer_factors(32, "standard") == pytest.approx(ws.layer_factors(32, "muP"))
    for width in (64, 512):
        v_std, lr_w, lr_v = ws.layer_factors(width, "muP")
        assert v_std * width == pytest.approx(math.sqrt(32))         # readout std proportional to 1/fan_in
        assert lr_w == width / 32 and lr_v == 32 / width
        assert ws.layer_factors(width, "standard") == pytest.approx((1 / math.sqrt(width), 1.0, 1.0))
    task = ws.toy_task()
    a = ws.train_losses(32, [0.1, 0.3], "standard", steps=10, task=task)
    np.testing.assert_allclose(a, ws.train_losses(32, [0.1, 0.3], "muP", steps=10, task=task), rtol=1e-13)


def test_width_scaling_bad_input():
    with pytest.raises(ValueError, match="lrs must be a list of positive learning rates"):
        ws.train_losses(32, [0.1, -1], "standard")
    with pytest.raises(ValueError, match="unknown parametrisation 'mup'"):
        ws.train_losses(32, [0.1], "mup")
