"""Width scaling: the best learning rate of a small MLP under the standard parametrisation and under muP.

The network: f(x) = tanh(x @ W) @ v, one hidden layer of ``width`` units, trained by full-batch gradient
descent on a fixed regression task. Two parametrisations, equal at the base width ``BASE_WIDTH``:

* standard: W and v both with std 1/sqrt(fan_in); one learning rate lr for every weight;
* muP (Yang & Hu 2021; Yang et al. 2022, for SGD): v with std sqrt(base)/width, proportional to 1/fan_in;
  the input layer's learning rate lr * width / base, the readout's lr * base / width.

Why: a gradient step on v changes the output by lr * |tanh(x @ W)|^2, a sum over ``width`` units, so under the
standard parametrisation the largest stable learning rate shrinks like 1/width. muP's factors cancel that
and keep each layer's change per step of the same size at every width. Everything here is batched over the
learning rates: one array of networks, one per learning rate, trained together.
"""
from dataclasses import dataclass

import numpy as np

from .._checks import check_choice, check_positive_int
from .init import make_rng

PARAMETRISATIONS = ("standard", "muP")
BASE_WIDTH = 32
DIVERGED = 1e3     # a run whose loss passes this (the task's loss starts near 0.5) has diverged


def toy_task(n_samples=128, d_in=8, seed=0):
    """A fixed regression task: x with N(0, 1) entries, y = sum_i sin(2 x . u_i) / 2 over four random directions."""
    g = make_rng(seed)
    x = g.standard_normal((check_positive_int("n_samples", n_samples, minimum=2), check_positive_int("d_in", d_in)))
    u = g.standard_normal((d_in, 4)) / np.sqrt(d_in)
    return x, np.sin(2 * x @ u).sum(axis=1) / 2


def layer_factors(width, parametrisation, base=BASE_WIDTH):
    """``(readout std, input-layer lr factor, readout lr factor)`` of a network of ``width`` hidden units."""
    width = check_positive_int("width", width)
    check_choice("parametrisation", parametrisation, list(PARAMETRISATIONS))
    if parametrisation == "standard":
        return 1 / np.sqrt(width), 1.0, 1.0
    return np.sqrt(base) / width, width / base, base / width


def train_losses(width, lrs, parametrisation, *, steps=100, seed=0, task=None):
    """Final training loss (mean squared error) of one network per learning rate in ``lrs``, all from the
    same initial weights (``seed``); ``inf`` for a run that diverged. ``task`` is ``(x, y)``, by default
    :func:`toy_task`'s."""
    lrs = np.asarray(lrs, dtype=float)
    if lrs.ndim != 1 or lrs.size == 0 or not np.all(np.isfinite(lrs) & (lrs > 0)):
        raise ValueError(f"lrs must be a list of positive learning rates, got {lrs!r}")
    steps = check_positive_int("steps", steps)
    x, y = task if task is not None else toy_task()
    n, d = x.shape
    v_std, lr_w, lr_v = layer_factors(width, parametrisation)
    g = make_rng(seed)
    w0 = g.standard_normal((d, width)) / np.sqrt(d)
    v0 = g.standard_normal(width) * v_std
    k = lrs.size
    W, v = np.repeat(w0[None], k, axis=0), np.repeat(v0[None], k, axis=0)
    live = np.arange(k)                       # the runs that have not diverged
    losses = np.full(k, np.inf)
    for step in range(steps + 1):
        h = np.tanh(x @ W)                    # (k, n, width)
        e = (h @ v[:, :, None])[:, :, 0] - y
        loss = np.mean(e * e, axis=1)
        ok = np.isfinite(loss) & (loss < DIVERGED)
        if not ok.all():
            W, v, live, e, h, loss = W[ok], v[ok], live[ok], e[ok], h[ok], loss[ok]
        if step == steps or live.size == 0:
            break
        lr = lrs[live][:, None]
        grad_v = (e[:, None, :] @ h)[:, 0, :] * (2 / n)
        grad_z = (e[:, :, None] * (2 / n)) * v[:, None, :] * (1 - h * h)
        grad_W = np.matmul(x.T, grad_z)       # (k, d, width)
        v = v - lr * lr_v * grad_v
        W = W - lr[:, :, None] * lr_w * grad_W
    losses[live] = loss
    return losses


@dataclass
class Sweep:
    parametrisation: str
    widths: np.ndarray
    lrs: np.ndarray
    losses: np.ndarray      # (seeds, widths, lrs): final training loss, inf where a run diverged
    mean_loss: np.ndarray   # (widths, lrs): the mean over seeds, inf where any seed diverged
    best_lr: np.ndarray     # (widths,): the learning rate of the lowest mean loss


def lr_sweep(widths, lrs, parametrisation, *, seeds=(0, 1, 2), steps=100, task=None):
    """:func:`train_losses` for every width and seed; the best learning rate of each width from the mean over seeds."""
    widths = np.array([check_positive_int("width", w) for w in widths])
    lrs = np.asarray(lrs, dtype=float)
    losses = np.array([[train_losses(w, lrs, parametrisation, steps=steps, seed=s, task=task) for w in widths]
                       for s in seeds])
    mean = losses.mean(axis=0)
    return Sweep(parametrisation, widths, lrs, losses, mean, lrs[np.argmin(mean, axis=1)])
