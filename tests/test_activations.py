"""Activations: derivatives against finite differences, purity, and the gains against closed forms."""
import numpy as np
import pytest

from winit_helpers.maths.activations import (HE_GAIN, LECUN_A, LECUN_B, ACTIVATIONS, EXTRA_ACTIVATIONS, GAINS, get_activation, gain,
                                             backward_gain, second_moment_gain)
from winit_helpers.maths.gaussian import normal_expectation

ALL = list(ACTIVATIONS) + list(EXTRA_ACTIVATIONS)


@pytest.mark.parametrize("name", ALL)
def test_derivative_matches_finite_differences(name):
    act = get_activation(name)
    x = np.linspace(-4, 4, 801) + 1e-3          # keep off ReLU's kink at 0
    h = 1e-6
    numeric = (act.f(x + h) - act.f(x - h)) / (2 * h)
    assert np.allclose(act.df(x), numeric, atol=1e-6)


@pytest.mark.parametrize("name", ALL)
def test_f_is_pure_and_finite_on_huge_inputs(name):
    act = get_activation(name)
    x = np.array([-1e300, -5.0, 0.0, 5.0, 1e300])
    before = x.copy()
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # underflow to 0 is fine
        y = act.f(x)
        act.df(x)
    assert np.array_equal(x, before)
    assert np.all(np.isfinite(y[1:-1]))


def test_unknown_activation_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'tahn'; choose one of: linear, tanh"):
        get_activation("tahn")
    with pytest.raises(ValueError, match="choose one of"):
        gain("swish")


def test_standard_gains():
    assert gain("relu") == pytest.approx(np.sqrt(2))       # sqrt, not 2
    assert gain("tanh") == pytest.approx(5 / 3)
    assert gain("linear") == gain("sigmoid") == 1.0
    assert gain("selu") == 0.75
    assert set(GAINS) >= set(ACTIVATIONS)


def test_expectations_against_closed_forms():
    assert normal_expectation(lambda x: x ** 2, 3.0) == pytest.approx(9.0, rel=1e-9)   # variance, not std
    assert normal_expectation(lambda x: np.maximum(x, 0)) == pytest.approx(1 / np.sqrt(2 * np.pi), abs=1e-6)
    assert normal_expectation(lambda x: np.maximum(x, 0) ** 2) == pytest.approx(0.5, abs=1e-9)
    assert second_moment_gain("relu") == pytest.approx(np.sqrt(2), abs=1e-8)
    assert second_moment_gain("linear") == pytest.approx(1.0, abs=1e-9)
    assert second_moment_gain("selu") == pytest.approx(1.0, abs=1e-6)     # SELU's constants do this
    assert normal_expectation(get_activation("selu").f) == pytest.approx(0.0, abs=1e-6)
    # 5/3 lies above both of tanh's gains, the backward one below the forward one
    assert backward_gain("tanh") < second_moment_gain("tanh") < 5 / 3


def test_lecun_tanh_maps_plus_minus_one_to_itself():
    f = get_activation("lecun_tanh").f
    assert f(np.array([1.0, -1.0])) == pytest.approx([1.0, -1.0], abs=1e-4)


def _quad_moment(f):
    """E[f(z)^2], z ~ N(0, 1), by scipy's adaptive quadrature split at 0 (independent of the course's grid)."""
    from scipy import integrate
    g = lambda z: f(np.asarray(z)) ** 2 * np.exp(-z * z / 2) / np.sqrt(2 * np.pi)   # noqa: E731
    return sum(integrate.quad(g, a, b, limit=500, epsabs=1e-14)[0] for a, b in ((-40, 0), (0, 40)))


@pytest.mark.parametrize("name", ALL)
def test_forward_and_backward_gains_against_adaptive_quadrature(name):
    act = get_activation(name)
    assert second_moment_gain(name) == pytest.approx(_quad_moment(act.f) ** -0.5, rel=1e-6)
    assert backward_gain(name) == pytest.approx(_quad_moment(act.df) ** -0.5, rel=1e-6)


def test_gains_closed_forms():
    # ReLU: E[f^2] = E[f'^2] = 1/2, so both gains are He's sqrt(2); linear: 1 and 1
    assert HE_GAIN == np.sqrt(2.0) and gain("relu") == HE_GAIN
    assert backward_gain("relu") == pytest.approx(np.sqrt(2), abs=1e-6)
    assert backward_gain("linear") == pytest.approx(1.0, abs=1e-12)
    # sigmoid's slope is at most 1/4, so its backward gain is above 4
    assert backward_gain("sigmoid") > 4.0
    assert (LECUN_A, LECUN_B) == (1.7159, 2.0 / 3.0)
    assert GAINS == {n: (a.gain, a.gain_source) for n, a in {**ACTIVATIONS, **EXTRA_ACTIVATIONS}.items()}


@pytest.mark.parametrize("name", [n for n in ALL if get_activation(n).d2f is not None])
def test_second_derivative_matches_finite_differences(name):
    act = get_activation(name)
    x = np.linspace(-3, 3, 61)
    eps = 1e-5
    assert np.allclose(act.d2f(x), (act.df(x + eps) - act.df(x - eps)) / (2 * eps), atol=1e-8)


@pytest.mark.parametrize("name", ALL)
def test_bound_is_the_largest_value(name):
    act = get_activation(name)
    x = np.linspace(-60, 60, 100001)
    assert np.abs(act.f(x)).max() <= act.bound * (1 + 1e-12)
    if np.isfinite(act.bound):
        assert np.abs(act.f(x)).max() == pytest.approx(act.bound, rel=1e-12)


def test_activation_range_against_closed_forms():
    from winit_helpers.maths.activations import SELU_ALPHA, SELU_LAMBDA, activation_range
    assert activation_range("linear") == (-np.inf, np.inf)
    assert activation_range("tanh") == (-1.0, 1.0)
    assert activation_range("relu") == (0.0, np.inf)
    assert activation_range("sigmoid") == (0.0, 1.0)
    assert activation_range("lecun_tanh") == (-LECUN_A, LECUN_A)
    assert activation_range("selu") == pytest.approx((-SELU_LAMBDA * SELU_ALPHA, np.inf))
