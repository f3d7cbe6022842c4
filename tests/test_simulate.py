"""The simulation core against closed forms and an independent plain-numpy loop.

Every tolerance below was chosen from the spread measured over many seeds
(numbers in the comments), with a wide margin, so no seed can fail it by luck.
"""
import math
import tracemalloc

import numpy as np
import pytest

import winit_helpers as wh
from winit_helpers.maths.forward import LOG10_MAX, Run


def plain_loop(depth, width, scale, n_samples, activation, seed):
    """The answer's loop, written independently of winit_helpers, in float64."""
    f = {"linear": lambda z: z, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
         "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[activation]
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_samples, width))
    means, stds = [], []
    for _ in range(depth):
        x = f(np.dot(x, rng.normal(size=(width, width), scale=scale)))
        means.append(x.mean())
        stds.append(x.std())
    return np.array(means), np.array(stds)


@pytest.mark.parametrize("activation", ["linear", "tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("scale", [0.05, 0.2, 1.0])
def test_matches_an_independent_plain_loop(activation, scale):
    # depth 20 at width 30 stays far inside float64, so the plain loop is exact enough to compare with
    sim = wh.simulate(20, 30, scale, n_samples=50, activation=activation, seed=3)
    means, stds = plain_loop(20, 30, scale, 50, activation, seed=3)
    np.testing.assert_allclose(sim.std, stds, rtol=1e-9)
    assert np.all(np.abs(sim.mean - means) <= 1e-9 * stds)   # the mean to 9 digits of the spread
    assert sim.std.shape == sim.mean.shape == sim.log10_std.shape == (20,)


def test_same_arguments_same_result_and_seed_matters():
    a = wh.simulate(50, 40, 0.3, activation="tanh", seed=7)
    b = wh.simulate(50, 40, 0.3, activation="tanh", seed=7)
    c = wh.simulate(50, 40, 0.3, activation="tanh", seed=8)
    assert np.array_equal(a.log10_std, b.log10_std) and np.array_equal(a.mean, b.mean)
    assert not np.array_equal(a.log10_std, c.log10_std)


@pytest.mark.parametrize("width,scale", [(100, 1.0), (100, 0.01), (400, 0.3), (25, 1.0), (1000, 0.02)])
def test_growth_per_layer_is_scale_times_sqrt_width(width, scale):
    # Layer k's std is (scale * sqrt(width)) ** k.  Over 500 seeds at width 100, log10 std at layer 100
    # deviated from 100 * log10(scale * sqrt(width)) by at most 0.35 (sd 0.09); the deviation grows like
    # sqrt(depth / width), so we allow 1.5 * sqrt(depth / width) + 0.5 (over five sds everywhere below).
    depth = 100
    sim = wh.simulate(depth, width, scale, seed=11)
    theory = wh.predicted_log10_std(depth, width, scale)
    assert theory[-1] == pytest.approx(depth * math.log10(scale * math.sqrt(width)))
    assert abs(sim.log10_std[-1] - theory[-1]) < 1.5 * math.sqrt(depth / width) + 0.5
    slope = np.polyfit(sim.layers, sim.log10_std, 1)[0]
    assert slope == pytest.approx(math.log10(scale * math.sqrt(width)), abs=0.02)


def test_the_fix_keeps_log_variance_near_zero_across_seeds():
    # scale = 1/sqrt(width): over 500 seeds at width 100, log10 std at layer 100 had sd 0.19 and stayed
    # within [-0.66, 0.55]; the largest |log10 std| over all 100 layers and 10 seeds must stay below 1.3
    worst = max(np.abs(wh.simulate(100, 100, 0.1, n_samples=200, seed=s).log10_std).max() for s in range(10))
    assert worst < 1.3


def test_unscaled_answer_is_near_1e99():
    # the answer's number: sqrt of the mean over 100 layers of the variance; 2000 seeds gave log10 in [97.5, 100.5]
    sim = wh.simulate(100, 100, 1.0, seed=0)
    log10_qa = 0.5 * np.log10(np.mean(10.0 ** (2 * (sim.log10_std - 100)))) + 100
    assert 96 < log10_qa < 102


@pytest.mark.parametrize("depth", [400, 5000])
def test_follows_the_network_past_float64(depth):
    sim = wh.simulate(depth, 100, 1.0, n_samples=50, seed=1)
    assert np.all(np.isfinite(sim.log10_std))
    # grows by 1 per layer; the random walk after 5000 layers of width 100 has sd about 0.7 in log10
    assert abs(sim.log10_std[-1] - depth) < 0.5 + 1.5 * math.sqrt(depth / 100)
    assert np.isinf(sim.std[-1]) and sim.std[0] == pytest.approx(10 ** sim.log10_std[0])
    assert 290 < sim.overflow_layer("float64") < 320
    assert 30 < sim.overflow_layer("float32") < 40


def test_follows_the_network_below_float64_and_reports_underflow():
    sim = wh.simulate(1000, 100, 0.001, n_samples=50, seed=2)      # factor 0.01 per layer
    assert np.all(np.isfinite(sim.log10_std))
    assert abs(sim.log10_std[-1] - (-2000)) < 10
    assert sim.std[-1] == 0.0 and sim.mean[-1] == 0.0
    assert 150 < sim.underflow_layer("float64") < 170
    assert sim.overflow_layer("float64") is None


def test_tanh_follows_tiny_signals_exactly():
    # with tiny weights tanh is the identity, so the std shrinks by scale * sqrt(width) = 0.01 per layer
    tanh = wh.simulate(300, 100, 0.001, n_samples=50, activation="tanh", seed=4)
    linear = wh.simulate(300, 100, 0.001, n_samples=50, activation="linear", seed=4)
    assert np.all(np.isfinite(tanh.log10_std))
    # only the first layers bend, by tanh(x) = x - x**3/3 (x ~ 0.01: 3e-5); after that tanh is the identity
    offset = tanh.log10_std - linear.log10_std
    assert abs(offset[-1]) < 1e-4
    assert np.abs(offset).max() < 2e-4


def test_relu_keeps_half_the_second_moment():
    # relu at scale sqrt(2/width) (He) keeps the second moment; at 1/sqrt(width) it halves it per layer
    depth, width = 30, 200
    he = wh.simulate(depth, width, math.sqrt(2 / width), activation="relu", seed=5)
    lecun = wh.simulate(depth, width, math.sqrt(1 / width), activation="relu", seed=5)
    slope = np.polyfit(lecun.layers, lecun.log10_std - he.log10_std, 1)[0]
    assert slope == pytest.approx(math.log10(math.sqrt(0.5)), abs=1e-9)   # exact: same weights, rescaled
    assert abs(he.log10_std[-1] - he.log10_std[0]) < 0.5


def test_no_runtime_warnings_at_extremes():
    # pytest is configured with filterwarnings = error: any RuntimeWarning fails this test
    for activation in ["linear", "tanh", "relu", "sigmoid"]:
        for scale in [1e-6, 10.0, 1e3]:
            sim = wh.simulate(300, 20, scale, n_samples=20, activation=activation, seed=0)
            assert not np.any(np.isnan(sim.log10_std))
            assert not np.any(np.isnan(sim.mean))


def test_memory_does_not_grow_with_depth():
    def peak(depth):
        tracemalloc.start()
        wh.simulate(depth, 100, 1.0, n_samples=500, seed=0)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top
    shallow, deep = peak(10), peak(2000)
    # 2000 layers add only the per-layer statistics (4 x 2000 floats = 64 kB), never the activations (400 kB each)
    assert deep - shallow < 200_000


def test_head_equals_a_shorter_run():
    long, short = wh.simulate(80, 30, 0.4, seed=9), wh.simulate(30, 30, 0.4, seed=9)
    head = long.head(30)
    assert np.array_equal(head.log10_std, short.log10_std) and head.depth == 30
    with pytest.raises(ValueError, match="at most 80"):
        long.head(81)


@pytest.mark.parametrize("activation", ["linear", "relu"])
def test_rescale_is_a_new_scale(activation):
    base = wh.simulate(60, 50, 1.0, activation=activation, seed=6)
    direct = wh.simulate(60, 50, 0.2, activation=activation, seed=6)
    np.testing.assert_allclose(base.rescale(0.2).log10_std, direct.log10_std, atol=1e-9)
    np.testing.assert_allclose(base.rescale(0.2).mean, direct.mean, rtol=1e-8)


def test_rescale_refuses_tanh():
    with pytest.raises(ValueError, match="only for linear and relu"):
        wh.simulate(5, 10, 1.0, activation="tanh").rescale(0.5)


@pytest.mark.parametrize("fan_in", [10, 100, 1000, 4000])
@pytest.mark.parametrize("weights", ["normal", "uniform"])
def test_fan_in_law(fan_in, weights):
    # std(X @ W) = sqrt(fan_in * Var(w)); over 100 seeds at 2000 x 200 outputs the ratio lay within 1.2%
    # of 1 at fan_in 1000 (sd 0.4%); at fan_in 10 each neuron's few weights scatter more (sd 1.5%)
    y = wh.fan_in_outputs(fan_in, 0.5, weights=weights, n_samples=2000, n_units=200, seed=fan_in)
    assert y.shape == (2000, 200)
    assert y.std() / wh.predicted_output_std(fan_in, 0.5, weights) == pytest.approx(1, abs=0.08)


def test_predicted_output_std_closed_forms():
    assert wh.predicted_output_std(1000) == pytest.approx(math.sqrt(1000))
    assert wh.predicted_output_std(100, 0.1) == pytest.approx(1.0)
    assert wh.predicted_output_std(300, math.sqrt(3 / 300), "uniform") == pytest.approx(1.0)


@pytest.mark.parametrize("value,text", [(100.08, "1.2e+100"), (-3.0, "1.0e-3"), (0.0, "1.0e+0"),
                                        (2.99999, "1.0e+3"), (5000.5, "3.2e+5000"), (-np.inf, "0")])
def test_pow10_str(value, text):
    assert wh.pow10_str(value) == text


def test_float_limits_table():
    assert LOG10_MAX["float64"] == pytest.approx(308.25, abs=0.01)
    assert LOG10_MAX["float32"] == pytest.approx(38.53, abs=0.01)


BAD_INPUT = [
    (dict(depth=0), ValueError, "depth must be a whole number >= 1, got 0"),
    (dict(depth=-3), ValueError, "depth must be a whole number >= 1, got -3"),
    (dict(depth=2.5), TypeError, "depth must be a whole number >= 1, got 2.5"),
    (dict(depth="100"), TypeError, "depth must be a whole number >= 1, got '100' \\(str\\)"),
    (dict(depth=True), TypeError, "depth must be a whole number"),
    (dict(width=0), ValueError, "width must be a whole number >= 1, got 0"),
    (dict(width=-1), ValueError, "width must be a whole number >= 1, got -1"),
    (dict(width=10.5), TypeError, "width must be a whole number >= 1, got 10.5"),
    (dict(width="wide"), TypeError, "width must be a whole number >= 1, got 'wide'"),
    (dict(scale=0), ValueError, "scale must be a finite number > 0, got 0.0"),
    (dict(scale=-1.0), ValueError, "scale must be a finite number > 0, got -1.0"),
    (dict(scale=float("nan")), ValueError, "scale must be a finite number > 0, got nan"),
    (dict(scale=float("inf")), ValueError, "scale must be a finite number > 0, got inf"),
    (dict(scale="1"), TypeError, "scale must be a positive number, got '1'"),
    (dict(n_samples=1), ValueError, "n_samples must be a whole number >= 2, got 1"),
    (dict(n_samples=0), ValueError, "n_samples must be a whole number >= 2, got 0"),
    (dict(activation="tahn"), ValueError, "unknown activation 'tahn'; choose one of: linear, tanh, relu, sigmoid"),
]


@pytest.mark.parametrize("kwargs,error,message", BAD_INPUT, ids=[str(b[0]) for b in BAD_INPUT])
def test_bad_input_says_what_to_change(kwargs, error, message):
    args = dict(depth=10, width=10, scale=1.0) | kwargs
    with pytest.raises(error, match=message):
        wh.simulate(**args)


def test_whole_floats_are_accepted_as_sizes():
    assert wh.simulate(10.0, 20.0, 1.0).depth == 10


def test_fan_in_outputs_bad_input():
    with pytest.raises(ValueError, match="unknown weights 'gauss'; choose one of: normal, uniform"):
        wh.fan_in_outputs(10, weights="gauss")
    with pytest.raises(ValueError, match="fan_in must be a whole number >= 1, got 0"):
        wh.fan_in_outputs(0)
    with pytest.raises(ValueError, match="unknown dtype 'float8'"):
        wh.simulate(5, 5, 1.0).overflow_layer("float8")


def test_uniform_fan_in_outputs_have_mean_zero_and_the_uniform_variance():
    # 200 seeds x 50 units: the mean and the variance against 4 standard errors of their spread
    outs = np.array([wh.fan_in_outputs(20, 0.5, weights="uniform", n_samples=50, n_units=50, seed=s) for s in range(200)])
    means, variances = outs.mean(axis=(1, 2)), outs.var(axis=(1, 2))
    assert abs(means.mean()) < 4 * means.std() / np.sqrt(200)
    assert abs(variances.mean() - 20 * 0.5 ** 2 / 3) < 4 * variances.std() / np.sqrt(200) + 0.02


@pytest.mark.parametrize("depth, width, scale, n_samples", [(40, 30, 0.3, 500), (300, 20, 0.2, 100), (20, 1, 1.0, 50),
                                                          (30, 50, 0.14, 50)])
def test_keep_std_gives_the_std_and_mean_of_the_plain_loop(depth, width, scale, n_samples):
    # more samples than units: the run follows a width x width matrix with the same weights (to rounding);
    # fewer: it runs the ordinary loop. Either way the plain loop's std and mean, and no largest |activation|
    sim = wh.simulate(depth, width, scale, n_samples=n_samples, seed=4, keep="std")
    full = wh.simulate(depth, width, scale, n_samples=n_samples, seed=4)
    np.testing.assert_allclose(sim.log10_std, full.log10_std, rtol=0, atol=1e-10)
    np.testing.assert_allclose(sim.log10_abs_mean, full.log10_abs_mean, rtol=0, atol=1e-8)
    assert np.array_equal(sim.mean_sign, full.mean_sign) and sim.log10_absmax is None
    if depth <= 40:           # inside float64: the independent loop itself
        means, stds = plain_loop(depth, width, scale, n_samples, "linear", seed=4)
        np.testing.assert_allclose(sim.std, stds, rtol=1e-9)
        assert np.all(np.abs(sim.mean - means) <= 1e-9 * stds)
    np.testing.assert_allclose(sim.head(10).rescale(0.5).log10_std, full.head(10).rescale(0.5).log10_std, atol=1e-10)
    with pytest.raises(ValueError, match="keep='all'"):
        sim.overflow_layer("float32")
    with pytest.raises(ValueError, match="keep='all'"):
        sim.rescale(2.0).underflow_layer()


def test_keep_must_be_all_or_std():
    with pytest.raises(ValueError, match="keep"):
        wh.simulate(3, 4, 1.0, keep="mean")


@pytest.mark.parametrize("activation, method, keep, n_samples", [("linear", "weights", "all", 300), ("tanh", "weights", "all", 300),
                                                        ("linear", "weights", "std", 300), ("relu", "samples", "all", 20),
                                                        ("linear", "samples", "std", 20)])
@pytest.mark.parametrize("ahead", [False, True])
def test_a_run_pushed_deeper_in_steps_is_one_simulation(activation, method, keep, n_samples, ahead):
    # ahead=True: a second thread draws the random numbers (runs of 8 layers or more); the same numbers
    run = Run(40, 0.2, n_samples=n_samples, activation=activation, seed=11, method=method, keep=keep)
    for more in (1, 0, 17, 2, 40):
        run.extend(more, ahead=ahead)
    steps, whole = run.simulation(), wh.simulate(60, 40, 0.2, n_samples=n_samples, activation=activation, seed=11,
                                                  method=method, keep=keep)
    assert steps.depth == whole.depth == 60
    for field in ("log10_std", "mean_sign", "log10_abs_mean") + (("log10_absmax",) if keep == "all" else ()):
        assert np.array_equal(getattr(steps, field), getattr(whole, field)), field


def test_the_std_and_the_mean_bound_the_largest_activation():
    """rms <= max |x| <= sqrt(N) rms, on 200 runs of every kind of layer the depth figures use (and an offset mean)."""
    from winit_helpers.maths.forward import _absmax_bounds
    rng = np.random.default_rng(5)
    for seed in range(200):
        width, n = int(rng.integers(2, 40)), int(rng.integers(2, 80))
        sim = wh.simulate(int(rng.integers(1, 30)), width, float(10 ** rng.uniform(-1, 1)) / math.sqrt(width),
                          n_samples=n, activation=["linear", "relu"][seed % 2], seed=seed)
        lower, upper = _absmax_bounds(sim)
        assert np.all(lower <= sim.log10_absmax) and np.all(sim.log10_absmax <= upper), seed
        # the slack is a millionth of a decade: the bounds are the closed forms
        ln10 = math.log(10)
        rms = 0.5 * np.logaddexp(2 * ln10 * sim.log10_std, 2 * ln10 * sim.log10_abs_mean) / ln10
        assert np.allclose(lower, rms, atol=2e-6) and np.allclose(upper, rms + 0.5 * math.log10(n * width), atol=2e-6)


def test_float_edges_from_the_std_alone_are_those_of_the_run_that_keeps_every_activation():
    """300 settings on both sides of float32's and float64's ranges: a run that kept only the std, helped by the
    same run kept whole only as deep as needed, says where each float type overflows and underflows exactly as
    the whole run does."""
    from winit_helpers.maths.forward import float_edges
    rng = np.random.default_rng(1)
    asked = []
    for _ in range(300):
        width = int(rng.integers(2, 60))
        n, depth, seed = int(rng.integers(width + 1, 200)), int(rng.integers(1, 400)), int(rng.integers(0, 1000))
        scale = float(10 ** rng.uniform(-1.2, 0.8)) / math.sqrt(width)
        whole = wh.simulate(depth, width, scale, n_samples=n, seed=seed)
        std_only = wh.simulate(depth, width, scale, n_samples=n, seed=seed, keep="std")
        calls = []

        def full(layers):
            calls.append(layers)
            return whole.head(layers)

        expected = {dtype: (whole.overflow_layer(dtype), whole.underflow_layer(dtype)) for dtype in ("float32", "float64")}
        assert float_edges(std_only, full) == expected
        assert len(calls) <= 1
        asked.append(calls[0] if calls else 0)
        if calls:                       # not deeper than the first layer where a float type surely gave out
            assert calls[0] == depth or any(e is not None and e <= calls[0] for pair in expected.values() for e in pair)
        assert float_edges(whole) == expected             # a run that keeps all answers itself
    assert 50 < asked.count(0) < 250                      # both kinds of setting were tried


@pytest.mark.parametrize("multiplier", [0.5, 0.75, 1.0, 1.5, 2.0])
def test_at_notebook_3_s_default_depth_no_float_type_is_near_its_range(multiplier):
    """Depth 100, width 100, any multiplier on its slider: the std and the mean settle it; nothing more is run."""
    from winit_helpers.maths.forward import absmax_layers_needed
    for seed in range(5):
        sim = wh.simulate(100, 100, multiplier / 10, seed=seed, keep="std")
        assert absmax_layers_needed(sim) == 0


def test_float_edges_wants_the_layers_it_asked_for_with_their_largest_activation():
    from winit_helpers.maths.forward import float_edges
    sim = wh.simulate(60, 20, 1.0, seed=0, keep="std")        # std x 4.5 a layer: float32 gives out near 59
    with pytest.raises(ValueError, match=r"full\(60\) must keep the largest \|activation\| of 60 layers, got 59"):
        float_edges(sim, lambda layers: wh.simulate(layers - 1, 20, 1.0, seed=0))
    with pytest.raises(ValueError, match="without it"):
        float_edges(sim, lambda layers: wh.simulate(layers, 20, 1.0, seed=0, keep="std"))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("edge", ["over", "under"])
def test_float_edges_where_the_std_alone_leaves_it_open(dtype, edge):
    """40 seeds, each scaled so that its last layer's root mean square lies where the largest |activation| may or may
    not be beyond the range (it is between rms and sqrt(N) rms: 1.65 decades here), from its edge inwards:
    the whole run decides, and the answer is that of the whole run."""
    from winit_helpers.maths.forward import LOG10_MIN, float_edges
    depth, width, n = 80, 20, 100
    outcomes = set()
    for seed in range(40):
        inside = 0.1 + 1.4 * seed / 39                   # decades inside the edge
        target = LOG10_MAX[dtype] - inside if edge == "over" else LOG10_MIN[dtype] - inside
        unit = wh.simulate(depth, width, 1.0, n_samples=n, seed=seed)
        last_rms = 0.5 * math.log10(10 ** (2 * unit.log10_std[-1]) + 10 ** (2 * unit.log10_abs_mean[-1]))
        scale = 10 ** ((target - last_rms) / depth)   # a linear layer's output scales with the weights
        whole = wh.simulate(depth, width, scale, n_samples=n, seed=seed)
        calls = []

        def full(layers):
            calls.append(layers)
            return whole.head(layers)

        got = float_edges(wh.simulate(depth, width, scale, n_samples=n, seed=seed, keep="std"), full)
        expected = {d: (whole.overflow_layer(d), whole.underflow_layer(d)) for d in ("float32", "float64")}
        assert got == expected, seed
        outcomes.add(expected[dtype][0 if edge == "over" else 1] is not None)
        assert calls, f"seed {seed}: the std alone cannot settle this"
    assert outcomes == {True, False}                 # both beyond the range and within it, by the seed


def test_a_first_layer_surely_beyond_float32_needs_that_layer_alone():
    from winit_helpers.maths.forward import float_edges
    calls, whole = [], wh.simulate(3, 10, 1e40, seed=0)
    got = float_edges(wh.simulate(3, 10, 1e40, seed=0, keep="std"), lambda layers: calls.append(layers) or
                      whole.head(layers))
    assert got == {"float32": (1, None), "float64": (None, None)} and calls == [1]


def test_the_gram_factor_is_qr_s_up_to_row_signs_and_qr_s_where_cholesky_fails():
    from winit_helpers.maths.forward import _gram_factor
    x = np.random.default_rng(0).standard_normal((50, 8))
    r, qr = _gram_factor(x), np.linalg.qr(x, mode="r")
    assert np.allclose(np.triu(r), r) and np.allclose(r.T @ r, x.T @ x)
    assert np.allclose(np.abs(r), np.abs(qr))
    x[:, 3] = 0.0                                    # a zero column: no Cholesky factor
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cholesky(x.T @ x)
    assert np.allclose(_gram_factor(x), np.linalg.qr(x, mode="r"))


def test_the_float_limits_are_their_closed_forms_to_float64_precision():
    """Largest finite (2 - 2**-m) * 2**emax and smallest subnormal 2**-(bias + m - 1), in log10 from the bit layouts."""
    from winit_helpers.maths.forward import LOG10_MIN
    layouts = {"float16": (10, 15, 24), "float32": (23, 127, 149), "float64": (52, 1023, 1074)}
    for dtype, (mantissa, emax, tiny) in layouts.items():
        assert LOG10_MAX[dtype] == pytest.approx(math.log10(2 - 2.0 ** -mantissa) + emax * math.log10(2), abs=1e-12)
        assert LOG10_MIN[dtype] == pytest.approx(-tiny * math.log10(2), abs=1e-12)


def test_a_largest_activation_a_billionth_of_a_decade_past_float32_s_largest_overflows():
    scale = 32673769.657512091 / math.sqrt(17)        # layer 5's largest |activation|: 1e-9 decades past the limit
    sim = wh.simulate(5, 17, scale, seed=7)
    assert 0 < sim.log10_absmax[4] - LOG10_MAX["float32"] < 1e-8
    assert sim.overflow_layer("float32") == 5
