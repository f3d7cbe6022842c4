"""Activation functions in one table: f, its derivatives, and its gains.

:data:`ACTIVATIONS` maps a name to an :class:`Activation` (linear, tanh, relu, sigmoid);
:data:`EXTRA_ACTIVATIONS` adds SELU and LeCun's scaled tanh; :func:`get_activation` finds
either.  Each row holds

* ``f`` and ``df`` (its derivative, as a function of the pre-activation), and for the tanh
  family ``d2f`` and ``bound`` = sup |f| (the mean-field fixed point, :mod:`.meanfield`, needs them);
* ``homogeneous``: f(c x) = c f(x) for every c > 0 (linear, ReLU): a network of such layers
  can be rescaled freely, which is how :func:`.forward.simulate` follows it past float64's range;
* ``gain``: the conventional gain (PyTorch's ``nn.init.calculate_gain``), with ``gain_source``.

A *gain* g is the factor in front of 1/sqrt(fan_in) in a weight std: std = g / sqrt(fan_in),
so g = std * sqrt(fan_in).  This course calls that one quantity the gain everywhere (mean-field
papers call it sigma_w).  Two gains follow from f alone, for z ~ N(0, 1):

* the forward gain 1 / sqrt(E[f(z)^2]) (:func:`second_moment_gain`) keeps the second moment of the
  signal from layer to layer;
* the backward gain 1 / sqrt(E[f'(z)^2]) (:func:`backward_gain`) keeps the second moment of
  the gradient.

LeCun's 1.7159 and 2/3, He's sqrt(2) and the sigmoid are written here once; every other module
imports them.  Used by notebooks 5 and 7 (directly), and by every simulation.
"""
import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from .._checks import check_choice
from .gaussian import normal_expectation

#: He et al. 2015: ReLU keeps half of the second moment, so its gain is sqrt(2)
HE_GAIN = math.sqrt(2.0)
#: LeCun et al. 1998 (Efficient BackProp): f(x) = 1.7159 tanh(2x/3), chosen so that f(+-1) = +-1
LECUN_A, LECUN_B = 1.7159, 2.0 / 3.0
# SELU's two constants (Klambauer et al. 2017): with them a unit-variance, zero-mean
# input gives a unit-variance, zero-mean output, E[selu(z)] = 0 and E[selu(z)^2] = 1.
SELU_ALPHA = 1.6732632423543772
SELU_LAMBDA = 1.0507009873554805


@dataclass(frozen=True)
class Activation:
    """One row of the table: an activation function with its derivatives and its conventional gain."""
    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]    # derivative, as a function of the pre-activation
    homogeneous: bool                          # f(c x) == c f(x) for c > 0
    identity_near_zero: bool                   # f(x) == x to double precision when |x| < 1e-8
    gain: float                                # the conventional gain: std = gain / sqrt(fan_in)
    gain_source: str                           # where that gain comes from
    d2f: Optional[Callable[[np.ndarray], np.ndarray]] = None   # second derivative (tanh family)
    bound: float = math.inf                    # sup |f(x)|


def sigmoid(x):
    """1 / (1 + exp(-x)), written as 0.5 * (1 + tanh(x / 2)): the same function, it never overflows, and it is fast."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _dsigmoid(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def _selu(x):
    return SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))


def _dselu(x):
    return SELU_LAMBDA * np.where(x > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(x, 0.0)))


def _scaled_tanh(a, b):
    """f(x) = a tanh(b x) with its first and second derivatives."""
    def f(x):
        return a * np.tanh(b * x)

    def df(x):
        t = np.tanh(b * x)
        return a * b * (1.0 - t * t)          # a b / cosh(b x)**2, without cosh's overflow

    def d2f(x):
        t = np.tanh(b * x)
        return -2.0 * a * b * b * t * (1.0 - t * t)
    return f, df, d2f


_TANH = _scaled_tanh(1.0, 1.0)
_LECUN_TANH = _scaled_tanh(LECUN_A, LECUN_B)

ACTIVATIONS = {
    "linear": Activation("linear", lambda x: x, np.ones_like, True, True,
                         1.0, "a linear layer keeps the variance when fan_in * Var(w) = 1",
                         d2f=np.zeros_like),
    "tanh": Activation("tanh", _TANH[0], _TANH[1], False, True,
                       5.0 / 3.0, "PyTorch's value; above both the forward gain 1/sqrt(E[tanh(z)^2]) = 1.593 "
                                  "and the backward gain 1/sqrt(E[tanh'(z)^2]) = 1.467: chaotic at depth "
                                  "(chi_1 = 1.21 at its fixed point q* = 1.178)",
                       d2f=_TANH[2], bound=1.0),
    "relu": Activation("relu", lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(float), True, False,
                       HE_GAIN, "ReLU keeps half of the second moment: E[relu(z)^2] = 1/2 (He et al. 2015)"),
    "sigmoid": Activation("sigmoid", sigmoid, _dsigmoid, False, False,
                          1.0, "a convention: sigmoid's slope at 0 is 1/4, so no single gain keeps its variance",
                          bound=1.0),
}

EXTRA_ACTIVATIONS = {
    "selu": Activation("selu", _selu, _dselu, False, False,
                       0.75, "PyTorch's choice for gradient flow in rectangular layers; SELU's self-normalising "
                             "fixed point needs gain 1 (Klambauer et al. 2017)"),
    "lecun_tanh": Activation("lecun_tanh", _LECUN_TANH[0], _LECUN_TANH[1], False, False,
                             1.0, "LeCun et al. 1998 pair it with 1/sqrt(fan_in) weights: f(+-1) = +-1 and "
                                  "one layer maps variance 1 to 0.75",
                             d2f=_LECUN_TANH[2], bound=LECUN_A),
}

_ALL = {**ACTIVATIONS, **EXTRA_ACTIVATIONS}

#: the conventional gains with where each comes from, ``name -> (gain, source)``: a view of the table
GAINS = {name: (a.gain, a.gain_source) for name, a in _ALL.items()}


def get_activation(name):
    """Return the :class:`Activation` called ``name`` (a clear error lists the valid names)."""
    return _ALL[check_choice("activation", name, list(_ALL))]


def gain(name):
    """The conventional gain of activation ``name``: the g in std = g / sqrt(fan_in)."""
    return get_activation(name).gain


def activation_range(name):
    """``(lowest, highest)``: the values ``f`` can take, f(-inf) and f(inf): (-1, 1) for tanh, (0, inf) for relu, ..."""
    f = get_activation(name).f
    with np.errstate(all="ignore"):
        lo, hi = f(np.array([-np.inf, np.inf]))
    return float(lo), float(hi)


#: an activation bounded on both sides counts as saturated within this share of its half-range from a bound:
#: |tanh| > 0.99, sigmoid below 0.005 or above 0.995
SATURATED = 0.01


def saturated_share(h, name):
    """The share of the activations ``h`` of ``name`` within :data:`SATURATED` of its half-range from one of its
    bounds (|tanh(z)| > 0.99), or None for an activation not bounded on both sides (relu, linear)."""
    lowest, highest = activation_range(name)
    if not (np.isfinite(lowest) and np.isfinite(highest)):
        return None
    half = (highest - lowest) / 2
    return float(np.mean(np.abs(np.asarray(h) - (lowest + half)) > (1 - SATURATED) * half))


def second_moment_gain(name):
    """The gain that keeps the second moment of a unit-variance input: 1 / sqrt(E[f(z)^2]), z ~ N(0, 1).

    With Var(w) = g^2 / fan_in, the next layer's pre-activation has variance
    g^2 E[f(z)^2] when this one's is 1: this g makes that 1 again.
    """
    f = get_activation(name).f
    return float(1.0 / np.sqrt(normal_expectation(lambda x: f(x) ** 2)))


def backward_gain(name):
    """The gain that keeps the second moment of a unit-variance gradient: 1 / sqrt(E[f'(z)^2]), z ~ N(0, 1).

    Going back through a layer multiplies the gradient's variance by fan_out Var(w) E[f'(z)^2].
    """
    df = get_activation(name).df
    return float(1.0 / np.sqrt(normal_expectation(lambda x: df(x) ** 2)))

