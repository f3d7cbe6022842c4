"""A first look, then the full figure: a move from the browser to a setting whose runs would take long.

Notebooks 2 and 3's figures need new runs, from the first layer, after a drag to another width or across a depth
where the runs change: up to about half a second. Drawn from the browser, such a move first shows a first look
(fewer runs or inputs, said in the status line), and the full figure follows once its runs are computed in the
background. A notebook cell, a test or the benchmark always gets the full figure at once.
"""
import asyncio
import math
import re
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from figure_checks import same_numbers as _same

import winit_helpers.live.core as core
import winit_helpers.figures.depth as depth_module
from winit_helpers.figures.depth import PARTIAL_ABOVE_MS, PREVIEW_ABOVE_MS, PREVIEW_MS, DepthPanel, plan_runs, run_cost_ms
from winit_helpers.figures.fix import FixPanel
from winit_helpers.live import all_views
from winit_helpers.live.core import stop_look_ahead
from winit_helpers.maths.forward import LOG10_MAX, Run, pow10_str, simulate

VIEWS = all_views()


def _same_figure(ours, fresh):
    """The same numbers as a fresh figure's. The growth histogram's bins span its axis, which stays put from
    frame to frame (so the first look's range carries over, as after any move): its counts must be those of
    the drawn runs' growth factors over its own bins."""
    bins = ("factor_counts", "factor_edges")
    assert _same({k: v for k, v in ours.items() if k not in bins}, {k: v for k, v in fresh.items() if k not in bins})
    factors = 10.0 ** np.concatenate([np.diff(s, prepend=0.0) for s in ours["simulations"]])
    assert np.array_equal(ours["factor_counts"], np.histogram(factors, bins=ours["factor_edges"])[0])
    return True


def _plan_cost(depth, width, budget):
    """(inputs, method, runs) that plan_runs picks, and their estimated ms from nothing kept."""
    n, method, seeds = plan_runs(depth, width, 5, budget)
    return n, method, seeds, run_cost_ms(depth, width, n, method) + (seeds - 1) * run_cost_ms(depth, width, n, method,
                                                                                             keep="std")


@pytest.mark.parametrize("panel_class", [DepthPanel, FixPanel])
@pytest.mark.parametrize("depth, width", [(430, 100), (100, 430), (1000, 100), (250, 100)])
def test_a_costly_move_from_the_browser_draws_a_first_look_that_says_so_and_then_the_full_figure(panel_class, depth,
                                                                                                   width):
    full_n, _, full_seeds, full_cost = _plan_cost(depth, width, DepthPanel.budget_ms)
    quick_n, quick_method, quick_seeds, quick_cost = _plan_cost(depth, width, PREVIEW_MS)
    assert full_cost > PREVIEW_ABOVE_MS and quick_cost < full_cost       # the settings chosen are costly ones
    kwargs = dict(depth=depth, width=width, n_seeds=5)
    kwargs.update(multiplier=1.0) if panel_class is FixPanel else kwargs.update(scale=1 / np.sqrt(width))
    panel, fresh = panel_class(), panel_class()
    panel.allow_preview = True
    first = panel.update(**kwargs)
    assert first.preview and first.drawn["n_samples"] == quick_n and first.drawn["n_seeds"] == quick_seeds
    assert first.method == quick_method and len(first.simulations) == quick_seeds
    runs = lambda seeds, n: f"1 run of {n} inputs" if seeds == 1 else f"{seeds} runs of {n} inputs"   # noqa: E731
    assert (f"A first look: {runs(quick_seeds, quick_n)}, drawn at once; the figure with "
            f"{runs(full_seeds, full_n)} follows in a moment." in first.message)
    assert "so the sliders stay responsive" not in first.message and "Showing" not in first.message
    # each run of the first look is a full run of its own inputs: the std of its layers as a fresh simulation has
    for k, sim in enumerate(first.simulations):
        assert sim.n_samples == quick_n and sim.seed == k and sim.depth == depth
    panel.prepare(threading.Event(), **kwargs)
    second = panel.update(**kwargs)                   # still allowed: its runs are ready, so no first look
    assert not second.preview and "A first look" not in second.message
    expected = fresh.update(**kwargs)
    assert _same_figure(second.drawn, expected.drawn) and second.message == expected.message


@pytest.mark.parametrize("depth, width", [(100, 100), (20, 200), (1000, 1000), (430, 430)])
def test_a_move_whose_runs_are_quick_or_cannot_be_cheaper_draws_the_full_figure_at_once(depth, width, monkeypatch):
    monkeypatch.setattr(depth_module, "PREVIEW_AFTER_S", 60.0)     # however loaded the machine, they finish
    full_cost = _plan_cost(depth, width, DepthPanel.budget_ms)[3]
    quick_cost = _plan_cost(depth, width, PREVIEW_MS)[3]
    assert full_cost <= PREVIEW_ABOVE_MS or quick_cost >= full_cost
    panel, fresh = FixPanel(), FixPanel()
    panel.allow_preview = True
    result = panel.update(depth=depth, width=width, multiplier=1.0, n_seeds=5)
    assert not result.preview
    assert _same(result.drawn, fresh.update(depth=depth, width=width, multiplier=1.0, n_seeds=5).drawn)


@pytest.mark.parametrize("depth, width", [(100, 100), (100, 110)])
def test_runs_estimated_cheap_that_are_not_done_in_time_draw_a_first_look_and_keep_their_layers(depth, width,
                                                                                            monkeypatch):
    assert _plan_cost(depth, width, DepthPanel.budget_ms)[3] <= PREVIEW_ABOVE_MS
    monkeypatch.setattr(depth_module, "PREVIEW_AFTER_S", 0.0)      # the time is up at once
    panel, fresh = FixPanel(), FixPanel()
    panel.allow_preview = True
    kwargs = dict(depth=depth, width=width, multiplier=1.0, n_seeds=5)
    assert panel.update(**kwargs).preview
    keys = panel._run_keys(depth, width, 5, 500, 0)
    assert all(key in panel._cache and panel._cache[key].depth < depth for key in keys)
    panel.prepare(threading.Event(), **kwargs)        # on from the layers they reached
    result = panel.update(**kwargs)
    assert not result.preview and _same_figure(result.drawn, fresh.update(**kwargs).drawn)


def test_the_time_the_runs_still_need_is_told_from_the_pace_of_the_layers_computed(monkeypatch):
    """Each run gets 10 layers done in 50 ms (a fake clock): 50 layers in 50 ms, 5 x 30 left, so 150 ms."""
    extend, clock = Run.extend, iter([0.0, 0.05])
    monkeypatch.setattr(Run, "extend",
                        lambda self, more, **kwargs: extend(self, max(0, min(more, 10 - self.depth)), **kwargs))
    monkeypatch.setattr(depth_module, "perf_counter", lambda: next(clock))
    panel = FixPanel()
    keys = panel._run_keys(40, 20, 5, 500, 0)
    assert panel._compute_within(keys, 40, 0.2) == pytest.approx(150.0)
    assert [panel._cache[key].depth for key in keys] == [10] * 5        # each got the layers it could
    clock = iter([0.0, 0.05])
    assert panel._compute_within(keys, 10, 0.2) == 0.0                   # kept deep enough: nothing left
    clock = iter([0.0, 0.05])
    monkeypatch.setattr(Run, "extend", lambda self, more, **kwargs: None)  # no layer done in the time
    assert panel._compute_within(keys, 40, 0.2) == math.inf


def test_in_the_moment_a_first_look_waits_the_runs_take_turns_one_layer_each_first(monkeypatch):
    """Two threads, five runs: each run gets a first layer before any run gets more, then a few layers a turn."""
    extend, turns, lock = Run.extend, [], threading.Lock()

    def recorded(self, more, **kwargs):
        with lock:
            turns.append((self.seed, self.depth, more))
        time.sleep(0.001)
        return extend(self, more, **kwargs)

    monkeypatch.setattr(Run, "extend", recorded)
    panel = FixPanel()
    keys = panel._run_keys(40, 20, 5, 500, 0)
    assert panel._compute_within(keys, 40, 60.0) == 0.0
    assert sorted(seed for seed, _, _ in turns[:5]) == list(range(5)) and all(more == 1 for *_, more in turns[:5])
    assert all(more <= depth_module.TURN_LAYERS for *_, more in turns)
    assert [panel._cache[key].depth for key in keys] == [40] * 5


def test_runs_not_done_in_a_moment_that_need_little_more_draw_the_full_figure(monkeypatch):
    """Some layers done, 10 ms left at their pace: the full figure at once; 10 s left: the layers reached."""
    def partly(left):
        def compute_within(self, keys, depth, seconds):
            for run in self._kept(keys):
                run.extend(30 - run.depth)
            return left
        return compute_within

    for left, preview in ((10.0, False), (1e4, True)):
        monkeypatch.setattr(DepthPanel, "_compute_within", partly(left))
        panel = FixPanel()
        panel.allow_preview = True
        result = panel.update(depth=100, width=100, multiplier=1.0, n_seeds=5)
        assert result.preview == preview and len(result.drawn["layers"]) == (30 if preview else 100)


def test_runs_nearly_done_when_the_time_is_up_draw_the_full_figure_not_a_first_look(monkeypatch):
    assert _plan_cost(100, 100, DepthPanel.budget_ms)[3] <= PREVIEW_ABOVE_MS     # decided by the time they need
    panel = FixPanel()
    panel.allow_preview = True
    monkeypatch.setattr(DepthPanel, "_compute_within", lambda self, keys, depth, seconds: 1.0)   # 1 ms left
    result = panel.update(depth=100, width=100, multiplier=1.0, n_seeds=5)
    assert not result.preview
    panel = FixPanel()
    panel.allow_preview = True
    monkeypatch.setattr(DepthPanel, "_compute_within", lambda self, keys, depth, seconds: 1e4)   # 10 s left
    assert panel.update(depth=100, width=100, multiplier=1.0, n_seeds=5).preview


def test_a_run_that_keeps_only_the_std_is_estimated_at_its_width_x_width_matrix():
    """With more inputs than units such a run follows a width x width matrix (Run.reduced): it costs as many inputs
    as units. With fewer inputs, or drawn from the outputs' distribution, it costs what any run does."""
    assert run_cost_ms(100, 113, 500, "weights", keep="std") == run_cost_ms(100, 113, 113, "weights")
    assert run_cost_ms(100, 113, 500, "weights", keep="std") < run_cost_ms(100, 113, 500, "weights") / 1.5
    assert run_cost_ms(100, 600, 500, "weights", keep="std") == run_cost_ms(100, 600, 500, "weights")
    assert run_cost_ms(100, 600, 50, "samples", keep="std") == run_cost_ms(100, 600, 50, "samples")
    panel = FixPanel()                                # a figure's missing runs: five that keep the std
    keys = panel._run_keys(100, 113, 5, 500, 0)
    assert [(key[2], key[4]) for key in keys] == [(500, "std")] * 5
    assert panel._missing_ms(keys, 100) == pytest.approx(5 * run_cost_ms(100, 113, 113, "weights"))
    # the first seed's largest |activation| comes from a run that keeps all, where it is needed
    assert panel._absmax_key(keys[0]) == (113, 0, 500, "weights", "all")
    # with fewer inputs than units keeping the std saves nothing: the first run keeps all itself
    wide = panel._run_keys(100, 600, 5, 500, 0)
    assert [key[4] for key in wide] == ["all"] + ["std"] * 4 and panel._absmax_key(wide[0]) is None
    assert Run(113, 1.0, n_samples=500, activation="linear", seed=0, method="weights", keep="std").reduced
    assert not Run(600, 1.0, n_samples=500, activation="linear", seed=0, method="weights", keep="std").reduced


def _runs_that_stop_at(monkeypatch, reached):
    """Runs that compute no layer past ``reached`` (as if the time ran out there), however long they are given."""
    extend = Run.extend
    monkeypatch.setattr(Run, "extend", lambda self, more, **kwargs:
                        extend(self, max(0, min(more, reached - self.depth)), **kwargs))
    return extend


@pytest.mark.parametrize("depth, width, scale", [(100, 100, 3.0), (100, 40, 1 / np.sqrt(40)), (60, 100, 0.07)])
def test_runs_not_done_in_a_moment_show_the_layers_they_reached_and_say_so_then_the_full_figure(depth, width, scale,
                                                                                                monkeypatch):
    """A partial first look: the layers every run reached, the same numbers as the full figure's first layers; the
    theory line, the axes and the title are the full setting's; the words speak only of the layers shown."""
    assert _plan_cost(depth, width, DepthPanel.budget_ms)[3] <= PREVIEW_ABOVE_MS     # not the fewer-inputs route
    reached = 30
    panel, fresh = DepthPanel(), DepthPanel()
    kwargs = dict(depth=depth, width=width, scale=scale, n_seeds=5)
    for run in panel._kept(panel._run_keys(depth, width, 5, 500, 0)):      # they got this far before ...
        run.extend(reached)
    monkeypatch.setattr(depth_module, "PREVIEW_AFTER_S", 0.0)               # ... and the time is up
    extend = _runs_that_stop_at(monkeypatch, reached)
    panel.allow_preview = True
    first = panel.update(**kwargs)
    monkeypatch.setattr(Run, "extend", extend)
    full = fresh.update(**kwargs)
    assert first.preview and first.drawn["n_seeds"] == full.drawn["n_seeds"] == 5
    assert first.drawn["n_samples"] == full.drawn["n_samples"]
    assert np.array_equal(first.drawn["layers"], np.arange(1, reached + 1))
    for line, ours, theirs in zip(panel.lines, first.drawn["simulations"], full.drawn["simulations"]):
        assert _same(ours, theirs[:reached]) and _same(line.get_ydata(), ours)
    assert _same(first.drawn["theory"], full.drawn["theory"]) and len(first.drawn["theory"]) == depth
    assert np.array_equal(panel.theory.get_xdata(), np.arange(1, depth + 1))
    assert _same(panel.theory.get_ydata(), full.drawn["theory"])
    assert panel.ax.get_title() == fresh.ax.get_title() and panel.ax.get_xlim() == fresh.ax.get_xlim()
    factors = 10.0 ** np.concatenate([np.diff(s[:reached], prepend=0.0) for s in full.drawn["simulations"]])
    assert np.array_equal(first.drawn["factor_counts"], np.histogram(factors, bins=first.drawn["factor_edges"])[0])
    # the histogram's axis is made for the full figure's counts (about depth / reached times these), at once
    assert panel.ax_factor.get_ylim()[1] >= first.drawn["factor_counts"].max() * depth / reached
    # the words: the last layer shown, against the theory there; a float type's overflow only where it is shown
    sim0, theory = full.simulations[0], full.drawn["theory"]
    ends = [s.log10_std[reached - 1] for s in full.simulations]
    assert first.message.startswith(f"Layer {reached}: std = {pow10_str(ends[0])} in the first run, "
                                    f"{pow10_str(min(ends))} to {pow10_str(max(ends))} in the 5 runs "
                                    f"(theory {pow10_str(theory[reached - 1])}).")
    direct = simulate(depth, width, scale, n_samples=full.n_samples, seed=0, method=full.method)   # keeps all
    over32 = np.flatnonzero(direct.log10_absmax[:reached] > LOG10_MAX["float32"])
    if over32.size:
        assert (f"In float32 the first run's largest activations would overflow to inf at layer {over32[0] + 1}."
                in first.message)
        assert "Within float64's range so far." in first.message               # not yet: the shown layers say
        assert first.drawn["marker"] is None or first.drawn["marker"] <= reached
    else:
        assert "overflow" not in first.message and "Within float32's range so far." in first.message
    assert "all the way" not in first.message and "Depth/width" not in first.message
    assert first.message.endswith(f"(A first look: layers 1 to {reached} of {depth}, drawn at once; the other "
                                  "layers follow in a moment.)")
    panel.prepare(threading.Event(), **kwargs)
    second = panel.update(**kwargs)
    assert not second.preview and _same_figure(second.drawn, full.drawn) and second.message == full.message


def test_a_partial_first_look_of_runs_with_fewer_inputs_says_both_the_first_look_last(monkeypatch):
    """Runs that follow fewer inputs to stay within the budget, caught part way: the words say both, and the
    first look's sentence comes last, as for any first look (the lecturer's guide points to it)."""
    panel = DepthPanel()
    panel.budget_ms = 150                             # a small budget: 20 inputs a run at depth 100 x width 100
    keys = panel._run_keys(100, 100, 5, 500, 0)
    assert keys[0][2] < 500 and panel._missing_ms(keys, 100) <= PREVIEW_ABOVE_MS
    for run in panel._kept(keys):
        run.extend(30)
    monkeypatch.setattr(depth_module, "PREVIEW_AFTER_S", 0.0)
    _runs_that_stop_at(monkeypatch, 30)
    panel.allow_preview = True
    result = panel.update(depth=100, width=100, scale=0.1, n_seeds=5)
    assert result.preview and f"each run follows {keys[0][2]} inputs, not 500" in result.message
    assert result.message.endswith("(A first look: layers 1 to 30 of 100, drawn at once; the other layers follow "
                                   "in a moment.)")


def test_runs_nearly_done_in_a_moment_draw_the_full_figure_and_so_do_runs_that_are_done(monkeypatch):
    panel = FixPanel()
    panel.allow_preview = True
    def done_but_said_to_need_50_ms(self, keys, depth, seconds):
        self._unit_runs(keys, depth)
        return PARTIAL_ABOVE_MS

    monkeypatch.setattr(DepthPanel, "_compute_within", done_but_said_to_need_50_ms)
    assert not panel.update(depth=100, width=100, multiplier=1.0, n_seeds=5).preview


def test_a_key_press_from_the_browser_to_slow_runs_draws_the_layers_reached_and_then_the_full_figure(monkeypatch):
    """Runs slowed down to 2 ms a layer: a press to width 101 shows a partial first look, then the full figure."""
    extend = Run.extend

    def slow(self, more, stop=None, **kwargs):
        for _ in range(more):
            if stop is not None and stop.is_set():
                break
            time.sleep(0.002)
            extend(self, 1)
        return self

    view, fresh = VIEWS["explore_fix"](), VIEWS["explore_fix"]()
    monkeypatch.setattr(Run, "extend", slow)
    width, frames = view.controls["width"], []
    view.image.observe(lambda change: frames.append((view.result.preview, view.status.value)), names="value")

    async def press():
        await asyncio.sleep(2 * core.QUIET_SECONDS)
        width.set_state({"value": 101})
        waited = 0.0
        while (not frames or frames[-1][0]) and waited < 10:
            await asyncio.sleep(0.02)
            waited += 0.02

    asyncio.run(press())
    stop_look_ahead()
    monkeypatch.setattr(Run, "extend", extend)
    assert [preview for preview, _ in frames] == [True, False], "a partial first look, then the full figure"
    assert re.search(r"A first look: layers 1 to \d+ of 100", frames[0][1]) and "data-preview" in frames[0][1]
    assert _status_params(frames[0][1]) == _status_params(frames[1][1])
    fresh.controls["width"].value = 101
    assert _same_figure(view.result.drawn, fresh.result.drawn) and view.status.value == fresh.status.value


def test_only_what_is_missing_counts_a_deeper_setting_of_kept_runs_draws_the_full_figure():
    panel = FixPanel()
    panel.update(depth=420, width=100, multiplier=1.0, n_seeds=5)       # the runs of this stretch, 420 deep
    panel.allow_preview = True
    assert not panel.update(depth=430, width=100, multiplier=1.0, n_seeds=5).preview      # 10 more layers
    keys = panel._run_keys(430, 100, 5, 500, 0)
    assert panel._missing_ms(keys, 430) == 0
    n, method = keys[0][2], keys[0][3]
    assert [key[4] for key in keys] == ["all"] + ["std"] * 4
    assert panel._missing_ms(keys, 440) == pytest.approx(run_cost_ms(10, 100, n, method)
                                                         + 4 * run_cost_ms(10, 100, n, method, keep="std"))


def test_without_a_browser_move_the_figure_is_always_the_full_one():
    view = VIEWS["explore_fix"]()
    view.controls["depth"].value = 430                # a notebook cell or a test
    assert not view.result.preview and view.panel.allow_preview is False
    assert "data-preview" not in view.status.value
    view.refresh(preview=True)                        # a browser move: kept runs, so the full figure still
    assert not view.result.preview and view.panel.allow_preview is False


def _status_params(status):
    return re.search(r"data-params='([^']*)'", status).group(1)


def test_from_the_browser_a_drag_to_a_costly_width_shows_a_first_look_and_then_the_full_figure_by_itself():
    view, fresh = VIEWS["explore_fix"](), VIEWS["explore_fix"]()
    width = view.controls["width"]
    frames = []
    view.image.observe(lambda change: frames.append((view.result.preview, view.status.value)), names="value")

    async def release(value, wait=5.0):
        await asyncio.sleep(2 * core.QUIET_SECONDS)
        width.set_state({"value": value})             # what the widget's comm does with a message from the browser
        waited = 0.0
        while (not frames or frames[-1][0]) and waited < wait:
            await asyncio.sleep(0.02)
            waited += 0.02

    asyncio.run(release(430))
    stop_look_ahead()
    assert [preview for preview, _ in frames] == [True, False], "a first look, then the full figure, by itself"
    assert "data-preview" in frames[0][1] and "data-preview" not in frames[1][1]
    assert _status_params(frames[0][1]) == _status_params(frames[1][1]) == \
        "depth=100;multiplier=1.0;n_seeds=5;seed=0;width=430"
    fresh.controls["width"].value = 430
    assert _same_figure(view.result.drawn, fresh.result.drawn) and view.status.value == fresh.status.value


def test_a_move_during_the_background_runs_is_drawn_and_the_first_look_s_setting_never_comes_back():
    view = VIEWS["explore_fix"]()
    width = view.controls["width"]
    shown = []
    view.image.observe(lambda change: shown.append((view.result.width, view.result.preview)), names="value")

    async def two_moves():
        await asyncio.sleep(2 * core.QUIET_SECONDS)
        width.set_state({"value": 430})
        await asyncio.sleep(0)                        # the first look is drawn
        width.set_state({"value": 101})               # and the learner moves on before the full figure
        await asyncio.sleep(1.5)                      # long enough for the full runs of width 430 to finish

    asyncio.run(two_moves())
    stop_look_ahead()
    assert shown[0] == (430, True) and shown[-1] == (101, False)
    assert (430, False) not in shown, f"the stale setting's full figure was drawn: {shown}"


def test_the_full_figure_of_a_setting_the_learner_has_left_is_not_drawn():
    view = VIEWS["explore_fix"]()
    left = {**view.params, "width": 430}              # prepared in the background, but the learner is elsewhere
    redraws, refresh = [], view.refresh
    view.refresh = lambda **kwargs: (redraws.append(view.params["width"]), refresh(**kwargs))

    async def prepared_late():
        view._prepared(left)
        view._prepared(view.params)                   # the setting shown: drawn
        await asyncio.sleep(0)

    asyncio.run(prepared_late())
    stop_look_ahead()
    assert redraws == [100]


def test_runs_made_from_the_pool_s_own_threads_are_made_there_without_waiting_for_the_pool():
    """Both pool threads asking for new runs at once: were they to queue the runs on the busy pool, neither
    could go on (run in a process of its own, which a deadlock could not keep from ending)."""
    code = """if True:
        from winit_helpers.figures.base import POOL
        from winit_helpers.figures.depth import DepthPanel
        panels = [DepthPanel(), DepthPanel()]
        jobs = [POOL.submit(p._kept, p._run_keys(10, 30 + k, 5, 500, 0)) for k, p in enumerate(panels)]
        print([[run.depth for run in job.result()] for job in jobs])
        import os
        os._exit(0)
    """
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == str([[0] * 5] * 2)
