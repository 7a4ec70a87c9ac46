"""The binary-logistic step shared by negative sampling and hierarchical softmax.

A batch of B input rows ``inp[rows[b]]`` (skip-gram: the window's context vectors; CBOW: one
row, the context mean) is scored against T output rows ``out[targets[t]]`` with labels
``labels[t]`` in {0, 1}. For each pair, with s = v . u and g = alpha * (label - sigmoid(s)):

    loss += -log sigmoid(+s)  if label == 1  else  -log sigmoid(-s)
    grad[b] += g * u          (the input side's update, applied by the caller)
    u       += g * v          (output rows are updated in place, target by target)

Each target row is loaded once for the whole batch and the B input rows stay in L1: the window
becomes a small dense product instead of B*T separate dot products (HogBatch, Ji et al. 2016).
"""

import numpy as np
from numba import njit

from .common import log_sigmoid, sigmoid


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def logistic_batch(inp, rows, nrows, out, targets, labels, ntargets, alpha, grad, gbuf):
    # plain 2-d indexing throughout: row views (out[t]) cost about twice as much in numba
    d = inp.shape[1]
    loss = 0.0
    for t in range(ntargets):
        ti = targets[t]
        label = labels[t]
        for b in range(nrows):
            ri = rows[b]
            s = np.float32(0.0)
            for j in range(d):
                s += inp[ri, j] * out[ti, j]
            if label:
                loss -= log_sigmoid(s)
                gbuf[b] = alpha * (np.float32(1.0) - sigmoid(s))
            else:
                loss -= log_sigmoid(-s)
                gbuf[b] = -alpha * sigmoid(s)
        for b in range(nrows):
            g = gbuf[b]
            for j in range(d):
                grad[b, j] += g * out[ti, j]
        for b in range(nrows):
            g = gbuf[b]
            ri = rows[b]
            for j in range(d):
                out[ti, j] += g * inp[ri, j]
    return loss


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def logistic_one(inp, r, out, targets, labels, ntargets, alpha, grad, gr):
    """``logistic_batch`` for a single input row ``inp[r]`` (CBOW's mean; one skip-gram context
    under hierarchical softmax), its gradient accumulated into ``grad[gr]``. With one row the
    input-gradient and output updates fuse into one pass over the output row: two passes per
    target instead of three."""
    d = inp.shape[1]
    loss = 0.0
    for t in range(ntargets):
        ti = targets[t]
        s = np.float32(0.0)
        for j in range(d):
            s += inp[r, j] * out[ti, j]
        if labels[t]:
            loss -= log_sigmoid(s)
            g = alpha * (np.float32(1.0) - sigmoid(s))
        else:
            loss -= log_sigmoid(-s)
            g = -alpha * sigmoid(s)
        for j in range(d):
            u = out[ti, j]
            grad[gr, j] += g * u
            out[ti, j] = u + g * inp[r, j]
    return loss
