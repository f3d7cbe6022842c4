"""Networks that learn: the book's sigmoid network and a deep ReLU network, on the 8x8 digits.

Two networks, written in plain numpy so every line can be read:

* :class:`BookNetwork` is the network of the book (Rosebrock, *Deep Learning for
  Computer Vision with Python*, Starter Bundle, ch. 10): sigmoid units everywhere,
  an input column of ones (the "bias trick"), a hidden "+1" unit per hidden layer,
  the loss ``0.5 * sum((prediction - target) ** 2)``, and weights
  ``randn(layers[i] + 1, layers[i + 1] + 1) / sqrt(layers[i])``;
* :class:`DeepReLUNetwork` is a plain deep multilayer perceptron: ``depth`` ReLU
  layers of ``width`` units, a linear read-out, softmax cross-entropy.

Each object holds several *replicas* (independent networks, one per initialisation
and seed) whose weights are stacked along a leading axis: ``W[k][r]`` is replica
``r``'s k-th matrix.  One matrix product then trains them all at once, which is
what makes "several seeds, never one lucky run" cheap.

Used by notebook 6 (and :mod:`.trainer`, :mod:`.sweeps`).
"""
import math
import numbers

import numpy as np

from .._blas import single_blas_thread
from .._checks import check_choice, check_positive_float, check_positive_int
from ..maths.activations import HE_GAIN, sigmoid
from ..maths.init import make_rng


#: the book's layer sizes for the digits: 64 pixels, two hidden layers, 10 classes
BOOK_LAYERS = (64, 32, 16, 10)

#: the book's initialisation, without the division, and the division by the true fan-in n + 1
BOOK_INITS = ("book", "none", "fan_in")

#: std of a deep network's weights, as a multiple of 1 / sqrt(fan_in)
DEEP_GAINS = {"he": HE_GAIN, "lecun": 1.0}
DEEP_INITS = tuple(DEEP_GAINS) + ("unscaled",)


# --------------------------------------------------------------------------- shared plumbing

def _swap(a):
    """Transpose the last two axes (``a.T`` for a matrix, per replica for a stack)."""
    return np.swapaxes(a, -1, -2)


def _as_list(name, value):
    if isinstance(value, (str, numbers.Number)) or value is None:
        return [value]
    value = list(value)
    if not value:
        raise ValueError(f"{name} must not be empty")
    return value


def _broadcast_runs(**columns):
    """Zip scalar-or-list arguments into one tuple per replica (a scalar goes with every replica)."""
    lists = {name: _as_list(name, value) for name, value in columns.items()}
    n = max(len(v) for v in lists.values())
    for name, v in lists.items():
        if len(v) not in (1, n):
            raise ValueError(f"{name} has {len(v)} values but another argument has {n}; "
                             f"give one value, or {n} (one per network)")
    return [tuple(v[r if len(v) > 1 else 0] for v in lists.values()) for r in range(n)]


class _Replicas:
    """What both networks share: input checks, the update step, accuracy."""
    n_in: int
    n_out: int

    @property
    def n_replicas(self):
        """How many networks train side by side."""
        return self.W[0].shape[0]

    def _check_X(self, X, name="X"):
        X = np.asarray(X, dtype=float)
        if X.ndim not in (2, 3) or X.shape[-1] != self.n_in:
            raise ValueError(
                f"{name} must have one sample per row and {self.n_in} columns (the size of the input layer), "
                f"got shape {X.shape}; for one image x of the digits pass x.reshape(1, -1)")
        if X.ndim == 3 and X.shape[0] != self.n_replicas:
            raise ValueError(f"a 3-D {name} holds one batch per network: its first axis must be "
                             f"{self.n_replicas}, got shape {X.shape}")
        return X

    def _check_Y(self, X, Y):
        Y = np.asarray(Y, dtype=float)
        if Y.shape[-1] != self.n_out or Y.shape[:-1] != X.shape[:-1][-Y.ndim + 1:] or Y.ndim not in (2, 3):
            raise ValueError(
                f"targets must have one row per sample of X ({X.shape[-2]} rows) and {self.n_out} columns "
                f"(one-hot labels, see one_hot), got shape {Y.shape} for X of shape {X.shape}")
        return Y

    def step(self, X, Y, lr, momentum=0.0):
        """One gradient-descent step on the batch (X, Y); returns each replica's loss *before* the step.

        With ``momentum`` m > 0 the step is the heavy-ball one: ``v = m v - lr g``,
        ``params += v`` (``v`` is kept on the network between calls).  A replica
        whose loss or gradients are no longer finite (it diverged) is left
        unchanged from then on; its loss reads ``nan``.
        """
        lr = check_positive_float("lr", lr)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must lie in [0, 1), got {momentum}")
        with np.errstate(all="ignore"):       # a diverging replica is detected here, not warned about
            loss, grads = self.gradients(X, Y)
            ok = np.isfinite(loss)            # weights that blow up make the loss inf or nan first
            if not ok.all():
                grads = [np.where(ok.reshape((-1,) + (1,) * (g.ndim - 1)), g, 0.0) for g in grads]
            if momentum and getattr(self, "_velocity", None) is None:
                self._velocity = [np.zeros_like(g) for g in grads]
            for k, (params, g) in enumerate(zip(self._params(), grads)):
                g *= lr                       # the gradient arrays are ours to reuse
                if momentum:
                    v = self._velocity[k]
                    v *= momentum
                    v -= g
                    if not ok.all():
                        v *= ok.reshape((-1,) + (1,) * (g.ndim - 1))
                    params += v
                else:
                    params -= g
        return np.where(ok, loss, np.nan)

    @single_blas_thread
    def accuracy(self, X, labels):
        """Fraction of the samples whose largest output is at the true label, per replica."""
        X = self._check_X(X)
        labels = np.asarray(labels)
        if labels.shape != X.shape[-2:-1]:
            raise ValueError(f"labels must hold one label per row of X ({X.shape[-2]}), got shape {labels.shape}")
        with np.errstate(all="ignore"):
            return (self.predict(X).argmax(axis=-1) == labels).mean(axis=-1)

    @single_blas_thread
    def gradient_norms(self, X, Y):
        """Frobenius norm of the loss gradient of every weight matrix, shape (replicas, layers)."""
        with np.errstate(all="ignore"):
            _, grads = self.gradients(X, Y)
            return np.stack([np.sqrt((g ** 2).sum(axis=(-2, -1))) for g in grads], axis=1)


# --------------------------------------------------------------------------- the book's network

def book_weights(layers=BOOK_LAYERS, init="book", scale=1.0, seed=0):
    """The book's weight matrices for one network, drawn from ``make_rng(seed)`` (:mod:`winit_helpers.maths.init`).

    Exactly the book's loop::

        for i in range(len(layers) - 2):
            w = randn(layers[i] + 1, layers[i + 1] + 1)     # "+1": the bias trick
            W.append(w / sqrt(layers[i]))
        w = randn(layers[-2] + 1, layers[-1])
        W.append(w / sqrt(layers[-2]))

    ``init`` chooses the divisor: ``"book"`` divides by ``sqrt(layers[i])``,
    ``"fan_in"`` by the true fan-in ``sqrt(layers[i] + 1)``, ``"none"`` not at all.
    ``scale`` multiplies every matrix (``init="none", scale=0.01``: "small random
    numbers", std 0.01).  The same seed draws the same ``randn`` numbers for every
    ``init`` and ``scale``: only their size differs.
    """
    layers = _check_layers(layers)
    check_choice("init", init, list(BOOK_INITS))
    scale = check_positive_float("scale", scale)
    rng = make_rng(seed)
    divisor = {"book": lambda n: math.sqrt(n), "fan_in": lambda n: math.sqrt(n + 1), "none": lambda n: 1.0}[init]
    W = []
    for i in range(len(layers) - 2):
        w = rng.standard_normal((layers[i] + 1, layers[i + 1] + 1))
        W.append(w * scale / divisor(layers[i]))
    w = rng.standard_normal((layers[-2] + 1, layers[-1]))
    W.append(w * scale / divisor(layers[-2]))
    return W


def _check_layers(layers):
    if isinstance(layers, (str, numbers.Number)) or len(list(layers)) < 2:
        raise ValueError(f"layers must list at least two layer sizes (inputs and outputs), "
                         f"for example [64, 32, 16, 10]; got {layers!r}")
    return tuple(check_positive_int(f"layers[{i}]", n) for i, n in enumerate(layers))


class BookNetwork(_Replicas):
    """The book's network, one replica per (init, scale, seed); see :func:`book_weights`.

    ``init``, ``scale`` and ``seed`` may each be one value or a list (one per
    replica): ``BookNetwork(init=["book", "none"], seed=[0, 0])`` builds two
    networks from the same random numbers, one divided and one not.
    """

    def __init__(self, layers=BOOK_LAYERS, init="book", scale=1.0, seed=0):
        self.layers = _check_layers(layers)
        self.runs = _broadcast_runs(init=init, scale=scale, seed=seed)
        matrices = [book_weights(self.layers, *run) for run in self.runs]
        self.W = [np.stack([m[k] for m in matrices]) for k in range(len(self.layers) - 1)]
        self.n_in, self.n_out = self.layers[0], self.layers[-1]

    def _params(self):
        return self.W

    def forward(self, X):
        """Every layer's activations, as the book keeps them: ``A[0]`` is X with a column of ones.

        ``A[k]`` has shape (replicas, samples, units); the hidden layers' last unit
        is the book's "+1" unit, an ordinary sigmoid of its inputs.
        """
        X = self._check_X(X)
        A = [np.concatenate([X, np.ones(X.shape[:-1] + (1,))], axis=-1)]    # the bias trick
        for W in self.W:
            A.append(sigmoid(A[-1] @ W))
        return A

    def predict(self, X):
        """The network's ten outputs for every sample, shape (replicas, samples, 10)."""
        return self.forward(X)[-1]

    @single_blas_thread
    def loss(self, X, Y):
        """The book's loss ``0.5 * sum((prediction - target) ** 2)`` over all samples, per replica."""
        Y = self._check_Y(self._check_X(X), Y)
        return 0.5 * ((self.predict(X) - Y) ** 2).sum(axis=(-2, -1))

    def gradients(self, X, Y):
        """The loss of each replica and the gradient of every ``W[k]`` (the book's backward pass, batched).

        Returns ``(loss, grads)``: ``loss`` has shape (replicas,), ``grads[k]`` the shape of ``W[k]``.
        The gradient is summed over the samples, as the book's loss is.
        """
        X = self._check_X(X)
        Y = self._check_Y(X, Y)
        A = self.forward(X)
        error = A[-1] - Y
        loss = 0.5 * (error ** 2).sum(axis=(-2, -1))
        D = error * A[-1] * (1 - A[-1])             # sigmoid'(net) = out * (1 - out)
        grads = [None] * len(self.W)
        for k in range(len(self.W) - 1, -1, -1):
            grads[k] = _swap(A[k]) @ D
            if k:
                D = (D @ _swap(self.W[k])) * A[k] * (1 - A[k])
        return loss, grads


# --------------------------------------------------------------------------- a deep ReLU network

def deep_std(init, fan_in, scale=1.0):
    """The weight std of a layer with ``fan_in`` inputs: He sqrt(2/fan_in), LeCun sqrt(1/fan_in), or 1, times ``scale``."""
    check_choice("init", init, list(DEEP_INITS))
    if init == "unscaled":
        return float(scale)
    return float(scale) * DEEP_GAINS[init] / math.sqrt(fan_in)


class DeepReLUNetwork(_Replicas):
    """``depth`` ReLU layers of ``width`` units, a linear read-out of ``n_out`` classes, softmax cross-entropy.

    Layer k computes ``relu(h @ W[k])``; weights are drawn from
    ``normal(0, deep_std(init, fan_in, scale))`` with ``fan_in`` the layer's
    number of inputs.  There are no biases: they would start at 0 and change
    nothing in the argument, and leaving them out keeps every line short.  ``init`` (``"he"``, ``"lecun"``,
    ``"unscaled"``), ``scale`` and ``seed`` may each be a list: one replica per entry.
    """

    def __init__(self, depth=30, width=64, n_in=64, n_out=10, init="he", scale=1.0, seed=0):
        self.depth = check_positive_int("depth", depth)
        self.width = check_positive_int("width", width)
        self.n_in = check_positive_int("n_in", n_in)
        self.n_out = check_positive_int("n_out", n_out, minimum=2)
        self.runs = _broadcast_runs(init=init, scale=scale, seed=seed)
        sizes = [self.n_in] + [self.width] * self.depth + [self.n_out]
        matrices = []
        for init_r, scale_r, seed_r in self.runs:
            check_positive_float("scale", scale_r)
            rng = make_rng(seed_r)
            matrices.append([rng.normal(0.0, deep_std(init_r, n, scale_r), size=(n, m))
                             for n, m in zip(sizes[:-1], sizes[1:])])
        self.W = [np.stack([m[k] for m in matrices]) for k in range(len(sizes) - 1)]

    def _params(self):
        return self.W

    def forward(self, X):
        """Every layer's output: ``H[0]`` is X, ``H[k]`` the k-th ReLU layer, ``H[-1]`` the logits."""
        return list(self._outputs(self._check_X(X)))

    def logits(self, X):
        """``forward(X)[-1]`` without keeping the other layers: for many samples through many layers about twice as
        fast (holding every layer means fresh memory, and page faults, on every pass)."""
        for h in self._outputs(self._check_X(X)):
            pass
        return h

    def _outputs(self, X):
        h = X
        yield h
        for k, W in enumerate(self.W):
            z = h @ W
            h = z if k == self.depth else np.maximum(z, 0.0)
            yield h

    def predict(self, X):
        """Class probabilities (softmax of the logits), shape (replicas, samples, n_out)."""
        logits = self.logits(X)
        e = np.exp(logits - logits.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def _loss_from_logits(self, logits, Y):
        shifted = logits - logits.max(axis=-1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        return -(Y * log_p).sum(axis=-1).mean(axis=-1), np.exp(log_p)

    @single_blas_thread
    def loss(self, X, Y):
        """Mean cross-entropy over the samples, per replica (``log(10) = 2.30`` is a uniform guess)."""
        X = self._check_X(X)
        Y = self._check_Y(X, Y)
        return self._loss_from_logits(self.logits(X), Y)[0]

    def gradients(self, X, Y):
        """``(loss, grads)``: ``loss`` per replica, ``grads[k]`` the gradient of ``W[k]``."""
        X = self._check_X(X)
        Y = self._check_Y(X, Y)
        H = self.forward(X)
        loss, p = self._loss_from_logits(H[-1], Y)
        D = (p - Y) / X.shape[-2]                   # d(mean cross-entropy) / d(logits)
        grads = [None] * len(self.W)
        for k in range(len(self.W) - 1, -1, -1):
            grads[k] = _swap(H[k]) @ D
            if k:
                D = (D @ _swap(self.W[k])) * (H[k] > 0)        # relu'(z) = 1 where the unit is on
        return loss, grads
