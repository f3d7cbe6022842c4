"""The figure of notebook 5 (05_nonlinearities_and_gains): every layer's activations, and their std per layer.

:class:`HistogramPanel` draws, on the left, each layer's activations as a
histogram turned on its side ("violin", :func:`violin_xy`) and, on the right,
their std per layer on a log axis with the infinite-width theory (``mean_field``).
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Polygon
from matplotlib.ticker import MaxNLocator

from .._checks import check_positive_int
from ..maths.forward import Stopped, draw_network, draw_samples, run_stack
from ..maths.init import check_distribution, get_scheme, layer_stds
from ..maths.activations import SATURATED, activation_range
from ..maths.theory import mean_field
from ..style import font_size
from .base import MAX_DEPTH, SIM_COLOR, THEORY, Panel, counted, recent_ranges, steady_range
from .limits import depth_axis_end, log_limits_with_band, set_limits
from .log_axes import log_axis
from .stack_cache import DepthDrawCache


def violin_xy(position, counts, edges, skip_zero_bin=False, half_width=0.42):
    """The outline of a histogram turned on its side and mirrored, centred at x = ``position``.

    Returns an (n, 2) array for a matplotlib ``Polygon``.  ``skip_zero_bin`` scales the
    width by the other bins (for ReLU, whose first bin holds the half of the units at 0).
    """
    counts = np.asarray(counts, dtype=float)
    norm = counts[1:].max() if skip_zero_bin and counts.size > 1 else counts.max()
    half = half_width * np.repeat(np.minimum(counts / max(norm, 1.0), 1.0), 2)
    y = np.repeat(edges, 2)[1:-1]                      # a step outline
    return np.column_stack([np.concatenate([position + half, (position - half)[::-1]]),
                            np.concatenate([y, y[::-1]])])


def steady_depth_end(current, depth):
    """The right end of the layers' axis for ``depth`` layers: ``current`` while it holds them and is at most one
    rung of the depth ladder above the smallest that does (:func:`~.limits.depth_axis_end`), else that smallest."""
    end = depth_axis_end(depth)
    return current if end <= current <= depth_axis_end(end + 0.5) else end


#: a violin less tall than this share of the left axis's height looks flat, and the message says so
FLAT = 0.01


@dataclass
class HistogramResult:
    activation: str
    scheme: str
    depth: int
    width: int
    multiplier: float
    stats: object              # the StackStats of the run, with per-layer histograms
    theory_std: np.ndarray     # infinite-width prediction of each layer's activation std
    message: str
    drawn: dict                # every array and number the figure shows, by artist


class HistogramPanel(Panel):
    """Left: each layer's activations as a histogram on its side.  Right: their std per layer, with theory."""
    figsize = (10, 4.2)
    bins = 41

    def draw(self):
        # the left margin grows with the font: the projector style's y label needs the room
        self.fig.subplots_adjust(left=0.075 * font_size(1.0), right=0.985, bottom=0.13, top=0.86, wspace=0.45)
        # what is drawn, over the whole width: as a title of the left axes it would run into the right one's
        self.heading = self.fig.text(0.02, 0.95, "", fontsize=font_size(10))
        gs = self.fig.add_gridspec(1, 5)
        self.ax = self.fig.add_subplot(gs[0, :3])
        self.ax_std = self.fig.add_subplot(gs[0, 3:])
        self.violins = [self.ax.add_patch(Polygon(np.zeros((2, 2)), closed=True, facecolor=SIM_COLOR,
                                                  edgecolor="#0b3d66", linewidth=0.6, alpha=0.75))
                        for _ in range(MAX_DEPTH)]
        self.ax.axhline(0, color="grey", linewidth=0.6)
        self.ax.set_xlabel("layer")
        self.ax.set_ylabel("activation value")
        ax = self.ax_std
        log_axis(ax)
        (self.std_line,) = ax.plot([], [], "o-", color=SIM_COLOR, ms=3.5, label="simulation")
        (self.theory,) = ax.plot([], [], **THEORY, label="theory (infinitely wide)")
        ax.set_xlabel("layer")
        for axes in (self.ax, ax):                                   # layers are whole numbers
            axes.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
        # in the band kept free above the data (log_limits_with_band): it covers no point, wherever they are
        ax.legend(loc="upper center", fontsize=font_size(8), frameon=False)
        self._cache = DepthDrawCache()     # a move of depth draws only the new layers
        self._samples_key, self._samples = None, None

    def method(self, widths, distribution, n_samples):
        """How a run draws its layers: ``"samples"`` (each layer's output straight from its distribution given
        its input, see :class:`~winit_helpers.maths.forward.SampledWeights`) when the weights would be too many to
        keep (:class:`DrawCache`), are normal and outnumber the samples; else ``"weights"``."""
        n_weights = sum(a * b for a, b in zip(widths[:-1], widths[1:]))
        if n_weights > self._cache.max_elements and distribution == "normal" and n_samples < min(widths[:-1]):
            return "samples"
        return "weights"

    def _draws(self, widths, distribution, n_samples, seed, method):
        if method == "weights":
            # the layers not drawn yet are drawn on the other core while this one computes with those before them
            return self._cache.get(widths, distribution, n_samples, seed, ahead=MAX_DEPTH)
        key = (tuple(widths), n_samples, seed)
        if key != self._samples_key:       # few numbers (n_samples x width a layer): kept while the scale moves
            self._samples_key, self._samples = key, draw_samples(widths, n_samples=n_samples, seed=seed)
        return self._samples

    @staticmethod
    def _square_key(widths, scheme, n_samples, seed):
        """What :class:`DepthDrawCache` keeps the draws of a network by (its ``square_key``)."""
        return (widths[0], check_distribution(scheme, None), n_samples, seed)

    def _stats(self, activation, scheme, widths, multiplier, gain, n_samples, seed, *, aside=None):
        """(the run's per-layer statistics and histograms, the method), kept (:meth:`Panel.computed`).

        ``aside``: a look-ahead's stop event. A network whose draws the cache does not hold is then drawn apart, so
        that the cache keeps the draws of the figure shown (the numbers are ``draw_network``'s either way), and
        the drawing, and the run through the layers, stop when the event is set
        (:class:`~winit_helpers.maths.forward.Stopped`).
        """
        distribution = check_distribution(scheme, None)
        method = self.method(widths, distribution, n_samples)

        def compute():
            square = self._square_key(widths, scheme, n_samples, seed)
            if aside is not None and method == "weights" and self._cache.square_key not in (None, square):
                draws = draw_network(widths, distribution, n_samples=n_samples, seed=seed, stop=aside)
            else:
                draws = self._draws(widths, distribution, n_samples, seed, method)
            return run_stack(widths, scheme, activation, gain=gain, multiplier=multiplier, bins=self.bins,
                             draws=draws, method=method, stop=aside)

        key = ("stats", activation, scheme, widths, multiplier, gain, n_samples, seed, self.bins, method)
        return self.computed(key, compute), method

    def _theory(self, activation, scheme, widths, multiplier, gain):
        """The infinitely wide network's prediction for every layer (``mean_field``), kept (:meth:`Panel.computed`)."""
        return self.computed(("theory", widths, scheme, gain, multiplier, activation),
                             lambda: mean_field(widths, layer_stds(widths, scheme, gain=gain, multiplier=multiplier),
                                                activation))

    def prepare(self, stop, activation="tanh", scheme="lecun", depth=10, width=500, multiplier=1.0, *, gain=None,
                n_samples=100, seed=0):
        """Compute what ``update`` with these settings needs, and draw nothing (see :meth:`LiveView.look_ahead`)."""
        depth, width = int(depth), int(width)
        if 1 <= depth <= MAX_DEPTH and width >= 2:
            widths = (width,) * (depth + 1)
            try:
                self._stats(activation, scheme, widths, multiplier, gain, n_samples, seed, aside=stop)
            except Stopped:
                return
            self._theory(activation, scheme, widths, multiplier, gain)

    def update(self, activation="tanh", scheme="lecun", depth=10, width=500, multiplier=1.0, *,
               gain=None, n_samples=100, seed=0):
        depth = check_positive_int("depth", depth)
        if depth > MAX_DEPTH:
            raise ValueError(f"depth must be at most {MAX_DEPTH} for this figure, got {depth}")
        width = check_positive_int("width", width, minimum=2)
        widths = (width,) * (depth + 1)
        stats, method = self._stats(activation, scheme, widths, multiplier, gain, n_samples, seed)
        if method == "weights" and self._cache.square_key == self._square_key(widths, scheme, n_samples, seed):
            self._cache.prefetch(MAX_DEPTH)          # the deeper layers, drawn while the learner looks at this figure
        theory = self._theory(activation, scheme, widths, multiplier, gain)
        tops, outlines = [], []
        for k, poly in enumerate(self.violins):
            poly.set_visible(k < depth)
            if k >= depth:
                continue
            counts, edges = stats.h_hist[k]
            outlines.append(violin_xy(k + 1, counts, edges, skip_zero_bin=activation == "relu"))
            poly.set_xy(outlines[-1])
            tops.append(np.abs(edges).max())
        top = float(np.nanmax(np.where(np.isfinite(tops), tops, np.nan))) if np.isfinite(tops).any() else 1.0
        lowest, highest = activation_range(activation)
        if np.isfinite(lowest) and np.isfinite(highest):      # bounded (tanh, sigmoid, ...): show the whole range
            self.ax.set_ylim(1.05 * lowest if lowest < 0 else lowest - 0.05 * highest, 1.05 * highest)
        else:
            top = top if top > 0 else 1.0 / 1.05
            lo = -0.05 * top if lowest == 0 else -1.05 * top      # kept while the data move a little
            self.ax.set_ylim(steady_range(self.ax.get_ylim(), lo, 1.05 * top, fill=0.6, margin=0.0,
                                          recent=recent_ranges(self.ax, "y")))
        # the layers' axis ends on a rung of a ladder, so it stays put while depth moves within one step of it
        # (a live figure then redraws only what moved)
        set_limits(self.ax, x=(0.4, steady_depth_end(self.ax.get_xlim()[1], depth)))
        label = get_scheme(scheme).label
        times = "" if multiplier == 1 else f" x {multiplier:.3g}"
        self.heading.set_text(f"{activation}, {counted(depth, 'layer')} of {width}, weights {label}{times}")
        layers = stats.layers
        self.std_line.set_data(layers, stats.h_std)
        self.theory.set_data(layers, theory.h_std)
        # whole decades that stay put while the data move a little, with a band above them for the legend
        values = np.concatenate([stats.h_std, theory.h_std, [1.0]])
        set_limits(self.ax_std, x=self.ax.get_xlim(), y=log_limits_with_band(self.ax_std, values[np.isfinite(values)]))
        self.ax_std.set_title("the std of each layer's activations", fontsize=font_size(10))
        message = self._message(stats, activation) + self._flat_note(outlines, self.ax.get_ylim(), depth)
        if method == "samples":
            message += (f" With {depth} layers of {width} x {width} weights, the weights are not drawn: each layer's "
                        "output is drawn straight from its distribution given the layer's input, which gives the same "
                        "statistics in distribution.")
        drawn = {"method": method, "layers": layers, "simulation": stats.h_std, "theory": theory.h_std, "violins": outlines,
                 "ylim": self.ax.get_ylim()}
        return HistogramResult(activation, scheme, depth, width, multiplier, stats, theory.h_std, message, drawn)

    @staticmethod
    def _flat_note(outlines, ylim, depth):
        """A sentence when some violins are less than FLAT as tall as the left axis: all layers share one linear axis,
        so beside the tallest (an exploding signal's last layers, a collapsing one's first) they look flat."""
        tall = [np.ptp(outline[:, 1]) for outline in outlines]
        flat = sum(1 for t in tall if np.isfinite(t) and t < FLAT * (ylim[1] - ylim[0]))
        if depth < 2 or flat == 0:
            return ""
        share = f"{FLAT:.0%}"
        if flat == 1:
            which = f"one layer's violin of the {depth} is less than {share} as tall as the axis and looks flat"
        else:
            layers = "all layers" if flat == depth else f"{flat} of the {depth} layers"
            which = f"the violins of {layers} are less than {share} as tall as the axis and look flat"
        return f" On the left, all layers share one linear axis: {which}. The std on the right is on a log axis."

    @staticmethod
    def _message(stats, activation):
        first, last = stats.h_std[0], stats.h_std[-1]
        text = (f"Activation std: {first:.3g} at layer 1, {last:.3g} at layer {stats.depth}." if stats.depth > 1
                else f"Activation std: {first:.3g} at layer 1.")
        # tanh, sigmoid (bounded on both sides): said from a share that rounds to 10%
        if stats.saturated is not None and stats.saturated >= 0.095:
            lowest, highest = activation_range(activation)
            text += (f" About {100 * stats.saturated:.0f}% of the last layer's activations are saturated: within "
                     f"{SATURATED * (highest - lowest) / 2:.2g} of {lowest:g} or {highest:g}.")
        if last < 1e-3 * max(first, 1e-300):
            text += " The signal is collapsing towards 0."
        elif last > 1e3 * first:
            text += " The signal is exploding."
        return text
