"""Beyond the variance rule: orthogonal weights, dynamical isometry, LSUV and residual scaling.

* :func:`orthogonal` draws a uniformly distributed (Haar) orthogonal matrix: QR of a
  Gaussian matrix, with the sign fix that makes ``diag(R)`` positive (Saxe et al. 2013).
* :func:`product_singular_values` and :func:`lyapunov_exponents`: a deep *linear*
  product of Gaussian matrices spreads its singular values exponentially in depth,
  an orthogonal product keeps them all at 1.
* :func:`jacobian_singular_values` and :func:`jacobian_spread`: the input-output
  Jacobian of a deep tanh or ReLU network, measured and predicted (Pennington et al. 2017).
* :func:`train_deep_linear`: gradient descent on a deep linear network, from either start.
* :func:`lsuv`: layer-sequential unit-variance initialisation (Mishkin & Matas 2015).
* :func:`residual_stream`: the variance of ``x + a f(x)`` through depth.

Used by notebook 9.  Two ways of writing a layer meet here.  :func:`lsuv` and
:func:`residual_stream` write it as the rest of the course does, ``h @ W`` with ``W`` of shape
(fan_in, fan_out).  The products and Jacobians (:func:`product_singular_values`,
:func:`jacobian_singular_values`, :func:`train_deep_linear`) write it ``W @ h``, as notebook 9's
own cells do, so that the notebook can check them line by line; for the square matrices drawn
here (Gaussian or Haar orthogonal, whose transposes have the same distribution) the statistics
are the same either way.  The gain (std * sqrt(fan_in), see :mod:`.activations`) is called
``sigma_w`` here, as in the papers.
"""
from dataclasses import dataclass

import numpy as np

from .._checks import check_choice, check_nonnegative, check_positive_float, check_positive_int
from .activations import HE_GAIN, get_activation
from .forward import Stopped
from .gaussian import normal_expectation
from .init import make_rng

#: the two kinds of weight matrix this module compares (the initialisation schemes proper are in :mod:`.init`)
WEIGHT_KINDS = ("orthogonal", "gaussian")
EULER_GAMMA = 0.5772156649015329


def orthogonal(n, m=None, seed=0, sign_fix=True):
    """An ``n x m`` matrix with orthonormal columns (``m <= n``) or rows (``m > n``), uniformly distributed.

    QR of a standard-normal matrix gives ``Q``, but LAPACK's ``Q`` is not uniform: its
    columns' signs follow those of ``diag(R)``.  Multiplying column ``j`` by ``sign(R[j, j])``
    (``sign_fix=True``) makes it uniform (Haar).  ``seed`` is a seed or a ``numpy`` Generator.
    """
    n = check_positive_int("n", n)
    m = n if m is None else check_positive_int("m", m)
    rng = make_rng(seed)
    a = rng.standard_normal((max(n, m), min(n, m)))
    q, r = np.linalg.qr(a)
    if sign_fix:
        q = q * np.where(np.diag(r) < 0, -1.0, 1.0)
    return q if n >= m else q.T


def weight_stack(depth, width, kind="orthogonal", seed=0, gain=1.0):
    """``depth`` square weight matrices ``(depth, width, width)``: ``gain`` times orthogonal, or Gaussian with std ``gain/sqrt(width)``.

    Both kinds preserve the squared length of a vector on average; only the orthogonal one preserves it exactly.
    """
    return WeightStack(width, kind, seed=seed, gain=gain, capacity=depth).layers(depth)


class WeightStack:
    """The weights of :func:`weight_stack`, drawn layer by layer as they are asked for, up to ``capacity``.

    ``layers(depth)`` returns the first ``depth`` matrices, drawing only those not drawn yet, on from the
    same generator: the very numbers of ``weight_stack(depth, ...)``, whichever depths were asked before.
    """

    def __init__(self, width, kind="orthogonal", *, seed=0, gain=1.0, capacity):
        self.width = check_positive_int("width", width)
        self.kind = check_choice("kind", kind, list(WEIGHT_KINDS))
        self.gain = check_positive_float("gain", gain)
        capacity = check_positive_int("depth", capacity)
        self.rng = make_rng(seed)
        self.weights = np.empty((capacity, self.width, self.width))   # memory is touched only as layers are drawn
        self.drawn = 0

    @property
    def nbytes(self):
        return self.weights.nbytes

    def layers(self, depth):
        depth = check_positive_int("depth", depth)
        if depth > len(self.weights):
            raise ValueError(f"depth must be at most {len(self.weights)} for this stack, got {depth}")
        new = slice(self.drawn, depth)
        if depth > self.drawn:
            if self.kind == "gaussian":
                self.weights[new] = self.rng.standard_normal((depth - self.drawn, self.width, self.width)) * (
                    self.gain / np.sqrt(self.width))
            else:
                for layer in range(self.drawn, depth):    # each matrix straight into its place: no stacked copy
                    self.weights[layer] = orthogonal(self.width, seed=self.rng)
                if self.gain != 1.0:
                    self.weights[new] *= self.gain
            self.drawn = depth
        return self.weights[:depth]


def _check_stack(weights):
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 3 or weights.shape[1] != weights.shape[2]:
        raise ValueError(f"weights must be a stack of square matrices, shape (depth, width, width); "
                         f"got shape {weights.shape}")
    return weights


def product_singular_values(weights):
    """Singular values (largest first) of ``W_depth @ ... @ W_1`` for a stack ``(depth, width, width)``."""
    weights = _check_stack(weights)
    product = weights[0]
    for w in weights[1:]:
        product = w @ product
    return np.linalg.svd(product, compute_uv=False)


def lyapunov_exponents(width):
    """Per-layer growth rates of the log singular values of a product of Gaussian ``width x width`` matrices, std 1/sqrt(width).

    ``mu_i = (ln(2/width) + digamma((width - i + 1)/2)) / 2`` for i = 1 .. width (largest first):
    after ``depth`` layers the i-th singular value is about ``exp(depth * mu_i)``.
    """
    width = check_positive_int("width", width)
    x = (width - np.arange(width)) / 2.0          # width/2, (width-1)/2, ..., 1/2
    return 0.5 * (np.log(2.0 / width) + _digamma_half_integers(x))


def _digamma_half_integers(x):
    """digamma at positive integers and half-integers, by psi(x + 1) = psi(x) + 1/x (no scipy needed)."""
    out = np.empty_like(x)
    for start, value in ((1.0, -EULER_GAMMA), (0.5, -EULER_GAMMA - 2.0 * np.log(2.0))):
        ks = np.arange(start, x.max() + 1.0)
        table = value + np.concatenate([[0.0], np.cumsum(1.0 / ks[:-1])])
        sel = np.isclose((x - start) % 1.0, 0.0)
        out[sel] = table[np.rint(x[sel] - start).astype(int)]
    return out


# --------------------------------------------------------------------------- Jacobians
#: the activations the Jacobian functions know
JACOBIAN_ACTIVATIONS = ("linear", "tanh", "relu")


def _activation(name):
    """(f, f') of ``name`` from the one table in :mod:`.activations`."""
    a = get_activation(check_choice("activation", name, list(JACOBIAN_ACTIVATIONS)))
    return a.f, a.df


def _jacobians(weights, activation, sigma_w, sigma_b, q0, seed):
    """Check the arguments, then yield the input-output Jacobian after each layer, ``J_l = sigma_w W_l diag(phi'(h_(l-1))) J_(l-1)``."""
    weights = _check_stack(weights)
    f, df = _activation(activation)
    sigma_w = check_positive_float("sigma_w", sigma_w)
    sigma_b = float(sigma_b)
    if not np.isfinite(sigma_b) or sigma_b < 0:
        raise ValueError(f"sigma_b must be finite and >= 0, got {sigma_b}")
    q0 = check_positive_float("q0", q0)
    rng = make_rng(seed)
    width = weights.shape[1]
    h = rng.standard_normal(width) * np.sqrt(q0)
    jac = np.eye(width)
    for w in weights:
        jac = (sigma_w * w) @ (df(h)[:, None] * jac)
        h = sigma_w * (w @ f(h)) + sigma_b * rng.standard_normal(width)
        yield jac


def jacobian_singular_values(weights, activation="tanh", sigma_w=1.0, sigma_b=0.0, q0=1.0, seed=0):
    """Singular values of the input-output Jacobian ``d h_L / d h_0`` of ``h_l = sigma_w W_l phi(h_(l-1)) + sigma_b b_l``.

    ``weights`` is a stack from :func:`weight_stack` (gain 1); the biases and the input
    (variance ``q0``) are drawn from ``seed``.  ``J = prod_l sigma_w W_l diag(phi'(h_(l-1)))``.
    """
    for jac in _jacobians(weights, activation, sigma_w, sigma_b, q0, seed):
        pass
    return np.linalg.svd(jac, compute_uv=False)


def derivative_moments(activation, q):
    """``(mu_1, mu_2) = (E[phi'(h)**2], E[phi'(h)**4])`` for ``h ~ normal(0, q)`` (exact for relu and linear)."""
    check_choice("activation", activation, list(JACOBIAN_ACTIVATIONS))
    if activation == "linear":
        return 1.0, 1.0
    if activation == "relu":
        return 0.5, 0.5
    df = _activation("tanh")[1]
    std = np.sqrt(check_nonnegative("q", q))
    return (float(normal_expectation(lambda u: df(u) ** 2, std, smooth=True)),
            float(normal_expectation(lambda u: df(u) ** 4, std, smooth=True)))


def jacobian_spread(depth, activation, kind, q=0.0):
    """Predicted ``Var(lambda) / mean(lambda)**2`` of the eigenvalues ``lambda`` of ``J J^T`` (Pennington et al. 2017).

    ``depth * (mu_2 / mu_1**2 - 1 - s_1)`` with ``s_1 = 0`` for orthogonal and ``-1`` for Gaussian
    weights, and ``mu_k`` from :func:`derivative_moments` at the fixed point ``q``.  Zero means
    perfect isometry; ReLU gives ``depth`` even with orthogonal weights.
    """
    depth = check_positive_int("depth", depth)
    check_choice("kind", kind, list(WEIGHT_KINDS))
    mu1, mu2 = derivative_moments(activation, q)
    s1 = 0.0 if kind == "orthogonal" else -1.0
    return depth * (mu2 / mu1 ** 2 - 1.0 - s1)


def relative_spread(singular_values):
    """``Var(lambda) / mean(lambda)**2`` for ``lambda = s**2``: the measured counterpart of :func:`jacobian_spread`."""
    lam = np.asarray(singular_values, dtype=float) ** 2
    return float(lam.var() / lam.mean() ** 2)


# --------------------------------------------------------------------------- training deep linear networks
@dataclass(frozen=True)
class Training:
    """Loss ``0.5/width ||A - W_L ... W_1||^2`` per step for each run (rows: steps, columns: runs)."""
    depth: int
    width: int
    kind: str
    lr: float
    loss: np.ndarray

    def steps_to(self, fraction=0.05):
        """Steps until each run's loss first falls below ``fraction`` of its start (``inf`` if never)."""
        below = self.loss <= fraction * self.loss[0]
        return np.where(below.any(axis=0), below.argmax(axis=0), np.inf)


def train_deep_linear(depth, width, kind="orthogonal", steps=1000, n_runs=4, lr=0.5, seed=0):
    """Full-batch gradient descent on ``depth`` linear layers learning a random map ``A`` from whitened inputs.

    Each run draws its target ``A = U diag(0.5 .. 2) V^T`` (``U``, ``V`` orthogonal) and its start
    from ``seed``; the step size is ``lr / depth`` (each layer's step moves the product ``depth``
    times).  The runs are batched.  Returns a :class:`Training`.
    """
    depth = check_positive_int("depth", depth)
    width = check_positive_int("width", width, minimum=2)
    steps = check_positive_int("steps", steps)
    n_runs = check_positive_int("n_runs", n_runs)
    lr = check_positive_float("lr", lr)
    rng = make_rng(seed)
    target = np.stack([orthogonal(width, seed=rng) * np.linspace(0.5, 2.0, width) @ orthogonal(width, seed=rng)
                       for _ in range(n_runs)])
    w = np.stack([weight_stack(depth, width, kind, seed=rng) for _ in range(n_runs)], axis=1)  # (depth, runs, n, n)
    eta = lr / depth
    eye = np.broadcast_to(np.eye(width), (n_runs, width, width))
    losses = np.empty((steps, n_runs))
    for t in range(steps):
        below = [eye]                              # below[l] = W_l ... W_1 (below[0] = I)
        for layer in range(depth):
            below.append(w[layer] @ below[-1])
        err = below[-1] - target
        losses[t] = 0.5 * np.einsum("rij,rij->r", err, err) / width
        grad_out = err / width
        above = eye                                # W_L ... W_(l+2)
        for layer in range(depth - 1, -1, -1):
            grad = above.transpose(0, 2, 1) @ grad_out @ below[layer].transpose(0, 2, 1)
            above = above @ w[layer]
            w[layer] -= eta * grad
    return Training(depth, width, kind, lr, losses)


# --------------------------------------------------------------------------- LSUV
@dataclass(frozen=True)
class LSUVResult:
    """What :func:`lsuv` did: the rescaled weights and, per layer, the iterations and the std it reached."""
    weights: np.ndarray
    iterations: np.ndarray     # rescalings each layer needed (max_iter means it never got within tol)
    std: np.ndarray            # std of each layer's measured output after LSUV
    converged: np.ndarray      # True where |var - 1| < tol was reached
    #: the batch after the last layer: :func:`lsuv` on further layers, started from it, goes on exactly as a
    #: deeper run would (None for a result cut short)
    output: np.ndarray = None


def lsuv(weights, x, activation="tanh", tol=0.01, max_iter=20, measure="pre", *, stop=None):
    """Layer-sequential unit-variance init (Mishkin & Matas 2015), layer by layer on the batch ``x``.

    For each layer in turn: measure the std of its output on the batch, divide the weights by
    it, repeat until ``|var - 1| < tol`` (or ``max_iter`` times).  ``measure="pre"`` measures
    ``x @ W`` (the layer's output, as in the paper); ``"post"`` measures ``phi(x @ W)``, which a
    saturating ``tanh`` can never bring to variance 1.  Start from orthonormal ``weights``
    (``(depth, width, width)``, rows in, columns out).

    ``stop``: a :class:`threading.Event`; once it is set, LSUV stops before its next measurement and raises
    :class:`~winit_helpers.maths.forward.Stopped` (a look-ahead in a live view, no longer wanted).
    """
    weights = _check_stack(weights).copy()
    f, _ = _activation(activation)
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != weights.shape[1]:
        raise ValueError(f"x must be a batch of shape (samples, {weights.shape[1]}), got shape {x.shape}")
    tol = check_positive_float("tol", tol)
    max_iter = check_positive_int("max_iter", max_iter)
    check_choice("measure", measure, ["pre", "post"])
    depth = weights.shape[0]
    iterations, stds, converged = np.zeros(depth, int), np.empty(depth), np.zeros(depth, bool)
    for layer in range(depth):
        for _ in range(max_iter):
            if stop is not None and stop.is_set():
                raise Stopped("lsuv: stopped")
            h = x @ weights[layer]
            std = (h if measure == "pre" else f(h)).std()
            if abs(std ** 2 - 1.0) < tol:
                converged[layer] = True
                break
            weights[layer] /= std
            iterations[layer] += 1
        h = x @ weights[layer]
        stds[layer] = (h if measure == "pre" else f(h)).std()
        converged[layer] = abs(stds[layer] ** 2 - 1.0) < tol
        x = f(h)
    return LSUVResult(weights, iterations, stds, converged, x)


# --------------------------------------------------------------------------- residual networks
def residual_stream(depth, width, alpha, n_samples=200, seed=0, zero_last=False, *, stop=None):
    """Mean square of ``x_l`` in ``x_l = x_(l-1) + alpha f(x_(l-1))``, ``f(x) = relu(x @ W1) @ W2`` (He init).

    Returns the per-layer mean square, ``l = 0 .. depth``; theory: ``(1 + alpha**2) ** l``.
    ``zero_last=True`` starts every ``W2`` at zero (Fixup, Zhang et al. 2019): each block is the identity.
    ``stop``: as in :func:`lsuv`, checked before every block.
    """
    depth = check_positive_int("depth", depth)
    width = check_positive_int("width", width, minimum=2)
    alpha = float(alpha)
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha}")
    rng = make_rng(seed)
    x = rng.standard_normal((n_samples, width))
    out = np.empty(depth + 1)
    out[0] = np.mean(x * x)
    he = HE_GAIN / np.sqrt(width)
    for layer in range(depth):
        if stop is not None and stop.is_set():
            raise Stopped("residual_stream: stopped")
        w1 = rng.standard_normal((width, width)) * he
        w2 = np.zeros((width, width)) if zero_last else rng.standard_normal((width, width)) / np.sqrt(width)
        x = x + alpha * (np.maximum(x @ w1, 0.0) @ w2)
        out[layer + 1] = np.mean(x * x)
    return out


def jacobian_spread_by_depth(weights, activation="tanh", sigma_w=1.0, sigma_b=0.0, q0=1.0, seed=0, *, stop=None):
    """The measured spread (:func:`relative_spread`) of the Jacobian after each layer, and the last layer's singular values.

    The same network and draws as :func:`jacobian_singular_values`; the spread after ``l`` layers comes from
    two traces, ``tr(J J^T)`` and ``tr((J J^T)^2)``, so no SVD is needed until the last layer.
    Returns ``(spreads, singular_values)``, ``spreads[l - 1]`` for ``l = 1 .. depth``.
    ``stop``: as in :func:`lsuv`, checked before every layer's traces.
    """
    spreads = []
    for jac in _jacobians(weights, activation, sigma_w, sigma_b, q0, seed):
        if stop is not None and stop.is_set():
            raise Stopped("jacobian_spread_by_depth: stopped")
        jj = jac @ jac.T
        m1, m2 = np.trace(jj) / len(jj), np.einsum("ij,ij->", jj, jj) / len(jj)
        # a variance over mean squared, never below 0: m2 / m1^2 - 1 rounds to -1e-16 for an exact isometry
        spreads.append(max(m2 / m1 ** 2 - 1.0, 0.0) if m1 > 0 else np.nan)
    spreads = np.array(spreads)
    return spreads, np.linalg.svd(jac, compute_uv=False)
