"""Notebook 10's exercise answers do what their notebook says, in a simulation.

The checkers themselves (right answer, each named mistake, tolerances) are tested with every other formula check
in tests/test_exercises.py.
"""
import math

import numpy as np
import pytest

from winit_helpers.maths.residual_stream import prenorm_stream


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
