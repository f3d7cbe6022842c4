"""Looking ahead: while the learner looks at a frame, a live view prepares the settings one step away
(a slider's arrow key, a drop-down list's next or previous choice).

The prepared numbers must be exactly those the figure would compute itself, whether the look-ahead finished or
was stopped part way; a redraw must stop it first; and the next press must find its work done.
"""
import asyncio
import itertools
import math
import threading

import ipywidgets as widgets
import numpy as np
import pytest
from figure_checks import same_numbers as _same

import winit_helpers.live.core as core
from winit_helpers.figures.base import Panel
import winit_helpers.figures.depth as depth_module
from winit_helpers.figures.depth import DepthPanel, plan_runs, plan_stretches
from winit_helpers.figures.fix import FixPanel
from winit_helpers.live import all_views
from winit_helpers.live.core import LiveView, log_slider, step_value, steps_slider, stop_look_ahead
from winit_helpers.maths import isometry as iso
from winit_helpers.maths.forward import Run, Stopped, simulate

VIEWS = all_views()


class StopAfter:
    """Stands for a threading.Event that is set after ``n`` questions: a stop that comes part way."""

    def __init__(self, n):
        self.n = n

    def is_set(self):
        self.n -= 1
        return self.n < 0


@pytest.mark.parametrize("method, keep, n_samples", [("weights", "all", 300), ("weights", "std", 300),
                                                     ("samples", "std", 20)])
@pytest.mark.parametrize("stopped_after", [0, 1, 13])
def test_a_run_stopped_part_way_keeps_its_layers_and_goes_on_to_the_same_numbers(method, keep, n_samples,
                                                                                   stopped_after):
    run = Run(40, 0.2, n_samples=n_samples, activation="linear", seed=5, method=method, keep=keep)
    run.extend(30, stop=StopAfter(stopped_after))
    assert run.depth == stopped_after
    assert run.simulation().log10_std.shape == (stopped_after,)
    run.extend(30 - run.depth)
    whole = simulate(30, 40, 0.2, n_samples=n_samples, seed=5, method=method, keep=keep)
    assert np.array_equal(run.simulation().log10_std, whole.log10_std)
    assert np.array_equal(run.simulation().log10_abs_mean, whole.log10_abs_mean)


def test_a_run_cannot_both_draw_ahead_and_stop_part_way():
    run = Run(10, 1.0, n_samples=20, activation="linear", seed=0, method="weights", keep="all")
    with pytest.raises(ValueError, match="either ahead or stop"):
        run.extend(10, ahead=True, stop=threading.Event())


def _extensions(monkeypatch):
    """Record every number of layers a Run is pushed on by."""
    calls, extend = [], Run.extend

    def recorded(self, more, **kwargs):
        calls.append(more)
        return extend(self, more, **kwargs)

    monkeypatch.setattr(Run, "extend", recorded)
    return calls


@pytest.mark.parametrize("stop", [None, 0, 7, 250])
def test_a_prepared_setting_draws_the_numbers_of_a_fresh_figure_and_computes_nothing_left(monkeypatch, stop):
    panel, fresh = FixPanel(), FixPanel()
    panel.update(depth=60, width=50, multiplier=1.2)
    panel.prepare(threading.Event() if stop is None else StopAfter(stop), depth=60, width=51, multiplier=1.2)
    runs = [panel._cache[key] for key in panel._run_keys(60, 51, 5, 500, 0) if key in panel._cache]
    if stop is None:                                   # finished: every seed's run is as deep as the figure
        assert len(runs) == 5 and all(run.depth == 60 for run in runs)
    calls = _extensions(monkeypatch)
    result = panel.update(depth=60, width=51, multiplier=1.2)
    if stop is None:
        assert not any(calls), "the redraw computed layers the look-ahead had prepared"
    expected = fresh.update(depth=60, width=51, multiplier=1.2)
    for ours, theirs in zip(result.drawn["simulations"], expected.drawn["simulations"], strict=True):
        assert np.array_equal(ours, theirs)
    assert np.array_equal(result.drawn["factor_counts"], expected.drawn["factor_counts"])


@pytest.mark.parametrize("panel_class, settings", [(DepthPanel, dict(depth=60, scale=1.0)),
                                                    (FixPanel, dict(depth=200, multiplier=1.6))])
def test_a_prepared_setting_has_the_largest_activation_its_words_and_marker_need(panel_class, settings, monkeypatch):
    """Both settings take float32 past its range (std x 7 a layer; x 1.6, to 1e38 near layer 186): only the first
    seed's run that keeps every activation says where. The look-ahead computes it too, as deep as needed."""
    panel, fresh = panel_class(), panel_class()
    panel.update(width=50, n_seeds=3, **settings)
    panel.prepare(threading.Event(), width=51, n_seeds=3, **settings)
    calls = _extensions(monkeypatch)
    result = panel.update(width=51, n_seeds=3, **settings)
    assert not any(calls), "the redraw computed layers the look-ahead had prepared"
    expected = fresh.update(width=51, n_seeds=3, **settings)
    assert result.beyond == expected.beyond and result.beyond["float32"][0] is not None
    assert result.message == expected.message and result.drawn["marker"] == expected.drawn["marker"]


def test_a_stopped_look_ahead_leaves_the_redraw_only_the_layers_it_did_not_reach(monkeypatch):
    panel = DepthPanel()
    panel.update(depth=80, width=30, scale=0.2)
    panel.prepare(StopAfter(25), depth=80, width=31, scale=0.2)
    (key,) = panel._run_keys(80, 31, 1, 500, 0)
    reached = panel._cache[key].depth
    assert 0 < reached < 80
    calls = _extensions(monkeypatch)
    panel.update(depth=80, width=31, scale=0.2)
    assert calls == [80 - reached]


def test_looking_ahead_never_lets_the_shown_runs_go(monkeypatch):
    import winit_helpers.figures.depth as depth_module
    monkeypatch.setattr(depth_module, "KEPT_NUMBERS", 2 * 500 * 40)     # room for about two runs
    panel = FixPanel()
    panel.update(depth=10, width=40, multiplier=1.0, n_seeds=2)
    shown = list(panel._shown_keys)
    panel.prepare(threading.Event(), depth=10, width=41, multiplier=1.0, n_seeds=2)
    panel.prepare(threading.Event(), depth=10, width=39, multiplier=1.0, n_seeds=2)
    assert all(key in panel._cache and panel._cache[key].depth == 10 for key in shown)


def test_bad_settings_are_left_for_the_redraw_to_report():
    panel = DepthPanel()
    panel.update(depth=5, width=10, scale=1.0)
    panel.prepare(threading.Event(), depth=0, width=10, scale=1.0)      # nothing prepared, nothing raised
    assert list(panel._cache) == panel._shown_keys


def test_one_step_away_the_slider_moved_last_comes_first_in_its_direction():
    view = VIEWS["explore_fix"]()
    depth, width, multiplier = view.controls["depth"], view.controls["width"], view.controls["multiplier"]
    width.value = 99                                   # moved down last
    got = [(p["depth"], p["width"], p["multiplier"]) for p in view.neighbours()]
    assert got == [(100, 98, 1.0), (100, 100, 1.0), (101, 99, 1.0), (99, 99, 1.0), (100, 99, 1.05),
                   (100, 99, 0.95)]
    depth.value = depth.max                            # at the end of its range: only the way back
    got = [(p["depth"], p["width"]) for p in view.neighbours()]
    assert got[:3] == [(depth.max - 1, 99), (depth.max, 100), (depth.max, 98)]     # then the others, up first
    assert all(p["seed"] == 0 and p["n_seeds"] == 5 for p in view.neighbours())
    assert multiplier.value == 1.0


def test_a_step_is_what_the_arrow_keys_give():
    log = log_slider("scale", 0.1, 0.001, 10)
    up, down = step_value(log, 1), step_value(log, -1)
    assert math.log10(up) == pytest.approx(-1 + log.step) and math.log10(down) == pytest.approx(-1 - log.step)
    log.value = 10
    assert step_value(log, 1) is None
    steps = steps_slider("n", [1, 2, 4, 8], 4)
    assert (step_value(steps, 1), step_value(steps, -1)) == (8, 2)
    steps.value = 8
    assert step_value(steps, 1) is None
    choice = widgets.Dropdown(options=["a", "b", "c"], value="b")     # the arrow keys on a drop-down list
    assert (step_value(choice, 1), step_value(choice, -1)) == ("c", "a")
    choice.value = "c"
    assert step_value(choice, 1) is None
    pairs = widgets.Dropdown(options=[("one", 1), ("two", 2)], value=1)
    assert (step_value(pairs, 1), step_value(pairs, -1)) == (2, None)
    assert step_value(widgets.Text(value="a"), 1) is None
    floaty = widgets.FloatSlider(value=0.95, min=0.5, max=2.0, step=0.05)
    assert step_value(floaty, 1) == 1.0 and step_value(floaty, -1) == 0.9


class WaitsForStop(Panel):
    """A panel whose preparation runs until it is told to stop."""
    figsize = (2, 1)

    def draw(self):
        self.ax = self.fig.add_subplot()
        self.started, self.stops = threading.Event(), []

    def update(self, a=1):
        self.ax.set_title(f"a = {a}")
        return None

    def prepare(self, stop, a=1):
        self.started.set()
        stop.wait(10)
        self.stops.append(stop.is_set())


def test_a_redraw_stops_the_look_ahead_first():
    view = LiveView(WaitsForStop(), {"a": widgets.IntSlider(value=1, min=0, max=3)})
    view.look_ahead()
    assert view.panel.started.wait(5)
    view.controls["a"].value = 2                      # a redraw: it stops the look-ahead and waits for it
    assert core._LOOK_AHEAD["thread"] is None
    assert view.panel.stops == [True]                 # stopped at once: only the first of its two settings
    assert view.seconds < 5


def test_a_failed_look_ahead_is_kept_for_the_redraw_to_show():
    class Fails(WaitsForStop):
        def prepare(self, stop, a=1):
            raise ValueError("no such a")

    view = LiveView(Fails(), {"a": widgets.IntSlider(value=1, min=0, max=3)})
    view.look_ahead(wait=True)
    assert view.look_ahead_error == "ValueError: no such a"
    view.look_ahead(wait=True)
    stop_look_ahead()
    assert core._LOOK_AHEAD["thread"] is None


def test_a_panel_without_prepare_is_not_looked_ahead_for():
    view = VIEWS["explore_normalisation"]()
    assert not hasattr(view.panel, "prepare")
    view.look_ahead(wait=True)
    assert core._LOOK_AHEAD["thread"] is None


@pytest.mark.parametrize("first_look", [False, True])
def test_a_key_press_from_the_browser_looks_ahead_and_the_next_press_finds_its_runs(first_look, monkeypatch):
    """Whether the first press draws the full figure at once or a first look (whose full figure follows), the
    settings one step away are prepared afterwards. How long the runs take decides which route a press takes on
    a given machine; each is forced here (a first look after 0 s of computing, or never)."""
    monkeypatch.setattr(depth_module, "PREVIEW_AFTER_S", 0.0 if first_look else 60.0)
    monkeypatch.setattr(depth_module, "PREVIEW_ABOVE_MS", 0.0 if first_look else float("inf"))
    view = VIEWS["explore_fix"]()
    width = view.controls["width"]
    fresh = FixPanel()

    async def press(value):
        width.set_state({"value": value})             # what the widget's comm does with a message from the browser
        await asyncio.sleep(0)
        return view.result

    async def settle():
        """Wait for the look-ahead running now, then for what the event loop does with its result."""
        thread = core._LOOK_AHEAD["thread"]
        assert thread is not None, "no look-ahead after a move from the browser"
        await asyncio.to_thread(thread.join)
        for _ in range(3):
            await asyncio.sleep(0)

    async def two_presses():
        await asyncio.sleep(2 * core.QUIET_SECONDS)
        first = await press(101)
        assert first.width == 101 and first.preview == first_look
        if first_look:
            await settle()                            # the full figure's runs; then it is drawn
            assert view.result.width == 101 and not view.result.preview
        await asyncio.sleep(core.LOOK_AHEAD_SECONDS + 0.05)
        await settle()                                # the settings one step away
        monkeypatch.setattr(depth_module, "PREVIEW_AFTER_S", 60.0)
        calls = _extensions(monkeypatch)
        await asyncio.sleep(2 * core.QUIET_SECONDS)
        result = await press(102)                     # the way it went: prepared
        return calls, result

    calls, result = asyncio.run(two_presses())
    stop_look_ahead()
    assert result.width == 102 and not result.preview and not any(calls)
    expected = fresh.update(depth=100, width=102, multiplier=1.0)
    for ours, theirs in zip(result.drawn["simulations"], expected.drawn["simulations"], strict=True):
        assert np.array_equal(ours, theirs)


def test_a_move_set_from_code_does_not_look_ahead():
    view = VIEWS["explore_fix"]()
    view.controls["width"].value = 120               # a notebook cell or a test: nothing runs behind it
    assert core._LOOK_AHEAD["thread"] is None


LOOKING_AHEAD = sorted(name for name, build in VIEWS.items() if hasattr(build().panel, "prepare"))


def test_the_views_with_costly_sliders_look_ahead():
    assert {"explore_depth", "explore_fix", "explore_activation_histograms", "explore_isometry", "explore_lsuv",
            "explore_residual"} <= set(LOOKING_AHEAD)


@pytest.mark.parametrize("name", LOOKING_AHEAD)
def test_every_slider_step_after_a_look_ahead_draws_what_a_fresh_view_draws_and_computes_nothing(name, monkeypatch):
    """Each slider one step up and one down, each move after a finished look-ahead: the figure, its numbers and
    its status line are those of a view that never looked ahead and computed them afresh, and no costly result
    is computed on the move."""
    misses = []
    computed = Panel.computed

    def recorded(panel, key, compute):
        if key not in panel._results:
            misses.append(key)
        return computed(panel, key, compute)

    for control in VIEWS[name]().controls:
        for sign in (1, -1):
            looked, fresh = VIEWS[name](), VIEWS[name]()
            value = step_value(looked.controls[control], sign)
            if value is None:
                continue
            looked.look_ahead(wait=True)
            assert looked.look_ahead_error is None
            monkeypatch.setattr(Panel, "computed", recorded)
            calls = _extensions(monkeypatch)
            looked.controls[control].value = value
            monkeypatch.undo()
            fresh.controls[control].value = value
            fresh.panel._results.clear()               # computed afresh at this setting, nothing kept
            fresh.refresh()
            assert looked.error is None and fresh.error is None
            assert _same(looked.result.drawn, fresh.result.drawn), (control, value)
            assert looked.status.value == fresh.status.value
            assert misses == [] and not any(calls), f"{control} -> {value}: computed {misses or calls} on the move"


@pytest.mark.parametrize("name", LOOKING_AHEAD)
def test_what_a_figure_keeps_is_found_again_only_at_its_own_setting(name):
    """Every option of every control, and each slider's ends, one after the other on one view: each figure draws
    what the same view draws after forgetting every kept result. A kept result found under another setting (a key
    that leaves out something the numbers depend on) would draw the wrong numbers here."""
    view = VIEWS[name]()
    for control_name, control in view.controls.items():
        values = list(control.options) if hasattr(control, "options") else [
            v for v in (step_value(control, 1), control.min if not isinstance(control, widgets.FloatLogSlider)
                        else control.base ** control.min) if v is not None]
        start = control.value
        for value in values + [start]:
            if isinstance(value, tuple):
                value = value[1]
            control.value = value
            kept, message = view.result.drawn, view.status.value
            view.panel._results.clear()
            view.refresh()
            assert view.error is None
            assert _same(kept, view.result.drawn), (control_name, value)
            assert message == view.status.value


def test_drawing_a_network_stops_when_asked_and_otherwise_draws_the_same_numbers():
    from winit_helpers.maths.forward import Stopped, draw_network
    x, units = draw_network((20, 20, 20, 20), n_samples=10, seed=3)
    same_x, same_units = draw_network((20, 20, 20, 20), n_samples=10, seed=3, stop=threading.Event())
    assert np.array_equal(x, same_x) and all(np.array_equal(a, b) for a, b in zip(units, same_units))
    with pytest.raises(Stopped):
        draw_network((20, 20, 20, 20), n_samples=10, seed=3, stop=StopAfter(2))


def test_a_histogram_look_ahead_to_another_width_keeps_the_shown_draws_and_stops_part_way():
    from winit_helpers.figures.nonlinearities import HistogramPanel
    panel = HistogramPanel()
    panel.update(depth=6, width=60)
    shown = panel._cache.square_key
    kept = dict(panel._results)
    panel.prepare(StopAfter(3), depth=6, width=70)            # stopped while drawing width 70's layers
    assert panel._cache.square_key == shown and dict(panel._results) == kept
    panel.prepare(threading.Event(), depth=6, width=70)
    assert panel._cache.square_key == shown and len(panel._results) == len(kept) + 2


def test_a_drop_down_list_moved_last_comes_first_in_its_direction():
    view = VIEWS["explore_activation_histograms"]()
    scheme = view.controls["scheme"]
    assert list(scheme.options[:3]) == ["standard_normal", "book", "lecun"] and scheme.value == "lecun"
    scheme.value = "book"                                # one choice up the list
    got = [(p["scheme"], p["activation"]) for p in view.neighbours()[:2]]
    activation = view.controls["activation"].value
    assert got == [("standard_normal", activation), ("lecun", activation)]


def test_lsuv_stops_part_way_when_asked_and_otherwise_reaches_the_same_numbers():
    w = iso.weight_stack(6, 30, "orthogonal", seed=2)
    x = 3 * np.random.default_rng(1).standard_normal((200, 30))
    plain = iso.lsuv(w, x, "tanh", measure="post")           # never converges: max_iter rescalings a layer
    never = StopAfter(10 ** 9)
    same = iso.lsuv(w, x, "tanh", measure="post", stop=never)
    for field in ("weights", "iterations", "std", "converged", "output"):
        assert np.array_equal(getattr(plain, field), getattr(same, field))
    assert 10 ** 9 - never.n == 6 * 20                      # it looked before every measurement
    with pytest.raises(Stopped):
        iso.lsuv(w, x, "tanh", measure="post", stop=StopAfter(25))     # in the second layer


def test_a_stopped_lsuv_look_ahead_keeps_nothing_and_the_redraw_draws_the_fresh_numbers():
    from winit_helpers.figures.isometry import LSUVPanel
    panel = LSUVPanel()
    settings = dict(width=40, activation="tanh", measure="post", start="orthogonal")
    panel.update(depth=5, **settings)
    kept = {key: run[0] for key, run in panel._runs.items()}
    stop = StopAfter(30)
    panel.prepare(stop, depth=9, **settings)                 # a deeper setting: stopped part way, nothing raised
    panel.prepare(StopAfter(3), depth=6, **{**settings, "measure": "pre"})
    assert stop.n < 0 and {key: run[0] for key, run in panel._runs.items()} == kept
    got, want = panel.update(depth=9, **settings), LSUVPanel().update(depth=9, **settings)
    for name in ("before", "after", "iterations", "converged"):
        assert np.array_equal(got.drawn[name], want.drawn[name])


def test_a_residual_stream_stops_part_way_when_asked_and_otherwise_is_the_same():
    from winit_helpers.figures.isometry import ResidualPanel
    plain = iso.residual_stream(12, 20, 0.5, seed=3)
    never = StopAfter(10 ** 9)
    assert np.array_equal(iso.residual_stream(12, 20, 0.5, seed=3, stop=never), plain) and 10 ** 9 - never.n == 12
    with pytest.raises(Stopped):
        iso.residual_stream(12, 20, 0.5, seed=3, stop=StopAfter(5))
    panel = ResidualPanel()
    panel.update(depth=10, width=20, rule="a = 0.5")
    kept = list(panel._results)
    panel.prepare(StopAfter(4), depth=11, width=20, rule="a = 0.5")    # stopped: nothing raised, nothing kept
    assert list(panel._results) == kept
    panel.prepare(StopAfter(10 ** 9), depth=11, width=20, rule="a = 0.5")
    assert len(panel._results) == len(kept) + 1


def test_a_forward_pass_stops_part_way_when_asked_and_otherwise_is_the_same():
    from winit_helpers.maths.forward import draw_network, run_stack
    widths = (30,) * 7
    plain = run_stack(widths, "lecun", "tanh", bins=20, seed=4)
    never = StopAfter(10 ** 9)
    same = run_stack(widths, "lecun", "tanh", bins=20, seed=4, stop=never)
    assert np.array_equal(plain.z_std, same.z_std) and np.array_equal(plain.h_std, same.h_std)
    assert 10 ** 9 - never.n == 6 + 6                      # before every layer drawn, and every layer run
    with pytest.raises(Stopped):
        run_stack(widths, "lecun", "tanh", draws=draw_network(widths, seed=4), stop=StopAfter(3))


def test_a_histogram_look_ahead_at_the_shown_width_stops_part_way_through_the_layers_keeping_nothing():
    from winit_helpers.figures.nonlinearities import HistogramPanel
    panel = HistogramPanel()
    panel.update(depth=6, width=60)
    kept = dict(panel._results)
    panel.prepare(StopAfter(2), depth=6, width=60, multiplier=1.05)      # the shown draws, another multiplier
    assert dict(panel._results) == kept
    panel.prepare(threading.Event(), depth=6, width=60, multiplier=1.05)
    assert len(panel._results) == len(kept) + 2


# --------------------------------------------------------------------------- further: where a drag needs new runs
@pytest.mark.parametrize("width, n_seeds", [(100, 5), (60, 5), (400, 1), (400, 5), (1000, 5), (10, 5)])
def test_the_stretches_of_depth_are_where_the_plan_of_runs_stays_the_same(width, n_seeds):
    """Checked against every depth of the slider, one by one."""
    plans = [(d, plan_runs(d, width, n_seeds, DepthPanel.budget_ms)[:2]) for d in range(1, 1001)]
    expected = []
    for plan, group in itertools.groupby(plans, key=lambda item: item[1]):
        depths = [d for d, _ in group]
        expected.append((depths[0], depths[-1], *plan))
    assert plan_stretches(1, 1000, width, n_seeds, DepthPanel.budget_ms) == expected


def test_further_names_the_end_of_each_stretch_the_shown_one_first_then_nearest_first():
    view = VIEWS["explore_fix"]()                      # depth 100, width 100, 5 seeds
    ends = [end for _, end, _, _ in plan_stretches(1, 1000, 100, 5, DepthPanel.budget_ms)]
    assert len(ends) >= 3
    got = [p["depth"] for p in view.further()]
    assert got[0] == ends[0] and sorted(got) == ends and got == sorted(got)      # all beyond 100 here
    assert all({**p, "depth": 100} == view.params for p in view.further())
    view.controls["depth"].value = 1000
    assert [p["depth"] for p in view.further()] == ends[::-1]


def test_further_keeps_room_for_the_neighbours_runs():
    view = VIEWS["explore_fix"]()
    view.controls["width"].value = 1000
    further = view.further()
    assert 0 < len(further) < len(plan_stretches(1, 1000, 1000, 5, DepthPanel.budget_ms))
    kept = sum(5 * panel_n * 1000 for panel_n in
               (plan_runs(p["depth"], 1000, 5, DepthPanel.budget_ms)[0] for p in further))
    assert kept <= depth_module.KEPT_NUMBERS // 2
    assert VIEWS["explore_fan_in"]().further() == []          # a panel that names none


def test_after_a_look_ahead_a_drag_of_depth_across_a_change_of_runs_finds_them_ready(monkeypatch):
    """Notebook 3 at width 100 takes fewer inputs from depth 206, 304, 361 and 493: a drag from 100 to 430
    crosses three of them, and each needed five new runs from the first layer (0.5 to 0.8 s)."""
    looked, fresh = VIEWS["explore_fix"](), VIEWS["explore_fix"]()
    looked.look_ahead(wait=True)
    assert looked.look_ahead_error is None
    calls, seen = _extensions(monkeypatch), []
    for depth in (250, 330, 430):
        looked.controls["depth"].value = depth
        seen.append((looked.result, looked.status.value))
    assert not any(calls), f"layers computed on the drag: {calls}"
    monkeypatch.undo()
    for depth, (result, status) in zip((250, 330, 430), seen):
        fresh.controls["depth"].value = depth
        assert result.n_samples < 500 and looked.error is None
        assert _same(result.drawn, fresh.result.drawn) and status == fresh.status.value


def test_the_jacobian_spread_stops_part_way_when_asked_and_otherwise_is_the_same():
    w = iso.weight_stack(8, 30, "gaussian", seed=3)
    plain = iso.jacobian_spread_by_depth(w, "tanh", 1.0, 0.0, 0.5, seed=4)
    never = StopAfter(10 ** 9)
    same = iso.jacobian_spread_by_depth(w, "tanh", 1.0, 0.0, 0.5, seed=4, stop=never)
    assert np.array_equal(plain[0], same[0], equal_nan=True) and np.array_equal(plain[1], same[1])
    assert 10 ** 9 - never.n == 8                            # it looked before every layer
    with pytest.raises(Stopped):
        iso.jacobian_spread_by_depth(w, "tanh", 1.0, 0.0, 0.5, seed=4, stop=StopAfter(3))


def test_a_stopped_spectra_look_ahead_keeps_nothing_and_the_redraw_draws_the_fresh_numbers():
    from winit_helpers.figures.isometry import SpectrumPanel
    panel = SpectrumPanel()
    panel.update(depth=16, width=60, activation="tanh", q_star=0.1)
    kept = set(panel._results)
    stop = StopAfter(5)
    panel.prepare(stop, depth=17, width=60, activation="tanh", q_star=0.1)    # stopped part way, nothing raised
    assert stop.n < 0 and set(panel._results) == kept
    got = panel.update(depth=17, width=60, activation="tanh", q_star=0.1)
    want = SpectrumPanel().update(depth=17, width=60, activation="tanh", q_star=0.1)
    assert _same(got.drawn, want.drawn)
