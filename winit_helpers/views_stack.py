"""The figures and live views of notebooks 4, 5 and 7: gradients, nonlinearities and framework defaults.

* :class:`HistogramPanel`: every layer's activations as a histogram ("violin"),
  and their std per layer against the infinite-width theory (notebook 5);
* :class:`ForwardBackwardPanel`: the std of the signal going forward and of the
  gradient coming back, per layer, for any widths (notebook 4);
* :class:`FrameworkPanel`: the same for a square stack initialised the way a
  framework does by default (notebook 7).

Each ``explore_...`` function wires sliders to one panel and returns a live view;
``SomePanel.plot(...)`` draws the same figure once, statically.
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Polygon
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from ._checks import check_choice, check_positive_float, check_positive_int
from .figures.base import Panel
from .live import LiveView, dropdown, int_slider, log_slider, register_view
from .style import font_size
from .maths.forward import draw_network, run_stack
from .maths.init import SCHEMES, check_distribution, check_widths, get_scheme, layer_stds
from .maths.theory import mean_field

THEORY = dict(color="black", linestyle="--", linewidth=1.5)
SIM_COLOR = "C0"
GRAD_COLOR = "C3"
MAX_DEPTH = 50
ACTIVATION_CHOICES = ["tanh", "relu", "linear", "sigmoid", "selu", "lecun_tanh"]

#: initialisations the drop-downs offer: label -> (scheme, mode, distribution)
INITS = {
    "LeCun: 1 / fan_in": ("lecun", "fan_in", None),
    "LeCun, fan_out mode: 1 / fan_out": ("lecun", "fan_out", None),
    "Glorot: 2 / (fan_in + fan_out)": ("glorot", None, None),
    "He: 2 / fan_in": ("he", "fan_in", None),
    "He, fan_out mode: 2 / fan_out": ("he", "fan_out", None),
    "PyTorch nn.Linear: 1 / (3 fan_in)": ("pytorch", None, None),
    "unscaled N(0, 1)": ("standard_normal", None, None),
}

#: what frameworks do for a dense layer by default (bias aside): label -> (scheme, mode, distribution)
FRAMEWORKS = {
    "PyTorch nn.Linear": ("pytorch", None, "uniform"),
    "Keras Dense (glorot_uniform)": ("glorot", None, "uniform"),
    "Flax Dense (lecun_normal)": ("lecun", "fan_in", "normal"),
    "He (kaiming_normal_, fan_in)": ("he", "fan_in", "normal"),
}

#: network shapes for notebook 4
SHAPES = {
    "square: 500 x 6 layers": (500,) * 7,
    "funnel: 784 -> 512 -> ... -> 32 -> 10": (784, 512, 256, 128, 64, 32, 10),
    "expanding: 10 -> 32 -> ... -> 512 -> 784": (10, 32, 64, 128, 256, 512, 784),
}


class _DrawCache:
    """The unit draws of the last network asked for, reused while only the scale or scheme changes."""
    max_elements = 13_000_000     # about 100 MB of float64; bigger networks are drawn afresh every time

    def __init__(self):
        self.key, self.draws = None, None

    def get(self, widths, distribution, n_samples, seed):
        key = (tuple(widths), distribution, n_samples, seed)
        if key == self.key:
            return self.draws
        draws = draw_network(widths, distribution, n_samples=n_samples, seed=seed)
        if sum(a * b for a, b in zip(widths[:-1], widths[1:])) <= self.max_elements:
            self.key, self.draws = key, draws
        return draws


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


def _log_axis(ax):
    """A log y-axis with plain labels (0.01, 1, 100, 1e+06) on whole decades only: easy to read, fast to draw."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, numticks=8))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_locator(NullLocator())           # no minor ticks: far fewer artists to draw


def _log_limits(ax, *arrays, floor_decades=1.0):
    """Set a log y-range that shows every finite positive value of ``arrays``."""
    values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    values = values[np.isfinite(values) & (values > 0)]
    if not values.size:
        values = np.array([1.0])
    lo, hi = np.log10(values.min()), np.log10(values.max())
    pad = max(floor_decades / 2, 0.08 * (hi - lo))
    ax.set_ylim(10 ** (lo - pad), 10 ** (hi + pad))
    # within a decade or two, label 1-2-5 steps (0.5, 1, 2) so the scale stays readable
    subs = (1.0, 2.0, 5.0) if hi - lo + 2 * pad < 2.5 else (1.0,)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=subs, numticks=8))


# --------------------------------------------------------------------------- notebook 5
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


class HistogramPanel(Panel):
    """Left: each layer's activations as a histogram on its side.  Right: their std per layer, with theory."""
    figsize = (10, 4.2)
    bins = 41

    def draw(self):
        self.fig.subplots_adjust(left=0.075, right=0.985, bottom=0.13, top=0.9, wspace=0.45)
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
        _log_axis(ax)
        (self.std_line,) = ax.plot([], [], "o-", color=SIM_COLOR, ms=3.5, label="simulation")
        (self.theory,) = ax.plot([], [], **THEORY, label="theory (infinitely wide)")
        ax.set_xlabel("layer")
        ax.legend(loc="best", fontsize=font_size(8), frameon=False)
        self._cache = _DrawCache()

    def update(self, activation="tanh", scheme="lecun", depth=10, width=500, multiplier=1.0, *,
               gain=None, n_samples=100, seed=0):
        depth = check_positive_int("depth", depth)
        if depth > MAX_DEPTH:
            raise ValueError(f"depth must be at most {MAX_DEPTH} for this figure, got {depth}")
        width = check_positive_int("width", width, minimum=2)
        widths = (width,) * (depth + 1)
        distribution = check_distribution(scheme, None)
        draws = self._cache.get(widths, distribution, n_samples, seed)
        stats = run_stack(widths, scheme, activation, gain=gain, multiplier=multiplier, bins=self.bins,
                          draws=draws)
        theory = mean_field(widths, layer_stds(widths, scheme, gain=gain, multiplier=multiplier), activation)
        tops = []
        for k, poly in enumerate(self.violins):
            poly.set_visible(k < depth)
            if k >= depth:
                continue
            counts, edges = stats.h_hist[k]
            poly.set_xy(violin_xy(k + 1, counts, edges, skip_zero_bin=activation == "relu"))
            tops.append(np.abs(edges).max())
        top = float(np.nanmax(np.where(np.isfinite(tops), tops, np.nan))) if np.isfinite(tops).any() else 1.0
        if activation in ("tanh", "sigmoid", "lecun_tanh"):
            bound = 1.7159 if activation == "lecun_tanh" else 1.0
            lo = -0.05 if activation == "sigmoid" else -1.05 * bound
            self.ax.set_ylim(lo, 1.05 * bound)
        else:
            lo = -0.05 * top if activation == "relu" else -1.05 * top
            self.ax.set_ylim(lo, 1.05 * top if top > 0 else 1.0)
        self.ax.set_xlim(0.4, depth + 0.6)
        label = get_scheme(scheme).label
        times = "" if multiplier == 1 else f" x {multiplier:.3g}"
        self.ax.set_title(f"{activation}, {depth} layer{'s' if depth != 1 else ''} of {width}, weights {label}{times}", fontsize=font_size(10))
        layers = stats.layers
        self.std_line.set_data(layers, stats.h_std)
        self.theory.set_data(layers, theory.h_std)
        self.ax_std.set_xlim(0.5, depth + 0.5)
        _log_limits(self.ax_std, stats.h_std, theory.h_std)
        self.ax_std.set_title("the std of each layer's activations", fontsize=font_size(10))
        message = self._message(stats, activation)
        return HistogramResult(activation, scheme, depth, width, multiplier, stats, theory.h_std, message)

    @staticmethod
    def _message(stats, activation):
        first, last = stats.h_std[0], stats.h_std[-1]
        text = f"Activation std: {first:.3g} at layer 1, {last:.3g} at layer {stats.depth}."
        counts, edges = stats.h_hist[-1]
        if activation in ("tanh", "lecun_tanh"):
            bound = 1.7159 if activation == "lecun_tanh" else 1.0
            outer = counts[(np.abs(edges[:-1]) > 0.9 * bound) | (np.abs(edges[1:]) > 0.9 * bound)].sum()
            share = outer / counts.sum()
            if share > 0.5:
                text += f" About {100 * share:.0f}% of the last layer's units are saturated near +-{bound:g}."
        if last < 1e-3 * max(first, 1e-300):
            text += " The signal is collapsing towards 0."
        elif last > 1e3 * first:
            text += " The signal is exploding."
        return text


@register_view
def explore_activation_histograms(seed=0):
    """Sliders for the activation, the scheme, depth, width and a multiplier on the weights."""
    controls = {
        "activation": dropdown("activation", ACTIVATION_CHOICES),
        "scheme": dropdown("weights", list(SCHEMES), "lecun"),
        "multiplier": log_slider("x multiplier", 1.0, 0.01, 10.0),
        "depth": int_slider("depth", 10, 1, MAX_DEPTH, continuous=False),
        "width": int_slider("width", 500, 10, 1000, step=10, continuous=False),
    }
    return LiveView(HistogramPanel(), controls, fixed={"seed": seed})


# --------------------------------------------------------------------------- notebooks 4 and 7
@dataclass
class ForwardBackwardResult:
    widths: tuple
    init: str
    activation: str
    stats: object              # StackStats with the backward statistics
    theory: object             # MeanField of the same network
    message: str


class ForwardBackwardPanel(Panel):
    """Left: std of each layer's pre-activations going forward.  Right: std of dL/dz coming back."""
    figsize = (10, 4)

    def draw(self):
        self.fig.subplots_adjust(left=0.075, right=0.985, bottom=0.2, top=0.84, wspace=0.25)
        self.ax_f, self.ax_b = self.fig.subplots(1, 2)
        for ax, color, what in ((self.ax_f, SIM_COLOR, "forward: std of z$_k$ = h$_{k-1}$ W$_k$"),
                                (self.ax_b, GRAD_COLOR, "backward: std of dL/dz$_k$")):
            _log_axis(ax)
            (line,) = ax.plot([], [], "o-", color=color, ms=4, label="simulation")
            (theory,) = ax.plot([], [], **THEORY, label="theory (infinitely wide)")
            ax.set_title(what, fontsize=font_size(10))
            ax.legend(loc="best", fontsize=font_size(8), frameon=False)
            ax.grid(True, which="major", alpha=0.3)
            if ax is self.ax_f:
                self.f_line, self.f_theory = line, theory
            else:
                self.b_line, self.b_theory = line, theory
        self.heading = self.fig.text(0.075, 0.94, "", fontsize=font_size(11), weight="bold")
        self._cache = _DrawCache()

    def update(self, network="funnel: 784 -> 512 -> ... -> 32 -> 10", init="Glorot: 2 / (fan_in + fan_out)",
               activation="linear", multiplier=1.0, *, n_samples=100, seed=0):
        """``network`` is one of :data:`SHAPES` or a list of widths."""
        if isinstance(network, str):
            network = SHAPES[check_choice("network", network, list(SHAPES))]
        widths = check_widths(network)
        check_choice("init", init, list(INITS) + list(FRAMEWORKS))
        scheme, mode, distribution = INITS.get(init) or FRAMEWORKS[init]
        distribution = check_distribution(scheme, distribution)
        multiplier = check_positive_float("multiplier", multiplier)
        draws = self._cache.get(widths, distribution, n_samples, seed)
        stats = run_stack(widths, scheme, activation, mode=mode, multiplier=multiplier, backward=True,
                          draws=draws, seed=seed)
        stds = layer_stds(widths, scheme, mode=mode, multiplier=multiplier)
        theory = mean_field(widths, stds, activation)
        layers = stats.layers
        square = len(set(widths)) == 1
        ticks = [f"{k}\n{a}->{b}" for k, a, b in zip(layers, widths[:-1], widths[1:])]
        for ax, line, th, sim, pred in ((self.ax_f, self.f_line, self.f_theory, stats.z_std, theory.z_std),
                                        (self.ax_b, self.b_line, self.b_theory, stats.grad_z_std, theory.grad_z_std)):
            line.set_data(layers, sim)
            th.set_data(layers, pred)
            if len(layers) <= 12 and not square:
                ax.set_xticks(layers, ticks, fontsize=font_size(8))
            else:
                ax.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True))
                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            ax.set_xlim(0.6, len(layers) + 0.4)
            _log_limits(ax, sim, pred, np.ones(1))
            ax.set_xlabel("layer k (fan_in -> fan_out)" if len(layers) <= 12 and not square else "layer k")
        self.heading.set_text(f"{activation} layers, weights {init}" +
                              ("" if multiplier == 1 else f", times {multiplier:.3g}"))
        fwd = stats.z_std[-1] / stats.z_std[0]
        bwd = stats.grad_z_std[0] / stats.grad_z_std[-1]
        message = (f"Forward, the std changes x {fwd:.3g} from layer 1 to layer {stats.depth}; "
                   f"backward, the gradient at layer 1 is x {bwd:.3g} the one at layer {stats.depth}.")
        return ForwardBackwardResult(widths, init, activation, stats, theory, message)


@register_view
def explore_forward_backward(seed=0):
    """Drop-downs for the network's shape, the initialisation and the activation; a multiplier slider."""
    controls = {
        "network": dropdown("network", list(SHAPES), "funnel: 784 -> 512 -> ... -> 32 -> 10"),
        "init": dropdown("weights", list(INITS), "Glorot: 2 / (fan_in + fan_out)"),
        "activation": dropdown("activation", ["linear", "tanh", "relu"]),
        "multiplier": log_slider("x multiplier", 1.0, 0.25, 4.0),
    }
    return LiveView(ForwardBackwardPanel(), controls, fixed={"seed": seed})


class FrameworkPanel(ForwardBackwardPanel):
    """The same figure for a square stack of ``depth`` layers of ``width``, initialised by a framework's default."""

    def update(self, framework="PyTorch nn.Linear", activation="relu", depth=10, width=256, *, n_samples=100,
               seed=0):
        check_choice("framework", framework, list(FRAMEWORKS))
        depth = check_positive_int("depth", depth)
        if depth > MAX_DEPTH:
            raise ValueError(f"depth must be at most {MAX_DEPTH} for this figure, got {depth}")
        width = check_positive_int("width", width)
        result = super().update((width,) * (depth + 1), framework, activation, n_samples=n_samples, seed=seed)
        scheme, mode, _ = FRAMEWORKS[framework]
        var = layer_stds((width, width), scheme, mode=mode)[0] ** 2 * width
        self.heading.set_text(f"{framework}, {depth} {activation} layer{'s' if depth != 1 else ''} of {width}: fan_in Var(w) = {var:.3g}")
        if depth > 1:
            per_layer = (result.stats.z_std[-1] / result.stats.z_std[0]) ** (2 / (depth - 1))
            result.message = (f"{framework} with {activation}: each layer multiplies the variance by about "
                              f"{per_layer:.3g}. " + result.message)
        return result


@register_view
def explore_framework_defaults(seed=0):
    """Drop-downs for a framework's default and the activation; sliders for depth and width."""
    controls = {
        "framework": dropdown("default of", list(FRAMEWORKS)),
        "activation": dropdown("activation", ["relu", "linear", "tanh"]),
        "depth": int_slider("depth", 10, 1, MAX_DEPTH, continuous=False),
        "width": int_slider("width", 256, 10, 1000, step=2, continuous=False),
    }
    return LiveView(FrameworkPanel(), controls, fixed={"seed": seed})
