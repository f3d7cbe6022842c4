"""Self-checks for the exercises of notebook 9 (orthogonal weights, isometry, LSUV, residual scaling).

Each check prints a tick and what is right, or a cross and what is wrong (naming the mistakes it
recognises), and returns True or False.  It never raises on a wrong answer, so the notebook runs on.
"""
import math

import numpy as np

from ._check import FormulaCheck, report


def check_haar_orthogonal(haar_orthogonal, n=6, draws=1000, seed=0):
    """Exercise 9.1: ``haar_orthogonal(n, rng)`` returns an ``n x n`` orthogonal matrix, uniformly distributed.

    Uniform means, among other things, that ``Q[0, 0]`` is positive in half of the draws.  Over 1000 draws
    the fraction has standard error 0.016; we accept 0.43 to 0.57 (4.4 standard errors).
    """
    rng = np.random.default_rng(seed)
    firsts = []
    for k in range(draws):
        try:
            q = np.asarray(haar_orthogonal(n, rng), dtype=float)
        except Exception as exc:  # the learner's code may do anything
            return report(False, f"haar_orthogonal({n}, rng) raised {type(exc).__name__}: {exc}")
        if q.shape != (n, n):
            return report(False, f"haar_orthogonal({n}, rng) returned shape {q.shape}; expected ({n}, {n})")
        if k < 20 and not np.allclose(q.T @ q, np.eye(n), atol=1e-10):
            if np.allclose(q.T @ q, np.diag(np.diag(q.T @ q)), atol=1e-8):
                return report(False, "its columns are orthogonal but not of length 1: did you multiply by diag(R) "
                                     "itself instead of by its signs, np.sign(np.diag(R))?")
            return report(False, "Q.T @ Q is not the identity: take Q from np.linalg.qr of a standard-normal matrix")
        firsts.append(q[0, 0])
    positive = float(np.mean(np.array(firsts) > 0))
    if positive < 0.05 or positive > 0.95:
        return report(False, f"Q[0, 0] was positive in {positive:.0%} of {draws} draws; for a uniform orthogonal "
                             "matrix it is positive half the time. The sign fix is missing: multiply column j of Q "
                             "by the sign of R[j, j].")
    if not 0.43 <= positive <= 0.57:
        return report(False, f"Q[0, 0] was positive in {positive:.1%} of {draws} draws; expected about 50%. "
                             "Are you drawing a fresh standard-normal matrix from rng each time?")
    return report(True, f"orthogonal to 1e-10, and Q[0, 0] > 0 in {positive:.1%} of {draws} draws, as a uniformly "
                        "distributed (Haar) orthogonal matrix should be.")


check_branch_scale = FormulaCheck(
    "check_branch_scale",
    """Exercise 9.2: ``branch_scale(depth, max_growth)``, the ``a`` with ``(1 + a**2) ** depth == max_growth``.""",
    [(50, 2.0), (10, 100.0), (200, math.e), (1, 5.0)],
    lambda d, g: math.sqrt(g ** (1 / d) - 1),
    [("That is 1/sqrt(depth): it bounds the expected growth, (1 + a**2)**depth, by e = 2.718..., whatever "
      "max_growth asks for. "
      "Solve (1 + a**2)**depth = max_growth for a.", lambda d, g: 1 / math.sqrt(d)),
     ("That is max_growth**(1/depth) - 1, the value of a**2; take its square root.",
      lambda d, g: g ** (1 / d) - 1),
     ("That is sqrt(max_growth**(1/depth)): the 1 of the identity path must come off first, "
      "a = sqrt(max_growth**(1/depth) - 1).", lambda d, g: math.sqrt(g ** (1 / d))),
     ("That is sqrt((max_growth - 1) / depth), the first term of a Taylor series; compounding needs "
      "the depth-th root.", lambda d, g: math.sqrt((g - 1) / d))],
    "branch_scale(depth, max_growth) = sqrt(max_growth**(1/depth) - 1): correct on every case.",
    fallback="Each block multiplies the mean square by (1 + a**2).")
