"""What the course says PyTorch, Keras and Flax do, checked against the real libraries.

Run with ``make test-frameworks`` (its own environment; the versions are printed in the header).
Every claim is checked two ways: against the course's own tables (``winit_helpers``, through the
adapter just below) and against the numbers written in notebook 7.

Tolerances. A variance measured on N independent draws has a relative sd of sqrt((kurtosis - 1) / N);
uniform and truncated-normal draws have a kurtosis below the normal's 3, so sqrt(2 / N) bounds it and
every variance below must lie within SIX such sds (``var_tol``). The largest of N draws of U(-a, a)
falls short of a by about a / N: it must lie within 20 a / N (the chance of more is e^-20). The
statistics of whole 10-layer stacks take their ranges from 200 seeds of the same stack in plain numpy
(width 256, 200 inputs), widened by about a tenth; each comment gives the measured range.
"""
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "numpy")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import torch                                  # noqa: E402
import keras                                  # noqa: E402
import jax                                    # noqa: E402
import jax.numpy as jnp                       # noqa: E402
from flax import linen                        # noqa: E402
from flax import nnx                          # noqa: E402

# ---- adapter: the course's framework facts (the only lines that name where they live) -------------------
from winit_helpers.maths.activations import GAINS
from winit_helpers.maths.frameworks import FRAMEWORKS
from winit_helpers.maths.init import weight_std
from winit_helpers.exercises.frameworks import TRUNCATED_STD


def course_rule(label):
    """(scheme, mode) of a FRAMEWORKS entry, whether it is a tuple or an object with .scheme and .mode."""
    rule = FRAMEWORKS[label]
    return (rule.scheme, rule.mode) if hasattr(rule, "scheme") else (rule[0], rule[1])


def course_var(label, fan_in, fan_out):
    """Var(w) the course says the framework default gives a (fan_in -> fan_out) layer."""
    scheme, mode = course_rule(label)
    return weight_std(scheme, fan_in, fan_out, mode=mode) ** 2


def course_gain(name):
    g = GAINS[name]
    return g[0] if isinstance(g, tuple) else g
# -----------------------------------------------------------------------------------------------------------

TORCH, KERAS, FLAX = "PyTorch nn.Linear", "Keras Dense (glorot_uniform)", "Flax Dense (lecun_normal)"
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "07_framework_defaults.ipynb"


@pytest.fixture(scope="module")
def notebook_text():
    """Every markdown source and every stored text output of notebook 7, as one string."""
    nb = json.loads(NOTEBOOK.read_text())
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            parts.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")))
    return "\n".join(parts)


def var_tol(n):
    return 6 * math.sqrt(2 / n)


def assert_var(w, expected, what):
    w = np.asarray(w, dtype=np.float64)
    got = w.var()
    assert abs(got / expected - 1) < var_tol(w.size), f"{what}: Var = {got:.6g}, expected {expected:.6g}"


def assert_uniform(w, bound, what):
    """w looks like U(-bound, bound): nothing beyond the bound, the largest draw right at it, the variance bound^2 / 3."""
    w = np.asarray(w, dtype=np.float64)
    top = np.abs(w).max()
    assert top <= bound * (1 + 1e-6), f"{what}: max |w| = {top:.6g} beyond the bound {bound:.6g}"
    assert top >= bound * (1 - 20 / w.size), f"{what}: max |w| = {top:.6g}, expected close to {bound:.6g}"
    assert_var(w, bound ** 2 / 3, what)


def assert_truncated_normal(w, std_after, what):
    """w looks like lecun/he/glorot_normal: a normal of std std_after / 0.8796 cut at 2 of those stds."""
    w = np.asarray(w, dtype=np.float64)
    cut = 2 * std_after / TRUNCATED_STD
    top = np.abs(w).max()
    assert top <= cut * (1 + 1e-6), f"{what}: max |w| = {top:.6g} beyond the cut {cut:.6g}: not truncated at 2 std"
    assert top >= cut * 0.999, f"{what}: max |w| = {top:.6g}, expected the cut {cut:.6g}"
    assert_var(w, std_after ** 2, what)


def np_(x):
    """A numpy array of a torch tensor, a Keras variable or a backend tensor."""
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    if isinstance(x, keras.Variable):
        x = x.value
    return np.asarray(x)


# ---- 1. dense layers: weights and biases -----------------------------------------------------------------

def test_torch_linear_weight_and_bias():
    torch.manual_seed(0)
    layer = torch.nn.Linear(400, 20_000)                 # 8e6 weights, 20000 biases
    bound = 1 / math.sqrt(400)
    assert_uniform(np_(layer.weight), bound, "nn.Linear weight")
    assert_uniform(np_(layer.bias), bound, "nn.Linear bias")   # the same bound, fan_in, not fan_out
    assert math.isclose(course_var(TORCH, 400, 20_000), bound ** 2 / 3)


def test_torch_kaiming_uniform_sqrt5_is_the_default():
    """kaiming_uniform_(a=sqrt(5)) has gain sqrt(2 / (1 + 5)) = 1/sqrt(3) and bound 1/sqrt(fan_in)."""
    assert math.isclose(torch.nn.init.calculate_gain("leaky_relu", math.sqrt(5)), 1 / math.sqrt(3))
    torch.manual_seed(1)
    w = torch.empty(1000, 784)
    torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5))
    assert_uniform(np_(w), 1 / math.sqrt(784), "kaiming_uniform_(a=sqrt(5))")


def test_keras_dense_glorot_uniform_zero_bias():
    keras.utils.set_random_seed(0)
    layer = keras.layers.Dense(2000)
    layer.build((None, 1000))
    assert layer.kernel.shape == (1000, 2000)            # (in, out)
    bound = math.sqrt(6 / (1000 + 2000))
    assert_uniform(np_(layer.kernel), bound, "Keras Dense kernel")
    assert np.all(np_(layer.bias) == 0)
    assert math.isclose(course_var(KERAS, 1000, 2000), bound ** 2 / 3)


def test_flax_dense_lecun_normal_zero_bias():
    params = linen.Dense(2000).init(jax.random.key(0), jnp.ones((1, 1000)))["params"]
    assert params["kernel"].shape == (1000, 2000)        # (in, out)
    assert_truncated_normal(params["kernel"], math.sqrt(1 / 1000), "Flax linen Dense kernel")
    assert np.all(np.asarray(params["bias"]) == 0)
    assert math.isclose(course_var(FLAX, 1000, 2000), 1 / 1000)
    nnx_layer = nnx.Linear(1000, 2000, rngs=nnx.Rngs(0))
    assert_truncated_normal(np.asarray(nnx_layer.kernel[...]), math.sqrt(1 / 1000), "Flax nnx.Linear kernel")
    assert np.all(np.asarray(nnx_layer.bias[...]) == 0)


def test_keras_normal_initialisers_are_corrected_truncated_normals():
    """Keras' lecun_normal, he_normal and glorot_normal: truncated at 2 std, std divided by 0.8796 first."""
    shape = (1000, 1500)
    for name, var in (("lecun_normal", 1 / 1000), ("he_normal", 2 / 1000), ("glorot_normal", 2 / 2500)):
        init = keras.initializers.get({"class_name": name, "config": {"seed": 3}})
        assert_truncated_normal(np_(init(shape)), math.sqrt(var), f"Keras {name}")


def test_truncated_normal_constant(notebook_text):
    """0.8796... is the std of N(0, 1) cut to [-2, 2]; JAX and Keras divide by it so the cut loses nothing."""
    phi2 = math.exp(-2) / math.sqrt(2 * math.pi)
    exact = math.sqrt(1 - 4 * phi2 / math.erf(math.sqrt(2)))
    assert abs(exact - 0.87962566103423978) < 1e-15 and TRUNCATED_STD == 0.87962566103423978
    z = np.asarray(jax.random.truncated_normal(jax.random.key(0), -2.0, 2.0, (10 ** 6,)), dtype=np.float64)
    assert abs(z.std() / exact - 1) < var_tol(z.size) / 2       # a std: half the relative error of a variance
    # without the correction lecun_normal would give 0.774 / fan_in; with it, 1 / fan_in (checked above)
    assert "0.87962566103423978" in notebook_text


def test_notebook_numbers_match_the_frameworks(notebook_text):
    """The bounds and stds printed in notebook 7 for a 784 -> 256 layer are the frameworks' own."""
    torch.manual_seed(2)
    t = np_(torch.nn.Linear(784, 256).weight)
    keras.utils.set_random_seed(2)
    k = keras.layers.Dense(256)
    k.build((None, 784))
    f = np.asarray(linen.Dense(256).init(jax.random.key(2), jnp.ones((1, 784)))["params"]["kernel"])
    numbers = {
        "bound = 0.03571": np.abs(t).max(),                              # PyTorch's bound 1/sqrt(784)
        "784 -> 256: 0.07596": np.abs(np_(k.kernel)).max(),              # Keras' glorot_uniform bound
        "std 0.04060": np.abs(f).max() / 2,                              # Flax's std before the cut (cut at 2 of it)
    }
    for text, measured in numbers.items():
        assert text in notebook_text, f"notebook 7 no longer says {text!r}"
        written = float(text.split()[-1])
        assert abs(measured / written - 1) < 0.002, f"{text}: the framework gives {measured:.5f}"
    # the std after the cut: 1/sqrt(784); a std of N draws has a relative sd below sqrt(2 / N) / 2, six of them
    assert abs(f.std() * math.sqrt(784) - 1) < 3 * math.sqrt(2 / f.size), f.std()
    assert f"{1 / math.sqrt(784):.5f} after" in notebook_text


# ---- 2. convolutions: fans and layout ---------------------------------------------------------------------

def test_torch_conv_fans_and_default():
    weight = torch.empty(128, 64, 3, 3)                  # nn.Conv2d(64, 128, 3).weight
    fans = torch.nn.init._calculate_fan_in_and_fan_out(weight)
    assert fans == (64 * 9, 128 * 9) == (576, 1152)
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(64, 1024, 3)
    assert tuple(conv.weight.shape) == (1024, 64, 3, 3)  # (out, in, kh, kw)
    bound = 1 / math.sqrt(64 * 9)
    assert_uniform(np_(conv.weight), bound, "nn.Conv2d weight")
    assert_uniform(np_(conv.bias), bound, "nn.Conv2d bias")
    torch.nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
    assert_var(np_(conv.weight), 2 / (1024 * 9), "kaiming_normal_(mode='fan_out') on a conv")


def test_keras_conv_fans_and_default():
    keras.utils.set_random_seed(0)
    conv = keras.layers.Conv2D(1024, 3)
    conv.build((None, 16, 16, 64))
    assert conv.kernel.shape == (3, 3, 64, 1024)         # (kh, kw, in, out)
    assert_uniform(np_(conv.kernel), math.sqrt(6 / (64 * 9 + 1024 * 9)), "Keras Conv2D kernel")
    assert np.all(np_(conv.bias) == 0)
    fan_out = keras.initializers.VarianceScaling(1.0, mode="fan_out", distribution="uniform", seed=1)
    assert_var(np_(fan_out((3, 3, 64, 1024))), 1 / (1024 * 9), "Keras VarianceScaling fan_out on a conv")


def test_flax_conv_fans_and_default():
    params = linen.Conv(1024, (3, 3)).init(jax.random.key(0), jnp.ones((1, 8, 8, 64)))["params"]
    assert params["kernel"].shape == (3, 3, 64, 1024)    # (kh, kw, in, out)
    assert_truncated_normal(params["kernel"], math.sqrt(1 / (64 * 9)), "Flax Conv kernel")
    assert np.all(np.asarray(params["bias"]) == 0)


def test_weight_layouts_compute_what_the_notebook_says():
    """PyTorch: y = x W^T + b with W (out, in); Keras and Flax: y = x W + b with W (in, out)."""
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    t = torch.nn.Linear(3, 5)
    assert tuple(t.weight.shape) == (5, 3)
    assert np.allclose(np_(t(torch.from_numpy(x))), x @ np_(t.weight).T + np_(t.bias), atol=1e-6)
    k = keras.layers.Dense(5, bias_initializer="ones")
    y = np_(k(x))
    assert k.kernel.shape == (3, 5) and np.allclose(y, x @ np_(k.kernel) + 1, atol=1e-6)
    m = linen.Dense(5, bias_init=jax.nn.initializers.ones)
    p = m.init(jax.random.key(0), x)
    assert p["params"]["kernel"].shape == (3, 5)
    assert np.allclose(np.asarray(m.apply(p, x)), x @ np.asarray(p["params"]["kernel"]) + 1, atol=1e-6)


# ---- 3. gains --------------------------------------------------------------------------------------------

def test_calculate_gain_for_every_nonlinearity_the_course_names():
    torch_names = {"linear", "conv1d", "conv2d", "conv3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"}
    named = [name for name in GAINS if name in torch_names]
    assert set(named) >= {"linear", "sigmoid", "tanh", "relu", "selu"}, named
    for name in named:
        assert math.isclose(torch.nn.init.calculate_gain(name), course_gain(name)), name
    expected = {"linear": 1, "conv2d": 1, "sigmoid": 1, "tanh": 5 / 3, "relu": math.sqrt(2), "selu": 3 / 4,
                "leaky_relu": math.sqrt(2 / (1 + 0.01 ** 2))}
    for name, value in expected.items():
        assert math.isclose(torch.nn.init.calculate_gain(name), value), name
    assert math.isclose(torch.nn.init.calculate_gain("leaky_relu", 0.1), math.sqrt(2 / 1.01))
    # the course's LeCun tanh is no PyTorch name: calculate_gain refuses it
    with pytest.raises(ValueError):
        torch.nn.init.calculate_gain("lecun_tanh")


# ---- 4. a real 10-layer stack, default weights and biases ------------------------------------------------

WIDTH, DEPTH, N = 256, 10, 200


def run(layers, x, relu):
    """Var(z_k) over all units and inputs, and the part that depends on the input (each unit's variance
    over the inputs, averaged over units), for every layer k."""
    total, signal, h = [], [], x
    for layer in layers:
        z = np.asarray(layer(h), dtype=np.float64)
        total.append(z.var())
        signal.append(z.var(axis=0).mean())
        h = np.maximum(z, 0) if relu else z
        h = h.astype(np.float32)
    return np.array(total), np.array(signal)


def torch_layers(bias, seed=0):
    torch.manual_seed(seed)
    mods = [torch.nn.Linear(WIDTH, WIDTH, bias=bias) for _ in range(DEPTH)]
    return [lambda h, m=m: m(torch.from_numpy(np.asarray(h))).detach().numpy() for m in mods]


def inputs(scale=1.0, seed=0):
    return (scale * np.random.default_rng(seed).standard_normal((N, WIDTH))).astype(np.float32)


def geo_ratio(v):
    return (v[-1] / v[0]) ** (1 / (len(v) - 1))


def test_torch_stack_without_bias_shrinks_as_the_course_says(notebook_text):
    """Weights alone: x 1/3 per linear layer, x 1/6 per ReLU layer (the course's table, bias aside)."""
    c = WIDTH * course_var(TORCH, WIDTH, WIDTH)
    assert math.isclose(c, 1 / 3)
    layers = torch_layers(bias=False)
    lin, _ = run(layers, inputs(), relu=False)
    rel, _ = run(layers, inputs(), relu=True)
    # 200 numpy seeds: geometric-mean ratio / theory in 0.984 .. 1.014 (linear), 0.88 .. 1.13 (ReLU)
    assert abs(geo_ratio(lin) / c - 1) < 0.025, geo_ratio(lin)
    assert abs(geo_ratio(rel) / (c / 2) - 1) < 0.17, geo_ratio(rel)


def test_torch_stack_with_its_default_bias_levels_off(notebook_text):
    """With nn.Linear's bias U(+-1/sqrt(fan_in)): Var(z) stops shrinking after about 5 layers and levels off
    near 0.4 / fan_in (ReLU; 0.5 / fan_in linear), whatever the input's scale; the input-dependent part
    still shrinks by about 1/6 per ReLU layer."""
    layers = torch_layers(bias=True)
    total, signal = run(layers, inputs(), relu=True)
    # 200 numpy seeds: fan_in Var(z_10) in 0.314 .. 0.488 (median 0.400); Var(z_10) / Var(z_6) in 0.72 .. 1.27;
    # Var(z_3) / Var(z_1) in 0.025 .. 0.039; the signal's per-layer ratio over layers 6-10 in 0.148 .. 0.180
    assert 0.28 < WIDTH * total[-1] < 0.54, WIDTH * total[-1]
    assert 0.65 < total[-1] / total[5] < 1.4
    assert total[2] / total[0] < 0.05
    assert 0.14 < (signal[-1] / signal[5]) ** (1 / 4) < 0.19
    assert signal[-1] / total[-1] < 1e-3                  # what is left hardly depends on the input at all
    big, _ = run(layers, inputs(10.0), relu=True)         # inputs 10 times larger: the same level
    assert 0.28 < WIDTH * big[-1] < 0.54 and total[0] * 50 < big[0]
    lin, _ = run(layers, inputs(), relu=False)
    # 200 numpy seeds: fan_in Var(z_10) in 0.385 .. 0.661 (median 0.501), theory 1/2
    assert 0.35 < WIDTH * lin[-1] < 0.72, WIDTH * lin[-1]
    # the fixed point of q -> q/6 + 1/(3 fan_in) (ReLU) and q -> q/3 + 1/(3 fan_in) (linear)
    assert math.isclose((1 / 3) / (1 - 1 / 6), 0.4) and math.isclose((1 / 3) / (1 - 1 / 3), 0.5)
    plain = notebook_text.replace("\\text{fan\\_in}", "fan_in").replace(" ", "")
    assert "0.4/fan_in" in plain, "notebook 7 should say where the stack levels off (0.4 / fan_in)"


@pytest.mark.parametrize("label", [KERAS, FLAX])
def test_keras_and_flax_stacks_hold_as_the_course_says(label):
    """Zero bias, square layers: x 1 per linear layer, x 1/2 per ReLU layer."""
    c = WIDTH * course_var(label, WIDTH, WIDTH)
    assert math.isclose(c, 1.0)
    if label == KERAS:
        keras.utils.set_random_seed(0)
        mods = [keras.layers.Dense(WIDTH) for _ in range(DEPTH)]
        layers = [lambda h, m=m: np_(m(h)) for m in mods]
    else:
        keys = jax.random.split(jax.random.key(0), DEPTH)
        dense = linen.Dense(WIDTH)
        ps = [dense.init(k, jnp.ones((1, WIDTH))) for k in keys]
        layers = [lambda h, p=p: np.asarray(dense.apply(p, h)) for p in ps]
    lin, _ = run(layers, inputs(), relu=False)
    rel, _ = run(layers, inputs(), relu=True)
    # 200 numpy seeds: ratio / theory in 0.984 .. 1.014 (linear), 0.88 .. 1.13 (ReLU, uniform) and
    # 0.91 .. 1.07 (ReLU, normal)
    assert abs(geo_ratio(lin) / c - 1) < 0.025, geo_ratio(lin)
    assert abs(geo_ratio(rel) / (c / 2) - 1) < 0.17, geo_ratio(rel)
