"""Sweeps: which (depth, gain) deep ReLU networks train, over several seeds.

:func:`trainability_grid` trains a :class:`.networks.DeepReLUNetwork` for every depth x gain x seed
and returns a :class:`Grid`.  Used by notebook 6.
"""
import time
from dataclasses import dataclass

import numpy as np

from .._checks import check_positive_float, check_positive_int
from ..maths.init import check_seed
from .networks import DeepReLUNetwork
from .trainer import train


#: a run "trained" if its final training loss fell below this: clearly under log(10) = 2.30, the loss of a
#: uniform guess over 10 classes, where a network that does not learn stays (2.30 +- 0.01 in every stalled run seen)
TRAINED_LOSS = 2.15
#: a final loss above this (or nan) means the run blew up
DIVERGED_LOSS = 1e3


@dataclass
class Grid:
    """Final training loss of deep ReLU networks over depths x gains x seeds (``nan``: it overflowed).

    ``gain`` is the weight std times sqrt(fan_in): 1 is LeCun's 1/sqrt(fan_in)
    (the book's rule), sqrt(2) is He's.  ``trained`` marks final loss < :data:`TRAINED_LOSS`.
    """
    depths: tuple
    gains: tuple
    seeds: tuple
    width: int
    steps: int
    final_loss: np.ndarray      # (depths, gains, seeds)
    seconds: float

    @property
    def trained(self):
        """True where a run's final loss fell below :data:`TRAINED_LOSS`, shape (depths, gains, seeds)."""
        with np.errstate(invalid="ignore"):
            return np.nan_to_num(self.final_loss, nan=np.inf) < TRAINED_LOSS

    @property
    def diverged(self):
        """Runs whose loss overflowed (nan) or blew up past :data:`DIVERGED_LOSS`."""
        with np.errstate(invalid="ignore"):
            return ~(np.nan_to_num(self.final_loss, nan=np.inf) < DIVERGED_LOSS)

    @property
    def fraction_trained(self):
        """Fraction of the seeds that trained, shape (depths, gains)."""
        return self.trained.mean(axis=-1)


def trainability_grid(data, depths=(2, 10, 30), gains=(2 ** -0.5, 1.0, 2 ** 0.5, 2.0, 2 ** 1.5), seeds=(0, 1, 2),
                      *, width=32, steps=300, batch_size=32, lr=0.005, momentum=0.9):
    """Train a :class:`DeepReLUNetwork` for every depth x gain x seed for ``steps`` steps; return a :class:`Grid`.

    All gains and seeds of one depth train side by side as replicas of one network.
    """

    start = time.perf_counter()
    depths = tuple(check_positive_int("depth", d) for d in depths)
    gains = tuple(check_positive_float("gain", g) for g in gains)
    seeds = tuple(check_seed(s) for s in seeds)
    final = np.empty((len(depths), len(gains), len(seeds)))
    for i, depth in enumerate(depths):
        net = DeepReLUNetwork(depth=depth, width=width, n_in=data.X_train.shape[1], init="lecun",
                              scale=[g for g in gains for _ in seeds], seed=[s for _ in gains for s in seeds])
        history = train(net, data, steps=steps, batch_size=batch_size, lr=lr, momentum=momentum,
                        record_every=min(20, steps)).history
        final[i] = history.loss[:, -1].reshape(len(gains), len(seeds))
    return Grid(depths, gains, seeds, width, steps, final, time.perf_counter() - start)
