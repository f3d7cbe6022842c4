"""The mean-field theory against independent computations: closed forms, adaptive quadrature,
direct iteration, root finding, and a finite-width network."""
import numpy as np
import pytest

from winit_helpers.maths import meanfield as mf
from winit_helpers.maths.gaussian import gaussian_expectation


@pytest.mark.parametrize("q", [0.0, 1e-6, 0.01, 0.5, 1.0, 7.0, 50.0])
def test_gaussian_expectation_closed_forms(q):
    # E[u^2] = q, E[u^4] = 3 q^2, E[cos u] = exp(-q/2) for u ~ N(0, q)
    assert gaussian_expectation(lambda u: u ** 2, q) == pytest.approx(q, rel=1e-12, abs=1e-15)
    assert gaussian_expectation(lambda u: u ** 4, q) == pytest.approx(3 * q * q, rel=1e-11, abs=1e-15)
    assert gaussian_expectation(np.cos, q) == pytest.approx(np.exp(-q / 2), rel=1e-11)


def test_gaussian_expectation_against_adaptive_quadrature():
    integrate = pytest.importorskip("scipy.integrate")
    for q in [1e-4, 0.1, 1.0, 4.0, 25.0, 100.0]:
        s = np.sqrt(q)
        for f in (lambda u: np.tanh(u) ** 2, lambda u: np.cosh(u) ** -4):
            ref = integrate.quad(lambda z: f(s * z) * np.exp(-z * z / 2) / np.sqrt(2 * np.pi), -40, 40,
                                 points=[0], limit=1000, epsabs=0, epsrel=1e-13)[0]
            assert gaussian_expectation(f, q) == pytest.approx(ref, rel=1e-8)   # 5 digits asked; 8 delivered


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
    ab = mf.A_LECUN * mf.B_LECUN
    assert mf.chi1(1.0, 0.0, "lecun_tanh") == pytest.approx(mf.chi1(ab, 0.0), rel=1e-10)
    assert mf.fixed_point(1.0, 0.0, "lecun_tanh") == pytest.approx(mf.fixed_point(ab, 0.0) / mf.B_LECUN ** 2,
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
        run = mf.simulate_tanh_network(sw, sb, depth=40, width=500, seed=3)
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
    (lambda: gaussian_expectation(np.tanh, -1.0), "q must be finite and >= 0"),
    (lambda: mf.draw_noise(3, 1), "width must be a whole number >= 2"),
])
def test_bad_input_is_named(call, words):
    with pytest.raises(ValueError, match=words.replace("[", r"\[").replace("]", r"\]")):
        call()


def test_bad_type_is_named():
    with pytest.raises(TypeError, match="sigma_w"):
        mf.fixed_point("big", 0.0)
