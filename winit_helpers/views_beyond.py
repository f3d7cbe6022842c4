"""The figures and live views of notebook 8: the edge of chaos.

Each figure is a :class:`~winit_helpers.live.Panel` (draw once, update in place); each
``explore_...`` function wires controls to one and returns a :class:`~winit_helpers.live.LiveView`.
"""
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from .maths import meanfield as mf
from .figures.base import DPI, Panel
from .live import LiveView, int_slider, register_view
from .style import font_size

THEORY = dict(color="black", linestyle="--", linewidth=1.3)
CORR_COLORS = ("C0", "C2", "C3")

#: where common initialisations sit for a tanh network with square layers and zero bias
NAMED_POINTS = {
    "1/sqrt(fan_in) = Xavier (square)": (1.0, 0.0),
    "LeCun's 1.7159 tanh(2x/3)": (mf.A_LECUN * mf.B_LECUN, 0.0),
    "He, sqrt(2)/sqrt(fan_in)": (np.sqrt(2.0), 0.0),
    "PyTorch tanh gain 5/3": (5.0 / 3.0, 0.0),
}

SW_RANGE, SB_RANGE = (0.25, 4.0), (0.0, 3.0)


def float_slider(description, value, lo, hi, step, continuous=True):
    """A float slider with a readable label (linear steps)."""
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                               continuous_update=continuous, readout_format=".2f",
                               style={"description_width": "initial"})


def phase_grid(n_w=90, n_b=70):
    """``(sigma_w, sigma_b, chi_1)`` on the grid the phase diagrams show (about a second: compute it once)."""
    sw = np.linspace(*SW_RANGE, n_w)
    sb = np.linspace(*SB_RANGE, n_b)
    return sw, sb, mf.phase_diagram(sw, sb)


def _smooth(image, factor=4):
    """Bilinear upsampling, done once here so that every redraw can use the fast "nearest" interpolation."""
    rows, cols = image.shape
    x_new, y_new = np.linspace(0, cols - 1, cols * factor), np.linspace(0, rows - 1, rows * factor)
    wide = np.array([np.interp(x_new, np.arange(cols), row) for row in image])
    return np.array([np.interp(y_new, np.arange(rows), col) for col in wide.T]).T


def draw_phase_diagram(ax, grid=None, legend=True):
    """The order/chaos diagram on ``ax``: log10 chi_1 in colour, the computed edge chi_1 = 1, named inits."""
    sw, sb, chi = grid if grid is not None else phase_grid()
    image = ax.imshow(_smooth(np.log10(chi)), origin="lower", aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1,
                      extent=(sw[0], sw[-1], sb[0], sb[-1]), interpolation="nearest")
    q = np.concatenate([[0.0], np.geomspace(1e-4, 60, 200)])
    w, b = mf.critical_line(q)
    keep = (w <= sw[-1]) & (b <= sb[-1])
    ax.plot(w[keep], b[keep], color="black", linewidth=2, label=r"edge of chaos $\chi_1 = 1$ (computed)")
    markers = ("o", "s", "^", "D")
    for (name, (x, y)), m in zip(NAMED_POINTS.items(), markers):
        ax.plot([x], [y], m, color="gold", mec="black", ms=8, clip_on=False, zorder=4, label=name)
    ax.text(0.75, 1.6, "ORDERED\n$\\chi_1 < 1$", ha="center", color="white", fontsize=font_size(10), weight="bold")
    ax.text(3.3, 0.5, "CHAOTIC\n$\\chi_1 > 1$", ha="center", color="#67000d", fontsize=font_size(10), weight="bold")
    ax.set_xlabel(r"$\sigma_w$  (weights ~ N(0, $\sigma_w^2$ / fan_in))")
    ax.set_ylabel(r"$\sigma_b$  (biases ~ N(0, $\sigma_b^2$))")
    ax.set_xlim(sw[0], sw[-1])
    ax.set_ylim(sb[0], sb[-1])
    if legend:
        ax.legend(loc="upper right", fontsize=font_size(7), framealpha=0.85)
    return image


# --------------------------------------------------------------------------- notebook 8
@dataclass
class ChaosResult:
    theory: mf.MeanField
    run: mf.TanhRun
    message: str


class ChaosPanel(Panel):
    """The phase diagram with the chosen point; variance, correlation and distance of two inputs through depth."""
    figsize = (10, 6.4)
    c0 = (0.2, 0.6, 0.99)

    def __init__(self, fig=None, grid=None, width=500, max_depth=60, seed=0, legend=True):
        self.legend = legend    # the live view leaves the phase diagram's legend out: text is slow to draw
        self.grid = grid if grid is not None else phase_grid()
        self.width, self.max_depth, self.seed = width, max_depth, seed
        self.noise = mf.draw_noise(max_depth, width, seed, dtype=np.float32)   # one draw serves every sigma
        super().__init__(fig)

    @classmethod
    def plot(cls, grid=None, seed=0, **params):
        """The static figure (pyplot), reusing a precomputed phase ``grid`` if given."""
        import matplotlib.pyplot as plt
        panel = cls(plt.figure(figsize=cls.figsize, dpi=DPI), grid=grid, seed=seed)
        return panel.update(**params)

    def draw(self):
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.08, top=0.93, wspace=0.25, hspace=0.38)
        (self.ax_phase, self.ax_q), (self.ax_c, self.ax_d) = self.fig.subplots(2, 2)
        draw_phase_diagram(self.ax_phase, self.grid, legend=self.legend)
        (self.point,) = self.ax_phase.plot([1], [0], "*", color="white", mec="black", ms=18, zorder=5,
                                           clip_on=False)
        ax = self.ax_q
        (self.q_theory,) = ax.plot([], [], **THEORY, label="theory: the variance map")
        (self.q_sim,) = ax.plot([], [], "o", color="C7", ms=3.5, label="simulation, width 500")
        self.q_star = ax.axhline(1, color="C1", linewidth=1, label="fixed point q*")
        ax.set_yscale("log")
        ax.set_xlabel("layer l")
        ax.set_ylabel("variance $q_l$ of the pre-activations")
        ax.legend(fontsize=font_size(8), loc="lower right", frameon=False)
        ax = self.ax_c
        self.c_theory, self.c_sim = [], []
        for c0, color in zip(self.c0, CORR_COLORS):
            self.c_theory.append(ax.plot([], [], color=color, linewidth=1.5, label=f"start c = {c0}")[0])
            self.c_sim.append(ax.plot([], [], "o", color=color, ms=3, alpha=0.7)[0])
        self.c_star = ax.axhline(1, color="C1", linewidth=1, label="fixed point c*")
        ax.set_ylim(-0.05, 1.05)
        ax.set_xlabel("layer l")
        ax.set_ylabel("correlation $c_l$ of two inputs")
        ax.legend(fontsize=font_size(8), loc="center right", frameon=False, title="lines: theory, dots: simulation",
                  title_fontsize=font_size(7))
        ax = self.ax_d
        (self.d_theory,) = ax.plot([], [], **THEORY, label=r"theory $\sqrt{2 q_l (1 - c_l)}$")
        (self.d_sim,) = ax.plot([], [], "o-", color=CORR_COLORS[2], ms=3, linewidth=1,
                                label="simulation, the two nearby inputs")
        ax.set_yscale("log")
        ax.set_xlabel("layer l")
        ax.set_ylabel(r"distance $|h_a - h_b| / \sqrt{N}$")
        ax.set_title("two nearby inputs (start c = 0.99)", fontsize=font_size(10))
        ax.legend(fontsize=font_size(8), loc="lower left", frameon=False)

    def update(self, sigma_w=1.0, sigma_b=0.05, depth=30):
        depth = min(int(depth), self.max_depth)
        th = mf.theory(sigma_w, sigma_b, depth, q0=1.0, c0=self.c0)
        noise = (self.noise[0][:depth], self.noise[1][:depth])
        run = mf.run_tanh_network(sigma_w, sigma_b, noise, q0=1.0, c0=self.c0, seed=self.seed + 1)
        layers = np.arange(depth + 1)
        self.point.set_data([sigma_w], [sigma_b])
        self.ax_phase.set_title(f"σ_w = {sigma_w:.2f}, σ_b = {sigma_b:.2f}: χ₁ = {th.chi1:.3f} ({th.phase})",
                                fontsize=font_size(10))
        floor = 1e-300
        self.q_theory.set_data(layers, np.maximum(th.q, floor))
        self.q_sim.set_data(layers, np.maximum(run.q, floor))
        self.q_star.set_ydata([max(th.q_star, floor)] * 2)
        self.q_star.set_visible(th.q_star > 0)
        values = np.concatenate([th.q, run.q, [th.q_star]])
        values = values[values > 0]
        lo, hi = max(values.min(), 1e-300), values.max()
        self.ax_q.set_ylim(lo / 1.6, hi * 1.6)
        self.ax_q.set_title(f"q* = {th.q_star:.4g}", fontsize=font_size(10))
        for k in range(len(self.c0)):
            self.c_theory[k].set_data(layers, th.c[:, k])
            self.c_sim[k].set_data(layers, run.c[:, k])
        self.c_star.set_ydata([th.c_star] * 2)
        xi = "infinite" if not np.isfinite(th.depth_scale) else f"{th.depth_scale:.3g} layers"
        self.ax_c.set_title(f"c* = {th.c_star:.3f}, depth scale ξ_c = {xi}", fontsize=font_size(10))
        dist_theory = np.sqrt(np.maximum(2 * th.q * (1 - th.c[:, 2]), 0.0))
        self.d_theory.set_data(layers, np.maximum(dist_theory, floor))
        self.d_sim.set_data(layers, np.maximum(run.distance[:, 2], floor))
        d = np.concatenate([dist_theory, run.distance[:, 2]])
        d = d[d > 0]
        self.ax_d.set_ylim(max(d.min(), 1e-300) / 2, d.max() * 2)
        for ax in (self.ax_q, self.ax_c, self.ax_d):
            ax.set_xlim(-0.5, depth + 0.5)
        if th.phase == "chaotic":
            story = "chaotic: nearby inputs are pulled apart, to correlation c*"
        elif th.phase == "ordered":
            story = "ordered: every pair of inputs is pulled together (c -> 1)"
        else:
            story = "at the edge of chaos: correlations change slowly, over many layers"
        chi_sim = run.chi[depth // 3:].mean() if depth >= 3 else run.chi.mean()
        message = (f"chi_1 = {th.chi1:.3f} (measured {chi_sim:.3f}), q* = {th.q_star:.3g} "
                   f"(measured at layer {depth}: {run.q[-1]:.3g}); {story}.")
        return ChaosResult(th, run, message)


@register_view
def explore_edge_of_chaos(seed=0, grid=None):
    """Sliders for sigma_w, sigma_b and depth; the phase diagram marks the chosen point."""
    controls = {
        "sigma_w": float_slider("sigma_w", 1.0, *SW_RANGE, 0.05),
        "sigma_b": float_slider("sigma_b", 0.05, *SB_RANGE, 0.05),
        "depth": int_slider("depth", 30, 1, 60),
    }
    return LiveView(ChaosPanel(grid=grid, seed=seed, legend=False), controls)


# --------------------------------------------------------------------------- notebook 9
from .maths import isometry as iso                                    # noqa: E402  (notebook 9's helpers)
from .live import dropdown, log_slider                           # noqa: E402

SCHEME_COLORS = {"orthogonal": "C0", "gaussian": "C1"}
SV_BINS = np.linspace(-6.0, 2.0, 65)          # log10 singular value; smaller values are counted in the first bin


def jacobian_setting(activation, q_star=0.1):
    """``(sigma_w, sigma_b, q0)`` of the critical network: tanh on the edge of chaos at ``q_star``, ReLU He, linear 1."""
    if activation == "tanh":
        sw, sb = (float(v) for v in mf.critical_line(q_star))
        return sw, sb, float(q_star)
    return (np.sqrt(2.0) if activation == "relu" else 1.0), 0.0, 1.0


@dataclass
class SpectrumResult:
    spreads: dict          # scheme -> measured spread after each layer
    singular_values: dict  # scheme -> singular values of the whole Jacobian
    theory: dict           # scheme -> predicted spread at this depth
    message: str


class SpectrumPanel(Panel):
    """The Jacobian's singular values (orthogonal and Gaussian weights, same network otherwise) and its spread by depth."""
    figsize = (10, 4.2)
    max_depth = 64

    def __init__(self, fig=None, seed=0):
        self.seed, self._stacks = seed, {}
        super().__init__(fig)

    @classmethod
    def plot(cls, seed=0, **params):
        import matplotlib.pyplot as plt
        panel = cls(plt.figure(figsize=cls.figsize, dpi=DPI), seed=seed)
        return panel.update(**params)

    def stack(self, width, scheme):
        """The weights for this width and scheme, drawn once at the largest depth (a shallower net uses the first layers)."""
        key = (width, scheme)
        if key not in self._stacks:
            self._stacks[key] = iso.weight_stack(self.max_depth, width, scheme, seed=self.seed + (scheme == "gaussian"))
        return self._stacks[key]

    def draw(self):
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.88, wspace=0.25)
        self.ax_sv, self.ax_sp = self.fig.subplots(1, 2)
        self.stairs, self.theory_lines, self.dots = {}, {}, {}
        for scheme, color in SCHEME_COLORS.items():
            self.stairs[scheme] = self.ax_sv.stairs(np.zeros(len(SV_BINS) - 1), SV_BINS, color=color, linewidth=1.8,
                                                    label=f"{scheme} weights")
            (self.theory_lines[scheme],) = self.ax_sp.plot([], [], **{**THEORY, "color": color},
                                                           label=f"{scheme}: theory")
            (self.dots[scheme],) = self.ax_sp.plot([], [], "o", color=color, ms=3.5, label=f"{scheme}: measured")
        self.ax_sv.axvline(0.0, color="black", linewidth=0.8, linestyle=":")
        self.ax_sv.set_xlabel("log10 singular value of the Jacobian (0 = length kept; left edge: 1e-6 or less)")
        self.ax_sv.set_ylabel("fraction of singular values")
        self.ax_sv.set_xlim(SV_BINS[0], SV_BINS[-1])
        self.ax_sv.legend(fontsize=font_size(8), loc="upper left", frameon=False)
        self.ax_sp.set_xlabel("depth (layers)")
        self.ax_sp.set_ylabel("spread Var(λ) / mean(λ)²,  λ = s²")
        self.ax_sp.legend(fontsize=font_size(8), loc="upper left", frameon=False)

    def update(self, depth=16, width=100, activation="tanh", q_star=0.1):
        depth, width = int(depth), int(width)
        sw, sb, q0 = jacobian_setting(activation, q_star)
        q_theory = q0 if activation == "tanh" else 1.0
        spreads, svs, theory = {}, {}, {}
        layers = np.arange(1, depth + 1)
        top = 1.0
        for scheme in SCHEME_COLORS:
            sp, sv = iso.jacobian_spread_by_depth(self.stack(width, scheme)[:depth], activation, sw, sb, q0,
                                                  seed=self.seed + 10)
            spreads[scheme], svs[scheme] = sp, sv
            logs = np.clip(np.log10(np.maximum(sv, 1e-300)), SV_BINS[0], SV_BINS[-1] - 1e-9)
            self.stairs[scheme].set_data(np.histogram(logs, SV_BINS)[0] / width)
            line = np.array([iso.jacobian_spread(int(d), activation, scheme, q_theory) for d in layers])
            theory[scheme] = line[-1]
            self.theory_lines[scheme].set_data(layers, line)
            self.dots[scheme].set_data(layers, sp)
            top = max(top, np.nanmax(sp), line.max())
        self.ax_sv.set_ylim(0, 1.1 * max(s.get_data()[0].max() for s in self.stairs.values()))
        self.ax_sp.set_xlim(0, depth + 1)
        self.ax_sp.set_ylim(0, top * 1.1)
        where = {"tanh": f"tanh on the edge of chaos, q* = {q0:.3g} (σ_w = {sw:.3f}, σ_b = {sb:.3f})",
                 "relu": "ReLU, He scale σ_w = √2", "linear": "linear, σ_w = 1"}[activation]
        self.fig.suptitle(f"input-output Jacobian of {depth} layers of width {width}: {where}", fontsize=font_size(11))
        self.ax_sv.set_title("its singular values (one network)", fontsize=font_size(10))
        self.ax_sp.set_title("spread of the squared singular values by depth", fontsize=font_size(10))
        message = ("spread of J Jᵀ's eigenvalues at this depth: " + "; ".join(
            f"{s} {spreads[s][-1]:.3g} (theory {theory[s]:.3g})" for s in SCHEME_COLORS)
            + ". 0 is perfect isometry.")
        return SpectrumResult(spreads, svs, theory, message)


@register_view
def explore_isometry(seed=0):
    """Depth, width, activation and q* of a critical network; orthogonal and Gaussian weights drawn side by side."""
    controls = {
        "depth": int_slider("depth", 16, 1, SpectrumPanel.max_depth),
        "width": int_slider("width", 100, 25, 250, step=25, continuous=False),
        "activation": dropdown("activation", ["tanh", "relu", "linear"]),
        "q_star": log_slider("tanh's q*", 0.1, 0.001, 4.0, continuous=False),
    }
    return LiveView(SpectrumPanel(seed=seed), controls)


# --------------------------------------------------------------------------- LSUV
@dataclass
class LSUVView:
    before: np.ndarray      # std of each layer's pre-activations with the start weights
    after: np.ndarray       # the same after LSUV
    lsuv: iso.LSUVResult
    saturated: float        # fraction of tanh units with |tanh(h)| > 0.99 after LSUV (0 for relu)
    message: str


def layer_stds(weights, x, activation):
    """Std of ``x @ W`` at every layer (the pre-activations) and the fraction of units past 0.99 after the last tanh."""
    f = np.tanh if activation == "tanh" else (lambda h: np.maximum(h, 0.0))
    stds, saturated = [], []
    for w in weights:
        h = x @ w
        stds.append(h.std())
        saturated.append(np.mean(np.abs(np.tanh(h)) > 0.99) if activation == "tanh" else 0.0)
        x = f(h)
    return np.array(stds), float(np.mean(saturated))


class LSUVPanel(Panel):
    """Per-layer std before and after LSUV, and how many rescalings each layer took."""
    figsize = (10, 4)
    input_std = 3.0       # raw, unnormalised data: LSUV does not care

    def __init__(self, fig=None, seed=0, n_samples=500):
        self.seed, self.n_samples, self._cache = seed, n_samples, {}
        super().__init__(fig)

    @classmethod
    def plot(cls, seed=0, **params):
        import matplotlib.pyplot as plt
        panel = cls(plt.figure(figsize=cls.figsize, dpi=DPI), seed=seed)
        return panel.update(**params)

    def data(self, width, scheme, depth):
        key = (width, scheme)
        if key not in self._cache or len(self._cache[key][1]) < depth:
            rng = np.random.default_rng(self.seed)
            x = self.input_std * rng.standard_normal((self.n_samples, width))
            self._cache[key] = (x, iso.weight_stack(max(depth, 30), width, scheme, seed=rng))
        x, w = self._cache[key]
        return x, w[:depth]

    def draw(self):
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.88, wspace=0.25)
        self.ax_std, self.ax_it = self.fig.subplots(1, 2)
        ax = self.ax_std
        (self.before,) = ax.plot([], [], "o-", color="C7", ms=4, label="start weights")
        (self.after,) = ax.plot([], [], "o-", color="C2", ms=4, label="after LSUV")
        ax.axhline(1.0, **THEORY, label="target std 1")
        ax.set_yscale("log")
        ax.set_xlabel("layer")
        ax.set_ylabel("std of the layer's output x @ W")
        ax.legend(fontsize=font_size(8), loc="upper right", frameon=False)
        self.bars = None
        self.ax_it.set_xlabel("layer")
        self.ax_it.set_ylabel("rescalings LSUV needed")

    def update(self, depth=10, width=100, activation="tanh", measure="pre", start="orthogonal", tol=0.01, max_iter=20):
        depth, width = int(depth), int(width)
        x, w = self.data(width, start, depth)
        result = iso.lsuv(w, x, activation, tol=tol, max_iter=max_iter, measure=measure)
        before, _ = layer_stds(w, x, activation)
        after, saturated = layer_stds(result.weights, x, activation)
        layers = np.arange(1, depth + 1)
        self.before.set_data(layers, before)
        self.after.set_data(layers, after)
        values = np.concatenate([before, after, [1.0]])
        self.ax_std.set_ylim(values.min() / 2, values.max() * 2)
        self.ax_std.set_xlim(0, depth + 1)
        if self.bars is not None:
            self.bars.remove()
        colors = np.where(result.converged, "C2", "C3")
        self.bars = self.ax_it.bar(layers, result.iterations, color=colors, width=0.7)
        self.ax_it.set_xlim(0, depth + 1)
        self.ax_it.set_ylim(0, max_iter + 1)
        self.ax_it.set_title("green: |var - 1| < tol reached; red: never", fontsize=font_size(10))
        where = "x @ W, before the activation" if measure == "pre" else f"{activation}(x @ W), after the activation"
        self.fig.suptitle(f"LSUV on {depth} {activation} layers of width {width}, {start} start, "
                          f"measuring {where}", fontsize=font_size(11))
        self.ax_std.set_title(f"input std {self.input_std:g}, {self.n_samples} samples", fontsize=font_size(10))
        if result.converged.all():
            message = (f"every layer reached variance 1 within {tol:g}, in at most {result.iterations.max()} "
                       f"rescaling(s); layer outputs now have std {after.min():.3f} to {after.max():.3f}.")
        else:
            message = (f"{(~result.converged).sum()} of {depth} layers never reached variance 1 in {max_iter} "
                       f"rescalings: the weights grew until the pre-activations have std up to {after.max():.3g}"
                       + (f" and {saturated:.0%} of the tanh units are saturated (|tanh| > 0.99)." if activation == "tanh"
                          else "."))
        return LSUVView(before, after, result, saturated, message)


@register_view
def explore_lsuv(seed=0):
    """Depth, width, activation, where LSUV measures, and the start (orthogonal as in the paper, or Gaussian)."""
    controls = {
        "depth": int_slider("depth", 10, 2, 30),
        "width": int_slider("width", 100, 20, 200, step=20, continuous=False),
        "activation": dropdown("activation", ["tanh", "relu"]),
        "measure": dropdown("measure", ["pre", "post"]),
        "start": dropdown("start", ["orthogonal", "gaussian"]),
    }
    return LiveView(LSUVPanel(seed=seed), controls)


# --------------------------------------------------------------------------- residual networks
RESIDUAL_RULES = ("a = 1", "a = 0.5", "a = 1/sqrt(L)", "a = 1/L", "Fixup: last layer of each branch = 0")
RULE_COLORS = dict(zip(RESIDUAL_RULES, ("C3", "C1", "C2", "C0", "C4")))


def residual_alpha(rule, depth):
    """The branch scale ``a`` a rule gives a network of ``depth`` blocks (Fixup: a = 1 with zeroed last layers)."""
    return {"a = 1": 1.0, "a = 0.5": 0.5, "a = 1/sqrt(L)": 1.0 / np.sqrt(depth), "a = 1/L": 1.0 / depth,
            RESIDUAL_RULES[-1]: 1.0}[rule]


@dataclass
class ResidualResult:
    mean_square: np.ndarray   # measured, layer 0 .. depth
    theory: np.ndarray        # (1 + a^2)^l (1 for Fixup)
    alpha: float
    message: str


class ResidualPanel(Panel):
    """Mean square of the residual stream through depth, and the theory's final growth against depth for every rule."""
    figsize = (10, 4)
    max_depth = 100
    top = 1e8             # the right panel's ceiling: fixed-a lines leave it, the bounded rules stay readable

    def __init__(self, fig=None, seed=0, n_samples=100):
        self.seed, self.n_samples = seed, n_samples
        super().__init__(fig)

    @classmethod
    def plot(cls, seed=0, **params):
        import matplotlib.pyplot as plt
        panel = cls(plt.figure(figsize=cls.figsize, dpi=DPI), seed=seed)
        return panel.update(**params)

    def draw(self):
        self.fig.subplots_adjust(left=0.09, right=0.98, bottom=0.13, top=0.88, wspace=0.27)
        self.ax_l, self.ax_d = self.fig.subplots(1, 2)
        (self.theory,) = self.ax_l.plot([], [], **THEORY, label="theory (1 + a²)^l")
        (self.sim,) = self.ax_l.plot([], [], "o", color="C7", ms=3.5, label="simulation")
        self.ax_l.set_yscale("log")
        self.ax_l.set_xlabel("block l")
        self.ax_l.set_ylabel("mean square of x_l")
        self.ax_l.legend(fontsize=font_size(8), loc="upper left", frameon=False)
        Ls = np.arange(1, self.max_depth + 1)
        for rule in RESIDUAL_RULES[:-1]:
            a = np.array([residual_alpha(rule, L) for L in Ls])
            self.ax_d.plot(Ls, (1 + a ** 2) ** Ls, color=RULE_COLORS[rule], label=rule)
        self.ax_d.plot(Ls, np.ones_like(Ls, dtype=float), color=RULE_COLORS[RESIDUAL_RULES[-1]], label="Fixup")
        self.ax_d.axhline(np.e, color="black", linewidth=0.8, linestyle=":", label="e = limit of (1 + 1/L)^L")
        (self.marker,) = self.ax_d.plot([], [], "*", color="black", ms=12, label="this network, measured")
        self.ax_d.set_yscale("log")
        self.ax_d.set_ylim(0.5, self.top)
        self.ax_d.set_xlabel("depth L (blocks)")
        self.ax_d.set_ylabel("growth of the mean square after L blocks")
        self.ax_d.legend(fontsize=font_size(7), loc="lower right", bbox_to_anchor=(1.0, 0.1), frameon=False, ncol=2)

    def update(self, depth=50, width=100, rule="a = 1"):
        depth, width = int(depth), int(width)
        alpha = residual_alpha(rule, depth)
        fixup = rule == RESIDUAL_RULES[-1]
        ms = iso.residual_stream(depth, width, alpha, n_samples=self.n_samples, seed=self.seed, zero_last=fixup)
        layers = np.arange(depth + 1)
        theory = ms[0] * (np.ones(depth + 1) if fixup else (1 + alpha ** 2) ** layers)
        self.theory.set_data(layers, theory)
        self.sim.set_data(layers, ms)
        values = np.concatenate([ms, theory])
        self.ax_l.set_ylim(values.min() / 2, values.max() * 2)
        self.ax_l.set_xlim(-0.5, depth + 0.5)
        self.ax_l.set_title(f"x_l = x_(l-1) + a f(x_(l-1)), {rule}" + (f" = {alpha:.3g}" if "L" in rule else ""),
                            fontsize=font_size(10))
        growth = ms[-1] / ms[0]
        self.marker.set_data([depth], [min(growth, self.top / 1.5)])
        self.marker.set_marker("*" if growth < self.top / 1.5 else "^")
        self.ax_d.set_title(f"theory for each rule; star: measured {growth:.3g}"
                            + (" (off the chart)" if growth >= self.top / 1.5 else ""), fontsize=font_size(10))
        self.fig.suptitle(f"{depth} residual blocks of width {width}, f(x) = relu(x W1) W2 with He weights", fontsize=font_size(11))
        message = (f"after {depth} blocks the mean square grew {ms[-1] / ms[0]:.3g} times; theory "
                   f"{theory[-1] / ms[0]:.3g}" + (" (every block starts as the identity)." if fixup else "."))
        return ResidualResult(ms, theory, alpha, message)


@register_view
def explore_residual(seed=0):
    """Depth, width and the rule for the branch scale a."""
    controls = {
        "depth": int_slider("depth", 50, 1, ResidualPanel.max_depth, continuous=False),
        "width": int_slider("width", 100, 20, 200, step=20, continuous=False),
        "rule": dropdown("branch scale", list(RESIDUAL_RULES)),
    }
    return LiveView(ResidualPanel(seed=seed), controls)
