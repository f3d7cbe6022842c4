"""Self-checks for the exercises of notebook 10 (attention's scaling, pre-norm residual streams, muP).

Each check prints a tick and what is right, or a cross and what is wrong (naming the mistakes it
recognises), and returns True or False.  It never raises on a wrong answer, so the notebook runs on.
"""
import math

from ._check import FormulaCheck

check_query_key_std = FormulaCheck(
    "check_query_key_std",
    """Exercise 10.1: ``query_key_std(d_k, target_var)``, the std s of every entry of q and of k (independent,
    mean 0) that gives the *unscaled* score q . k the variance ``target_var``.""",
    [(64, 1.0), (16, 4.0), (1024, 1.0), (1, 9.0), (128, 0.5)],
    lambda d, v: (v / d) ** 0.25,
    [("That is sqrt(target_var / d_k), the std that each of the score's d_k products q_i k_i must have, not the "
      "std of each entry: the score is a sum of d_k products, each of variance s**2 * s**2 = s**4, so "
      "s**4 = target_var / d_k.",
      lambda d, v: math.sqrt(v / d)),
     ("That is 1/sqrt(d_k), Vaswani et al.'s divisor: it scales the score after the product, not each entry "
      "of q and k before it. Each entry carries a quarter power.", lambda d, v: 1 / math.sqrt(d)),
     ("That is target_var / d_k, the variance of one product q_i k_i, which is s**4: take its fourth root.",
      lambda d, v: v / d),
     ("That is (target_var * d_k) ** 0.25: the d_k terms add up, so divide by d_k, do not multiply.",
      lambda d, v: (v * d) ** 0.25)],
    "query_key_std(d_k, target_var) = (target_var / d_k) ** (1/4): correct on every case.",
    fallback="Var(q . k) = d_k * Var(q_i) * Var(k_i) = d_k * s**4 for independent zero-mean entries.")


check_stream_branch_scale = FormulaCheck(
    "check_stream_branch_scale",
    """Exercise 10.2: ``stream_branch_scale(n_branches, max_growth)``, the branch scale a for which a pre-norm
    stream x <- x + a f(LayerNorm(x)), starting at mean square 1, ends at mean square ``max_growth``.""",
    [(24, 3.0), (96, 1.5), (1000, 5.0), (1, 3.0), (50, 1.25)],
    lambda n, g: math.sqrt((g - 1) / n),
    [("That is sqrt(max_growth**(1/N) - 1), notebook 9's answer for a stream *without* a norm, where each "
      "block multiplies the mean square by 1 + a**2. With a pre-norm the branches add a**2 each: 1 + N a**2.",
      lambda n, g: math.sqrt(g ** (1 / n) - 1)),
     ("That is 1/sqrt(N), GPT-2's scale: it ends at mean square 2, whatever max_growth asks for.",
      lambda n, g: 1 / math.sqrt(n)),
     ("That is (max_growth - 1) / N, the value of a**2: take its square root.", lambda n, g: (g - 1) / n),
     ("That is sqrt(max_growth / N): the stream starts at 1, so the branches may add only max_growth - 1.",
      lambda n, g: math.sqrt(g / n))],
    "stream_branch_scale(N, max_growth) = sqrt((max_growth - 1) / N): correct on every case.",
    fallback="Each branch adds a**2 to the mean square: after N branches it is 1 + N a**2.")
