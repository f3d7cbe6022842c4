"""The exercise self-checks: a right answer passes, each classic mistake is named."""
import math

import numpy as np
import pytest

from winit_helpers.exercises import basics as ex


def test_output_std(capsys):
    assert ex.check_output_std(lambda n, s: math.sqrt(n) * s)
    assert not ex.check_output_std(lambda n, s: n * s)
    assert "adds up over fan_in" in capsys.readouterr().out
    assert not ex.check_output_std(lambda n, s: n * s * s)
    assert "That is the variance" in capsys.readouterr().out
    assert not ex.check_output_std(lambda n, s: s / math.sqrt(n))
    assert "multiply" in capsys.readouterr().out
    assert not ex.check_output_std(lambda n, s: ...)
    assert "replace the `...`" in capsys.readouterr().out
    assert not ex.check_output_std(lambda n, s: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_uniform_bound(capsys):
    assert ex.check_uniform_bound(lambda n: math.sqrt(3 / n))
    assert not ex.check_uniform_bound(lambda n: 1 / math.sqrt(n))
    assert "sqrt(3) times larger" in capsys.readouterr().out


def test_overflow_layer(capsys):
    assert ex.check_overflow_layer(lambda w, s, m: math.floor(m / math.log10(s * math.sqrt(w))) + 1)
    assert not ex.check_overflow_layer(lambda w, s, m: math.floor(m / math.log10(s * math.sqrt(w))))
    assert "Off by one" in capsys.readouterr().out


def test_vanishing_scale(capsys):
    assert ex.check_vanishing_scale(lambda w, d, f: f ** (1 / d) / math.sqrt(w))
    assert not ex.check_vanishing_scale(lambda w, d, f: f ** (1 / d))
    assert "solve" in capsys.readouterr().out


def test_largest_multiplier(capsys):
    assert ex.check_largest_multiplier(lambda d, g: g ** (1 / d))
    assert not ex.check_largest_multiplier(lambda d, g: 1 + g / d)
    assert "Taylor" in capsys.readouterr().out


def book(layers, rng, divide=lambda i, layers: math.sqrt(layers[i])):
    Ws = [rng.standard_normal((layers[i] + 1, layers[i + 1] + 1)) / divide(i, layers) for i in range(len(layers) - 2)]
    return Ws + [rng.standard_normal((layers[-2] + 1, layers[-1])) / divide(len(layers) - 2, layers)]


@pytest.mark.parametrize("seed", range(20))
def test_book_weights_right_for_every_seed(seed, capsys):
    assert ex.check_book_weights(book, seed=seed)


def test_book_weights_mistakes(capsys):
    assert not ex.check_book_weights(lambda layers, rng: book(layers, rng, lambda i, l: 1.0))
    assert "division by sqrt(layers[0]) is missing" in capsys.readouterr().out
    assert not ex.check_book_weights(lambda layers, rng: book(layers, rng, lambda i, l: math.sqrt(l[i + 1])))
    assert "fan_out" in capsys.readouterr().out
    assert not ex.check_book_weights(lambda layers, rng: [rng.standard_normal((l + 1, m + 1)) / math.sqrt(l)
                                                          for l, m in zip(layers, layers[1:])])
    assert "shape" in capsys.readouterr().out


def test_book_weights_stub(capsys):
    assert not ex.check_book_weights(lambda layers, rng: ...)
    assert "expected a list of 3 matrices" in capsys.readouterr().out
