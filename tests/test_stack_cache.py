"""The square-stack draw cache's prefetch: layers drawn ahead in a background thread are draw_network's numbers,
whether the prefetch finished, was stopped half way, or was overtaken by a request for another stack; and the
histogram figure of notebook 5, which prefetches, draws after any moves what it draws fresh."""
import numpy as np
import pytest

from winit_helpers.figures.nonlinearities import HistogramPanel
from winit_helpers.figures.stack_cache import DepthDrawCache, PendingLayer
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


@pytest.fixture
def slow_background(monkeypatch):
    """The background thread takes 20 ms a layer (as a wide layer does under load), the caller none."""
    import threading
    import time
    from winit_helpers.figures import stack_cache
    unit_weights = stack_cache.unit_weights

    def slow(*args, **kwargs):
        out = unit_weights(*args, **kwargs)
        if threading.current_thread().name == "winit-prefetch":
            time.sleep(0.02)
        return out

    monkeypatch.setattr(stack_cache, "unit_weights", slow)


def assert_draw_networks_numbers(draws, depth, width, distribution="normal", n_samples=20, seed=5):
    x, units = draws
    want_x, want_units = draw_network((width,) * (depth + 1), distribution, n_samples=n_samples, seed=seed)
    assert np.array_equal(x, want_x) and len(units) == depth
    assert all(u.shape == (width, width) for u in units)
    for a, b in zip(units, want_units):
        np.testing.assert_array_equal(np.asarray(a), b)


@pytest.mark.parametrize("distribution", ["normal", "uniform"])
def test_layers_drawn_ahead_are_draw_networks_numbers(distribution, slow_background):
    cache = DepthDrawCache()
    draws = cache.get((40,) * 13, distribution, 20, 5, ahead=30)
    assert all(isinstance(u, PendingLayer) for u in draws[1])        # they were still being drawn
    assert_draw_networks_numbers(draws, 12, 40, distribution)
    assert len(cache.units) < 30
    copied = np.array(draws[1][0])                                  # a copy asked for is a copy: the kept draws stay
    copied[:] = 0.0
    assert not np.shares_memory(copied, cache.units[0]) and cache.units[0].any()
    assert np.asarray(draws[1][0], dtype=np.float32).dtype == np.float32
    cache._worker.join()
    assert len(cache.units) == 30                                   # and it drew on, as far as asked
    assert_draw_networks_numbers(cache.get((40,) * 31, distribution, 20, 5, ahead=30), 30, 40, distribution)
    assert_draw_networks_numbers(cache.get((40,) * 8, distribution, 20, 5), 7, 40, distribution)


def test_a_pending_layer_whose_thread_stopped_first_is_drawn_where_it_is_needed(slow_background):
    cache = DepthDrawCache()
    x, units = cache.get((50,) * 21, "normal", 20, 5, ahead=20)
    cache.halt()                                                    # stopped after a layer or so
    assert len(cache.units) < 20
    assert_draw_networks_numbers((x, units), 20, 50)
    # a pending layer of a stack the cache has left is refused, not drawn from another stack's generator
    x, units = cache.get((50,) * 21, "normal", 20, 6, ahead=20)
    cache.get((30,) * 3, "normal", 20, 6)
    with pytest.raises(RuntimeError, match="no longer holds"):
        np.asarray(units[19])


def test_a_deeper_request_while_drawing_ahead_less_deep_starts_again_and_keeps_the_numbers(slow_background):
    cache = DepthDrawCache()
    cache.get((50,) * 3, "normal", 20, 5, ahead=4)                  # a thread drawing up to layer 4 ...
    assert_draw_networks_numbers(cache.get((50,) * 16, "normal", 20, 5, ahead=15), 15, 50)   # ... asked for 15


def test_a_stack_run_on_layers_drawn_ahead_is_the_run_on_drawn_layers(slow_background):
    from winit_helpers.maths.forward import run_stack
    widths = (60,) * 9
    ahead = run_stack(widths, "lecun", "tanh", bins=10, draws=DepthDrawCache().get(widths, "normal", 20, 5, ahead=8))
    drawn = run_stack(widths, "lecun", "tanh", bins=10, draws=draw_network(widths, "normal", n_samples=20, seed=5))
    np.testing.assert_array_equal(ahead.h_std, drawn.h_std)
    for a, b in zip(ahead.h_hist, drawn.h_hist):
        np.testing.assert_array_equal(a[0], b[0])
