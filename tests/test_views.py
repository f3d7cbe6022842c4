"""Every live view of the course, driven from the kernel as a slider would drive it.

The views are found through the registry (``winit_helpers.live.all_views()``), so a new
view is tested here as soon as it is registered.
"""
import numpy as np
import pytest

from winit_helpers.live import all_views

VIEWS = all_views()   # imports every module of the package, which registers its views


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
    assert bytes(view.image.value).startswith(b"\x89PNG")
    bundle = view._repr_mimebundle_()
    assert "needs a running kernel" in bundle["text/plain"]
    for control_name, control in view.controls.items():
        start = control.value
        for value in positions(control):
            before = bytes(view.image.value)
            control.value = value
            assert view.error is None, f"{name}: {control_name} = {value}: {view.error}"
            assert bytes(view.image.value).startswith(b"\x89PNG")
            if value != start:
                assert bytes(view.image.value) != before, f"{name}: moving {control_name} to {value} changed nothing"
            assert getattr(view.result, "message", "") != ""
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
    assert "float64 the activations would overflow to inf at layer 3" in view.result.message
    assert view.panel.marker.get_visible()


def test_tiny_scale_says_where_it_underflows():
    view = VIEWS["explore_depth"]()
    view.controls["depth"].value = 1000
    view.controls["scale"].value = 0.001
    assert "underflow to 0" in view.result.message
    assert np.isfinite(view.result.log10_std).all()


def test_fan_in_view_follows_the_law():
    view = VIEWS["explore_fan_in"]()
    view.controls["fan_in"].value = 400
    view.controls["scale"].value = 0.1
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
    view.controls["width"].value = 1000                         # 5 x 100 layers of 1000 x 1000: too slow to redraw
    assert len(view.result.simulations) == 1
    assert "Showing 1 of 5 seeds" in view.result.message


def test_a_failed_redraw_is_shown_not_raised(capsys):
    view = VIEWS["explore_depth"]()
    view.fixed["n_samples"] = 1                                 # not reachable from a slider
    view.refresh()
    assert "n_samples must be a whole number >= 2" in view.error
    assert "Could not redraw" in view.status.value
