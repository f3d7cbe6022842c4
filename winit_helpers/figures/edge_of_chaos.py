"""The figures of notebook 8 (the edge of chaos): the order/chaos phase diagram and a tanh network through depth.

* :func:`phase_grid` and :func:`draw_phase_diagram`: chi_1 over (sigma_w, sigma_b), the computed edge
  chi_1 = 1 and where the common initialisations (:data:`NAMED_POINTS`) sit;
* :class:`ChaosPanel`: that diagram with a chosen point, and the variance, correlation and distance of
  inputs through depth, theory (:mod:`winit_helpers.meanfield`) against a simulated network.

Every number drawn comes from the maths modules; each draw returns what it drew.
"""
from dataclasses import dataclass, replace

import numpy as np
from matplotlib.ticker import MaxNLocator

from ..maths import meanfield as mf
from ..maths.activations import LECUN_A, LECUN_B, gain
from ..maths.theory import measured_chi1, measured_chi1_first_layer, two_input_distance
from ..style import font_size
from .base import DPI, Panel, grown_margins
from .limits import FLOOR, LEGEND_BAND, depth_axis_end, log_limits_with_band, set_limits

THEORY = dict(color="black", linestyle="--", linewidth=1.3)
CORR_COLORS = ("C0", "C2", "C3")

#: where common initialisations sit, as (sigma_w, sigma_b), for a tanh network with square layers and zero bias
NAMED_POINTS = {
    "1/sqrt(fan_in) = Xavier (n x n)": (1.0, 0.0),
    "LeCun's 1.7159 tanh(2x/3)": (LECUN_A * LECUN_B, 0.0),      # the same network in plain tanh units
    "He, sqrt(2)/sqrt(fan_in)": (gain("relu"), 0.0),
    "PyTorch tanh gain 5/3": (gain("tanh"), 0.0),
}

SW_RANGE, SB_RANGE = (0.25, 4.0), (0.0, 3.0)

#: the correlation axis' lower ends: the first that holds every point drawn (a finite network's correlations
#: wander below 0, by a few tenths at width 500); few rungs, so the axis and its cached background rarely change
C_BOTTOMS = (-0.05, -0.55, -1.05)

Q_LEGEND = dict(loc="upper center", frameon=False, ncol=3, borderaxespad=0.2, handlelength=1.5, columnspacing=1.0)
C_LEGEND = dict(loc="upper center", frameon=False, ncol=4, borderaxespad=0.2, handlelength=1.5, columnspacing=1.0,
                title="start correlation; lines: theory, dots: simulation")

#: how fast the share of a panel's height kept for its legend grows with the text (:func:`legend_band`;
#: the projector's 0.35 larger text: about a tenth more of the height, for a second row)
PROJECTOR_BAND_GROWTH = 0.3


def signal_dies(sigma_w, sigma_b):
    """Whether q* = 0 exactly (tanh): sigma_b = 0 and sigma_w <= 1.

    Then ``q_next = sigma_w**2 E[tanh(u)**2] < sigma_w**2 E[u**2] <= q`` for every q > 0: no fixed point but 0.
    For sigma_w > 1 the map's slope at 0 is sigma_w**2 > 1 and a q* > 0 exists; any sigma_b > 0 makes q* > 0.
    The root finder stops a hair above 0 (about 1e-13 at sigma_w = 1), so this is decided here, exactly.
    """
    return float(sigma_b) == 0.0 and float(sigma_w) <= 1.0


def correlation_limits(values, band=LEGEND_BAND):
    """y limits of the correlation panel: the first of :data:`C_BOTTOMS` below every value, up to 1.05, and a band
    above for the legend, the same share of the height whatever the bottom (``band``: see :func:`legend_band`)."""
    values = np.asarray(values, float)
    lo = np.nanmin(values) if np.isfinite(values).any() else 0.0
    bottom = next((b for b in C_BOTTOMS if b <= lo), C_BOTTOMS[-1])
    return bottom, 1.05 + (1.05 - bottom) * band / (1 - band) * 1.25


def legend_band(grow):
    """The share of a panel's height kept free at the top for its legend, for text ``grow`` = ``font_size(1.0)``
    times the default's: :data:`LEGEND_BAND` in the default style; more in a larger one, whose legends take two
    rows (see :meth:`ChaosPanel._legends`)."""
    return LEGEND_BAND + (grow - 1) * PROJECTOR_BAND_GROWTH


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
    """The order/chaos diagram on ``ax``: log10 chi_1 in colour, the computed edge chi_1 = 1, the named inits.

    Returns what it drew: ``{"image": the AxesImage, "log10_chi1": the grid's values, "edge": (sigma_w, sigma_b)
    of the edge line, "points": {name: (sigma_w, sigma_b)}}``.
    """
    sw, sb, chi = grid if grid is not None else phase_grid()
    log_chi = np.log10(chi)
    image = ax.imshow(_smooth(log_chi), origin="lower", aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1,
                      extent=(sw[0], sw[-1], sb[0], sb[-1]), interpolation="nearest")
    q = np.concatenate([[0.0], np.geomspace(1e-4, 60, 200)])
    w, b = mf.critical_line(q)
    keep = (w <= sw[-1]) & (b <= sb[-1])
    ax.plot(w[keep], b[keep], color="black", linewidth=2, label=r"edge of chaos $\chi_1 = 1$ (computed)")
    for (name, (x, y)), m in zip(NAMED_POINTS.items(), ("o", "s", "^", "D")):
        ax.plot([x], [y], m, color="gold", mec="black", ms=8, clip_on=False, zorder=4, label=name)
    grow = font_size(1.0)      # larger text: "ORDERED" moves right, so that it stays inside the axes
    ax.text(0.7 + (grow - 1) * 0.5, 0.55, "ORDERED\n$\\chi_1 < 1$", ha="center", color="white",
            fontsize=font_size(10), weight="bold")
    ax.text(3.3, 0.5, "CHAOTIC\n$\\chi_1 > 1$", ha="center", color="#67000d", fontsize=font_size(10), weight="bold")
    ax.set_xlabel(r"$\sigma_w$  (weights ~ N(0, $\sigma_w^2$ / fan_in))")
    ax.set_ylabel(r"$\sigma_b$  (biases ~ N(0, $\sigma_b^2$))")
    ax.set_xlim(sw[0], sw[-1])
    ax.set_ylim(sb[0], sb[-1])
    if legend:
        ax.legend(loc="upper left", fontsize=font_size(7), framealpha=0.85)   # the ordered corner: no edge there
    return {"image": image, "log10_chi1": log_chi, "edge": (w[keep], b[keep]), "points": dict(NAMED_POINTS)}


@dataclass
class ChaosResult:
    theory: mf.MeanField
    run: mf.TanhRun
    drawn: dict          # every curve, marker and title number the panel drew (see ChaosPanel.update)
    message: str


def distance_resolution(q):
    """The smallest distance ``sqrt(2 q (1 - c))`` that float64 resolves at variance ``q``: ``1 - c`` is known only to a
    few units of 2.2e-16 (64 of them here), so below this the distance is rounding."""
    return np.sqrt(2 * np.asarray(q, dtype=float) * 64 * np.finfo(float).eps)


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
        """The static figure (pyplot), reusing a precomputed phase ``grid`` if given: the panel's only construction-time inputs."""
        import matplotlib.pyplot as plt
        panel = cls(plt.figure(figsize=cls.figsize, dpi=DPI), grid=grid, seed=seed)
        return panel.update(**params)

    def draw(self):
        # read here, not at import, so a style switched on later is followed
        self.grow = font_size(1.0)
        self.band = legend_band(self.grow)
        grown_margins(self.fig, left=0.07, bottom=0.08, top=0.93, wspace=0.25, hspace=0.38)
        (self.ax_phase, self.ax_q), (self.ax_c, self.ax_d) = self.fig.subplots(2, 2)
        self.phase = draw_phase_diagram(self.ax_phase, self.grid, legend=self.legend)
        (self.point,) = self.ax_phase.plot([1], [0], "*", color="white", mec="black", ms=18, zorder=5,
                                           clip_on=False)
        ax = self.ax_q
        (self.q_theory,) = ax.plot([], [], **THEORY, label="theory")
        (self.q_sim,) = ax.plot([], [], "o", color="C7", ms=3.5, label=f"simulation, width {self.width}")
        self.q_star = ax.axhline(1, color="C1", linewidth=1, label="fixed point q*")
        ax.set_yscale("log")
        ax.set_xlabel("layer l")
        ax.set_ylabel("variance $q_l$ of the pre-activations")
        ax = self.ax_c
        self.c_theory, self.c_sim = [], []
        for c0, color in zip(self.c0, CORR_COLORS):
            self.c_theory.append(ax.plot([], [], color=color, linewidth=1.5, label=f"$c_0$ = {c0}")[0])
            self.c_sim.append(ax.plot([], [], "o", color=color, ms=3, alpha=0.7)[0])
        self.c_star = ax.axhline(1, color="C1", linewidth=1, label="fixed point c*")
        self._set_correlation_limits(correlation_limits([0.0], self.band))
        ax.set_xlabel("layer l")
        ax.set_ylabel("correlation $c_l$ of two inputs")
        self._legends(fixed_points=True)
        ax = self.ax_d
        (self.d_theory,) = ax.plot([], [], **THEORY, label=r"theory $\sqrt{2 q_l (1 - c_l)}$")
        (self.d_sim,) = ax.plot([], [], "o-", color=CORR_COLORS[2], ms=3, linewidth=1,
                                label="simulation")
        ax.set_yscale("log")
        ax.set_xlabel("layer l")
        ax.set_ylabel(r"distance $|h_a - h_b| / \sqrt{N}$")
        ax.set_title(f"two nearby inputs (start c = {self.c0[2]})", fontsize=font_size(10))
        ax.legend(fontsize=font_size(8), loc="upper center", frameon=False, ncol=2, borderaxespad=0.2)
        for ax in (self.ax_q, self.ax_c, self.ax_d):
            ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))     # layers are whole numbers
        self._runs = {}

    def _legends(self, fixed_points):
        """The legends of the q and c panels, listing the fixed-point lines only when they are drawn."""
        # every legend sits in a band above the data (the limits keep it free), so no curve runs under it; with
        # text larger than the default's, a row of them is wider than the panel: they take two rows
        two_rows = {} if self.grow == 1 else dict(ncol=2)
        self.ax_q.legend(handles=[self.q_theory, self.q_sim] + ([self.q_star] if fixed_points else []),
                         fontsize=font_size(8), **{**Q_LEGEND, **two_rows})
        self.ax_c.legend(handles=self.c_theory + ([self.c_star] if fixed_points else []), fontsize=font_size(8),
                         title_fontsize=font_size(7), **{**C_LEGEND, **two_rows})
        self._fixed_points_listed = fixed_points

    def _set_correlation_limits(self, limits):
        """Set the correlation panel's y limits and its ticks, every 0.2 from the bottom's rung up to 1 (every 0.5
        when more than six of those would merge, in a style with larger text)."""
        ticks = [t for t in np.round(np.arange(-1.0, 1.01, 0.2), 1) + 0.0 if t >= limits[0]]
        if self.grow > 1 and len(ticks) > 6:
            ticks = [t for t in (-1.0, -0.5, 0.0, 0.5, 1.0) if t >= limits[0]]
        if list(self.ax_c.get_yticks()) != ticks:
            self.ax_c.set_yticks(ticks)
        set_limits(self.ax_c, y=limits)

    def _computed(self, sigma_w, sigma_b, depth):
        """Theory and simulation for (sigma_w, sigma_b) through ``depth`` layers.

        Both depend on the depth only through how many layers are kept (the first l layers of a deeper network are
        the same network), so the deepest computed for the last few (sigma_w, sigma_b) is kept and cut: moving the
        depth slider down, or back and forth, computes nothing, and moving it up computes the theory's new layers
        only (:func:`~winit_helpers.maths.meanfield.deepen`; the simulation, far cheaper, runs again).
        """
        key = (float(sigma_w), float(sigma_b))
        if key not in self._runs or self._runs[key][0] < depth:
            th = mf.deepen(self._runs[key][1], depth) if key in self._runs else \
                mf.theory(sigma_w, sigma_b, depth, q0=1.0, c0=self.c0)
            noise = (self.noise[0][:depth], self.noise[1][:depth])
            run = mf.run_tanh_network(sigma_w, sigma_b, noise, q0=1.0, c0=self.c0, seed=self.seed + 1)
            self._runs.pop(key, None)
            self._runs[key] = (depth, th, run)
            while len(self._runs) > 8:
                self._runs.pop(next(iter(self._runs)))
        full, th, run = self._runs[key]
        if full == depth:
            return th, run
        n = depth + 1
        return (mf.deepen(th, depth),
                replace(run, q=run.q[:n], c=run.c[:n], chi=run.chi[:depth], distance=run.distance[:n]))

    def update(self, sigma_w=1.0, sigma_b=0.05, depth=30):
        """Redraw for one network; ``result.drawn`` holds each array drawn (before the log axes' floor)."""
        depth = min(int(depth), self.max_depth)
        if depth < 1:
            raise ValueError(f"depth must be at least 1, got {depth}")
        th, run = self._computed(sigma_w, sigma_b, depth)
        layers = np.arange(depth + 1)
        dist_theory = two_input_distance(th.q, th.c[:, 2])
        chi_sim = measured_chi1(run.chi, depth)
        self.point.set_data([sigma_w], [sigma_b])
        # larger text: the title stands a little higher, clear of the top tick label ("3.0")
        self.ax_phase.set_title(f"σ_w = {sigma_w:.2f}, σ_b = {sigma_b:.2f}: χ₁ = {th.chi1:.3f} ({th.phase})",
                                fontsize=font_size(10), **({} if self.grow == 1 else {"pad": 6 * self.grow}))
        # sigma_b = 0, sigma_w <= 1: q_l -> 0, where tanh is linear and the correlation map is the identity; each
        # c_l freezes where it is (it drifts down a little first: E[tanh tanh] / E[tanh^2] <= c for 0 <= c <= 1), so
        # there is no c* and no pull to c = 1; with nothing pulling, a finite network's correlations random-walk
        dies = signal_dies(sigma_w, sigma_b)
        q_star = 0.0 if dies else th.q_star
        self.q_theory.set_data(layers, np.maximum(th.q, FLOOR))
        self.q_sim.set_data(layers, np.maximum(run.q, FLOOR))
        self.q_star.set_ydata([max(q_star, FLOOR)] * 2)
        self.q_star.set_visible(q_star > 0)
        values = np.concatenate([th.q, run.q, [q_star] if q_star > 0 else []])
        set_limits(self.ax_q, y=log_limits_with_band(self.ax_q, values, self.band))
        self.ax_q.set_title(f"q* = {q_star:.4g}", fontsize=font_size(10))
        for k in range(len(self.c0)):
            self.c_theory[k].set_data(layers, th.c[:, k])
            self.c_sim[k].set_data(layers, run.c[:, k])
        c_star = np.nan if dies else th.c_star
        self.c_star.set_ydata([1.0 if dies else c_star] * 2)
        self.c_star.set_visible(not dies)
        if dies == self._fixed_points_listed:    # made after the lines are shown or hidden: a legend copies that too
            self._legends(fixed_points=not dies)
        self._set_correlation_limits(correlation_limits(np.concatenate([th.c.ravel(), run.c.ravel()]), self.band))
        if dies:
            self.ax_c.set_title("q* = 0, no c*: in theory each $c_l$ freezes as $q_l \\to 0$", fontsize=font_size(10))
        else:
            xi = "infinite" if not np.isfinite(th.depth_scale) else f"{th.depth_scale:.3g} layers"
            # at sigma_b = 0 the chaotic c* is 0 (tanh is odd): no "-0.000" from the root finder's last digit
            self.ax_c.set_title(f"c* = {np.round(c_star, 3) + 0.0:.3f}, depth scale $\\xi_c$ = {xi}",
                                fontsize=font_size(10))
        # deep in the ordered phase the two inputs agree to float64's precision: 1 - c rounds to 0, the distance
        # sqrt(2 q (1 - c)) reads 0 or rounding noise, and is not drawn from there on (the message says where)
        lost = np.flatnonzero(dist_theory < distance_resolution(th.q))
        cut = int(lost[0]) if lost.size else depth + 1
        shown_theory, shown_sim = (np.where(layers < cut, np.maximum(d, FLOOR), np.nan)
                                   for d in (dist_theory, run.distance[:, 2]))
        self.d_theory.set_data(layers, shown_theory)
        self.d_sim.set_data(layers, shown_sim)
        d = np.concatenate([shown_theory, shown_sim])
        d = d[np.isfinite(d)]
        set_limits(self.ax_d, y=log_limits_with_band(self.ax_d, d, self.band))
        for ax in (self.ax_q, self.ax_c, self.ax_d):
            set_limits(ax, x=(-0.5, depth_axis_end(depth, ax.get_xlim()[1])))
        if dies:
            story = ("sigma_b = 0, sigma_w <= 1: every signal fades (q_l -> 0) and near 0 tanh is linear, so no c* pulls "
                     "correlations anywhere: in theory each drifts down a little, then freezes, and a finite network's "
                     "wander; only the distance between inputs shrinks, with q")
        elif th.phase == "chaotic":
            story = "chaotic: nearby inputs are pulled apart, to correlation c*"
        elif th.phase == "ordered":
            story = "ordered: every pair of inputs is pulled together (c -> 1)"
        else:
            story = "at the edge of chaos: correlations change slowly, over many layers"
        first = measured_chi1_first_layer(depth)
        span = f"layer {depth}" if first == depth else f"layers {first} to {depth}"
        unsettled = ("; with so few layers the variance has not settled at q*, so this is not chi_1 at q*"
                     if depth < 3 else "")
        message = (f"chi_1 = {th.chi1:.3f} (measured over {span}: {chi_sim:.3f}{unsettled}), q* = {q_star:.3g} "
                   f"(measured at layer {depth}: {run.q[-1]:.3g}); {story}.")
        if cut <= depth:
            message += (f" From layer {cut} on the two inputs agree to float64's precision (their correlation rounds "
                        "to 1), so their distance is not drawn there.")
        drawn = {"point": (sigma_w, sigma_b), "layers": layers, "q_theory": th.q, "q_sim": run.q,
                 "q_star": q_star, "c_theory": th.c, "c_sim": run.c, "c_star": c_star,
                 "distance_theory": dist_theory, "distance_sim": run.distance[:, 2], "chi1": th.chi1,
                 "chi1_measured": chi_sim, "depth_scale": np.nan if dies else th.depth_scale, "phase": th.phase}
        return ChaosResult(th, run, drawn, message)
