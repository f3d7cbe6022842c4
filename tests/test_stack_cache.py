"""The square-stack draw cache's prefetch: layers drawn ahead in a background thread are draw_network's numbers,
whether the prefetch finished, was stopped half way, or was overtaken by a request for another stack; and the
histogram figure of notebook 5, which prefetches, draws after any moves what it draws fresh."""
import numpy as np
import pytest

from winit_helpers.figures.nonlinearities import HistogramPanel
from winit_helpers.figures.stack_cache import DepthDrawCache
from winit_helpers.maths.forward import draw_network


def same_as_draw_network(cache, depth, width, distribution="normal", n_samples=20, seed=5):
    x, units = cache.get((width,) * (depth + 1), distribution, n_samples, seed)
    want_x, want_units = draw_network((width,) * (depth + 1), distribution, n_samples=n_samples, seed=seed)
    assert np.array_equal(x, want_x) and len(units) == depth
    assert all(np.array_equal(a, b) for a, b in zip(units, want_units))


@pytest.mark.parametrize("distribution", ["normal", "uniform"])
def test_prefetched_layers_are_draw_networks_numbers(distribution):
    cache = DepthDrawCache()
    same_as_draw_network(cache, 2, 40, distribution)
    cache.prefetch(30)
    cache._worker.join()                                  # let it finish
    assert len(cache.units) == 30
    for depth in (30, 7, 31, 12):                         # what it drew, a slice, and one layer more
        same_as_draw_network(cache, depth, 40, distribution)


def test_a_prefetch_stopped_half_way_goes_on_from_where_it_stopped():
    for stop_after in (0, 1, 5, 17):
        cache = DepthDrawCache()
        same_as_draw_network(cache, 1, 60)
        cache.prefetch(40)
        while len(cache.units) < 1 + stop_after and cache._worker.is_alive():
            pass
        same_as_draw_network(cache, 40, 60)               # stops the thread, then draws the rest itself
        assert cache._worker is None or not cache._worker.is_alive()


def test_another_stack_while_prefetching_and_the_memory_bound():
    cache = DepthDrawCache()
    same_as_draw_network(cache, 1, 60)
    cache.prefetch(50)
    same_as_draw_network(cache, 3, 60, seed=6)            # another seed: the old thread is stopped first
    same_as_draw_network(cache, 4, 50)                    # another width
    cache.max_elements = 50 * 50 * 9
    cache.prefetch(50)
    cache._worker.join()
    assert len(cache.units) == 9                          # no more than max_elements weights
    cache.prefetch(50)                                    # nothing left to draw: no thread
    assert not cache._worker.is_alive()
    same_as_draw_network(cache, 9, 50)
    with pytest.raises(ValueError, match="depth"):
        cache.prefetch(0)


def test_the_histogram_figure_after_any_moves_is_the_figure_drawn_fresh():
    panel = HistogramPanel()
    moves = [dict(depth=10, width=500), dict(depth=50, width=500), dict(depth=3, width=100),
             dict(depth=50, width=100, activation="relu"), dict(depth=25, width=500, multiplier=0.01),
             dict(depth=50, width=1000), dict(depth=49, width=500, scheme="he")]
    for move in moves:
        drawn = panel.update(**move).drawn
        fresh = HistogramPanel().update(**move).drawn
        assert drawn["method"] == fresh["method"]
        for key in ("layers", "simulation", "theory", "ylim"):
            np.testing.assert_array_equal(drawn[key], fresh[key], err_msg=f"{key} {move}")
        assert len(drawn["violins"]) == len(fresh["violins"]) == move["depth"]
        for a, b in zip(drawn["violins"], fresh["violins"]):
            np.testing.assert_array_equal(a, b)


def test_get_waits_for_the_layer_a_slow_prefetch_is_drawing(monkeypatch):
    """A prefetch whose draw is slow to land (as under load) must not be overtaken by get's own draws."""
    import threading
    import time
    from winit_helpers.figures import stack_cache

    def slow_in_the_background(*args, **kwargs):
        out = unit_weights(*args, **kwargs)
        if threading.current_thread().name == "winit-prefetch":
            time.sleep(0.02)
        return out

    unit_weights = stack_cache.unit_weights
    monkeypatch.setattr(stack_cache, "unit_weights", slow_in_the_background)
    cache = DepthDrawCache()
    same_as_draw_network(cache, 1, 30)
    cache.prefetch(20)
    same_as_draw_network(cache, 20, 30)
    same_as_draw_network(cache, 21, 30)
