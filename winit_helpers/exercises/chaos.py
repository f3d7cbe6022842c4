"""Self-checks for the exercises of notebook 8 (the edge of chaos).

Each check prints what is right, or what is wrong and a hint, and returns True or False.
It never raises on a wrong answer, so the notebook still runs.
"""
import numpy as np

from ..maths import meanfield as mf

# two ordered and two chaotic points, all with q* < 2.3, where 101 Gauss-Hermite points are good to 5e-6
_POINTS = [(0.8, 0.3), (1.5, 1.0), (1.8, 0.3), (2.0, 0.1)]


def check_chi1(chi1_function):
    """Compare ``chi1_function(sigma_w, sigma_b)`` with the helper's chi_1 at four points, to 1e-4."""
    for sw, sb in _POINTS:
        want = mf.chi1(sw, sb)
        try:
            got = float(chi1_function(sw, sb))
        except Exception as exc:  # the learner's code failed: say so instead of raising
            print(f"Calling your function with sigma_w={sw}, sigma_b={sb} raised {type(exc).__name__}: {exc}")
            return False
        if not np.isfinite(got) or abs(got - want) > 1e-4 * max(1.0, want):
            q_star = mf.fixed_point(sw, sb)
            hint = ("Did you evaluate E[tanh'(sqrt(q) z)^2] at the fixed point q* (iterate the variance map "
                    f"first; here q* = {q_star:.4f})? tanh'(u) = 1 - tanh(u)^2 = 1/cosh(u)^2, and it is squared.")
            print(f"Not yet: at sigma_w={sw}, sigma_b={sb} you got {got:.6g}, expected {want:.6g}. {hint}")
            return False
    print("Correct: your chi_1 matches the theory at all four points: "
          + ", ".join(f"{mf.chi1(sw, sb):.3f}" for sw, sb in _POINTS) + " (two ordered, two chaotic).")
    return True


def check_edge_sigma_w(value, sigma_b=0.5):
    """Is ``value`` the sigma_w of the edge of chaos at this sigma_b (to 0.01)?"""
    want = mf.edge_sigma_w(sigma_b)
    try:
        value = float(value)
    except (TypeError, ValueError):
        print(f"Your answer should be a number (sigma_w), got {value!r}")
        return False
    if abs(value - want) <= 0.01:
        print(f"Correct: sigma_w = {value:.3f} puts sigma_b = {sigma_b} on the edge of chaos "
              f"(chi_1 = {mf.chi1(value, sigma_b):.4f}).")
        return True
    side = "ordered (chi_1 < 1): increase sigma_w" if mf.chi1(value, sigma_b) < 1 else \
        "chaotic (chi_1 > 1): decrease sigma_w"
    print(f"Not yet: at sigma_w = {value:.3f}, sigma_b = {sigma_b} the network is {side}.")
    return False
