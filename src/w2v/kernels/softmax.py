"""The exact softmax over the whole vocabulary: O(V d) per prediction, the reference the two
approximations are judged against.

p(w | h) = exp(u_w . h) / sum_j exp(u_j . h), computed stably (the max is subtracted).

Training goes a block at a time. A block is the (input row, target word, rate) pairs of
``SG_BLOCK`` (skip-gram) or ``CBOW_BLOCK`` (CBOW) consecutive positions; its B distinct input
rows H (B x d) are scored against the output matrix U (V x d) as matrix products:

    S = H U^T                                  (B x V)
    E = sum over pairs (b, w, a) of a * (onehot(w) - p(. | h_b)), row by row   (B x V)
    grad H += E U;   U += E^T H                (U read before it is updated)

which is the summed gradient step of the block's losses -log p(w | h_b) at the parameters of
the block's start: a mini-batch (with one position it is the step the kernel took before, a
window's rows against one U). Skip-gram gains twice. The context rows of neighbouring positions
overlap (a word is a context of up to 2 x window centres) and rows of one word share their
scores, so a block scores each distinct word once: 21 rows on average for the 92 pairs of 16
positions on the bundled corpus (at most P + 2 x window rows for P positions of one sentence);
and the products run at BLAS speed rather than one dot product at a time.

The products go through numba's ``np.dot``, which calls the BLAS scipy ships (OpenBLAS, through
scipy.linalg.cython_blas). OpenBLAS runs a product with m*n*k <= 65536 * 4 on the calling
thread and hands a larger one to its own thread pool (as many threads as cores, whatever
threads call it), which on a 2-core machine was 20-80x slower than one thread. So the products
are cut into pieces of ``chunk_rows`` output rows that stay under that size: the training
threads stay the only threads, and nothing global (no thread count) is changed.
"""

from collections import namedtuple

import numpy as np
from numba import njit

from .common import fast_exp

SG_BLOCK = 16     # positions a skip-gram block spans (see docs/benchmarks.md, "Full softmax")
CBOW_BLOCK = 16   # positions (each one input row) a CBOW block spans
GEMM_MNK = 65536 * 4   # OpenBLAS: products up to this m*n*k run on the calling thread

# The per-thread scratch of one block: its distinct input rows ``h`` and their increments ``g``;
# ``slot_word`` (skip-gram) the word of each row and ``slot_of`` its row (-1: none yet); ``ctx``
# (CBOW) the context words of each row, their count first; the pairs; ``work`` for the scores
# and the products' pieces; ``n`` = [rows, pairs, positions] so far; ``positions`` the block's
# size.
Block = namedtuple("Block", ["h", "g", "slot_word", "slot_of", "ctx", "pair_slot", "pair_word",
                             "pair_alpha", "work", "n", "positions"])


@njit(cache=True, nogil=True)
def chunk_rows(nb, d, V):
    """Output rows a piece of the products takes, so that each product stays on this thread."""
    return min(V, max(1, GEMM_MNK // max(nb * d, 1)))


@njit(cache=True, nogil=True)
def work_size(V, nb, d):
    """float32 scratch ``softmax_block`` needs for ``nb`` input rows."""
    return V * nb + nb * d + chunk_rows(1, d, V) * d + 3 * nb


@njit(cache=True, nogil=True, fastmath=True)
def softmax_block(h, nb, out, pair_slot, pair_word, pair_alpha, npairs, g, work, chunk):
    """One mini-batch step over ``nb`` input rows ``h[:nb]`` and ``npairs`` pairs: pair i asks
    for word ``pair_word[i]`` from row ``pair_slot[i]`` with rate ``pair_alpha[i]``.

    Sets ``g[:nb]`` to each row's increment (rate times minus the gradient of its losses),
    adds the increment of every output row to ``out`` and returns the summed loss (float64).
    ``work``: float32 scratch of ``work_size(V, nb, d)``; ``chunk``: output rows per piece of
    the products (``chunk_rows(nb, d, V)``; a test may pass fewer)."""
    V = out.shape[0]
    d = out.shape[1]
    o = V * nb
    st = work[:o].reshape((V, nb))                 # scores, then E^T (V x nb)
    tg = work[o:o + nb * d].reshape((nb, d))       # one piece's E U
    o += nb * d
    tu = work[o:o + chunk * d].reshape((chunk, d))  # one piece's E^T H
    o += chunk * d
    mx = work[o:o + nb]
    z = work[o + nb:o + 2 * nb]
    wsum = work[o + 2 * nb:o + 3 * nb]
    hb = h[:nb]
    hT = hb.T

    for c0 in range(0, V, chunk):  # S^T = U H^T, a piece of output rows at a time
        c1 = min(V, c0 + chunk)
        np.dot(out[c0:c1], hT, st[c0:c1])
    for b in range(nb):
        mx[b] = np.float32(-3.0e38)
        z[b] = np.float32(0.0)
        wsum[b] = np.float32(0.0)
    for k in range(V):
        for b in range(nb):
            mx[b] = max(mx[b], st[k, b])
    loss = 0.0
    for i in range(npairs):
        b = pair_slot[i]
        loss -= st[pair_word[i], b] - mx[b]
        wsum[b] += pair_alpha[i]
    for k in range(V):
        for b in range(nb):
            e = fast_exp(st[k, b] - mx[b])
            st[k, b] = e
            z[b] += e
    for i in range(npairs):
        loss += np.log(z[pair_slot[i]])
    for b in range(nb):
        z[b] = -wsum[b] / z[b]          # E = -(sum of the row's rates) p, then + a at each target
    for k in range(V):
        for b in range(nb):
            st[k, b] *= z[b]
    for i in range(npairs):
        st[pair_word[i], pair_slot[i]] += pair_alpha[i]

    for b in range(nb):
        for j in range(d):
            g[b, j] = np.float32(0.0)
    for c0 in range(0, V, chunk):  # grad H += E U and U += E^T H, piece by piece
        c1 = min(V, c0 + chunk)
        ec = st[c0:c1]
        uc = out[c0:c1]
        np.dot(ec.T, uc, tg)
        for b in range(nb):
            for j in range(d):
                g[b, j] += tg[b, j]
        t = tu[:c1 - c0]
        np.dot(ec, hb, t)
        for k in range(c1 - c0):
            for j in range(d):
                out[c0 + k, j] += t[k, j]
    return loss


@njit(cache=True, nogil=True)
def new_block(V, d, window, sg, on):
    """The scratch of one thread's blocks (empty arrays when ``on`` is 0)."""
    span = 2 * window
    positions = SG_BLOCK if sg else CBOW_BLOCK
    slots = (positions * span if sg else positions) if on else 0
    npairs = slots
    return Block(np.zeros((slots, d), np.float32), np.zeros((slots, d), np.float32),
                 np.empty(slots, np.int64), np.full(V if (on and sg) else 0, -1, np.int64),
                 np.empty((0 if sg else slots, span + 1), np.int64),
                 np.empty(npairs, np.int64), np.empty(npairs, np.int64), np.empty(npairs, np.float32),
                 np.empty(work_size(V, slots, d) if on else 0, np.float32), np.zeros(3, np.int64),
                 positions)


@njit(cache=True, nogil=True, fastmath=True)
def block_flush(blk, syn0, out, sg):
    """Train the block gathered so far, add each input row's increment to ``syn0`` (CBOW: the
    increment of the mean to every context row, as word2vec C) and empty it. Returns its loss."""
    nb = blk.n[0]
    npairs = blk.n[1]
    blk.n[0] = 0
    blk.n[1] = 0
    blk.n[2] = 0
    if npairs == 0:
        return 0.0
    d = syn0.shape[1]
    V = out.shape[0]
    h, g = blk.h, blk.g
    loss = softmax_block(h, nb, out, blk.pair_slot, blk.pair_word, blk.pair_alpha, npairs, g,
                         blk.work, chunk_rows(nb, d, V))
    if sg:
        for b in range(nb):
            w = blk.slot_word[b]
            blk.slot_of[w] = -1
            for j in range(d):
                syn0[w, j] += g[b, j]
    else:
        for b in range(nb):
            for c in range(blk.ctx[b, 0]):
                w = blk.ctx[b, 1 + c]
                for j in range(d):
                    syn0[w, j] += g[b, j]
    return loss


@njit(cache=True, nogil=True, fastmath=True)
def block_add(blk, syn0, out, sg, cbow_mean, rows, nrows, word, alpha):
    """Add one position: its ``nrows`` context rows predict ``word`` (skip-gram: each row, a
    row per distinct word of the block; CBOW: their mean or sum, one row). Trains the block when
    it holds its positions; returns the loss trained (0.0 otherwise)."""
    d = syn0.shape[1]
    n = blk.n
    h = blk.h
    if sg:
        for r in range(nrows):
            w = rows[r]
            s = blk.slot_of[w]
            if s < 0:
                s = n[0]
                n[0] += 1
                blk.slot_of[w] = s
                blk.slot_word[s] = w
                for j in range(d):
                    h[s, j] = syn0[w, j]
            p = n[1]
            blk.pair_slot[p] = s
            blk.pair_word[p] = word
            blk.pair_alpha[p] = alpha
            n[1] += 1
    else:
        s = n[0]
        n[0] += 1
        for j in range(d):
            h[s, j] = np.float32(0.0)
        for r in range(nrows):
            w = rows[r]
            blk.ctx[s, 1 + r] = w
            for j in range(d):
                h[s, j] += syn0[w, j]
        blk.ctx[s, 0] = nrows
        if cbow_mean:
            inv = np.float32(1.0 / nrows)
            for j in range(d):
                h[s, j] *= inv
        p = n[1]
        blk.pair_slot[p] = s
        blk.pair_word[p] = word
        blk.pair_alpha[p] = alpha
        n[1] += 1
    n[2] += 1
    if n[2] == blk.positions:
        return block_flush(blk, syn0, out, sg)
    return 0.0
