# ----------------------------------------------------------------- notebooks 8 and 9: closed forms their figures draw
# (moved into maths/theory.py once that module exists)
import numpy as np

from . import meanfield as mf
from ._checks import check_choice, check_positive_int
from .activations import get_activation


def two_input_distance(q, c):
    """``sqrt(2 q (1 - c))``: the distance ``|h_a - h_b| / sqrt(N)`` of two inputs with variance ``q`` and correlation ``c``."""
    q, c = np.asarray(q, dtype=float), np.asarray(c, dtype=float)
    return np.sqrt(np.maximum(2.0 * q * (1.0 - c), 0.0))


def critical_setting(activation, q_star=0.1):
    """``(sigma_w, sigma_b, q0)`` of a critical network: tanh on the edge of chaos at ``q_star``, ReLU at He's sqrt(2), linear at 1."""
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
    """Growth of the residual stream's mean square after ``layers`` blocks: ``(1 + a**2) ** l`` (1 when ``zero_last``, Fixup)."""
    layers = np.asarray(layers, dtype=float)
    alpha = np.asarray(alpha, dtype=float)
    if zero_last:
        return np.ones(np.broadcast(alpha, layers).shape)
    return (1.0 + alpha ** 2) ** layers


def layer_statistics(weights, x, activation):
    """Per layer, the std of ``x @ W`` (the pre-activations), and the fraction of units with ``|tanh(h)| > 0.99`` (0 for other activations).

    Returns ``(stds, saturated)`` with ``saturated`` the mean over layers of that fraction.
    """
    f = get_activation(activation).f
    stds, saturated = [], []
    for w in weights:
        h = x @ w
        stds.append(h.std())
        saturated.append(np.mean(np.abs(np.tanh(h)) > 0.99) if activation == "tanh" else 0.0)
        x = f(h)
    return np.array(stds), float(np.mean(saturated))


def measured_chi1(chi, depth):
    """The measured chi_1 of a run: the mean per-layer growth ``chi`` over its last two thirds (all layers below 3)."""
    chi = np.asarray(chi, dtype=float)[:depth]
    return float(chi[depth // 3:].mean() if depth >= 3 else chi.mean())
