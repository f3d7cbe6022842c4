"""Every closed form in maths/theory.py against an independent computation: a numpy simulation over
many seeds (tolerance: 4 standard errors of the mean over those seeds), or another derivation."""
import numpy as np
import pytest

from winit_helpers.maths import theory as th
from winit_helpers.maths.activations import HE_GAIN
from winit_helpers.maths.forward import propagate, simulate
from winit_helpers.maths.init import layer_stds
from winit_helpers.maths.isometry import residual_stream
from winit_helpers.maths.meanfield import chi1, fixed_point

SEEDS = 200


def _mean_and_tolerance(samples):
    """Mean over seeds and 4 standard errors of that mean (the spread the seeds themselves show)."""
    samples = np.asarray(samples, dtype=float)
    return samples.mean(axis=0), 4 * samples.std(axis=0, ddof=1) / np.sqrt(len(samples))


@pytest.mark.parametrize("weights", ["normal", "uniform"])
@pytest.mark.parametrize("fan_in, scale", [(1, 1.0), (10, 0.3), (100, 0.1), (300, 0.05)])
def test_output_variance_against_numpy_over_seeds(weights, fan_in, scale):
    # plain numpy, not the course's fan_in_outputs: x @ w for unit-variance x
    variances = []
    for seed in range(SEEDS):
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((400, fan_in))
        w = rng.normal(0, scale, (fan_in, 1)) if weights == "normal" else rng.uniform(-scale, scale, (fan_in, 1))
        variances.append(np.mean((x @ w) ** 2))
    mean, tol = _mean_and_tolerance(variances)
    predicted = th.predicted_output_std(fan_in, scale, weights)
    assert abs(mean - predicted ** 2) < tol
    assert th.weight_variance(scale, weights) == pytest.approx(np.var(np.concatenate(
        [np.random.default_rng(s).normal(0, scale, 20000) if weights == "normal"
         else np.random.default_rng(s).uniform(-scale, scale, 20000) for s in range(20)])), rel=0.02)
    assert th.fan_in_std([fan_in], th.weight_variance(scale, weights))[0] == pytest.approx(predicted, rel=1e-12)


def test_fan_in_std_is_the_square_root_law_and_not_linear():
    f = np.array([1.0, 4.0, 100.0, 1e4])
    assert np.allclose(th.fan_in_std(f, 0.25), 0.5 * np.sqrt(f))
    with pytest.raises(ValueError, match="fan_in must hold numbers >= 1"):
        th.fan_in_std([0.5, 3], 1.0)


def test_normal_pdf_against_scipy_and_its_moments():
    from scipy import integrate, stats
    for std in (0.3, 1.0, 2.5):
        x = np.linspace(-12 * std, 12 * std, 20001)
        pdf = th.normal_pdf(x, std)
        assert np.allclose(pdf, stats.norm.pdf(x, scale=std), rtol=1e-12, atol=1e-300)
        assert integrate.trapezoid(pdf, x) == pytest.approx(1.0, abs=1e-6)
        assert integrate.trapezoid(x * x * pdf, x) == pytest.approx(std ** 2, rel=1e-5)


@pytest.mark.parametrize("width, scale", [(50, 0.2), (100, 0.1), (100, 0.13), (200, 0.05)])
def test_linear_growth_per_layer_against_numpy_over_seeds(width, scale):
    # a plain numpy loop of linear layers; the mean of the squared std ratio per layer is scale^2 width
    depth, ratios = 6, []
    for seed in range(SEEDS):
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((100, width))
        r = []
        for _ in range(depth):
            y = x @ rng.normal(0, scale, (width, width))
            r.append(np.mean(y ** 2) / np.mean(x ** 2))
            x = y
        ratios.append(r)
    mean, tol = _mean_and_tolerance(ratios)
    assert np.all(np.abs(mean - th.growth_per_layer(width, scale) ** 2) < tol)


def test_predicted_log10_std_against_the_simulation_over_seeds():
    depth, width, scale = 12, 100, 0.13
    logs = [simulate(depth, width, scale, n_samples=100, seed=s).log10_std for s in range(SEEDS)]
    mean, tol = _mean_and_tolerance(logs)
    # E[log] sits below log E by about Var/2 per layer, ~1/(n_samples width) in ln units: far below tol here
    assert np.all(np.abs(mean - th.predicted_log10_std(depth, width, scale)) < tol + 1e-3)
    assert th.predicted_log10_std(3, 100, 0.1) == pytest.approx([0, 0, 0], abs=1e-15)


@pytest.mark.parametrize("multiplier", [0.5, 1.0, 1.7])
def test_rule_scale_makes_each_layer_multiply_by_the_multiplier(multiplier):
    for width in (10, 100, 1000):
        assert th.growth_per_layer(width, th.rule_scale(width, multiplier)) == pytest.approx(multiplier, rel=1e-12)
    run = simulate(20, 400, th.rule_scale(400, multiplier), n_samples=400, seed=3)
    steps = np.diff(run.log10_std)
    assert np.mean(steps) == pytest.approx(np.log10(multiplier), abs=0.01)


@pytest.mark.parametrize("activation", ["linear", "tanh", "relu"])
def test_mean_field_against_wide_numpy_networks_over_seeds(activation):
    widths = (300, 400, 300, 200)
    stds = layer_stds(widths, "he" if activation == "relu" else "lecun", gain=1.3)
    z, h, hm, gz, gh = [], [], [], [], []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((200, widths[0]))
        ws = [s * rng.standard_normal((a, b)) for s, a, b in zip(stds, widths[:-1], widths[1:])]
        run = propagate(x, ws, activation, backward=True, seed=seed)
        z.append(run.z_std), h.append(run.h_std), hm.append(run.h_mean)
        gz.append(run.grad_z_std), gh.append(run.grad_h_std)
    theory = th.mean_field(widths, stds, activation)
    assert theory.n_samples is None and theory.widths == widths
    for measured, predicted in ((z, theory.z_std), (h, theory.h_std), (gz, theory.grad_z_std),
                                (gh, theory.grad_h_std)):
        mean, tol = _mean_and_tolerance(measured)
        # finite width and batch: a bias of order 1/width on top of the seeds' spread
        assert np.all(np.abs(mean / predicted - 1) < tol / predicted + 0.02), (activation, mean, predicted)
    mean, tol = _mean_and_tolerance(hm)
    assert np.all(np.abs(mean - theory.h_mean) < tol + 0.02 * theory.h_std)


def test_mean_field_closed_forms():
    # linear: every pre-activation std is the product of sqrt(fan_in) std; ReLU: the mean is std_z / sqrt(2 pi)
    widths, stds = (100, 50, 200), [0.2, 0.05]
    lin = th.mean_field(widths, stds, "linear")
    assert np.allclose(lin.z_std, [np.sqrt(100) * 0.2, np.sqrt(100) * 0.2 * np.sqrt(50) * 0.05])
    assert np.allclose(lin.grad_z_std, [np.sqrt(200) * 0.05, 1.0])
    assert np.allclose(lin.grad_h_std, [np.sqrt(50) * 0.2 * np.sqrt(200) * 0.05, np.sqrt(200) * 0.05])
    relu = th.mean_field((100, 100), [HE_GAIN / 10], "relu")
    assert relu.h_mean[0] == pytest.approx(HE_GAIN / np.sqrt(2 * np.pi), rel=1e-6)


def test_two_input_distance_against_vectors():
    rng = np.random.default_rng(0)
    n = 1000
    for q, c in [(1.0, 0.2), (0.3, 0.9), (5.0, -0.5), (2.0, 1.0)]:
        a = rng.standard_normal(n)
        a *= np.sqrt(q * n) / np.linalg.norm(a)
        u = rng.standard_normal(n)
        u -= (u @ a) / (a @ a) * a
        u *= np.sqrt(q * n) / np.linalg.norm(u)
        b = c * a + np.sqrt(1 - c * c) * u
        assert th.two_input_distance(q, c) == pytest.approx(np.linalg.norm(a - b) / np.sqrt(n), rel=1e-9, abs=1e-12)


def test_jacobian_setting_is_critical():
    sw, sb, q0 = th.jacobian_setting("tanh", 0.1)
    assert chi1(sw, sb) == pytest.approx(1.0, abs=1e-8) and fixed_point(sw, sb) == pytest.approx(0.1, rel=1e-8)
    assert th.jacobian_setting("relu") == (np.sqrt(2.0), 0.0, 1.0) and th.jacobian_setting("linear") == (1.0, 0.0, 1.0)


@pytest.mark.parametrize("alpha", [0.0, 0.3, 0.5, 1.0])
def test_residual_growth_against_the_residual_stream_over_seeds(alpha):
    depth = 6
    runs = [residual_stream(depth, 64, alpha, n_samples=64, seed=s) for s in range(SEEDS)]
    mean, tol = _mean_and_tolerance(runs)
    assert np.all(np.abs(mean - th.residual_growth(alpha, np.arange(depth + 1))) < tol + 1e-12)
    fixup = residual_stream(depth, 64, alpha, n_samples=64, seed=0, zero_last=True)
    assert np.allclose(fixup / fixup[0], th.residual_growth(alpha, np.arange(depth + 1), zero_last=True))


@pytest.mark.parametrize("rule", th.RESIDUAL_RULES)
def test_residual_alpha_matches_its_label(rule):
    for depth in (1, 4, 50):
        expected = 1.0 if rule == th.FIXUP else eval(rule.split("=")[1].replace("sqrt", "np.sqrt"), {"np": np, "L": depth})
        assert th.residual_alpha(rule, depth) == pytest.approx(expected, rel=1e-15)
