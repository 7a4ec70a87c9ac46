"""The training skeleton: one job (a slice of the id stream) on one thread, GIL released.

For each sentence: map provisional ids to rows, drop out-of-vocabulary tokens, subsample
frequent words (afresh every epoch), then for each position draw a shrunk window
(``window - rand % window``, as word2vec C) and train:

- skip-gram: the window's context rows form a batch that predicts the centre word, sharing one
  set of noise words (HogBatch); each context row then gets its gradient.
- CBOW: the mean (or sum) of the context rows predicts the centre word; the gradient of the
  mean is added in full to every context row, as word2vec C and gensim do.

The learning rate falls linearly from ``alpha_start`` to ``alpha_end`` across the job.
``stats`` receives [loss sum, predictions, in-vocabulary words read, words trained].
"""

import numpy as np
from numba import njit

from .common import next_float, next_u64, splitmix64
from .hs import hs_step
from .ns import ns_step
from .softmax import softmax_step

MAX_SENTENCE = 10_000


@njit(cache=True, nogil=True, fastmath=True)
def train_job(stream, start, end, remap, keep, syn0, out_ns, out_hs, out_sm,
              ns_prob, ns_alias, hs_points, hs_codes, hs_lengths,
              sg, cbow_mean, window, negative, use_hs, use_softmax,
              alpha_start, alpha_end, seed, stats):
    d = syn0.shape[1]
    state = np.empty(1, dtype=np.uint64)
    state[0] = splitmix64(np.uint64(seed)) | np.uint64(1)

    sent = np.empty(MAX_SENTENCE + 1, dtype=np.int64)
    span = 2 * window
    rows = np.empty(span, dtype=np.int64)
    grad = np.zeros((span, d), dtype=np.float32)
    gbuf = np.empty(span, dtype=np.float32)
    ntarget = max(negative + 1, hs_points.shape[1] + 1)
    targets = np.empty(ntarget, dtype=np.int64)
    labels = np.empty(ntarget, dtype=np.int32)
    hbuf = np.zeros((1, d), dtype=np.float32)
    hrow = np.zeros(1, dtype=np.int64)
    sm_scores = np.empty((span if use_softmax else 0, out_sm.shape[0] if use_softmax else 0), dtype=np.float32)

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
        trained += n
        alpha = np.float32(alpha_start + (alpha_end - alpha_start) * ((pos - start) / total))

        # -- every position of the sentence -------------------------------------------------
        for i in range(n):
            word = sent[i]
            b = np.int64(next_u64(state) % np.uint64(window))
            lo = max(0, i - window + b)
            hi = min(n, i + window - b + 1)
            nrows = 0
            for j in range(lo, hi):
                if j != i:
                    rows[nrows] = sent[j]
                    nrows += 1
            if nrows == 0:
                continue
            if sg:
                for r in range(nrows):
                    for k in range(d):
                        grad[r, k] = 0.0
                if negative > 0:
                    loss += ns_step(syn0, rows, nrows, out_ns, word, negative, ns_prob, ns_alias,
                                    state, alpha, grad, gbuf, targets, labels)
                if use_hs:
                    loss += hs_step(syn0, rows, nrows, out_hs, word, hs_points, hs_codes, hs_lengths,
                                    alpha, grad, gbuf, targets, labels)
                if use_softmax:
                    loss += softmax_step(syn0, rows, nrows, out_sm, word, alpha, grad, sm_scores)
                n_pred += nrows
                for r in range(nrows):
                    v = syn0[rows[r]]
                    g = grad[r]
                    for k in range(d):
                        v[k] += g[k]
            else:
                h = hbuf[0]
                for k in range(d):
                    h[k] = 0.0
                    grad[0, k] = 0.0
                for r in range(nrows):
                    v = syn0[rows[r]]
                    for k in range(d):
                        h[k] += v[k]
                if cbow_mean:
                    inv = np.float32(1.0 / nrows)
                    for k in range(d):
                        h[k] *= inv
                if negative > 0:
                    loss += ns_step(hbuf, hrow, 1, out_ns, word, negative, ns_prob, ns_alias,
                                    state, alpha, grad, gbuf, targets, labels)
                if use_hs:
                    loss += hs_step(hbuf, hrow, 1, out_hs, word, hs_points, hs_codes, hs_lengths,
                                    alpha, grad, gbuf, targets, labels)
                if use_softmax:
                    loss += softmax_step(hbuf, hrow, 1, out_sm, word, alpha, grad, sm_scores)
                n_pred += 1
                g = grad[0]
                for r in range(nrows):
                    v = syn0[rows[r]]
                    for k in range(d):
                        v[k] += g[k]
    stats[0] += loss
    stats[1] += n_pred
    stats[2] += seen
    stats[3] += trained
