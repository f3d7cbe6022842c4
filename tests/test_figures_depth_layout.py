"""Notebooks 1 to 3's live figures: the reduced simulation is right in distribution, the heaviest settings
stay within their budget, nothing collides at the positions the course invites, and the sliders reach
every setting the questions and the guide name."""
import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from figure_checks import assert_linear_ticks_state_their_positions, visible_tick_labels  # noqa: E402
from layout_checks import layout_problems, legend_labels  # noqa: E402

from winit_helpers.figures.fan_in import FanInPanel  # noqa: E402
from winit_helpers.figures.depth import SAMPLE_CHOICES, DepthPanel, plan_runs, run_cost_ms, tick_decimals  # noqa: E402
from winit_helpers.figures.fix import FixPanel  # noqa: E402
from winit_helpers.live import all_views  # noqa: E402
from winit_helpers.live.fan_in import FAN_IN_STEPS  # noqa: E402
from winit_helpers.maths.forward import next_layer, simulate  # noqa: E402

#: what matplotlib draws, pixel by pixel: run at the pinned versions, not by `make test-floors` (see its comment)
pytestmark = pytest.mark.drawing

VIEWS = all_views()


# --------------------------------------------------------------------------- the reduced route, in distribution
@pytest.mark.parametrize("method", ["weights", "samples"])
def test_one_layer_has_the_covariance_of_x_times_random_weights(method):
    """Given x, every column of x @ W is normal with covariance scale**2 x x.T: both routes, against that."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 7)) * np.array([[1.0], [0.3], [2.0]])
    scale, draws = 0.7, 4000
    columns = np.concatenate([next_layer(x, scale, rng, method).T for _ in range(draws)])   # 28000 columns
    expected = scale ** 2 * x @ x.T
    measured = columns.T @ columns / len(columns)
    # standard error of a sample covariance entry: sqrt((S_ii S_jj + S_ij**2) / N); 5 of them
    se = np.sqrt((np.outer(np.diag(expected), np.diag(expected)) + expected ** 2) / len(columns))
    assert np.all(np.abs(measured - expected) < 5 * se), (measured, expected)
    assert np.abs(columns.mean(axis=0)).max() < 5 * np.sqrt(np.diag(expected).max() / len(columns))


def ks_statistic(a, b):
    """The two-sample Kolmogorov-Smirnov distance: the largest gap between the two empirical distributions."""
    a, b = np.sort(a), np.sort(b)
    grid = np.concatenate([a, b])
    return np.abs(np.searchsorted(a, grid, side="right") / a.size - np.searchsorted(b, grid, side="right") / b.size).max()


@pytest.mark.parametrize("activation", ["linear", "relu", "tanh"])
def test_drawing_the_outputs_gives_the_runs_that_drawing_the_weights_gives(activation):
    """200 seeds each way: the per-layer log10 std and log10 max |x| follow the same distribution."""
    depth, width, n, scale = 12, 30, 6, 1.3 / math.sqrt(30)
    runs = {m: [simulate(depth, width, scale, n_samples=n, activation=activation, seed=s, method=m)
                for s in range(200)] for m in ("weights", "samples")}
    # two samples of 200 from one distribution: the KS distance exceeds 1.95 * sqrt(2 / 200) = 0.195
    # with probability 0.001 (the asymptotic critical value)
    limit = 1.95 * math.sqrt(2 / 200)
    for layer in (0, depth // 2, depth - 1):
        for stat in ("log10_std", "log10_absmax", "log10_abs_mean"):
            a = [getattr(r, stat)[layer] for r in runs["weights"]]
            b = [getattr(r, stat)[layer] for r in runs["samples"]]
            assert ks_statistic(np.array(a), np.array(b)) < limit, (stat, layer)


def test_the_samples_route_needs_fewer_samples_than_units():
    with pytest.raises(ValueError, match="n_samples < width"):
        simulate(5, 10, 1.0, n_samples=10, method="samples")
    with pytest.raises(ValueError, match="unknown method .gram.; choose one of: weights, samples"):
        simulate(5, 10, 1.0, method="gram")


# --------------------------------------------------------------------------- the budget
@pytest.mark.parametrize("depth, width, n_seeds", [(1000, 100, 1), (300, 60, 5), (100, 100, 5), (100, 10, 5),
                                                   (300, 10, 5), (100, 100, 1), (1000, 400, 1)])
def test_the_settings_the_course_names_keep_500_inputs_where_they_fit(depth, width, n_seeds):
    n, method, seeds = plan_runs(depth, width, n_seeds, DepthPanel.budget_ms)
    assert seeds == n_seeds
    if n_seeds * run_cost_ms(depth, width, 500, "weights") <= DepthPanel.budget_ms:
        assert (n, method) == (500, "weights")
    else:
        assert n < 500 and n_seeds * run_cost_ms(depth, width, n, method) <= DepthPanel.budget_ms


@pytest.mark.parametrize("depth, width", [(1000, 1000), (1000, 2), (1, 1000), (1000, 400), (500, 700)])
@pytest.mark.parametrize("n_seeds", [1, 5])
def test_the_heaviest_settings_fit_the_budget_with_every_seed(depth, width, n_seeds):
    n, method, seeds = plan_runs(depth, width, n_seeds, DepthPanel.budget_ms)
    assert 1 <= seeds <= n_seeds and n in (500,) + SAMPLE_CHOICES
    assert seeds * run_cost_ms(depth, width, n, method) <= DepthPanel.budget_ms
    if seeds < n_seeds:              # fewer seeds only once the fewest inputs do not fit
        assert n == min(SAMPLE_CHOICES) and (seeds + 1) * run_cost_ms(depth, width, n, method) > DepthPanel.budget_ms


def test_fewer_seeds_are_shown_and_said():
    panel = DepthPanel()
    result = panel.update(depth=1000, width=1000, scale=0.03, n_seeds=5)
    shown = [line for line in panel.lines if line.get_visible()]
    assert len(shown) == len(result.simulations) < 5
    assert f"Showing {len(shown)} of 5 seeds" in result.message
    label = legend_labels(panel.ax)[0]
    assert label.startswith("simulation, ") and ("5 seeds" not in label)


def test_a_reduced_run_says_so_in_the_legend_and_the_message():
    panel = DepthPanel()
    result = panel.update(depth=300, width=1000, scale=0.03, n_seeds=5)
    assert result.n_samples < 500 and len(result.simulations) == 5
    assert legend_labels(panel.ax)[0] == f"simulation, 5 seeds of {result.n_samples} inputs"
    assert f"each run follows {result.n_samples} inputs, not 500" in result.message
    assert all(s.n_samples == result.n_samples for s in result.simulations)


# --------------------------------------------------------------------------- no collisions
#: every slider's minimum, default and maximum, and the settings the questions and the guide name
POSITIONS = {
    "explore_depth": [dict(depth=1), dict(depth=1000), dict(width=2), dict(width=1000), dict(scale=0.001),
                      dict(scale=10.0), dict(scale=0.1), dict(width=400, scale=0.05),
                      dict(depth=1000, scale=0.1), dict(depth=1000, width=400, scale=0.1),
                      dict(depth=1000, width=400, scale=0.05), dict(depth=1000, scale=0.01),
                      dict(depth=1000, scale=0.01, width=2), dict(scale=0.001, width=2), dict(scale=0.24),
                      dict(depth=1, width=2, scale=0.001), dict(depth=1000, width=1000, scale=10.0),
                      dict(depth=1000, width=1000, scale=0.001)],
    "explore_fix": [dict(depth=1), dict(depth=1000), dict(width=2), dict(width=1000), dict(multiplier=0.5),
                    dict(multiplier=2.0), dict(multiplier=0.9), dict(multiplier=1.1), dict(width=10),
                    dict(depth=300, width=10), dict(depth=300, width=60), dict(depth=1000, width=1000),
                    dict(depth=1000, width=2), dict(depth=1000, multiplier=2.0), dict(depth=1000, multiplier=0.5)],
    "explore_fan_in": [dict(fan_in=1), dict(fan_in=10), dict(fan_in=100), dict(fan_in=FAN_IN_STEPS[-1]),
                       dict(scale=0.001), dict(scale=10 ** -1.5), dict(scale=10.0), dict(weights="uniform"),
                       dict(fan_in=1, scale=0.001), dict(fan_in=FAN_IN_STEPS[-1], scale=10.0)],
}


def move(view, params):
    for name, value in params.items():
        control = view.controls[name]
        control.value = value
        assert view.error is None, f"{params}: {view.error}"


@pytest.mark.parametrize("name, params", [(n, p) for n, ps in POSITIONS.items() for p in ps],
                         ids=lambda v: str(v))
def test_nothing_collides_at_the_positions_the_course_invites(name, params):
    view = VIEWS[name]()
    move(view, params)
    assert layout_problems(view.panel.fig, f"{name} at {params}: ") == []


@pytest.mark.parametrize("params", POSITIONS["explore_depth"][:4] + POSITIONS["explore_fix"][9:13],
                         ids=lambda v: str(v))
@pytest.mark.parametrize("name", ["explore_depth", "explore_fix"])
def test_the_legend_counts_the_lines_it_draws(name, params):
    view = VIEWS[name]()
    move(view, {k: v for k, v in params.items() if k in view.controls})
    panel = view.panel
    shown = [line for line in panel.lines if line.get_visible()]
    n = view.result.n_samples
    label = legend_labels(panel.ax)[0]
    assert label == (f"simulation, {n} inputs" if len(shown) == 1 else f"simulation, {len(shown)} seeds of {n} inputs")
    assert len(shown) == len(view.result.simulations) <= view.params.get("n_seeds", 1)
    if len(shown) < view.params.get("n_seeds", 1):
        assert f"Showing {len(shown)} of {view.params['n_seeds']} seeds" in view.result.message


def test_one_layer_draws_a_point_for_the_simulation_and_the_theory():
    view = VIEWS["explore_depth"]()
    move(view, dict(depth=1))
    panel = view.panel
    assert panel.lines[0].get_marker() == "o" and panel.theory.get_marker() == "x"
    assert list(panel.lines[0].get_xdata()) == [1] and list(panel.theory.get_xdata()) == [1]
    lo, hi = panel.ax.get_xlim()
    assert lo <= 1 <= hi
    ticks = [t for t in panel.ax.get_xticks() if lo <= t <= hi]
    assert all(float(t).is_integer() for t in ticks)          # layers are whole numbers


# --------------------------------------------------------------------------- the sliders reach what the course names
def grid_values(control):
    """Every value a slider's grid offers (a log slider: base ** (min + k * step); a selection slider: its options)."""
    if hasattr(control, "options"):
        return np.array(control.options, dtype=float)
    if type(control).__name__ == "FloatLogSlider":
        k = np.arange(round((control.max - control.min) / control.step) + 1)
        return control.base ** (control.min + k * control.step)
    k = np.arange(round((control.max - control.min) / control.step) + 1)
    return control.min + k * control.step


def on_grid(control, value, rel=1e-12):
    return bool(np.any(np.abs(grid_values(control) - value) <= rel * abs(value)))


#: view -> control -> the values the questions, the exercises and the guide name
NAMED = {
    "explore_fan_in": {"fan_in": [1, 10, 100, 1000], "scale": [1.0, 10 ** -1.5]},
    "explore_depth": {"depth": [1, 100, 1000], "width": [2, 100, 400, 1000], "scale": [1.0, 0.1, 0.05, 0.24, 0.01, 0.001]},
    "explore_fix": {"depth": [100, 300, 1000], "width": [10, 60, 100], "multiplier": [0.9, 1.0, 1.1]},
}


@pytest.mark.parametrize("name", sorted(NAMED))
def test_every_named_setting_is_on_its_sliders_grid(name):
    view = VIEWS[name]()
    for control_name, values in NAMED[name].items():
        for value in values:
            assert on_grid(view.controls[control_name], value), f"{name}: {control_name} = {value} is not on the grid"


def steps_between(control, a, b):
    """How many arrow-key presses move a selection slider from option ``a`` to option ``b``."""
    options = list(control.options)
    return abs(options.index(b) - options.index(a))


def test_fan_in_steps_through_distinct_whole_numbers_on_a_log_like_scale():
    view = VIEWS["explore_fan_in"]()
    control = view.controls["fan_in"]
    assert type(control).__name__ == "SelectionSlider"
    options = list(control.options)
    assert all(isinstance(v, int) for v in options) and options == sorted(set(options))   # every press moves it
    assert options[0] == 1 and options[-1] == 4000
    ratios = np.diff(np.log10(options))
    assert ratios.max() <= math.log10(3) + 1e-12            # no step more than x3 (1 -> 2 -> 3 -> 5 -> 10 ...)
    assert steps_between(control, 10, 100) == 4 and steps_between(control, 100, 1000) == 4
    for value in options[:4]:                               # each of the first presses changes the figure
        move(view, dict(fan_in=value))
        assert view.result.fan_in == value and f"fan_in = {value}," in view.panel.ax_hist.get_title()
    assert set(FanInPanel.grid) <= set(options)            # the slider visits every point of the law's grid


def test_the_scale_slider_of_notebook_2_holds_its_named_scales_a_few_presses_apart():
    view = VIEWS["explore_depth"]()
    control = view.controls["scale"]
    assert type(control).__name__ == "SelectionSlider" and control.value == 1.0
    options = list(control.options)
    assert options == sorted(set(options)) and options[0] == 0.001 and options[-1] == 10.0
    assert np.diff(np.log10(options)).max() <= math.log10(2.5) + 1e-12   # even enough on a log scale
    assert steps_between(control, 1.0, 0.1) <= 7 and steps_between(control, 0.1, 0.05) <= 2
    move(view, dict(width=400, scale=0.05))                 # exactly 1/sqrt(400): the theory line is flat
    assert view.result.drawn["factor_theory"] == pytest.approx(1.0, abs=1e-12)
    assert np.abs(view.result.predicted).max() < 1e-9


def test_the_factor_slider_reaches_0_9_and_1_1_in_two_presses_and_draws_them_exactly():
    view = VIEWS["explore_fix"]()
    control = view.controls["multiplier"]
    assert round((1.1 - 1.0) / control.step) == 2 and round((1.0 - 0.9) / control.step) == 2
    move(view, dict(multiplier=1.1))
    assert view.result.drawn["factor_theory"] == pytest.approx(1.1, rel=1e-12)
    assert view.result.predicted[99] == pytest.approx(100 * math.log10(1.1), rel=1e-12)    # 1.1**100 = 1.4e4


def test_a_new_width_runs_only_the_layers_shown_and_a_deeper_depth_only_the_new_ones():
    panel = DepthPanel()
    first = panel.update(depth=100, width=100, scale=1.0)
    # the run that keeps the std, and the same seed's run that keeps all, as deep as float32's overflow needs
    run, absmax = panel._cache[(100, 0, 500, "weights", "std")], panel._cache[(100, 0, 500, "weights", "all")]
    assert len(panel._cache) == 2 and run.depth == 100        # a first look at a width: no layers it does not show
    assert first.beyond["float32"][0] <= absmax.depth < 50    # std x 10 a layer: float32 overflows near layer 38
    needed = absmax.depth
    deeper = panel.update(depth=101, width=100, scale=1.0)
    assert list(panel._cache.values()) == [run, absmax] and run.depth == 101
    assert [c.shape[1] for c in run.chunks] == [100, 1] and absmax.depth == needed     # nothing more needed
    assert np.array_equal(deeper.log10_std[:100], first.log10_std)
    direct = simulate(101, 100, 1.0, n_samples=500, seed=0, method=deeper.method, keep="std")
    assert np.array_equal(deeper.log10_std, direct.log10_std)   # the same as running 101 layers directly
    direct = simulate(101, 100, 1.0, n_samples=500, seed=0, method=deeper.method)           # keeps all
    assert deeper.beyond == {dtype: (direct.overflow_layer(dtype), direct.underflow_layer(dtype))
                             for dtype in ("float32", "float64")}


def test_the_depth_figure_keeps_its_most_recent_runs_within_its_memory(monkeypatch):
    import winit_helpers.figures.depth as depth_module
    monkeypatch.setattr(depth_module, "KEPT_NUMBERS", 3 * 500 * 40)      # room for three runs' activations
    panel = FixPanel()
    for width in (40, 41, 42, 40, 120, 41):           # width 120's two runs alone are more than the room: kept
        result = panel.update(depth=20, width=width, multiplier=1.0, n_seeds=2, seed=3)
        kept = list(panel._cache)
        assert kept[-2:] == [(width, 3, 500, "weights", "std"), (width, 4, 500, "weights", "std")]
        assert sum(run.x.size for run in panel._cache.values()) <= 3 * 500 * 40 or len(kept) == 2
        direct = simulate(20, width, 1.0 / math.sqrt(width), n_samples=500, seed=4, keep="std")
        assert np.allclose(result.simulations[1].log10_std, direct.log10_std, atol=1e-9)


@pytest.mark.parametrize("multiplier", [0.5, 0.6, 0.95, 1.0, 1.5, 2.0])
@pytest.mark.parametrize("width", [2, 3, 10, 100])
def test_the_growth_histogram_labels_state_their_ticks(multiplier, width):
    """Notebook 3's growth-per-layer axis: each label is its tick's value to the last digit written (1.5, not 2)."""
    view = all_views()["explore_fix"]()             # moved there as a learner would: the limits have a history
    for depth in (100, 30, 1):
        view.controls["depth"].value = depth
        view.controls["multiplier"].value = multiplier
        view.controls["width"].value = width
        assert view.error is None, view.error
        where = f"depth {depth}, multiplier {multiplier}, width {width}"
        assert_linear_ticks_state_their_positions(view.panel.ax_factor.xaxis, where)
        assert visible_tick_labels(view.panel.ax_factor.xaxis), f"{where}: no labelled tick"


@pytest.mark.parametrize("ticks, decimals", [([0, 1.5, 3], 1), ([0.25, 0.5, 0.75], 2), ([0.4, 0.5, 0.6000000000000001], 1),
                                             ([0, 10, 20], 0), ([0.495, 0.5], 3), ([1e-7, 2e-7], 6)])
def test_tick_decimals_writes_every_tick_exactly(ticks, decimals):
    assert tick_decimals(ticks) == decimals


@pytest.mark.parametrize("scale", [0.001, 0.1, 1.0, 7.0, 10.0])
def test_each_float_limit_label_sits_by_its_own_line_and_no_other_crosses_it(scale):
    """float32's two lines lie close on a figure thousands of decades high: each label stays outside the pair."""
    view = all_views()["explore_depth"]()
    view.controls["depth"].value = 1000
    view.controls["scale"].value = scale
    panel = view.panel
    panel.fig.canvas.draw()
    renderer = panel.fig.canvas.get_renderer()
    to_pixels = panel.ax.transData
    ys = {key: to_pixels.transform((0, line.get_ydata()[0]))[1] for key, (line, _) in panel.limits.items()}
    ax_box = panel.ax.get_window_extent(renderer)
    for key, (line, text) in panel.limits.items():
        inside = ax_box.y0 < ys[key] < ax_box.y1
        if not inside:
            continue
        assert text.get_visible(), f"scale {scale}: {key} has a line in view but no label"
        box = text.get_window_extent(renderer)
        assert box.y0 - 1 <= ys[key] <= box.y1 + 1, f"scale {scale}: {key}'s label is not beside its line"
        for other, y in ys.items():
            if other != key and ax_box.y0 < y < ax_box.y1:
                assert not box.y0 + 0.5 < y < box.y1 - 0.5, f"scale {scale}: {other}'s line crosses {key}'s label"
