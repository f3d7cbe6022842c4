"""Self-checks for the exercises of notebook 4 (gradients and fan_out).

Each ``check_...`` tries the learner's function on a few cases, prints what is
right or what is wrong (naming the classic mistakes it recognises), and returns
True or False.  It never raises on a wrong answer.
"""
import math

from ._check import FormulaCheck


check_glorot_std = FormulaCheck(
    "check_glorot_std",
    """Exercise 4.1: ``glorot_std(fan_in, fan_out)``, the std of Glorot-initialised normal weights.""",
    [(784, 512), (500, 500), (64, 10), (10, 784)],
    lambda i, o: math.sqrt(2.0 / (i + o)),
    [("That is 2/(fan_in + fan_out), the *variance*; the std is its square root.", lambda i, o: 2.0 / (i + o)),
     ("That is 1/sqrt(fan_in + fan_out): the compromise averages the two fans, (fan_in + fan_out)/2, "
      "so a factor 2 is missing.", lambda i, o: 1.0 / math.sqrt(i + o)),
     ("That is 1/sqrt(fan_in), LeCun's rule: it keeps the forward pass only.", lambda i, o: 1.0 / math.sqrt(i)),
     ("That is 1/sqrt(fan_out): it keeps the backward pass only.", lambda i, o: 1.0 / math.sqrt(o)),
     ("That is the uniform bound sqrt(6/(fan_in + fan_out)); the std of U(-a, a) is a/sqrt(3).",
      lambda i, o: math.sqrt(6.0 / (i + o)))],
    "glorot_std(fan_in, fan_out) = sqrt(2 / (fan_in + fan_out)): a variance of 1 over the average of the two fans.")


check_backward_factor = FormulaCheck(
    "check_backward_factor",
    """Exercise 4.2: ``backward_factor(fan_in, fan_out, var_w)``: what a linear layer does to the gradient's variance.""",
    [(784, 512, 1 / 784), (100, 10, 0.01), (10, 100, 0.1), (500, 500, 0.002)],
    lambda i, o, v: o * v,
    [("That is fan_in * var_w, the *forward* factor. Going back, dL/dh_i = sum_j W_ij dL/dz_j adds up "
      "one term per output the input feeds: fan_out terms.", lambda i, o, v: i * v),
     ("That is the factor for the std; the question asks for the variance (no square root).",
      lambda i, o, v: math.sqrt(o * v)),
     ("That divides by var_w; each of the fan_out terms has variance var_w * Var(dL/dz): multiply.",
      lambda i, o, v: o / v)],
    "backward_factor = fan_out * var_w: the backward pass multiplies by W transposed, "
    "summing over the fan_out units each input feeds.")
