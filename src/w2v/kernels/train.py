"""The training skeleton: one job (a slice of the id stream) on one thread, GIL released.

For each sentence: map provisional ids to rows, drop out-of-vocabulary tokens, subsample
frequent words (afresh every epoch), then for each position draw a shrunk window
(``window - rand % window``, as word2vec C; the full window when ``shrink`` is 0) and train:

- skip-gram: with negative sampling, the window's context rows form a batch that predicts the
  centre word against one shared set of noise words (HogBatch); each context row then gets its
  gradient. With hierarchical softmax every score sees the path node as the previous context
  left it, as in word2vec C (the top inner nodes lie on every word's path, and updating them
  once per window from stale scores cost analogy accuracy, see docs/benchmarks.md); the path
  nodes go four at a time through the window's contexts (``logistic_seq``), which is C's order
  for each node. For negative sampling that order measured worse than the shared batch.
- CBOW: the mean (or sum) of the context rows predicts the centre word; the gradient of the
  mean is added in full to every context row, as word2vec C and gensim do.
- the full softmax gathers the input rows of several positions into a block and trains the
  block as matrix products (kernels/softmax.py).

Output rows are random reads, slow next to the arithmetic done with them (figures in
docs/benchmarks.md), so the noise words of position i+1 are drawn while position i trains and
their rows, the next centre's row and the context row entering the window are prefetched.

The learning rate falls linearly from ``alpha_start`` to ``alpha_end`` across the job.
``stats`` receives [loss sum, predictions, in-vocabulary words read, words trained].
"""

import numpy as np
from numba import njit

from .common import next_float, next_u64, prefetch_row, splitmix64
from .hs import hs_targets
from .logistic import logistic_row, logistic_rows, logistic_seq
from .ns import ns_targets
from .softmax import block_add, block_flush, new_block

from ..corpus import MAX_SENTENCE


@njit(cache=True, nogil=True, inline="always")
def _pad(idx, n):
    """Fill ``idx`` from ``n`` to the next multiple of four with ``idx[n - 1]`` (a valid index:
    the blocked steps read padded rows and give them zero gradient)."""
    for k in range(n, (n + 3) & ~3):
        idx[k] = idx[n - 1]


@njit(cache=True, nogil=True, fastmath=True)
def train_job(stream, start, end, remap, keep, syn0, out_ns, out_hs, out_sm,
              ns_prob, ns_alias, hs_points, hs_codes, hs_lengths,
              sg, cbow_mean, window, negative, use_hs, use_softmax, shrink,
              alpha_start, alpha_end, seed, stats):
    d = syn0.shape[1]
    state = np.empty(1, dtype=np.uint64)
    state[0] = splitmix64(np.uint64(seed)) | np.uint64(1)

    sent = np.empty(MAX_SENTENCE + 1, dtype=np.int64)
    span = 2 * window
    rows = np.empty(span + 3, dtype=np.int64)    # + padding to a multiple of four (see logistic)
    grad = np.zeros((span + 3, d), dtype=np.float32)
    nsn = negative + 1
    ns_tg = np.empty((2, nsn + 3), dtype=np.int64)   # noise targets of this position and the next
    ns_lb = np.empty((2, nsn + 3), dtype=np.int32)
    ns_n = np.zeros(2, dtype=np.int64)
    hs_len = max(hs_points.shape[1], 1)
    hs_tg = np.empty(hs_len + 3, dtype=np.int64)
    hs_lb = np.empty(hs_len + 3, dtype=np.int32)
    G = np.empty((span + 3, max(nsn, hs_len) + 3), dtype=np.float32)   # the step's gradients
    U = np.empty((4, d), dtype=np.float32)   # target rows in flight (logistic_seq)
    O = np.empty((4, d), dtype=np.float32)
    hbuf = np.zeros((1, d), dtype=np.float32)
    sm_block = new_block(out_sm.shape[0], d, window, sg, use_softmax)   # positions gathered for the softmax

    loss = 0.0
    n_pred = 0.0
    seen = 0
    trained = 0
    total = max(end - start, 1)
    pos = start
    while pos < end:
        # -- one sentence: vocabulary filter and subsampling --------------------------------
        n = 0
        while pos < end:
            p = stream[pos]
            pos += 1
            if p == -1:
                break
            if p < 0:
                continue
            w = remap[p]
            if w < 0:
                continue
            seen += 1
            kp = keep[w]
            if kp < np.float32(1.0) and kp < next_float(state):
                continue
            sent[n] = w
            n += 1
            if n == MAX_SENTENCE:
                break
        if n == 0:
            continue
        trained += n
        alpha = np.float32(alpha_start + (alpha_end - alpha_start) * ((pos - start) / total))

        cur = 0
        if negative > 0:
            ns_n[0] = ns_targets(sent[0], negative, ns_prob, ns_alias, state, ns_tg[0], ns_lb[0])
            _pad(ns_tg[0], ns_n[0])
        for i in range(n):
            word = sent[i]
            nxt = 1 - cur
            if i + 1 < n:  # draw the next position's noise words now and prefetch what it reads
                if negative > 0:
                    ns_n[nxt] = ns_targets(sent[i + 1], negative, ns_prob, ns_alias, state, ns_tg[nxt], ns_lb[nxt])
                    _pad(ns_tg[nxt], ns_n[nxt])
                    for t in range(ns_n[nxt]):
                        prefetch_row(out_ns, ns_tg[nxt, t])
                if use_hs:
                    w1 = sent[i + 1]
                    for t in range(hs_lengths[w1]):
                        prefetch_row(out_hs, hs_points[w1, t])
                if i + 1 + window < n:
                    prefetch_row(syn0, sent[i + 1 + window])

            b = np.int64(next_u64(state) % np.uint64(window)) if shrink else 0
            lo = max(0, i - window + b)
            hi = min(n, i + window - b + 1)
            nrows = 0
            for j in range(lo, hi):
                if j != i:
                    rows[nrows] = sent[j]
                    nrows += 1
            if nrows > 0 and use_softmax:  # a block of positions at a time (see softmax.py)
                loss += block_add(sm_block, syn0, out_sm, sg, cbow_mean, rows, nrows, word, alpha)
                n_pred += nrows if sg else 1
            elif nrows > 0:
                _pad(rows, nrows)
                if sg:  # the window's rows are the batch; each gets its own gradient
                    nb = nrows
                else:   # the context mean (or sum) is a batch of one row
                    for k in range(d):
                        hbuf[0, k] = np.float32(0.0)
                    for r in range(nrows):
                        w = rows[r]
                        for k in range(d):
                            hbuf[0, k] += syn0[w, k]
                    if cbow_mean:
                        inv = np.float32(1.0 / nrows)
                        for k in range(d):
                            hbuf[0, k] *= inv
                    nb = 1
                for r in range(nb):
                    for k in range(d):
                        grad[r, k] = np.float32(0.0)
                if negative > 0:
                    if sg:
                        loss += logistic_rows(syn0, rows, nrows, out_ns, ns_tg[cur], ns_lb[cur], ns_n[cur],
                                              alpha, grad, G)
                    else:
                        loss += logistic_row(hbuf, 0, out_ns, ns_tg[cur], ns_lb[cur], ns_n[cur], alpha, grad, 0, G[0])
                if use_hs:
                    nh = hs_targets(word, hs_points, hs_codes, hs_lengths, hs_tg, hs_lb)
                    _pad(hs_tg, nh)
                    if sg:  # in word2vec C's order: every path node is shared by many words
                        loss += logistic_seq(syn0, rows, nrows, out_hs, hs_tg, hs_lb, nh, alpha, grad, U, O)
                    else:
                        loss += logistic_row(hbuf, 0, out_hs, hs_tg, hs_lb, nh, alpha, grad, 0, G[0])
                n_pred += nb
                if sg:
                    for r in range(nrows):
                        w = rows[r]
                        for k in range(d):
                            syn0[w, k] += grad[r, k]
                else:  # word2vec C: the full gradient of h to every context row
                    for r in range(nrows):
                        w = rows[r]
                        for k in range(d):
                            syn0[w, k] += grad[0, k]
            cur = nxt
    if use_softmax:
        loss += block_flush(sm_block, syn0, out_sm, sg)
    stats[0] += loss
    stats[1] += n_pred
    stats[2] += seen
    stats[3] += trained
