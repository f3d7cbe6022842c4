"""Named initialisation schemes for one layer with ``fan_in`` inputs and ``fan_out`` outputs.

Every scheme is a rule for the variance of the weights::

    Var(w) = gain**2 * variance(fan_in, fan_out)

and the weights are drawn either from a normal distribution with that variance,
or from the uniform distribution U(-a, a) with the same variance, a = sqrt(3 Var(w))
(U(-a, a) has variance a**2 / 3).  Weight matrices have shape ``(fan_in, fan_out)``,
so a layer computes ``x @ W`` as everywhere in this course.

==================  ==========================  =========================================
name                Var(w) (gain 1)             where it comes from
==================  ==========================  =========================================
standard_normal     1                           the question's unscaled ``np.random.normal``
book                1 / fan_in                  the book: ``randn(...) / sqrt(fan_in)``
lecun               1 / fan (fan_in by default) LeCun et al. 1998
glorot (xavier)     2 / (fan_in + fan_out)      Glorot & Bengio 2010
he (kaiming)        1 / fan, gain sqrt(2)       He et al. 2015 (mode fan_in or fan_out)
pytorch             1 / (3 fan_in), uniform     PyTorch ``nn.Linear``'s default
==================  ==========================  =========================================

The *gain* is the weight std times sqrt(fan_in) (:mod:`.activations`); a ``multiplier`` scales
every layer's std on top of its scheme (:func:`layer_stds`).  This module also holds
:func:`make_rng`, the one place a seed becomes random numbers, and :func:`unit_weights`,
the draws every scheme scales.  Used by notebooks 4, 5 and 7, and by :mod:`.forward`.
"""
import math
import numbers
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .._checks import check_choice, check_positive_float, check_positive_int
from .activations import HE_GAIN


@dataclass(frozen=True)
class Scheme:
    """One row of :data:`SCHEMES`: a rule for Var(w), its default gain, its forms and its modes."""
    name: str
    label: str                     # for legends and drop-downs
    variance: Callable             # (fan_in, fan_out, mode) -> Var(w) at gain 1
    default_gain: float
    distributions: tuple           # the forms it comes in; the first is its default
    modes: tuple                   # which fan it may divide by; the first is its default; () for none
    source: str


def _fan(fan_in, fan_out, mode):
    return fan_in if mode == "fan_in" else fan_out


SCHEMES = {
    "standard_normal": Scheme("standard_normal", "N(0, 1), unscaled", lambda i, o, m: 1.0, 1.0,
                              ("normal",), (), "the question's np.random.normal(size=...)"),
    "book": Scheme("book", "book: randn / sqrt(fan_in)", lambda i, o, m: 1.0 / i, 1.0,
                   ("normal",), ("fan_in",), "the book's line w / np.sqrt(layers[i]); the same as lecun normal"),
    "lecun": Scheme("lecun", "LeCun: 1 / fan_in", lambda i, o, m: 1.0 / _fan(i, o, m), 1.0,
                    ("normal", "uniform"), ("fan_in", "fan_out"), "LeCun et al. 1998"),
    "glorot": Scheme("glorot", "Glorot: 2 / (fan_in + fan_out)", lambda i, o, m: 2.0 / (i + o), 1.0,
                     ("normal", "uniform"), ("fan_avg",), "Glorot & Bengio 2010"),
    "he": Scheme("he", "He: 2 / fan_in", lambda i, o, m: 1.0 / _fan(i, o, m), HE_GAIN,
                 ("normal", "uniform"), ("fan_in", "fan_out"), "He et al. 2015"),
    "pytorch": Scheme("pytorch", "PyTorch nn.Linear: U(+-1/sqrt(fan_in))", lambda i, o, m: 1.0 / (3.0 * i), 1.0,
                      ("uniform",), ("fan_in",), "PyTorch's kaiming_uniform_(w, a=sqrt(5))"),
}

#: other names people use for the same schemes
ALIASES = {"xavier": "glorot", "kaiming": "he", "lecun_normal": "lecun"}


def get_scheme(name):
    """Return the :class:`Scheme` called ``name`` (or an alias such as 'xavier'); a clear error lists them."""
    name = ALIASES.get(name, name) if isinstance(name, str) else name
    return SCHEMES[check_choice("scheme", name, list(SCHEMES) + list(ALIASES))]


def _resolve(scheme, fan_in, fan_out, mode, gain):
    """Checked arguments: (Scheme, fan_in, fan_out, mode, gain)."""
    s = get_scheme(scheme)
    fan_in = check_positive_int("fan_in", fan_in)
    fan_out = check_positive_int("fan_out", fan_out)
    if mode is None:
        mode = s.modes[0] if s.modes else None
    elif not s.modes:
        raise ValueError(f"scheme {s.name!r} does not divide by any fan, so it takes no mode; got mode={mode!r}")
    elif mode not in s.modes:
        raise ValueError(f"scheme {s.name!r} cannot use mode {mode!r}; choose one of: {', '.join(s.modes)}")
    gain = s.default_gain if gain is None else check_positive_float("gain", gain)
    return s, fan_in, fan_out, mode, gain


def weight_std(scheme, fan_in, fan_out, *, mode=None, gain=None):
    """The std of the weights a scheme gives a (fan_in -> fan_out) layer: gain * sqrt(variance).

    ``gain`` defaults to the scheme's own (sqrt(2) for 'he', 1 for the others);
    ``mode`` ('fan_in' or 'fan_out') is for 'lecun' and 'he' and defaults to 'fan_in'.
    """
    s, fan_in, fan_out, mode, gain = _resolve(scheme, fan_in, fan_out, mode, gain)
    return gain * math.sqrt(s.variance(fan_in, fan_out, mode))


def uniform_bound(scheme, fan_in, fan_out, *, mode=None, gain=None):
    """The a of U(-a, a) with the scheme's variance: a = sqrt(3) * std, since Var(U(-a, a)) = a^2 / 3."""
    return math.sqrt(3.0) * weight_std(scheme, fan_in, fan_out, mode=mode, gain=gain)


def make_rng(seed=0):
    """The one way this package turns a seed into random numbers: returns a numpy Generator.

    ``seed`` is a whole number >= 0 (or a list of them): a new ``np.random.default_rng(seed)``;
    or a Generator, returned as it is, so that several draws can share one stream.
    The same seed gives the same numbers, every time; nothing global is touched.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_seed(seed))


def check_seed(seed):
    """``seed`` if it is a whole number >= 0 or a list of them (a clear error otherwise)."""
    for part in (seed if isinstance(seed, (list, tuple)) else [seed]):
        if isinstance(part, bool) or not isinstance(part, numbers.Integral) or part < 0:
            raise ValueError(f"seed must be a whole number >= 0 (or a numpy Generator), got {seed!r}; "
                             "pass for example seed=0")
    return [int(p) for p in seed] if isinstance(seed, (list, tuple)) else int(seed)


def unit_weights(fan_in, fan_out, distribution="normal", *, seed=0):
    """A (fan_in, fan_out) matrix of independent draws with mean 0 and variance 1.

    'normal' draws N(0, 1); 'uniform' draws U(-sqrt(3), sqrt(3)).  Any scheme's
    weights are these times its std, so one set of draws serves every scheme.
    ``seed``: a whole number, or a Generator to draw from (see :func:`make_rng`).
    """
    fan_in = check_positive_int("fan_in", fan_in)
    fan_out = check_positive_int("fan_out", fan_out)
    check_choice("distribution", distribution, ["normal", "uniform"])
    rng = make_rng(seed)
    if distribution == "normal":
        return rng.standard_normal((fan_in, fan_out))
    return rng.uniform(-math.sqrt(3.0), math.sqrt(3.0), size=(fan_in, fan_out))


def check_distribution(scheme, distribution):
    """``distribution`` if the scheme comes in that form (None picks its default form)."""
    s = get_scheme(scheme)
    if distribution is None:
        return s.distributions[0]
    if distribution not in s.distributions:
        check_choice("distribution", distribution, ["normal", "uniform"])
        raise ValueError(f"scheme {s.name!r} has no {distribution!r} form; "
                         f"choose distribution from: {', '.join(s.distributions)}")
    return distribution


# --------------------------------------------------------------------------- a network of layers
def check_widths(widths):
    """``widths`` as a tuple of positive ints, at least two of them (one layer)."""
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a list of layer widths such as [784, 256, 10], got {widths!r}")
    if len(widths) < 2:
        raise ValueError(f"widths must list at least two widths (input and output of one layer), got {list(widths)}")
    return tuple(check_positive_int(f"widths[{k}]", w) for k, w in enumerate(widths))



def layer_stds(widths, scheme="lecun", *, mode=None, gain=None, multiplier=1.0):
    """The weight std of every layer of ``widths`` under ``scheme``, times ``multiplier``."""
    widths = check_widths(widths)
    multiplier = check_positive_float("multiplier", multiplier)
    return [multiplier * weight_std(scheme, a, b, mode=mode, gain=gain) for a, b in zip(widths[:-1], widths[1:])]
