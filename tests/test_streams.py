"""A seed's kept standard-normal numbers (maths/streams.py): a reader gives what ``make_rng(seed)`` gives, number
for number, across the stream's chunks and past what it keeps; runs read from a stream are the runs drawn fresh;
the depth figures, whose runs of every width read one stream a seed, draw what fresh simulations give."""
import math
import threading

import numpy as np
import pytest

import winit_helpers.maths.streams as streams_module
from winit_helpers.figures.depth import DepthPanel
from winit_helpers.figures.fix import FixPanel
from winit_helpers.maths.forward import Run, simulate
from winit_helpers.maths.streams import NormalStream, kept_stream


def test_a_readers_numbers_are_the_generators_across_chunks_and_past_what_the_stream_keeps(monkeypatch):
    monkeypatch.setattr(streams_module, "CHUNK", 1000)           # many chunk boundaries in a few numbers
    for most in (1, 999, 1000, 4321, 50_000):
        stream = NormalStream(3, most)
        for reader_number in range(2):                           # the second reads what the first had drawn
            reader, rng = stream.reader(), np.random.default_rng(3)
            for size in [(7, 11), 1, (999,), (3, 1000), (1, 1), 2500, (40, 40), (5, 300)]:
                scale = [1.0, 0.25, 3.0][reader_number + len(np.atleast_1d(size)) % 2]
                got = reader.normal(0.0, scale, size) if scale != 1.0 else reader.standard_normal(size)
                want = rng.normal(0.0, scale, size) if scale != 1.0 else rng.standard_normal(size)
                assert got.shape == want.shape and np.array_equal(got, want), (most, size)
        read = 7 * 11 + 1 + 999 + 3000 + 1 + 2500 + 1600 + 1500
        assert stream.drawn == min(most, -(-read // 1000) * 1000)      # whole chunks, as far as read


def test_a_streams_numbers_are_read_only_and_its_bounds_are_checked():
    stream = NormalStream(0, 10)
    assert not stream.numbers(2, 5).flags.writeable
    assert np.array_equal(stream.numbers(0, 10), np.random.default_rng(0).standard_normal(10))
    assert stream.numbers(4, 0).size == 0
    with pytest.raises(ValueError, match="keeps 10"):
        stream.numbers(8, 3)
    with pytest.raises(ValueError, match="keeps 10"):
        stream.numbers(-1, 2)
    with pytest.raises(ValueError, match="seed"):
        NormalStream(-1, 10)
    with pytest.raises(ValueError, match="most"):
        NormalStream(0, 0)
    with pytest.raises(ValueError, match="loc"):
        stream.reader().normal(1.0, 1.0, 3)


def test_readers_in_several_threads_read_the_same_numbers(monkeypatch):
    monkeypatch.setattr(streams_module, "CHUNK", 500)
    stream, want = NormalStream(9, 40_000), np.random.default_rng(9).standard_normal(60_000)
    results = [None] * 6

    def read(k):
        reader = stream.reader()
        results[k] = np.concatenate([reader.standard_normal(n).ravel() for n in [1 + k, 3000 + 17 * k] * 10])

    threads = [threading.Thread(target=read, args=(k,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        assert np.array_equal(result, want[:result.size])


@pytest.mark.parametrize("keep, method, n_samples", [("all", "weights", 50), ("std", "weights", 50),
                                                     ("std", "weights", 10), ("all", "samples", 8)])
def test_a_run_read_from_a_stream_is_the_run_drawn_fresh(keep, method, n_samples):
    stream = NormalStream(4, 12_000)                             # runs of width 30 go past it within a few layers
    for width in (30, 12, 31):
        for ahead in (False, True):
            ours = Run(width, 0.3, n_samples=n_samples, activation="linear", seed=4, method=method, keep=keep,
                       stream=stream).extend(5).extend(20, ahead=ahead).simulation()
            theirs = simulate(25, width, 0.3, n_samples=n_samples, seed=4, method=method, keep=keep)
            for name in ("log10_std", "log10_absmax", "mean_sign", "log10_abs_mean"):
                a, b = getattr(ours, name), getattr(theirs, name)
                assert (a is None and b is None) or np.array_equal(a, b, equal_nan=True), (width, ahead, name)
    with pytest.raises(ValueError, match="seed 5 cannot read the numbers of seed 4"):
        Run(10, 1.0, n_samples=5, activation="linear", seed=5, method="weights", keep="all", stream=stream)


def test_kept_streams_one_a_seed_for_the_first_seeds(monkeypatch):
    monkeypatch.setattr(streams_module, "_kept", {})
    monkeypatch.setattr(streams_module, "KEPT_SEEDS", 3)
    first = [kept_stream(seed) for seed in (4, 2, 4, 9)]
    assert first[0] is first[2] and [s.seed for s in first] == [4, 2, 4, 9]
    assert kept_stream(1) is None and kept_stream(2) is first[1]
    assert all(s.most == streams_module.KEPT_PER_SEED for s in first)
    with pytest.raises(ValueError, match="seed"):
        kept_stream(-3)


def test_the_depth_figures_with_small_streams_draw_what_fresh_simulations_give(monkeypatch):
    # streams as long as the inputs and a few layers: the runs read the kept numbers, then go on with their
    # readers' own generators; seeds past the kept ones draw their own numbers
    monkeypatch.setattr(streams_module, "_kept", {})
    monkeypatch.setattr(streams_module, "KEPT_SEEDS", 4)
    monkeypatch.setattr(streams_module, "KEPT_PER_SEED", 500 * 40 + 40 * 40 * 7)
    panel = FixPanel()
    for depth, width, n_seeds, seed in [(30, 40, 3, 1), (45, 41, 3, 1), (20, 40, 2, 6), (30, 40, 3, 1)]:
        result = panel.update(depth=depth, width=width, multiplier=1.1, n_seeds=n_seeds, seed=seed)
        for k, sim in enumerate(result.simulations):
            fresh = simulate(depth, width, 1.1 / math.sqrt(width), n_samples=500, seed=seed + k, keep="std")
            # the figure runs at unit scale and shifts by log10(scale): equal to rounding, while other numbers differ by 1e-2
            assert np.allclose(sim.log10_std, fresh.log10_std, rtol=0, atol=1e-12)
    assert sorted(streams_module._kept) == [1, 2, 3, 6]
    depth_panel = DepthPanel()
    for width in (100, 101, 99):
        sim = depth_panel.update(depth=60, width=width, scale=0.2).simulations[0]
        assert np.allclose(sim.log10_std, simulate(60, width, 0.2, n_samples=500, seed=0).log10_std, rtol=0, atol=1e-12)
        # std x sqrt(width) a layer: float32 overflows, which the first seed's run that keeps all says
        result = depth_panel.update(depth=60, width=width, scale=1.0)
        fresh = simulate(60, width, 1.0, n_samples=500, seed=0)
        assert result.beyond == {dtype: (fresh.overflow_layer(dtype), fresh.underflow_layer(dtype))
                                 for dtype in ("float32", "float64")} and result.beyond["float32"][0] is not None
