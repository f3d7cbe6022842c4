"""Schemes: each variance rule against its closed form, and the classic bugs each test would catch."""
import math

import numpy as np
import pytest

from winit_helpers.maths.init import (make_rng, SCHEMES, check_distribution, get_scheme, uniform_bound, unit_weights,
                                   weight_std)


def init_weights(scheme, fan_in, fan_out, *, distribution=None, mode=None, gain=None, seed=0):
    """A scheme's weights as the course draws them: the scheme's std times unit-variance draws."""
    distribution = check_distribution(scheme, distribution)
    return weight_std(scheme, fan_in, fan_out, mode=mode, gain=gain) * unit_weights(fan_in, fan_out, distribution,
                                                                                    seed=seed)

FAN_IN, FAN_OUT = 784, 64   # rectangular, so swapping the fans changes every answer

EXPECTED_VAR = {              # Var(w) of each scheme at its default gain, for (784 -> 64)
    "standard_normal": 1.0,
    "book": 1 / FAN_IN,
    "lecun": 1 / FAN_IN,
    "glorot": 2 / (FAN_IN + FAN_OUT),
    "he": 2 / FAN_IN,
    "pytorch": 1 / (3 * FAN_IN),
}


@pytest.mark.parametrize("name", list(SCHEMES))
def test_std_is_the_sqrt_of_the_variance_rule(name):
    assert weight_std(name, FAN_IN, FAN_OUT) == pytest.approx(math.sqrt(EXPECTED_VAR[name]), rel=1e-12)


def test_fan_out_mode_and_aliases():
    assert weight_std("he", FAN_IN, FAN_OUT, mode="fan_out") == pytest.approx(math.sqrt(2 / FAN_OUT))
    assert weight_std("lecun", FAN_IN, FAN_OUT, mode="fan_out") == pytest.approx(math.sqrt(1 / FAN_OUT))
    assert weight_std("kaiming", FAN_IN, FAN_OUT) == weight_std("he", FAN_IN, FAN_OUT)
    assert weight_std("xavier", FAN_IN, FAN_OUT) == weight_std("glorot", FAN_IN, FAN_OUT)
    assert weight_std("he", FAN_IN, FAN_OUT, gain=1.0) == weight_std("lecun", FAN_IN, FAN_OUT)


def test_uniform_bound_has_its_sqrt3():
    assert uniform_bound("glorot", FAN_IN, FAN_OUT) == pytest.approx(math.sqrt(6 / (FAN_IN + FAN_OUT)))
    assert uniform_bound("pytorch", FAN_IN, FAN_OUT) == pytest.approx(1 / math.sqrt(FAN_IN))
    assert uniform_bound("he", FAN_IN, FAN_OUT) == pytest.approx(math.sqrt(6 / FAN_IN))


@pytest.mark.parametrize("name,distribution", [(n, d) for n, s in SCHEMES.items() for d in s.distributions])
def test_drawn_weights_have_the_rule_variance(name, distribution):
    w = init_weights(name, FAN_IN, FAN_OUT, distribution=distribution, seed=1)
    assert w.shape == (FAN_IN, FAN_OUT)                       # (fan_in, fan_out): x @ W
    # 50176 draws: the sample variance is within 2.5% of the truth (normal: sd 0.6%, uniform: sd 0.4%)
    assert w.var() == pytest.approx(EXPECTED_VAR[name], rel=0.025)
    assert abs(w.mean()) < 5 * math.sqrt(EXPECTED_VAR[name] / w.size)
    if distribution == "uniform":
        bound = uniform_bound(name, FAN_IN, FAN_OUT)
        assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound


def test_unit_weights_have_variance_one():
    for d in ("normal", "uniform"):
        assert unit_weights(300, 300, d, seed=0).var() == pytest.approx(1.0, rel=0.02)


def test_book_rule_is_lecun_normal():
    assert np.array_equal(init_weights("book", 100, 30, seed=3), init_weights("lecun", 100, 30, seed=3))


def test_same_seed_same_weights_and_rng_is_used():
    assert np.array_equal(init_weights("he", 10, 5, seed=7), init_weights("he", 10, 5, seed=7))
    rng = np.random.default_rng(0)
    assert not np.array_equal(init_weights("he", 10, 5, seed=rng), init_weights("he", 10, 5, seed=rng))


def test_errors_name_the_argument_and_the_choices():
    with pytest.raises(ValueError, match="unknown scheme 'kaiming_normal'; choose one of: standard_normal, book"):
        get_scheme("kaiming_normal")
    with pytest.raises(ValueError, match="fan_in must be a whole number >= 1, got 0"):
        weight_std("he", 0, 10)
    with pytest.raises(TypeError, match="fan_out"):
        weight_std("he", 10, "ten")
    with pytest.raises(ValueError, match="'pytorch' has no 'normal' form; choose distribution from: uniform"):
        init_weights("pytorch", 10, 10, distribution="normal")
    with pytest.raises(ValueError, match="unknown distribution 'gaussian'"):
        init_weights("he", 10, 10, distribution="gaussian")
    with pytest.raises(ValueError, match="cannot use mode 'fan_out'; choose one of: fan_avg"):
        weight_std("glorot", 10, 10, mode="fan_out")
    with pytest.raises(ValueError, match="takes no mode"):
        weight_std("standard_normal", 10, 10, mode="fan_in")
    with pytest.raises(ValueError, match="gain must be a finite number > 0, got -1.0"):
        weight_std("he", 10, 10, gain=-1.0)
    with pytest.raises(ValueError, match="seed must be a whole number >= 0"):
        init_weights("he", 10, 10, seed=-1)
    with pytest.raises(ValueError, match="seed must be a whole number >= 0"):
        make_rng(1.5)


def test_make_rng_is_default_rng_for_a_seed_and_passes_a_generator_through():
    assert np.array_equal(make_rng(5).standard_normal(4), np.random.default_rng(5).standard_normal(4))
    assert np.array_equal(make_rng([5, 1]).standard_normal(4), np.random.default_rng([5, 1]).standard_normal(4))
    g = np.random.default_rng(0)
    assert make_rng(g) is g
    for bad in (-1, 1.5, True, None, "0", [1, -2]):
        with pytest.raises(ValueError, match="seed must be a whole number >= 0"):
            make_rng(bad)


def test_layer_stds_are_each_layers_scheme_std_times_the_multiplier():
    from winit_helpers.maths.init import layer_stds
    widths = (64, 32, 128, 10)
    for scheme, multiplier in (("he", 1.7), ("glorot", 0.5), ("lecun", 1.0)):
        expected = [multiplier * np.sqrt(_paper_variance(scheme, a, b)) for a, b in zip(widths[:-1], widths[1:])]
        assert np.allclose(layer_stds(widths, scheme, multiplier=multiplier), expected, rtol=1e-12)


def _paper_variance(scheme, fan_in, fan_out):
    """Var(w) written out from the papers, independent of the scheme table."""
    return {"he": 2.0 / fan_in, "glorot": 2.0 / (fan_in + fan_out), "lecun": 1.0 / fan_in}[scheme]
