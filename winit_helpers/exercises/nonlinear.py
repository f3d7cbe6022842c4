"""Self-checks for the exercises of notebook 5 (nonlinearities and gains).

Each ``check_...`` tries the learner's function on a few cases, prints what is
right or what is wrong (naming the classic mistakes it recognises), and returns
True or False.  It never raises on a wrong answer.
"""
import math

import numpy as np

from ..maths.activations import get_activation, second_moment_gain
from ._check import FormulaCheck, report, try_call


check_he_std = FormulaCheck(
    "check_he_std",
    """Exercise 5.1: ``he_std(fan_in)``, the std of He-initialised weights for a ReLU layer.""",
    [(500,), (64,), (2,), (1000,)],
    lambda n: math.sqrt(2.0 / n),
    [("That is 2/fan_in, the *variance*; the std is its square root.", lambda n: 2.0 / n),
     ("That is 1/sqrt(fan_in), LeCun's std: ReLU zeroes half the inputs, so the variance needs a factor 2.",
      lambda n: 1.0 / math.sqrt(n)),
     ("That divides by 2 where it should multiply: ReLU *loses* half the second moment, so the weights "
      "must make up for it with Var(w) = 2/fan_in.", lambda n: math.sqrt(1.0 / (2.0 * n))),
     ("The factor 2 sits outside the square root: the gain is sqrt(2), not 2.", lambda n: 2.0 / math.sqrt(n)),
     ("sqrt(2)/fan_in drops the square root of fan_in: std = sqrt(2/fan_in).", lambda n: math.sqrt(2.0) / n)],
    "he_std(fan_in) = sqrt(2 / fan_in): Var(w) = 2/fan_in makes up for the half ReLU removes.")


#: the activations the learner's measure_gain is tried on; the exact gains 1/sqrt(E[f(z)^2]) come from quadrature
GAIN_CASES = ("relu", "linear", "tanh")
#: how close a sampled gain must be: with 10**5 samples the sampling error is below 0.5%
GAIN_REL_TOL = 0.02


def check_measure_gain(measure_gain, seed=0):
    """Exercise 5.2: ``measure_gain(f, rng)`` estimates 1/sqrt(E[f(z)^2]) for z ~ N(0, 1) by sampling.

    A right answer lands within 2% of the exact gain for ReLU, linear and tanh
    (with 10**5 samples or more the sampling error is below 0.5%).
    """
    for name in GAIN_CASES:
        f, exact = get_activation(name).f, second_moment_gain(name)
        rng = np.random.default_rng(seed)
        value, problem = try_call(measure_gain, f, rng)
        if problem:
            return report(False, problem.replace(str((f, rng)), f"({name}, rng)"))
        if math.isclose(value, exact, rel_tol=GAIN_REL_TOL):
            continue
        hints = [
            (1.0 / exact, "That is sqrt(E[f(z)^2]), the std the layer keeps; the gain is its inverse."),
            (exact ** 2, "That is 1/E[f(z)^2] without the square root: a gain multiplies the std."),
        ]
        if name == "relu":
            hints.append((1.0 / math.sqrt(0.5 - 0.5 / math.pi),
                          "That uses the variance of f(z); the next layer sums w * f(z) with zero-mean w, "
                          "so what counts is the second moment E[f(z)^2], mean included."))
        hint = next((text for wrong, text in hints if math.isclose(value, wrong, rel_tol=0.03)),
                    "Draw many z ~ N(0, 1) with rng, then return 1 / sqrt(mean(f(z)**2)).")
        return report(False, f"for {name} it returned {value:.4g}, expected about {exact:.4g}. {hint}")
    return report(True, "measure_gain gives sqrt(2) for ReLU, 1 for linear and 1.59 for tanh: "
                        "1/sqrt(E[f(z)^2]) measured by sampling.")
