"""Self-checks for the exercises of notebook 6 (training).

Each ``check_...`` tries the learner's function, prints what is right or what is
wrong (naming the classic mistakes it recognises) and returns True or False; it
never raises on a wrong answer, so the notebook runs on.
"""
import math

import numpy as np

from ..training.networks import book_weights
from .basics import _check_formula, report


def check_fan_in_weights(fan_in_weights):
    """Exercise 6.1: the book's matrices divided by sqrt(rows), the true fan-in."""
    for layers, seed in (([64, 32, 16, 10], 0), ([5, 4, 3], 7)):
        try:
            W = fan_in_weights(layers, seed)
        except Exception as exc:  # the learner's code may do anything
            return report(False, f"calling it with {layers}, seed={seed} raised {type(exc).__name__}: {exc}")
        if W is None or W is Ellipsis:
            return report(False, "it returned nothing: replace the `...` with your code and return the list of matrices")
        expected = book_weights(layers, "fan_in", seed=seed)
        try:
            W = [np.asarray(w, dtype=float) for w in W]
        except (TypeError, ValueError):
            return report(False, "it should return a list of numpy matrices, one per pair of layers")
        if len(W) != len(expected):
            return report(False, f"for layers {layers} it returned {len(W)} matrices; expected {len(expected)}, "
                                 "one per pair of consecutive layers")
        for k, (w, e) in enumerate(zip(W, expected)):
            if w.shape != e.shape:
                return report(False, f"matrix {k} has shape {w.shape}; the book's has {e.shape} "
                                     "(the '+1' rows and columns of the bias trick)")
            if np.allclose(w, e):
                continue
            book = book_weights(layers, "book", seed=seed)[k]
            if np.allclose(w, book):
                return report(False, f"matrix {k} is the book's: divided by sqrt(layers[i]). The fan-in counts "
                                     "the bias input too: divide by sqrt(layers[i] + 1), the number of rows.")
            if np.allclose(w, book_weights(layers, "none", seed=seed)[k]):
                return report(False, f"matrix {k} is not divided at all; divide by sqrt(layers[i] + 1).")
            if np.allclose(np.sort(np.abs(w.ravel())), np.sort(np.abs(e.ravel()))):
                return report(False, f"matrix {k} has the right numbers in the wrong places: draw each matrix "
                                     "with its full shape, in the book's order, from one generator.")
            return report(False, f"matrix {k} differs from the expected one: draw with "
                                 "rng = np.random.default_rng(seed), then rng.standard_normal(shape) per matrix.")
    return report(True, "every matrix is divided by the square root of its number of rows, the true fan-in.")


def check_gradient_ratio(gradient_ratio):
    """Exercise 6.2: 2 ** (-depth / 2)."""
    return _check_formula(
        gradient_ratio, [(1,), (10,), (30,)],
        lambda d: 2.0 ** (-d / 2),
        [("That is 2 ** -depth: it halves the std per layer; it is the *variance* (second moment) that halves, "
          "so the std shrinks by 1/sqrt(2).", lambda d: 2.0 ** -d),
         ("That ratio is larger than 1: LeCun's gradient is the *smaller* one; use 2 ** (-depth / 2).",
          lambda d: 2.0 ** (d / 2)),
         ("That is 1/sqrt(2) once; the factor applies once per layer: raise it to the power depth.",
          lambda d: 1 / math.sqrt(2))],
        "gradient_ratio(depth) = 2 ** (-depth / 2): one factor 1/sqrt(2) per ReLU layer.")
