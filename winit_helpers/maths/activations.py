"""Activation functions, their derivatives, their gains, and what the simulation needs to know about them.

``ACTIVATIONS`` maps a name to an :class:`Activation` (linear, tanh, relu,
sigmoid); ``EXTRA_ACTIVATIONS`` adds SELU and LeCun's scaled tanh, and
:func:`get_activation` finds either.  ``homogeneous`` marks the ones with
f(c x) = c f(x) for every c > 0 (linear, ReLU): for those a network's
activations can be rescaled freely, which is how :func:`winit_helpers.simulate`
follows them past the range of float64.

A *gain* g is the factor an initialisation puts in front of 1/sqrt(fan_in)
(std = g / sqrt(fan_in)) to make up for what the activation does to the
signal.  :data:`GAINS` holds the standard values (the ones PyTorch's
``calculate_gain`` returns); :func:`second_moment_gain` measures the gain that
keeps the second moment of a unit-variance input, E[f(z)^2] with z ~ N(0, 1).
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .._checks import check_choice
from .gaussian import normal_expectation


@dataclass(frozen=True)
class Activation:
    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]   # derivative, as a function of the pre-activation
    homogeneous: bool                         # f(c x) == c f(x) for c > 0
    identity_near_zero: bool                  # f(x) == x to double precision when |x| < 1e-8


def sigmoid(x):
    """1 / (1 + exp(-x)), written as 0.5 * (1 + tanh(x / 2)): the same function, it never overflows, and it is fast."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _dsigmoid(x):
    s = sigmoid(x)
    return s * (1.0 - s)


# SELU's two constants (Klambauer et al. 2017): with them a unit-variance, zero-mean
# input gives a unit-variance, zero-mean output, E[selu(z)] = 0 and E[selu(z)^2] = 1.
SELU_ALPHA = 1.6732632423543772
SELU_LAMBDA = 1.0507009873554805


def _selu(x):
    return SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))


def _dselu(x):
    return SELU_LAMBDA * np.where(x > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(x, 0.0)))


# LeCun et al. 1998 (Efficient BackProp): f(x) = 1.7159 tanh(2x/3), chosen so that f(+-1) = +-1
LECUN_A, LECUN_B = 1.7159, 2.0 / 3.0


ACTIVATIONS = {
    "linear": Activation("linear", lambda x: x, np.ones_like, True, True),
    "tanh": Activation("tanh", np.tanh, lambda x: 1.0 - np.tanh(x) ** 2, False, True),
    "relu": Activation("relu", lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(float), True, False),
    "sigmoid": Activation("sigmoid", sigmoid, _dsigmoid, False, False),
}

EXTRA_ACTIVATIONS = {
    "selu": Activation("selu", _selu, _dselu, False, False),
    "lecun_tanh": Activation("lecun_tanh", lambda x: LECUN_A * np.tanh(LECUN_B * x),
                             lambda x: LECUN_A * LECUN_B * (1.0 - np.tanh(LECUN_B * x) ** 2), False, False),
}

_ALL = {**ACTIVATIONS, **EXTRA_ACTIVATIONS}

#: the standard gains (PyTorch's ``nn.init.calculate_gain``), with where each comes from
GAINS = {
    "linear": (1.0, "a linear layer keeps the variance when fan_in * Var(w) = 1"),
    "sigmoid": (1.0, "a convention: sigmoid's slope at 0 is 1/4, so no single gain keeps its variance"),
    "tanh": (5.0 / 3.0, "tanh shrinks the variance; 5/3 is a round value just above the forward "
                        "second-moment gain (1.59) and the slope gain 1/E[tanh'(z)] (1.65)"),
    "relu": (float(np.sqrt(2.0)), "ReLU keeps half of the second moment: E[relu(z)^2] = 1/2 (He et al. 2015)"),
    "selu": (0.75, "PyTorch's choice for gradient flow in rectangular layers; SELU's self-normalising "
                   "fixed point needs gain 1 (Klambauer et al. 2017)"),
    "lecun_tanh": (1.0, "LeCun et al. 1998 pair it with 1/sqrt(fan_in) weights: f(+-1) = +-1 and "
                        "one layer maps variance 1 to 0.75"),
}


def get_activation(name):
    """Return the :class:`Activation` called ``name`` (a clear error lists the valid names)."""
    return _ALL[check_choice("activation", name, list(_ALL))]


def gain(name):
    """The standard gain of activation ``name``: the g in std = g / sqrt(fan_in)."""
    return GAINS[check_choice("activation", name, list(GAINS))][0]


def second_moment_gain(name):
    """The gain that keeps the second moment of a unit-variance input: 1 / sqrt(E[f(z)^2]).

    With Var(w) = g^2 / fan_in, the next layer's pre-activation has variance
    g^2 E[f(z)^2] when this one's is 1: this g makes that 1 again.
    """
    f = get_activation(name).f
    return 1.0 / np.sqrt(normal_expectation(lambda x: f(x) ** 2))


def slope_gain(name):
    """The gain that makes up for the average slope: 1 / E[f'(z)] for z ~ N(0, 1)."""
    return 1.0 / normal_expectation(get_activation(name).df)
