"""The simulation at the heart of the course: data pushed through a deep stack of random layers.

It is the Q&A's loop, and nothing more::

    x = rng.standard_normal((n_samples, width))          # the input, unit variance
    for layer in range(depth):
        w = rng.normal(0.0, scale, size=(width, width))    # a fresh matrix per layer
        x = activation(x @ w)

with one addition: the activations are kept as ``x * 10**log_scale``, and ``x`` is
divided by its own std after each layer where that is exact (a linear or ReLU
layer, or tanh where its input is so small that tanh(x) == x).  So the statistics
stay finite and correct where float64 itself would overflow to ``inf`` or
underflow to 0, and no RuntimeWarning reaches the user.
"""
from dataclasses import dataclass, replace

import numpy as np

from ._checks import check_choice, check_positive_float, check_positive_int
from .activations import get_activation

# log10 of the largest finite value of each float type: activations beyond it are inf ...
LOG10_MAX = {name: float(np.log10(np.finfo(name).max)) for name in ("float16", "float32", "float64")}
# ... and of the smallest value above 0: activations below it are 0
LOG10_MIN = {name: float(np.log10(np.finfo(name).smallest_subnormal)) for name in LOG10_MAX}

_TINY = -8.0  # below |x| = 1e-8, tanh(x) == x to double precision


@dataclass(frozen=True)
class Simulation:
    """Per-layer statistics of one run of :func:`simulate`.

    Entry ``k`` of each array describes the output of layer ``k + 1``.
    ``log10_std`` is always finite unless the activations are exactly zero;
    ``std`` and ``mean`` read ``inf`` (or ``0.0``) where float64 cannot hold them.
    """
    depth: int
    width: int
    scale: float
    activation: str
    n_samples: int
    seed: int
    log10_std: np.ndarray      # log10 of the std over all samples and units
    log10_absmax: np.ndarray   # log10 of the largest |activation|
    mean_sign: np.ndarray      # sign of the mean (-1, 0 or 1)
    log10_abs_mean: np.ndarray # log10 of |mean|

    @property
    def std(self):
        """Std of each layer's output (``inf`` past float64's range)."""
        with np.errstate(over="ignore"):
            return 10.0 ** self.log10_std

    @property
    def mean(self):
        """Mean of each layer's output (``+-inf`` past float64's range)."""
        with np.errstate(over="ignore"):
            return self.mean_sign * 10.0 ** self.log10_abs_mean

    @property
    def layers(self):
        """Layer numbers 1 .. depth, for plotting."""
        return np.arange(1, self.depth + 1)

    def overflow_layer(self, dtype="float64"):
        """First layer whose largest |activation| exceeds ``dtype``'s range (None if none does).

        That is where a plain numpy loop in that dtype would first produce ``inf``.
        """
        if dtype not in LOG10_MAX:
            raise ValueError(f"unknown dtype {dtype!r}; choose one of: {', '.join(LOG10_MAX)}")
        over = np.flatnonzero(self.log10_absmax > LOG10_MAX[dtype])
        return int(over[0]) + 1 if over.size else None

    def underflow_layer(self, dtype="float64"):
        """First layer whose largest |activation| is below ``dtype``'s smallest number (None if none is).

        That is where a plain numpy loop in that dtype would hold nothing but zeros.
        """
        if dtype not in LOG10_MIN:
            raise ValueError(f"unknown dtype {dtype!r}; choose one of: {', '.join(LOG10_MIN)}")
        under = np.flatnonzero(self.log10_absmax < LOG10_MIN[dtype])
        return int(under[0]) + 1 if under.size else None

    def head(self, depth):
        """The statistics of the first ``depth`` layers: the same as simulating only ``depth`` layers."""
        depth = check_positive_int("depth", depth)
        if depth > self.depth:
            raise ValueError(f"depth must be at most {self.depth} (the layers simulated), got {depth}")
        cut = slice(0, depth)
        return replace(self, depth=depth, log10_std=self.log10_std[cut], log10_absmax=self.log10_absmax[cut],
                       mean_sign=self.mean_sign[cut], log10_abs_mean=self.log10_abs_mean[cut])

    def rescale(self, scale):
        """The same run with every weight multiplied by ``scale / self.scale``.

        Exact for linear and ReLU layers (f(c x) = c f(x)): layer k's output is
        multiplied by (scale / self.scale) ** k.  That is all a change of scale does.
        """
        scale = check_positive_float("scale", scale)
        if not get_activation(self.activation).homogeneous:
            raise ValueError(f"rescale is exact only for linear and relu layers, not {self.activation!r}; "
                             "call simulate(...) with the new scale instead")
        shift = self.layers * np.log10(scale / self.scale)
        return replace(self, scale=scale, log10_std=self.log10_std + shift,
                       log10_absmax=self.log10_absmax + shift, log10_abs_mean=self.log10_abs_mean + shift)


def simulate(depth, width, scale, *, n_samples=500, activation="linear", seed=0):
    """Push ``n_samples`` standard-normal inputs through ``depth`` layers of ``width`` units.

    Every layer gets a fresh ``width x width`` weight matrix drawn from
    ``normal(0, scale)``, all from one generator seeded with ``seed``: the same
    arguments give the same result, every time.  Returns a :class:`Simulation`
    with per-layer arrays ``.mean``, ``.std`` and ``.log10_std``.
    """
    depth = check_positive_int("depth", depth)
    width = check_positive_int("width", width)
    scale = check_positive_float("scale", scale)
    n_samples = check_positive_int("n_samples", n_samples, minimum=2)
    act = get_activation(activation)

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_samples, width))
    log_scale = 0.0      # the true activations are x * 10**log_scale ...
    rescale = 1.0        # ... once x is multiplied by this (folded into the next, smaller, weight matrix)
    ones = np.ones(x.size)
    stats = np.empty((4, depth))
    with np.errstate(all="ignore"):       # log10(0) = -inf is a fine answer here
        for k in range(depth):
            z = x @ (rng.normal(0.0, scale, size=(width, width)) * rescale)
            rescale = 1.0
            if act.homogeneous:
                x, exact = act.f(z), True
            elif act.identity_near_zero and log_scale + np.log10(max(z.max(), -z.min())) < _TINY:
                x, exact = z, True        # f(z) == z here, so z may stay rescaled
            else:
                x, exact, log_scale = act.f(z * 10.0 ** log_scale), False, 0.0
            m, s, a = _moments(x.ravel(), ones)
            stats[:, k] = (log_scale + np.log10(s), log_scale + np.log10(a),
                           np.sign(m), log_scale + np.log10(abs(m)))
            if exact and s > 0:           # divide by the std: the next layer sees unit-std input
                rescale = 1.0 / s
                log_scale += np.log10(s)
    return Simulation(depth, width, scale, act.name, n_samples, seed, *stats)


def _moments(flat, ones):
    """Mean, std and largest |value| of a flat array, in a few fast passes (this is the hot loop)."""
    mean = flat @ ones / flat.size
    var = flat @ flat / flat.size - mean * mean
    if var < 1e-8 * mean * mean:      # the shortcut lost its digits to cancellation: do it properly
        var = flat.var()
    return mean, np.sqrt(max(var, 0.0)), max(flat.max(), -flat.min())


def fan_in_outputs(fan_in, scale=1.0, *, weights="normal", n_samples=100, n_units=1, seed=0):
    """The outputs ``X @ W`` of ``n_units`` neurons, each adding up ``fan_in`` products.

    ``X`` is ``(n_samples, fan_in)`` standard normal; ``W`` is ``(fan_in, n_units)``,
    drawn from ``normal(0, scale)`` or, with ``weights="uniform"``, from
    ``uniform(-scale, scale)``.  X first, then W, from one generator seeded with ``seed``.
    """
    fan_in = check_positive_int("fan_in", fan_in)
    scale = check_positive_float("scale", scale)
    weights = check_choice("weights", weights, ["normal", "uniform"])
    n_samples = check_positive_int("n_samples", n_samples, minimum=2)
    n_units = check_positive_int("n_units", n_units)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, fan_in))
    if weights == "normal":
        W = rng.normal(0.0, scale, size=(fan_in, n_units))
    else:
        W = rng.uniform(-scale, scale, size=(fan_in, n_units))
    return X @ W


def predicted_output_std(fan_in, scale=1.0, weights="normal"):
    """The std of one neuron's output for unit-variance inputs: sqrt(fan_in * Var(w)).

    Var(w) is ``scale**2`` for ``normal(0, scale)`` and ``scale**2 / 3`` for ``uniform(-scale, scale)``.
    """
    fan_in = check_positive_int("fan_in", fan_in)
    scale = check_positive_float("scale", scale)
    weights = check_choice("weights", weights, ["normal", "uniform"])
    weight_var = scale ** 2 if weights == "normal" else scale ** 2 / 3
    return float(np.sqrt(fan_in * weight_var))


def pow10_str(log10_value, digits=2):
    """Write 10**log10_value in scientific notation, however large or small: 100.08 -> '1.2e+100'."""
    if not np.isfinite(log10_value):
        return "0" if log10_value < 0 else "inf"
    exponent = int(np.floor(log10_value))
    mantissa = 10.0 ** (log10_value - exponent)
    if round(mantissa, digits - 1) >= 10:     # 9.99 rounds up to 10.0: carry into the exponent
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.{digits - 1}f}e{exponent:+d}"


def predicted_log10_std(depth, width, scale):
    """log10 of the std of layer 1 .. depth of a *linear* network with unit-variance input.

    Each layer multiplies the std by ``scale * sqrt(width)``, so layer k's std is
    ``(scale * sqrt(width)) ** k``; returned as its log10 so it never overflows.
    """
    depth = check_positive_int("depth", depth)
    width = check_positive_int("width", width)
    scale = check_positive_float("scale", scale)
    return np.arange(1, depth + 1) * np.log10(scale * np.sqrt(width))
