"""Closed forms the figures of notebooks 1 to 5 and 7 draw (moves into maths/theory.py)."""
import numpy as np

from ._checks import check_choice, check_positive_float
from .activations import get_activation


def weight_variance(scale, weights="normal"):
    """Var(w) of ``normal(0, scale)`` (scale**2) or of ``uniform(-scale, scale)`` (scale**2 / 3)."""
    scale = check_positive_float("scale", scale)
    weights = check_choice("weights", weights, ["normal", "uniform"])
    return scale ** 2 if weights == "normal" else scale ** 2 / 3


def fan_in_std(fan_in, weight_var):
    """The std of one neuron's output for unit-variance inputs, sqrt(fan_in * Var(w)), for an array of fan_in."""
    fan_in = np.asarray(fan_in, dtype=float)
    if np.any(fan_in < 1):
        raise ValueError(f"fan_in must be >= 1, got {fan_in.min():g}")
    return np.sqrt(fan_in * check_positive_float("weight_var", weight_var))


def normal_pdf(x, std):
    """The density of N(0, std**2) at ``x``."""
    std = check_positive_float("std", std)
    x = np.asarray(x, dtype=float)
    return np.exp(-0.5 * (x / std) ** 2) / (std * np.sqrt(2 * np.pi))


def growth_per_layer(width, scale):
    """The factor by which a linear layer of ``width`` inputs with weights N(0, scale**2) multiplies the std."""
    return check_positive_float("scale", scale) * np.sqrt(check_positive_float("width", width))


def rule_scale(width, multiplier=1.0):
    """The weight scale of the rule: multiplier / sqrt(width) (it makes each layer multiply the std by ``multiplier``)."""
    return check_positive_float("multiplier", multiplier) / np.sqrt(check_positive_float("width", width))


def activation_range(name):
    """(lowest, highest) value the activation can take: (-1, 1) for tanh, (0, inf) for relu, ..."""
    f = get_activation(name).f
    with np.errstate(all="ignore"):
        lo, hi = f(np.array([-np.inf, np.inf]))
    return float(lo), float(hi)
