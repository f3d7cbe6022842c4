"""The residual stream of a pre-norm transformer-like stack at initialisation: x <- x + a f(LayerNorm(x)).

Each of the N residual branches reads a normalised copy of the stream (mean square 1 per unit) and adds
a f(.) with f(u) = relu(u @ W1) @ W2, W1 He-initialised (std sqrt(2 / width)) and W2 with std 1 / sqrt(width),
so that f's output also has mean square 1. The branch is independent of the stream it is added to, so the mean
squares add: after l branches the stream's mean square is m_0 + l a^2. It grows with depth unless a shrinks:
GPT-2 (Radford et al. 2019) scales the weights of each residual branch's last layer by 1 / sqrt(N), i.e.
a = 1 / sqrt(N), and the growth stays at m_0 + 1. A zero-initialised branch (a = 0: Fixup, SkipInit, ReZero)
keeps the stream exactly as it came in.
"""
import numpy as np

from .._checks import check_choice, check_positive_int
from .init import make_rng
from .normalisation import normalise

#: how each rule sets the branch scale a for N residual branches
STREAM_RULES = {
    "a = 1 (no scaling)": lambda n: 1.0,
    "a = 1/sqrt(N) (GPT-2)": lambda n: 1.0 / np.sqrt(n),
    "a = 0 (zero-initialised branch)": lambda n: 0.0,
}


def stream_alpha(rule, n_branches):
    """The branch scale a that ``rule`` (a key of :data:`STREAM_RULES`) gives a stack of ``n_branches`` branches."""
    check_choice("rule", rule, list(STREAM_RULES))
    return float(STREAM_RULES[rule](check_positive_int("n_branches", n_branches)))


def stream_draws(n_branches, width, *, n_samples=32, seed=0):
    """The random numbers of a stack: ``(x0, w1, w2)``, x0 (n_samples, width) with N(0, 1) entries, w1 and w2
    (n_branches, width, width), He-scaled and 1/sqrt(width)-scaled. Branch l has a stream of its own
    (seed [seed, l]), so the first n branches of a deeper stack are the branches of a stack of n."""
    n_branches = check_positive_int("n_branches", n_branches)
    width = check_positive_int("width", width, minimum=2)
    n_samples = check_positive_int("n_samples", n_samples, minimum=1)
    seed = int(seed)
    x0 = make_rng([seed, 0]).standard_normal((n_samples, width))
    w1, w2 = np.empty((n_branches, width, width)), np.empty((n_branches, width, width))
    he, plain = np.sqrt(2.0 / width), 1.0 / np.sqrt(width)
    for l in range(n_branches):
        g = make_rng([seed, l + 1])
        w1[l] = g.standard_normal((width, width)) * he
        w2[l] = g.standard_normal((width, width)) * plain
    return x0, w1, w2


def prenorm_stream(n_branches, width, alpha, *, n_samples=32, seed=0, draws=None):
    """Mean square (over samples and units) of the stream x_0 .. x_N of x <- x + alpha f(LayerNorm(x)).

    The random numbers are :func:`stream_draws`' (pass ``draws`` from a call with at least ``n_branches``
    branches and the same width to reuse them); they do not depend on ``alpha``, so one seed gives one
    network, scaled. Returns an array of length n_branches + 1.
    """
    n_branches = check_positive_int("n_branches", n_branches)
    alpha = float(alpha)
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha}")
    x, w1, w2 = draws if draws is not None else stream_draws(n_branches, width, n_samples=n_samples, seed=seed)
    if w1.shape[0] < n_branches or w1.shape[1] != width:
        raise ValueError(f"draws hold {w1.shape[0]} branches of width {w1.shape[1]}; "
                         f"need {n_branches} of width {width}")
    mean_square = np.empty(n_branches + 1)
    mean_square[0] = np.mean(x * x)
    for l in range(n_branches):
        if alpha:
            u = normalise(x, "layer")
            x = x + alpha * (np.maximum(u @ w1[l], 0.0) @ w2[l])
        mean_square[l + 1] = np.mean(x * x)
    return mean_square
