"""Normalisation layers at initialisation: the forward pass forgets the weight scale, the gradients do not.

LayerNorm (Ba, Kiros & Hinton 2016) standardises each sample over its units; BatchNorm (Ioffe & Szegedy 2015)
standardises each unit over the batch. Either way norm(c z) = norm(z) for any c > 0, so a stack
x_l = norm(x_(l-1) @ W_l) gives the same outputs whatever the weights' scale c. The loss is then the same function
of W and of c W, and differentiating L(c W) = L(W) gives grad L(c W) = grad L(W) / c: the gradients shrink like
1 / scale. (The learnable gain and bias of both layers start at 1 and 0, and are left out here.)
"""
from dataclasses import dataclass

import numpy as np

from .._checks import check_choice, check_positive_float, check_positive_int
from .init import make_rng

#: which axis each normalisation standardises over: LayerNorm over a sample's units, BatchNorm over the batch
NORMS = {"layer": 1, "batch": 0, "none": None}
EPS = 1e-5     # added to the variance before the square root, as PyTorch's LayerNorm and BatchNorm do


def _parts(z, axis, eps):
    """``(h, s)``: the standardised ``z`` and the std it was divided by, over ``axis``."""
    n = z.shape[axis]
    centred = z - z.sum(axis=axis, keepdims=True) / n
    s = np.sqrt((centred * centred).sum(axis=axis, keepdims=True) / n + eps)
    return centred / s, s


def _backward(h, s, dh, axis):
    """The gradient with respect to z, given the forward pass's ``h`` and ``s`` and the gradient ``dh`` on h."""
    n = h.shape[axis]
    return (dh - dh.sum(axis=axis, keepdims=True) / n - h * ((dh * h).sum(axis=axis, keepdims=True) / n)) / s


def normalise(z, norm="layer", eps=EPS):
    """``(z - mean) / sqrt(var + eps)`` over a sample's units (``'layer'``) or over the batch (``'batch'``);
    ``'none'`` returns ``z`` unchanged."""
    axis = NORMS[check_choice("norm", norm, list(NORMS))]
    if axis is None:
        return np.asarray(z, dtype=float)
    return _parts(np.asarray(z, dtype=float), axis, eps)[0]


def normalise_backward(z, dh, norm="layer", eps=EPS):
    """The gradient with respect to ``z`` of a loss whose gradient with respect to h = normalise(z) is ``dh``.

    With h = (z - m) / s over n values: dz = (dh - mean(dh) - h' mean(dh h')) / s, where h' = (z - m) / s
    (equal to h when eps = 0).
    """
    axis = NORMS[check_choice("norm", norm, list(NORMS))]
    if axis is None:
        return dh
    return _backward(*_parts(np.asarray(z, dtype=float), axis, eps), dh, axis)


@dataclass
class NormStack:
    out_std: np.ndarray      # std of each layer's output x_l, l = 1 .. depth
    grad_norm: np.ndarray    # Frobenius norm of dLoss/dW_l, l = 1 .. depth
    weight_norm: np.ndarray  # Frobenius norm of W_l
    loss: float


def stack_draws(depth, width, *, n_samples=64, seed=0):
    """The random numbers of :func:`norm_stack`, in its order: ``(x, unit, r)``, the input x (n_samples, width),
    the weights at scale 1, ``unit`` (depth, width, width) with N(0, 1/width) entries, and the loss's direction r."""
    depth = check_positive_int("depth", depth)
    width = check_positive_int("width", width, minimum=2)
    n_samples = check_positive_int("n_samples", n_samples, minimum=2)
    rng = make_rng(seed)
    x = rng.standard_normal((n_samples, width))
    unit = rng.standard_normal((depth, width, width)) / np.sqrt(width)
    return x, unit, rng.standard_normal((n_samples, width))


def norm_stack(depth, width, scale, norm="layer", *, n_samples=64, seed=0, eps=EPS, draws=None):
    """Forward and backward through ``depth`` linear layers, each followed by ``norm``: x_l = norm(x_(l-1) @ W_l).

    W_l has N(0, scale**2 / width) entries (``scale`` = 1 is LeCun's rule; the book's N(0, 1) weights are
    scale = sqrt(width)). The loss is the mean over samples of x_L[n] . r[n], for a fixed random
    direction r[n] per sample, so dLoss/dx_L = r / n_samples. The random numbers (:func:`stack_draws`; pass
    ``draws`` from a call with the same depth, width, n_samples and seed to reuse them) do not depend on ``scale``
    or ``norm``: the same seed gives the same network, scaled. Without a norm the outputs are kept finite by
    working with them as they are (a scale far from 1 over many layers overflows; keep depth * |log10 scale|
    below about 300).
    """
    depth = check_positive_int("depth", depth)
    width = check_positive_int("width", width, minimum=2)
    scale = check_positive_float("scale", scale)
    n_samples = check_positive_int("n_samples", n_samples, minimum=2)
    axis = NORMS[check_choice("norm", norm, list(NORMS))]
    if norm == "none" and depth * abs(np.log10(scale * 1.0)) > 300:
        raise ValueError(f"without a norm, {depth} layers at scale {scale:g} would overflow float64 "
                         f"(the std changes by a factor {scale:g} per layer); use a smaller depth or a scale nearer 1")
    x, unit, r = draws if draws is not None else stack_draws(depth, width, n_samples=n_samples, seed=seed)
    if unit.shape != (depth, width, width) or x.shape != (n_samples, width):
        raise ValueError(f"draws hold {unit.shape[0]} layers of width {unit.shape[1]} and {x.shape[0]} samples; "
                         f"need {depth} of width {width} and {n_samples} samples")
    inputs, parts, out_std = [], [], np.empty(depth)
    for l in range(depth):
        inputs.append(x)
        z = (x @ unit[l]) * scale                  # x @ W_l with W_l = scale * unit[l]
        if axis is None:
            x = z
        else:
            parts.append(_parts(z, axis, eps))
            x = parts[-1][0]
        out_std[l] = x.std()
    loss = float(np.sum(x * r) / n_samples)
    dx = r / n_samples
    grads = np.empty(depth)
    for l in range(depth - 1, -1, -1):
        dz = dx if axis is None else _backward(*parts[l], dx, axis)
        grads[l] = np.linalg.norm(inputs[l].T @ dz)
        dx = (dz @ unit[l].T) * scale
    return NormStack(out_std, grads, scale * np.linalg.norm(unit, axis=(1, 2)), loss)
