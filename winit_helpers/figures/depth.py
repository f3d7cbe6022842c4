"""The figure of notebook 2 (02_exploding_and_vanishing): the std of every layer of a deep linear network.

:class:`DepthPanel` draws, on the left, each layer's output std on a log axis
(drawn as log10, so 1e-1000 and 1e+1000 fit) with the theory line
(scale * sqrt(width))**k and the range of float32 and float64; on the right, the
histogram of the per-layer growth factors std_k / std_(k-1) with the factor the
theory predicts. Notebook 3's :class:`~winit_helpers.figures.fix.FixPanel` reuses it.
"""
import math
import threading
from collections import OrderedDict
from concurrent.futures import wait
from dataclasses import dataclass
from time import perf_counter

import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .._checks import check_positive_int
from ..maths.forward import LOG10_MAX, LOG10_MIN, Run, absmax_layers_needed, float_edges, pow10_str
from ..maths.streams import kept_stream
from ..maths.theory import growth_per_layer, predicted_log10_std
from ..style import font_size
from .base import (POOL, POOL_NAME, POOL_THREADS, SIM_COLOR, THEORY, Panel, counted, legend_of, recent_ranges,
                   steady_range)
from .log_axes import log10_axis

FLOAT_COLORS = {"float32": "C3", "float64": "C4"}
#: how many activations the runs a figure keeps may hold in all (8 bytes each: 40 MB); each run holds at most
#: n_samples x width of them, so at the default sizes a few hundred runs are kept
KEPT_NUMBERS = 5_000_000


def title_pad():
    """Room between a panel's title and its axes, above the half of the top tick label that sticks out, in the
    style current when the title is set (a style switched on after this module was imported counts too)."""
    return font_size(9)


@dataclass
class DepthResult:
    depth: int
    width: int
    scale: float
    simulations: list          # one Simulation per seed
    predicted: np.ndarray      # log10 std of the linear theory, per layer
    n_samples: int             # the inputs each seed's run pushes through the layers
    method: str                # how each layer's output was drawn (see maths.forward.simulate)
    message: str
    drawn: dict                # every array and number the figure shows, by artist
    preview: bool = False      # a first look (fewer runs or inputs, or the first layers); the full figure follows
    #: {dtype: (overflow layer, underflow layer)} of the first seed's run, float32 and float64 (None: in range)
    beyond: dict = None

    @property
    def log10_std(self):
        """Per-layer log10 std of the first seed's run."""
        return self.simulations[0].log10_std


#: milliseconds per layer, measured on a loaded 2-core machine (a quiet one takes about half):
#: a random number, a multiply-add, and the fixed cost of a layer
MS_PER_RANDOM, MS_PER_MULTIPLY, MS_PER_LAYER = 3.5e-5, 1.05e-7, 0.1
#: the inputs a run may use, most first: the figure uses the most whose runs fit in :attr:`DepthPanel.budget_ms`
SAMPLE_CHOICES = (500, 200, 100, 50, 20, 10)


def run_cost_ms(depth, width, n_samples, method, keep="all"):
    """The estimated time of ``simulate(depth, width, ..., n_samples=n_samples, method=method, keep=keep)``, in ms
    (linear layers)."""
    if keep == "std" and method == "weights" and n_samples > width:
        n_samples = width        # the run follows a width x width matrix instead of its inputs (see simulate)
    if method == "weights":      # width**2 random weights and n * width**2 multiply-adds per layer
        per_layer = width ** 2 * (MS_PER_RANDOM + n_samples * MS_PER_MULTIPLY)
    else:                        # n * width random numbers, a QR and a product: about 5 n**2 width multiply-adds
        per_layer = n_samples * width * (MS_PER_RANDOM + 5 * n_samples * MS_PER_MULTIPLY)
    return depth * (per_layer + MS_PER_LAYER)


def plan_runs(depth, width, n_seeds, budget_ms, n_samples=500):
    """(inputs per run, method, seeds): the most inputs, then the most seeds, whose runs fit in ``budget_ms``.

    Each run pushes its inputs through ``depth`` layers; ``method`` is the cheaper of drawing the
    weights and drawing the outputs straight from their distribution (see ``simulate``). With
    fewer inputs than :data:`SAMPLE_CHOICES`' smallest no run fits; then fewer seeds are run.
    """
    best = None
    for n in [n_samples] + [c for c in SAMPLE_CHOICES if c < n_samples]:
        options = [("weights", run_cost_ms(depth, width, n, "weights"))]
        if n < width:
            options.append(("samples", run_cost_ms(depth, width, n, "samples")))
        method, cost = min(options, key=lambda o: o[1])
        best = (n, method, cost)
        if n_seeds * cost <= budget_ms:
            return n, method, n_seeds
    n, method, cost = best
    return n, method, max(1, min(n_seeds, int(budget_ms // cost)))


#: a live view's first look. When the runs a setting needs are estimated above PREVIEW_ABOVE_MS (:func:`run_cost_ms`),
#: it is drawn at once with runs that fit in PREVIEW_MS: fewer inputs or seeds, every layer. Otherwise the runs are
#: computed for PREVIEW_AFTER_S; if, at the pace they went, they still need more than PARTIAL_ABOVE_MS, the first
#: look shows the layers they reached (a partial depth, which costs nothing more); the rest follows
PREVIEW_MS, PREVIEW_ABOVE_MS, PREVIEW_AFTER_S, PARTIAL_ABOVE_MS = 100.0, 600.0, 0.05, 50.0
#: in the time a first look waits, the runs take turns, this many layers at a time, so they reach about one depth
TURN_LAYERS = 4


def tick_decimals(ticks, most=6):
    """The fewest decimals (0 to ``most``) that write every tick exactly: 0.25 needs 2, 1.5 needs 1, 20 none."""
    ticks = np.asarray(ticks, dtype=float)
    for decimals in range(most + 1):
        if np.all(np.abs(np.round(ticks, decimals) - ticks) <= 1e-9 * np.maximum(1.0, np.abs(ticks))):
            return decimals
    return most


def _runs(n_seeds, n_samples):
    return f"{counted(n_seeds, 'run')} of {n_samples} inputs"


def plan_stretches(first, last, width, n_seeds, budget_ms, n_samples=500):
    """The depths from ``first`` to ``last`` split where :func:`plan_runs` changes its runs' inputs or method:
    a list of ``(start, end, n_samples, method)``, shallowest first. Within a stretch the runs are the same (a
    shallower depth shows their first layers); crossing into the next one needs other runs, from the first
    layer. Deeper runs cost more, so a plan never comes back: each one holds for one stretch of depths."""
    stretches, start = [], first
    while start <= last:
        plan = plan_runs(start, width, n_seeds, budget_ms, n_samples)[:2]
        lo, hi = start, last                  # the deepest depth with this plan lies in [lo, hi]
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if plan_runs(mid, width, n_seeds, budget_ms, n_samples)[:2] == plan:
                lo = mid
            else:
                hi = mid - 1
        stretches.append((start, lo, *plan))
        start = lo + 1
    return stretches


def _along(xy, n=400):
    """Points along a polyline: its own points and, between them, enough to total about ``n``."""
    if len(xy) < 2 or len(xy) >= n:
        return xy
    t = np.linspace(0, 1, int(np.ceil(n / (len(xy) - 1))), endpoint=False)[:, None, None]
    return np.concatenate([(xy[:-1] + t * (xy[1:] - xy[:-1])).reshape(-1, 2), xy[-1:]])


def _text_size(text, renderer, ax_box):
    """A text's width and height as fractions of its axes' (measured even while it is hidden)."""
    shown = text.get_visible()
    text._visible = True           # measured, not changed: set_visible would mark it as moving
    try:
        size = text.get_window_extent(renderer)
    finally:
        text._visible = shown
    return size.width / ax_box.width, size.height / ax_box.height


class DepthPanel(Panel):
    """Left: std of every layer's output (log axis) with the theory line and float limits.

    Right: histogram of the per-layer growth factor std_k / std_(k-1), with its predicted value.
    """
    figsize = (10, 4)
    #: the simulation's share of a redraw, in estimated ms (:func:`run_cost_ms`): past it, runs use
    #: fewer inputs (and say so), so that every slider position answers within about a second
    budget_ms = 1000.0
    #: a live view sets ``allow_preview`` while it draws a move from the browser. Then, when the runs the setting
    #: needs are not kept and take long (see :data:`PREVIEW_ABOVE_MS`), ``update`` draws a first look
    #: (``result.preview``): with runs that fit in ``preview_ms`` (fewer inputs or seeds), or with the layers the
    #: runs reached in a moment (a partial depth), said in words; and the view draws the full figure once
    #: ``prepare`` has computed its runs in the background. Otherwise (a notebook cell, a test, the benchmark)
    #: ``update`` always draws the full figure.
    allow_preview, preview_ms = False, PREVIEW_MS

    def draw(self):
        self.fig.subplots_adjust(left=0.095, right=0.965, bottom=0.14, top=0.88, wspace=0.38)
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
                text = ax.text(0, table[dtype], f" {dtype} {'overflows' if bound == 'max' else 'underflows'} ",
                               color=color, fontsize=font_size(8), clip_on=True)
                self.limits[dtype, bound] = (line, text)
        self.marker = ax.axvline(0, color=FLOAT_COLORS["float64"], linewidth=1, alpha=0.6)
        self.marker_text = ax.text(0, 0.5, "", transform=ax.get_xaxis_transform(), rotation=90, fontsize=font_size(8),
                                   color=FLOAT_COLORS["float64"], ha="right", va="center")
        ax.set_xlabel("layer k")
        ax.set_ylabel("std of layer k's output")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
        log10_axis(ax.yaxis)
        axf = self.ax_factor
        self.bars = axf.stairs(np.zeros(25), np.linspace(0, 1, 26), fill=True, alpha=0.5, color=SIM_COLOR)
        self.factor_theory = axf.axvline(1, **THEORY)
        axf.xaxis.set_major_locator(MaxNLocator(nbins=3))
        axf.xaxis.set_major_formatter(FuncFormatter(self._factor_label))
        self._factor_decimals = 2
        axf.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        axf.set_xlabel("growth per layer: std$_k$ / std$_{k-1}$")
        axf.set_ylabel("layers")
        # (width, seed, n_samples, method, keep) -> the unit-scale Run, as deep as asked so far; most recent last
        self._cache = OrderedDict()
        self._shown_keys = []           # the keys of the runs the figure shows now
        self._legend_key, self._marker_size = None, None

    def _factor_label(self, value, _position=None):
        return f"{value:.{self._factor_decimals}f}"

    def _run_keys(self, depth, width, n_seeds, n_samples, seed, budget_ms=None):
        """The kept runs' keys a setting needs, one per seed: (width, seed, n_samples, method, keep), as
        :func:`plan_runs` chooses them within ``budget_ms`` (default :attr:`budget_ms`).

        Every run keeps only the std and the mean (``keep="std"``), which costs several times less where it
        follows a width x width matrix instead of the inputs (more inputs than units). The first seed's run
        keeps everything where that costs no more: its largest |activation| says where a float type
        overflows. Otherwise that comes from a second run of the first seed (:meth:`_absmax_key`), taken only
        as deep as the std and the mean leave it open (:func:`~winit_helpers.maths.forward.float_edges`).
        """
        budget_ms = self.budget_ms if budget_ms is None else budget_ms
        n_samples, method, n_seeds = plan_runs(depth, width, n_seeds, budget_ms, n_samples)
        first = "std" if method == "weights" and n_samples > width else "all"
        return [(width, seed + k, n_samples, method, first if k == 0 else "std") for k in range(n_seeds)]

    @staticmethod
    def _absmax_key(key):
        """The key of the run that keeps the largest |activation| for the run of ``key`` (None: it keeps it)."""
        return None if key[4] == "all" else key[:4] + ("all",)

    def _absmax_run(self, key, depth, protect, stop=None):
        """The kept run of the first seed that keeps the largest |activation|, ``depth`` layers deep (or as deep
        as it got before ``stop`` was set)."""
        (run,) = self._kept([key], protect=protect)
        if run.depth < depth:
            if stop is None:
                run.extend(depth - run.depth, ahead=depth - run.depth >= 8)
            else:
                run.extend(depth - run.depth, stop=stop)
        return run

    def _missing_ms(self, keys, depth):
        """The estimated ms (:func:`run_cost_ms`) of the layers these runs lack to be ``depth`` deep."""
        kept = {key: self._cache[key].depth for key in keys if key in self._cache}
        return sum(run_cost_ms(max(0, depth - kept.get(key, 0)), key[0], key[2], key[3], key[4]) for key in keys)

    def _kept(self, keys, protect=()):
        """The kept run of each key, a new one (no layers yet) where none is kept; these become the most
        recently used. The least recently used others go, down to :data:`KEPT_NUMBERS` activations in all,
        except those in ``protect``.

        A run keeps the std and the mean (``keep="std"``); the one that keeps the largest |activation| too
        (``keep="all"``: where the floats overflow) is the first seed's, and only as deep as needed (see
        :meth:`_run_keys`).
        """
        def new_run(key):
            width, seed, n, method, keep = key
            # a run of a new width reads its seed's kept numbers instead of drawing them (at the default sizes,
            # depth 100, every width up to about 140)
            return Run(width, 1.0, n_samples=n, activation="linear", seed=seed, method=method, keep=keep,
                       stream=streams[seed])

        streams = {seed: kept_stream(seed) for seed in {key[1] for key in keys}}

        new = [key for key in keys if key not in self._cache]
        # each draws its inputs (and factors them), on the pool; one after the other if this is a pool's thread
        on_pool = threading.current_thread().name.startswith(POOL_NAME)
        for key, run in zip(new, map(new_run, new) if on_pool else POOL.map(new_run, new)):
            self._cache[key] = run
        for key in keys:
            self._cache.move_to_end(key)
        keep = set(keys) | set(protect)
        for key in [k for k in self._cache if k not in keep]:
            if sum(run.x.size for run in self._cache.values()) <= KEPT_NUMBERS:
                break
            del self._cache[key]
        return [self._cache[key] for key in keys]

    def _compute_within(self, keys, depth, seconds):
        """Push these runs to ``depth`` layers for at most about ``seconds``; the ms they still need, at the pace
        they went (0 when they got there, infinite when no layer was done). Layers computed before the time ran
        out are kept (the same numbers as in one go). The runs take turns, the shallowest first: one layer each,
        then :data:`TURN_LAYERS` at a time, so that when the time is up every run has layers, to about one depth."""
        stop = threading.Event()
        timer = threading.Timer(seconds, stop.set)
        timer.start()                 # the time counts from now: a new run's first inputs take part of it
        jobs = []
        try:
            runs = self._kept(keys, protect=self._shown_keys)
            before, start = [run.depth for run in runs], perf_counter()
            lock, busy = threading.Lock(), set()

            def take_turns():
                while not stop.is_set():
                    with lock:
                        free = [k for k, run in enumerate(runs) if run.depth < depth and k not in busy]
                        if not free:
                            return
                        k = min(free, key=lambda k: runs[k].depth)
                        busy.add(k)
                    try:
                        turn = TURN_LAYERS if runs[k].depth > before[k] else 1
                        runs[k].extend(min(turn, depth - runs[k].depth), stop=stop)
                    finally:
                        with lock:
                            busy.discard(k)

            jobs = [POOL.submit(take_turns) for _ in range(POOL_THREADS)]
            for job in jobs:
                job.result()
        finally:
            stop.set()                # whatever happened, no turn goes on behind the caller's back
            timer.cancel()
            wait(jobs)
        elapsed_ms, done = 1000 * (perf_counter() - start), sum(run.depth for run in runs) - sum(before)
        left = sum(max(0, depth - run.depth) for run in runs)
        return 0.0 if left == 0 else (math.inf if done == 0 else elapsed_ms * left / done)

    def _unit_runs(self, keys, depth):
        """The runs at scale 1, one per key, ``depth`` layers deep: a change of scale only tilts them
        (Simulation.rescale), and a deeper setting pushes them on through only the new layers (:class:`Run`).
        New layers of several runs share the machine's cores.
        """
        runs = self._kept(keys)
        todo = [run for run in runs if run.depth < depth]

        def deeper(run):
            return run.extend(depth - run.depth)

        if len(todo) > 1:
            list(POOL.map(deeper, todo))
        elif todo:                      # a single run: its random numbers are drawn on the other core
            todo[0].extend(depth - todo[0].depth, ahead=True)
        return [run.simulation().head(depth) for run in runs]

    def prepare(self, stop, depth=100, width=100, scale=1.0, *, n_seeds=1, n_samples=500, seed=0):
        """Compute the runs that ``update`` with these settings will need, and draw nothing; stop when ``stop``
        (a :class:`threading.Event`) is set, keeping every layer computed so far.

        A live view calls it in a background thread for the settings one slider step away while the learner
        looks at the figure (:meth:`~winit_helpers.live.core.LiveView.look_ahead`): a key press then finds its
        runs ready. The numbers are the same as those ``update`` would compute itself. It never lets the
        runs of the setting shown go to make room.
        """
        try:
            depth, width = check_positive_int("depth", depth), check_positive_int("width", width)
            n_seeds = check_positive_int("n_seeds", n_seeds)
            n_samples = check_positive_int("n_samples", n_samples, minimum=2)
        except (TypeError, ValueError):
            return                      # update will say what is wrong, if the learner goes there
        keys = self._run_keys(depth, width, n_seeds, n_samples, seed)
        runs = self._kept(keys, protect=self._shown_keys)
        todo = [run for run in runs if run.depth < depth]
        list(POOL.map(lambda run: run.extend(depth - run.depth, stop=stop), todo))
        absmax_key = self._absmax_key(keys[0])
        if absmax_key is None or stop.is_set() or runs[0].depth < depth:
            return
        try:
            needed = absmax_layers_needed(runs[0].simulation().head(depth).rescale(scale))
        except (TypeError, ValueError):
            return                      # a scale update will reject
        if needed:
            self._absmax_run(absmax_key, needed, protect=list(self._shown_keys) + keys, stop=stop)

    def further(self, params, ranges):
        """Settings for ``prepare`` beyond the neighbours, where a drag of the depth slider may go: the deepest
        depth of each stretch of :func:`plan_stretches` between the slider's ends (``ranges["depth"]``), the
        stretch shown first, then the others nearest first.

        Crossing into another stretch needs other runs (fewer inputs), computed from the first layer: up to
        about a second at once. Prepared in the background while the learner looks, a drag across finds them
        begun or done. Only as many stretches as the kept activations hold (:data:`KEPT_NUMBERS`, half of it:
        the neighbours' runs stay). ``params`` are the view's ``update`` parameters.
        """
        if "depth" not in ranges:
            return []
        try:
            depth, width = check_positive_int("depth", params["depth"]), check_positive_int("width", params["width"])
            n_seeds = check_positive_int("n_seeds", params.get("n_seeds", 1))
            n_samples = check_positive_int("n_samples", params.get("n_samples", 500), minimum=2)
            first, last = (check_positive_int("depth", d) for d in ranges["depth"])
        except (KeyError, TypeError, ValueError):
            return []                   # update says what is wrong
        stretches = plan_stretches(first, last, width, n_seeds, self.budget_ms, n_samples)
        stretches.sort(key=lambda s: max(s[0] - depth, depth - s[1], 0))
        out, numbers = [], 0
        for start, end, n, _ in stretches:
            numbers += n_seeds * n * width          # at most what their runs keep
            if numbers > KEPT_NUMBERS // 2:
                break
            out.append({**params, "depth": end})
        return out

    def _lines(self, n, n_samples):
        while len(self.lines) < n:
            (line,) = self.ax.plot([], [], color=SIM_COLOR, linewidth=2 if not self.lines else 1,
                                   alpha=1 if not self.lines else 0.55, zorder=2)
            self.lines.append(line)
        for k, line in enumerate(self.lines):
            if line.get_visible() != (k < n):
                line.set_visible(k < n)
        label = (f"simulation, {n_samples} inputs" if n == 1 else
                 f"simulation, {n} seeds of {n_samples} inputs")
        if self.lines[0].get_label() != label:
            self.lines[0].set_label(label)

    def update(self, depth=100, width=100, scale=1.0, *, n_seeds=1, n_samples=500, seed=0):
        depth = check_positive_int("depth", depth)
        width = check_positive_int("width", width)
        n_seeds = check_positive_int("n_seeds", n_seeds)
        n_samples = check_positive_int("n_samples", n_samples, minimum=2)
        asked_seeds, asked_samples = n_seeds, n_samples
        keys = self._run_keys(depth, width, n_seeds, n_samples, seed)
        full = (keys[0][2], len(keys))                  # the full figure's inputs per run and runs
        preview, partial = False, None
        if self.allow_preview:
            missing = self._missing_ms(keys, depth)
            quick = self._run_keys(depth, width, n_seeds, n_samples, seed, budget_ms=self.preview_ms)
            quick_ms = self._missing_ms(quick, depth)
            if missing > PREVIEW_ABOVE_MS and quick_ms < missing:
                keys, preview = quick, True       # clearly costly: fewer inputs or seeds, every layer
            elif missing > 0:
                # computed for a moment: what they reached is kept, and the look-ahead goes on from there
                left = self._compute_within(keys, depth, PREVIEW_AFTER_S)
                reached = min(self._cache[key].depth if key in self._cache else 0 for key in keys)
                if left > PARTIAL_ABOVE_MS and reached >= 1:
                    partial, preview = reached, True      # the layers every run reached
                elif left > 2 * quick_ms and quick_ms < missing:
                    keys, preview = quick, True   # no layer of some run yet: the quicker runs, if much quicker
        _, _, n_samples, method, _ = keys[0]
        n_seeds = len(keys)
        self._shown_keys = list(keys)
        if partial:
            sims = [self._cache[key].simulation().head(partial).rescale(scale) for key in keys]
        else:
            sims = [sim.rescale(scale) for sim in self._unit_runs(keys, depth)]
        predicted = predicted_log10_std(depth, width, scale)
        layers = sims[0].layers
        self._lines(n_seeds, n_samples)
        few = depth <= 30            # a few layers: mark each one, so one layer still shows a point
        for line, sim in zip(self.lines, sims):
            line.set_data(layers, sim.log10_std)
        for line, marker in zip(self.lines + [self.theory], ["o"] * len(self.lines) + ["x"]):
            if (line.get_marker() != "None") != few:
                line.set_marker(marker if few else "None")
                line.set_markersize(4 if marker == "o" else 7)
        self.theory.set_data(np.arange(1, depth + 1), predicted)      # every layer, also in a partial first look
        values = np.concatenate([predicted] + [s.log10_std for s in sims] + [[0.0]])
        lo, hi = values.min(), values.max()
        pad = max(0.5, 0.08 * (hi - lo))
        self.ax.set_ylim(steady_range(self.ax.get_ylim(), lo - pad, hi + pad, margin=0.05,
                                      recent=recent_ranges(self.ax, "y")))
        self.ax.set_xlim(steady_range(self.ax.get_xlim(), 0, depth + max(1, depth // 50), floor=0, margin=0.05,
                                      recent=recent_ranges(self.ax, "x")))

        def with_absmax(layers):    # the first seed's run, keeping the largest |activation|, as deep as needed
            absmax_key = self._absmax_key(keys[0])
            self._shown_keys.append(absmax_key)
            run = self._absmax_run(absmax_key, layers, protect=self._shown_keys)
            return run.simulation().head(layers).rescale(scale)

        beyond = float_edges(sims[0], with_absmax)       # where float32 and float64 overflow or underflow
        over64, under64 = beyond["float64"]
        edge = over64 or under64
        if self.marker.get_visible() != (edge is not None):
            self.marker.set_visible(edge is not None)
        if edge is not None and self.marker.get_xdata()[0] != edge:
            self.marker.set_xdata([edge, edge])
        self.marker_text.set_text(f"float64 {'overflows' if over64 else 'underflows'} at layer {edge} " if edge else "")
        growth = float(growth_per_layer(width, scale))
        self.ax.set_title(f"depth {depth}, width {width}, scale {scale:.3g}: "
                          f"theory std x {growth:.3g} per layer", fontsize=font_size(10), pad=title_pad())
        factors = 10.0 ** np.concatenate([np.diff(s.log10_std, prepend=0.0) for s in sims])
        lo_f, hi_f = min(factors.min(), growth), max(factors.max(), growth)
        # the bins span the axis's limits, which stay put while the data move a little: so do the bars' edges
        # (a generous margin: another run's extremes, after a move of width, usually still fit)
        xlim = steady_range(self.ax_factor.get_xlim(), lo_f - 1e-3 * growth, hi_f + 1e-3 * growth, fill=0.5,
                            margin=0.25, recent=recent_ranges(self.ax_factor, "x"))
        edges = np.linspace(xlim[0], xlim[1], 26)
        counts, _ = np.histogram(factors, bins=edges)
        self.bars.set_data(counts, edges)
        self.ax_factor.set_xlim(xlim)
        # as many decimals as the ticks need to be written exactly (a tick at 1.5 reads 1.5, not 2)
        self._factor_decimals = tick_decimals(self.ax_factor.xaxis.get_major_locator().tick_values(*xlim))
        # a partial first look's counts grow to the full figure's in a moment: the axis is made for those at once
        tallest = counts.max() * (depth / partial if partial else 1)
        self.ax_factor.set_ylim(steady_range(self.ax_factor.get_ylim(), 0, tallest * 1.15, floor=0, fill=0.5,
                                             margin=0.3, recent=recent_ranges(self.ax_factor, "y")))
        if self.factor_theory.get_xdata()[0] != growth:
            self.factor_theory.set_xdata([growth, growth])
        self.ax_factor.set_title(f"each layer: theory x {growth:.3g}", fontsize=font_size(9), pad=title_pad())
        self._place_texts()
        message = self._message(sims, predicted, beyond, so_far=partial is not None)
        if depth >= 2 * width and not partial:
            # the theory line follows the average variance; a typical run drifts below it (notebook 3)
            above = sum(sim.log10_std[-1] > predicted[-1] for sim in sims)
            shown = ("" if not above else "; this run ends above it, as a minority do" if len(sims) == 1 else
                     f"; here {above} of the {len(sims)} runs {'ends' if above == 1 else 'end'} above it")
            message += (f" Depth/width is {depth / width:.3g}: most runs end below the theory line, which follows "
                        f"the average variance (notebook 3 explains why){shown}.")
        if preview and not partial:
            message += (f" (A first look: {_runs(n_seeds, n_samples)}, drawn at once; the figure with "
                        f"{_runs(full[1], full[0])} follows in a moment.)")
        else:
            if n_samples < asked_samples:
                message += (f" (At this depth and width each run follows {n_samples} inputs, not {asked_samples}, "
                            "so the sliders stay responsive; their std wanders more from run to run.)")
            if n_seeds < asked_seeds:
                message += f" (Showing {n_seeds} of {asked_seeds} seeds at this size, to keep the sliders responsive.)"
        if partial:                  # the last sentence, as for any first look
            message += (f" (A first look: layers 1 to {partial} of {depth}, drawn at once; the other layers follow "
                        "in a moment.)")
        drawn = {"layers": layers, "simulations": [s.log10_std for s in sims], "theory": predicted,
                 "theory_layers": self.theory.get_xdata(),
                 "limits": {key: line.get_ydata()[0] for key, (line, _) in self.limits.items()},
                 "marker": edge, "factor_counts": counts, "factor_edges": edges, "factor_theory": growth,
                 "title": {"scale": scale, "growth": growth}, "n_samples": n_samples, "n_seeds": n_seeds}
        return DepthResult(depth, width, scale, sims, predicted, n_samples, method, message, drawn, preview, beyond)

    # --- texts and the legend where no curve runs -------------------------------------------------------

    def _curve_points(self):
        """Every drawn curve's points, in axes fractions (0 to 1 inside the axes)."""
        lines = [line for line in self.lines if line.get_visible()] + [self.theory]
        # with the segments between the points: a few layers are joined by long straight lines
        xy = np.concatenate([_along(np.column_stack([line.get_xdata(), line.get_ydata()])) for line in lines])
        to_axes = self.ax.transData + self.ax.transAxes.inverted()
        pts = to_axes.transform(xy[np.isfinite(xy).all(axis=1)])
        return pts

    def _place_texts(self):
        """Put the float-limit labels, the layer marker's label and the legend where no curve runs."""
        renderer = self.fig.canvas.get_renderer()
        points = self._curve_points()
        ax_box = self.ax.get_window_extent(renderer)
        ylo, yhi = self.ax.get_ylim()
        taken = []                                   # boxes (axes fractions) already used by a text

        def free(box):
            x0, y0, x1, y1 = box
            if x0 < 0 or x1 > 1 or y0 < 0 or y1 > 1:
                return False
            inside = ((points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1))
            return not inside.any() and not any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in taken)

        # the legend: the first corner it fits in without covering a curve, a float limit or the layer marker
        reference = [points]
        for line, _text in self.limits.values():
            frac = (line.get_ydata()[0] - ylo) / (yhi - ylo)
            if line.get_visible() and 0.0 <= frac <= 1.0:
                reference.append(np.column_stack([np.linspace(0, 1, 400), np.full(400, frac)]))
        if self.marker.get_visible():
            xlo, xhi = self.ax.get_xlim()
            frac = (self.marker.get_xdata()[0] - xlo) / (xhi - xlo)
            reference.append(np.column_stack([np.full(400, frac), np.linspace(0, 1, 400)]))
        legend_points = np.concatenate(reference)
        key = tuple(line.get_label() for line in self.lines[:1]) + (self.fig.dpi, tuple(ax_box.bounds))
        if key != self._legend_key:
            legend = self.ax.legend(handles=[self.lines[0], self.theory], loc="upper left", fontsize=font_size(8),
                                    frameon=False)
            size = legend.get_window_extent(renderer)
            self._legend_size = (size.width / ax_box.width, size.height / ax_box.height)
            self._legend_key = key
        lw, lh = self._legend_size
        pad = 0.02
        corners = {"upper left": (pad, 1 - pad - lh), "upper right": (1 - pad - lw, 1 - pad - lh),
                   "lower left": (pad, pad), "lower right": (1 - pad - lw, pad),
                   "center left": (pad, 0.5 - lh / 2), "center right": (1 - pad - lw, 0.5 - lh / 2)}
        def covered(item):
            x, y = item[1]
            return int(((legend_points[:, 0] >= x) & (legend_points[:, 0] <= x + lw) &
                        (legend_points[:, 1] >= y) & (legend_points[:, 1] <= y + lh)).sum())
        # the first free corner; if every place covers something, the one that covers the fewest points
        loc = next((name for name, corner in corners.items() if free((*corner, corner[0] + lw, corner[1] + lh))
                    and covered((name, corner)) == 0), None)
        if loc is None:
            loc = min(corners.items(), key=covered)[0]
        # made again when it moves, or what it shows changed: a label, or the points marked on a few layers
        legend = self.ax.get_legend()
        legend_of(legend if legend is not None and legend._loc == legend.codes[loc] else None,
                  [self.lines[0], self.theory],
                  lambda handles: self.ax.legend(handles=handles, loc=loc, fontsize=font_size(8), frameon=False))
        x, y = corners[loc]
        taken.append((x, y, x + lw, y + lh))

        # each float limit's label: next to its line, at either end, on the side no curve and no other limit line
        # is on (an overflow's above its line first, an underflow's below: a pair of close lines keeps both labels
        # outside it); else hidden
        fracs = {key: (line.get_ydata()[0] - ylo) / (yhi - ylo) for key, (line, _) in self.limits.items()
                 if line.get_visible()}
        for (dtype, bound), (line, text) in self.limits.items():
            frac = (line.get_ydata()[0] - ylo) / (yhi - ylo)
            others = [f for key, f in fracs.items() if key != (dtype, bound)]
            place = None
            if 0.0 < frac < 1.0:
                tw, th = _text_size(text, renderer, ax_box)
                sides = ("bottom", "top") if bound == "max" else ("top", "bottom")
                for ha, va in [(ha, va) for ha in ("right", "left") for va in sides]:
                    x0 = 1 - 0.01 - tw if ha == "right" else 0.01
                    y0 = frac - th if va == "top" else frac
                    if free((x0, y0, x0 + tw, y0 + th)) and not any(y0 < f < y0 + th for f in others):
                        place = (ha, va, x0, y0, tw, th)
                        break
            if place is None:
                if text.get_visible():
                    text.set_visible(False)
                continue
            ha, va, x0, y0, tw, th = place
            taken.append((x0, y0, x0 + tw, y0 + th))
            position = (0.99 if ha == "right" else 0.01, line.get_ydata()[0])
            if (not text.get_visible() or text.get_ha() != ha or text.get_va() != va
                    or text.get_transform() is not self.ax.get_yaxis_transform()
                    or tuple(text.get_position()) != position):
                text.set_transform(self.ax.get_yaxis_transform())
                text.set_position(position)
                text.set_ha(ha)
                text.set_va(va)
                text.set_visible(True)

        # the vertical marker's label: beside the marker, on a side and at a height where no curve runs
        text = self.marker_text
        if not self.marker.get_visible():
            return
        xlo, xhi = self.ax.get_xlim()
        xf = (self.marker.get_xdata()[0] - xlo) / (xhi - xlo)
        tw, th = _text_size(text, renderer, ax_box)
        place = None
        for ha in ("right", "left"):
            x0 = xf - tw if ha == "right" else xf
            for va, y0 in (("top", 0.98 - th), ("bottom", 0.02), ("center", 0.5 - th / 2)):
                if free((x0, y0, x0 + tw, y0 + th)):
                    place = (ha, va, x0, y0)
                    break
            if place:
                break
        if place is None:
            text.set_visible(False)
            return
        ha, va, x0, y0 = place
        yf = {"top": 0.98, "bottom": 0.02, "center": 0.5}[va]
        if (not text.get_visible() or text.get_ha() != ha or text.get_va() != va
                or tuple(text.get_position()) != (self.marker.get_xdata()[0], yf)):
            text.set_position((self.marker.get_xdata()[0], yf))
            text.set_ha(ha)
            text.set_va(va)
            text.set_visible(True)

    @staticmethod
    def _message(sims, predicted, beyond, so_far=False):
        """The runs' last layer's std against the theory's there, and where a float type would overflow or underflow
        in the first seed's run (``beyond``, from :func:`~winit_helpers.maths.forward.float_edges`).
        ``so_far``: the runs have only their first layers yet (a first look)."""
        sim, theory = sims[0], pow10_str(predicted[sims[0].depth - 1])
        if len(sims) == 1:
            parts = [f"Layer {sim.depth}: std = {pow10_str(sim.log10_std[-1])} (theory {theory})."]
        else:
            ends = [s.log10_std[-1] for s in sims]
            parts = [f"Layer {sim.depth}: std = {pow10_str(ends[0])} in the first run, {pow10_str(min(ends))} to "
                     f"{pow10_str(max(ends))} in the {len(sims)} runs (theory {theory})."]
        whose = "the first run's" if len(sims) > 1 else "the"
        for dtype in ("float32", "float64"):
            over, under = beyond[dtype]
            if over:
                parts.append(f"In {dtype} {whose} largest activations would overflow to inf at layer {over}.")
            elif under:
                parts.append(f"In {dtype} {whose} activations would all be below its smallest number (underflow "
                             f"to 0) from layer {under}.")
        if len(parts) == 1:
            parts.append("Within float32's range so far." if so_far else "Within float32's range all the way.")
        elif so_far and len(parts) == 2:     # float32 went out of range; float64 has not, in the layers so far
            parts.append("Within float64's range so far.")
        return " ".join(parts)
