"""The binary-logistic step shared by negative sampling and hierarchical softmax.

Input rows ``inp[rows[b]]`` (skip-gram: the window's context vectors; CBOW: one row, the
context mean) are scored against output rows ``out[targets[t]]`` with labels in {0, 1}. For
each pair, with s = v . u and g = alpha * (label - sigmoid(s)):

    loss += -log sigmoid(+s)  if label == 1  else  -log sigmoid(-s)
    grad[b] += g * u          (the input side's update, applied by the caller)
    u       += g * v          (output rows are updated in place)

Three steps differ in the order of scores and updates:

- ``logistic_rows`` (skip-gram's window against shared noise words, HogBatch, Ji et al. 2016):
  every score is taken before any output row moves.
- ``logistic_row`` (one input row: CBOW's mean): the same, which for distinct targets (a
  hierarchical-softmax path) is exactly word2vec C's order.
- ``logistic_seq`` (skip-gram's window against a Huffman path): word2vec C's order, each target
  row moved by one input row before the next is scored against it.

Scores are computed four at a time: a dot product of 100 floats is a chain of dependent
additions (latency-bound), four side by side fill the vector units. The updates likewise add
four rows' contributions to a row in one pass. Rows and targets are padded to a multiple of
four by the caller with copies whose gradient is zero.
"""

import numpy as np
from numba import njit

from .common import log_sigmoid, sigmoid


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def dot4(a, i0, i1, i2, i3, b, k):
    """a[i0] . b[k], a[i1] . b[k], a[i2] . b[k], a[i3] . b[k]: four independent sums."""
    d = a.shape[1]
    s0 = np.float32(0.0)
    s1 = np.float32(0.0)
    s2 = np.float32(0.0)
    s3 = np.float32(0.0)
    for j in range(d):
        u = b[k, j]
        s0 += a[i0, j] * u
        s1 += a[i1, j] * u
        s2 += a[i2, j] * u
        s3 += a[i3, j] * u
    return s0, s1, s2, s3


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def axpy4(c, k, g0, g1, g2, g3, a, i0, i1, i2, i3):
    """c[k] += g0 a[i0] + g1 a[i1] + g2 a[i2] + g3 a[i3], one pass over c[k]."""
    for j in range(c.shape[1]):
        c[k, j] += g0 * a[i0, j] + g1 * a[i1, j] + g2 * a[i2, j] + g3 * a[i3, j]


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _gradient(s, label, alpha):
    """(loss, g) of one pair with score s."""
    if label:
        return -log_sigmoid(s), alpha * (np.float32(1.0) - sigmoid(s))
    return -log_sigmoid(-s), -alpha * sigmoid(s)


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def logistic_rows(inp, rows, nrows, out, targets, labels, ntargets, alpha, grad, G):
    """A batch of ``nrows`` input rows against ``ntargets`` targets (skip-gram's window against
    the centre word and the shared noise words). ``rows`` and ``targets`` hold valid indices up
    to the next multiple of four; ``G`` is scratch of at least that shape. Returns the loss."""
    nb = (nrows + 3) & ~3
    nt = (ntargets + 3) & ~3
    loss = 0.0
    for t in range(ntargets):
        ti = targets[t]
        label = labels[t]
        for b in range(0, nb, 4):
            s0, s1, s2, s3 = dot4(inp, rows[b], rows[b + 1], rows[b + 2], rows[b + 3], out, ti)
            for q, s in ((0, s0), (1, s1), (2, s2), (3, s3)):
                if b + q < nrows:
                    ls, g = _gradient(s, label, alpha)
                    loss += ls
                    G[b + q, t] = g
                else:
                    G[b + q, t] = np.float32(0.0)
    for t in range(ntargets, nt):
        for b in range(nb):
            G[b, t] = np.float32(0.0)
    for b in range(nrows):  # the inputs' gradients, from the output rows as they were scored
        for t in range(0, nt, 4):
            axpy4(grad, b, G[b, t], G[b, t + 1], G[b, t + 2], G[b, t + 3],
                  out, targets[t], targets[t + 1], targets[t + 2], targets[t + 3])
    for t in range(ntargets):
        ti = targets[t]
        for b in range(0, nb, 4):
            axpy4(out, ti, G[b, t], G[b + 1, t], G[b + 2, t], G[b + 3, t],
                  inp, rows[b], rows[b + 1], rows[b + 2], rows[b + 3])
    return loss


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def logistic_row(inp, r, out, targets, labels, ntargets, alpha, grad, gr, G):
    """One input row ``inp[r]`` against ``ntargets`` targets (CBOW's mean; one skip-gram context
    on a Huffman path), its gradient added to ``grad[gr]``. ``targets`` holds valid indices up
    to the next multiple of four; ``G`` is scratch of at least that length. Returns the loss."""
    nt = (ntargets + 3) & ~3
    loss = 0.0
    for t in range(0, nt, 4):
        s0, s1, s2, s3 = dot4(out, targets[t], targets[t + 1], targets[t + 2], targets[t + 3], inp, r)
        for q, s in ((0, s0), (1, s1), (2, s2), (3, s3)):
            if t + q < ntargets:
                ls, g = _gradient(s, labels[t + q], alpha)
                loss += ls
                G[t + q] = g
            else:
                G[t + q] = np.float32(0.0)
    d = inp.shape[1]
    for t in range(ntargets):  # one pass a target: the input's gradient, then the row's update
        ti = targets[t]
        g = G[t]
        for j in range(d):
            u = out[ti, j]
            grad[gr, j] += g * u
            out[ti, j] = u + g * inp[r, j]
    return loss


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def logistic_seq(inp, rows, nrows, out, targets, labels, ntargets, alpha, grad, U, O):
    """``nrows`` input rows against ``ntargets`` targets in word2vec C's order: each target's
    row is updated by one input row before the next input row is scored against it (no stale
    scores), and each input row's gradient is taken from the target rows as that row saw them.

    word2vec C goes input row by input row along the targets; here the targets go four at a
    time, copied into ``U`` (scratch of shape (4, d), with ``O`` keeping the copies as read),
    and the input rows pass over them in order. For each target that is the same sequence of
    scores and updates as C's (the input rows' own updates are applied by the caller after the
    step, as C applies them after each context; the orders differ only where an input row
    repeats within a step). The target rows stay in L1 across the batch and are written back
    once, as their change, so a row another thread moved meanwhile keeps that move.
    ``targets`` holds valid indices up to the next multiple of four. Returns the loss."""
    d = inp.shape[1]
    nt = (ntargets + 3) & ~3
    loss = 0.0
    for t in range(0, nt, 4):
        t0 = targets[t]
        t1 = targets[t + 1]
        t2 = targets[t + 2]
        t3 = targets[t + 3]
        for j in range(d):
            O[0, j] = U[0, j] = out[t0, j]
            O[1, j] = U[1, j] = out[t1, j]
            O[2, j] = U[2, j] = out[t2, j]
            O[3, j] = U[3, j] = out[t3, j]
        for b in range(nrows):
            r = rows[b]
            s0, s1, s2, s3 = dot4(U, 0, 1, 2, 3, inp, r)
            g1 = np.float32(0.0)
            g2 = np.float32(0.0)
            g3 = np.float32(0.0)
            ls, g0 = _gradient(s0, labels[t], alpha)
            loss += ls
            if t + 1 < ntargets:
                ls, g1 = _gradient(s1, labels[t + 1], alpha)
                loss += ls
            if t + 2 < ntargets:
                ls, g2 = _gradient(s2, labels[t + 2], alpha)
                loss += ls
            if t + 3 < ntargets:
                ls, g3 = _gradient(s3, labels[t + 3], alpha)
                loss += ls
            for j in range(d):
                v = inp[r, j]
                grad[b, j] += g0 * U[0, j] + g1 * U[1, j] + g2 * U[2, j] + g3 * U[3, j]
                U[0, j] += g0 * v
                U[1, j] += g1 * v
                U[2, j] += g2 * v
                U[3, j] += g3 * v
        for q in range(min(4, ntargets - t)):
            tq = targets[t + q]
            for j in range(d):
                out[tq, j] += U[q, j] - O[q, j]
    return loss
