"""The self-checks of notebooks 4, 5 and 7: a right answer passes, each classic mistake is named."""
import math

import numpy as np

from winit_helpers.exercises import frameworks, gradients, nonlinear


def test_glorot_std(capsys):
    assert gradients.check_glorot_std(lambda i, o: math.sqrt(2 / (i + o)))
    for wrong, words in [(lambda i, o: 2 / (i + o), "*variance*"),
                         (lambda i, o: 1 / math.sqrt(i + o), "factor 2 is missing"),
                         (lambda i, o: 1 / math.sqrt(i), "forward pass only"),
                         (lambda i, o: 1 / math.sqrt(o), "backward pass only"),
                         (lambda i, o: math.sqrt(6 / (i + o)), "uniform bound"),
                         (lambda i, o: ..., "replace the `...`")]:
        assert not gradients.check_glorot_std(wrong)
        assert words in capsys.readouterr().out


def test_backward_factor(capsys):
    assert gradients.check_backward_factor(lambda i, o, v: o * v)
    for wrong, words in [(lambda i, o, v: i * v, "*forward* factor"),          # fan_in and fan_out swapped
                         (lambda i, o, v: math.sqrt(o * v), "std"),
                         (lambda i, o, v: o / v, "multiply")]:
        assert not gradients.check_backward_factor(wrong)
        assert words in capsys.readouterr().out


def test_he_std(capsys):
    assert nonlinear.check_he_std(lambda n: math.sqrt(2 / n))
    for wrong, words in [(lambda n: 2 / n, "*variance*"),
                         (lambda n: 1 / math.sqrt(n), "factor 2"),
                         (lambda n: math.sqrt(1 / (2 * n)), "divides by 2"),
                         (lambda n: 2 / math.sqrt(n), "outside the square root"),
                         (lambda n: 1 / 0, "ZeroDivisionError")]:
        assert not nonlinear.check_he_std(wrong)
        assert words in capsys.readouterr().out


def test_measure_gain(capsys):
    def right(f, rng):
        return 1 / np.sqrt(np.mean(f(rng.standard_normal(10 ** 5)) ** 2))
    assert nonlinear.check_measure_gain(right)
    for wrong, words in [(lambda f, rng: 1 / right(f, rng), "inverse"),
                         (lambda f, rng: right(f, rng) ** 2, "without the square root"),
                         (lambda f, rng: 1 / np.std(f(rng.standard_normal(10 ** 5))), "second moment"),
                         (lambda f, rng: ..., "replace the `...`")]:
        assert not nonlinear.check_measure_gain(wrong)
        assert words in capsys.readouterr().out


def test_torch_fan_in(capsys):
    assert frameworks.check_torch_fan_in(lambda s: s[1] * math.prod(s[2:]))
    for wrong, words in [(lambda s: s[0], "(out, in, ...)"),
                         (lambda s: s[0] * math.prod(s[2:]), "fan_out"),
                         (lambda s: s[1], "kernel"),
                         (lambda s: math.prod(s), "outputs included")]:
        assert not frameworks.check_torch_fan_in(wrong)
        assert words in capsys.readouterr().out


def test_flax_stddev(capsys):
    assert frameworks.check_flax_stddev(lambda n: math.sqrt(1 / n) / 0.87962566103423978)
    for wrong, words in [(lambda n: math.sqrt(1 / n), "shrinks the std"),
                         (lambda n: math.sqrt(1 / n) * 0.8796256610342398, "multiplies"),
                         (lambda n: 1 / n / 0.87962566103423978, "square root")]:
        assert not frameworks.check_flax_stddev(wrong)
        assert words in capsys.readouterr().out
