"""The data the networks learn: scikit-learn's 8x8 digits, shipped inside scikit-learn (no download).

:func:`load_digits_split` gives the book's split as a :class:`Digits`; :func:`one_hot`
encodes labels.  Used by notebook 6.
"""
import functools
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Digits:
    """The 8x8 digits, split into a training and a test set.

    ``X_*`` hold one image per row (64 pixel values), ``y_*`` the labels 0-9;
    ``Y_train`` holds the training labels one-hot encoded (one row of ten 0/1 values each).
    """
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray

    @property
    def Y_train(self):
        """The training labels one-hot encoded, shape (samples, 10)."""
        return one_hot(self.y_train)

    def standardized(self):
        """The same split with every pixel shifted and scaled to mean 0, std 1 on the training set.

        A ReLU network wants zero-mean inputs; pixels that are constant in the
        training set (the corners) stay 0.
        """
        mean, std = self.X_train.mean(axis=0), self.X_train.std(axis=0)
        std = np.where(std > 0, std, 1.0)
        return Digits((self.X_train - mean) / std, (self.X_test - mean) / std, self.y_train, self.y_test)


@functools.lru_cache(maxsize=1)
def _digits_arrays():
    from sklearn.datasets import load_digits   # reads a file inside scikit-learn: no network
    digits = load_digits()
    return digits.data.astype(float), digits.target.copy()


def load_digits_split(seed=0, test_size=0.25):
    """The book's data: scikit-learn's 1797 8x8 digits, scaled to [0, 1], split 75 % / 25 %.

    As in the book, every pixel is mapped by ``(x - min) / (max - min)`` over the
    whole data set, then ``train_test_split(..., test_size=0.25)``; ``seed`` fixes
    the split (the book leaves it random).  Returns a :class:`Digits`.
    """
    from sklearn.model_selection import train_test_split
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be a fraction between 0 and 1, got {test_size}")
    data, target = _digits_arrays()
    data = (data - data.min()) / (data.max() - data.min())
    X_train, X_test, y_train, y_test = train_test_split(data, target, test_size=test_size,
                                                        random_state=seed)
    return Digits(X_train, X_test, y_train, y_test)


def one_hot(labels, n_classes=10):
    """Labels 0 .. n_classes-1 as rows of n_classes zeros with a single 1."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a non-empty 1-D array of whole numbers, got shape {labels.shape} "
                         f"and dtype {labels.dtype}")
    if labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"labels must lie in 0 .. {n_classes - 1}, got {labels.min()} .. {labels.max()}")
    return np.eye(n_classes)[labels]
