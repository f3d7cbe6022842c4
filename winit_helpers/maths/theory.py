"""Closed forms: what the variance laws predict for the figures to draw next to a measurement.

* :func:`predicted_output_std` (notebook 1): one neuron's output std, sqrt(fan_in * Var(w)).
* :func:`predicted_log10_std` (notebooks 2 and 3): layer k of a linear network has std (scale * sqrt(width))**k.
* :func:`weight_variance`, :func:`fan_in_std`, :func:`normal_pdf` (notebook 1's figure): Var(w) of a
  normal or uniform scale, the law sqrt(fan_in * Var(w)) over many fan_in, the normal curve;
* :func:`growth_per_layer`, :func:`rule_scale` (notebooks 2 and 3): scale * sqrt(width), multiplier / sqrt(width);
* :func:`activation_range` (notebook 5's figure): the lowest and highest value of an activation.
* :func:`mean_field` (notebooks 4, 5 and 7): the per-layer stds of a stack of any widths, forward and
  backward, in the limit of infinitely wide layers.
* notebooks 8 and 9: :func:`two_input_distance` (two inputs through a tanh network), :func:`jacobian_setting`
  (the critical networks whose Jacobians notebook 9 draws), :data:`RESIDUAL_RULES`, :func:`residual_alpha` and
  :func:`residual_growth` (a residual stream's mean square, (1 + a^2)^l), and two measured counterparts the
  figures print, :func:`measured_chi1` and :func:`tanh_saturation`.
"""
from dataclasses import dataclass

import numpy as np

from .._checks import check_choice, check_positive_float, check_positive_int
from . import meanfield as mf
from .activations import get_activation
from .forward import OUTPUTS
from .gaussian import normal_expectation
from .init import check_widths


def predicted_output_std(fan_in, scale=1.0, weights="normal"):
    """The std of one neuron's output for unit-variance inputs: sqrt(fan_in * Var(w)).

    Var(w) is ``scale**2`` for ``normal(0, scale)`` and ``scale**2 / 3`` for ``uniform(-scale, scale)``.
    """
    fan_in = check_positive_int("fan_in", fan_in)
    return float(fan_in_std(fan_in, weight_variance(scale, weights)))


def predicted_log10_std(depth, width, scale):
    """log10 of the std of layer 1 .. depth of a *linear* network with unit-variance input.

    Each layer multiplies the std by ``scale * sqrt(width)``, so layer k's std is
    ``(scale * sqrt(width)) ** k``; returned as its log10 so it never overflows.
    """
    depth = check_positive_int("depth", depth)
    width = check_positive_int("width", width)
    return np.arange(1, depth + 1) * np.log10(growth_per_layer(width, scale))


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


# --------------------------------------------------------------------------- the figures of notebooks 1 to 5
def weight_variance(scale, weights="normal"):
    """Var(w) of ``normal(0, scale)`` (scale**2) or of ``uniform(-scale, scale)`` (scale**2 / 3)."""
    scale = check_positive_float("scale", scale)
    weights = check_choice("weights", weights, ["normal", "uniform"])
    return scale ** 2 if weights == "normal" else scale ** 2 / 3


def fan_in_std(fan_in, weight_var):
    """sqrt(fan_in * Var(w)): the std of one neuron's output for unit-variance inputs, for one or many fan_in."""
    fan_in = np.asarray(fan_in, dtype=float)
    if not np.all(fan_in >= 1):
        raise ValueError(f"fan_in must be >= 1, got {fan_in}")
    return np.sqrt(fan_in * check_positive_float("weight_var", weight_var))


def normal_pdf(x, std):
    """The density of N(0, std**2) at ``x``: the curve a histogram of a neuron's outputs follows."""
    std = check_positive_float("std", std)
    x = np.asarray(x, dtype=float)
    return np.exp(-0.5 * (x / std) ** 2) / (std * np.sqrt(2 * np.pi))


def growth_per_layer(width, scale):
    """scale * sqrt(width): the factor by which a linear layer with weights N(0, scale**2) multiplies the std."""
    return check_positive_float("scale", scale) * np.sqrt(check_positive_float("width", width))


def rule_scale(width, multiplier=1.0):
    """multiplier / sqrt(width): the weight scale with which each layer multiplies the std by ``multiplier``."""
    return check_positive_float("multiplier", multiplier) / np.sqrt(check_positive_float("width", width))


def activation_range(name):
    """(lowest, highest) value activation ``name`` takes: (-1, 1) for tanh, (0, inf) for relu, ..."""
    f = get_activation(name).f
    with np.errstate(all="ignore"):
        lo, hi = f(np.array([-np.inf, np.inf]))
    return float(lo), float(hi)


# --------------------------------------------------------------------------- notebooks 8 and 9
def two_input_distance(q, c):
    """``sqrt(2 q (1 - c))``: the distance ``|h_a - h_b| / sqrt(N)`` of two inputs with variance ``q`` and correlation ``c``."""
    q, c = np.asarray(q, dtype=float), np.asarray(c, dtype=float)
    return np.sqrt(np.maximum(2.0 * q * (1.0 - c), 0.0))


def measured_chi1(chi, depth):
    """The measured chi_1 of a simulated network: the mean of its per-layer growth ``chi`` over the last two thirds
    of ``depth`` layers (over all of them below 3 layers), once the variance has settled near q*."""
    depth = check_positive_int("depth", depth)
    chi = np.asarray(chi, dtype=float)[:depth]
    return float(chi[depth // 3:].mean() if depth >= 3 else chi.mean())


def jacobian_setting(activation, q_star=0.1):
    """``(sigma_w, sigma_b, q0)`` of a critical network: tanh on the edge of chaos with fixed point ``q_star``
    (:func:`.meanfield.critical_line`), ReLU at He's sqrt(2), linear at 1 (both without bias, input variance 1)."""
    check_choice("activation", activation, ["tanh", "relu", "linear"])
    if activation == "tanh":
        sw, sb = (float(v) for v in mf.critical_line(q_star))
        return sw, sb, float(q_star)
    return (float(np.sqrt(2.0)) if activation == "relu" else 1.0), 0.0, 1.0


#: the rules for a residual network's branch scale a, by the label the figures show
RESIDUAL_RULES = ("a = 1", "a = 0.5", "a = 1/sqrt(L)", "a = 1/L", "Fixup: last layer of each branch = 0")
FIXUP = RESIDUAL_RULES[-1]


def residual_alpha(rule, depth):
    """The branch scale ``a`` that ``rule`` gives a network of ``depth`` blocks (Fixup: a = 1, with zeroed last layers)."""
    check_choice("rule", rule, list(RESIDUAL_RULES))
    depth = check_positive_int("depth", depth)
    return {"a = 1": 1.0, "a = 0.5": 0.5, "a = 1/sqrt(L)": 1.0 / np.sqrt(depth), "a = 1/L": 1.0 / depth,
            FIXUP: 1.0}[rule]


def residual_growth(alpha, layers, zero_last=False):
    """Growth of a residual stream's mean square after ``layers`` blocks ``x + a f(x)``: ``(1 + a**2) ** l``.

    Each block adds an independent branch whose mean square is ``a**2`` times the stream's (He weights keep
    ``f``'s output at the input's mean square).  With ``zero_last`` (Fixup) every branch starts at 0: growth 1.
    """
    layers, alpha = np.asarray(layers, dtype=float), np.asarray(alpha, dtype=float)
    if zero_last:
        return np.ones(np.broadcast(alpha, layers).shape)
    return (1.0 + alpha ** 2) ** layers


def tanh_saturation(weights, x, threshold=0.99):
    """The fraction of units with ``|tanh(x @ W)| > threshold``, averaged over the layers of a tanh network."""
    fractions = []
    for w in weights:
        h = np.tanh(x @ w)
        fractions.append(np.mean(np.abs(h) > threshold))
        x = h
    return float(np.mean(fractions))
