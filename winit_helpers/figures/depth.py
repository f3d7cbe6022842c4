"""The figure of notebook 2 (02_exploding_and_vanishing): the std of every layer of a deep linear network.

:class:`DepthPanel` draws, on the left, each layer's output std on a log axis
(drawn as log10, so 1e-1000 and 1e+1000 fit) with the theory line
(scale * sqrt(width))**k and the range of float32 and float64; on the right, the
histogram of the per-layer growth factors std_k / std_(k-1) with the factor the
theory predicts. Notebook 3's :class:`~winit_helpers.figures.fix.FixPanel` reuses it.
"""
from dataclasses import dataclass

import numpy as np

from .._checks import check_positive_int
from ..maths.forward import LOG10_MAX, LOG10_MIN, pow10_str, simulate
from ..maths.theory import growth_per_layer, predicted_log10_std
from ..style import font_size
from .base import SIM_COLOR, THEORY, Panel, steady_range
from .log_axes import log10_axis

FLOAT_COLORS = {"float32": "C3", "float64": "C4"}


@dataclass
class DepthResult:
    depth: int
    width: int
    scale: float
    simulations: list          # one Simulation per seed
    predicted: np.ndarray      # log10 std of the linear theory, per layer
    message: str
    drawn: dict                # every array and number the figure shows, by artist

    @property
    def log10_std(self):
        """Per-layer log10 std of the first seed's run."""
        return self.simulations[0].log10_std


class DepthPanel(Panel):
    """Left: std of every layer's output (log axis) with the theory line and float limits.

    Right: histogram of the per-layer growth factor std_k / std_(k-1), with its predicted value.
    """
    figsize = (10, 4)
    #: at most this many weights are drawn per redraw for the extra seeds (about 0.2 s), so the
    #: largest depth x width still redraws with one seed rather than freezing the slider
    weight_budget = 1.5e7

    def draw(self):
        self.fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.88, wspace=0.25)
        gs = self.fig.add_gridspec(1, 3)
        self.ax = self.fig.add_subplot(gs[0, :2])
        self.ax_factor = self.fig.add_subplot(gs[0, 2])
        ax = self.ax
        self.lines = []
        (self.theory,) = ax.plot([], [], **THEORY, label=r"theory: $(\mathrm{scale}\cdot\sqrt{\mathrm{width}})^{k}$",
                                 zorder=3)
        self.limits = {}
        for dtype, color in FLOAT_COLORS.items():
            for bound, table in (("max", LOG10_MAX), ("min", LOG10_MIN)):
                line = ax.axhline(table[dtype], color=color, linestyle=":", linewidth=1.2)
                text = ax.text(0, table[dtype], f" {dtype} {'overflows' if bound == 'max' else 'underflows'}",
                               color=color, fontsize=font_size(8), va="bottom" if bound == "max" else "top", clip_on=True)
                self.limits[dtype, bound] = (line, text)
        self.marker = ax.axvline(0, color=FLOAT_COLORS["float64"], linewidth=1, alpha=0.6)
        self.marker_text = ax.text(0, 0.5, "", transform=ax.get_xaxis_transform(), rotation=90, fontsize=font_size(8),
                                   color=FLOAT_COLORS["float64"], ha="right", va="center")
        ax.set_xlabel("layer k")
        ax.set_ylabel("std of layer k's output")
        log10_axis(ax.yaxis)
        axf = self.ax_factor
        self.bars = axf.stairs(np.zeros(25), np.linspace(0, 1, 26), fill=True, alpha=0.5, color=SIM_COLOR)
        self.factor_theory = axf.axvline(1, **THEORY)
        axf.set_xlabel("growth per layer: std$_k$ / std$_{k-1}$")
        axf.set_ylabel("layers")
        axf.set_title("each layer multiplies the std by about", fontsize=font_size(9))
        self._cache = {}   # (width, seed, n_samples) -> unit-scale Simulation with the most layers so far

    def _unit_run(self, depth, width, seed, n_samples):
        """The run at scale 1, reused: a change of scale only tilts it (Simulation.rescale)."""
        key = (width, seed, n_samples)
        cached = self._cache.get(key)
        if cached is None or cached.depth < depth:
            if len(self._cache) > 64:
                self._cache.clear()
            # half again as many layers as asked: a slider dragged a little deeper then costs nothing
            ahead = depth + depth // 2 if depth * width ** 2 <= self.weight_budget else depth
            self._cache[key] = cached = simulate(ahead, width, 1.0, n_samples=n_samples, seed=seed)
        return cached.head(depth)

    def _lines(self, n, rising=True):
        while len(self.lines) < n:
            (line,) = self.ax.plot([], [], color=SIM_COLOR, linewidth=2 if not self.lines else 1,
                                   alpha=1 if not self.lines else 0.55, zorder=2,
                                   label="simulation" if not self.lines else None)
            self.lines.append(line)
        for k, line in enumerate(self.lines):
            line.set_visible(k < n)
        if n > 1:
            self.lines[0].set_label(f"simulation, {n} seeds")
        self.ax.legend(loc="upper left" if rising else "upper right", fontsize=font_size(8), frameon=False)

    def update(self, depth=100, width=100, scale=1.0, *, n_seeds=1, n_samples=500, seed=0):
        depth = check_positive_int("depth", depth)
        n_seeds = check_positive_int("n_seeds", n_seeds)
        asked, n_seeds = n_seeds, max(1, min(n_seeds, int(self.weight_budget // (depth * width ** 2))))
        sims = [self._unit_run(depth, width, seed + k, n_samples).rescale(scale) for k in range(n_seeds)]
        predicted = predicted_log10_std(depth, width, scale)
        layers = sims[0].layers
        self._lines(n_seeds, rising=predicted[-1] >= 0)
        for line, sim in zip(self.lines, sims):
            line.set_data(layers, sim.log10_std)
        self.theory.set_data(layers, predicted)
        values = np.concatenate([predicted] + [s.log10_std for s in sims] + [[0.0]])
        lo, hi = values.min(), values.max()
        pad = max(0.5, 0.08 * (hi - lo))
        self.ax.set_ylim(steady_range(self.ax.get_ylim(), lo - pad, hi + pad, margin=0.05))
        self.ax.set_xlim(steady_range(self.ax.get_xlim(), 0, depth + max(1, depth // 50), floor=0, margin=0.05))
        for (dtype, bound), (line, text) in self.limits.items():
            text.set_x(depth * 0.02)
        over64 = sims[0].overflow_layer("float64")
        under64 = sims[0].underflow_layer("float64")
        edge = over64 or under64
        self.marker.set_xdata([edge or 0, edge or 0])
        self.marker.set_visible(edge is not None)
        self.marker_text.set_x(edge or 0)
        self.marker_text.set_text(f"float64 {'overflows' if over64 else 'underflows'} at layer {edge} " if edge else "")
        growth = float(growth_per_layer(width, scale))
        self.ax.set_title(f"depth {depth}, width {width}, scale {scale:.3g}: "
                          f"scale x sqrt(width) = {growth:.3g} per layer", fontsize=font_size(10))
        factors = 10.0 ** np.concatenate([np.diff(s.log10_std, prepend=0.0) for s in sims])
        lo_f, hi_f = min(factors.min(), growth), max(factors.max(), growth)
        edges = np.linspace(lo_f - 0.05 * (hi_f - lo_f) - 1e-3 * growth, hi_f + 0.05 * (hi_f - lo_f) + 1e-3 * growth, 26)
        counts, _ = np.histogram(factors, bins=edges)
        self.bars.set_data(counts, edges)
        self.ax_factor.set_xlim(steady_range(self.ax_factor.get_xlim(), edges[0], edges[-1]))
        self.ax_factor.set_ylim(steady_range(self.ax_factor.get_ylim(), 0, counts.max() * 1.15, floor=0))
        self.factor_theory.set_xdata([growth, growth])
        self.ax_factor.set_title(f"each layer multiplies the std by about {growth:.3g}", fontsize=font_size(9))
        message = self._message(sims[0], predicted)
        if n_seeds < asked:
            message += f" (Showing {n_seeds} of {asked} seeds at this size, to keep the sliders responsive.)"
        drawn = {"layers": layers, "simulations": [s.log10_std for s in sims], "theory": predicted,
                 "limits": {key: line.get_ydata()[0] for key, (line, _) in self.limits.items()},
                 "marker": edge, "factor_counts": counts, "factor_edges": edges, "factor_theory": growth,
                 "title": {"scale": scale, "growth": growth}}
        return DepthResult(depth, width, scale, sims, predicted, message, drawn)

    @staticmethod
    def _message(sim, predicted):
        last = sim.log10_std[-1]
        parts = [f"Layer {sim.depth}: std = {pow10_str(last)} (theory {pow10_str(predicted[-1])})."]
        for dtype in ("float32", "float64"):
            over, under = sim.overflow_layer(dtype), sim.underflow_layer(dtype)
            if over:
                parts.append(f"In {dtype} the activations would overflow to inf at layer {over}.")
            elif under:
                parts.append(f"In {dtype} the activations would underflow to 0 at layer {under}.")
        if len(parts) == 1:
            parts.append("Within float32's range all the way.")
        return " ".join(parts)
