"""The figure of notebook 1 (01_fan_in_variance): one neuron's output y = x @ w, and its std against fan_in.

:class:`FanInPanel` draws, on the left, the histogram of the outputs with the
normal curve the variance law predicts and, on the right, the measured std over a
grid of fan_in values with the law sqrt(fan_in * Var(w)). ``FanInPanel.plot(...)``
draws it once; :func:`winit_helpers.live.fan_in.explore_fan_in` wires sliders to it.
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import MaxNLocator

from ..maths.forward import fan_in_outputs
from ..maths.theory import fan_in_std, normal_pdf, predicted_output_std, weight_variance
from ..style import font_size
from .base import SIM_COLOR, THEORY, Panel, grown_margins, recent_ranges, steady_range
from .log_axes import log_axis


@dataclass
class FanInResult:
    fan_in: int
    scale: float
    weights: str
    std: float            # measured std of the outputs
    predicted_std: float  # sqrt(fan_in * Var(w))
    message: str
    drawn: dict           # every array and number the figure shows, by artist


class FanInPanel(Panel):
    """Left: histogram of X @ W with the predicted normal curve.  Right: output std against fan_in."""
    figsize = (10, 3.8)
    grid = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 4000)

    def draw(self):
        # the density's tick labels ("0.0020" at weight scale 10) need more room as the text grows
        grown_margins(self.fig, left=0.09, bottom=0.15, top=0.88, wspace=0.3)
        self.ax_hist, self.ax_law = self.fig.subplots(1, 2)
        ax = self.ax_hist
        self.bars = ax.stairs(np.zeros(40), np.linspace(-1, 1, 41), fill=True, alpha=0.5,
                              color=SIM_COLOR, label="simulated outputs")
        (self.pdf,) = ax.plot([], [], **THEORY, label="predicted normal curve")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))     # few ticks: labels such as -0.004 stay apart
        ax.set_xlabel("output of one neuron, y = x @ w")
        ax.set_ylabel("density")
        ax.legend(loc="upper left", fontsize=font_size(8), frameon=False)
        ax = self.ax_law
        log_axis(ax, "x")
        log_axis(ax, "y")
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
        """``fan_in`` may be given as a float: it is rounded to the nearest whole number."""
        if isinstance(fan_in, float) and np.isfinite(fan_in) and fan_in >= 0.5:
            fan_in = int(round(fan_in))
        y = fan_in_outputs(fan_in, scale, weights=weights, n_samples=n_samples, n_units=n_units, seed=seed)
        weight_var = weight_variance(scale, weights)
        std, predicted = float(y.std()), predicted_output_std(fan_in, scale, weights)
        # the bins span the axis, at least +-4 predicted stds; the axis stays put while the std changes a little
        # (a live figure then redraws only the bars and the curve); values beyond it count in the end bins
        xlim = steady_range(self.ax_hist.get_xlim(), -4 * predicted, 4 * predicted, fill=0.45, margin=0.15,
                            recent=recent_ranges(self.ax_hist, "x"))
        edges = np.linspace(xlim[0], xlim[1], 41)
        counts, _ = np.histogram(np.clip(y, edges[0], edges[-1]), bins=edges, density=True)
        self.bars.set_data(counts, edges)
        x = np.linspace(edges[0], edges[-1], 200)
        pdf = normal_pdf(x, predicted)
        self.pdf.set_data(x, pdf)
        self.ax_hist.set_xlim(xlim)
        self.ax_hist.set_ylim(steady_range(self.ax_hist.get_ylim(), 0, 1.25 * max(counts.max(), 0.4 / predicted),
                                           fill=0.45, margin=0.2, floor=0,
                                           recent=recent_ranges(self.ax_hist, "y")))
        self.ax_hist.set_title(f"fan_in = {fan_in}, w ~ {weights}: std {std:.3g} (predicted {predicted:.3g})",
                               fontsize=font_size(10), pad=font_size(9))
        grid = np.array(self.grid, dtype=float)
        law = fan_in_std(grid, weight_var)
        points = self._grid_stds(weights, seed, n_samples, n_units) * scale
        self.law.set_ydata(law)
        self.points.set_ydata(points)
        self.current.set_data([fan_in], [std])
        self.ax_law.set_xlim(0.7, 6000)
        w_std = np.sqrt(weight_var)
        # log10 limits from 0.5 to 120 weight stds, kept while the scale moves a little
        current = tuple(np.log10(self.ax_law.get_ylim()))
        lo, hi = steady_range(current, np.log10(0.5 * w_std), np.log10(120 * w_std), fill=0.7, margin=0.1,
                              recent=recent_ranges(self.ax_law, "y"))
        if (lo, hi) != current:                   # kept limits stay exact: no 10 ** log10 round trip
            self.ax_law.set_ylim(10.0 ** lo, 10.0 ** hi)
        self.ax_law.set_title(f"std grows like sqrt(fan_in); Var(w) = {weight_var:.3g}", fontsize=font_size(10),
                              pad=font_size(9))
        # dividing every weight by c divides the output's std by c: c = predicted brings it to 1
        message = (f"fan_in = {fan_in}: measured std {std:.3g}, predicted sqrt(fan_in * Var(w)) = {predicted:.3g}. "
                   f"To bring it to 1, divide the weights by {predicted:.3g}.")
        drawn = {"hist_counts": counts, "hist_edges": edges, "pdf_x": x, "pdf_y": pdf,
                 "law_x": grid, "law_y": law, "points_x": grid, "points_y": points,
                 "current": (fan_in, std), "title": {"std": std, "predicted": predicted, "weight_var": weight_var},
                 "divide_by": predicted}
        return FanInResult(fan_in, scale, weights, std, predicted, message, drawn)
