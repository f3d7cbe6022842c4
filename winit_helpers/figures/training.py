"""The figures of notebook 6 (does the initialisation matter for training?).

Static figures, plain functions that draw with pyplot and return what they drew:

* :func:`plot_book_runs`: the book's network, loss curves and test accuracy per initialisation, over seeds;
* :func:`plot_deep_runs`: a deep ReLU network, loss curves and every layer's gradient at step 0;
* :func:`plot_grid`: which depth x weight-scale combinations train, as a heat map.

:class:`TrainingPanel` is the figure of the live training view (:mod:`winit_helpers.live.training`): the loss
curve growing as a deep ReLU network trains, and every layer's gradient at step 0.
"""
import math
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .._checks import check_positive_int
from ..style import font_size
from ..training import DEEP_GAINS, DIVERGED_LOSS, TRAINED_LOSS, DeepReLUNetwork, Trainer, load_digits_split
from .base import DPI, POOL, Panel, legend_entry
from .limits import depth_axis_end, log_limits_with_band, set_limits
from .log_axes import log_axis

CHANCE_LOSS = math.log(10)     # cross-entropy of a uniform guess over 10 classes
#: a loss this close to CHANCE_LOSS is a uniform guess (every stalled run seen sits within 0.01 of it)
AT_CHANCE = 0.05


def training_verdict(loss, step, budget):
    """What a training run's loss at ``step`` of ``budget`` says, in words that hold at that step: during the run
    a loss at or above a uniform guess is what it is *so far* (a run may still learn later)."""
    done = step >= budget
    if not np.isfinite(loss):
        return "it diverged (the loss overflowed): the weights are too large for this step size"
    if step == 0:
        return "press Train to train it"
    if loss >= DIVERGED_LOSS:
        return "the loss is blowing up: the weights are too large for this step size"
    if loss < TRAINED_LOSS:
        return "it has learned" if done else "it is learning"
    now = "it ended" if done else "so far it is"
    if abs(loss - CHANCE_LOSS) < AT_CHANCE:
        return ("it is stuck at" if done else "so far it is no better than") + f" a uniform guess ({CHANCE_LOSS:.2f})"
    if loss > CHANCE_LOSS:
        return f"{now} worse than a uniform guess ({CHANCE_LOSS:.2f})"
    return f"{now} a little below a uniform guess ({CHANCE_LOSS:.2f}), {'not' if done else 'not yet'} under {TRAINED_LOSS}"


#: the colour of each group of runs, by the key the notebook gives it (the book's inits, then the deep network's)
COLORS = {"book": "C0", "none": "C3", "tiny": "C7", "he": "C2", "lecun": "C1", "unscaled": "C3"}


def _band(ax, x, curves, color, label):
    """Median line and min-max band of ``curves`` (one row per seed, non-finite values left out); returns ``(lo, median, hi)``."""
    with np.errstate(all="ignore"):
        finite = np.where(np.isfinite(curves), curves, np.nan)
        lo, mid, hi = np.nanmin(finite, axis=0), np.nanmedian(finite, axis=0), np.nanmax(finite, axis=0)
    ax.fill_between(x, lo, hi, color=color, alpha=0.25, linewidth=0)
    ax.plot(x, mid, color=color, linewidth=2, label=label)
    return lo, mid, hi


def plot_book_runs(result, groups):
    """The book's network trained with several initialisations, several seeds each.

    ``groups`` maps a label to ``(color key, replica indices)``.  Left: the book's
    loss on the training set per epoch (median and min-max over seeds).  Middle:
    test accuracy of every seed.  Right: size of the first layer's gradient at
    the start.  Returns what it drew: ``{"figure", "loss": {label: (lo, median, hi)},
    "accuracy": {label: values}, "first_grad": {label: values}}``.
    """
    fig, (ax, ax_acc, ax_grad) = plt.subplots(1, 3, figsize=(12, 3.8), dpi=DPI,
                                              gridspec_kw={"width_ratios": [2.2, 1, 1]})
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.16, top=0.88, wspace=0.35)
    history = result.history
    drawn = {"figure": fig, "loss": {}, "accuracy": {}, "first_grad": {}}
    for k, (label, (key, idx)) in enumerate(groups.items()):
        drawn["loss"][label] = _band(ax, history.epochs, history.loss[idx], COLORS[key], f"{label} ({len(idx)} seeds)")
        jitter = np.linspace(-0.12, 0.12, len(idx))
        drawn["accuracy"][label] = result.accuracy[idx]
        drawn["first_grad"][label] = result.grad_norms[idx, 0]
        ax_acc.plot(k + jitter, drawn["accuracy"][label], "o", color=COLORS[key], ms=6)
        ax_grad.plot(k + jitter, drawn["first_grad"][label], "o", color=COLORS[key], ms=6)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss\n(the book's 0.5 sum of squares)")
    ax.set_title("training loss: median and range over seeds", fontsize=font_size(10))
    ax.legend(fontsize=font_size(8), frameon=False)
    for a, title in ((ax_acc, "test accuracy after training"), (ax_grad, "first-layer gradient at step 0")):
        a.set_xticks(range(len(groups)), [label.split(":")[0] for label in groups], fontsize=font_size(9))
        a.set_xlim(-0.5, len(groups) - 0.5)
        a.set_title(title, fontsize=font_size(10))
    ax_acc.set_ylim(0.9, 1.0)
    ax_acc.set_ylabel("fraction of test images right")
    ax_grad.set_yscale("log")
    ax_grad.set_ylabel("norm of dLoss/dW[0]")
    return drawn


def plot_deep_runs(result, groups):
    """A deep ReLU network trained with several initialisations, several seeds each.

    Left: training loss against step, with the loss of a uniform guess.  Right:
    norm of every layer's gradient at step 0 (log10 of it, on a linear axis).  Returns what it
    drew: ``{"figure", "loss": {label: (lo, median, hi)}, "log10_grad": {label: (lo, median, hi)}}``.
    """
    fig, (ax, ax_grad) = plt.subplots(1, 2, figsize=(12, 3.8), dpi=DPI)
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.15, top=0.88, wspace=0.22)
    history = result.history
    layers = np.arange(1, result.grad_norms.shape[1] + 1)
    drawn = {"figure": fig, "loss": {}, "log10_grad": {}, "chance": CHANCE_LOSS}
    for label, (key, idx) in groups.items():
        drawn["loss"][label] = _band(ax, history.steps, history.loss[idx], COLORS[key], f"{label} ({len(idx)} seeds)")
        drawn["log10_grad"][label] = _band(ax_grad, layers, np.log10(result.grad_norms[idx]), COLORS[key], label)
    ax.axhline(CHANCE_LOSS, color="black", linestyle="--", linewidth=1)
    ax.text(history.steps[-1], CHANCE_LOSS, "uniform guess: log(10)", ha="right", va="bottom", fontsize=font_size(8))
    ax.set_xlabel("step")
    ax.set_ylabel("training loss (cross-entropy)")
    ax.set_ylim(0, max(3.0, CHANCE_LOSS * 1.2))
    ax.set_title("training loss: median and range over seeds", fontsize=font_size(10))
    ax.legend(fontsize=font_size(8), frameon=False, loc="lower left")
    ax_grad.xaxis.get_major_locator().set_params(integer=True)
    ax_grad.set_xlabel("layer (1 = first, last = read-out)")
    ax_grad.set_ylabel("log10 of the gradient's norm")
    ax_grad.set_title("gradient of every layer's weights at step 0", fontsize=font_size(10))
    ax_grad.legend(fontsize=font_size(8), frameon=False)
    return drawn


def plot_grid(grid):
    """Heat map: fraction of seeds that trained, for each depth (rows) and gain (columns).

    Gains are spaced on a log axis; the dashed lines mark LeCun's 1/sqrt(fan_in)
    and He's sqrt(2/fan_in).  Returns what it drew: ``{"figure", "fraction": the colours,
    "x_edges", "cells": {(depth, gain): text}, "gain_lines": (LeCun's, He's)}``.
    """
    fig, ax = plt.subplots(figsize=(8, 4), dpi=DPI)
    fig.subplots_adjust(left=0.1, right=0.9, bottom=0.15, top=0.88)
    logg = np.log2(grid.gains)
    step = np.diff(logg).mean() if len(logg) > 1 else 1.0
    x_edges = 2.0 ** np.concatenate([[logg[0] - step / 2], (logg[:-1] + logg[1:]) / 2, [logg[-1] + step / 2]])
    y_edges = np.arange(len(grid.depths) + 1)
    mesh = ax.pcolormesh(x_edges, y_edges, grid.fraction_trained, cmap="cividis", vmin=0, vmax=1)
    n = len(grid.seeds)
    cells = {}
    for i in range(len(grid.depths)):
        for j, g in enumerate(grid.gains):
            ok, blown = int(grid.trained[i, j].sum()), int(grid.diverged[i, j].sum())
            text = cells[grid.depths[i], g] = f"{ok}/{n}" + ("\ndiverged" if blown == n else "")
            ax.text(g, i + 0.5, text, ha="center", va="center", fontsize=font_size(9), zorder=3,
                    bbox=dict(boxstyle="round,pad=0.2", facecolor="white", alpha=0.75, linewidth=0))
    gain_lines = (DEEP_GAINS["lecun"], DEEP_GAINS["he"])
    for g, label, ha in zip(gain_lines, ("LeCun: 1/sqrt(fan_in) ", " He: sqrt(2/fan_in)"), ("right", "left")):
        ax.axvline(g, color="black", linestyle="--", linewidth=1.2, zorder=2)
        ax.text(g, len(grid.depths) + 0.1, label, ha=ha, va="bottom", fontsize=font_size(9))
    ax.set_xscale("log", base=2)
    ax.set_xticks(grid.gains, [f"{g:.2g}" for g in grid.gains])
    ax.minorticks_off()
    ax.set_yticks(np.arange(len(grid.depths)) + 0.5, [str(d) for d in grid.depths])
    ax.set_xlabel("weight std x sqrt(fan_in)")
    ax.set_ylabel("depth (ReLU layers)")
    ax.set_ylim(0, len(grid.depths) + 0.5)
    fig.colorbar(mesh, ax=ax, label=f"share of seeds with loss < {TRAINED_LOSS}\nafter {grid.steps} steps")
    return {"figure": fig, "fraction": grid.fraction_trained, "x_edges": x_edges, "cells": cells,
            "gain_lines": gain_lines}


# --------------------------------------------------------------------------- the figure of the live training view

@dataclass
class TrainingViewResult:
    init: str
    depth: int
    scale: float
    weight_std: float            # of the hidden layers
    grad_norms: np.ndarray       # per layer, at step 0 (drawn against layers 1 .. depth + 1)
    he_grad_norms: np.ndarray    # the same for He's init at scale 1 (the dashed reference line)
    steps: np.ndarray            # recorded so far
    loss: np.ndarray
    message: str


class TrainingPanel(Panel):
    """Left: the training loss, growing as the network trains.  Right: every layer's gradient at step 0.

    ``update(init, depth, scale)`` builds a fresh network (and a :class:`Trainer`
    for it) and draws its step-0 gradients; :meth:`train_chunk` takes more steps
    and extends the loss curve.
    """
    figsize = (10, 3.8)

    def __init__(self, fig=None, *, data=None, width=64, steps=300, batch_size=32, lr=0.005, momentum=0.9):
        self.data = data if data is not None else load_digits_split(0).standardized()
        self.width, self.budget = check_positive_int("width", width), check_positive_int("steps", steps)
        self.batch_size, self.lr, self.momentum = batch_size, lr, momentum
        self.trainer, self._he_norms = None, {}
        super().__init__(fig)

    def draw(self):
        self.fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.88, wspace=0.25)
        self.ax, self.ax_grad = self.fig.subplots(1, 2)
        ax = self.ax
        ax.axhline(CHANCE_LOSS, color="black", linestyle="--", linewidth=1)
        ax.text(0.98, CHANCE_LOSS - 0.05, "a uniform guess: log(10)", ha="right", va="top", fontsize=font_size(8),
                transform=ax.get_yaxis_transform())
        (self.curve,) = ax.plot([], [], color=COLORS["he"], linewidth=2, marker="o", ms=3)
        ax.set_xlabel("step")
        ax.set_ylabel("training loss (cross-entropy)")
        axg = self.ax_grad
        (self.he_grads,) = axg.plot([], [], color="#999999", linewidth=1.5, linestyle="--", label="He, scale 1")
        (self.grads,) = axg.plot([], [], color=COLORS["he"], linewidth=2, marker="o", ms=3, label="this network")
        log_axis(axg)           # plain labels, no minor ticks: quick to draw when the range changes
        axg.set_xlabel("layer")
        axg.set_ylabel("norm of the gradient at step 0")
        axg.legend(fontsize=font_size(8), frameon=False, loc="upper center", ncol=2)
        axg.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))          # layers are whole numbers

    def _network(self, init, depth, scale, seed):
        return DeepReLUNetwork(depth=depth, width=self.width, n_in=self.data.X_train.shape[1],
                               init=init, scale=scale, seed=seed)

    def _grad_norms(self, net):
        batch = slice(0, 256)
        return net.gradient_norms(self.data.X_train[batch], self.data.Y_train[batch])[0]

    def update(self, init="he", depth=30, scale=1.0, *, seed=0):
        depth = check_positive_int("depth", depth)
        net = self._network(init, depth, scale, seed)
        # the trainer's first loss is a pass over the whole training set: it runs on the other core while this
        # one takes the gradients at step 0, which cost about as much (the same numbers)
        trainer = POOL.submit(Trainer, net, self.data.X_train, self.data.Y_train, batch_size=self.batch_size,
                              lr=self.lr, momentum=self.momentum, record_every=10)
        norms = self._grad_norms(net)
        key = (depth, seed)         # He at scale 1 is the same reference whatever init and scale: computed once per depth
        if key not in self._he_norms:
            self._he_norms[key] = self._grad_norms(self._network("he", depth, 1.0, seed))
        he_norms = self._he_norms[key]
        self.trainer = trainer.result()
        self.params = dict(init=init, depth=depth, scale=scale)
        self.weight_std = net.W[1][0].std() if depth > 1 else net.W[0][0].std()
        layers = np.arange(1, depth + 2)
        self.grads.set_data(layers, norms)
        self.he_grads.set_data(layers, he_norms)
        self.grads.set_color(COLORS[init])
        self.curve.set_color(COLORS[init])
        # the legend draws its own copy of the line: it takes the init's colour too
        handle = legend_entry(self.ax_grad.get_legend(), self.grads)
        if handle.get_color() != COLORS[init]:
            handle.set_color(COLORS[init])
        values = np.concatenate([norms, he_norms])
        values = values[np.isfinite(values) & (values > 0)]
        # steady limits (whole decades, the layer axis on a ladder) with a band above the data for the legend:
        # most moves then redraw only the curves and the titles
        set_limits(self.ax_grad, x=(0, depth_axis_end(depth + 1) + 0.5),
                   y=log_limits_with_band(self.ax_grad, values if values.size else np.array([0.1, 10.0])))
        self.ax_grad.set_title(f"first layer {norms[0]:.1e}, last {norms[-1]:.1e}", fontsize=font_size(10))
        self.norms, self.he_norms = norms, he_norms
        return self._draw_curve()

    def train_chunk(self, steps):
        """Take up to ``steps`` more steps (never past the budget); redraw the curve and return the result."""
        steps = min(check_positive_int("steps", steps), self.budget - self.trainer.step_count)
        if steps > 0:
            self.trainer.run(steps)
        return self._draw_curve()

    @property
    def finished(self):
        return self.trainer is not None and self.trainer.step_count >= self.budget

    def _draw_curve(self):
        history = self.trainer.history
        loss = history.loss[0]
        self.curve.set_data(history.steps, loss)
        set_limits(self.ax, x=(0, self.budget))
        finite = loss[np.isfinite(loss)]
        # the top on a few round rungs (a live figure keeps its background while the rung holds); above 20: clipped
        peak = float(finite.max()) * 1.1 if finite.size else 0.0
        top = self.ax.get_ylim()[1]
        if not (top in (3.0, 5.0, 10.0, 20.0) and 0.4 * top <= peak <= top):     # else keep it: it still fits
            top = next((t for t in (3.0, 5.0, 10.0) if peak <= t), 20.0)
        set_limits(self.ax, y=(0, top))
        p = self.params
        last = loss[-1]
        # a loss above the top is not drawn: the title says where the curve is
        where = ("" if not np.isfinite(last) or last <= top else
                 f"\nloss {last:.3g}, above the chart" if finite.min() > top else "\nthe loss is above the chart now")
        self.ax.set_title(f"{p['init']} x {p['scale']:.3g}, depth {p['depth']}: "
                          f"step {self.trainer.step_count} of {self.budget}{where}", fontsize=font_size(10))
        verdict = training_verdict(last, self.trainer.step_count, self.budget)
        message = (f"Hidden weights std {self.weight_std:.3g}; first layer's gradient at step 0: "
                   f"{self.norms[0]:.2g}. Step {self.trainer.step_count}/{self.budget}, "
                   f"loss {last:.3g}: {verdict}.")
        return TrainingViewResult(p["init"], p["depth"], p["scale"], float(self.weight_std), self.norms,
                                  self.he_norms, history.steps, loss, message)
