"""How fast is the course? `make bench` runs this and prints a table; it also writes benchmarks/results.md.

Measured, never asserted: timings depend on the machine and on what else it is doing.

1. Every live view (found through the registry, so new views are measured with no change here):
   the time from a control change to the new frame (update + frame, what the kernel does before the
   image leaves for the browser), median and 95th percentile over 30+ moves near the default sizes,
   in the default style (drawn 1600 pixels wide, and as wide as a laptop's JupyterLab shows it) and in the
   projector style (1600 pixels, a slide's width), the two styles move by move in turn, on two pairs of fresh views;
   the share of moves that drew the whole figure again,
   and of those that drew again only the axes whose range changed;
   and the heaviest position: every slider at the end that costs most.
2. The simulation core against a bare numpy loop doing the same matrix products.
3. The core's time over depth (fixed width) and over width (fixed depth), with fitted growth
   exponents, and its peak memory over depth.
4. Training throughput, where a training benchmark exists.
"""
import argparse
import importlib
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from winit_helpers.maths.forward import simulate
from winit_helpers.live import all_views
from winit_helpers.style import use_default_style, use_projector_style

HERE = Path(__file__).resolve().parent
MOVES = 30
#: the targets, in ms: median and 95th percentile of a move at the default sizes; any position's 95th percentile
TARGET_MEDIAN, TARGET_P95, TARGET_HEAVIEST, TARGET_PROJECTOR_RATIO = 30, 60, 1000, 1.2
#: the width a laptop's JupyterLab (1366 x 768) shows a live figure at, in pixels: the page reports it, and the
#: figure is drawn that wide (Panel.show_at: 950 pixels); until then, and on a 1920 x 1080 slide, 1600
LAPTOP_SHOWN_PX = 934
#: the default and the projector style are measured move by move in turn, on this many pairs of fresh views
STYLE_ROUNDS = 2


def load_all_views():
    return all_views()


def nearby_values(control, n):
    """n values around a control's default, as a learner dragging a slider a little would produce."""
    if hasattr(control, "options"):
        options = list(control.options)
        if type(control).__name__ == "SelectionSlider":      # arrow keys: a step or a few either way
            at = options.index(control.value)
            steps = [at + k for k in (1, 2, 3, 2, 1, 0, -1, -2, -3, -2, -1, 0)]
            return [options[min(len(options) - 1, max(0, i))] for i in (steps * n)[:n]]
        return [options[i % len(options)] for i in range(1, n + 1)]
    start = control.value
    if type(control).__name__ == "FloatLogSlider":
        lo, hi = control.base ** control.min, control.base ** control.max
        steps = [start * control.base ** (control.step * k) for k in (1, 2, 3, 2, 1, 0, -1, -2, -3, -2, -1, 0)]
        return [min(hi, max(lo, v)) for v in (steps * n)[:n]]
    step = control.step or 1
    steps = [start + step * k for k in (1, 2, 3, 2, 1, 0, -1, -2, -3, -2, -1, 0)]
    return [min(control.max, max(control.min, v)) for v in (steps * n)[:n]]


def percentile(values, q):
    return float(np.percentile(values, q))


def each_move(view, moves, looked_ahead=None):
    """Move every control of ``view`` to nearby values, one move per step of this generator, which yields the
    seconds of that redraw (``view.seconds``).

    ``looked_ahead``: a list; before each move the view looks ahead to the settings one step away and waits
    until that is done (a learner who paused), and the seconds it took are appended to the list.
    """
    for control_name, control in view.controls.items():
        if getattr(control, "disabled", False):
            continue
        start = control.value
        for value in nearby_values(control, moves):
            if looked_ahead is not None:
                began = time.perf_counter()
                view.look_ahead(wait=True)
                looked_ahead.append(time.perf_counter() - began)
            if value == control.value:
                view.refresh()           # same value: no observer fires, so redraw by hand
            else:
                control.value = value
            yield view.seconds
        control.value = start


def time_moves(view, moves, looked_ahead=None):
    """The seconds of each redraw of :func:`each_move`, and the redraws of the whole figure and of only some axes."""
    full, axes = view.panel.full_redraws, view.panel.axes_redraws
    times = list(each_move(view, moves, looked_ahead))
    return times, view.panel.full_redraws - full, view.panel.axes_redraws - axes


def time_styles(build, moves):
    """The same moves on a view in the default style and on one in the projector style, move by move in turn (each
    with its style switched on), so that a machine that slows down or speeds up meanwhile affects both alike:
    (default seconds, projector seconds, the default view's redraws of the whole figure and of only some axes)."""
    use_default_style()
    default_view = build()
    use_projector_style()
    projector_view = build()
    full, axes = default_view.panel.full_redraws, default_view.panel.axes_redraws
    default_moves, projector_moves = each_move(default_view, moves), each_move(projector_view, moves)
    default, projector = [], []
    while True:
        use_default_style()
        seconds = next(default_moves, None)
        use_projector_style()
        other = next(projector_moves, None)
        if seconds is None or other is None:
            break
        default.append(seconds)
        projector.append(other)
    use_default_style()
    return default, projector, default_view.panel.full_redraws - full, default_view.panel.axes_redraws - axes


def ends(control):
    if hasattr(control, "options"):
        return list(control.options)
    if type(control).__name__ == "FloatLogSlider":
        return [control.base ** control.min, control.base ** control.max]
    return [control.min, control.max]


def heaviest(build, repeat=3):
    """Every control at the end (or option) that costs most, the others at their defaults.

    Each end is tried on a fresh view (nothing cached); then, ``repeat`` times on a fresh view, the
    controls are moved there one after the other. Returns (settings, median, worst) in seconds of the
    slowest redraw on the way: every position passed is one a learner can reach.
    """
    settings = {}
    for name, control in build().controls.items():
        costs = []
        for value in ends(control):
            view = build()
            if view.controls[name].value == value:
                view.refresh()
            else:
                view.controls[name].value = value
            costs.append((view.seconds, value))
        settings[name] = max(costs, key=lambda c: c[0])[1]
    worst = []
    for _ in range(repeat):
        view = build()
        slowest = 0.0
        for name, value in settings.items():
            if view.controls[name].value == value:
                continue
            view.controls[name].value = value
            slowest = max(slowest, view.seconds)
        worst.append(slowest)
    return settings, statistics.median(worst), max(worst)


def bench_views(moves=MOVES, only=None):
    rows = []
    for name, build in load_all_views().items():
        if only and name not in only:
            continue
        # the default and the projector style move by move in turn, twice, each round on fresh views: a machine that
        # slows down or speeds up meanwhile affects both alike (their ratio is a target)
        times, projector, full, axes = [], [], 0, 0
        for _ in range(STYLE_ROUNDS):
            more, more_projector, more_full, more_axes = time_styles(build, moves)
            times, projector = times + more, projector + more_projector
            full, axes = full + more_full, axes + more_axes
        laptop_view = build()
        laptop_view.shown_px.value = str(LAPTOP_SHOWN_PX)
        laptop, _, _ = time_moves(laptop_view, moves)
        settings, heavy_median, heavy_worst = heaviest(build)
        row = dict(name=name, moves=len(times), median=1000 * statistics.median(times),
                   p95=1000 * percentile(times, 95), full=full / len(times), axes=axes / len(times),
                   laptop_median=1000 * statistics.median(laptop), laptop_p95=1000 * percentile(laptop, 95),
                   projector_median=1000 * statistics.median(projector),
                   projector_p95=1000 * percentile(projector, 95),
                   heaviest=settings, heaviest_ms=1000 * heavy_worst)
        view = build()
        if getattr(view.panel, "prepare", None) is not None:
            looked = []
            paused, _, _ = time_moves(view, moves, looked_ahead=looked)
            row.update(paused_median=1000 * statistics.median(paused), paused_p95=1000 * percentile(paused, 95),
                       look_median=1000 * statistics.median(looked), look_max=1000 * max(looked))
        rows.append(row)
    return rows


def describe(settings):
    return ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in settings.items())


def bare_loop(depth, width, n_samples, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_samples, width))
    for _ in range(depth):
        x = x @ rng.normal(0.0, 1.0 / np.sqrt(width), size=(width, width))
    return x


def best_of(func, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_core(quick=False):
    repeat = 5 if quick else 31
    # interleaved, so that a machine that speeds up or slows down meanwhile affects both alike
    core_times, bare_times = [], []
    for _ in range(repeat):
        core_times.append(best_of(lambda: simulate(100, 100, 0.1), 1))
        bare_times.append(best_of(lambda: bare_loop(100, 100, 500), 1))
    core, bare = statistics.median(core_times), statistics.median(bare_times)
    depths = [10, 100, 1000] if quick else [1, 10, 100, 1000, 10000]
    by_depth = [(d, best_of(lambda: simulate(d, 100, 0.1), 3 if d < 1000 else 1)) for d in depths]
    widths = [16, 64, 256] if quick else [16, 64, 256, 1024, 2048]
    by_width = [(w, best_of(lambda: simulate(20, w, 1 / np.sqrt(w)), 3 if w < 1024 else 1)) for w in widths]
    memory = []
    for d in ([10, 1000] if quick else [10, 1000, 10000]):
        tracemalloc.start()
        simulate(d, 100, 0.1)
        memory.append((d, tracemalloc.get_traced_memory()[1]))
        tracemalloc.stop()
    return core, bare, by_depth, by_width, memory


def exponent(pairs, start=1):
    """Slope of log(time) against log(size) over the larger sizes (small ones are dominated by overhead)."""
    x, y = zip(*pairs[start:])
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def bench_training():
    path = HERE / "bench_training.py"
    if not path.exists():
        return []
    sys.path.insert(0, str(HERE))
    module = importlib.import_module("bench_training")
    return module.bench_training()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes and repeats (a smoke run)")
    parser.add_argument("--output", default=str(HERE / "results.md"), help="where to write the table")
    parser.add_argument("views", nargs="*", help="only these views (default: all), e.g. explore_depth")
    args = parser.parse_args()

    load_start = os.getloadavg()[0]
    lines = ["# Benchmark results", "",
             f"Machine: {platform.machine()}, {platform.processor() or 'unknown CPU'}, {os.cpu_count()} cores, "
             f"Python {platform.python_version()}, numpy {np.__version__}. "
             "Produced by `make bench`; the numbers depend on the machine and its load "
             "(LOAD_LINE).", ""]

    print("Live views: time from a control change to the new frame", flush=True)
    lines += ["## Live views: control change to new frame", "",
              f"Kernel side: `update` + `frame` (what happens before the image leaves for the browser). Targets at "
              f"the default sizes: median <= {TARGET_MEDIAN} ms and 95th percentile <= {TARGET_P95} ms, in the "
              f"default and in the projector style (which may cost at most {TARGET_PROJECTOR_RATIO}x the default); "
              f"every slider at its costliest end within {TARGET_HEAVIEST} ms. *Full* is the share of moves that "
              "drew the whole figure again (a changed axis range), *axes* the share that drew again only the "
              "axes whose range changed; the rest redrew only what moved. The figure is drawn as wide as the page "
              "shows it (`Panel.show_at`): the default and projector columns 1600 pixels wide, as on a 1920x1080 "
              "slide (and before a page has said how wide it shows the figure), the laptop columns "
              f"{LAPTOP_SHOWN_PX} pixels wide (drawn 950), as JupyterLab shows it on a 1366x768 laptop. *Moves* "
              f"counts the default column's: the default and the projector style are measured move by move in "
              f"turn, on {STYLE_ROUNDS} pairs of fresh views, so that a machine that changes pace meanwhile "
              "affects both alike; the laptop column has half as many.", "",
              "| view | moves | median (ms) | p95 (ms) | full | axes | laptop median (ms) | laptop p95 (ms) "
              "| projector median (ms) | projector p95 (ms) | heaviest position | heaviest (ms) | targets met |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    rows = bench_views(10 if args.quick else MOVES, only=args.views)
    for r in rows:
        ratio = r["projector_median"] / r["median"]
        ok = (r["median"] <= TARGET_MEDIAN and r["p95"] <= TARGET_P95 and r["laptop_median"] <= TARGET_MEDIAN
              and r["laptop_p95"] <= TARGET_P95 and r["projector_median"] <= TARGET_MEDIAN
              and r["projector_p95"] <= TARGET_P95 and r["heaviest_ms"] <= TARGET_HEAVIEST
              and ratio <= TARGET_PROJECTOR_RATIO)
        ok = "yes" if ok else "no"
        lines.append(f"| {r['name']} | {r['moves']} | {r['median']:.0f} | {r['p95']:.0f} | {r['full']:.0%} | {r['axes']:.0%} "
                     f"| {r['laptop_median']:.0f} | {r['laptop_p95']:.0f} | {r['projector_median']:.0f} | {r['projector_p95']:.0f} | {describe(r['heaviest'])} "
                     f"| {r['heaviest_ms']:.0f} | {ok} |")
        print(f"  {r['name']:30s} {r['moves']:4d} moves  median {r['median']:5.0f} ms  p95 {r['p95']:5.0f} ms  "
              f"full {r['full']:4.0%}  axes {r['axes']:4.0%}  laptop {r['laptop_median']:5.0f}/{r['laptop_p95']:5.0f} ms  projector {r['projector_median']:5.0f}/{r['projector_p95']:5.0f} ms  "
              f"heaviest {r['heaviest_ms']:6.0f} ms  {ok}", flush=True)

    paused = [r for r in rows if "paused_median" in r]
    if paused:
        lines += ["", "### After a pause: the look-ahead", "",
                  "The views above were moved in quick succession. A learner usually pauses on a frame, and then "
                  "these views prepare the settings one step away (a slider's arrow key, a drop-down list's next or previous choice) in the background (`LiveView.look_ahead`), "
                  "and the depth figures then the depths where a drag would need new runs (`further`). "
                  "The same moves, each after the look-ahead had finished; and how long the look-ahead worked "
                  "(both cores, while nothing else is asked of the kernel).", "",
                  "| view | moves | median (ms) | p95 (ms) | look-ahead median (ms) | look-ahead longest (ms) |",
                  "|---|---|---|---|---|---|"]
        for r in paused:
            lines.append(f"| {r['name']} | {r['moves']} | {r['paused_median']:.0f} | {r['paused_p95']:.0f} "
                         f"| {r['look_median']:.0f} | {r['look_max']:.0f} |")
            print(f"  {r['name']:30s} after a pause: median {r['paused_median']:5.0f} ms  p95 {r['paused_p95']:5.0f} ms"
                  f"  look-ahead {r['look_median']:5.0f} ms (longest {r['look_max']:5.0f} ms)", flush=True)

    core, bare, by_depth, by_width, memory = bench_core(args.quick)
    print(f"Core: simulate(100 layers, width 100, 500 samples) {1000 * core:.1f} ms; "
          f"bare numpy loop {1000 * bare:.1f} ms; ratio {core / bare:.2f} (target 1.2)")
    lines += ["", "## The simulation core", "",
              "`simulate(depth=100, width=100, scale=0.1)` with 500 samples against a bare numpy loop that draws "
              "the same matrices and does the same products (no statistics, no overflow safety).", "",
              "| core (ms) | bare loop (ms) | ratio (target 1.2) |", "|---|---|---|",
              f"| {1000 * core:.1f} | {1000 * bare:.1f} | {core / bare:.2f} |", "",
              "| depth (width 100) | time (ms) |", "|---|---|"]
    lines += [f"| {d} | {1000 * t:.1f} |" for d, t in by_depth]
    lines += ["", f"Fitted exponent of time against depth: {exponent(by_depth):.2f} (1 is linear).", "",
              "| width (depth 20) | time (ms) |", "|---|---|"]
    lines += [f"| {w} | {1000 * t:.1f} |" for w, t in by_width]
    lines += ["", f"Fitted exponent of time against width: {exponent(by_width, 2):.2f} "
              "(2 once the width x width matrices dominate: drawing and multiplying them).", "",
              "| depth (width 100) | peak memory (kB) |", "|---|---|"]
    lines += [f"| {d} | {m / 1024:.0f} |" for d, m in memory]
    lines += ["", "Memory stays flat in depth: only four numbers per layer are kept, never the activations."]
    print(f"  time over depth: exponent {exponent(by_depth):.2f}; over width: exponent {exponent(by_width, 2):.2f}")
    print("  peak memory: " + ", ".join(f"depth {d}: {m / 1024:.0f} kB" for d, m in memory))

    training = bench_training()
    if training:
        lines += ["", "## Training throughput", "", "| what | value | unit |", "|---|---|---|"]
        for what, value, unit in training:
            lines.append(f"| {what} | {value:,.0f} | {unit} |")
            print(f"  {what}: {value:,.0f} {unit}")

    load = (f"its load average over a minute, the number of processes running or waiting for a core: "
            f"{load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    lines = [line.replace("LOAD_LINE", load) for line in lines]
    print(load)
    Path(args.output).write_text("\n".join(lines) + "\n")
    print(f"Written to {args.output}")


if __name__ == "__main__":
    main()
