"""Training: mini-batch stochastic gradient descent for the networks of :mod:`.networks`.

:class:`Trainer` runs mini-batch stochastic gradient descent in chunks (so a live
view can draw between chunks and be stopped); :func:`train` is the one-call form and
returns a :class:`TrainingResult`.  Used by notebook 6 and :mod:`.sweeps`.
"""
import time
from dataclasses import dataclass

import numpy as np

from .._blas import single_blas_thread
from .._checks import check_positive_float, check_positive_int
from ..maths.init import make_rng


@dataclass
class History:
    """What a :class:`Trainer` recorded: ``loss[r, j]`` is replica r's loss after ``steps[j]`` steps."""
    steps: np.ndarray
    loss: np.ndarray
    epochs: np.ndarray


class Trainer:
    """Mini-batch SGD for a network's replicas, run in chunks: ``run(steps)`` may be called again and again.

    Every replica sees the training set in its own random order (seeded by its
    own seed), reshuffled every epoch.  Every ``record_every`` steps the loss is
    recorded: on the whole training set if ``full_loss`` (the book prints that),
    else the mean of the batch losses since the last record (cheaper).
    """

    def __init__(self, net, X, Y, *, batch_size=32, lr=0.1, momentum=0.0, record_every=None, full_loss=False):
        self.net = net
        self.X = net._check_X(X)
        if self.X.ndim != 2:
            raise ValueError(f"training data X must be 2-D (samples x {net.n_in}), got shape {self.X.shape}")
        self.Y = net._check_Y(self.X, Y)
        self.batch_size = check_positive_int("batch_size", batch_size)
        self.lr = check_positive_float("lr", lr)
        self.momentum = float(momentum)
        n = len(self.X)
        self.steps_per_epoch = -(-n // self.batch_size)
        self.record_every = check_positive_int("record_every", record_every or self.steps_per_epoch)
        self.full_loss = full_loss
        self._rngs = [make_rng([seed, 1]) for _, _, seed in net.runs]
        self._order = None
        self.step_count = 0
        self._pending = []
        self._steps, self._loss = [0], [self._current_loss()]      # step 0: always on the whole set

    def _current_loss(self):
        with np.errstate(all="ignore"):
            return self.net.loss(self.X, self.Y)

    def _batch(self):
        k = self.step_count % self.steps_per_epoch
        if k == 0:
            self._order = np.stack([rng.permutation(len(self.X)) for rng in self._rngs])
        idx = self._order[:, k * self.batch_size:(k + 1) * self.batch_size]
        return self.X[idx], self.Y[idx]

    @single_blas_thread
    def run(self, steps):
        """Take ``steps`` more steps; returns the :class:`History` so far."""
        steps = check_positive_int("steps", steps)
        for _ in range(steps):
            X, Y = self._batch()
            batch_loss = self.net.step(X, Y, self.lr, self.momentum)
            self.step_count += 1
            self._pending.append(batch_loss)
            if self.step_count % self.record_every == 0:
                self._steps.append(self.step_count)
                with np.errstate(all="ignore"):
                    loss = self._current_loss() if self.full_loss else np.mean(self._pending, axis=0)
                diverged = ~np.isfinite(np.stack(self._pending)).all(axis=0)
                self._loss.append(np.where(diverged, np.nan, loss))
                self._pending = []
        return self.history

    @property
    def history(self):
        """The :class:`History` recorded so far."""
        steps = np.array(self._steps)
        return History(steps, np.stack(self._loss, axis=1), steps / self.steps_per_epoch)


@dataclass
class TrainingResult:
    """One call of :func:`train`: the network after training, its history and the numbers to compare.

    ``grad_norms[r, k]``: norm of the loss gradient of replica r's k-th weight
    matrix at step 0, on the whole training set; ``accuracy[r]``: test accuracy at the end.
    """
    net: object
    history: History
    grad_norms: np.ndarray
    accuracy: np.ndarray
    train_accuracy: np.ndarray
    seconds: float

    @property
    def final_loss(self):
        """Each replica's last recorded loss, shape (replicas,)."""
        return self.history.loss[:, -1]


@single_blas_thread
def train(net, data, *, steps=None, epochs=None, batch_size=32, lr=0.1, momentum=0.0, record_every=None,
          full_loss=False):
    """Train ``net``'s replicas on ``data`` (a :class:`Digits`) for ``steps`` steps or ``epochs`` epochs.

    Returns a :class:`TrainingResult`.  Give exactly one of ``steps`` and ``epochs``.
    """

    if (steps is None) == (epochs is None):
        raise ValueError("give exactly one of steps=... and epochs=...")
    start = time.perf_counter()
    grad_norms = net.gradient_norms(data.X_train, data.Y_train)
    trainer = Trainer(net, data.X_train, data.Y_train, batch_size=batch_size, lr=lr, momentum=momentum,
                      record_every=record_every, full_loss=full_loss)
    if epochs is not None:
        steps = check_positive_int("epochs", epochs) * trainer.steps_per_epoch
    history = trainer.run(steps)
    return TrainingResult(net, history, grad_norms, net.accuracy(data.X_test, data.y_test),
                          net.accuracy(data.X_train, data.y_train), time.perf_counter() - start)
