"""Activations: derivatives against finite differences, purity, and the gains against closed forms."""
import numpy as np
import pytest

from winit_helpers.maths.activations import (ACTIVATIONS, EXTRA_ACTIVATIONS, GAINS, get_activation, gain,
                                             second_moment_gain, slope_gain)
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
    assert slope_gain("relu") == pytest.approx(2.0, abs=1e-6)
    assert slope_gain("sigmoid") > 4.0                                      # slope 1/4 at 0, less elsewhere
    # 5/3 lies between tanh's forward and slope gains
    assert second_moment_gain("tanh") < 5 / 3 < slope_gain("tanh") * 1.02


def test_lecun_tanh_maps_plus_minus_one_to_itself():
    f = get_activation("lecun_tanh").f
    assert f(np.array([1.0, -1.0])) == pytest.approx([1.0, -1.0], abs=1e-4)
