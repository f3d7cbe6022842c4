"""Networks that learn on the 8x8 digits (notebook 6), in plain numpy.

==========  ===============================================================
data        the digits, split and one-hot encoded
networks    the book's sigmoid network and a deep ReLU network
trainer     mini-batch SGD, in chunks, and the one-call ``train``
sweeps      which (depth, gain) train, over seeds
==========  ===============================================================

The names below are importable from ``winit_helpers.training`` directly.
"""
from .data import Digits, load_digits_split, one_hot
from .networks import (BOOK_INITS, BOOK_LAYERS, DEEP_GAINS, DEEP_INITS, BookNetwork, DeepReLUNetwork, book_weights,
                       deep_std, sigmoid)
from .sweeps import DIVERGED_LOSS, TRAINED_LOSS, Grid, trainability_grid
from .trainer import History, Trainer, TrainingResult, train

__all__ = ["BOOK_INITS", "BOOK_LAYERS", "DEEP_GAINS", "DEEP_INITS", "DIVERGED_LOSS", "TRAINED_LOSS", "BookNetwork",
           "DeepReLUNetwork", "Digits", "Grid", "History", "Trainer", "TrainingResult", "book_weights", "deep_std",
           "load_digits_split", "one_hot", "sigmoid", "train", "trainability_grid"]
