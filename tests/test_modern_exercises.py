"""Notebook 10's exercise checks: the right answer passes, each named mistake gets its own hint, tolerances hold.

The right formulas and the mistakes are typed out here, independently of the checkers.
"""
import math

import numpy as np
import pytest

from winit_helpers.exercises import modern
from winit_helpers.exercises._check import FormulaCheck
from winit_helpers.maths.residual_stream import prenorm_stream

FORMULAS = {
    "query_key_std": (modern.check_query_key_std, lambda d, v: (v / d) ** 0.25, [
        (lambda d, v: math.sqrt(v / d), "each of variance s**2 * s**2"),
        (lambda d, v: 1 / math.sqrt(d), "Vaswani et al.'s divisor"),
        (lambda d, v: v / d, "take its fourth root"),
        (lambda d, v: (v * d) ** 0.25, "do not multiply")]),
    "stream_branch_scale": (modern.check_stream_branch_scale, lambda n, g: math.sqrt((g - 1) / n), [
        (lambda n, g: math.sqrt(g ** (1 / n) - 1), "notebook 9's answer"),
        (lambda n, g: 1 / math.sqrt(n), "GPT-2's scale"),
        (lambda n, g: (g - 1) / n, "the value of a**2"),
        (lambda n, g: math.sqrt(g / n), "may add only max_growth - 1")]),
}
MISTAKES = [(name, k) for name, (_, _, wrongs) in FORMULAS.items() for k in range(len(wrongs))]


@pytest.mark.parametrize("name", FORMULAS)
def test_right_answer_passes(name, capsys):
    check, right, _ = FORMULAS[name]
    assert check(right)
    assert capsys.readouterr().out.startswith("\u2713")


@pytest.mark.parametrize("name, k", MISTAKES)
def test_mistake_gets_its_own_hint(name, k, capsys):
    check, _, wrongs = FORMULAS[name]
    wrong, words = wrongs[k]
    assert not check(wrong)
    out = capsys.readouterr().out
    assert out.startswith("\u2717") and words in out, out
    for j, (_, other) in enumerate(wrongs):
        assert j == k or other not in out, (other, out)


@pytest.mark.parametrize("name", FORMULAS)
def test_every_named_mistake_is_tested(name, capsys):
    check, _, wrongs = FORMULAS[name]
    assert isinstance(check, FormulaCheck)
    named = {hint for hint, _ in check.mistakes}
    hit = set()
    for wrong, _ in wrongs:
        check(wrong)
        out = capsys.readouterr().out
        hit |= {hint for hint in named if hint in out}
    assert hit == named, named - hit


@pytest.mark.parametrize("name", FORMULAS)
def test_tolerance_edges_and_bad_answers(name, capsys):
    check, right, _ = FORMULAS[name]
    assert check(lambda *a: right(*a) * (1 + check.rel_tol / 3))
    assert not check(lambda *a: right(*a) * (1 + 3 * check.rel_tol))
    capsys.readouterr()
    assert not check(lambda *a: ...)
    assert "replace the `...`" in capsys.readouterr().out
    assert not check(lambda *a: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not check(lambda *a: float("nan"))
    assert "\u2717" in capsys.readouterr().out


def test_query_key_std_gives_the_target_variance_in_a_simulation():
    # entries with std (v/d)^(1/4): over 200000 dot products the variance is v within 1.5%
    rng = np.random.default_rng(0)
    for d, v in [(64, 1.0), (16, 4.0)]:
        s = (v / d) ** 0.25
        q, k = rng.standard_normal((2, 200_000, d)) * s
        assert np.var(np.sum(q * k, axis=1)) == pytest.approx(v, rel=0.015)


def test_stream_branch_scale_gives_the_growth_in_the_stack():
    # 200 seeds, 50 branches of width 64 asked to grow 1.5 times: the growth lay in [1.36, 1.71], mean 1.504
    # (its standard error 0.004); we assert the mean within 0.02 and every seed in [1.25, 1.85]
    a = math.sqrt(0.5 / 50)
    ends = [prenorm_stream(50, 64, a, seed=s) for s in range(200)]
    growth = np.array([e[-1] / e[0] for e in ends])
    assert abs(growth.mean() - 1.5) < 0.02 and np.all((growth > 1.25) & (growth < 1.85))
