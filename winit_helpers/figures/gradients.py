"""The figure of notebook 4 (04_gradients_and_fan_out): the signal going forward and the gradient coming back.

:class:`ForwardBackwardPanel` draws, for a network of any widths, the std of each
layer's pre-activations (left) and of dL/dz (right), each on a log axis with the
infinite-width theory. :data:`SHAPES` and :data:`INITS` are the networks and the
rules its drop-downs offer; notebook 7's
:class:`~winit_helpers.figures.frameworks.FrameworkPanel` reuses it.
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter, MaxNLocator

from .._checks import check_choice, check_positive_float
from ..maths.forward import run_stack
from ..maths.frameworks import FRAMEWORKS, InitRule
from ..maths.init import check_widths, layer_stds
from ..maths.theory import mean_field
from ..style import font_size
from .base import GRAD_COLOR, SIM_COLOR, THEORY, Panel
from .limits import log_limits_with_band, set_limits
from .log_axes import log_axis
from .stack_cache import DepthDrawCache

#: the initialisation rules the drop-down offers: label (it states Var(w)) -> rule
INITS = {
    "LeCun: 1 / fan_in": InitRule("lecun", "fan_in"),
    "LeCun, fan_out mode: 1 / fan_out": InitRule("lecun", "fan_out"),
    "Glorot: 2 / (fan_in + fan_out)": InitRule("glorot"),
    "He: 2 / fan_in": InitRule("he", "fan_in"),
    "He, fan_out mode: 2 / fan_out": InitRule("he", "fan_out"),
    "PyTorch nn.Linear: 1 / (3 fan_in)": InitRule("pytorch"),
    "unscaled N(0, 1)": InitRule("standard_normal"),
}

#: the network shapes the drop-down offers: label (it states the widths) -> widths
SHAPES = {
    "square: 500 x 6 layers": (500,) * 7,
    "funnel: 784 -> 512 -> ... -> 32 -> 10": (784, 512, 256, 128, 64, 32, 10),
    "expanding: 10 -> 32 -> ... -> 512 -> 784": (10, 32, 64, 128, 256, 512, 784),
}


@dataclass
class ForwardBackwardResult:
    widths: tuple
    init: str
    activation: str
    stats: object              # StackStats with the backward statistics
    theory: object             # MeanField of the same network
    message: str
    drawn: dict                # every array and number the figure shows, by artist


class ForwardBackwardPanel(Panel):
    """Left: std of each layer's pre-activations going forward.  Right: std of dL/dz coming back."""
    figsize = (10, 4)

    def draw(self):
        # the left margin grows with the font (the projector style's y tick labels, 0.0001, need the room)
        self.fig.subplots_adjust(left=0.075 * font_size(1.0), right=0.985, bottom=0.2, top=0.84,
                                 wspace=0.25)
        self.ax_f, self.ax_b = self.fig.subplots(1, 2)
        for ax, color, what in ((self.ax_f, SIM_COLOR, "forward: std of z$_k$ = h$_{k-1}$ W$_k$"),
                                (self.ax_b, GRAD_COLOR, "backward: std of dL/dz$_k$")):
            log_axis(ax)
            (line,) = ax.plot([], [], "o-", color=color, ms=4, label="simulation")
            (theory,) = ax.plot([], [], **THEORY, label="theory (infinitely wide)")
            ax.set_title(what, fontsize=font_size(10))
            # in the band kept free above the data (log_limits_with_band): it covers no point, wherever they are
            ax.legend(loc="upper center", ncol=2, fontsize=font_size(8), frameon=False)
            ax.grid(True, which="major", alpha=0.3)
            if ax is self.ax_f:
                self.f_line, self.f_theory = line, theory
            else:
                self.b_line, self.b_theory = line, theory
        self.heading = self.fig.text(0.02, 0.94, "", fontsize=font_size(11), weight="bold")
        self._cache = DepthDrawCache()     # a move of depth draws only the new layers

    def update(self, network="funnel: 784 -> 512 -> ... -> 32 -> 10", init="Glorot: 2 / (fan_in + fan_out)",
               activation="linear", multiplier=1.0, *, n_samples=100, seed=0):
        """``network`` is one of :data:`SHAPES` or a list of widths; ``init`` one of :data:`INITS` or of FRAMEWORKS."""
        if isinstance(network, str):
            network = SHAPES[check_choice("network", network, list(SHAPES))]
        widths = check_widths(network)
        rules = {**INITS, **FRAMEWORKS}
        rule = rules[check_choice("init", init, list(rules))]
        multiplier = check_positive_float("multiplier", multiplier)
        draws = self._cache.get(widths, rule.form, n_samples, seed)
        stats = run_stack(widths, rule.scheme, activation, mode=rule.mode, multiplier=multiplier, backward=True,
                          draws=draws, seed=seed)
        stds = layer_stds(widths, rule.scheme, mode=rule.mode, multiplier=multiplier)
        theory = mean_field(widths, stds, activation)
        layers = stats.layers
        square = len(set(widths)) == 1
        ticks = [f"{k}\n{a}\u2192{b}" for k, a, b in zip(layers, widths[:-1], widths[1:])]   # 784→512: short
        for ax, line, th, sim, pred in ((self.ax_f, self.f_line, self.f_theory, stats.z_std, theory.z_std),
                                        (self.ax_b, self.b_line, self.b_theory, stats.grad_z_std, theory.grad_z_std)):
            line.set_data(layers, sim)
            th.set_data(layers, pred)
            # fixed labels as a FixedFormatter (not set_xticks' labels): a live frame sees when they change
            if len(layers) <= 12 and not square:
                ax.xaxis.set_major_locator(FixedLocator(layers))
                ax.xaxis.set_major_formatter(FixedFormatter(ticks))
                ax.tick_params(axis="x", labelsize=font_size(7.5))
            else:
                ax.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True))
                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
                ax.tick_params(axis="x", labelsize=font_size(10))
            # whole decades that stay put while the data fill at least 15% of them (their span is often half a
            # decade): most moves, of the multiplier or between drop-down options, then redraw only the curves
            values = np.concatenate([sim, pred, [1.0]])
            set_limits(ax, x=(0.6, len(layers) + 0.4),
                       y=log_limits_with_band(ax, values[np.isfinite(values)], fill=0.15))
            ax.set_xlabel("layer k (fan_in \u2192 fan_out)" if len(layers) <= 12 and not square else "layer k")
        self.heading.set_text(f"{activation} layers, weights {init}" +
                              ("" if multiplier == 1 else f", times {multiplier:.3g}"))
        fwd = stats.z_std[-1] / stats.z_std[0]
        bwd = stats.grad_z_std[0] / stats.grad_z_std[-1]
        message = (f"Forward, the std changes x {fwd:.3g} from layer 1 to layer {stats.depth}; "
                   f"backward, the gradient at layer 1 is x {bwd:.3g} the one at layer {stats.depth}.")
        drawn = {"layers": layers, "forward": stats.z_std, "forward_theory": theory.z_std,
                 "backward": stats.grad_z_std, "backward_theory": theory.grad_z_std, "weight_stds": stds,
                 "message": {"forward": fwd, "backward": bwd}}
        return ForwardBackwardResult(widths, init, activation, stats, theory, message, drawn)
