"""The forward pass, measured: data pushed through layers of random weights, and per-layer statistics.

Two loops live here.

1. :func:`simulate` (notebooks 2 and 3): square layers, one weight std.  It is the Q&A's loop,
and nothing more::

    x = rng.standard_normal((n_samples, width))          # the input, unit variance
    for layer in range(depth):
        w = rng.normal(0.0, scale, size=(width, width))    # a fresh matrix per layer
        x = activation(x @ w)

with one addition: the activations are kept as ``x * 10**log_scale``, and ``x`` is
divided by its own std after each layer where that is exact (a linear or ReLU
layer, or tanh where its input is so small that tanh(x) == x).  So the statistics
stay finite and correct where float64 itself would overflow to ``inf`` or
underflow to 0, and no RuntimeWarning reaches the user.

2. :func:`propagate` and :func:`run_stack` (notebooks 4, 5 and 7): forward and backward statistics
through a stack of layers of any widths.  ``widths = [n0, n1, ..., nL]`` describes L layers; layer k
maps n_(k-1) units to n_k with a weight matrix of shape (n_(k-1), n_k)::

    h = x                                  # the input, n_samples x n0
    for W in weights:                      # forward
        z = h @ W                          # pre-activation of layer k
        h = f(z)                           # activation of layer k
    g = dL/dh_L                            # a random unit-variance gradient, or softmax - one-hot
    for W, z in reversed(...):             # backward
        delta = g * f'(z)                  # dL/dz_k
        g = delta @ W.T                    # dL/dh_(k-1): the gradient flows through W transposed

:func:`propagate` runs that loop on given weights and keeps only per-layer
statistics (and, if asked, per-layer histograms); :func:`run_stack` draws the
weights with a named scheme first.  :func:`.theory.mean_field` is the theory for the
same statistics in the limit of infinitely wide layers.

:func:`fan_in_outputs` (notebook 1) is one layer of neurons.
"""
import math
import queue
import threading
from dataclasses import dataclass, replace

import numpy as np

from .._blas import one_blas_thread as _one_blas_thread
from .._checks import check_choice, check_positive_float, check_positive_int
from .activations import get_activation, saturated_share
from .init import check_distribution, check_widths, layer_stds, make_rng, unit_weights

# log10 of the largest finite value of each float type: activations beyond it are inf (in float64: np.log10 of
# finfo's float32 number would work in float32, 2e-6 decades off) ...
LOG10_MAX = {name: math.log10(float(np.finfo(name).max)) for name in ("float16", "float32", "float64")}
# ... and of the smallest value above 0: activations below it are 0
LOG10_MIN = {name: math.log10(float(np.finfo(name).smallest_subnormal)) for name in LOG10_MAX}

_TINY = -8.0  # below |x| = 1e-8, tanh(x) == x to double precision


@dataclass(frozen=True)
class Simulation:
    """Per-layer statistics of one run of :func:`simulate`.

    Entry ``k`` of each array describes the output of layer ``k + 1``.
    ``log10_std`` is always finite unless the activations are exactly zero;
    ``std`` and ``mean`` read ``inf`` (or ``0.0``) where float64 cannot hold them.
    A run made with ``keep="std"`` has no ``log10_absmax`` (None): it cannot say where a float type overflows.
    """
    depth: int
    width: int
    scale: float
    activation: str
    n_samples: int
    seed: int
    log10_std: np.ndarray      # log10 of the std over all samples and units
    log10_absmax: np.ndarray   # log10 of the largest |activation| (None for a run with keep="std")
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
        self._need_absmax()
        over = np.flatnonzero(self.log10_absmax > LOG10_MAX[dtype])
        return int(over[0]) + 1 if over.size else None

    def underflow_layer(self, dtype="float64"):
        """First layer whose largest |activation| is below ``dtype``'s smallest number (None if none is).

        That is where a plain numpy loop in that dtype would hold nothing but zeros.
        """
        if dtype not in LOG10_MIN:
            raise ValueError(f"unknown dtype {dtype!r}; choose one of: {', '.join(LOG10_MIN)}")
        self._need_absmax()
        under = np.flatnonzero(self.log10_absmax < LOG10_MIN[dtype])
        return int(under[0]) + 1 if under.size else None

    def _need_absmax(self):
        if self.log10_absmax is None:
            raise ValueError("this run kept only the std and the mean (simulate(..., keep='std')), not the largest "
                             "|activation| that says where a float type overflows; run it with keep='all'")

    def head(self, depth):
        """The statistics of the first ``depth`` layers: the same as simulating only ``depth`` layers."""
        depth = check_positive_int("depth", depth)
        if depth > self.depth:
            raise ValueError(f"depth must be at most {self.depth} (the layers simulated), got {depth}")
        cut = slice(0, depth)
        absmax = None if self.log10_absmax is None else self.log10_absmax[cut]
        return replace(self, depth=depth, log10_std=self.log10_std[cut], log10_absmax=absmax,
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
        absmax = None if self.log10_absmax is None else self.log10_absmax + shift
        return replace(self, scale=scale, log10_std=self.log10_std + shift, log10_absmax=absmax, log10_abs_mean=self.log10_abs_mean + shift)


#: the float types whose range a depth figure marks
EDGE_DTYPES = ("float32", "float64")
#: how far (in decades) the bounds of :func:`absmax_layers_needed` are widened: two runs of the same weights
#: (one following every sample, one a width x width matrix, see ``simulate(keep="std")``) agree to about 1e-12
BOUND_SLACK = 1e-6


def _absmax_bounds(sim):
    """Per layer, bounds on log10 of the largest |activation| from the std and the mean alone.

    With N = n_samples * width activations of root mean square ``rms`` (``rms**2 = std**2 + mean**2``), the
    largest |activation| is at least ``rms`` (the largest square is at least their mean) and at most
    ``sqrt(N) * rms`` (one square is at most their sum).
    """
    hi = np.maximum(sim.log10_std, sim.log10_abs_mean)
    lo = np.minimum(sim.log10_std, sim.log10_abs_mean)
    with np.errstate(invalid="ignore"):
        log10_rms = np.where(np.isneginf(hi), -np.inf, hi + 0.5 * np.log10(1.0 + 10.0 ** (2 * (lo - hi))))
    return log10_rms - BOUND_SLACK, log10_rms + 0.5 * np.log10(sim.n_samples * sim.width) + BOUND_SLACK


def absmax_layers_needed(sim, dtypes=EDGE_DTYPES):
    """How many first layers' largest |activation| decide where ``sim`` overflows and underflows ``dtypes``.

    For a run that kept only the std and the mean (``keep="std"``): 0 when those alone settle it (no layer can
    be beyond a float type's range, by the bounds of :func:`_absmax_bounds`), otherwise the layers up to the
    first one that is surely beyond it (or all of them). Following every sample costs several times more
    than following the std, and in notebook 3 at depth 100 and width 100 (any multiplier on its slider) no layer
    comes near float32's range.
    """
    lower, upper = _absmax_bounds(sim)
    needed = 0
    for dtype in dtypes:
        for could, surely in ((upper > LOG10_MAX[dtype], lower > LOG10_MAX[dtype]),
                              (lower < LOG10_MIN[dtype], upper < LOG10_MIN[dtype])):
            if could.any():
                needed = max(needed, int(np.argmax(surely)) + 1 if surely.any() else sim.depth)
    return needed


def float_edges(sim, full=None, dtypes=EDGE_DTYPES):
    """``{dtype: (overflow layer, underflow layer)}``: :meth:`Simulation.overflow_layer` and
    :meth:`Simulation.underflow_layer` of ``sim`` for each float type (None where it stays in range).

    ``sim`` may have kept only the std and the mean (``keep="std"``); then ``full(depth)`` must give the same run
    (seed, inputs, weights, scale) kept with ``keep="all"``, its first ``depth`` layers. It is called once, and
    only for the layers :func:`absmax_layers_needed` says decide the answer (not at all when none do).
    """
    if sim.log10_absmax is None:
        needed = absmax_layers_needed(sim, dtypes)
        if not needed:
            return {dtype: (None, None) for dtype in dtypes}
        sim = full(needed)
        if sim.depth != needed or sim.log10_absmax is None:
            raise ValueError(f"float_edges: full({needed}) must keep the largest |activation| of {needed} layers, "
                             f"got {sim.depth} layers{'' if sim.log10_absmax is not None else ' without it'}")
    return {dtype: (sim.overflow_layer(dtype), sim.underflow_layer(dtype)) for dtype in dtypes}


#: how :func:`simulate` draws each layer's output: from a drawn weight matrix, or straight from its distribution
METHODS = ("weights", "samples")


#: what :func:`simulate` keeps of each layer: every statistic, or only the std and the mean (cheaper for wide inputs)
KEEPS = ("all", "std")


def simulate(depth, width, scale, *, n_samples=500, activation="linear", seed=0, method="weights", keep="all"):
    """Push ``n_samples`` standard-normal inputs through ``depth`` layers of ``width`` units.

    Every layer gets a fresh ``width x width`` weight matrix drawn from
    ``normal(0, scale)``, all from one generator seeded with ``seed``: the same
    arguments give the same result, every time.  Returns a :class:`Simulation`
    with per-layer arrays ``.mean``, ``.std`` and ``.log10_std``.

    ``method="samples"`` (for ``n_samples < width``) draws each layer's output without drawing W,
    with the same distribution: given the input ``x`` (n_samples x width), every column of ``x @ W``
    is an independent normal vector with covariance ``scale**2 * x @ x.T``, so with the QR
    factorisation ``x.T = Q R`` (Q's n_samples columns orthonormal), ``x @ W = R.T @ (Q.T @ W)``, and
    ``Q.T @ W`` is an n_samples x width matrix of independent ``normal(0, scale)`` entries. A layer then
    costs about 3 n_samples**2 * width operations and n_samples * width random numbers, instead of
    n_samples * width**2 and width**2: a few inputs through wide layers are fast. The random numbers
    differ, so a seed gives another run than with ``method="weights"``, from the same distribution.

    ``keep="std"`` keeps only the std and the mean (``log10_absmax`` is None). For a linear network with
    more samples than units it then follows a width x width matrix instead of the n_samples x width inputs,
    with the very same weights, and gives the same numbers to rounding: with ``x = Q R`` (Q's columns
    orthonormal), every later layer ``x @ W1 @ ... @ Wk = Q @ (R @ W1 @ ... @ Wk)`` has the sum of squares
    of ``R @ W1 @ ... @ Wk``, and its mean follows from the column sums ``ones @ x @ W1 @ ... @ Wk``.
    Only the largest |activation| needs every sample, and it is not kept.
    """
    depth = check_positive_int("depth", depth)
    width = check_positive_int("width", width)
    scale = check_positive_float("scale", scale)
    n_samples = check_positive_int("n_samples", n_samples, minimum=2)
    act = get_activation(activation)
    method = check_choice("method", method, list(METHODS))
    keep = check_choice("keep", keep, list(KEEPS))
    if method == "samples" and n_samples >= width:
        raise ValueError(f"method='samples' needs fewer samples than units (n_samples < width), got "
                         f"n_samples={n_samples}, width={width}; use method='weights'")

    return Run(width, scale, n_samples=n_samples, activation=act.name, seed=seed, method=method,
               keep=keep).extend(depth).simulation()


class Run:
    """One run of :func:`simulate` that can go deeper: ``Run(...).extend(depth).simulation()`` is ``simulate``.

    ``extend(more)`` pushes the activations through ``more`` further layers, drawing on from the same
    generator, so a run extended to ``depth`` layers in steps gives exactly the numbers of one
    ``simulate(depth, ...)``. A live figure keeps its runs: a deeper setting costs only the new layers.
    The arguments are :func:`simulate`'s, already checked. ``stream``: a :class:`~.streams.NormalStream` of
    ``seed`` to read the random numbers from (the same numbers, drawn once for runs of every width).
    """

    def __init__(self, width, scale, *, n_samples, activation, seed, method, keep, stream=None):
        self.width, self.scale, self.n_samples, self.seed = width, scale, n_samples, seed
        self.act, self.method, self.keep = get_activation(activation), method, keep
        if stream is not None and stream.seed != seed:
            raise ValueError(f"a run of seed {seed} cannot read the numbers of seed {stream.seed}")
        self.rng = make_rng(seed) if stream is None else stream.reader()
        x = self.rng.standard_normal((n_samples, width))
        # keep="std", linear, more samples than units: follow a width x width matrix (see simulate)
        self.reduced = keep == "std" and method == "weights" and self.act.name == "linear" and n_samples > width
        if self.reduced:
            self.sums = x.sum(axis=0)                 # ones @ x: the column sums carry the mean
            x = _gram_factor(x)                       # width x width, with x.T @ x = r.T @ r
        else:
            self.ones = np.ones(x.size)
        self.x = x
        self.log_scale = 0.0      # the true activations are x * 10**log_scale ...
        self.rescale = 1.0        # ... once x is multiplied by this (folded into the next, smaller, weight matrix)
        self.chunks = []          # per-layer statistics, (4, layers) arrays in order
        self.depth = 0

    def extend(self, more, *, ahead=False, stop=None):
        """Push the run ``more`` layers deeper; returns the run.

        ``ahead=True`` draws the random numbers in a second thread while this one multiplies (the same
        numbers, in the same order: about a quarter faster when a core is free, as for a single run).
        ``stop``: a :class:`threading.Event`; once it is set, the run stops after the layer it is on, with
        every layer so far kept (``depth`` says how far it got). Extended on later, it gives the same numbers.
        """
        more = check_positive_int("more", more, minimum=0)
        if ahead and stop is not None:       # the thread would have drawn numbers for layers never taken
            raise ValueError("extend: ahead=True draws every layer's numbers in advance, so it cannot stop "
                             "part way; pass either ahead or stop")
        stats = np.empty((4, more))
        rng = self.rng
        if ahead and more >= 8:
            size = (self.width, self.width) if self.method == "weights" else (self.n_samples, self.width)
            self.rng = _DrawnAhead(rng, more, size)
        done = 0
        try:
            with np.errstate(all="ignore"):       # log10(0) = -inf is a fine answer here
                while done < more and not (stop is not None and stop.is_set()):
                    stats[:, done] = self._reduced_layer() if self.reduced else self._layer()
                    done += 1
        finally:
            if self.rng is not rng:
                self.rng.close()
                self.rng = rng
        self.chunks.append(stats[:, :done])
        self.depth += done
        return self

    def _layer(self):
        act, log_scale = self.act, self.log_scale
        z = next_layer(self.x, self.scale, self.rng, self.method, self.rescale)
        self.rescale = 1.0
        if act.homogeneous:
            x, exact = act.f(z), True
        elif act.identity_near_zero and log_scale + np.log10(max(z.max(), -z.min())) < _TINY:
            x, exact = z, True        # f(z) == z here, so z may stay rescaled
        else:
            x, exact, log_scale = act.f(z * 10.0 ** log_scale), False, 0.0
        m, s, a = _moments(x.ravel(), self.ones)
        out = (log_scale + np.log10(s), log_scale + np.log10(a), np.sign(m), log_scale + np.log10(abs(m)))
        if exact and s > 0:           # divide by the std: the next layer sees unit-std input
            self.rescale = 1.0 / s
            log_scale += np.log10(s)
        self.x, self.log_scale = x, log_scale
        return out

    def _reduced_layer(self):
        w = self.rng.normal(0.0, self.scale, size=(self.width, self.width)) * self.rescale   # simulate's draws
        self.x, self.sums = self.x @ w, self.sums @ w
        entries = self.n_samples * self.width
        mean = self.sums.sum() / entries
        flat = self.x.ravel()                        # (a product: contiguous, so this is a view)
        s = np.sqrt(max(np.dot(flat, flat) / entries - mean * mean, 0.0))
        out = (self.log_scale + np.log10(s), np.nan, np.sign(mean), self.log_scale + np.log10(abs(mean)))
        self.rescale = 1.0
        if s > 0:                     # divide by the std: the next layer sees unit-std input
            self.rescale = 1.0 / s
            self.log_scale += np.log10(s)
        return out

    def simulation(self):
        """The statistics of every layer so far, as a :class:`Simulation`."""
        stats = np.concatenate(self.chunks, axis=1) if self.chunks else np.empty((4, 0))
        return Simulation(self.depth, self.width, self.scale, self.act.name, self.n_samples, self.seed, stats[0],
                          None if self.keep == "std" else stats[1], stats[2], stats[3])


def _gram_factor(x):
    """An upper-triangular ``r`` with ``r.T @ r == x.T @ x`` (to rounding), for ``x`` with more rows than columns:
    the Cholesky factor of the Gram matrix, which is QR's ``r`` up to the signs of its rows, five times faster at
    500 x 100; QR's own where the Gram matrix is too badly conditioned for Cholesky."""
    try:
        return np.linalg.cholesky(x.T @ x).T
    except np.linalg.LinAlgError:
        return np.linalg.qr(x, mode="r")


class _DrawnAhead:
    """Stands for a generator whose next ``count`` calls are ``normal(0.0, scale, size)``: a thread draws the
    standard-normal numbers ahead (``normal(0, s)`` is ``s * standard_normal`` to the last bit, from the same
    stream), a few layers at most, while the caller computes with the previous ones."""

    def __init__(self, rng, count, size):
        self.size, self.ready, self.stop = tuple(size), queue.Queue(maxsize=4), threading.Event()

        def draw():
            try:
                for _ in range(count):
                    block = rng.standard_normal(self.size)
                    while not self.stop.is_set():
                        try:
                            self.ready.put(block, timeout=0.05)
                            break
                        except queue.Full:
                            continue
            except BaseException as exc:              # pragma: no cover (handed to the caller)
                self.ready.put(exc)

        self.worker = threading.Thread(target=draw, name="winit-draws", daemon=True)
        self.worker.start()

    def normal(self, loc, scale, size):
        if loc != 0.0 or tuple(size) != self.size:
            raise ValueError(f"drawn ahead: normal(0.0, scale, {self.size}) only, got normal({loc}, scale, {size})")
        block = self.ready.get()
        if isinstance(block, BaseException):          # pragma: no cover
            raise block
        return block * scale

    def close(self):
        self.stop.set()
        self.worker.join()


def next_layer(x, scale, rng, method="weights", rescale=1.0):
    """``x @ (W * rescale)`` for a fresh ``W`` of independent ``normal(0, scale)`` weights, drawn by ``method``.

    ``"weights"`` draws W. ``"samples"`` draws the product straight from its distribution: with
    ``x.T = Q R``, ``x @ W = R.T @ (Q.T @ W)`` and ``Q.T @ W`` holds independent ``normal(0, scale)``
    numbers (see :func:`simulate`).
    """
    n_samples, width = x.shape
    if method == "weights":
        return x @ (rng.normal(0.0, scale, size=(width, width)) * rescale)
    return sampled_product(x, rng.normal(0.0, scale * rescale, size=(n_samples, width)))


def sampled_product(x, noise):
    """``x @ W`` drawn from its distribution given ``x``, for W of independent normal weights, without W.

    With ``x.T = Q R`` (Q: fan_in x n_samples, orthonormal columns), ``x @ W = R.T @ (Q.T @ W)``, and
    ``Q.T @ W`` is a matrix of independent normal numbers with W's std: pass them as ``noise``
    (n_samples x fan_out). Needs n_samples <= fan_in.
    """
    return np.linalg.qr(x.T, mode="r").T @ noise


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
    rng = make_rng(seed)
    X = rng.normal(size=(n_samples, fan_in))
    if weights == "normal":
        W = rng.normal(0.0, scale, size=(fan_in, n_units))
    else:
        W = rng.uniform(-scale, scale, size=(fan_in, n_units))
    return X @ W


def pow10_str(log10_value, digits=2):
    """Write 10**log10_value in scientific notation, however large or small: 100.08 -> '1.2e+100'."""
    if not np.isfinite(log10_value):
        return "0" if log10_value < 0 else "inf"
    exponent = int(np.floor(log10_value))
    mantissa = 10.0 ** (log10_value - exponent)
    if round(mantissa, digits - 1) >= 10:     # 9.99 rounds up to 10.0: carry into the exponent
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.{digits - 1}f}e{exponent:+d}"


# --------------------------------------------------------------------------- a stack of layers of any widths
OUTPUTS = ("same", "softmax")

@dataclass(frozen=True)
class LayerStats:
    """Per-layer statistics of a stack of layers; entry k - 1 of each array describes layer k.

    :func:`propagate` measures them on one run (``n_samples`` inputs);
    :func:`.theory.mean_field` predicts them for infinitely wide layers (``n_samples`` is None).

    ``h_std``/``h_mean``: the activations f(z_k); ``z_std``: the pre-activations z_k;
    ``grad_z_std``: dL/dz_k; ``grad_h_std``: dL/dh_(k-1), the gradient that layer k
    sends back to its input.  The backward arrays, ``grad_input`` (dL/dx) and
    the histograms are None unless asked for.  A histogram is (counts, edges).
    ``saturated``: for an activation bounded on both sides (tanh, sigmoid), the share of the last layer's
    activations that are saturated (:func:`.activations.saturated_share`); None for any other.
    """
    widths: tuple
    activation: str
    output: str
    n_samples: int
    z_std: np.ndarray
    h_std: np.ndarray
    h_mean: np.ndarray
    grad_z_std: np.ndarray = None
    grad_h_std: np.ndarray = None
    grad_input: np.ndarray = None
    h_hist: list = None
    saturated: float = None
    grad_hist: list = None

    @property
    def depth(self):
        """The number of layers, len(widths) - 1."""
        return len(self.widths) - 1

    @property
    def layers(self):
        """Layer numbers 1 .. depth, for plotting."""
        return np.arange(1, self.depth + 1)


def _summary(a):
    """Mean, log10 of the std (-inf when it is 0) and largest |value| of ``a``; no overflow for large values."""
    flat = a.ravel()
    mean, std, top = _moments(flat, np.ones(flat.size))     # fast: two dot products
    if not np.isfinite(std) and np.isfinite(top) and top > 0:
        mean, std = flat.mean(), (flat / top).std() * top     # the squares overflowed: scale first
    with np.errstate(divide="ignore"):
        return mean, float(np.log10(std)), top


def _log10_std(a):
    return _summary(a)[1]


def _hist(a, bins, log_scale, summary):
    """Counts of ``a`` in ``bins`` equal bins over [mean - 4 std, mean + 4 std] (within its min and max).

    The rare values beyond 4 std are left out, so one outlier does not squeeze the
    picture; the edges come back multiplied by 10**log_scale (the true scale).
    """
    flat = a.ravel()
    mean, log_std, _ = summary
    std = 10.0 ** log_std
    lo, hi = max(float(flat.min()), mean - 4 * std), min(float(flat.max()), mean + 4 * std)
    if not hi > lo:
        lo, hi = lo - 0.5, hi + 0.5
    index = np.floor((flat - lo) * (bins / (hi - lo))).astype(np.intp)
    index[index == bins] = bins - 1                            # the maximum itself goes in the last bin
    counts = np.bincount(index[(index >= 0) & (index < bins)], minlength=bins)
    with np.errstate(over="ignore"):
        return counts, np.linspace(lo, hi, bins + 1) * 10.0 ** log_scale


def _pow10(log):
    with np.errstate(over="ignore"):
        return 10.0 ** np.asarray(log, dtype=float)


def _softmax_minus_onehot(logits, labels):
    """dL/dlogits of the cross-entropy loss, per sample: softmax(logits) - one_hot(labels)."""
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1.0
    return p


def propagate(x, weights, activation="tanh", *, output="same", backward=False, bins=0, seed=0, stop=None):
    """Run ``x`` forward (and, if ``backward``, a gradient back) through ``weights``; return a :class:`LayerStats`.

    ``weights`` is a list of matrices, the k-th of shape (n_(k-1), n_k).  With
    ``output='same'`` every layer applies ``activation`` and the loss is
    sum(r * h_L) for a standard-normal r (so dL/dh_L = r); with ``output='softmax'``
    the last layer is linear and the loss is the cross-entropy with random labels.
    ``seed`` draws r or the labels.  ``bins > 0`` also keeps a histogram of each
    layer's activations (and gradients dL/dz_k).  Only each layer's f'(z) is kept
    for the backward pass, and only when it is asked for.

    Linear and ReLU layers are divided by their std as they go (exact, since
    f(c z) = c f(z)), so the statistics stay right far beyond float64's range.

    ``stop``: a :class:`threading.Event`; once it is set, the forward pass stops before the next layer and
    raises :class:`Stopped` (a look-ahead in a live view, no longer wanted).
    """
    act = get_activation(activation)
    check_choice("output", output, list(OUTPUTS))
    bins = check_positive_int("bins", bins, minimum=0)
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D array (n_samples, n_inputs), got shape {x.shape}")
    if not weights:
        raise ValueError("weights must hold at least one matrix")
    widths = [x.shape[1]]
    for k, w in enumerate(weights):
        if w.ndim != 2 or w.shape[0] != widths[-1]:
            raise ValueError(f"weights[{k}] must have shape ({widths[-1]}, n_out) to follow a layer of "
                             f"{widths[-1]} units, got {w.shape}")
        widths.append(w.shape[1])
    depth = len(weights)
    rng = make_rng(seed)
    stats = np.full((3, depth), np.nan)      # log10 std of z, log10 std of h, mean of h
    h_hist = [] if bins else None
    dfs = [] if backward else None
    h, log_s = x, np.float64(0.0)            # the true activations are h * 10**log_s
    with np.errstate(over="ignore", invalid="ignore", under="ignore"), _one_blas_thread():
        for k, w in enumerate(weights):
            if stop is not None and stop.is_set():
                raise Stopped("propagate: stopped")
            layer_act = act if not (output == "softmax" and k == depth - 1) else get_activation("linear")
            z = h @ w
            if layer_act.homogeneous or log_s == 0.0:
                h = layer_act.f(z)
            else:                            # a non-homogeneous layer needs the true pre-activations
                z = z * 10.0 ** log_s
                log_s = 0.0
                h = layer_act.f(z)
            if backward:
                dfs.append(layer_act.df(z))
            summary = _summary(h)
            log_h = summary[1]
            stats[:, k] = log_s + _log10_std(z), log_s + log_h, summary[0] * 10.0 ** log_s
            if bins:
                h_hist.append(_hist(h, bins, log_s, summary))
            if act.homogeneous and np.isfinite(log_h):   # exact: the next layer sees unit-std input
                h = h / 10.0 ** log_h
                log_s += log_h
        broken = ~(np.isfinite(stats[1]) | (stats[1] == -np.inf))    # -inf: all zero, a fine answer
        if broken.any():
            bad = int(np.flatnonzero(broken)[0]) + 1
            raise ValueError(f"the activations overflowed float64 at layer {bad}; "
                             "use a smaller weight scale or fewer layers")
        result = dict(widths=tuple(widths), activation=act.name, output=output, n_samples=x.shape[0],
                      z_std=_pow10(stats[0]), h_std=_pow10(stats[1]), h_mean=stats[2], h_hist=h_hist,
                      saturated=saturated_share(h, act.name) if output == "same" else None)
        if not backward:
            return LayerStats(**result)
        if output == "softmax":
            labels = rng.integers(0, widths[-1], size=x.shape[0])
            g = _softmax_minus_onehot(h * 10.0 ** log_s, labels)
        else:
            g = rng.standard_normal(h.shape)
        log_g = np.float64(0.0)              # the true gradient is g * 10**log_g
        back = np.full((2, depth), np.nan)   # log10 std of dL/dz_k and of dL/dh_(k-1)
        grad_hist = [None] * depth if bins else None
        for k in reversed(range(depth)):
            delta = g * dfs.pop()            # dL/dz_k
            summary = _summary(delta)
            log_d = summary[1]
            back[0, k] = log_g + log_d
            if bins:
                grad_hist[k] = _hist(delta, bins, log_g, summary)
            if np.isfinite(log_d):           # backprop is linear in the gradient: rescaling is exact
                delta = delta / 10.0 ** log_d
                log_g += log_d
            g = delta @ weights[k].T         # dL/dh_(k-1)
            back[1, k] = log_g + _log10_std(g)
        return LayerStats(**result, grad_z_std=_pow10(back[0]), grad_h_std=_pow10(back[1]),
                          grad_input=g * 10.0 ** log_g, grad_hist=grad_hist)


class Stopped(Exception):
    """Work asked to stop part way (``stop`` set): it left nothing behind."""


def draw_network(widths, distribution="normal", *, n_samples=200, seed=0, stop=None):
    """The random numbers of one run: standard-normal inputs and unit-variance weights for every layer.

    Any scheme's weights are these unit draws times its std (see :func:`layer_stds`).
    ``stop``: a :class:`threading.Event`; once it is set, the drawing stops before the next layer and raises
    :class:`Stopped` (a look-ahead in a live view, no longer wanted).
    """
    widths = check_widths(widths)
    n_samples = check_positive_int("n_samples", n_samples, minimum=2)
    rng = make_rng(seed)
    x = rng.standard_normal((n_samples, widths[0]))
    units = []
    for a, b in zip(widths[:-1], widths[1:]):
        if stop is not None and stop.is_set():
            raise Stopped("draw_network: stopped")
        units.append(unit_weights(a, b, distribution, seed=rng))
    return x, units


class SampledWeights:
    """Stands for a (fan_in, fan_out) matrix of independent normal(0, std) weights that is never drawn.

    ``h @ it`` draws the product from its distribution given ``h`` (:func:`sampled_product`, as
    :func:`simulate`'s ``method="samples"``), with ``std * units`` as the normal numbers ``Q.T @ W``.
    Needs n_samples <= fan_in. The forward pass only: no gradient flows back through it.
    """
    __array_ufunc__ = None         # numpy leaves ``h @ it`` to __rmatmul__
    ndim = 2

    def __init__(self, fan_in, units, std=1.0):
        self.units, self.std = units, float(std)
        self.shape = (int(fan_in), units.shape[1])

    def __rmatmul__(self, h):
        if h.shape[0] != self.units.shape[0]:
            raise ValueError(f"sampled weights were drawn for {self.units.shape[0]} samples, got {h.shape[0]}")
        return sampled_product(h, self.std * self.units)

    @property
    def T(self):
        raise ValueError("sampled weights run the forward pass only; use method='weights' for gradients")


class ScaledWeights:
    """Stands for the matrix ``std * units`` without forming it: ``h @ it`` is ``(h @ units) * std``.

    Scaling the product (n_samples x fan_out numbers) instead of the weights (fan_in x fan_out) is the
    same up to rounding, and a live figure whose scale slider moves then never copies its weights.
    """
    __array_ufunc__ = None         # numpy leaves ``h @ it`` to __rmatmul__
    ndim = 2

    def __init__(self, units, std=1.0):
        self.units, self.std = units, float(std)
        self.shape = units.shape

    def __rmatmul__(self, h):
        return (h @ self.units) * self.std

    @property
    def T(self):
        return ScaledWeights(self.units.T, self.std)


def draw_samples(widths, *, n_samples=200, seed=0):
    """The random numbers of one run by the samples route: standard-normal inputs and, for every layer,
    an n_samples x n_k matrix of standard-normal numbers (see :class:`SampledWeights`)."""
    widths = check_widths(widths)
    n_samples = check_positive_int("n_samples", n_samples, minimum=2)
    rng = make_rng(seed)
    x = rng.standard_normal((n_samples, widths[0]))
    return x, [rng.standard_normal((n_samples, b)) for b in widths[1:]]


#: how :func:`run_stack` gets each layer's product: from drawn weights, or straight from its distribution
STACK_METHODS = ("weights", "samples")


def run_stack(widths, scheme="lecun", activation="tanh", *, distribution=None, mode=None, gain=None,
              multiplier=1.0, input_std=1.0, n_samples=200, output="same", backward=False, bins=0, seed=0,
              draws=None, method="weights", stop=None):
    """Draw a network of ``widths`` with ``scheme`` and run :func:`propagate` on standard-normal inputs.

    ``input_std`` scales the inputs; ``multiplier`` scales every weight; ``distribution``,
    ``mode`` and ``gain`` go to the scheme (see :func:`.init.weight_std`).
    The same ``seed`` gives the same inputs and unit draws whatever the scheme.
    ``draws``: the result of ``draw_network(widths, distribution, ...)`` to reuse (a live view keeps it).

    ``method="samples"`` (normal weights, forward only, n_samples below every fan_in) draws each layer's
    product from its distribution given the layer's input, without drawing W (:class:`SampledWeights`):
    the same statistics in distribution, at n_samples**2 * width operations a layer instead of
    n_samples * width**2, and no width**2 random numbers. ``draws`` is then ``draw_samples(widths, ...)``.
    A seed gives another run than with ``method="weights"``, from the same distribution.
    ``stop``: see :func:`propagate` (and :func:`draw_network`, when the draws are not given).
    """
    distribution = check_distribution(scheme, distribution)
    stds = layer_stds(widths, scheme, mode=mode, gain=gain, multiplier=multiplier)
    input_std = check_positive_float("input_std", input_std)
    method = check_choice("method", method, list(STACK_METHODS))
    if method == "samples":
        widths = check_widths(widths)
        if backward:
            raise ValueError("method='samples' runs the forward pass only; use method='weights' with backward=True")
        if distribution != "normal":
            raise ValueError(f"method='samples' is exact for normal weights only, not {distribution!r}; "
                             "use method='weights'")
        x, units = draws if draws is not None else draw_samples(widths, n_samples=n_samples, seed=seed)
        if x.shape[0] >= min(widths[:-1]) or [u.shape for u in units] != [(x.shape[0], b) for b in widths[1:]]:
            raise ValueError(f"method='samples' needs fewer samples than the narrowest fan_in and "
                             f"draws = draw_samples(widths, ...); got {x.shape[0]} samples for widths {widths}")
        return propagate(input_std * x, [SampledWeights(a, u, s) for a, s, u in zip(widths[:-1], stds, units)],
                         activation, output=output, bins=bins, seed=seed + 1, stop=stop)
    x, units = draws if draws is not None else draw_network(widths, distribution, n_samples=n_samples, seed=seed,
                                                            stop=stop)
    widths = check_widths(widths)
    if [u.shape for u in units] != list(zip(widths[:-1], widths[1:])):
        raise ValueError("draws do not fit widths: pass draw_network(widths, ...) for the same widths")
    return propagate(input_std * x, [ScaledWeights(u, s) for s, u in zip(stds, units)], activation,
                     output=output, backward=backward, bins=bins, seed=seed + 1, stop=stop)
