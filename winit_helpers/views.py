"""The figures and live views of notebooks 1 to 3: one neuron's fan-in, and deep linear stacks.

Each figure is a :class:`~winit_helpers.live.Panel` (draw once, update in place);
each ``explore_...`` function wires sliders to one and returns a live view.
``FanInPanel.plot(...)`` and ``DepthPanel.plot(...)`` draw the same figure once,
statically, for readers without a kernel.
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ._checks import check_positive_int
from .figures.base import Panel
from .live import LiveView, dropdown, int_slider, log_slider, register_view
from .style import font_size
from .maths.forward import LOG10_MAX, LOG10_MIN, fan_in_outputs, pow10_str, simulate
from .maths.theory import predicted_log10_std, predicted_output_std

THEORY = dict(color="black", linestyle="--", linewidth=1.5)
SIM_COLOR = "C0"
FLOAT_COLORS = {"float32": "C3", "float64": "C4"}


def _pow10_label(value, _position=None):
    """Tick label for an axis that holds log10 values: 98 -> 10^98."""
    return f"$10^{{{int(round(value))}}}$"


# --------------------------------------------------------------------------- notebook 1
@dataclass
class FanInResult:
    fan_in: int
    scale: float
    weights: str
    std: float            # measured std of the outputs
    predicted_std: float  # sqrt(fan_in * Var(w))
    message: str


class FanInPanel(Panel):
    """Left: histogram of X @ W with the predicted normal curve.  Right: output std against fan_in."""
    figsize = (10, 3.8)
    grid = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 4000)

    def draw(self):
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.88, wspace=0.28)
        self.ax_hist, self.ax_law = self.fig.subplots(1, 2)
        ax = self.ax_hist
        self.bars = ax.stairs(np.zeros(40), np.linspace(-1, 1, 41), fill=True, alpha=0.5,
                              color=SIM_COLOR, label="simulated outputs")
        (self.pdf,) = ax.plot([], [], **THEORY, label="predicted normal curve")
        ax.set_xlabel("output of one neuron, y = x @ w")
        ax.set_ylabel("density")
        ax.legend(loc="upper left", fontsize=font_size(8), frameon=False)
        ax = self.ax_law
        ax.set_xscale("log")
        ax.set_yscale("log")
        f = np.array(self.grid, dtype=float)
        (self.law,) = ax.plot(f, np.sqrt(f), **THEORY, label=r"theory: $\sqrt{\mathrm{fan\_in}\;\mathrm{Var}(w)}$")
        (self.points,) = ax.plot(f, np.sqrt(f), "o", color=SIM_COLOR, ms=5, label="simulated std")
        (self.current,) = ax.plot([1], [1], "o", color="C1", ms=11, mfc="none", mew=2.5,
                                  label="the slider's fan_in")
        ax.set_xlabel("fan_in (inputs per neuron)")
        ax.set_ylabel("std of the output")
        ax.legend(loc="upper left", fontsize=font_size(8), frameon=False)
        self._unit_stds = {}   # weights -> simulated std over the grid at scale 1

    def _grid_stds(self, weights, seed, n_samples, n_units):
        key = (weights, seed, n_samples, n_units)
        if key not in self._unit_stds:   # outputs are proportional to the scale: simulate once at scale 1
            self._unit_stds[key] = np.array([
                fan_in_outputs(f, 1.0, weights=weights, n_samples=n_samples, n_units=n_units,
                               seed=seed + k).std()
                for k, f in enumerate(self.grid)])
        return self._unit_stds[key]

    def update(self, fan_in=1000, scale=1.0, weights="normal", *, n_samples=300, n_units=30, seed=0):
        y = fan_in_outputs(fan_in, scale, weights=weights, n_samples=n_samples, n_units=n_units, seed=seed)
        std, predicted = float(y.std()), predicted_output_std(fan_in, scale, weights)
        edges = np.linspace(-4 * predicted, 4 * predicted, 41)
        counts, _ = np.histogram(np.clip(y, edges[0], edges[-1]), bins=edges, density=True)
        self.bars.set_data(counts, edges)
        x = np.linspace(edges[0], edges[-1], 200)
        self.pdf.set_data(x, np.exp(-0.5 * (x / predicted) ** 2) / (predicted * np.sqrt(2 * np.pi)))
        self.ax_hist.set_xlim(edges[0], edges[-1])
        self.ax_hist.set_ylim(0, 1.25 * max(counts.max(), 0.4 / predicted))
        self.ax_hist.set_title(f"fan_in = {fan_in}, w ~ {weights}: std {std:.3g} (predicted {predicted:.3g})",
                               fontsize=font_size(10))
        factor = predicted / np.sqrt(fan_in)   # sqrt(Var(w))
        grid = np.array(self.grid, dtype=float)
        self.law.set_ydata(np.sqrt(grid) * factor)
        self.points.set_ydata(self._grid_stds(weights, seed, n_samples, n_units) * scale)
        self.current.set_data([fan_in], [std])
        self.ax_law.set_xlim(0.7, 6000)
        self.ax_law.set_ylim(0.5 * factor, 120 * factor)
        self.ax_law.set_title(f"std grows like sqrt(fan_in); Var(w) = {factor ** 2:.3g}", fontsize=font_size(10))
        message = (f"fan_in = {fan_in}: measured std {std:.3g}, predicted sqrt(fan_in * Var(w)) = {predicted:.3g}. "
                   f"To bring it to 1, divide the weights by {predicted / scale:.3g}.")
        return FanInResult(fan_in, scale, weights, std, predicted, message)


@register_view
def explore_fan_in(seed=0):
    """Sliders for fan_in and the weight scale, and a choice of normal or uniform weights."""
    controls = {
        "fan_in": int_slider("fan_in", 1000, 1, 4000),
        "scale": log_slider("weight scale", 1.0, 0.001, 10.0),
        "weights": dropdown("weights", ["normal", "uniform"]),
    }
    return LiveView(FanInPanel(), controls, fixed={"seed": seed})


# --------------------------------------------------------------------------- notebooks 2 and 3
@dataclass
class DepthResult:
    depth: int
    width: int
    scale: float
    simulations: list          # one Simulation per seed
    predicted: np.ndarray      # log10 std of the linear theory, per layer
    message: str

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
        ax.yaxis.set_major_formatter(FuncFormatter(_pow10_label))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=7, integer=True))
        self.legend_handles = None
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
        self.ax.set_ylim(lo - pad, hi + pad)
        self.ax.set_xlim(0, depth + max(1, depth // 50))
        for (dtype, bound), (line, text) in self.limits.items():
            text.set_x(depth * 0.02)
        over64 = sims[0].overflow_layer("float64")
        under64 = sims[0].underflow_layer("float64")
        edge = over64 or under64
        self.marker.set_xdata([edge or 0, edge or 0])
        self.marker.set_visible(edge is not None)
        self.marker_text.set_x(edge or 0)
        self.marker_text.set_text(f"float64 {'overflows' if over64 else 'underflows'} at layer {edge} " if edge else "")
        growth = scale * np.sqrt(width)
        self.ax.set_title(f"depth {depth}, width {width}, scale {scale:.3g}: "
                          f"scale x sqrt(width) = {growth:.3g} per layer", fontsize=font_size(10))
        factors = 10.0 ** np.concatenate([np.diff(s.log10_std, prepend=0.0) for s in sims])
        lo_f, hi_f = min(factors.min(), growth), max(factors.max(), growth)
        edges = np.linspace(lo_f - 0.05 * (hi_f - lo_f) - 1e-3 * growth, hi_f + 0.05 * (hi_f - lo_f) + 1e-3 * growth, 26)
        counts, _ = np.histogram(factors, bins=edges)
        self.bars.set_data(counts, edges)
        self.ax_factor.set_xlim(edges[0], edges[-1])
        self.ax_factor.set_ylim(0, counts.max() * 1.15)
        self.factor_theory.set_xdata([growth, growth])
        self.ax_factor.set_title(f"each layer multiplies the std by about {growth:.3g}", fontsize=font_size(9))
        message = self._message(sims[0], predicted)
        if n_seeds < asked:
            message += f" (Showing {n_seeds} of {asked} seeds at this size, to keep the sliders responsive.)"
        return DepthResult(depth, width, scale, sims, predicted, message)

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


class FixPanel(DepthPanel):
    """The same figure, with the scale set by the rule: scale = multiplier / sqrt(width)."""

    def update(self, depth=100, width=100, multiplier=1.0, *, n_seeds=5, n_samples=500, seed=0):
        width = check_positive_int("width", width)
        result = super().update(depth, width, multiplier / np.sqrt(width), n_seeds=n_seeds,
                                n_samples=n_samples, seed=seed)
        self.ax.set_title(f"depth {depth}, width {width}, scale = {multiplier:.3g} / sqrt(width): "
                          f"{multiplier:.3g} per layer", fontsize=font_size(10))
        return result


@register_view
def explore_depth(seed=0):
    """Sliders for depth, width and the weight scale of a deep linear network."""
    controls = {
        "depth": int_slider("depth", 100, 1, 1000),
        "width": int_slider("width", 100, 2, 1000, continuous=False),
        "scale": log_slider("weight scale", 1.0, 0.001, 10.0),
    }
    return LiveView(DepthPanel(), controls, fixed={"seed": seed})


@register_view
def explore_fix(seed=0, n_seeds=5):
    """Sliders for depth, width and a multiplier around the rule scale = 1/sqrt(width)."""
    controls = {
        "depth": int_slider("depth", 100, 1, 1000),
        "width": int_slider("width", 100, 2, 1000, continuous=False),
        "multiplier": log_slider("scale x sqrt(width)", 1.0, 0.5, 2.0),
    }
    return LiveView(FixPanel(), controls, fixed={"seed": seed, "n_seeds": n_seeds})
