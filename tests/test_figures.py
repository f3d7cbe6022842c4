"""The figures of notebooks 1 to 5 and 7 draw what the maths says, and say what they draw.

Every theory line and marker is compared with a closed form written out here (not
with the function the figure called); every simulated curve with the maths module
that computes it; the numbers are read back from the artists (``line.get_ydata()``,
the titles' text), so the test sees what the figure shows.
"""
import math
import re

import numpy as np
import pytest
from scipy import integrate

from figure_checks import stated_log10
from winit_helpers.figures.depth import DepthPanel
from winit_helpers.figures.fan_in import FanInPanel
from winit_helpers.figures.fix import FixPanel
from winit_helpers.figures.frameworks import FrameworkPanel
from winit_helpers.figures.gradients import INITS, SHAPES, ForwardBackwardPanel
from winit_helpers.figures.nonlinearities import HistogramPanel, violin_xy
from winit_helpers.maths.forward import fan_in_outputs, pow10_str, run_stack, simulate
from winit_helpers.maths.frameworks import FRAMEWORKS
from winit_helpers.maths.init import SCHEMES
from test_schemes import init_weights   # the course's draw: a scheme's std times unit-variance draws

NUMBER = r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?"


def numbers(text):
    return [float(x) for x in re.findall(NUMBER, text)]


def three_digits(x):
    """x as a figure prints it with :.3g."""
    return float(f"{x:.3g}")


# --------------------------------------------------------------------------- notebook 1
def weight_var(scale, weights):
    return scale ** 2 if weights == "normal" else (2 * scale) ** 2 / 12      # U(-a, a): (b - a)^2 / 12


@pytest.mark.parametrize("fan_in, scale, weights", [(1000, 1.0, "normal"), (1, 0.001, "uniform"), (4000, 10.0, "normal"),
                                                    (400, 0.1, "uniform"), (37, 0.3, "normal")])
def test_fan_in_figure_draws_the_law_the_curve_and_the_simulation(fan_in, scale, weights):
    panel = FanInPanel()
    result = panel.update(fan_in=fan_in, scale=scale, weights=weights, seed=3)
    sigma = math.sqrt(fan_in * weight_var(scale, weights))
    # the normal curve, read back from the line
    x, y = panel.pdf.get_data()
    assert np.allclose(y, np.exp(-x ** 2 / (2 * sigma ** 2)) / math.sqrt(2 * math.pi * sigma ** 2), rtol=1e-12)
    lo, hi = panel.ax_hist.get_xlim()          # the bins and the curve span the axis: +-4 sigma at least
    assert x.min() == pytest.approx(lo) and x.max() == pytest.approx(hi) and lo <= -4 * sigma and hi >= 4 * sigma
    assert 8 * sigma >= 0.45 * (hi - lo)
    # the law line over the grid, and the simulated points from the maths module
    grid = np.asarray(panel.law.get_xdata(), dtype=float)
    assert np.allclose(panel.law.get_ydata(), np.sqrt(grid) * math.sqrt(weight_var(scale, weights)), rtol=1e-12)
    simulated = [fan_in_outputs(int(f), scale, weights=weights, n_samples=300, n_units=30, seed=3 + k).std()
                 for k, f in enumerate(grid)]
    assert np.allclose(panel.points.get_ydata(), simulated, rtol=1e-9)
    # the histogram and the slider's marker: the outputs of fan_in_outputs
    out = fan_in_outputs(fan_in, scale, weights=weights, n_samples=300, n_units=30, seed=3)
    data = panel.bars.get_data()
    counts, edges = data.values, data.edges
    expected, _ = np.histogram(np.clip(out, lo, hi), bins=np.linspace(lo, hi, 41), density=True)
    assert np.allclose(edges, np.linspace(lo, hi, 41)) and np.allclose(counts, expected)
    assert panel.current.get_xdata()[0] == fan_in and panel.current.get_ydata()[0] == pytest.approx(out.std())
    # the titles' numbers
    std_text, predicted_text = numbers(panel.ax_hist.get_title())[-2:]
    assert std_text == three_digits(out.std()) and predicted_text == three_digits(sigma)
    assert numbers(panel.ax_law.get_title())[-1] == three_digits(weight_var(scale, weights))
    assert result.drawn["law_y"] is not None and np.allclose(result.drawn["law_y"], panel.law.get_ydata())


@pytest.mark.parametrize("weights", ["normal", "uniform"])
@pytest.mark.parametrize("scale", [0.001, 0.02, 0.1, 1.0, 3.7, 10.0])
@pytest.mark.parametrize("fan_in", [1, 7, 400, 4000])
def test_the_fan_in_message_says_how_to_bring_the_std_to_1(fan_in, scale, weights):
    result = FanInPanel().update(fan_in=fan_in, scale=scale, weights=weights, seed=0)
    divisor = float(re.search(rf"divide the weights by ({NUMBER})", result.message).group(1))
    new_scale = scale / divisor          # dividing every weight by c divides the scale (normal std, uniform bound) by c
    assert math.sqrt(fan_in * weight_var(new_scale, weights)) == pytest.approx(1, abs=5e-3)   # 3 printed digits
    if fan_in >= 400:     # with fewer inputs, 30 units hold too few weights for a steady std
        measured = fan_in_outputs(fan_in, new_scale, weights=weights, n_samples=300, n_units=30, seed=1).std()
        assert measured == pytest.approx(1, rel=0.05)     # over 200 seeds at std 1 it lay in [0.967, 1.025]


def test_the_fan_in_law_axis_keeps_its_limits_exactly_while_the_scale_moves_a_little():
    """Kept limits are the very same floats (a drift of one ulp is a new layout: the whole figure redrawn)."""
    panel = FanInPanel()
    panel.update(fan_in=100, scale=0.0126, weights="normal", seed=0)
    limits = panel.ax_law.get_ylim()
    assert np.allclose(np.log10(limits), [-2.5, 0.5])      # 3 decades: the data (2.4) fill them, so they are kept
    for scale in (0.0128, 0.013, 0.0128, 0.0124):
        panel.update(fan_in=100, scale=scale, weights="normal", seed=0)
        assert panel.ax_law.get_ylim() == limits


# --------------------------------------------------------------------------- notebooks 2 and 3
def check_depth_figure(panel, result, depth, width, scale, n_seeds, seed):
    k = np.arange(1, depth + 1)
    growth = scale * math.sqrt(width)
    assert np.allclose(panel.theory.get_xdata(), k)
    assert np.allclose(panel.theory.get_ydata(), k * math.log10(growth), rtol=1e-12, atol=1e-9)
    visible = [line for line in panel.lines if line.get_visible()]
    assert len(visible) == n_seeds
    run = dict(n_samples=result.n_samples, method=result.method)
    for j, line in enumerate(visible):
        sim = simulate(depth, width, scale, seed=seed + j, **run)
        assert np.allclose(line.get_ydata(), sim.log10_std, atol=1e-9)
    for (dtype, bound), (line, _) in panel.limits.items():
        info = np.finfo(dtype)
        expected = math.log10(info.max) if bound == "max" else math.log10(info.smallest_subnormal)
        assert line.get_ydata()[0] == pytest.approx(expected)
    sim = simulate(depth, width, scale, seed=seed, **run)
    beyond = np.flatnonzero((sim.log10_absmax > math.log10(np.finfo("float64").max))
                            | (sim.log10_absmax < math.log10(np.finfo("float64").smallest_subnormal)))
    if beyond.size:
        assert panel.marker.get_visible() and panel.marker.get_xdata()[0] == beyond[0] + 1
        assert f"at layer {beyond[0] + 1}" in panel.marker_text.get_text()
    else:
        assert not panel.marker.get_visible()
    ends = [simulate(depth, width, scale, seed=seed + j, **run).log10_std[-1] for j in range(n_seeds)]
    if n_seeds == 1:
        assert f"Layer {depth}: std = {pow10_str(ends[0])} (theory " in result.message
    else:               # the message says which run its number is, and the spread of them all
        assert (f"Layer {depth}: std = {pow10_str(ends[0])} in the first run, {pow10_str(min(ends))} to "
                f"{pow10_str(max(ends))} in the {n_seeds} runs (theory ") in result.message
    assert panel.factor_theory.get_xdata()[0] == pytest.approx(growth)
    factors = np.concatenate([10 ** np.diff(simulate(depth, width, scale, seed=seed + j, **run).log10_std,
                                            prepend=0.0) for j in range(n_seeds)])
    data = panel.bars.get_data()
    counts, edges = data.values, data.edges
    assert np.array_equal(counts, np.histogram(factors, bins=edges)[0]) and counts.sum() == depth * n_seeds
    assert numbers(panel.ax_factor.get_title())[-1] == three_digits(growth)
    return growth


@pytest.mark.parametrize("depth, width, scale", [(100, 100, 1.0), (30, 2, 0.001), (400, 100, 0.01), (50, 400, 0.05),
                                                 (1000, 100, 10.0)])
def test_depth_figure_draws_the_growth_law_and_the_simulation(depth, width, scale):
    panel = DepthPanel()
    result = panel.update(depth=depth, width=width, scale=scale, seed=2)
    growth = check_depth_figure(panel, result, depth, width, scale, 1, 2)
    assert numbers(panel.ax.get_title())[-1] == three_digits(growth)
    assert np.allclose(result.drawn["theory"], panel.theory.get_ydata())


@pytest.mark.parametrize("depth, width, multiplier", [(100, 100, 1.0), (60, 2, 0.5), (40, 1000, 2.0), (80, 144, 0.9)])
def test_fix_figure_sets_the_scale_by_the_rule(depth, width, multiplier):
    panel = FixPanel()
    result = panel.update(depth=depth, width=width, multiplier=multiplier, n_seeds=3, seed=5)
    n_seeds = len(result.simulations)
    assert result.scale == pytest.approx(multiplier / math.sqrt(width))
    check_depth_figure(panel, result, depth, width, multiplier / math.sqrt(width), n_seeds, 5)
    assert numbers(panel.ax.get_title())[-1] == three_digits(multiplier)      # "... per layer"
    assert np.allclose(panel.theory.get_ydata(), np.arange(1, depth + 1) * math.log10(multiplier), atol=1e-12)


def test_a_fix_figure_moved_deeper_and_back_draws_what_fresh_runs_give():
    # the panel keeps its runs and pushes them on through only the new layers: the lines must be those of
    # fresh simulations at every depth, whatever the path (shallower is a head, deeper an extension)
    panel = FixPanel()
    for depth, width in [(30, 50), (31, 50), (75, 50), (12, 50), (75, 60), (90, 50)]:
        result = panel.update(depth=depth, width=width, multiplier=1.3, n_seeds=3, seed=7)
        check_depth_figure(panel, result, depth, width, 1.3 / math.sqrt(width), 3, 7)


def test_the_depth_figure_says_most_runs_end_below_the_theory_line_only_where_they_do():
    # independent numpy, 200 seeds of 500 inputs each at depth = 2 x width (the rule's scale): the share of runs whose last
    # layer's std ended below the theory line (1) was 0.76 at width 2, 0.78 at 10 and 0.84 at 30; we assert above 0.6
    for depth, width in [(4, 2), (20, 10), (60, 30)]:
        below = 0
        for k in range(200):
            g = np.random.default_rng(50_000 + k)
            x, log_std = g.standard_normal((500, width)), 0.0
            for _ in range(depth):
                x = x @ (g.standard_normal((width, width)) / math.sqrt(width))
                log_std += math.log10(x.std())
                x /= x.std()
            below += log_std < 0
        assert below / 200 > 0.6, (depth, width, below)
    panel = FixPanel()
    for depth, width, said in [(4, 2, True), (20, 10, True), (19, 10, False), (100, 100, False), (1000, 400, True)]:
        result = panel.update(depth=depth, width=width, multiplier=1.0, n_seeds=1, seed=0)
        assert ("most runs end below the theory line" in result.message) == said, (depth, width)
        assert said == (f"Depth/width is {depth / width:.3g}:" in result.message)
    # runs in the minority that end above the line say so, where they are drawn: one run, or how many of five
    above = []
    for seed in range(40):
        result = panel.update(depth=4, width=2, multiplier=1.2, n_seeds=1, seed=seed)
        above.append(bool(result.log10_std[-1] > result.predicted[-1]))
        assert ("this run ends above it, as a minority do." in result.message) == above[-1], seed
    assert any(above) and not all(above)
    counts = []
    for seed in range(0, 100, 5):
        result = panel.update(depth=4, width=2, multiplier=1.2, n_seeds=5, seed=seed)
        counts.append(sum(float(s.log10_std[3]) > 4 * np.log10(1.2) for s in result.simulations))
        verb = "ends" if counts[-1] == 1 else "end"
        assert (f"; here {counts[-1]} of the 5 runs {verb} above it." in result.message) == (counts[-1] > 0), seed
        assert "this run ends above it" not in result.message
    assert 0 in counts and max(counts) >= 2


# --------------------------------------------------------------------------- option tables
def label_variance(label, fan_in, fan_out):
    """Var(w) as the drop-down label writes it."""
    formula = label.split(":")[-1].strip()
    return {"1 / fan_in": 1 / fan_in, "1 / fan_out": 1 / fan_out, "2 / (fan_in + fan_out)": 2 / (fan_in + fan_out),
            "2 / fan_in": 2 / fan_in, "2 / fan_out": 2 / fan_out, "1 / (3 fan_in)": 1 / (3 * fan_in),
            "unscaled N(0, 1)": 1.0}[formula]


@pytest.mark.parametrize("label", list(INITS))
@pytest.mark.parametrize("fan_in, fan_out", [(300, 500), (784, 10)])
def test_every_init_option_draws_what_its_label_says(label, fan_in, fan_out):
    rule = INITS[label]
    std = math.sqrt(label_variance(label, fan_in, fan_out))
    assert rule.std(fan_in, fan_out) == pytest.approx(std, rel=1e-12)
    w = init_weights(rule.scheme, fan_in, fan_out, distribution=rule.form, mode=rule.mode, seed=1)
    assert w.shape == (fan_in, fan_out)
    assert w.std() == pytest.approx(std, rel=0.03)        # 5000+ weights: within 2% over 200 seeds
    if "PyTorch" in label:                                  # U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        assert rule.form == "uniform" and np.abs(w).max() <= 1 / math.sqrt(fan_in)
    if "N(0, 1)" in label:
        assert rule.form == "normal"
    # the figure uses the same stds
    panel = ForwardBackwardPanel()
    result = panel.update(network=[fan_in, fan_out, fan_out], init=label, activation="linear")
    assert np.allclose(result.drawn["weight_stds"], [std, math.sqrt(label_variance(label, fan_out, fan_out))])
    assert label in panel.heading.get_text()


#: each framework's default, written out from its documentation: (distribution, Var(w) for fan_in, fan_out)
FRAMEWORK_FACTS = {
    "PyTorch nn.Linear": ("uniform", lambda i, o: (2 / math.sqrt(i)) ** 2 / 12),      # U(+-1/sqrt(fan_in))
    "Keras Dense (glorot_uniform)": ("uniform", lambda i, o: (2 * math.sqrt(6 / (i + o))) ** 2 / 12),
    "Flax Dense (lecun_normal)": ("normal", lambda i, o: 1 / i),
    "He (kaiming_normal_, fan_in)": ("normal", lambda i, o: 2 / i),
}


@pytest.mark.parametrize("name", list(FRAMEWORKS))
def test_every_framework_option_draws_the_frameworks_default(name):
    assert set(FRAMEWORKS) == set(FRAMEWORK_FACTS)
    form, variance = FRAMEWORK_FACTS[name]
    rule = FRAMEWORKS[name]
    fan_in, fan_out = 400, 100
    assert rule.form == form
    assert rule.std(fan_in, fan_out) == pytest.approx(math.sqrt(variance(fan_in, fan_out)), rel=1e-12)
    w = init_weights(rule.scheme, fan_in, fan_out, distribution=rule.form, mode=rule.mode, seed=2)
    assert w.std() == pytest.approx(math.sqrt(variance(fan_in, fan_out)), rel=0.03)
    if form == "uniform":
        bound = math.sqrt(3 * variance(fan_in, fan_out))
        assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    else:
        kurtosis = np.mean(w ** 4) / np.mean(w ** 2) ** 2
        assert kurtosis == pytest.approx(3, abs=0.15)        # a normal's; a uniform's is 1.8
    # the heading of notebook 7's figure: fan_in Var(w) of a square layer
    panel = FrameworkPanel()
    panel.update(framework=name, activation="linear", depth=3, width=64)
    assert numbers(panel.heading.get_text())[-1] == three_digits(64 * variance(64, 64))


@pytest.mark.parametrize("label", list(SHAPES))
def test_every_network_option_has_the_widths_its_label_says(label):
    widths = SHAPES[label]
    if label.startswith("square"):
        width, layers = numbers(label)
        assert widths == (int(width),) * (int(layers) + 1)
    else:
        stated = [int(x) for x in numbers(label)]
        assert list(widths[:2]) == stated[:2] and list(widths[-2:]) == stated[-2:]
        steps = np.diff(widths)
        assert (steps < 0).all() if label.startswith("funnel") else (steps > 0).all()
    result = ForwardBackwardPanel().update(network=label, init="LeCun: 1 / fan_in")
    assert result.widths == widths


def scheme_variance(name, fan_in, fan_out):
    """Var(w) as the scheme's label (the title of notebook 5's figure) writes it."""
    label = SCHEMES[name].label
    return {"N(0, 1), unscaled": 1.0, "book: randn / sqrt(fan_in)": 1 / fan_in, "LeCun: 1 / fan_in": 1 / fan_in,
            "Glorot: 2 / (fan_in + fan_out)": 2 / (fan_in + fan_out), "He: 2 / fan_in": 2 / fan_in,
            "PyTorch nn.Linear: U(+-1/sqrt(fan_in))": 1 / (3 * fan_in)}[label]


# --------------------------------------------------------------------------- theory by quadrature
def gauss(fn, std):
    """E[fn(z)] for z ~ N(0, std^2), by scipy's adaptive quadrature (independent of the course's grid)."""
    value, _ = integrate.quad(lambda z: fn(z) * math.exp(-z * z / (2 * std * std)) / math.sqrt(2 * math.pi) / std,
                              -12 * std, 12 * std, points=[0.0], limit=200)
    return value


ACT = {"linear": (lambda z: z, lambda z: 1.0), "relu": (lambda z: max(z, 0.0), lambda z: float(z > 0)),
       "tanh": (math.tanh, lambda z: 1 - math.tanh(z) ** 2),
       "sigmoid": (lambda z: 1 / (1 + math.exp(-z)), lambda z: math.exp(-z) / (1 + math.exp(-z)) ** 2),
       "lecun_tanh": (lambda z: 1.7159 * math.tanh(2 * z / 3), lambda z: 1.7159 * 2 / 3 * (1 - math.tanh(2 * z / 3) ** 2))}


def infinite_width(widths, stds, activation):
    """Forward std of z_k and h_k, backward std of dL/dz_k, for infinitely wide layers (written out again here)."""
    f, df = ACT[activation]
    z, h, df2, second = [], [], [], 1.0
    for n, s in zip(widths[:-1], stds):
        q = n * s * s * second
        z.append(math.sqrt(q))
        mean, second = gauss(f, z[-1]), gauss(lambda v: f(v) ** 2, z[-1])
        h.append(math.sqrt(max(second - mean ** 2, 0.0)))
        df2.append(gauss(lambda v: df(v) ** 2, z[-1]))
    grad, var = [0.0] * len(stds), 1.0
    for k in reversed(range(len(stds))):
        var *= df2[k]
        grad[k] = math.sqrt(var)
        var *= widths[k + 1] * stds[k] ** 2
    return np.array(z), np.array(h), np.array(grad)


@pytest.mark.parametrize("network", list(SHAPES))
@pytest.mark.parametrize("activation", ["linear", "tanh", "relu"])
@pytest.mark.parametrize("init, multiplier", [("Glorot: 2 / (fan_in + fan_out)", 1.0), ("LeCun: 1 / fan_in", 0.25),
                                              ("He, fan_out mode: 2 / fan_out", 4.0)])
def test_forward_backward_figure_draws_theory_and_simulation(network, activation, init, multiplier):
    panel = ForwardBackwardPanel()
    result = panel.update(network=network, init=init, activation=activation, multiplier=multiplier, seed=4)
    widths = SHAPES[network]
    stds = [multiplier * math.sqrt(label_variance(init, a, b)) for a, b in zip(widths[:-1], widths[1:])]
    z, _, grad = infinite_width(widths, stds, activation)
    assert np.allclose(panel.f_theory.get_ydata(), z, rtol=1e-5)
    assert np.allclose(panel.b_theory.get_ydata(), grad, rtol=1e-5)
    rule = INITS[init]
    stats = run_stack(widths, rule.scheme, activation, mode=rule.mode, multiplier=multiplier, backward=True,
                      n_samples=100, seed=4)
    assert np.allclose(panel.f_line.get_ydata(), stats.z_std, rtol=1e-9)
    assert np.allclose(panel.b_line.get_ydata(), stats.grad_z_std, rtol=1e-9)
    fwd, bwd = numbers(result.message)[0], numbers(result.message)[4]
    assert fwd == three_digits(stats.z_std[-1] / stats.z_std[0])
    assert bwd == three_digits(stats.grad_z_std[0] / stats.grad_z_std[-1])


@pytest.mark.parametrize("framework", list(FRAMEWORKS))
@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_framework_figure_reports_the_variance_factor_it_measured(framework, activation):
    panel = FrameworkPanel()
    result = panel.update(framework=framework, activation=activation, depth=8, width=128, seed=1)
    form, variance = FRAMEWORK_FACTS[framework]
    factor = 128 * variance(128, 128) * (0.5 if activation == "relu" else 1.0)
    z, _, _ = infinite_width((128,) * 9, [math.sqrt(variance(128, 128))] * 8, activation)
    assert np.allclose(panel.f_theory.get_ydata(), z, rtol=1e-5)
    assert np.allclose(z[1:] ** 2 / z[:-1] ** 2, factor)                      # the closed form, layer by layer
    per_layer = float(re.search(rf"variance by about ({NUMBER})", result.message).group(1))
    measured = (result.stats.z_std[-1] / result.stats.z_std[0]) ** (2 / 7)
    assert per_layer == three_digits(measured)
    assert per_layer == pytest.approx(factor, rel=0.15)     # 128 x 100 samples, 8 layers: within 8% over 200 seeds


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear", "sigmoid", "lecun_tanh"])
@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_histogram_figure_draws_theory_simulation_and_violins(activation, scheme):
    panel = HistogramPanel()
    depth, width, multiplier = 6, 100, 0.7
    result = panel.update(activation=activation, scheme=scheme, depth=depth, width=width, multiplier=multiplier, seed=2)
    widths = (width,) * (depth + 1)
    std = multiplier * math.sqrt(scheme_variance(scheme, width, width))
    _, h, _ = infinite_width(widths, [std] * depth, activation)
    assert np.allclose(panel.theory.get_ydata(), h, rtol=1e-5)
    stats = run_stack(widths, scheme, activation, multiplier=multiplier, bins=41, n_samples=100, seed=2)
    assert stats.activation == activation
    assert np.allclose(panel.std_line.get_ydata(), stats.h_std, rtol=1e-9)
    for k, poly in enumerate(panel.violins[:depth]):
        counts, edges = stats.h_hist[k]
        outline = violin_xy(k + 1, counts, edges, skip_zero_bin=activation == "relu")
        assert np.allclose(poly.get_xy()[:len(outline)], outline)     # a Polygon may close itself with one more point
    assert not any(poly.get_visible() for poly in panel.violins[depth:])
    bounds = {"tanh": (-1.05, 1.05), "sigmoid": (-0.05, 1.05), "lecun_tanh": (-1.05 * 1.7159, 1.05 * 1.7159)}
    if activation in bounds:
        assert panel.ax.get_ylim() == pytest.approx(bounds[activation])
    label = SCHEMES[scheme].label
    assert f"weights {label} x 0.7" in panel.heading.get_text()


def test_violin_outline_is_the_histogram_on_its_side():
    counts, edges = np.array([1, 4, 2]), np.array([0.0, 1.0, 2.0, 3.0])
    xy = violin_xy(5, counts, edges, half_width=0.4)
    right = xy[: len(xy) // 2]
    assert np.allclose(right[:, 0], 5 + 0.4 * np.repeat(counts / 4, 2))
    assert np.allclose(right[:, 1], [0, 1, 1, 2, 2, 3])
    assert np.allclose(xy[len(xy) // 2:, 0], (5 - 0.4 * np.repeat(counts / 4, 2))[::-1])


@pytest.mark.parametrize("activation, multiplier, bounds", [("tanh", 1.0, "within 0.01 of -1 or 1"),
                                                             ("sigmoid", 10.0, "within 0.005 of 0 or 1"),
                                                             ("lecun_tanh", 1.0, "within 0.017 of -1.7159 or 1.7159")])
def test_the_saturation_message_counts_the_activations_near_the_bounds(activation, multiplier, bounds):
    """The share of the last layer's activations within 1% of the half-range from a bound, counted on the same draws
    pushed through a plain loop (not from the histogram's bins, which straddle the cut-off)."""
    from winit_helpers.maths.forward import draw_network
    result = HistogramPanel().update(activation=activation, scheme="standard_normal", depth=5, width=200,
                                     multiplier=multiplier, seed=0)
    assert result.drawn["method"] == "weights"
    f = {"tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
         "lecun_tanh": lambda z: 1.7159 * np.tanh(2 * z / 3)}[activation]
    x, units = draw_network([200] * 6, n_samples=result.stats.n_samples, seed=0)
    h = x
    for w in units:
        h = f(h @ (multiplier * w))
    centre, half = {"tanh": (0, 1), "sigmoid": (0.5, 0.5), "lecun_tanh": (0, 1.7159)}[activation]
    share = np.mean(np.abs(h - centre) > 0.99 * half)
    assert 0.1 < share < 1
    assert result.stats.saturated == pytest.approx(share, abs=1e-12)
    assert (f"About {100 * share:.0f}% of the last layer's activations are saturated: {bounds}."
            in result.message)


def test_no_saturation_is_reported_where_few_activations_are_near_a_bound():
    result = HistogramPanel().update(activation="tanh", scheme="lecun", depth=10, width=200, seed=0)
    assert result.stats.saturated < 0.01 and "saturated" not in result.message
    assert HistogramPanel().update(activation="relu", scheme="he", depth=3, width=50, seed=0).stats.saturated is None


@pytest.mark.parametrize("activation, scheme, multiplier, depth, width, expected", [
    ("relu", "standard_normal", 10.0, 50, 10, "the violins of 48 of the 50 layers are less than 1% as tall as the axis"),
    ("linear", "pytorch", 1.0, 10, 500, "one layer's violin of the 10 is less than 1% as tall as the axis"),
    ("tanh", "lecun", 0.001, 10, 500, "the violins of all layers are less than 1% as tall as the axis"),
    ("tanh", "lecun", 1.0, 10, 500, None)])
def test_the_message_says_which_violins_look_flat_on_the_shared_linear_axis(activation, scheme, multiplier, depth,
                                                                            width, expected):
    """Counted from each layer's histogram edges in a run of its own and the axis's height: a violin under 1% of
    the height is a flat line to the eye (an exploding signal's early layers, a collapsing one's late layers)."""
    panel = HistogramPanel()
    result = panel.update(activation=activation, scheme=scheme, depth=depth, width=width, multiplier=multiplier,
                          seed=0)
    stats = run_stack((width,) * (depth + 1), scheme, activation, multiplier=multiplier, bins=41, n_samples=100,
                      seed=0)
    lo, hi = panel.ax.get_ylim()
    flat = sum(1 for _, edges in stats.h_hist if (edges[-1] - edges[0]) < 0.01 * (hi - lo))
    if expected is None:
        assert flat == 0 and "look flat" not in result.message and "looks flat" not in result.message
        return
    assert ("all layers" if flat == depth else "one layer's" if flat == 1 else f"{flat} of the {depth}") in expected
    assert expected in result.message and "all layers share one linear axis" in result.message


# --------------------------------------------------------------------------- log axes
@pytest.mark.parametrize("lo, hi", [(-0.6, 0.6), (-0.05, 0.05), (99.9, 100.2), (-4.2, -2.1), (-500, -1), (0.96, 1.0),
                                    (-3, 3), (0.0, 0.004)])
def test_log_tick_labels_state_their_values_and_never_repeat(lo, hi):
    from winit_helpers.figures.log_axes import log10_ticks, tick_labels
    ticks = log10_ticks(lo, hi)
    assert 2 <= len(ticks) <= 8 and all(lo - 1e-9 <= t <= hi + 1e-9 for t in ticks)
    for superscripts in (False, True):
        labels = tick_labels(ticks, superscripts)
        assert len(set(labels)) == len(labels), labels
        for t, label in zip(ticks, labels):
            assert stated_log10(label) == pytest.approx(t, abs=3e-3), (label, t)


@pytest.mark.parametrize("lo, hi, expected", [
    (-0.25, 0.2, ["0.60", "0.80", "1.0", "1.5"]),           # not 0.60, 0.80, 10⁰, 1.5
    (-1.3, 0.7, ["0.1", "0.2", "0.5", "1", "2", "5"]),
    (-0.05, 0.05, ["0.90", "1.0", "1.1"]),
    (-3, 3, ["10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹", "10²", "10³"]),   # whole decades: powers of ten throughout
    (-2.2, 0.3, ["10⁻²", "10⁻¹", "10⁰"]),
])
def test_a_log_axis_writes_its_labels_one_way(lo, hi, expected):
    from winit_helpers.figures.log_axes import log10_ticks, tick_labels
    assert tick_labels(log10_ticks(lo, hi), superscripts=True) == expected


def test_ticks_closer_than_a_rounded_digit_get_more_digits():
    from winit_helpers.figures.log_axes import tick_labels
    assert tick_labels([0.0, 0.001]) == ["1.000", "1.002"]
