"""The figures of notebook 10 (the same law in today's networks).

* :class:`AttentionPanel`: one row of attention weights at the chosen d_k, and the rows' entropy and largest
  weight against d_k, with and without the 1/sqrt(d_k);
* :class:`NormPanel`: each layer's output std and weight gradient in a stack with LayerNorm, BatchNorm or no
  norm, at any weight scale, with the 1/scale law for the gradients;
* :class:`StreamPanel`: a pre-norm residual stream's mean square through N branches, with the theory m_0 + l a^2,
  and the growth after N branches for each rule beside notebook 9's stream without a norm;
* :func:`plot_lr_sweep`: loss against learning rate, one curve per width, standard parametrisation beside muP.

Every panel takes the seed as an ``update`` parameter, so ``Panel.plot(..., seed=SEED)`` draws the static
figure; each update returns what it drew (``result.drawn``) and a one-line ``message``.
"""
import math
from dataclasses import dataclass, field
from functools import lru_cache, partial

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator
from matplotlib.lines import Line2D

from .._checks import check_positive_float
from ..maths import attention as att
from ..maths.normalisation import norm_stack, stack_draws
from ..maths.residual_stream import STREAM_RULES, prenorm_stream, stream_alpha, stream_draws
from ..maths.theory import grad_scale_with_norm, iid_softmax_entropy, prenorm_mean_square
from ..style import font_size
from .base import THEORY, Panel, counted, legend_of, recent_ranges, steady_range
from .log_axes import LogTickFormatter, log_axis

SCALED_COLORS = {True: "C0", False: "C3"}
SCALED_LABELS = {True: "scaled: q·k / sqrt(d_k)", False: "unscaled: q·k"}


@dataclass
class Result:
    drawn: dict
    message: str
    values: dict = field(default_factory=dict)


def set_line(line, x, y):
    """``line.set_data(x, y)`` for a line without markers: one point alone draws no line, so it gets a dash."""
    line.set_data(x, y)
    line.set(marker="_" if len(x) == 1 else "None", markersize=12, markeredgewidth=line.get_linewidth())


# --------------------------------------------------------------------------- attention
class AttentionPanel(Panel):
    """One row's attention weights at this d_k, and the entropy and largest weight of the rows against d_k."""
    figsize = (11, 3.8)
    d_ks = 2 ** np.arange(11)          # 1 .. 1024
    n_rows = 100
    max_keys = 1024

    def __init__(self, fig=None):
        self._curves = {}
        super().__init__(fig)

    def curves(self, seq_len, seed):
        """Entropy and largest weight at every d_k of :attr:`d_ks`, scaled and unscaled (kept per sequence length)."""
        key = (seq_len, seed)
        if key not in self._curves:
            if len(self._curves) >= 11:               # every sequence length the slider offers, for one seed
                self._curves.clear()
            self._curves[key] = att.attention_sweep(self.d_ks, seq_len, n_rows=self.n_rows, seed=seed)
        return self._curves[key]

    def draw(self):
        # the legend is the figure's, in a band below the axes: inside any axes it would cover a curve at
        # some d_k and n (the curves reach every corner as n runs from 2 to 1024)
        self.fig.subplots_adjust(left=0.08, right=0.985, bottom=0.29, top=0.8, wspace=0.3)
        self.legend_style = dict(loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=font_size(8),
                                 frameon=False)
        self.ax_row, self.ax_h, self.ax_max = self.fig.subplots(1, 3)
        self.row_lines, self.h_lines, self.max_lines, self.h_marks, self.max_marks = {}, {}, {}, {}, {}
        for scaled, color in SCALED_COLORS.items():
            (self.row_lines[scaled],) = self.ax_row.plot([], [], "o-", ms=3, color=color, label=SCALED_LABELS[scaled])
            (self.h_lines[scaled],) = self.ax_h.plot([], [], "o-", ms=3, color=color, label=SCALED_LABELS[scaled])
            (self.max_lines[scaled],) = self.ax_max.plot([], [], "o-", ms=3, color=color, label=SCALED_LABELS[scaled])
            (self.h_marks[scaled],) = self.ax_h.plot([], [], "*", ms=13, color=color, mec="black", mew=0.6)
            (self.max_marks[scaled],) = self.ax_max.plot([], [], "*", ms=13, color=color, mec="black", mew=0.6)
        (self.h_theory,) = self.ax_h.plot([], [], **THEORY, label="theory for N(0, 1) scores: log n − 1/2")
        (self.h_uniform,) = self.ax_h.plot([], [], color="gray", linestyle=":", label="uniform row: log n, 1/n")
        (self.max_uniform,) = self.ax_max.plot([], [], color="gray", linestyle=":", label="uniform row: log n, 1/n")
        # every axis fixed for all d_k and n (n up to max_keys): a slider move redraws only the curves
        log_axis(self.ax_row, "x")
        self.ax_row.set_xlim(0.8, 1.25 * self.max_keys)
        self.ax_row.set_xlabel("key j, sorted by weight")
        self.ax_row.set_ylabel("weight p_j")
        self.ax_row.set_ylim(0, 1.02)
        for ax in (self.ax_h, self.ax_max):
            log_axis(ax, "x")
            ax.set_xlim(0.7, 1500)
            ax.set_xlabel("d_k")
        self.ax_h.set_ylabel("entropy (nats)")
        self.ax_h.set_ylim(0, 1.08 * np.log(self.max_keys))
        self.ax_max.set_ylabel("largest weight")
        self.ax_max.set_ylim(0, 1.02)
        self.star = Line2D([], [], linestyle="none", marker="*", ms=11, color="white", mec="black", mew=0.8,
                           label="star: the d_k of the left panel")
        self.legend_handles(theory=True)

    def legend_handles(self, theory):
        """The figure's legend, with the theory line or without it (where there is none)."""
        handles = [self.h_lines[True], self.h_lines[False], *([self.h_theory] if theory else []), self.h_uniform,
                   self.star]
        self.legend = legend_of(getattr(self, "legend", None), handles, partial(self.fig.legend, **self.legend_style))

    def update(self, d_k=64, seq_len=64, seed=0):
        d_k, seq_len = int(round(d_k)), int(round(seq_len))
        curves = self.curves(seq_len, seed)
        q, k = att.attention_draws(d_k, seq_len, n_rows=self.n_rows, seed=seed)
        scores = q.T @ k                            # every row's unscaled scores; the left panel shows the first row
        rows, stats = {}, {}
        for scaled in (True, False):
            s = scores[0] / (np.sqrt(d_k) if scaled else 1.0)
            rows[scaled] = np.sort(att.softmax(s))[::-1]
            self.row_lines[scaled].set_data(np.arange(1, seq_len + 1), rows[scaled])
            c = curves[scaled]
            self.h_lines[scaled].set_data(c["d_k"], c["entropy"])
            self.max_lines[scaled].set_data(c["d_k"], c["max_weight"])
            stats[scaled] = att.row_stats(scores, d_k, scaled)
            self.h_marks[scaled].set_data([d_k], [stats[scaled].entropy])
            self.max_marks[scaled].set_data([d_k], [stats[scaled].max_weight])
        theory = float(iid_softmax_entropy(seq_len, 1.0))
        self.h_theory.set_data(self.d_ks, np.full(self.d_ks.size, theory))
        # log n - 1/2 takes the row's sum of exp(s_j) to be n times its mean, a large-n formula: below
        # ENTROPY_THEORY_KEYS keys it is too far below the mean entropy to draw (nor its legend entry)
        has_theory = bool(np.isfinite(theory)) and seq_len >= ENTROPY_THEORY_KEYS
        self.h_theory.set_visible(has_theory)
        self.legend_handles(theory=has_theory)
        self.h_uniform.set_data(self.d_ks, np.full(self.d_ks.size, np.log(seq_len)))
        self.max_uniform.set_data(self.d_ks, np.full(self.d_ks.size, 1 / seq_len))
        if seq_len > self.max_keys:
            raise ValueError(f"seq_len must be at most {self.max_keys}, got {seq_len}")
        self.ax_row.set_title(f"one row, d_k = {d_k}, n = {seq_len} keys", fontsize=font_size(10))
        self.ax_h.set_title(f"mean entropy of {self.n_rows} rows at d_k = {d_k}:\n"
                            f"{stats[True].entropy:.2f} scaled, {stats[False].entropy:.2f} unscaled"
                            + ("" if has_theory else f"\n(no theory: n = {seq_len} keys are too few)"),
                            fontsize=font_size(9))
        self.ax_max.set_title(f"mean largest weight at d_k = {d_k}:\n"
                              f"{stats[True].max_weight:.2f} scaled, {stats[False].max_weight:.2f} unscaled",
                              fontsize=font_size(9))
        message = (f"d_k = {d_k}, {seq_len} keys, mean over {self.n_rows} rows: score variance "
                   f"{stats[False].score_var:.3g} unscaled (theory {d_k}), {stats[True].score_var:.3g} scaled (theory 1); "
                   f"softmax gradient norm {stats[False].grad_norm:.3f} unscaled, {stats[True].grad_norm:.3f} scaled.")
        if not has_theory:
            message += (f" No theory line: log n − 1/2 assumes the sum of the n terms exp(s_j) is close to n times "
                        f"their mean, which needs many keys: from {ENTROPY_THEORY_KEYS} on it lies less than 0.09 below "
                        f"the mean entropy of N(0, 1) scores, with fewer further (0.14 at 8 keys, 0.23 at 4, 0.35 at 2).")
        drawn = {"row": rows, "curves": curves, "theory_entropy": theory,
                 "marker": {s: (d_k, stats[s].entropy, stats[s].max_weight) for s in (True, False)}}
        return Result(drawn, message, {"stats": stats})


#: the fewest keys per row for which the attention view draws log n - 1/2, the large-n mean entropy of a softmax of
#: N(0, 1) scores. How far below the true mean it lies (Monte Carlo, 4 million scores per n; test_modern checks it):
#: 0.35 at n = 2, 0.23 at 4, 0.14 at 8, then 0.084 at 16 (3% of log n), 0.048 at 32, 0.026 at 64
ENTROPY_THEORY_KEYS = 16


# --------------------------------------------------------------------------- normalisation
NORM_LABELS = {"layer": "LayerNorm", "batch": "BatchNorm", "none": "no norm"}


class NormPanel(Panel):
    """Each layer's output std and weight-gradient norm, at this weight scale and at scale 1."""
    figsize = (10, 3.8)
    width, n_samples = 64, 32
    scale_span = 8.0           # the live view's scale runs from 1/scale_span to scale_span

    def __init__(self, fig=None):
        self._runs, self._draws, self._steady = {}, {}, False     # _steady: the limits hold data (not matplotlib's first guess)
        super().__init__(fig)

    def draws(self, depth, seed):
        """The stack's random numbers (they do not depend on the scale or the norm), kept for the last depth and seed."""
        key = (depth, seed)
        if key not in self._draws:
            self._draws = {key: stack_draws(depth, self.width, n_samples=self.n_samples, seed=seed)}
        return self._draws[key]

    kept = 64        # runs kept: stepping a slider back and forth, or the norm, computes nothing the second time

    def run(self, scale, norm, depth, seed):
        """The network at ``scale``, kept for the last :attr:`kept` scales, norms, depths and seeds. Scales that
        agree to 1e-9 share a run (a slider's value may differ from a power of two in its last bits)."""
        key = (round(math.log2(check_positive_float("scale", scale)), 9), norm, depth, seed)
        if key not in self._runs:
            if len(self._runs) >= self.kept:
                del self._runs[next(iter(self._runs))]        # the oldest
            self._runs[key] = norm_stack(depth, self.width, scale, norm, n_samples=self.n_samples,
                                         draws=self.draws(depth, seed))
        return self._runs[key]

    def draw(self):
        # the legend is the figure's, below the axes: inside them it would cover a curve at some scale and norm
        self.fig.subplots_adjust(left=0.09, right=0.98, bottom=0.31, top=0.76, wspace=0.27)
        self.legend_style = dict(loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=font_size(8),
                                 frameon=False)
        self.ax_f, self.ax_g = self.fig.subplots(1, 2)
        (self.f_ref,) = self.ax_f.plot([], [], color="gray", linewidth=1.2, label="the same network at scale 1")
        (self.f_line,) = self.ax_f.plot([], [], "o-", ms=3, color="C0", label="outputs at this scale")
        (self.g_ref,) = self.ax_g.plot([], [], color="gray", linewidth=1.2, label="the same network at scale 1")
        (self.g_line,) = self.ax_g.plot([], [], "o-", ms=3, color="C3", label="gradients at this scale")
        (self.g_theory,) = self.ax_g.plot([], [], **THEORY, label="theory: gradient at scale 1 / scale")
        for ax in (self.ax_f, self.ax_g):
            log_axis(ax, "y")       # without a norm the range spans 200 decades: powers of ten as 10^k
            ax.yaxis.set_major_formatter(LogTickFormatter(log10_data=False, superscripts=True))
            ax.set_xlabel("layer l")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))   # layers are whole numbers
        self.ax_f.set_ylabel("std of layer l's output")
        self.ax_g.set_ylabel("|dLoss/dW_l|")
        self.legend_handles(theory=True)

    def legend_handles(self, theory):
        """The figure's legend, with the 1/scale law or without it (without a norm)."""
        handles = [self.f_ref, self.f_line, self.g_line, *([self.g_theory] if theory else [])]
        self.legend = legend_of(getattr(self, "legend", None), handles, partial(self.fig.legend, **self.legend_style))

    def update(self, scale=1.0, norm="layer", depth=50, seed=0):
        depth = int(depth)
        run, ref = self.run(scale, norm, depth, seed), self.run(1.0, norm, depth, seed)
        layers = np.arange(1, depth + 1)
        set_line(self.f_ref, layers, ref.out_std)
        self.f_line.set_data(layers, run.out_std)
        set_line(self.g_ref, layers, ref.grad_norm)
        self.g_line.set_data(layers, run.grad_norm)
        # the 1/scale law rests on L(c W) = L(W), which only a norm gives: without one, no theory line
        normed = norm != "none"
        theory = ref.grad_norm * grad_scale_with_norm(scale) if normed else None
        set_line(self.g_theory, *((layers, theory) if normed else ([], [])))
        self.g_theory.set_visible(normed)
        self.legend_handles(theory=normed)
        # with a norm the gradients are those at scale 1 divided by the scale: the gradient axis holds them for
        # every scale the slider offers (1/scale_span to scale_span), so moving it redraws only the curves (and,
        # holding the same band around the scale-1 gradients without a norm, switching the norm at scale 1 too)
        reach = np.log10(self.scale_span)
        for ax, values, base, spread in ((self.ax_f, run.out_std, ref.out_std, 0.0),
                                         (self.ax_g, run.grad_norm, ref.grad_norm, reach)):
            logs, base = np.log10(values[values > 0]), np.log10(base[base > 0])
            lo, hi = min(logs.min(), base.min() - spread), max(logs.max(), base.max() + spread)
            current = np.log10(ax.get_ylim()) if self._steady else None
            # without a norm a fresh range leaves half the data's span free on each side
            steady = steady_range(current, lo - 0.1, hi + 0.1, fill=0.25, margin=0.5,
                                  recent=recent_ranges(ax, "y"))
            if current is None or tuple(steady) != tuple(current):    # kept limits stay exact: no 10 ** log10 round trip
                ax.set_ylim(10.0 ** np.array(steady))
            ax.set_xlim(steady_range(ax.get_xlim() if self._steady else None, 0.5, depth + 0.5, floor=0,
                                     recent=recent_ranges(ax, "x")))
        self._steady = True
        ratio = float(np.median(run.grad_norm / ref.grad_norm))
        self.ax_f.set_title(f"{NORM_LABELS[norm]}, weight std = {scale:.3g}/sqrt({self.width}):\n"
                            f"last output std {run.out_std[-1]:.3g}", fontsize=font_size(9))
        self.ax_g.set_title(f"gradients: {ratio:.3g} × those at scale 1"
                            + (f"\n(theory 1/scale = {1 / scale:.3g})" if normed
                               else "\n(median; no 1/scale law without a norm)"),
                            fontsize=font_size(9))
        self.fig.suptitle(f"{counted(depth, 'linear layer')} of width {self.width}, "
                          + (f"each followed by {NORM_LABELS[norm]}" if normed else "no normalisation"),
                          fontsize=font_size(11))
        if normed:
            message = (f"{NORM_LABELS[norm]}: the outputs do not depend on the scale; the gradients are {ratio:.3g} times "
                       f"those at scale 1 (1/scale = {1 / scale:.3g}), so a step of the same learning rate changes "
                       f"the weights by {ratio / scale:.3g} times as much relative to their size (1/scale² = {1 / scale ** 2:.3g}).")
        else:
            message = (f"no norm: the output std after {counted(depth, 'layer')} is {run.out_std[-1]:.3g} (scale^depth = "
                       f"{scale ** depth:.3g}); the gradients are {ratio:.3g} times those at scale 1. No theory line: "
                       f"the 1/scale law holds only with a norm, which makes the loss the same at every weight scale.")
        drawn = {"layers": layers, "out_std": run.out_std, "ref_out_std": ref.out_std, "grad": run.grad_norm,
                 "ref_grad": ref.grad_norm, "theory": theory, "ratio": ratio}
        return Result(drawn, message, {"run": run, "ref": ref})


# --------------------------------------------------------------------------- residual streams
RULE_COLORS = dict(zip(STREAM_RULES, ("C3", "C0", "C2")))
RULE_LABELS = dict(zip(STREAM_RULES, ("pre-norm, a = 1: 1 + N", "pre-norm, a = 1/sqrt(N) (GPT-2): 2",
                                      "pre-norm, a = 0 (zero start): 1")))


@lru_cache(maxsize=1)
def _stream_draws(n_branches, width, n_samples, seed):
    """:func:`stream_draws`, kept for the last seed: the static figure and the live view share one draw (67 MB)."""
    return stream_draws(n_branches, width, n_samples=n_samples, seed=seed)


class StreamPanel(Panel):
    """Mean square of a pre-norm residual stream through N branches; growth after N branches for every rule."""
    figsize = (10, 3.8)
    max_branches, width, n_samples = 1024, 64, 32
    top = 1e4

    def draws(self, seed):
        """The stack's random numbers, drawn once at the largest depth (a shallower stack uses the first branches)."""
        return _stream_draws(self.max_branches, self.width, self.n_samples, seed)

    def draw(self):
        # the right panel's legend is the figure's, in a band below the axes: inside the axes, notebook 9's 2^N
        # crosses its upper left and the rules fill its bottom, so at some N and rule it would cover a curve
        self.fig.subplots_adjust(left=0.1, right=0.98, bottom=0.31, top=0.76, wspace=0.3)
        self.ax_l, self.ax_n = self.fig.subplots(1, 2)
        (self.theory,) = self.ax_l.plot([], [], **THEORY, label="theory m_0 + l a²")
        (self.sim,) = self.ax_l.plot([], [], "o", ms=3, color="C7", label="simulation")
        # both axes fixed, the same for every N and rule: the rules compare at a glance, and a slider move
        # redraws only the curves
        log_axis(self.ax_l, "x")
        log_axis(self.ax_l, "y")
        self.ax_l.set_xlim(0.8, 1.25 * self.max_branches)
        self.ax_l.set_ylim(0.5, 5000)
        self.ax_l.set_xlabel("branch l")
        self.ax_l.set_ylabel("mean square of x_l")
        self.legend_style = dict(fontsize=font_size(8), loc="upper left", frameon=False)    # the left panel's
        self.ax_l.legend(handles=[self.theory, self.sim], **self.legend_style)
        n = np.arange(1, self.max_branches + 1)
        self.rule_lines = {}
        for rule in STREAM_RULES:
            a = np.array([stream_alpha(rule, k) for k in n])
            (self.rule_lines[rule],) = self.ax_n.plot(n, prenorm_mean_square(1.0, a, n), color=RULE_COLORS[rule],
                                                      label=RULE_LABELS[rule])
        (self.nb9_one,) = self.ax_n.plot(n, 2.0 ** np.minimum(n, 60), color="C3", linestyle=":",
                                         label="no norm, a = 1: 2^N (notebook 9)")
        (self.nb9_sqrt,) = self.ax_n.plot(n, (1 + 1 / n) ** n, color="C0", linestyle=":",
                                          label="no norm, a = 1/sqrt(N): (1 + 1/N)^N")
        (self.marker,) = self.ax_n.plot([], [], "*", ms=13, color="black", label="star: this stack, measured")
        log_axis(self.ax_n, "x")
        log_axis(self.ax_n, "y")
        self.ax_n.set_xlim(0.8, 1.25 * self.max_branches)
        self.ax_n.set_ylim(0.5, self.top)
        self.ax_n.set_xlabel("N, the number of branches")
        self.ax_n.set_ylabel("mean square / m_0")
        self.legend = self.fig.legend(handles=[*self.rule_lines.values(), self.nb9_one, self.nb9_sqrt, self.marker],
                                      loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=font_size(8),
                                      frameon=False)

    def update(self, n_branches=32, rule="a = 1 (no scaling)", seed=0):
        n_branches = int(round(n_branches))
        if n_branches > self.max_branches:
            raise ValueError(f"n_branches must be at most {self.max_branches}, got {n_branches}")
        alpha = stream_alpha(rule, n_branches)
        ms = prenorm_stream(n_branches, self.width, alpha, draws=self.draws(seed))
        layers = np.arange(n_branches + 1)
        theory = prenorm_mean_square(ms[0], alpha, layers)
        set_line(self.theory, layers[1:], theory[1:])          # a log axis: from branch 1 on (m_0 is in the message)
        legend_of(self.ax_l.get_legend(), [self.theory, self.sim], partial(self.ax_l.legend, **self.legend_style))
        self.sim.set_data(layers[1:], ms[1:])
        growth = ms[-1] / ms[0]
        self.marker.set_data([n_branches], [growth])
        self.ax_l.set_title(f"x ← x + a f(LayerNorm(x)),\n{rule}" + (f", a = {alpha:.3g}" if "sqrt" in rule else ""),
                            fontsize=font_size(9))
        self.ax_n.set_title(f"growth after N = {n_branches}:\nmeasured {growth:.3g} (star), theory {theory[-1] / ms[0]:.3g}",
                            fontsize=font_size(9))
        self.fig.suptitle(f"{counted(n_branches, 'residual branch', 'residual branches')} of width {self.width}, f(u) = relu(u W1) W2",
                          fontsize=font_size(11))
        message = (f"after {counted(n_branches, 'branch', 'branches')} the stream's mean square is {ms[-1]:.3g}, {growth:.3g} times "
                   f"its start m_0 = {ms[0]:.3g}; theory m_0 + N a² = {theory[-1]:.3g}.")
        drawn = {"layers": layers, "simulation": ms, "theory": theory, "marker": (n_branches, growth), "alpha": alpha}
        return Result(drawn, message, {"mean_square": ms})


# --------------------------------------------------------------------------- width scaling
def plot_lr_sweep(sweeps, fig=None):
    """Loss after training against learning rate, one curve per width, one axes per parametrisation (``sweeps``:
    a list of :class:`~winit_helpers.maths.width_scaling.Sweep`); a star at each width's best learning rate.
    Returns what it drew: parametrisation -> {"curves": {width: (lrs, mean loss)}, "best": {width: (lr, loss)}}."""
    fig = fig or plt.figure(figsize=(10, 3.8))
    axes = fig.subplots(1, len(sweeps), sharey=True)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.86, wspace=0.08)
    finite = np.concatenate([s.mean_loss[np.isfinite(s.mean_loss)] for s in sweeps])
    drawn = {}
    for ax, sweep in zip(np.atleast_1d(axes), sweeps):
        colors = plt.cm.viridis(np.linspace(0, 0.85, len(sweep.widths)))
        curves, best = {}, {}
        for width, losses, color in zip(sweep.widths, sweep.mean_loss, colors):
            ok = np.isfinite(losses)
            ax.plot(sweep.lrs[ok], losses[ok], "o-", ms=3.5, color=color, label=f"width {width}")
            i = int(np.argmin(losses))
            ax.plot([sweep.lrs[i]], [losses[i]], "*", ms=13, color=color, mec="black", mew=0.6)
            curves[int(width)] = (sweep.lrs[ok], losses[ok])
            best[int(width)] = (float(sweep.lrs[i]), float(losses[i]))
        log_axis(ax, "x")
        log_axis(ax, "y")
        ax.set_xlabel("learning rate (of the base width)")
        name = "standard parametrisation" if sweep.parametrisation == "standard" else "muP"
        ax.set_title(f"{name}: best lr " + ", ".join(f"{lr:g}" for lr, _ in best.values()), fontsize=font_size(9))
        drawn[sweep.parametrisation] = {"curves": curves, "best": best}
    first = np.atleast_1d(axes)[0]
    first.set_ylabel("training loss after the last step")
    first.set_ylim(finite.min() / 1.3, finite.max() * 1.3)
    first.legend(fontsize=font_size(8), loc="lower left", frameon=False)
    return drawn
