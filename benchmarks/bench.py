"""How fast is the course? `make bench` runs this and prints a table; it also writes benchmarks/results.md.

Measured, never asserted: timings depend on the machine and on what else it is doing.

1. Every live view (found through the registry, so new views are measured with no change here):
   the time from a control change to the redrawn PNG, median and 95th percentile over 30+ moves
   at the default sizes.
2. The simulation core against a bare numpy loop doing the same matrix products.
3. The core's time over depth (fixed width) and over width (fixed depth), with fitted growth
   exponents, and its peak memory over depth.
4. Training throughput, where a training benchmark exists.
"""
import argparse
import importlib
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from winit_helpers.maths.forward import simulate
from winit_helpers.live import all_views

HERE = Path(__file__).resolve().parent
MOVES = 30


def load_all_views():
    return all_views()


def nearby_values(control, n):
    """n values around a control's default, as a learner dragging a slider a little would produce."""
    if hasattr(control, "options"):
        options = list(control.options)
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


def bench_views(moves=MOVES):
    rows = []
    for name, build in load_all_views().items():
        view = build()
        times = []
        for control_name, control in view.controls.items():
            if getattr(control, "disabled", False):
                continue
            start = control.value
            for value in nearby_values(control, moves):
                if value == control.value:
                    view.refresh()           # same value: no observer fires, so redraw by hand
                else:
                    control.value = value
                times.append(view.seconds)
            control.value = start
        if times:
            rows.append((name, len(times), 1000 * statistics.median(times), 1000 * percentile(times, 95)))
    return rows


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
    args = parser.parse_args()

    lines = ["# Benchmark results", "",
             f"Machine: {platform.machine()}, {platform.processor() or 'unknown CPU'}, "
             f"Python {platform.python_version()}, numpy {np.__version__}. "
             "Produced by `make bench`; the numbers depend on the machine and its load.", ""]

    print("Live views: time from a control change to the redrawn figure", flush=True)
    lines += ["## Live views: control change to redrawn figure", "",
              "Targets: median under 50 ms, 95th percentile under 100 ms.", "",
              "| view | moves | median (ms) | 95th percentile (ms) | targets met |", "|---|---|---|---|---|"]
    for name, n, median, p95 in bench_views(10 if args.quick else MOVES):
        ok = "yes" if median < 50 and p95 < 100 else "no"
        lines.append(f"| {name} | {n} | {median:.0f} | {p95:.0f} | {ok} |")
        print(f"  {name:34s} {n:4d} moves  median {median:6.0f} ms  p95 {p95:6.0f} ms  {ok}", flush=True)

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

    Path(args.output).write_text("\n".join(lines) + "\n")
    print(f"Written to {args.output}")


if __name__ == "__main__":
    main()
