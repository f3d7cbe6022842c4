"""Every exercise self-check: the right answer passes, each named mistake is rejected with its own hint,
and an answer just outside each tolerance fails (just inside passes).

The right answers and the mistakes are written here independently of the checkers; a final test
makes sure that every mistake a formula check names is exercised by one of them.
"""
import math

import numpy as np
import pytest
from scipy import integrate, optimize

from winit_helpers.exercises import basics, chaos, frameworks, gradients, isometry, modern, nonlinear, training
from winit_helpers.exercises._check import FormulaCheck

TRUNC = 0.87962566103423978      # std of N(0, 1) cut to [-2, 2]


def trunc_std():
    """The std of a standard normal truncated to [-2, 2], by quadrature (independent of the constant above)."""
    mass = integrate.quad(lambda z: math.exp(-z * z / 2), -2, 2)[0]
    second = integrate.quad(lambda z: z * z * math.exp(-z * z / 2), -2, 2)[0]
    return math.sqrt(second / mass)


def test_truncated_constant():
    assert frameworks.TRUNCATED_STD == pytest.approx(trunc_std(), rel=1e-12)


def floor_overflow(w, s, m):
    return math.floor(m / math.log10(s * math.sqrt(w))) + 1


# checker, the right answer, and [(a classic mistake, words from its own hint)]
FORMULAS = {
    "output_std": (basics.check_output_std, lambda n, s: math.sqrt(n) * s, [
        (lambda n, s: n * s, "adds up over fan_in"),
        (lambda n, s: n * s * s, "That is the variance"),
        (lambda n, s: math.sqrt(n) * s * s, "weight_std is squared"),
        (lambda n, s: s / math.sqrt(n), "multiply")]),
    "uniform_bound": (basics.check_uniform_bound, lambda n: math.sqrt(3 / n), [
        (lambda n: 1 / math.sqrt(n), "sqrt(3) times larger"),
        (lambda n: 3 / n, "variance-sized"),
        (lambda n: 1 / math.sqrt(3 * n), "divides by sqrt(3)")]),
    "overflow_layer": (basics.check_overflow_layer, floor_overflow, [
        (lambda w, s, m: math.floor(m / math.log10(s * math.sqrt(w))), "first whole layer *after*"),
        (lambda w, s, m: math.ceil(m / math.log10(s * math.sqrt(w))), "rounding up fails"),
        (lambda w, s, m: math.floor(m / math.log10(s * w)) + 1, "not scale * width")]),
    "vanishing_scale": (basics.check_vanishing_scale, lambda w, d, f: f ** (1 / d) / math.sqrt(w), [
        (lambda w, d, f: f ** (1 / d), "solve"),
        (lambda w, d, f: f ** (1 / d) / w, "divided by width"),
        (lambda w, d, f: f / d / math.sqrt(w), "not factor / depth")]),
    "largest_multiplier": (basics.check_largest_multiplier, lambda d, g: g ** (1 / d), [
        (lambda d, g: 1 + g / d, "Taylor"),
        (lambda d, g: g / d, "compounding multiplies")]),
    "glorot_std": (gradients.check_glorot_std, lambda i, o: math.sqrt(2 / (i + o)), [
        (lambda i, o: 2 / (i + o), "*variance*"),
        (lambda i, o: 1 / math.sqrt(i + o), "factor 2 is missing"),
        (lambda i, o: 1 / math.sqrt(i), "forward pass only"),
        (lambda i, o: 1 / math.sqrt(o), "backward pass only"),
        (lambda i, o: math.sqrt(6 / (i + o)), "uniform bound")]),
    "backward_factor": (gradients.check_backward_factor, lambda i, o, v: o * v, [
        (lambda i, o, v: i * v, "*forward* factor"),
        (lambda i, o, v: math.sqrt(o * v), "factor for the std"),
        (lambda i, o, v: o / v, "divides by var_w")]),
    "he_std": (nonlinear.check_he_std, lambda n: math.sqrt(2 / n), [
        (lambda n: 2 / n, "*variance*"),
        (lambda n: 1 / math.sqrt(n), "LeCun's std"),
        (lambda n: math.sqrt(1 / (2 * n)), "divides by 2"),
        (lambda n: 2 / math.sqrt(n), "outside the square root"),
        (lambda n: math.sqrt(2) / n, "drops the square root")]),
    "torch_fan_in": (frameworks.check_torch_fan_in, lambda s: s[1] * math.prod(s[2:]), [
        (lambda s: s[0], "(out, in, ...)"),
        (lambda s: s[0] * math.prod(s[2:]), "That is fan_out"),
        (lambda s: s[1], "in_channels alone"),
        (lambda s: math.prod(s), "outputs included")]),
    "flax_stddev": (frameworks.check_flax_stddev, lambda n: math.sqrt(1 / n) / trunc_std(), [
        (lambda n: math.sqrt(1 / n), "shrinks the std"),
        (lambda n: math.sqrt(1 / n) * trunc_std(), "multiplies by 0.8796"),
        (lambda n: 1 / n / trunc_std(), "square root of 1/fan_in"),
        (lambda n: math.sqrt(1 / n) / trunc_std() ** 2, "0.8796 squared")]),
    "gradient_ratio": (training.check_gradient_ratio, lambda d: 2 ** (-d / 2), [
        (lambda d: 2.0 ** -d, "halves the std per layer"),
        (lambda d: 2 ** (d / 2), "larger than 1"),
        (lambda d: 1 / math.sqrt(2), "once per layer")]),
    "branch_scale": (isometry.check_branch_scale, lambda d, g: math.sqrt(g ** (1 / d) - 1), [
        (lambda d, g: 1 / math.sqrt(d), "bounds the expected growth, (1 + a**2)**depth, by e"),
        (lambda d, g: g ** (1 / d) - 1, "the value of a**2"),
        (lambda d, g: math.sqrt(g ** (1 / d)), "must come off first"),
        (lambda d, g: math.sqrt((g - 1) / d), "first term of a Taylor series")]),
    "query_key_std": (modern.check_query_key_std, lambda d, v: (v / d) ** 0.25, [
        (lambda d, v: math.sqrt(v / d), "each of variance s**2 * s**2"),
        (lambda d, v: 1 / math.sqrt(d), "Vaswani et al.'s divisor"),
        (lambda d, v: v / d, "take its fourth root"),
        (lambda d, v: (v * d) ** 0.25, "do not multiply")]),
    "stream_branch_scale": (modern.check_stream_branch_scale, lambda n, g: math.sqrt((g - 1) / n), [
        (lambda n, g: math.sqrt(g ** (1 / n) - 1), "notebook 9's answer"),
        (lambda n, g: 1 / math.sqrt(n), "GPT-2's scale"),
        (lambda n, g: (g - 1) / n, "the value of a**2"),
        (lambda n, g: math.sqrt(g / n), "may add only max_growth - 1")]),
}
MISTAKES = [(name, k) for name, (_, _, wrongs) in FORMULAS.items() for k in range(len(wrongs))]


@pytest.mark.parametrize("name", FORMULAS)
def test_formula_right_answer_passes(name, capsys):
    check, right, _ = FORMULAS[name]
    assert check(right)
    assert capsys.readouterr().out.startswith("\u2713")


@pytest.mark.parametrize("name, k", MISTAKES)
def test_formula_mistake_gets_its_own_hint(name, k, capsys):
    check, _, wrongs = FORMULAS[name]
    wrong, words = wrongs[k]
    assert not check(wrong)
    out = capsys.readouterr().out
    assert out.startswith("\u2717") and words in out, out
    for j, (_, other) in enumerate(wrongs):      # and not another mistake's hint
        assert j == k or other not in out, (other, out)


@pytest.mark.parametrize("name", FORMULAS)
def test_every_named_mistake_is_tested(name, capsys):
    check, _, wrongs = FORMULAS[name]
    assert isinstance(check, FormulaCheck)
    named = {hint for hint, _ in check.mistakes}
    hit = set()
    for wrong, _ in wrongs:
        check(wrong)
        out = capsys.readouterr().out
        hit |= {hint for hint in named if hint in out}
    assert hit == named, named - hit


@pytest.mark.parametrize("name", FORMULAS)
def test_formula_tolerance_edges(name, capsys):
    check, right, _ = FORMULAS[name]
    tol = check.rel_tol
    assert check(lambda *a: right(*a) * (1 + tol / 3))
    assert not check(lambda *a: right(*a) * (1 + 3 * tol))
    assert "Look at the derivation" in capsys.readouterr().out or check.fallback != "Look at the derivation again."


@pytest.mark.parametrize("name", FORMULAS)
def test_formula_stub_exception_and_non_number(name, capsys):
    check, _, _ = FORMULAS[name]
    assert not check(lambda *a: ...)
    assert "replace the `...`" in capsys.readouterr().out
    assert not check(lambda *a: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not check(lambda *a: "two")
    assert "expected a number" in capsys.readouterr().out
    assert not check(lambda *a: float("nan"))
    assert "\u2717" in capsys.readouterr().out


# ------------------------------------------------------------------ exercise 3.2: the book's matrices
LAYERS = (64, 32, 16, 10)


def exact_std(shape, std, rng):
    """A matrix whose sample std is exactly ``std``."""
    a = rng.standard_normal(shape)
    return (a - a.mean()) / a.std() * std


def book(layers, rng, divide=lambda i, layers: math.sqrt(layers[i]), factor=1.0):
    shapes = [(layers[i] + 1, layers[i + 1] + 1) for i in range(len(layers) - 2)] + [(layers[-2] + 1, layers[-1])]
    return [exact_std(s, factor / divide(i, layers), rng) for i, s in enumerate(shapes)]


@pytest.mark.parametrize("seed", range(20))
def test_book_weights_right_for_every_seed(seed):
    def drawn(layers, rng):        # the book's own line, with random (not exact) stds
        Ws = [rng.standard_normal((layers[i] + 1, layers[i + 1] + 1)) / math.sqrt(layers[i])
              for i in range(len(layers) - 2)]
        return Ws + [rng.standard_normal((layers[-2] + 1, layers[-1])) / math.sqrt(layers[-2])]
    assert basics.check_book_weights(drawn, seed=seed)


def test_book_weights_tolerance_edges():
    assert basics.check_book_weights(lambda layers, rng: book(layers, rng, factor=1.24))
    assert basics.check_book_weights(lambda layers, rng: book(layers, rng, factor=0.76))
    assert not basics.check_book_weights(lambda layers, rng: book(layers, rng, factor=1.26))
    assert not basics.check_book_weights(lambda layers, rng: book(layers, rng, factor=0.74))


@pytest.mark.parametrize("answer, words", [
    (lambda layers, rng: book(layers, rng, lambda i, l: 1.0), "division by sqrt(layers[0]) is missing"),
    (lambda layers, rng: book(layers, rng, lambda i, l: math.sqrt(l[i + 1])), "divides by the fan_out"),
    (lambda layers, rng: [rng.standard_normal((l + 1, m + 1)) / math.sqrt(l) for l, m in zip(layers, layers[1:])],
     "the output layer has no bias unit"),
    (lambda layers, rng: [w[:, :-1] for w in book(layers, rng)[:-1]] + book(layers, rng)[-1:],
     "one extra column for the next bias unit"),
    (lambda layers, rng: book(layers, rng)[:-1], "expected a list of 3 matrices"),
    (lambda layers, rng: book(layers, rng, factor=3.0), "expected about 1/sqrt(64)"),
    (lambda layers, rng: ..., "expected a list of 3 matrices"),
    (lambda layers, rng: 1 / 0, "ZeroDivisionError"),
])
def test_book_weights_mistakes(answer, words, capsys):
    assert not basics.check_book_weights(answer)
    out = capsys.readouterr().out
    assert words in out, out


# ------------------------------------------------------------------ exercise 5.2: measuring a gain
def exact_gain(f):
    """1 / sqrt(E[f(z)^2]) by adaptive quadrature (independent of the course's own)."""
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    return 1 / math.sqrt(integrate.quad(lambda z: f(z) ** 2 * pdf(z), -np.inf, np.inf)[0])


GAINS = {"relu": exact_gain(lambda z: max(z, 0.0)), "linear": 1.0, "tanh": exact_gain(math.tanh)}


def test_measure_gain_exact_values():
    assert GAINS["relu"] == pytest.approx(math.sqrt(2), rel=1e-9)
    assert GAINS["tanh"] == pytest.approx(1.5925374, rel=1e-6)
    assert nonlinear.GAIN_CASES == tuple(GAINS)


def by_name(table):
    """A learner's answer that returns table[name] for the activation it is given (recognised by its values)."""
    def answer(f, rng):
        x = np.array([-1.0, 0.5])
        y = np.asarray(f(x), dtype=float)
        name = "relu" if y[0] == 0 else ("linear" if y[0] == -1 else "tanh")
        return table[name]
    return answer


def test_measure_gain_right_and_tolerance(capsys):
    def sampled(f, rng):
        return 1 / np.sqrt(np.mean(f(rng.standard_normal(10 ** 5)) ** 2))
    assert nonlinear.check_measure_gain(sampled)
    assert nonlinear.check_measure_gain(by_name({k: v * 1.015 for k, v in GAINS.items()}))
    assert nonlinear.check_measure_gain(by_name({k: v * 0.985 for k, v in GAINS.items()}))
    for bad in ("relu", "linear", "tanh"):
        table = dict(GAINS)
        table[bad] *= 1.025
        assert not nonlinear.check_measure_gain(by_name(table))
        assert f"for {bad} it returned" in capsys.readouterr().out


@pytest.mark.parametrize("table, words", [
    ({k: 1 / v for k, v in GAINS.items()}, "the gain is its inverse"),
    ({k: v ** 2 for k, v in GAINS.items()}, "without the square root"),
    ({**GAINS, "relu": 1 / math.sqrt(0.5 - 0.5 / math.pi)}, "second moment E[f(z)^2], mean included"),
    ({k: 3.0 for k in GAINS}, "Draw many z"),
])
def test_measure_gain_mistakes(table, words, capsys):
    assert not nonlinear.check_measure_gain(by_name(table))
    out = capsys.readouterr().out
    assert words in out, out


def test_measure_gain_stub_and_exception(capsys):
    assert not nonlinear.check_measure_gain(lambda f, rng: ...)
    assert "replace the `...`" in capsys.readouterr().out
    assert not nonlinear.check_measure_gain(lambda f, rng: 1 / 0)
    out = capsys.readouterr().out
    assert "(relu, rng) raised ZeroDivisionError" in out and "0x" not in out


# ------------------------------------------------------------------ exercise 6.1: the true fan-in
def fan_in(layers, seed, divide=lambda i, layers: math.sqrt(layers[i] + 1)):
    rng = np.random.default_rng(seed)
    shapes = [(layers[i] + 1, layers[i + 1] + 1) for i in range(len(layers) - 2)] + [(layers[-2] + 1, layers[-1])]
    return [rng.standard_normal(s) / divide(i, layers) for i, s in enumerate(shapes)]


def test_fan_in_weights_right(capsys):
    assert training.check_fan_in_weights(fan_in)
    assert training.check_fan_in_weights(lambda layers, seed: [w * (1 + 1e-9) for w in fan_in(layers, seed)])
    assert not training.check_fan_in_weights(lambda layers, seed: [w * (1 + 1e-3) for w in fan_in(layers, seed)])


@pytest.mark.parametrize("answer, words", [
    (lambda layers, seed: fan_in(layers, seed, lambda i, l: math.sqrt(l[i])), "is the book's"),
    (lambda layers, seed: fan_in(layers, seed, lambda i, l: 1.0), "not divided at all"),
    (lambda layers, seed: [w[::-1] for w in fan_in(layers, seed)], "right numbers in the wrong places"),
    (lambda layers, seed: fan_in(layers, seed + 1), "differs from the expected one"),
    (lambda layers, seed: [w.T for w in fan_in(layers, seed)], "has shape"),
    (lambda layers, seed: fan_in(layers, seed)[:-1], "one per pair of consecutive layers"),
    (lambda layers, seed: ..., "replace the `...`"),
    (lambda layers, seed: 1 / 0, "ZeroDivisionError"),
])
def test_fan_in_weights_mistakes(answer, words, capsys):
    assert not training.check_fan_in_weights(answer)
    out = capsys.readouterr().out
    assert words in out, out


# ------------------------------------------------------------------ exercise 8: chi_1 and the edge of chaos
def gauss(f):
    return integrate.quad(lambda z: f(z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), -12, 12, limit=200)[0]


def q_star(sw, sb):
    """The fixed point of the variance map, by root finding (sigma_b > 0: one positive root)."""
    gap = lambda q: sw ** 2 * gauss(lambda z: math.tanh(math.sqrt(q) * z) ** 2) + sb ** 2 - q  # noqa: E731
    return optimize.brentq(gap, sb ** 2 / 2, sw ** 2 + sb ** 2 + 1, xtol=1e-13)


def chi1(sw, sb, q=None):
    q = q_star(sw, sb) if q is None else q
    return sw ** 2 * gauss(lambda z: (1 / math.cosh(math.sqrt(q) * z)) ** 4)


@pytest.fixture(scope="module")
def chi_table():
    """chi_1 at the checker's four points, by plain quadrature and fixed-point iteration."""
    return {p: chi1(*p) for p in chaos._POINTS}


def table_answer(table, shift=0.0):
    return lambda sw, sb: table[(sw, sb)] + shift


def test_chi1_right_and_tolerance(chi_table, capsys):
    assert chaos.check_chi1(table_answer(chi_table))
    assert chaos.check_chi1(table_answer(chi_table, 3e-5))
    assert not chaos.check_chi1(table_answer(chi_table, 3e-4))
    assert "Not yet" in capsys.readouterr().out


def test_chi1_points_are_two_ordered_two_chaotic(chi_table):
    assert sorted(v > 1 for v in chi_table.values()) == [False, False, True, True]


@pytest.mark.parametrize("mistake", [
    lambda sw, sb: chi1(sw, sb, q=1.0),                                                   # not at q*
    lambda sw, sb: sw ** 2 * gauss(lambda z: 1 / math.cosh(math.sqrt(q_star(sw, sb)) * z) ** 2),   # not squared
    lambda sw, sb: float("nan"),
])
def test_chi1_mistakes(mistake, capsys):
    assert not chaos.check_chi1(mistake)
    out = capsys.readouterr().out
    assert "fixed point q*" in out and "it is squared" in out, out


def test_chi1_exception(capsys):
    assert not chaos.check_chi1(lambda sw, sb: 1 / 0)
    assert "raised ZeroDivisionError" in capsys.readouterr().out


def edge(sb):
    """sigma_w with chi_1 = 1 at this sigma_b, by root finding on the plain quadrature."""
    return optimize.brentq(lambda sw: chi1(sw, sb) - 1, 1.0, 2.5, xtol=1e-10)


def test_edge_sigma_w(capsys):
    sw = edge(0.5)
    assert chaos.check_edge_sigma_w(sw + 0.009)
    assert chaos.check_edge_sigma_w(sw - 0.009)
    assert not chaos.check_edge_sigma_w(sw + 0.011)
    assert "chaotic (chi_1 > 1): decrease sigma_w" in capsys.readouterr().out
    assert not chaos.check_edge_sigma_w(sw - 0.011)
    assert "ordered (chi_1 < 1): increase sigma_w" in capsys.readouterr().out
    assert not chaos.check_edge_sigma_w("large")
    assert "should be a number" in capsys.readouterr().out


# ------------------------------------------------------------------ exercise 9.1: a Haar orthogonal matrix
def haar(n, rng):
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def with_positive_share(share, n_draws=1000):
    """Orthogonal (diagonal +-1) matrices whose [0, 0] entry is positive in exactly ``share`` of the draws."""
    count = iter(range(10 ** 6))

    def answer(n, rng):
        k = next(count)
        d = np.ones(n)
        d[0] = 1.0 if (k % n_draws) < share * n_draws else -1.0
        return np.diag(d)
    return answer


def test_haar_right_and_tolerance(capsys):
    assert isometry.check_haar_orthogonal(haar)
    assert isometry.check_haar_orthogonal(with_positive_share(0.44))
    assert isometry.check_haar_orthogonal(with_positive_share(0.56))
    assert not isometry.check_haar_orthogonal(with_positive_share(0.42))
    assert not isometry.check_haar_orthogonal(with_positive_share(0.58))
    assert "fresh standard-normal matrix" in capsys.readouterr().out


@pytest.mark.parametrize("answer, words", [
    (lambda n, rng: (lambda q: q * np.sign(q[0, 0]))(np.linalg.qr(rng.standard_normal((n, n)))[0]),
     "sign fix is missing"),                                    # Q[0, 0] > 0 in every draw
    (lambda n, rng: (lambda qr: qr[0] * np.diag(qr[1]))(np.linalg.qr(rng.standard_normal((n, n)))), "diag(R)"),
    (lambda n, rng: rng.standard_normal((n, n)), "Q.T @ Q is not the identity"),
    (lambda n, rng: np.eye(n + 1), "expected (6, 6)"),
    (lambda n, rng: 1 / 0, "raised ZeroDivisionError"),
])
def test_haar_mistakes(answer, words, capsys):
    assert not isometry.check_haar_orthogonal(answer)
    out = capsys.readouterr().out
    assert words in out, out
