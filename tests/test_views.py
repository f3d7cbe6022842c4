"""Every live view of the course, driven from the kernel as a slider would drive it.

The views are found through the registry (``winit_helpers.live.all_views()``), so a new
view is tested here as soon as it is registered.
"""
import math
import re

import numpy as np
import pytest

from figure_checks import (assert_legends_show_their_artists, assert_linear_ticks_state_their_positions,
                           stated_log10)
from winit_helpers.live import all_views
from winit_helpers.live.core import QUIET_SECONDS

VIEWS = all_views()   # imports every module of the package, which registers its views
#: one of a thing named in the plural ("1 layers"): what a slider at 1 must never show
ONE_AND_A_PLURAL = re.compile(r"(?<![\d.])1 (?:[a-z]+ )?(?:layers|blocks|branches|runs|seeds|steps|inputs|units|keys)\b")


def shown_texts(view):
    """Every text the view shows: the figure's visible texts and the line under it."""
    texts = [t.get_text() for t in view.panel.fig.findobj(lambda a: hasattr(a, "get_text") and a.get_visible())]
    return texts + [getattr(view.result, "message", "")]


def positions(control):
    """The extreme positions of a control: a slider's two ends, or every option of a drop-down."""
    if hasattr(control, "options"):
        return list(control.options)
    if type(control).__name__ == "FloatLogSlider":
        return [control.base ** control.min, control.base ** control.max]
    return [control.min, control.max]


def test_the_registry_holds_the_core_views():
    assert {"explore_fan_in", "explore_depth", "explore_fix"} <= set(VIEWS)


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_control_at_every_extreme_draws_a_figure(name):
    view = VIEWS[name]()
    assert view.error is None, view.error
    assert bytes(view.image.value).startswith(b"\xff\xd8")   # a JPEG frame
    bundle = view._repr_mimebundle_()
    assert "needs a running kernel" in bundle["text/plain"]
    for control_name, control in view.controls.items():
        start = control.value
        for value in positions(control):
            before = bytes(view.image.value)
            control.value = value
            assert view.error is None, f"{name}: {control_name} = {value}: {view.error}"
            assert bytes(view.image.value).startswith(b"\xff\xd8")   # a JPEG frame
            if value != start:
                assert bytes(view.image.value) != before, f"{name}: moving {control_name} to {value} changed nothing"
            assert getattr(view.result, "message", "") != ""
            slips = [t for t in shown_texts(view) if ONE_AND_A_PLURAL.search(t)]
            assert not slips, f"{name}: {control_name} = {value}: {slips}"
            assert_legends_show_their_artists(view.panel.fig, f"{name}: {control_name} = {value}")
            for ax in view.panel.fig.axes:
                if ax.get_visible():
                    for axis in (ax.xaxis, ax.yaxis):
                        assert_linear_ticks_state_their_positions(axis, f"{name}: {control_name} = {value}")
        control.value = start


def test_moving_the_depth_slider_changes_the_plotted_data():
    view = VIEWS["explore_depth"]()
    line = view.panel.lines[0]
    assert len(line.get_xdata()) == 100
    first = bytes(view.image.value)
    view.controls["depth"].value = 250
    assert len(line.get_xdata()) == 250 and len(view.result.log10_std) == 250
    assert bytes(view.image.value) != first
    # the theory line follows the scale slider: 250 layers of factor 0.5 * sqrt(100) = 5
    view.controls["scale"].value = 0.5
    assert view.panel.theory.get_ydata()[-1] == pytest.approx(250 * np.log10(5))


def test_depth_1000_says_where_float64_overflows():
    view = VIEWS["explore_depth"]()
    view.controls["depth"].value = 1000
    assert np.isfinite(view.result.log10_std).all()
    assert abs(view.result.log10_std[-1] - 1000) < 10
    assert "float64 the largest activations would overflow to inf at layer 3" in view.result.message
    assert view.panel.marker.get_visible()


def test_tiny_scale_says_where_it_underflows():
    view = VIEWS["explore_depth"]()
    view.controls["depth"].value = 1000
    view.controls["scale"].value = 0.001
    assert "underflow to 0" in view.result.message
    assert np.isfinite(view.result.log10_std).all()


def test_fan_in_view_follows_the_law():
    view = VIEWS["explore_fan_in"]()
    view.controls["fan_in"].value = 100
    view.controls["scale"].value = 0.2
    assert view.result.predicted_std == pytest.approx(2.0)
    assert view.result.std == pytest.approx(2.0, rel=0.1)     # 9000 outputs: within 3% over 400 seeds
    view.controls["weights"].value = "uniform"
    assert view.result.predicted_std == pytest.approx(2.0 / np.sqrt(3))


def test_fix_view_scales_by_the_rule():
    view = VIEWS["explore_fix"]()
    assert view.result.scale == pytest.approx(0.1)            # multiplier 1 / sqrt(100)
    view.controls["width"].value = 144
    assert view.result.scale == pytest.approx(1 / 12)
    assert len(view.result.simulations) == 5
    view.controls["width"].value = 1000     # 5 x 100 layers of 1000 x 1000 with 500 inputs: too slow to redraw
    n = view.result.n_samples
    assert len(view.result.simulations) == 5 and n < 500
    assert f"each run follows {n} inputs, not 500" in view.result.message


def test_a_failed_redraw_is_shown_not_raised(capsys):
    view = VIEWS["explore_depth"]()
    view.fixed["n_samples"] = 1                                 # not reachable from a slider
    view.refresh()
    assert "n_samples must be a whole number >= 2" in view.error
    assert "Could not redraw" in view.status.value


#: the views of notebooks 1 to 5 and 7
COURSE_VIEWS = ["explore_fan_in", "explore_depth", "explore_fix", "explore_forward_backward",
                "explore_activation_histograms", "explore_framework_defaults"]


def three_positions(control):
    """A slider's minimum, default and maximum; every option of a drop-down."""
    if hasattr(control, "options"):
        return list(control.options)
    ends = positions(control)
    return [ends[0], control.value, ends[1]]


def log_axes(fig):
    """(axis, holds_log10) for every log axis of the figure: a log scale, or a linear axis of log10 values."""
    found = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                found.append((axis, False))
            elif getattr(axis.get_major_formatter(), "log10_data", False):
                found.append((axis, True))
    return found


def check_log_tick_labels(fig, where):
    fig.canvas.draw()
    axes = log_axes(fig)
    assert axes, f"{where}: no log axis found"
    for axis, holds_log10 in axes:
        lo, hi = sorted(axis.get_view_interval())
        shown = [(loc, label.get_text()) for loc, label in zip(axis.get_majorticklocs(), axis.get_majorticklabels())
                 if lo <= loc <= hi]
        assert len(shown) >= 2, f"{where}: {len(shown)} tick labels on a log axis"
        texts = [text for _, text in shown]
        assert len(set(texts)) == len(texts), f"{where}: repeated tick labels {texts}"
        for loc, text in shown:
            position = loc if holds_log10 else math.log10(loc)
            assert stated_log10(text) == pytest.approx(position, abs=3e-3), f"{where}: label {text!r} at 10^{position:.4g}"


@pytest.mark.parametrize("name", COURSE_VIEWS)
def test_every_log_axis_labels_each_tick_with_its_own_value(name):
    view = VIEWS[name]()
    check_log_tick_labels(view.panel.fig, f"{name} at its defaults")
    for control_name, control in view.controls.items():
        start = control.value
        for value in three_positions(control):
            control.value = value
            assert view.error is None, view.error
            check_log_tick_labels(view.panel.fig, f"{name}: {control_name} = {value}")
        control.value = start


@pytest.mark.parametrize("panel, params", [
    ("FanInPanel", dict(fan_in=1000, scale=1.0)),
    ("DepthPanel", dict(depth=100, width=100, scale=1.0)), ("DepthPanel", dict(depth=400, width=100, scale=0.01)),
    ("FixPanel", dict(depth=100, width=100, multiplier=1.0, n_seeds=5)),
    ("HistogramPanel", dict(activation="relu", scheme="he", depth=30, width=500)),
    ("FrameworkPanel", dict(framework="PyTorch nn.Linear", activation="relu", depth=10, width=256))])
def test_the_notebooks_static_figures_label_their_log_axes_truly(panel, params):
    import matplotlib.pyplot as plt
    from winit_helpers import figures
    from winit_helpers.figures import depth, fan_in, fix, frameworks, nonlinearities  # noqa: F401
    module = {"FanInPanel": fan_in, "DepthPanel": depth, "FixPanel": fix, "HistogramPanel": nonlinearities,
              "FrameworkPanel": frameworks}[panel]
    getattr(module, panel).plot(**params)
    check_log_tick_labels(plt.gcf(), f"{panel}.plot({params})")
    plt.close("all")
    assert figures.DPI == 100


@pytest.mark.parametrize("name", COURSE_VIEWS)
def test_every_drop_down_option_reaches_the_figure(name):
    view = VIEWS[name]()
    for control_name, control in view.controls.items():
        if not hasattr(control, "options"):
            continue
        for option in control.options:
            control.value = option
            result = view.result
            recorded = {"weights": getattr(result, "weights", None), "init": getattr(result, "init", None),
                        "framework": getattr(result, "init", None), "scheme": getattr(result, "scheme", None),
                        "activation": getattr(getattr(result, "stats", None), "activation", None),
                        "network": getattr(result, "widths", None), "fan_in": getattr(result, "fan_in", None),
                        "scale": getattr(result, "scale", None)}[control_name]
            if control_name == "network":
                from winit_helpers.figures.gradients import SHAPES
                option = SHAPES[option]
            assert recorded == option, f"{name}: {control_name} = {option!r} drew {recorded!r}"


def test_moves_from_the_browser_during_a_drag_are_folded_into_one_redraw():
    """A drag sends many values; the kernel draws the latest one, not each in turn (which would queue)."""
    import asyncio
    view = VIEWS["explore_depth"]()
    control = view.controls["depth"]

    async def drag():
        first = view.result
        for depth in range(101, 121):
            control.set_state({"value": depth})     # what the widget's comm does with a message from the browser
        assert view.result is first                 # nothing drawn yet: each move only asked for a redraw
        await asyncio.sleep(0.2)
        return view.result

    result = asyncio.run(drag())
    assert result.depth == 120 and view.panel.lines[0].get_xdata()[-1] == 120
    assert view.coalesced == 19

    async def press_after_a_pause():
        await asyncio.sleep(2 * QUIET_SECONDS)
        control.set_state({"value": 121})           # a key press, long after the last redraw: drawn at the next turn
        await asyncio.sleep(0)
        at_once = view.result.depth
        control.set_state({"value": 122})           # right after a redraw (a drag goes on): waits for more moves
        await asyncio.sleep(0)
        waiting = view.result.depth
        await asyncio.sleep(0.2)
        return at_once, waiting, view.result.depth

    assert asyncio.run(press_after_a_pause()) == (121, 121, 122)
    # set from code (a notebook cell), a move draws at once
    control.value = 50
    assert view.result.depth == 50


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_control_of_every_view_redraws_on_a_move_from_the_browser(name):
    """A move from the page goes through the event loop (``_deferred_refresh``), where an error is only logged:
    each control's step from the page must draw the figure of its new setting, named in the status line."""
    import asyncio
    from winit_helpers.live.core import _option_values, _params_key, step_value, stop_look_ahead
    view = VIEWS[name]()

    async def press(control, value):
        await asyncio.sleep(2 * QUIET_SECONDS)
        if "value" in control.keys:                 # what the widget's comm does with a message from the browser
            control.set_state({"value": value})
        else:                                       # a list of choices sends the index of the chosen one
            control.set_state({"index": _option_values(control).index(value)})
        await asyncio.sleep(0)

    try:
        for control_name, control in view.controls.items():
            if getattr(control, "disabled", False):
                continue
            value = step_value(control, 1)
            value = step_value(control, -1) if value is None else value
            if value is None:
                continue
            asyncio.run(press(control, value))
            assert view.error is None, f"{name}: {control_name} -> {value!r}: {view.error}"
            assert f"data-params='{_params_key(view.params)}'" in view.status.value, \
                f"{name}: a move of {control_name} from the page did not draw its setting"
    finally:
        stop_look_ahead()


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_view_says_once_how_to_step_and_type_and_what_redraws_late(name):
    view = VIEWS[name]()
    text = view.hint.value
    assert "arrow keys" in text
    numeric = [c for c in view.controls.values() if type(c).__name__ in ("IntSlider", "FloatSlider", "FloatLogSlider")]
    steps = [c for c in view.controls.values() if type(c).__name__ == "SelectionSlider"]   # readout not typed into
    if numeric and not steps:
        assert "type a value into its number readout" in text
    elif numeric:
        assert f"type a value into the number readout of {' or '.join(c.description for c in numeric)}." in text
    else:
        assert "type a value" not in text
    late = [c.description for c in view.controls.values() if getattr(c, "continuous_update", True) is False]
    for description in late:
        assert description in text and "when you let go" in text
    if not late:
        assert "let go" not in text
    assert sum(1 for child in view.widget.children if child is view.hint) == 1


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_a_layers_axis_labels_whole_layers_at_every_depth(name):
    """An axis of layers shows whole numbers, at depth 1 too (where matplotlib would pick 0.25 steps)."""
    view = VIEWS[name]()
    depth_controls = [c for n, c in view.controls.items() if "depth" in n and not hasattr(c, "options")]
    for control in depth_controls:
        for value in (control.min, control.max):
            control.value = value
            assert view.error is None, view.error
            for ax in view.panel.fig.axes:
                if not ax.get_visible() or not ax.get_xlabel().lower().startswith("layer"):
                    continue
                lo, hi = ax.get_xlim()
                view.panel.fig.canvas.draw()
                shown = [t.get_text() for t, x in zip(ax.get_xticklabels(), ax.get_xticks()) if lo <= x <= hi]
                assert shown and all(t.replace("\u2212", "-").lstrip("-").isdigit() for t in shown), (
                    f"{name} at {control.description} = {value}: the layers' axis reads {shown}")


def test_the_figures_compute_on_one_blas_thread_and_a_limited_block_does_not_undo_it():
    """Two runs at once, one per core (figures.base.POOL): a second BLAS thread under each would fight for them.
    In a fresh process without OPENBLAS_NUM_THREADS (which `make` sets): a plain `jupyter lab`, or pip on Windows."""
    import json
    import os
    import subprocess
    import sys

    code = """if True:
        import json
        import threadpoolctl
        def threads():
            return sorted({lib["num_threads"] for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"})
        before = threads()
        import winit_helpers.figures.base as base
        from winit_helpers._blas import one_blas_thread
        after = threads()
        def limited():
            with one_blas_thread():         # as the training code does, on the pool's threads too
                pass
        limited()
        base.POOL.submit(limited).result()
        print(json.dumps([before, after, threads()]))
    """
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    before, after, later = json.loads(out)
    assert after == later == [1], out
    if os.cpu_count() > 1:
        assert before != [1], f"the check needs a BLAS that starts with more threads: {out}"


def test_notebook_9s_q_star_slider_is_disabled_where_it_changes_nothing_and_not_looked_ahead_there():
    """q* picks tanh's critical point; ReLU and linear layers have one (He's gain, and 1): the same figure."""
    view = VIEWS["explore_isometry"]()
    q_star, activation = view.controls["q_star"], view.controls["activation"]
    assert not q_star.disabled and any(p["q_star"] != q_star.value for p in view.neighbours())
    for name in ("relu", "linear"):
        activation.value = name
        assert q_star.disabled and all(p["q_star"] == q_star.value for p in view.neighbours())
        frame = view.image.value
        view.controls["q_star"].value = 1.0                 # from code it still may move: the same image
        assert view.error is None and view.image.value == frame
        q_star.value = 0.1
    activation.value = "tanh"
    assert not q_star.disabled
