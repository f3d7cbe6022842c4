"""The mean-field theory against independent computations: closed forms, adaptive quadrature,
direct iteration, root finding, and a finite-width network."""
import numpy as np
import pytest

from winit_helpers.maths import meanfield as mf
from winit_helpers.maths.activations import LECUN_A, LECUN_B


@pytest.mark.parametrize("sw, sb", [(0.8, 0.3), (1.5, 0.5), (2.5, 0.5), (3.0, 1.0), (1.2, 0.0), (4.0, 3.0)])
def test_fixed_point_by_iteration_and_by_root_finding(sw, sb):
    q_star = mf.fixed_point(sw, sb)
    q = 1.0
    for _ in range(3000):                      # direct iteration of the map
        q = float(mf.variance_map(q, sw, sb))
    assert q == pytest.approx(q_star, rel=1e-9)
    optimize = pytest.importorskip("scipy.optimize")
    root = optimize.brentq(lambda v: float(mf.variance_map(v, sw, sb)) - v, 1e-6, sw * sw + sb * sb + 1, xtol=1e-14)
    assert root == pytest.approx(q_star, rel=1e-9)


def test_fixed_point_broadcasts_and_is_zero_in_the_ordered_bias_free_case():
    sw = np.array([0.5, 0.9, 1.0, 1.1])
    q = mf.fixed_point(sw, 0.0)
    assert q.shape == (4,) and np.all(q[:3] < 1e-6) and q[3] > 0.05
    grid = mf.fixed_point(np.ones((2, 3)) * 1.5, np.full((2, 3), 0.5))
    assert grid.shape == (2, 3) and np.allclose(grid, mf.fixed_point(1.5, 0.5))


def test_chi1_is_the_slope_of_the_correlation_map_at_one():
    for sw, sb in [(1.5, 0.5), (2.5, 0.5), (0.8, 0.3)]:
        eps = 1e-4
        slope = (1.0 - mf.correlation_map(1.0 - eps, sw, sb)) / eps   # secant: error O(eps)
        assert slope == pytest.approx(mf.chi1(sw, sb), rel=2e-3)


def test_critical_line_has_chi1_one_and_starts_at_sigma_w_one():
    q = np.array([1e-8, 0.01, 0.3, 2.0, 10.0])
    sw, sb = mf.critical_line(q)
    assert sw[0] == pytest.approx(1.0, abs=1e-6) and sb[0] < 1e-3
    assert np.all(np.diff(sw) > 0) and np.all(np.diff(sb) > 0)    # rises with sigma_b
    assert np.allclose(mf.chi1(sw, sb), 1.0, atol=1e-8)
    assert np.allclose(mf.fixed_point(sw, sb), q, rtol=1e-6, atol=1e-7)


def test_lecun_tanh_is_a_rescaled_tanh():
    ab = LECUN_A * LECUN_B
    assert mf.chi1(1.0, 0.0, "lecun_tanh") == pytest.approx(mf.chi1(ab, 0.0), rel=1e-10)
    assert mf.fixed_point(1.0, 0.0, "lecun_tanh") == pytest.approx(mf.fixed_point(ab, 0.0) / LECUN_B ** 2,
                                                                    rel=1e-9)


def test_correlation_fixed_point_is_fixed_and_stable():
    c_star, chi_c = mf.correlation_fixed_point(2.5, 0.5)
    assert 0 < c_star < 1 and chi_c < 1
    assert mf.correlation_map(c_star, 2.5, 0.5) == pytest.approx(c_star, abs=1e-8)
    assert mf.correlation_fixed_point(1.5, 1.0) == (1.0, pytest.approx(mf.chi1(1.5, 1.0)))


def test_theory_iterates_the_maps():
    th = mf.theory(2.5, 0.5, depth=100, c0=(0.3, 0.99))
    assert th.q[-1] == pytest.approx(th.q_star, rel=1e-8)
    assert np.allclose(th.c[-1], th.c_star, atol=1e-5)
    assert th.phase == "chaotic" and mf.theory(0.8, 0.3).phase == "ordered"
    assert mf.theory(1.0, 0.0, depth=3).phase == "critical"


def test_finite_width_network_lands_on_the_theory():
    # over 60 seeds (width 500, layers 11-40) the errors lay within 4.6% (q*) and 3.6% (chi_1)
    for sw, sb in [(1.5, 1.0), (2.5, 0.5)]:
        run = mf.run_tanh_network(sw, sb, mf.draw_noise(40, 500, seed=3), seed=4)
        assert run.q[11:].mean() == pytest.approx(mf.fixed_point(sw, sb), rel=0.08)
        assert run.chi[10:].mean() == pytest.approx(mf.chi1(sw, sb), rel=0.06)


def test_phase_diagram_shape_and_sides():
    sw, sb = np.array([0.5, 1.0, 2.0, 3.0]), np.array([0.0, 1.0])
    chi = mf.phase_diagram(sw, sb)
    assert chi.shape == (2, 4)
    assert chi[0, 0] < 1 < chi[0, 3] and chi[1, 0] < 1


@pytest.mark.parametrize("call, words", [
    (lambda: mf.fixed_point(0.0, 0.1), "sigma_w must be > 0"),
    (lambda: mf.fixed_point(1.0, -1.0), "sigma_b must be finite and >= 0"),
    (lambda: mf.chi1(1.0, 0.0, activation="tahn"), "unknown activation 'tahn'"),
    (lambda: mf.correlation_map(1.5, 1.0, 0.0), "must lie in [-1, 1]"),
    (lambda: mf.theory(1.0, 0.0, depth=0), "depth must be a whole number"),
    (lambda: mf.variance_map(-1.0, 1.0, 0.0), "q must be finite and >= 0"),
    (lambda: mf.draw_noise(3, 1), "width must be a whole number >= 2"),
])
def test_bad_input_is_named(call, words):
    with pytest.raises(ValueError, match=words.replace("[", r"\[").replace("]", r"\]")):
        call()


def test_bad_type_is_named():
    with pytest.raises(TypeError, match="sigma_w"):
        mf.fixed_point("big", 0.0)


def _column_convention_run(sigma_w, sigma_b, depth, width, c0, seed):
    """The same network written the other way round, W @ h with inputs as columns, from the same draws:
    what the course computed before every layer became h @ W.  Returns (q, c, chi) per layer."""
    rng = np.random.default_rng(seed)
    Z, B = rng.standard_normal((depth, width, width)), rng.standard_normal((depth, width))
    rng = np.random.default_rng(seed + 1)
    g = rng.standard_normal((width, 2 * len(c0)))
    h = np.empty_like(g)
    for k, c in enumerate(c0):
        a = g[:, 2 * k] / np.linalg.norm(g[:, 2 * k])
        b = g[:, 2 * k + 1] - (g[:, 2 * k + 1] @ a) * a
        b /= np.linalg.norm(b)
        h[:, 2 * k], h[:, 2 * k + 1] = a, c * a + np.sqrt(1 - c * c) * b
    h *= np.sqrt(width)
    t = rng.standard_normal((width, len(c0)))
    t /= np.linalg.norm(t, axis=0)
    qs, cs, chis = [np.mean(h * h)], [], []
    for layer in range(depth):
        d = 1 - np.tanh(h[:, 0::2]) ** 2
        t = sigma_w / np.sqrt(width) * Z[layer] @ (d * t)
        growth = np.sum(t * t, axis=0)
        chis.append(growth.mean())
        t /= np.sqrt(growth)
        h = sigma_w / np.sqrt(width) * Z[layer] @ np.tanh(h) + sigma_b * B[layer][:, None]
        qs.append(np.mean(h * h))
        a, b = h[:, 0::2], h[:, 1::2]
        cs.append(np.sum(a * b, axis=0) / np.sqrt(np.sum(a * a, axis=0) * np.sum(b * b, axis=0)))
    return np.array(qs), np.array(cs), np.array(chis)


@pytest.mark.parametrize("sw, sb", [(0.5, 0.1), (1.0, 0.05), (1.5, 0.5), (2.5, 0.3), (4.0, 0.3)])
def test_rows_times_w_gives_the_statistics_of_w_times_columns(sw, sb):
    # W is (fan_in, fan_out) and a layer is h @ W; written as W^T @ h the numbers are the same
    c0 = (0.2, 0.6, 0.99)
    for seed in range(3):
        run = mf.run_tanh_network(sw, sb, mf.draw_noise(30, 200, seed=seed), c0=c0, seed=seed + 1)
        q, c, chi = _column_convention_run(sw, sb, 30, 200, c0, seed)
        assert np.allclose(run.q, q, rtol=1e-9) and np.allclose(run.c[1:], c, atol=1e-9)
        assert np.allclose(run.chi, chi, rtol=1e-9)


@pytest.mark.parametrize("sw, sb", [(1.0, 0.05), (4.0, 3.0), (2.5, 0.5)])
def test_deepen_gives_the_numbers_theory_gives_at_that_depth(sw, sb):
    shallow = mf.theory(sw, sb, depth=12)
    for depth in (1, 12, 13, 40):                    # cut, same, one more, many more
        fresh, deeper = mf.theory(sw, sb, depth=depth), mf.deepen(shallow, depth)
        np.testing.assert_array_equal(deeper.q, fresh.q)
        np.testing.assert_array_equal(deeper.c, fresh.c)
        assert (deeper.q_star, deeper.chi1, deeper.c_star, deeper.depth_scale) == \
            (fresh.q_star, fresh.chi1, fresh.c_star, fresh.depth_scale)
    with pytest.raises(ValueError, match="depth must be a whole number"):
        mf.deepen(shallow, 0)


def test_the_pair_expectations_are_the_same_with_or_without_the_derivative_term():
    q, c = 3.0, np.array([0.2, 0.6, 0.99])
    pp, dd = mf._pair_expectations(q, c)
    pp_only, none = mf._pair_expectations(q, c, derivative=False)
    np.testing.assert_array_equal(pp_only, pp)
    assert none is None
    # both against a plain 2-D product rule written out here, with Gauss-Hermite nodes (320 each way; from 240
    # to 320 nodes the reference itself still moved by 5e-10: tanh's poles slow Gauss-Hermite down)
    z, wz = np.polynomial.hermite_e.hermegauss(320)
    wz = wz / wz.sum()
    z1, z2 = np.meshgrid(z, z, indexing="ij")
    w2 = np.outer(wz, wz)
    for k, ck in enumerate(c):
        u1, u2 = np.sqrt(q) * z1, np.sqrt(q) * (ck * z1 + np.sqrt(1 - ck * ck) * z2)
        assert pp[k] == pytest.approx(np.sum(w2 * np.tanh(u1) * np.tanh(u2)), abs=1e-8)
        assert dd[k] == pytest.approx(np.sum(w2 / np.cosh(u1) ** 2 / np.cosh(u2) ** 2), abs=1e-8)
