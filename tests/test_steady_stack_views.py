"""The stack figures of notebooks 4, 5 and 7 keep their axes steady while a slider moves, and still show every point.

Steady limits let a live frame reuse its cached background (see ``Panel.frame``); they must never hide data nor
leave the legend's band above the data.
"""
import numpy as np
import pytest

from winit_helpers.figures.gradients import ForwardBackwardPanel
from winit_helpers.figures.limits import DEPTH_LADDER, LEGEND_BAND
from winit_helpers.figures.nonlinearities import HistogramPanel, steady_depth_end


def rungs():
    return [d + 0.5 for d in DEPTH_LADDER]


@pytest.mark.parametrize("current", [2.5, 5.5, 10.5, 15.5, 20.5, 45.5, 60.5, 80.5])
@pytest.mark.parametrize("depth", [1, 2, 3, 9, 10, 11, 15, 16, 44, 45, 46, 50])
def test_the_depth_axis_holds_the_depth_and_ends_on_one_of_the_two_lowest_rungs_that_do(current, depth):
    end = steady_depth_end(current, depth)
    holding = [r for r in rungs() if r >= depth + 0.5]
    assert end in holding[:2]
    assert (end == current) == (current in holding[:2])        # kept whenever it may be


def below_band(ax, values):
    """Whether every value lies inside ax's log y range, under the band kept for the legend."""
    lo, hi = np.log10(ax.get_ylim())
    top = lo + (hi - lo) * (1 - LEGEND_BAND)
    logs = np.log10(values)
    return bool(np.all(logs >= lo - 1e-9) and np.all(logs <= top + 1e-9))


def test_the_histogram_figure_shows_every_point_whatever_the_moves():
    panel = HistogramPanel()
    for depth, multiplier in [(10, 1.0), (11, 1.0), (9, 1.3), (3, 0.5), (50, 1.0), (49, 2.0), (12, 0.01), (1, 10.0)]:
        result = panel.update(activation="tanh", scheme="lecun", depth=depth, width=40, multiplier=multiplier)
        assert panel.ax.get_xlim()[0] < 0.6 and depth + 0.4 < panel.ax.get_xlim()[1]
        assert panel.ax_std.get_xlim() == panel.ax.get_xlim()
        values = np.concatenate([result.drawn["simulation"], result.drawn["theory"]])
        assert below_band(panel.ax_std, values[values > 0])


def test_the_forward_backward_figure_shows_every_point_whatever_the_multiplier():
    panel = ForwardBackwardPanel()
    for multiplier in [1.0, 1.02, 0.95, 4.0, 0.25, 1.0]:
        result = panel.update(multiplier=multiplier)
        for ax, sim, theory in ((panel.ax_f, "forward", "forward_theory"), (panel.ax_b, "backward", "backward_theory")):
            values = np.concatenate([result.drawn[sim], result.drawn[theory]])
            assert below_band(ax, values[np.isfinite(values) & (values > 0)])
            assert ax.get_xlim() == (0.6, len(result.drawn["layers"]) + 0.4)


def test_the_depth_cache_gives_draw_networks_numbers_at_every_depth_in_any_order():
    from winit_helpers.figures.stack_cache import DepthDrawCache
    from winit_helpers.maths.forward import draw_network
    cache = DepthDrawCache()
    for depth, distribution, seed in [(3, "normal", 5), (7, "normal", 5), (2, "normal", 5), (9, "normal", 5),
                                      (4, "uniform", 5), (6, "normal", 6), (1, "normal", 6)]:
        widths = (30,) * (depth + 1)
        x, units = cache.get(widths, distribution, 20, seed)
        want_x, want_units = draw_network(widths, distribution, n_samples=20, seed=seed)
        assert np.array_equal(x, want_x) and len(units) == depth
        assert all(np.array_equal(a, b) for a, b in zip(units, want_units))
    # not square, or more weights than it keeps: drawn as draw_network draws them, and not kept across depths
    x, units = cache.get((30, 20, 10), "normal", 20, 1)
    assert [u.shape for u in units] == [(30, 20), (20, 10)] and cache.square_key is None
    cache.max_elements = 30 * 30 * 2
    x, units = cache.get((30,) * 4, "normal", 20, 1)
    assert all(np.array_equal(a, b) for a, b in zip(units, draw_network((30,) * 4, n_samples=20, seed=1)[1]))
    assert cache.square_key is None and cache.units == []
    with pytest.raises(ValueError, match="n_samples"):
        cache.get((30, 30), "normal", 1, 0)
