"""The figures of notebook 9 (orthogonal weights, dynamical isometry, LSUV and residual networks).

* :class:`SpectrumPanel`: the input-output Jacobian's singular values, orthogonal against Gaussian weights,
  and the spread of their squares by depth with its theory (:func:`winit_helpers.isometry.jacobian_spread`);
* :class:`LSUVPanel`: the std LSUV measures at each layer, before and after LSUV, and how many rescalings each
  layer took;
* :class:`ResidualPanel`: the residual stream's mean square through depth, with the theory ``(1 + a^2)^l``
  for every rule of :data:`RESIDUAL_RULES`.

Every panel takes the seed as an ``update`` parameter, so ``Panel.plot(..., seed=SEED)`` draws the static
figure; each update returns what it drew (``result.drawn``).
"""
from concurrent.futures import wait
from dataclasses import dataclass
from functools import partial

import numpy as np
from matplotlib.ticker import MaxNLocator

from .._checks import check_positive_int
from ..maths import isometry as iso
from ..maths.forward import Stopped, propagate
from ..maths.theory import FIXUP, RESIDUAL_RULES, jacobian_setting, residual_alpha, residual_growth, tanh_saturation
from ..style import font_size
from .base import POOL, Panel, counted, grown_margins, legend_entry, legend_of
from .limits import LEGEND_BAND, depth_axis_end, limits_with_band, log_limits_with_band, set_limits

THEORY = dict(color="black", linestyle="--", linewidth=1.3)
SCHEME_COLORS = {"orthogonal": "C0", "gaussian": "C1"}
SV_BINS = np.linspace(-6.0, 2.0, 65)          # log10 singular value; smaller values are counted in the first bin


# --------------------------------------------------------------------------- dynamical isometry
@dataclass
class SpectrumResult:
    spreads: dict          # scheme -> measured spread after each layer
    singular_values: dict  # scheme -> singular values of the whole Jacobian
    theory: dict           # scheme -> predicted spread at this depth
    drawn: dict            # "histogram", "theory_line", "measured": scheme -> the drawn arrays; "setting": (sw, sb, q0)
    message: str


def _wrap(text, after):
    """``text`` on two lines, broken after the first ``after``, in a style whose text is larger than the default's
    (it would not fit on one; :func:`~.base.grown_margins` keeps room for the line); on one line in the default
    style."""
    return text.replace(after, after.rstrip() + "\n", 1) if font_size(1.0) > 1 else text


class SpectrumPanel(Panel):
    """The Jacobian's singular values (orthogonal and Gaussian weights, same network otherwise) and its spread by depth."""
    figsize = (10, 4.2)
    max_depth = 64

    #: the most memory the kept weight stacks may take (64 layers of 250 x 250 weigh 32 MB): several widths'
    #: worth, so stepping the width slider back and forth draws nothing twice
    kept_bytes = 400_000_000

    def __init__(self, fig=None):
        self._stacks = {}
        super().__init__(fig)

    def stack(self, width, scheme, seed):
        """The weights for this width and scheme (:class:`~winit_helpers.maths.isometry.WeightStack`), drawn as
        deep as asked so far: a shallower net uses the first layers, a deeper one draws only the new ones."""
        key = (width, scheme, seed)
        if key not in self._stacks:
            self._stacks[key] = iso.WeightStack(width, scheme, seed=seed + (scheme == "gaussian"),
                                                capacity=self.max_depth)
        self._stacks[key] = self._stacks.pop(key)          # the most recently used last
        while len(self._stacks) > 2 and sum(a.nbytes for a in self._stacks.values()) > self.kept_bytes:
            self._stacks.pop(next(iter(self._stacks)))      # the least recently used
        return self._stacks[key]

    @staticmethod
    def _measured(stack, depth, activation, sw, sb, q0, seed, stop=None):
        """The measured spread by depth and the last layer's singular values, for one scheme's weights."""
        return iso.jacobian_spread_by_depth(stack.layers(depth), activation, sw, sb, q0, seed=seed + 10, stop=stop)

    def _spectra(self, depth, width, activation, q_star, seed, stop=None):
        """:meth:`_measured` for each scheme of :data:`SCHEME_COLORS`, kept (:meth:`Panel.computed`; ``stop``: a
        look-ahead no longer wanted stops before the next layer, keeping nothing of this setting)."""
        sw, sb, q0 = jacobian_setting(activation, q_star)

        def compute():
            # the two schemes' networks are drawn and measured side by side, on the machine's two cores (each stack
            # has its own generator)
            stacks = [self.stack(width, scheme, seed) for scheme in SCHEME_COLORS]
            # both finish (or stop) before any result is taken: a stopped one must not outlive the look-ahead
            jobs = [POOL.submit(self._measured, stack, depth, activation, sw, sb, q0, seed, stop) for stack in stacks]
            wait(jobs)
            return [job.result() for job in jobs]

        return self.computed(("spectra", depth, width, activation, q_star, seed), compute)

    def prepare(self, stop, depth=16, width=100, activation="tanh", q_star=0.1, seed=0):
        """Compute what ``update`` with these settings needs, and draw nothing (see :meth:`LiveView.look_ahead`)."""
        try:
            self._spectra(int(depth), int(width), activation, q_star, seed, stop)
        except Stopped:
            return

    def draw(self):
        grown_margins(self.fig, left=0.07, bottom=0.13, top=0.88, wspace=0.25, extra_top_lines=2, extra_bottom_lines=1)
        self.ax_sv, self.ax_sp = self.fig.subplots(1, 2)
        self.stairs, self.theory_lines, self.dots = {}, {}, {}
        for scheme, color in SCHEME_COLORS.items():
            self.stairs[scheme] = self.ax_sv.stairs(np.zeros(len(SV_BINS) - 1), SV_BINS, color=color, linewidth=1.8,
                                                    label=f"{scheme} weights")
            # the theory is the infinitely wide network's: a width-n one's spread cannot pass n - 1 (see update)
            (self.theory_lines[scheme],) = self.ax_sp.plot([], [], **{**THEORY, "color": color},
                                                           label=f"{scheme}: theory (infinitely wide)")
            (self.dots[scheme],) = self.ax_sp.plot([], [], "o", color=color, ms=3.5, label=f"{scheme}: measured")
        self.ax_sv.axvline(0.0, color="black", linewidth=0.8, linestyle=":")
        self.ax_sv.set_xlabel(_wrap("log10 singular value of the Jacobian (0 = length kept; left edge: 1e-6 or less)",
                                    "Jacobian "))
        self.ax_sv.set_ylabel("fraction of singular values")
        self.ax_sv.set_xlim(SV_BINS[0], SV_BINS[-1])
        self.ax_sv.legend(fontsize=font_size(8), loc="upper left", frameon=False, ncol=2 if font_size(1.0) == 1 else 1)
        self.ax_sp.set_xlabel("depth (layers)")
        self.ax_sp.set_ylabel("spread Var(λ) / mean(λ)²,  λ = s²")
        self.ax_sp.legend(fontsize=font_size(8), loc="upper left", frameon=False, ncol=1)
        self.ax_sp.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))         # depths are whole numbers

    def update(self, depth=16, width=100, activation="tanh", q_star=0.1, seed=0):
        depth, width = int(depth), int(width)
        sw, sb, q0 = jacobian_setting(activation, q_star)
        spreads, svs, theory, hist, lines = {}, {}, {}, {}, {}
        layers = np.arange(1, depth + 1)
        top = 1.0
        measured = self._spectra(depth, width, activation, q_star, seed)
        for scheme, (sp, sv) in zip(SCHEME_COLORS, measured):
            spreads[scheme], svs[scheme] = sp, sv
            logs = np.clip(np.log10(np.maximum(sv, 1e-300)), SV_BINS[0], SV_BINS[-1] - 1e-9)
            hist[scheme] = np.histogram(logs, SV_BINS)[0] / width
            self.stairs[scheme].set_data(hist[scheme])
            lines[scheme] = layers * iso.jacobian_spread(1, activation, scheme, q0)     # the theory is linear in depth
            theory[scheme] = lines[scheme][-1]
            self.theory_lines[scheme].set_data(layers, lines[scheme])
            self.dots[scheme].set_data(layers, sp)
            top = max(top, np.nanmax(sp), lines[scheme].max())
        # steady limits, the top quarter kept free for the legends
        set_limits(self.ax_sv, y=limits_with_band(self.ax_sv, 0.0, max(h.max() for h in hist.values()), floor=0.0))
        set_limits(self.ax_sp, x=(0, depth_axis_end(depth, self.ax_sp.get_xlim()[1] - 0.5) + 0.5),
                   # its legend's four rows: a taller band in a larger style
                   y=limits_with_band(self.ax_sp, 0.0, top, band=LEGEND_BAND * font_size(1.0) ** 2.5, floor=0.0))
        where = {"tanh": f"tanh on the edge of chaos, q* = {q0:.3g} (σ_w = {sw:.3f}, σ_b = {sb:.3f})",
                 "relu": f"ReLU, He scale σ_w = √2 = {sw:.3f}", "linear": f"linear, σ_w = {sw:g}"}[activation]
        self.fig.suptitle(_wrap(f"input-output Jacobian of {counted(depth, 'layer')} of width {width}: {where}", ": "),
                          fontsize=font_size(11))
        self.ax_sv.set_title("its singular values (one network)", fontsize=font_size(10))
        self.ax_sp.set_title(_wrap("spread of the squared singular values by depth", "singular "),
                             fontsize=font_size(10))
        # n eigenvalues have Var / mean² at most n - 1, reached with all the length in one direction: the theory's
        # line, linear in depth, leaves any finite width behind
        message = ("spread of J Jᵀ's eigenvalues at this depth: " + "; ".join(
            f"{s} {spreads[s][-1]:.3g} (theory {theory[s]:.3g})" for s in SCHEME_COLORS)
            + f". 0 is perfect isometry. The theory is for infinitely wide layers: at width {width} the spread "
              f"cannot exceed {width - 1}.")
        drawn = {"layers": layers, "histogram": hist, "theory_line": lines, "measured": spreads,
                 "setting": (sw, sb, q0)}
        return SpectrumResult(spreads, svs, theory, drawn, message)


# --------------------------------------------------------------------------- LSUV
@dataclass
class LSUVView:
    before: np.ndarray      # std of each layer's pre-activations x @ W with the start weights
    after: np.ndarray       # the same after LSUV
    lsuv: iso.LSUVResult
    saturated: float        # fraction of tanh units with |tanh(h)| > 0.99 after LSUV (0 for relu)
    #: "layers"; "measured_before", "measured_after": the curves drawn, the std of what LSUV measures (x @ W, or
    #: activation(x @ W) with measure "post"); "before", "after" (x @ W, as above); "target", "iterations", "converged"
    drawn: dict
    message: str
    measured_before: np.ndarray = None   # std of what LSUV measures at each layer, start weights (drawn)
    measured_after: np.ndarray = None    # the same after LSUV (drawn): the quantity that meets the target


class LSUVPanel(Panel):
    """Per-layer std of what LSUV measures, before and after LSUV, and how many rescalings each layer took."""
    figsize = (10, 4)
    input_std = 3.0       # raw, unnormalised data: LSUV does not care
    target = 1.0          # the std LSUV aims for

    max_depth = 30        # the live view's deepest network

    def __init__(self, fig=None, n_samples=500):
        self.n_samples, self._cache, self._runs = n_samples, {}, {}
        super().__init__(fig)

    def _computed(self, depth, width, activation, measure, start, tol, max_iter, seed, stop=None):
        """``(LSUV result, stds before, stds after)`` for ``depth`` layers (``stop``: see :func:`iso.lsuv`); each stds
        array has two rows, the std of x @ W and of activation(x @ W) at every layer.

        LSUV goes layer by layer and each layer's scale depends only on the layers before it, so the first l layers
        of a deeper run are the run of l layers: the deepest computed for the last few settings is kept and cut, and
        moving the depth down (or back and forth) computes nothing. Moving it up goes on from the kept run's last
        layer, with its output batch: only the new layers are rescaled, to the same numbers as a run from scratch.
        """
        key = (width, activation, measure, start, tol, max_iter, seed)
        if key in self._runs:
            self._runs[key] = self._runs.pop(key)             # the most recently used last
        if key not in self._runs or self._runs[key][0] < depth:
            x, w = self.data(width, start, depth, seed)
            kept = self._runs.get(key)
            if kept is None:
                result = iso.lsuv(w, x, activation, tol=tol, max_iter=max_iter, measure=measure, stop=stop)
            else:
                done = kept[1]
                more = iso.lsuv(w[kept[0]:], done.output, activation, tol=tol, max_iter=max_iter, measure=measure,
                                stop=stop)
                result = iso.LSUVResult(*(np.concatenate([getattr(done, f), getattr(more, f)])
                                          for f in ("weights", "iterations", "std", "converged")), more.output)
            before, after = (self._stds(x, weights, activation) for weights in (w, result.weights))
            self._runs.pop(key, None)
            self._runs[key] = (depth, result, before, after)
            while len(self._runs) > 8:
                self._runs.pop(next(iter(self._runs)))
        full, result, before, after = self._runs[key]
        if full == depth:
            return result, before, after
        cut = iso.LSUVResult(result.weights[:depth], result.iterations[:depth], result.std[:depth],
                             result.converged[:depth])
        return cut, before[:, :depth], after[:, :depth]

    @staticmethod
    def _stds(x, weights, activation):
        """Rows: the std of x @ W and of activation(x @ W) at each layer, the two quantities LSUV may measure."""
        stats = propagate(x, list(weights), activation)
        return np.stack([stats.z_std, stats.h_std])

    def _lsuv(self, depth, width, activation, measure, start, tol, max_iter, seed, stop=None):
        """:meth:`_computed` and the share of saturated tanh units after LSUV (0 for other activations)."""
        result, before, after = self._computed(depth, width, activation, measure, start, tol, max_iter, seed, stop)
        if activation != "tanh":
            return result, before, after, 0.0
        saturated = self.computed(("saturated", depth, width, measure, start, tol, max_iter, seed),
                                  lambda: tanh_saturation(result.weights, self.data(width, start, depth, seed)[0]))
        return result, before, after, saturated

    def prepare(self, stop, depth=10, width=100, activation="tanh", measure="pre", start="orthogonal", tol=0.01,
                max_iter=20, seed=0):
        """Compute what ``update`` with these settings needs, and draw nothing (see :meth:`LiveView.look_ahead`)."""
        depth, width = int(depth), int(width)
        if 1 <= depth <= self.max_depth:
            try:        # a look-ahead no longer wanted stops within a rescaling, keeping nothing of this setting
                self._lsuv(depth, width, activation, measure, start, tol, max_iter, seed, stop)
            except Stopped:
                return

    def data(self, width, scheme, depth, seed):
        """The input batch and the start weights: drawn once per width, scheme and seed, the matrices as deep as
        asked so far (a deeper net draws only its new layers, on from the same generator: a shallower net uses the
        first layers of a deeper one)."""
        key = (width, scheme, seed)
        if key not in self._cache:
            rng = np.random.default_rng(seed)
            x = self.input_std * rng.standard_normal((self.n_samples, width))
            self._cache[key] = (x, iso.WeightStack(width, scheme, seed=rng, capacity=max(depth, self.max_depth)))
        x, stack = self._cache[key]
        return x, stack.layers(depth)

    def draw(self):
        grown_margins(self.fig, left=0.07, bottom=0.13, top=0.88, wspace=0.25, extra_top_lines=1, extra_left_lines=1)
        self.ax_std, self.ax_it = self.fig.subplots(1, 2)
        ax = self.ax_std
        (self.before,) = ax.plot([], [], "o-", color="C7", ms=4, label="start weights")
        (self.after,) = ax.plot([], [], "o-", color="C2", ms=4, label="after LSUV")
        self.target_line = ax.axhline(self.target, **THEORY, label=f"target std {self.target:g}")
        ax.set_yscale("log")
        ax.set_xlabel("layer")
        ax.legend(fontsize=font_size(8), loc="upper center", frameon=False, ncol=3 if font_size(1.0) == 1 else 2)
        # one bar per possible layer, made once: an update sets heights and colours and hides the bars past the depth
        # (bars made afresh on every move would force the whole figure to be drawn again)
        self.bars = self.ax_it.bar(np.arange(1, self.max_depth + 1), np.zeros(self.max_depth), color="C2", width=0.7)
        self.ax_it.set_xlabel("layer")
        self.ax_it.set_ylabel("rescalings LSUV needed")
        for ax in (self.ax_std, self.ax_it):
            ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))       # layers are whole numbers

    def update(self, depth=10, width=100, activation="tanh", measure="pre", start="orthogonal", tol=0.01, max_iter=20,
               seed=0):
        depth, width = int(depth), int(width)
        if not 1 <= depth <= self.max_depth:
            raise ValueError(f"depth must be between 1 and {self.max_depth} for this figure, got {depth}")
        result, stds_before, stds_after, saturated = self._lsuv(depth, width, activation, measure, start, tol,
                                                                max_iter, seed)
        (before, post_before), (after, post_after) = stds_before, stds_after
        # the curves show what LSUV measured, the quantity the target applies to
        measured_before, measured_after = (before, after) if measure == "pre" else (post_before, post_after)
        layers = np.arange(1, depth + 1)
        self.before.set_data(layers, measured_before)
        self.after.set_data(layers, measured_after)
        measured = "the layer's output x @ W" if measure == "pre" else f"{activation}(x @ W), what LSUV measured"
        self.ax_std.set_ylabel(_wrap(f"std of {measured}", ", "))
        set_limits(self.ax_std, x=(0, depth_axis_end(depth, self.ax_std.get_xlim()[1] - 0.5) + 0.5),
                   y=log_limits_with_band(self.ax_std, np.concatenate([measured_before, measured_after,
                                                                       [self.target]])))
        for k, bar in enumerate(self.bars):
            shown = k < depth
            if bar.get_visible() != shown:
                bar.set_visible(shown)
            if shown:
                color = "C2" if result.converged[k] else "C3"
                if bar.get_height() != result.iterations[k]:
                    bar.set_height(result.iterations[k])
                if bar.get_label() != color:          # the label remembers the colour: no setter call when unchanged
                    bar.set_facecolor(color)
                    bar.set_label(color)
        set_limits(self.ax_it, x=(0, depth_axis_end(depth, self.ax_it.get_xlim()[1] - 0.5) + 0.5), y=(0, max_iter + 1))
        self.ax_it.set_title("green: |var - 1| < tol reached; red: never", fontsize=font_size(10))
        where = "x @ W, before the activation" if measure == "pre" else f"{activation}(x @ W), after the activation"
        self.fig.suptitle(_wrap(f"LSUV on {depth} {activation} layers of width {width}, {start} start, "
                                f"measuring {where}", "start, "), fontsize=font_size(11))
        self.ax_std.set_title(f"input std {self.input_std:g}, {self.n_samples} samples", fontsize=font_size(10))
        if result.converged.all() and measure == "pre":
            message = (f"every layer reached variance 1 within {tol:g}, in at most {result.iterations.max()} "
                       f"rescaling(s); layer outputs now have std {after.min():.3f} to {after.max():.3f}.")
        elif result.converged.all():
            # LSUV scaled the activation's output to the target; x @ W, before it, has another std (about 1.7 for
            # relu: std(relu(h)) = 0.58 std(h) for a Gaussian h)
            message = (f"every layer's {activation}(x @ W) reached variance 1 within {tol:g}, in at most "
                       f"{result.iterations.max()} rescaling(s): it now has std {post_after.min():.3f} to "
                       f"{post_after.max():.3f} (plotted); x @ W, before the activation, has std {after.min():.3f} "
                       f"to {after.max():.3f}.")
        else:
            message = (f"{(~result.converged).sum()} of {depth} layers never reached variance 1 in {max_iter} "
                       f"rescalings: " + ("" if measure == "pre" else
                                          f"{activation}(x @ W) got no further than std {post_after.max():.3f} "
                                          f"(plotted) while ")
                       + f"the weights grew until the pre-activations have std up to {after.max():.3g}"
                       + (f" and {saturated:.0%} of the tanh units are saturated (|tanh| > 0.99)." if activation == "tanh"
                          else "."))
        drawn = {"layers": layers, "measured_before": measured_before, "measured_after": measured_after,
                 "before": before, "after": after, "target": self.target, "iterations": result.iterations,
                 "converged": result.converged}
        return LSUVView(before, after, result, saturated, drawn, message, measured_before, measured_after)


# --------------------------------------------------------------------------- residual networks
RULE_COLORS = dict(zip(RESIDUAL_RULES, ("C3", "C1", "C2", "C0", "C4")))


@dataclass
class ResidualResult:
    mean_square: np.ndarray   # measured, layer 0 .. depth
    theory: np.ndarray        # mean_square[0] (1 + a^2)^l (constant for Fixup)
    alpha: float
    drawn: dict               # "layers", "theory", "simulation", "marker" (depth, growth drawn), "growth" (measured)
    message: str


#: the theory line's label in the residual figure: the growth (1 + a²)^l, and under Fixup (W2 = 0) 1, no growth
RESIDUAL_THEORY, FIXUP_THEORY = "theory (1 + a²)^l", "theory: 1 (Fixup)"

#: the room right of the residual figure's axes for the rules' legend in a larger style, in inches at the default
#: text size (grown with it)
RESIDUAL_LEGEND_INCHES = 1.85


class ResidualPanel(Panel):
    """Mean square of the residual stream through depth, and the theory's final growth against depth for every rule."""
    figsize = (10, 4)
    max_depth = 100
    top = 1e8             # the right panel's ceiling: fixed-a lines leave it, the bounded rules stay readable

    def __init__(self, fig=None, n_samples=100):
        self.n_samples = n_samples
        super().__init__(fig)

    def draw(self):
        large = font_size(1.0) > 1
        # in a larger style the rules' legend stands right of the axes, as large as the other legends (inside, it
        # would cover the steep lines)
        grown_margins(self.fig, left=0.09, bottom=0.13, top=0.88, wspace=0.27 + 0.05 * large, extra_top_lines=2,
                      right=1 - RESIDUAL_LEGEND_INCHES * font_size(1.0) / self.fig.get_figwidth() if large else 0.98)
        self.ax_l, self.ax_d = self.fig.subplots(1, 2)
        (self.theory,) = self.ax_l.plot([], [], **THEORY, label=RESIDUAL_THEORY)
        (self.sim,) = self.ax_l.plot([], [], "o", color="C7", ms=3.5, label="simulation")
        self.ax_l.set_yscale("log")
        self.ax_l.set_xlabel("block l")
        self.ax_l.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))      # blocks are whole numbers
        self.ax_l.set_ylabel("mean square of x_l")
        # in a larger style the narrower axes hold the two entries one above the other, in the empty upper left
        self.left_legend = dict(fontsize=font_size(8), loc="upper left" if large else "upper center", frameon=False,
                                ncol=1 if large else 2)
        self.ax_l.legend(**self.left_legend)
        depths = np.arange(1, self.max_depth + 1)
        self.rule_lines = {}
        for rule in RESIDUAL_RULES:
            a = np.array([residual_alpha(rule, L) for L in depths])
            (self.rule_lines[rule],) = self.ax_d.plot(depths, residual_growth(a, depths, zero_last=rule == FIXUP),
                                                      color=RULE_COLORS[rule], label="Fixup" if rule == FIXUP else rule)
        self.ax_d.axhline(np.e, color="black", linewidth=0.8, linestyle=":", label="e = limit of (1 + 1/L)^L")
        (self.marker,) = self.ax_d.plot([], [], "*", color="black", ms=12, label="this network, measured")
        self.ax_d.set_yscale("log")
        self.ax_d.set_ylim(0.5, self.top * 3)       # the top tick label inside the axes, clear of the title
        self.ax_d.set_xlabel("depth L (blocks)")
        self.ax_d.set_ylabel(_wrap("growth of the mean square after L blocks", "square "))
        if large:
            self.ax_d.legend(fontsize=font_size(8), loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False,
                             labelspacing=0.3)
        else:
            self.ax_d.legend(fontsize=font_size(7), loc="lower right", bbox_to_anchor=(1.0, 0.1), frameon=False, ncol=2)

    def _stream(self, depth, width, rule, seed, stop=None):
        """The residual stream's mean square at every block (:func:`~winit_helpers.maths.isometry.residual_stream`),
        kept (:meth:`Panel.computed`; ``stop``: see there)."""
        alpha = residual_alpha(rule, depth)
        return self.computed(("stream", depth, width, alpha, rule == FIXUP, self.n_samples, seed),
                             lambda: iso.residual_stream(depth, width, alpha, n_samples=self.n_samples, seed=seed,
                                                         zero_last=rule == FIXUP, stop=stop))

    def prepare(self, stop, depth=50, width=100, rule="a = 1", seed=0):
        """Compute what ``update`` with these settings needs, and draw nothing (see :meth:`LiveView.look_ahead`)."""
        try:        # a look-ahead no longer wanted stops before the next block, keeping nothing of this setting
            self._stream(int(depth), int(width), rule, seed, stop)
        except Stopped:
            return

    def update(self, depth=50, width=100, rule="a = 1", seed=0):
        depth, width = check_positive_int("depth", depth), check_positive_int("width", width, minimum=2)
        if depth > self.max_depth:
            raise ValueError(f"depth must be at most {self.max_depth} blocks here (the right panel draws every rule "
                             f"up to {self.max_depth}), got {depth}; choose a depth from 1 to {self.max_depth}")
        alpha = residual_alpha(rule, depth)
        fixup = rule == FIXUP
        ms = self._stream(depth, width, rule, seed)
        layers = np.arange(depth + 1)
        theory = ms[0] * residual_growth(alpha, layers, zero_last=fixup)
        self.theory.set_data(layers, theory)
        self.sim.set_data(layers, ms)
        self.theory.set_label(FIXUP_THEORY if fixup else RESIDUAL_THEORY)
        legend_of(self.ax_l.get_legend(), [self.theory, self.sim], partial(self.ax_l.legend, **self.left_legend))
        # steady limits (whole decades, the depth axis on a ladder), the top quarter kept free for the legend
        set_limits(self.ax_l, x=(-0.5, depth_axis_end(depth, self.ax_l.get_xlim()[1])),
                   y=log_limits_with_band(self.ax_l, np.concatenate([ms, theory])))
        # in a larger style Fixup's long name would run into the next axes: the same rule, in the suptitle's terms
        named = "Fixup: a = 1, W2 = 0" if fixup and font_size(1.0) > 1 else rule
        self.ax_l.set_title(_wrap(f"x_l = x_(l-1) + a f(x_(l-1)), {named}" + (f" = {alpha:.3g}" if "L" in rule else ""),
                                  "), "), fontsize=font_size(10))
        growth = ms[-1] / ms[0]
        off_chart = growth >= self.top / 1.5
        marker = (depth, min(growth, self.top / 1.5))
        self.marker.set_data([marker[0]], [marker[1]])
        # off the chart: a triangle at the top points up to it; the legend and the title name the shape drawn
        shape, symbol = ("triangle", "^") if off_chart else ("star", "*")
        for artist in (self.marker, legend_entry(self.ax_d.get_legend(), self.marker)):
            if artist.get_marker() != symbol:
                artist.set_marker(symbol)
        self.ax_d.set_title(_wrap(f"theory per rule; {shape}: measured {growth:.3g}"
                                  + (" (off the chart)" if off_chart else ""), ": "), fontsize=font_size(10))
        w2 = "W2 = 0 (Fixup)" if fixup else "W2 std 1/sqrt(n)"
        self.fig.suptitle(_wrap(f"{counted(depth, 'block')} of width n = {width}: f(x) = relu(x W1) W2, W1 std "
                                f"sqrt(2/n), {w2}", ": "), fontsize=font_size(11))
        message = (f"after {counted(depth, 'block')} the mean square grew {growth:.3g} times; theory "
                   f"{theory[-1] / ms[0]:.3g}" + (" (every block starts as the identity)." if fixup else "."))
        drawn = {"layers": layers, "theory": theory, "simulation": ms, "marker": marker, "growth": growth,
                 "alpha": alpha}
        return ResidualResult(ms, theory, alpha, drawn, message)
