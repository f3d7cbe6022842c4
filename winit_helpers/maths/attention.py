"""Attention's scores and their softmax at initialisation: why the dot product is divided by sqrt(d_k).

A row of attention compares one query q with ``seq_len`` keys k_j: score s_j = q . k_j, weights
p = softmax(s). With unit-variance entries the dot product of two d_k-vectors is a sum of d_k products of
variance 1, so Var(s_j) = d_k (the fan-in law once more); dividing by sqrt(d_k) brings it back to 1
(Vaswani et al. 2017, footnote 4). These functions measure what the scores' size does to the softmax.
"""
from dataclasses import dataclass

import numpy as np

from .._checks import check_positive_int
from .init import make_rng


def softmax(s):
    """Softmax along the last axis, computed stably (the largest score is subtracted first)."""
    s = np.asarray(s, dtype=float)
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def entropy(p):
    """Entropy -sum p log p (natural log) along the last axis; a weight of 0 contributes 0."""
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return -terms.sum(axis=-1)


def softmax_jacobian_norm(p):
    """Frobenius norm of the softmax's Jacobian dp/ds = diag(p) - p p^T, for each row of ``p``.

    ||J||_F^2 = sum_i p_i^2 - 2 sum_i p_i^3 + (sum_i p_i^2)^2; it is 0 for a one-hot row (no gradient passes)
    and largest for a spread-out one.
    """
    p = np.asarray(p, dtype=float)
    s2, s3 = (p ** 2).sum(axis=-1), (p ** 3).sum(axis=-1)
    return np.sqrt(np.maximum(s2 - 2 * s3 + s2 ** 2, 0.0))


@dataclass
class AttentionStats:
    d_k: int
    seq_len: int
    scaled: bool
    score_var: float       # variance of the scores over every row and key
    entropy: float         # mean entropy of a row's weights (log(seq_len) is uniform, 0 is one-hot)
    max_weight: float      # mean of each row's largest weight (1/seq_len is uniform, 1 is one-hot)
    grad_norm: float       # mean Frobenius norm of the softmax's Jacobian over the rows


def attention_draws(d_k, seq_len, *, n_rows=200, seed=0):
    """``(q, k)``: ``n_rows`` queries and ``seq_len`` keys with N(0, 1) entries, as (d_k, n_rows) and (d_k, seq_len).

    Queries and keys come from streams of their own, one coordinate after another, so the draws for a smaller
    d_k are the first rows of those for a larger one (:func:`attention_sweep` relies on it).
    """
    d_k = check_positive_int("d_k", d_k)
    seq_len = check_positive_int("seq_len", seq_len, minimum=2)
    n_rows = check_positive_int("n_rows", n_rows, minimum=2)
    seed = int(seed)
    return (make_rng([seed, 0]).standard_normal((d_k, n_rows)),
            make_rng([seed, 1]).standard_normal((d_k, seq_len)))


def row_stats(scores, d_k, scaled):
    """:class:`AttentionStats` of unscaled ``scores`` (n_rows, seq_len), divided by sqrt(d_k) first when ``scaled``."""
    s = scores / np.sqrt(d_k) if scaled else scores
    p = softmax(s)
    return AttentionStats(int(d_k), scores.shape[1], bool(scaled), float(s.var()), float(entropy(p).mean()),
                          float(p.max(axis=-1).mean()), float(softmax_jacobian_norm(p).mean()))


def attention_row_stats(d_k, seq_len, *, scaled=True, n_rows=200, seed=0):
    """Draw ``n_rows`` queries and ``seq_len`` keys with N(0, 1) entries of dimension ``d_k`` and measure the softmax.

    Scores are q . k (Q^T K with the draws of :func:`attention_draws`), divided by sqrt(d_k) when ``scaled``.
    Returns an :class:`AttentionStats`.
    """
    q, k = attention_draws(d_k, seq_len, n_rows=n_rows, seed=seed)
    return row_stats(q.T @ k, d_k, scaled)


def attention_sweep(d_ks, seq_len, *, n_rows=200, seed=0):
    """:func:`attention_row_stats` at each d_k of the increasing list ``d_ks``, scaled and unscaled, from one draw.

    The scores at d_k are a running sum over the coordinates, so the whole sweep costs one product at the
    largest d_k. Returns {True: scaled, False: unscaled}, each a dict of arrays ``d_k``, ``score_var``,
    ``entropy``, ``max_weight``, ``grad_norm``.
    """
    d_ks = [check_positive_int("d_k", d) for d in d_ks]
    if any(b <= a for a, b in zip(d_ks, d_ks[1:])):
        raise ValueError(f"d_ks must increase, got {d_ks}")
    q, k = attention_draws(d_ks[-1], seq_len, n_rows=n_rows, seed=seed)
    scores, done, rows = np.zeros((q.shape[1], k.shape[1])), 0, {True: [], False: []}
    for d in d_ks:
        scores += q[done:d].T @ k[done:d]
        done = d
        for scaled in (True, False):
            rows[scaled].append(row_stats(scores, d, scaled))
    return {scaled: {"d_k": np.array(d_ks), **{name: np.array([getattr(r, name) for r in rows[scaled]])
                                                 for name in ("score_var", "entropy", "max_weight", "grad_norm")}}
            for scaled in (True, False)}
