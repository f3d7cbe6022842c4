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


def normalise(z, norm="layer", eps=EPS):
    """``(z - mean) / sqrt(var + eps)`` over a sample's units (``'layer'``) or over the batch (``'batch'``);
    ``'none'`` returns ``z`` unchanged."""
    axis = NORMS[check_choice("norm", norm, list(NORMS))]
    if axis is None:
        return np.asarray(z, dtype=float)
    mean, var = z.mean(axis=axis, keepdims=True), z.var(axis=axis, keepdims=True)
    return (z - mean) / np.sqrt(var + eps)


def normalise_backward(z, dh, norm="layer", eps=EPS):
    """The gradient with respect to ``z`` of a loss whose gradient with respect to h = normalise(z) is ``dh``.

    With h = (z - m) / s over n values: dz = (dh - mean(dh) - h' mean(dh h')) / s, where h' = (z - m) / s
    (equal to h when eps = 0).
    """
    axis = NORMS[check_choice("norm", norm, list(NORMS))]
    if axis is None:
        return dh
    mean, var = z.mean(axis=axis, keepdims=True), z.var(axis=axis, keepdims=True)
    s = np.sqrt(var + eps)
    h = (z - mean) / s
    return (dh - dh.mean(axis=axis, keepdims=True) - h * (dh * h).mean(axis=axis, keepdims=True)) / s


@dataclass
class NormStack:
    out_std: np.ndarray      # std of each layer's output x_l, l = 1 .. depth
    grad_norm: np.ndarray    # Frobenius norm of dLoss/dW_l, l = 1 .. depth
    weight_norm: np.ndarray  # Frobenius norm of W_l
    loss: float


def norm_stack(depth, width, scale, norm="layer", *, n_samples=64, seed=0, eps=EPS):
    """Forward and backward through ``depth`` linear layers, each followed by ``norm``: x_l = norm(x_(l-1) @ W_l).

    W_l has N(0, scale**2 / width) entries (``scale`` = 1 is LeCun's rule; the book's N(0, 1) weights are
    scale = sqrt(width)). The loss is the mean over samples of x_L[n] . r[n], for a fixed random
    direction r[n] per sample, so dLoss/dx_L = r / n_samples. The random numbers do not depend on ``scale`` or ``norm``: the same seed gives the
    same network, scaled. Without a norm the outputs are kept finite by working with them as they are (a scale far
    from 1 over many layers overflows; keep depth * |log10 scale| below about 300).
    """
    depth = check_positive_int("depth", depth)
    width = check_positive_int("width", width, minimum=2)
    scale = check_positive_float("scale", scale)
    n_samples = check_positive_int("n_samples", n_samples, minimum=2)
    check_choice("norm", norm, list(NORMS))
    if norm == "none" and depth * abs(np.log10(scale * 1.0)) > 300:
        raise ValueError(f"without a norm, {depth} layers at scale {scale:g} would overflow float64 "
                         f"(the std changes by a factor {scale:g} per layer); use a smaller depth or a scale nearer 1")
    rng = make_rng(seed)
    x = rng.standard_normal((n_samples, width))
    unit = rng.standard_normal((depth, width, width)) / np.sqrt(width)
    r = rng.standard_normal((n_samples, width))
    weights = scale * unit
    inputs, pre, out_std = [], [], np.empty(depth)
    for l, W in enumerate(weights):
        inputs.append(x)
        pre.append(x @ W)
        x = normalise(pre[-1], norm, eps)
        out_std[l] = x.std()
    loss = float(np.sum(x * r) / n_samples)
    dx = r / n_samples
    grads = np.empty(depth)
    for l in range(depth - 1, -1, -1):
        dz = normalise_backward(pre[l], dx, norm, eps)
        grads[l] = np.linalg.norm(inputs[l].T @ dz)
        dx = dz @ weights[l].T
    return NormStack(out_std, grads, np.linalg.norm(weights, axis=(1, 2)), loss)
