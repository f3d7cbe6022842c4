"""The samples route of run_stack: each layer's output drawn from its distribution given its input, W never drawn.

Given the input h (n_samples x fan_in), every column of h @ W, for W of independent normal(0, s) weights, is a normal
vector with covariance s**2 h h^T, independent of the other columns. The route must give exactly that, and so the same
statistics as drawing W, in distribution.
"""
import numpy as np
import pytest

from winit_helpers.figures.nonlinearities import HistogramPanel
from winit_helpers.maths.forward import SampledWeights, draw_samples, run_stack


def test_a_sampled_layer_has_the_covariance_of_a_drawn_one():
    rng = np.random.default_rng(3)
    h = rng.standard_normal((5, 40)) * np.array([0.5, 1.0, 2.0, 1.0, 3.0])[:, None]
    s, m = 0.3, 200_000
    z = h @ SampledWeights(40, rng.standard_normal((5, m)), s)
    assert z.shape == (5, m)
    want = s ** 2 * h @ h.T                                  # the closed form
    got = z @ z.T / m                                        # the columns' covariance (mean 0)
    # each entry of a Wishart average over m columns has std sqrt((S_ii S_jj + S_ij**2) / m): allow 5 of them
    spread = np.sqrt((np.outer(np.diag(want), np.diag(want)) + want ** 2) / m)
    assert np.all(np.abs(got - want) < 5 * spread)
    assert np.abs(z.mean(axis=1)).max() < 5 * np.sqrt(np.diag(want) / m).max()


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
def test_the_samples_route_gives_the_statistics_of_drawn_weights_over_200_seeds(activation):
    widths, n = (60,) * 7, 20
    runs = {method: np.array([np.log10(run_stack(widths, "lecun", activation, n_samples=n, seed=seed,
                                                 method=method).h_std) for seed in range(200)])
            for method in ("weights", "samples")}
    a, b = runs["weights"], runs["samples"]
    # per layer: the means over 200 seeds agree within 4 standard errors of their difference ...
    se = np.sqrt(a.var(axis=0) / len(a) + b.var(axis=0) / len(b))
    assert np.all(np.abs(a.mean(axis=0) - b.mean(axis=0)) < 4 * se)
    # ... and so do the spreads (the ratio of two stds over 200 seeds each is 1 within about 0.1 at 1 sigma)
    ratio = b.std(axis=0) / a.std(axis=0)
    assert np.all((ratio > 0.7) & (ratio < 1.4)), ratio


def test_the_samples_route_says_what_it_cannot_do():
    with pytest.raises(ValueError, match="forward pass only"):
        run_stack((50, 50), method="samples", n_samples=10, backward=True)
    with pytest.raises(ValueError, match="normal weights only"):
        run_stack((50, 50), "pytorch", method="samples", n_samples=10)
    with pytest.raises(ValueError, match="fewer samples than the narrowest fan_in"):
        run_stack((50, 8, 50), method="samples", n_samples=10)
    with pytest.raises(ValueError, match="method"):
        run_stack((50, 50), method="gram", n_samples=10)
    with pytest.raises(ValueError, match="forward only|forward pass only"):
        SampledWeights(50, np.ones((10, 50))).T


def test_the_histogram_figure_samples_only_beyond_its_cache_and_says_so():
    panel = HistogramPanel()
    result = panel.update(activation="tanh", scheme="lecun", depth=4, width=60, n_samples=20, seed=1)
    assert result.drawn["method"] == "weights" and "not drawn" not in result.message
    panel._cache.max_elements = 1000           # 4 x 60 x 60 weights are now too many to keep
    result = panel.update(activation="tanh", scheme="lecun", depth=4, width=60, n_samples=20, seed=1)
    assert result.drawn["method"] == "samples"
    assert "the weights are not drawn" in result.message and "same statistics in distribution" in result.message
    stats = run_stack((60,) * 5, "lecun", "tanh", bins=41, method="samples",
                      draws=draw_samples((60,) * 5, n_samples=20, seed=1))
    assert np.allclose(panel.std_line.get_ydata(), stats.h_std)
    # uniform weights have no exact samples route: they are drawn
    result = panel.update(activation="tanh", scheme="pytorch", depth=4, width=60, n_samples=20, seed=1)
    assert result.drawn["method"] == "weights"
