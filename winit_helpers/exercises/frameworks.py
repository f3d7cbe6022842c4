"""Self-checks for the exercises of notebook 7 (framework defaults).

Each ``check_...`` tries the learner's function on a few cases, prints what is
right or what is wrong (naming the classic mistakes it recognises), and returns
True or False.  It never raises on a wrong answer.
"""
import math

from ._check import FormulaCheck

#: the std of a standard normal truncated to [-2, 2] (what Keras and Flax divide by)
TRUNCATED_STD = 0.87962566103423978


def _receptive(shape):
    return math.prod(shape[2:]) if len(shape) > 2 else 1


check_torch_fan_in = FormulaCheck(
    "check_torch_fan_in",
    """Exercise 7.1: ``torch_fan_in(shape)`` for a PyTorch weight of shape (out, in, *kernel).""",
    [((64, 3, 7, 7),), ((10, 784),), ((128, 64, 3, 3),), ((256, 128, 1, 1),)],
    lambda s: s[1] * _receptive(s),
    [("That is shape[0], the number of *outputs*: PyTorch stores weights as (out, in, ...).",
      lambda s: s[0]),
     ("That is fan_out, shape[0] times the kernel size: the inputs are along shape[1].",
      lambda s: s[0] * _receptive(s)),
     ("That is in_channels alone: each output also sums over the kernel's kh x kw positions.",
      lambda s: s[1]),
     ("That multiplies every dimension, outputs included; fan_in counts what *one* output adds up.",
      lambda s: math.prod(s))],
    "torch_fan_in(shape) = shape[1] * kh * kw: every output sums in_channels x kernel-size products.")


check_flax_stddev = FormulaCheck(
    "check_flax_stddev",
    """Exercise 7.2: the std Flax's lecun_normal passes to its truncated normal, for a given fan_in.""",
    [(784,), (256,), (10,), (1,)],
    lambda n: math.sqrt(1.0 / n) / TRUNCATED_STD,
    [("That is sqrt(1/fan_in) itself: cutting the normal at +-2 removes its tails and shrinks the std "
      "to 0.8796 of it, so the std before cutting must be larger.", lambda n: math.sqrt(1.0 / n)),
     ("That multiplies by 0.8796 where it should divide: the cut makes the std smaller, so make up for it.",
      lambda n: math.sqrt(1.0 / n) * TRUNCATED_STD),
     ("That is a variance-sized number (1/fan_in over 0.8796): take the square root of 1/fan_in.",
      lambda n: 1.0 / n / TRUNCATED_STD),
     ("That divides by 0.8796 squared: the correction is on the std, once.",
      lambda n: math.sqrt(1.0 / n) / TRUNCATED_STD ** 2)],
    "flax_stddev(fan_in) = sqrt(1/fan_in) / 0.8796: after the cut at +-2 the std is exactly sqrt(1/fan_in).")
