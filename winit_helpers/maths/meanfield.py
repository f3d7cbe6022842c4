"""Mean-field theory of deep tanh networks: the variance map, its fixed point, order and chaos.

A layer computes ``h_next = phi(h) @ W + b`` with ``W`` of shape (fan_in, fan_out),
``W[i, j] ~ normal(0, sigma_w / sqrt(fan_in))`` and ``b[j] ~ normal(0, sigma_b)``.  For a wide layer the pre-activations are Gaussian,
and their variance ``q`` obeys a one-line map (Poole et al. 2016)::

    q_next = sigma_w**2 * E[phi(sqrt(q) * z)**2] + sigma_b**2,     z ~ normal(0, 1)

Its fixed point ``q*`` is the variance deep layers settle at; the slope
``chi_1 = sigma_w**2 * E[phi'(sqrt(q*) z)**2]`` says whether two nearby inputs
move together (``chi_1 < 1``: order) or apart (``chi_1 > 1``: chaos).  ``chi_1 = 1``
is the edge of chaos (Schoenholz et al. 2017).

``sigma_w`` is the gain of the rest of the course (the weight std times sqrt(fan_in),
:mod:`.activations`), under the name the mean-field papers give it.

The expectations are one- and two-dimensional Gaussian integrals, computed by the smooth
trapezoid rule of :mod:`.gaussian` (fine enough for ``tanh``'s nearest complex poles; over
``q`` in [1e-4, 100] it agrees with adaptive quadrature to better than 1e-8,
``tests/test_gaussian.py``).  The activations come from the one table in :mod:`.activations`.

Used by notebook 8 (all of it) and notebook 9 (:func:`critical_line`), and by :mod:`.theory`.
"""
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from .._checks import check_choice, check_nonnegative, check_positive_float, check_positive_int
from .activations import LECUN_A as A_LECUN, LECUN_B as B_LECUN  # noqa: F401  (the names views_beyond.py reads)
from .activations import get_activation
from .gaussian import _SMOOTH_ZMAX, nodes, normal_expectation, smooth_nodes
from .init import make_rng

#: the activations the mean-field functions know (they need f'' and sup |f| as well)
ACTIVATIONS = ("tanh", "lecun_tanh")


def _phi(activation):
    """(f, f', f'', sup |f|) of a tanh-like activation, from the one table in :mod:`.activations`."""
    a = get_activation(check_choice("activation", activation, list(ACTIVATIONS)))
    return a.f, a.df, a.d2f, a.bound


def _expect(f, q):
    """E[f(sqrt(q) z)], z ~ N(0, 1), for each entry of ``q`` (checked, >= 0): the smooth rule of :mod:`.gaussian`."""
    return normal_expectation(f, np.sqrt(q), smooth=True)


def _check_sigmas(sigma_w, sigma_b):
    sw = check_nonnegative("sigma_w", sigma_w)
    if np.any(sw <= 0):
        raise ValueError(f"sigma_w must be > 0 (it is the weights' std times sqrt(fan_in)), got {sigma_w!r}")
    return sw, check_nonnegative("sigma_b", sigma_b)


def variance_map(q, sigma_w, sigma_b, activation="tanh"):
    """One layer of the variance map: ``sigma_w**2 E[phi(sqrt(q) z)**2] + sigma_b**2`` (broadcasts)."""
    f = _phi(activation)[0]
    sw, sb = _check_sigmas(sigma_w, sigma_b)
    q = np.broadcast_to(check_nonnegative("q", q), np.broadcast(q, sw, sb).shape)
    return _variance_map(q, sw, sb, f)


def _variance_map(q, sw, sb, f):
    """:func:`variance_map` for arguments already checked (``q >= 0``, an array or a float): the theory's inner loop."""
    s = np.sqrt(q)
    z, w = smooth_nodes(s.max(initial=0.0))
    return sw ** 2 * (f(s[..., None] * z) ** 2 @ w) + sb ** 2


def fixed_point(sigma_w, sigma_b, activation="tanh", tol=1e-13, max_steps=400):
    """The stable fixed point ``q*`` of :func:`variance_map` (broadcasts over sigma_w and sigma_b).

    Newton's method on ``g(q) = map(q) - q`` from the right end ``sigma_w**2 sup(phi**2) + sigma_b**2``,
    where ``g <= 0``; ``g`` is concave, so the steps move monotonically down to the largest root
    (for sigma_b = 0 and sigma_w <= 1/phi'(0) that root is ``q* = 0``).
    """
    f, df, d2f, sup = _phi(activation)
    sw, sb = _check_sigmas(sigma_w, sigma_b)
    sw, sb = (np.array(a, dtype=float) for a in np.broadcast_arrays(sw, sb))
    shape = sw.shape
    sw, sb = sw.ravel(), sb.ravel()
    q = sw ** 2 * sup ** 2 + sb ** 2
    bucket = np.ceil(np.log2(np.maximum(q, 1.0)))    # small q needs far fewer nodes than large q
    for b in np.unique(bucket):
        idx = np.flatnonzero(bucket == b)
        z, w = smooth_nodes(np.sqrt(2.0 ** b))
        for _ in range(max_steps):
            qa, swa, sba = q[idx], sw[idx], sb[idx]
            u = np.sqrt(qa)[:, None] * z
            fu = f(u)
            g = swa ** 2 * (fu ** 2 @ w) + sba ** 2 - qa
            dg = swa ** 2 * ((df(u) ** 2 + fu * d2f(u)) @ w) - 1.0    # d/dq E[f^2] = E[f'^2 + f f'']
            new = np.clip(qa - g / np.minimum(dg, -1e-300), 0.0, qa)   # dg < 0 right of the root
            q[idx] = new
            idx = idx[np.abs(new - qa) > tol * (1.0 + new)]
            if idx.size == 0:
                break
    return q.reshape(shape) if shape else float(q[0])


def chi1(sigma_w, sigma_b, activation="tanh", q=None):
    """``chi_1 = sigma_w**2 E[phi'(sqrt(q) z)**2]`` at ``q = q*`` (or the ``q`` you pass): > 1 chaos, < 1 order."""
    df = _phi(activation)[1]
    sw, sb = _check_sigmas(sigma_w, sigma_b)
    q = fixed_point(sw, sb, activation) if q is None else check_nonnegative("q", q)
    out = sw ** 2 * _expect(lambda u: df(u) ** 2, q)
    return out if np.ndim(out) else float(out)


def critical_line(q_star, activation="tanh"):
    """The edge of chaos, parametrised by the fixed point: ``(sigma_w, sigma_b)`` with ``chi_1 = 1`` and ``q* = q_star``.

    At ``q*`` the two conditions read ``sigma_w**2 = 1 / E[phi'^2]`` and
    ``sigma_b**2 = q* - sigma_w**2 E[phi^2]``: no root finding needed.  ``q_star -> 0``
    gives ``sigma_w = 1/phi'(0)``, ``sigma_b = 0``.
    """
    f, df, _, _ = _phi(activation)
    q = check_nonnegative("q_star", q_star)
    sw2 = 1.0 / _expect(lambda u: df(u) ** 2, q)
    sb2 = q - sw2 * _expect(lambda u: f(u) ** 2, q)
    return np.sqrt(sw2), np.sqrt(np.maximum(sb2, 0.0))


def edge_sigma_w(sigma_b, activation="tanh"):
    """The ``sigma_w`` on the edge of chaos (``chi_1 = 1``) for a given ``sigma_b`` (bisection along :func:`critical_line`)."""
    target = float(check_nonnegative("sigma_b", sigma_b))
    if target == 0.0:
        return float(critical_line(0.0, activation)[0])
    lo, hi = 0.0, 1.0
    while critical_line(hi, activation)[1] < target:
        lo, hi = hi, 2.0 * hi
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if critical_line(mid, activation)[1] < target else (lo, mid)
    return float(critical_line(0.5 * (lo + hi), activation)[0])


def _pair_nodes(q):
    """2-D nodes and weights inside the disc |z| <= 8.5 (the corners weigh nothing), fine enough for variance q.

    Returns ``(z, row, z1, z2, w)``: the 1-D nodes ``z``, and for each 2-D node the index ``row`` of its ``z1``
    in ``z`` (``z1 = z[row]``), ``z1``, ``z2`` and its weight.
    """
    return _disc_nodes(len(smooth_nodes(np.sqrt(float(q)))[0]))


@lru_cache(maxsize=64)
def _disc_nodes(count):
    z, w = nodes(count, _SMOOTH_ZMAX)
    row, col = np.meshgrid(np.arange(count), np.arange(count), indexing="ij")
    keep = z[row] ** 2 + z[col] ** 2 <= _SMOOTH_ZMAX ** 2
    row, col = row[keep], col[keep]
    out = (z, row, z[row], z[col], np.outer(w, w)[keep])
    for a in out[1:]:
        a.flags.writeable = False          # cached: shared by every call
    return out


def _pair_expectations(q, c, activation="tanh", derivative=True):
    """``E[phi(u1) phi(u2)]`` and ``E[phi'(u1) phi'(u2)]`` for u ~ N(0, q [[1, c], [c, 1]]), c an array.

    ``derivative=False`` skips the second (returns None for it): the layer-by-layer theory needs only the first.
    ``u1 = sqrt(q) z1`` takes only the 1-D nodes' values, so phi(u1) is computed on those and spread out.
    """
    f, df, _, _ = _phi(activation)
    c = np.clip(np.asarray(c, dtype=float), -1.0, 1.0)
    z, row, z1, z2, w = _pair_nodes(q)
    s = np.sqrt(q)
    u1 = s * z
    u2 = s * (c[..., None] * z1 + np.sqrt(1.0 - c * c)[..., None] * z2)
    pp = (f(u2) * w) @ f(u1)[row]
    return pp, ((df(u2) * w) @ df(u1)[row] if derivative else None)


def correlation_map(c, sigma_w, sigma_b, q=None, activation="tanh"):
    """One layer of the correlation map of two inputs with variance ``q`` (default ``q*``) and correlation ``c``.

    ``c_next = (sigma_w**2 E[phi(u1) phi(u2)] + sigma_b**2) / q_next``.  Its slope at ``c = 1`` is ``chi_1``.
    """
    sw, sb = (float(v) for v in _check_sigmas(sigma_w, sigma_b))
    q = fixed_point(sw, sb, activation) if q is None else float(check_nonnegative("q", q))
    c = np.asarray(c, dtype=float)
    if np.any(np.abs(c) > 1):
        raise ValueError(f"c is a correlation and must lie in [-1, 1], got {c!r}")
    q_next = float(variance_map(q, sw, sb, activation))
    if q_next == 0.0:
        return np.ones_like(c)
    pp, _ = _pair_expectations(q, c, activation=activation)
    out = (sw ** 2 * pp + sb ** 2) / q_next
    return out if out.ndim else float(out)


@dataclass(frozen=True)
class MeanField:
    """Theory of one (sigma_w, sigma_b): the fixed point, its slope, and two inputs through depth."""
    sigma_w: float
    sigma_b: float
    q_star: float
    chi1: float
    c_star: float          # the stable fixed point of the correlation map (1 in the ordered phase)
    depth_scale: float     # xi_c = -1 / ln(chi_c): layers over which correlations settle (inf at the edge)
    q: np.ndarray          # q_l, l = 0 .. depth (both inputs share it)
    c: np.ndarray          # c_l, l = 0 .. depth, shape (depth + 1, number of starting correlations)
    activation: str = "tanh"

    @property
    def phase(self):
        """'ordered', 'chaotic' or 'critical' (|chi_1 - 1| < 1e-3)."""
        if abs(self.chi1 - 1.0) < 1e-3:
            return "critical"
        return "ordered" if self.chi1 < 1 else "chaotic"


def correlation_fixed_point(sigma_w, sigma_b, activation="tanh"):
    """``(c*, chi_c)``: the stable fixed point of the correlation map and the map's slope there.

    In the ordered phase ``c* = 1`` and ``chi_c = chi_1``.  In the chaotic phase ``c* < 1``,
    found by Newton's method from ``c = 0`` (the map is convex in ``c``, so it climbs to c*).
    """
    sw, sb = (float(v) for v in _check_sigmas(sigma_w, sigma_b))
    q = fixed_point(sw, sb, activation)
    return _correlation_fixed_point(sw, sb, activation, q, chi1(sw, sb, activation, q=q))


def _correlation_fixed_point(sw, sb, activation, q, c1):
    """:func:`correlation_fixed_point` given (checked) ``sw``, ``sb``, their ``q*`` and ``chi_1``."""
    if c1 <= 1.0 or q == 0.0:
        return 1.0, c1
    c = 0.0
    for _ in range(100):
        pp, dd = _pair_expectations(q, np.array([c]), activation=activation)
        m, slope = (sw ** 2 * pp[0] + sb ** 2) / q, sw ** 2 * dd[0]
        if slope >= 1.0:          # cannot happen left of c* for a convex map; stop safely
            break
        new = min(c - (m - c) / (slope - 1.0), 1.0)
        if abs(new - c) < 1e-12:
            c = new
            break
        c = new
    _, dd = _pair_expectations(q, np.array([c]), activation=activation)
    return c, sw ** 2 * dd[0]


def theory(sigma_w, sigma_b, depth=30, q0=1.0, c0=(0.2, 0.6, 0.99), activation="tanh"):
    """The mean-field prediction for two inputs with variance ``q0`` and correlation(s) ``c0``, layer by layer.

    Returns a :class:`MeanField`.  Layer ``l`` maps ``(q, c)`` to
    ``q' = sigma_w**2 E[phi(u)**2] + sigma_b**2`` and ``c' = (sigma_w**2 E[phi(u1) phi(u2)] + sigma_b**2) / q'``.
    """
    sw, sb = (float(v) for v in _check_sigmas(sigma_w, sigma_b))
    depth = check_positive_int("depth", depth)
    q0 = check_positive_float("q0", q0)
    c0 = np.atleast_1d(np.asarray(c0, dtype=float))
    if np.any(np.abs(c0) > 1):
        raise ValueError(f"c0 holds correlations and must lie in [-1, 1], got {c0!r}")
    q, c = _layers(sw, sb, q0, c0, depth, activation)
    q_star = fixed_point(sw, sb, activation)            # found once: chi_1 and c* are taken there
    c1 = chi1(sw, sb, activation, q=q_star)
    c_star, chi_c = _correlation_fixed_point(sw, sb, activation, q_star, c1)
    with np.errstate(divide="ignore"):
        xi = np.inf if abs(chi_c - 1.0) < 1e-12 else float(-1.0 / np.log(chi_c))
    return MeanField(sw, sb, q_star, c1, c_star, xi, q, c, activation)


def deepen(mean_field, depth):
    """The same prediction as ``mean_field`` (a :class:`MeanField`) through ``depth`` layers.

    Layer l depends only on layer l - 1, so a deeper prediction continues the layers already computed (the
    numbers are those :func:`theory` gives for ``depth``) and a shallower one keeps the first ``depth``.
    """
    depth = check_positive_int("depth", depth)
    have = len(mean_field.q) - 1
    if depth <= have:
        return replace(mean_field, q=mean_field.q[:depth + 1], c=mean_field.c[:depth + 1])
    q, c = _layers(mean_field.sigma_w, mean_field.sigma_b, mean_field.q[-1], mean_field.c[-1], depth - have,
                   mean_field.activation)
    return replace(mean_field, q=np.concatenate([mean_field.q, q[1:]]), c=np.concatenate([mean_field.c, c[1:]]))


def _layers(sw, sb, q0, c0, depth, activation):
    """``(q, c)`` for layers 0 .. depth of the variance and correlation maps, from ``(q0, c0)`` at layer 0."""
    f = _phi(activation)[0]
    q, c = np.empty(depth + 1), np.empty((depth + 1, c0.size))
    q[0], c[0] = q0, c0
    for layer in range(depth):
        q[layer + 1] = _variance_map(q[layer], sw, sb, f)
        pp, _ = _pair_expectations(q[layer], c[layer], activation=activation, derivative=False)
        c[layer + 1] = (sw ** 2 * pp + sb ** 2) / q[layer + 1] if q[layer + 1] > 0 else 1.0
    return q, c


def phase_diagram(sigma_w, sigma_b, activation="tanh"):
    """``chi_1`` on the grid ``sigma_w`` x ``sigma_b`` (1-D arrays): shape ``(len(sigma_b), len(sigma_w))``."""
    sw, sb = np.meshgrid(check_nonnegative("sigma_w", sigma_w), check_nonnegative("sigma_b", sigma_b))
    return chi1(sw, sb, activation)


# --------------------------------------------------------------------------- finite width
@dataclass(frozen=True)
class TanhRun:
    """Per-layer measurements of one finite-width tanh network (index 0 is the input layer)."""
    sigma_w: float
    sigma_b: float
    width: int
    q: np.ndarray         # mean of h**2 over units and inputs, l = 0 .. depth
    c: np.ndarray         # correlation of each pair's two pre-activation vectors, shape (depth + 1, pairs)
    chi: np.ndarray       # per-layer growth of a small perturbation's squared length, l = 1 .. depth
    distance: np.ndarray  # |h_a - h_b| / sqrt(width) of each pair, shape (depth + 1, pairs)


def draw_noise(depth, width, seed=0, dtype=np.float64):
    """Standard-normal weight matrices ``(depth, width, width)`` and biases ``(depth, width)`` from ``seed``.

    Matrix ``W[l]`` is (fan_in, fan_out), as everywhere in the course: layer ``l`` computes
    ``tanh(h) @ W[l]``.  :func:`run_tanh_network` multiplies them by ``sigma_w / sqrt(width)`` and
    ``sigma_b``, so one draw serves every ``(sigma_w, sigma_b)`` (that is how the live view stays fast).
    """
    depth = check_positive_int("depth", depth)
    width = check_positive_int("width", width, minimum=2)
    rng = make_rng(seed)
    # drawn (fan_out, fan_in) and transposed, so the numbers are those of earlier versions of the course
    weights = np.ascontiguousarray(rng.standard_normal((depth, width, width)).transpose(0, 2, 1), dtype=dtype)
    return weights, rng.standard_normal((depth, width)).astype(dtype, copy=False)


def _inputs(width, q0, c0, rng):
    """Pairs of input pre-activations with variance q0 and correlation c0 (exact, after Gram-Schmidt).

    One input per row: rows ``2k`` and ``2k + 1`` are the k-th pair, shape ``(2 len(c0), width)``.
    """
    c0 = np.atleast_1d(np.asarray(c0, dtype=float))
    g = rng.standard_normal((width, 2 * c0.size)).T
    out = np.empty_like(g)
    for k, c in enumerate(c0):
        a, b = g[2 * k], g[2 * k + 1]
        a = a / np.linalg.norm(a)
        b = b - (b @ a) * a
        b = b / np.linalg.norm(b)
        out[2 * k], out[2 * k + 1] = a, c * a + np.sqrt(1.0 - c * c) * b
    return out * np.sqrt(q0 * width)


def run_tanh_network(sigma_w, sigma_b, noise, q0=1.0, c0=(0.2, 0.6, 0.99), seed=0):
    """Push pairs of inputs through ``h = sigma_w/sqrt(width) tanh(h) @ W + sigma_b b`` for each (W, b) in ``noise``.

    ``noise`` is a pair ``(W, b)`` as from :func:`draw_noise`.  Each pair of inputs has
    variance ``q0`` and correlation ``c0[k]``; a small perturbation rides along with the first
    input of each pair to measure ``chi_1``.  Returns a :class:`TanhRun`.
    """
    sw, sb = (float(v) for v in _check_sigmas(sigma_w, sigma_b))
    q0 = check_positive_float("q0", q0)
    weights, biases = noise
    depth, width = weights.shape[0], weights.shape[1]
    c0 = np.atleast_1d(np.asarray(c0, dtype=float))
    if np.any(np.abs(c0) > 1):
        raise ValueError(f"c0 holds correlations and must lie in [-1, 1], got {c0!r}")
    rng = make_rng(seed)
    h = _inputs(width, q0, c0, rng)                       # one input per row
    tangent = rng.standard_normal((width, c0.size)).T     # one perturbation per row
    tangent /= np.linalg.norm(tangent, axis=1)[:, None]
    q, c, dist = np.empty(depth + 1), np.empty((depth + 1, c0.size)), np.empty((depth + 1, c0.size))
    chi = np.empty(depth)

    def record(layer):
        q[layer] = np.mean(h * h)
        a, b = h[0::2], h[1::2]
        c[layer] = np.sum(a * b, axis=1) / np.sqrt(np.sum(a * a, axis=1) * np.sum(b * b, axis=1))
        dist[layer] = np.linalg.norm(a - b, axis=1) / np.sqrt(width)

    record(0)
    gain = sw / np.sqrt(width)
    pairs = c0.size
    for layer in range(depth):
        w = weights[layer]
        t = np.tanh(h)
        both = np.concatenate([t, (1.0 - t[0::2] ** 2) * tangent], axis=0).astype(w.dtype) @ w   # one product
        tangent = gain * both[2 * pairs:].astype(float)
        growth = np.sum(tangent * tangent, axis=1)
        chi[layer] = growth.mean()
        tangent /= np.sqrt(growth)[:, None]
        h = gain * both[:2 * pairs].astype(float) + sb * biases[layer][None, :]
        record(layer + 1)
    return TanhRun(sw, sb, width, q, c, chi, dist)
