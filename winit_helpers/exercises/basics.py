"""Self-checks for the exercises of notebooks 1 to 3.

Each ``check_...`` takes the learner's function, tries it on a few cases, prints
what is right or what is wrong (naming the classic mistakes it recognises), and
returns True or False.  It never raises on a wrong answer, so the notebook runs on.
"""
import math

import numpy as np

from ._check import FormulaCheck, report


check_output_std = FormulaCheck(
    "check_output_std",
    """Exercise 1.1: ``output_std(fan_in, weight_std)`` for unit-variance inputs.""",
    [(64, 0.25), (3, 2.0), (1000, 1.0), (100, 0.1)],
    lambda n, s: math.sqrt(n) * s,
    [("That is fan_in * weight_std: the *variance* adds up over fan_in terms, so the std grows by sqrt(fan_in).",
      lambda n, s: n * s),
     ("That is the variance, fan_in * weight_std**2; the question asks for the std (take the square root).",
      lambda n, s: n * s * s),
     ("weight_std is squared: Var(w) = weight_std**2, and the std of the sum is sqrt(fan_in * Var(w)).",
      lambda n, s: math.sqrt(n) * s * s),
     ("You divided by sqrt(fan_in); adding more terms makes the sum *larger*: multiply.",
      lambda n, s: s / math.sqrt(n))],
    "output_std(fan_in, weight_std) = sqrt(fan_in) * weight_std: correct on every case.")


check_uniform_bound = FormulaCheck(
    "check_uniform_bound",
    """Exercise 1.2: ``uniform_bound(fan_in)``, the a with Var(U(-a, a)) = 1 / fan_in.""",
    [(1000,), (100,), (3,), (1,)],
    lambda n: math.sqrt(3.0 / n),
    [("That is 1/sqrt(fan_in), the *std* you want; U(-a, a) has std a/sqrt(3), so a must be sqrt(3) times larger.",
      lambda n: 1 / math.sqrt(n)),
     ("That is 3/fan_in, a variance-sized number; take its square root.", lambda n: 3.0 / n),
     ("That divides by sqrt(3) instead of multiplying: Var(U(-a, a)) = a**2 / 3, so a**2 = 3 / fan_in.",
      lambda n: 1 / math.sqrt(3.0 * n))],
    "uniform_bound(fan_in) = sqrt(3 / fan_in): U(-a, a) has variance a**2/3 = 1/fan_in.")


check_overflow_layer = FormulaCheck(
    "check_overflow_layer",
    """Exercise 2.1: ``overflow_layer(width, scale, log10_max)``, the first layer whose predicted std
    exceeds 10**log10_max. The case (100, 1.0, 38.0) has a whole-number ratio, where rounding up
    and rounding down differ from the right answer in the same way.""",
    [(100, 1.0, 38.53), (512, 1.0, 38.53), (100, 1.0, 308.25), (1000, 0.5, 38.53), (100, 1.0, 38.0)],
    lambda w, s, m: math.floor(m / math.log10(s * math.sqrt(w))) + 1,
    [("Off by one: the std passes the limit at the first whole layer *after* log10_max / log10(growth).",
      lambda w, s, m: math.floor(m / math.log10(s * math.sqrt(w)))),
     ("Off by one: round down and add one; rounding up fails when the ratio is a whole number.",
      lambda w, s, m: math.ceil(m / math.log10(s * math.sqrt(w)))),
     ("The growth per layer is scale * sqrt(width), not scale * width.",
      lambda w, s, m: math.floor(m / math.log10(s * w)) + 1)],
    "overflow_layer is right: layer k's std is (scale * sqrt(width))**k, so k = floor(log10_max / log10 growth) + 1.")


check_vanishing_scale = FormulaCheck(
    "check_vanishing_scale",
    """Exercise 2.2: the scale that shrinks the std by ``factor`` over ``depth`` layers.""",
    [(400, 50, 1e-10), (100, 100, 1e-3), (1000, 10, 0.5)],
    lambda w, d, f: f ** (1.0 / d) / math.sqrt(w),
    [("Each layer multiplies by scale * sqrt(width); solve (scale * sqrt(width))**depth = factor for scale.",
      lambda w, d, f: f ** (1.0 / d)),
     ("You divided by width; the growth per layer is scale * sqrt(width).",
      lambda w, d, f: f ** (1.0 / d) / w),
     ("The depth-th root is factor**(1/depth), not factor / depth.",
      lambda w, d, f: (f / d) / math.sqrt(w))],
    "vanishing_scale(width, depth, factor) = factor**(1/depth) / sqrt(width).")


check_largest_multiplier = FormulaCheck(
    "check_largest_multiplier",
    """Exercise 3.1: the largest per-layer factor m with m**depth <= max_growth.""",
    [(100, 10.0), (1000, 10.0), (50, 2.0), (10, 100.0)],
    lambda d, g: g ** (1.0 / d),
    [("That is 1 + max_growth / depth, the first step of a Taylor series; compounding needs the depth-th root.",
      lambda d, g: 1 + g / d),
     ("That is max_growth / depth; compounding multiplies, so take the depth-th root.",
      lambda d, g: g / d)],
    "largest_multiplier(depth, max_growth) = max_growth**(1/depth): the rule must hold to within a few percent.")


def check_book_weights(book_weights, layers=(64, 32, 16, 10), seed=0):
    """Exercise 3.2: the book's matrices for ``layers``: shapes and scale."""
    try:
        Ws = book_weights(list(layers), np.random.default_rng(seed))
    except Exception as exc:
        return report(False, f"book_weights raised {type(exc).__name__}: {exc}")
    if not isinstance(Ws, (list, tuple)) or len(Ws) != len(layers) - 1:
        got = f"{len(Ws)} of them" if isinstance(Ws, (list, tuple)) else repr(Ws)
        return report(False, f"expected a list of {len(layers) - 1} matrices, one per pair of layers; got {got}")
    for i, W in enumerate(Ws):
        W = np.asarray(W)
        last = i == len(layers) - 2
        shape = (layers[i] + 1, layers[i + 1] + (0 if last else 1))
        if W.shape != shape:
            return report(False, f"matrix {i} has shape {W.shape}; the book's is {shape} "
                                 "(one extra row for the bias input" + ("; the output layer has no bias unit, so no extra column"
                                                               if last else ", one extra column for the next bias unit") + ")")
        std, want = W.std(), 1 / math.sqrt(layers[i])
        # a matrix of >= 170 entries estimates its std within 12% for every seed tried (the smallest is 17 x 10)
        if abs(std / want - 1) > 0.25:
            if abs(std - 1) < 0.25:
                return report(False, f"matrix {i} has std {std:.3f}: the division by sqrt(layers[{i}]) is missing")
            if abs(std * math.sqrt(layers[i + 1]) - 1) < 0.25 and layers[i] != layers[i + 1]:
                return report(False, f"matrix {i} has std {std:.3f} = 1/sqrt({layers[i + 1]}): that divides by the "
                                     f"fan_out; the book divides by sqrt(layers[{i}]) = sqrt({layers[i]})")
            return report(False, f"matrix {i} has std {std:.3f}; expected about 1/sqrt({layers[i]}) = {want:.3f}")
    return report(True, "book_weights matches the book: shapes (n+1, m+1) (last (n+1, m)), std 1/sqrt(n).")
