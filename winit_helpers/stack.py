"""Forward and backward statistics through a stack of layers of any widths.

``widths = [n0, n1, ..., nL]`` describes L layers; layer k maps n_(k-1) units to
n_k with a weight matrix of shape (n_(k-1), n_k)::

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
weights with a named scheme first.  :func:`mean_field` is the theory for the
same statistics in the limit of infinitely wide layers.
"""
from dataclasses import dataclass

import numpy as np

from ._checks import check_choice, check_positive_float, check_positive_int
from ._blas import one_blas_thread as _one_blas_thread
from .activations import get_activation, normal_expectation
from .schemes import check_distribution, unit_weights, weight_std
from .simulate import _moments   # mean, std and max |value| in two dot products

OUTPUTS = ("same", "softmax")

@dataclass(frozen=True)
class StackStats:
    """Per-layer statistics of one run; entry k - 1 of each array describes layer k.

    ``h_std``/``h_mean``: the activations f(z_k); ``z_std``: the pre-activations z_k;
    ``grad_z_std``: dL/dz_k; ``grad_h_std``: dL/dh_(k-1), the gradient that layer k
    sends back to its input.  The backward arrays, ``grad_input`` (dL/dx) and
    the histograms are None unless asked for.  A histogram is (counts, edges).
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
    grad_hist: list = None

    @property
    def depth(self):
        return len(self.widths) - 1

    @property
    def layers(self):
        """Layer numbers 1 .. depth, for plotting."""
        return np.arange(1, self.depth + 1)


def check_widths(widths):
    """``widths`` as a tuple of positive ints, at least two of them (one layer)."""
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a list of layer widths such as [784, 256, 10], got {widths!r}")
    if len(widths) < 2:
        raise ValueError(f"widths must list at least two widths (input and output of one layer), got {list(widths)}")
    return tuple(check_positive_int(f"widths[{k}]", w) for k, w in enumerate(widths))


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


def propagate(x, weights, activation="tanh", *, output="same", backward=False, bins=0, seed=0):
    """Run ``x`` forward (and, if ``backward``, a gradient back) through ``weights``; return a :class:`StackStats`.

    ``weights`` is a list of matrices, the k-th of shape (n_(k-1), n_k).  With
    ``output='same'`` every layer applies ``activation`` and the loss is
    sum(r * h_L) for a standard-normal r (so dL/dh_L = r); with ``output='softmax'``
    the last layer is linear and the loss is the cross-entropy with random labels.
    ``seed`` draws r or the labels.  ``bins > 0`` also keeps a histogram of each
    layer's activations (and gradients dL/dz_k).  Only each layer's f'(z) is kept
    for the backward pass, and only when it is asked for.

    Linear and ReLU layers are divided by their std as they go (exact, since
    f(c z) = c f(z)), so the statistics stay right far beyond float64's range.
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
    rng = np.random.default_rng(seed)
    stats = np.full((3, depth), np.nan)      # log10 std of z, log10 std of h, mean of h
    h_hist = [] if bins else None
    dfs = [] if backward else None
    h, log_s = x, np.float64(0.0)            # the true activations are h * 10**log_s
    with np.errstate(over="ignore", invalid="ignore", under="ignore"), _one_blas_thread():
        for k, w in enumerate(weights):
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
                      z_std=_pow10(stats[0]), h_std=_pow10(stats[1]), h_mean=stats[2], h_hist=h_hist)
        if not backward:
            return StackStats(**result)
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
        return StackStats(**result, grad_z_std=_pow10(back[0]), grad_h_std=_pow10(back[1]),
                          grad_input=g * 10.0 ** log_g, grad_hist=grad_hist)


def layer_stds(widths, scheme="lecun", *, mode=None, gain=None, multiplier=1.0):
    """The weight std of every layer of ``widths`` under ``scheme``, times ``multiplier``."""
    widths = check_widths(widths)
    multiplier = check_positive_float("multiplier", multiplier)
    return [multiplier * weight_std(scheme, a, b, mode=mode, gain=gain) for a, b in zip(widths[:-1], widths[1:])]


def draw_network(widths, distribution="normal", *, n_samples=200, seed=0):
    """The random numbers of one run: standard-normal inputs and unit-variance weights for every layer.

    Any scheme's weights are these unit draws times its std (see :func:`layer_stds`).
    """
    widths = check_widths(widths)
    n_samples = check_positive_int("n_samples", n_samples, minimum=2)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_samples, widths[0]))
    return x, [unit_weights(a, b, distribution, rng=rng) for a, b in zip(widths[:-1], widths[1:])]


def run_stack(widths, scheme="lecun", activation="tanh", *, distribution=None, mode=None, gain=None,
              multiplier=1.0, input_std=1.0, n_samples=200, output="same", backward=False, bins=0, seed=0,
              draws=None):
    """Draw a network of ``widths`` with ``scheme`` and run :func:`propagate` on standard-normal inputs.

    ``input_std`` scales the inputs; ``multiplier`` scales every weight; ``distribution``,
    ``mode`` and ``gain`` go to the scheme (see :func:`winit_helpers.schemes.init_weights`).
    The same ``seed`` gives the same inputs and unit draws whatever the scheme.
    ``draws``: the result of ``draw_network(widths, distribution, ...)`` to reuse (a live view keeps it).
    """
    distribution = check_distribution(scheme, distribution)
    stds = layer_stds(widths, scheme, mode=mode, gain=gain, multiplier=multiplier)
    input_std = check_positive_float("input_std", input_std)
    x, units = draws if draws is not None else draw_network(widths, distribution, n_samples=n_samples, seed=seed)
    widths = check_widths(widths)
    if [u.shape for u in units] != list(zip(widths[:-1], widths[1:])):
        raise ValueError("draws do not fit widths: pass draw_network(widths, ...) for the same widths")
    return propagate(input_std * x, [s * u for s, u in zip(stds, units)], activation,
                     output=output, backward=backward, bins=bins, seed=seed + 1)


@dataclass(frozen=True)
class MeanField:
    """Infinite-width predictions, per layer: std of z_k, of h_k, and of dL/dz_k (relative to ``top``)."""
    z_std: np.ndarray
    h_std: np.ndarray
    grad_z_std: np.ndarray


def mean_field(widths, stds, activation="tanh", *, input_std=1.0, output="same", top_grad_std=1.0):
    """What :func:`propagate` measures, predicted for infinitely wide layers.

    Forward, each pre-activation is normal with variance
    q_k = n_(k-1) Var(w_k) E[h_(k-1)^2]  (the second moment, not the variance, since w has mean 0),
    and h_k = f(z_k).  Backward, Var(dL/dz_k) = n_(k+1) Var(w_(k+1)) Var(dL/dz_(k+1)) E[f'(z_k)^2].
    ``stds`` are the layers' weight stds; the top layer's dL/dh_L has std ``top_grad_std``.
    """
    widths = check_widths(widths)
    if len(stds) != len(widths) - 1:
        raise ValueError(f"stds must hold one weight std per layer ({len(widths) - 1}), got {len(stds)}")
    act = get_activation(activation)
    check_choice("output", output, list(OUTPUTS))
    depth = len(stds)
    second = check_positive_float("input_std", input_std) ** 2
    z, h, df2 = np.zeros(depth), np.zeros(depth), np.zeros(depth)
    for k in range(depth):
        f = get_activation("linear") if (output == "softmax" and k == depth - 1) else act
        q = widths[k] * stds[k] ** 2 * second
        z[k] = np.sqrt(q)
        if q > 0 and np.isfinite(q):
            mean = normal_expectation(f.f, z[k])
            second = normal_expectation(lambda v: f.f(v) ** 2, z[k])
            h[k] = np.sqrt(max(second - mean ** 2, 0.0))
            df2[k] = normal_expectation(lambda v: f.df(v) ** 2, z[k])
        else:
            h[k] = second = df2[k] = np.nan
    grad = np.zeros(depth)
    var = top_grad_std ** 2
    for k in reversed(range(depth)):
        var = var * df2[k]
        grad[k] = np.sqrt(var)
        var = var * widths[k + 1] * stds[k] ** 2    # back through W_k: fan_out * Var(w)
    return MeanField(z, h, grad)
