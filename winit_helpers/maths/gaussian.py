"""The one Gaussian expectation of the course: E[f(std * z)] for z ~ N(0, 1), by quadrature (no sampling noise).

:func:`normal_expectation` is the trapezoid rule: ``sum(f(std * z_k) * w_k)`` with ``z_k`` evenly
spaced on [-zmax, zmax] and ``w_k`` the normal density at ``z_k`` times the step (:func:`nodes`).

* By default the grid is fine: 9600 nodes on [-12, 12] (step h = 0.0025).  The count is even, so 0
  falls midway between two nodes, and even for an ``f`` with a kink or a jump at 0 (ReLU, its
  derivative) the error is at most about 1.04e-7 x std x the jump in slope at 0 (h**2 / 24 times
  the density at 0; 1.04e-7 x std for ReLU, far less for a jump in f itself, measured against
  scipy's adaptive quadrature in ``tests/test_gaussian.py``).
* ``smooth=True`` is for an ``f`` without kinks, such as tanh: a coarse grid on [-8.5, 8.5] whose
  step shrinks like 1/std, step <= pi**2 / (30 std).  For such integrands the rule's error falls
  like exp(-30), and it is many times faster: the mean-field maps of :mod:`.meanfield` evaluate it
  on whole grids of variances.

Used by :mod:`.activations` (the gains), :mod:`.theory`, :mod:`.meanfield` and :mod:`.isometry`;
notebooks 5 and 7 call :func:`normal_expectation` directly.
"""
from functools import lru_cache

import numpy as np

from .._checks import check_nonnegative

_FINE = (9600, 12.0)     # exp(-12**2 / 2) ~ 5e-32: the density beyond 12 is far below double precision
_SMOOTH_ZMAX = 8.5       # exp(-8.5**2 / 2) ~ 2e-16: beyond 8.5, below double precision
_SMOOTH_ACCURACY = 30.0  # the smooth rule's error falls like exp(-_SMOOTH_ACCURACY)


@lru_cache(maxsize=128)
def nodes(count, zmax):
    """``count`` nodes ``z`` evenly spaced on [-zmax, zmax] and weights ``w``: ``sum(w * f(z))`` ~= E[f(z)], z ~ N(0, 1).

    An even ``count`` puts 0 midway between two nodes.  The arrays are read-only (they are cached).
    """
    z = np.linspace(-zmax, zmax, count)
    w = np.exp(-0.5 * z * z) * (z[1] - z[0]) / np.sqrt(2.0 * np.pi)
    z.flags.writeable = w.flags.writeable = False
    return z, w


def smooth_nodes(std_max):
    """:func:`nodes` for a smooth integrand and every std up to ``std_max``: on [-8.5, 8.5], step <= pi**2 / (30 std_max)."""
    half = int(np.ceil(_SMOOTH_ZMAX * _SMOOTH_ACCURACY * max(1.0, float(std_max)) / np.pi ** 2))
    return nodes(2 * half + 1, _SMOOTH_ZMAX)


def normal_expectation(fn, std=1.0, *, smooth=False):
    """E[fn(std * z)] for z ~ N(0, 1): a float, or an array shaped like ``std`` when ``std`` is an array.

    ``fn`` takes and returns an array, e.g. ``lambda x: np.tanh(x) ** 2``.  ``smooth=True``
    uses the coarse grid, exact to double precision only when ``fn`` has no kink (see the module).
    """
    std = check_nonnegative("std", std)
    z, w = smooth_nodes(std.max(initial=0.0)) if smooth else nodes(*_FINE)
    out = np.asarray(fn(std[..., None] * z), dtype=float) @ w
    return float(out) if out.ndim == 0 else out
