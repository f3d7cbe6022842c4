"""The Gaussian expectation E[f(z)] for z ~ normal(0, std**2), by quadrature: no sampling noise.

Used by :mod:`.activations` (gains), :mod:`.theory` (wide-network predictions),
:mod:`.meanfield` and :mod:`.isometry`; notebooks 5, 7 and 8 call it directly.
"""
from functools import lru_cache

import numpy as np

from .._checks import check_positive_float

# the standard normal density on a fine grid: E[g(z)] = sum(g(Z) * _W), exact to about 1e-7
# even for a kink or a jump at 0 (ReLU and its derivative)
_Z = np.linspace(-12.0, 12.0, 9600)   # an even count: 0 falls midway between two nodes
_W = np.exp(-0.5 * _Z ** 2) * (_Z[1] - _Z[0]) / np.sqrt(2.0 * np.pi)


def normal_expectation(fn, std=1.0):
    """E[fn(std * z)] for z ~ N(0, 1), by quadrature on a fine grid (no sampling noise).

    ``fn`` takes and returns an array, e.g. ``lambda x: np.tanh(x) ** 2``.
    """
    std = check_positive_float("std", std)
    return float(np.asarray(fn(std * _Z), dtype=float) @ _W)



def _check_nonnegative(name, value):
    """An array of finite numbers >= 0 (sigma_b = 0 and q = 0 are allowed)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number >= 0 or an array of them, got {value!r}") from None
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return arr


_ZMAX = 8.5   # exp(-8.5**2 / 2) ~ 2e-16: the Gaussian weight beyond is below double precision


def gaussian_nodes(q_max, accuracy=30.0):
    """Nodes ``z`` and weights ``w`` with ``sum(w * f(sqrt(q) z)) ~= E[f(sqrt(q) z)]`` for every q <= q_max.

    The trapezoid rule on [-8.5, 8.5] with step ``pi**2 / (accuracy * sqrt(q_max))``:
    for tanh-like integrands its error falls like exp(-accuracy).
    """
    q_max = float(_check_nonnegative("q_max", q_max).max(initial=0.0))
    accuracy = check_positive_float("accuracy", accuracy)
    return _nodes(_node_count(q_max, accuracy))


def _node_count(q_max, accuracy):
    """n such that the step 8.5 / n is at most pi**2 / (accuracy * sqrt(q_max))."""
    return int(np.ceil(_ZMAX * accuracy * max(1.0, np.sqrt(q_max)) / np.pi ** 2))


@lru_cache(maxsize=128)
def _nodes(n):
    """2n + 1 trapezoid nodes on [-8.5, 8.5] with their normal-density weights (read-only arrays)."""
    h = _ZMAX / n
    z = np.arange(-n, n + 1) * h
    w = h * np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)
    z.flags.writeable = w.flags.writeable = False
    return z, w


def gaussian_expectation(f, q, accuracy=30.0):
    """``E[f(sqrt(q) z)]`` for ``z ~ normal(0, 1)``, for each entry of ``q`` (an array of variances >= 0)."""
    q = _check_nonnegative("q", q)
    z, w = gaussian_nodes(q, accuracy)
    return f(np.sqrt(q)[..., None] * z) @ w


