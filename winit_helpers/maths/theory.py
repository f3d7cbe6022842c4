"""Closed forms: what the variance laws predict, for the figures to draw next to a measurement.

Each function here is tested against an independent computation (a numpy simulation over many
seeds, or another derivation) in ``tests/test_theory.py``.

========================  ====================================================  ==========
function                  what it gives                                          notebooks
========================  ====================================================  ==========
weight_variance           Var(w) of normal(0, scale) or uniform(-scale, scale)   1
predicted_output_std      one neuron's output std, sqrt(fan_in Var(w))           1
fan_in_std                the same for an array of fan_in (the law's curve)      1
normal_pdf                the density of N(0, std**2) (the predicted histogram)  1
growth_per_layer          scale * sqrt(width): the factor per linear layer       2, 3
predicted_log10_std       log10 of (scale * sqrt(width))**k, k = 1 .. depth      2, 3
rule_scale                multiplier / sqrt(width): the fix                      3
mean_field                per-layer stds of a stack of any widths, forward and   4, 5, 7
                          backward, for infinitely wide layers
two_input_distance        sqrt(2 q (1 - c)): two inputs' distance from q and c   8
jacobian_setting          (gain, sigma_b, q0) of a critical tanh, ReLU, linear   9
residual_growth           (1 + a**2)**l: a residual stream's mean square          9
residual_alpha            the branch scale a of each rule in RESIDUAL_RULES      9
measured_chi1             a simulated network's chi_1 (the figure's title)       8
measured_chi1_first_layer the first of the layers measured_chi1 averages over  8
tanh_saturation           fraction of tanh units past 0.99 (the figure's text)   9
score_variance            Var(q . k) = d_k, or 1 once divided by sqrt(d_k)        10
iid_softmax_entropy       log(n) - s2/2: entropy of softmax of n N(0, s2) scores  10
prenorm_mean_square       m_0 + l a**2: a pre-norm residual stream                10
grad_scale_with_norm      1/scale: a normalised layer's gradient, vs scale 1      10
========================  ====================================================  ==========

The gain of a layer is its weight std times sqrt(fan_in) (:mod:`.activations`); ``scale`` is
the weight std itself, as in :func:`.forward.simulate`.
"""
import numpy as np

from .._checks import check_choice, check_positive_float, check_positive_int
from .activations import HE_GAIN, get_activation, saturated_share
from .forward import OUTPUTS, LayerStats
from .gaussian import normal_expectation
from .init import check_widths
from .meanfield import critical_line


def weight_variance(scale, weights="normal"):
    """Var(w) of ``normal(0, scale)`` (scale**2) or of ``uniform(-scale, scale)`` (scale**2 / 3): a float."""
    scale = check_positive_float("scale", scale)
    weights = check_choice("weights", weights, ["normal", "uniform"])
    return scale ** 2 if weights == "normal" else scale ** 2 / 3


def predicted_output_std(fan_in, scale=1.0, weights="normal"):
    """The std of one neuron's output for unit-variance inputs: sqrt(fan_in * Var(w)), a float.

    Var(w) is ``scale**2`` for ``normal(0, scale)`` and ``scale**2 / 3`` for ``uniform(-scale, scale)``.
    """
    fan_in = check_positive_int("fan_in", fan_in)
    return float(np.sqrt(fan_in * weight_variance(scale, weights)))


def fan_in_std(fan_in, weight_var):
    """sqrt(fan_in * Var(w)) for an array of ``fan_in`` (each >= 1): the curve of the fan-in law, an array."""
    fan_in = np.asarray(fan_in, dtype=float)
    if fan_in.size == 0 or not np.all(np.isfinite(fan_in)) or np.any(fan_in < 1):
        raise ValueError(f"fan_in must hold numbers >= 1, got {fan_in!r}")
    return np.sqrt(fan_in * check_positive_float("weight_var", weight_var))


def normal_pdf(x, std):
    """The density of N(0, std**2) at ``x`` (an array like ``x``)."""
    std = check_positive_float("std", std)
    x = np.asarray(x, dtype=float)
    return np.exp(-0.5 * (x / std) ** 2) / (std * np.sqrt(2 * np.pi))


def growth_per_layer(width, scale):
    """The factor by which a linear layer of ``width`` inputs with weights normal(0, scale) multiplies the std: scale * sqrt(width)."""
    return check_positive_float("scale", scale) * float(np.sqrt(check_positive_int("width", width)))


def predicted_log10_std(depth, width, scale):
    """log10 of the std of layer 1 .. depth of a *linear* network with unit-variance input: an array of ``depth``.

    Each layer multiplies the std by ``scale * sqrt(width)`` (:func:`growth_per_layer`), so layer k's
    std is ``(scale * sqrt(width)) ** k``; returned as its log10 so it never overflows.
    """
    depth = check_positive_int("depth", depth)
    return np.arange(1, depth + 1) * np.log10(growth_per_layer(width, scale))


def rule_scale(width, multiplier=1.0):
    """The weight std of the fix, multiplier / sqrt(width): each linear layer then multiplies the std by ``multiplier``."""
    return check_positive_float("multiplier", multiplier) / float(np.sqrt(check_positive_int("width", width)))


def mean_field(widths, stds, activation="tanh", *, input_std=1.0, output="same", top_grad_std=1.0):
    """What :func:`propagate` measures, predicted for infinitely wide layers.

    Forward, each pre-activation is normal with variance
    q_k = n_(k-1) Var(w_k) E[h_(k-1)^2]  (the second moment, not the variance, since w has mean 0),
    and h_k = f(z_k).  Backward, Var(dL/dz_k) = n_(k+1) Var(w_(k+1)) Var(dL/dz_(k+1)) E[f'(z_k)^2].
    ``stds`` are the layers' weight stds; the top layer's dL/dh_L has std ``top_grad_std``.
    Returns a :class:`.forward.LayerStats` (the class :func:`propagate` returns) with ``n_samples=None``:
    ``z_std``, ``h_std``, ``h_mean``, ``grad_z_std`` (dL/dz_k) and ``grad_h_std`` (dL/dh_(k-1)).
    """
    widths = check_widths(widths)
    if len(stds) != len(widths) - 1:
        raise ValueError(f"stds must hold one weight std per layer ({len(widths) - 1}), got {len(stds)}")
    act = get_activation(activation)
    check_choice("output", output, list(OUTPUTS))
    depth = len(stds)
    second = check_positive_float("input_std", input_std) ** 2
    z, h, h_mean, df2 = np.zeros(depth), np.zeros(depth), np.zeros(depth), np.zeros(depth)
    for k in range(depth):
        f = get_activation("linear") if (output == "softmax" and k == depth - 1) else act
        q = widths[k] * stds[k] ** 2 * second
        z[k] = np.sqrt(q)
        if q > 0 and np.isfinite(q):
            mean = normal_expectation(f.f, z[k])
            second = normal_expectation(lambda v: f.f(v) ** 2, z[k])
            h[k], h_mean[k] = np.sqrt(max(second - mean ** 2, 0.0)), mean
            df2[k] = normal_expectation(lambda v: f.df(v) ** 2, z[k])
        else:
            h[k] = h_mean[k] = second = df2[k] = np.nan
    grad, grad_h = np.zeros(depth), np.zeros(depth)
    var = top_grad_std ** 2
    for k in reversed(range(depth)):
        var = var * df2[k]
        grad[k] = np.sqrt(var)
        var = var * widths[k + 1] * stds[k] ** 2    # back through W_k: fan_out * Var(w)
        grad_h[k] = np.sqrt(var)
    return LayerStats(widths, act.name, output, None, z, h, h_mean, grad_z_std=grad, grad_h_std=grad_h)


def two_input_distance(q, c):
    """``sqrt(2 q (1 - c))``: the distance ``|h_a - h_b| / sqrt(N)`` of two inputs with variance ``q`` and correlation ``c``.

    From |a - b|^2 = |a|^2 + |b|^2 - 2 a.b with |a|^2 = |b|^2 = N q and a.b = N q c.  Broadcasts.
    """
    q = np.asarray(q, dtype=float)
    c = np.asarray(c, dtype=float)
    return np.sqrt(np.maximum(2.0 * q * (1.0 - c), 0.0))


def jacobian_setting(activation, q_star=0.1):
    """``(gain, sigma_b, q0)`` of a critical network: tanh on the edge of chaos at ``q_star``, ReLU at He's sqrt(2), linear at 1."""
    check_choice("activation", activation, ["tanh", "relu", "linear"])
    if activation == "tanh":
        sw, sb = (float(v) for v in critical_line(q_star))
        return sw, sb, float(q_star)
    return (HE_GAIN if activation == "relu" else 1.0), 0.0, 1.0


#: the rules for a residual network's branch scale a, by the label the figures show
RESIDUAL_RULES = ("a = 1", "a = 0.5", "a = 1/sqrt(L)", "a = 1/L", "Fixup: last layer of each branch = 0")
FIXUP = RESIDUAL_RULES[-1]


def residual_alpha(rule, depth):
    """The branch scale ``a`` (a float) that ``rule`` gives a network of ``depth`` blocks (Fixup: a = 1, with zeroed last layers)."""
    check_choice("rule", rule, list(RESIDUAL_RULES))
    depth = check_positive_int("depth", depth)
    return {"a = 1": 1.0, "a = 0.5": 0.5, "a = 1/sqrt(L)": 1.0 / np.sqrt(depth), "a = 1/L": 1.0 / depth,
            FIXUP: 1.0}[rule]


def residual_growth(alpha, layers, zero_last=False):
    """Growth of the residual stream's mean square after ``layers`` blocks: ``(1 + a**2) ** l`` (1 when ``zero_last``, Fixup).

    Each block adds ``a f(x)`` with ``f(x) = relu(x @ W1) @ W2`` (He init, then 1/sqrt(width)): E[f(x)^2] = E[x^2]
    and E[x f(x)] = 0, so the mean square is multiplied by 1 + a**2 per block, on average.  Broadcasts.
    """
    layers = np.asarray(layers, dtype=float)
    alpha = np.asarray(alpha, dtype=float)
    if zero_last:
        return np.ones(np.broadcast(alpha, layers).shape)
    return (1.0 + alpha ** 2) ** layers


# --------------------------------------------------------------------------- measured counterparts the figures print
def measured_chi1_first_layer(depth):
    """The first of the layers :func:`measured_chi1` averages over, the last being ``depth``: the last two thirds of
    them, once the variance has settled near q* (all of them below 3 layers, where it has not)."""
    depth = check_positive_int("depth", depth)
    return depth // 3 + 1 if depth >= 3 else 1


def measured_chi1(chi, depth):
    """The measured chi_1 of a simulated network: the mean of its per-layer growth ``chi`` (``chi[k]`` at layer
    ``k + 1``) over layers :func:`measured_chi1_first_layer` to ``depth``."""
    first = measured_chi1_first_layer(depth)
    return float(np.asarray(chi, dtype=float)[first - 1:depth].mean())


def tanh_saturation(weights, x):
    """The share of saturated units (``|tanh(x @ W)| > 0.99``, :func:`.activations.saturated_share`), averaged over
    the layers of a tanh network."""
    fractions = []
    for w in weights:
        h = np.tanh(x @ w)
        fractions.append(saturated_share(h, "tanh"))
        x = h
    return float(np.mean(fractions))


# --------------------------------------------------------------------------- notebook 10: today's networks
def score_variance(d_k, scaled=True):
    """Var(q . k) for q, k with independent N(0, 1) entries in d_k dimensions: d_k (a sum of d_k products of
    variance 1), or 1 after dividing by sqrt(d_k). Broadcasts over ``d_k``."""
    d_k = np.asarray(d_k, dtype=float)
    return np.ones_like(d_k) if scaled else d_k


def iid_softmax_entropy(n, score_var):
    """Entropy of softmax(s) for n independent N(0, score_var) scores, for large n: log(n) - score_var / 2.

    With w_j = exp(s_j) and sum_j w_j ~ n E[exp(s)] = n exp(v/2): H = log(n) + v/2 - E[s exp(s)] / E[exp(s)]
    = log(n) + v/2 - v. It holds while score_var is well below 2 log(n) (beyond, the largest score alone carries
    the sum and the formula would go below 0); returns NaN there.
    """
    n, v = np.asarray(n, dtype=float), np.asarray(score_var, dtype=float)
    return np.where(v < np.log(n), np.log(n) - v / 2, np.nan)


def prenorm_mean_square(m0, alpha, layers):
    """Mean square of a pre-norm residual stream x <- x + a f(LayerNorm(x)) after ``layers`` branches:
    m0 + l a**2 (each branch reads a unit-mean-square input and adds a**2, independent of the stream)."""
    return m0 + np.asarray(layers, dtype=float) * np.asarray(alpha, dtype=float) ** 2


def grad_scale_with_norm(scale):
    """A normalised layer's weight gradient at weight scale c, relative to scale 1: 1/c (since L(c W) = L(W)).
    The effective learning rate, lr |grad| / |W|, goes as 1/c**2."""
    return 1.0 / check_positive_float("scale", scale)
