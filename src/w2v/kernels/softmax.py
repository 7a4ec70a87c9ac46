"""The exact softmax over the whole vocabulary: O(V d) per prediction, the reference the two
approximations are judged against.

p(w | h) = exp(u_w . h) / sum_j exp(u_j . h), computed stably (the max is subtracted).
For each input row v (with loss -log p(w | v) and e_j = [j == w] - p_j):
    grad  += alpha * sum_j e_j u_j
    u_j   += alpha * e_j v        (after all rows' gradients are taken)
"""

import numpy as np
from numba import njit

from .common import fast_exp


@njit(cache=True, nogil=True, fastmath=True)
def softmax_step(inp, rows, nrows, out, word, alpha, grad, scores):
    """``scores`` is scratch of shape (>= nrows, V). Returns the summed loss of the batch.

    Two passes over the output matrix: one for the scores of every input row, one that adds
    each output row's contribution to the input gradients and then updates it (so each row is
    read once per pass, and the exponentials vectorise through ``fast_exp``)."""
    V = out.shape[0]
    d = out.shape[1]
    loss = 0.0
    for b in range(nrows):
        r = rows[b]
        mx = np.float32(-3.0e38)
        for k in range(V):
            s = np.float32(0.0)
            for j in range(d):
                s += inp[r, j] * out[k, j]
            scores[b, k] = s
            mx = max(mx, s)
        z = np.float32(0.0)
        for k in range(V):
            e = fast_exp(scores[b, k] - mx)
            scores[b, k] = e
            z += e
        loss += -np.log(max(scores[b, word] / z, 1e-30))
        scale = np.float32(alpha) / z
        for k in range(V):
            scores[b, k] = -scores[b, k] * scale       # alpha * (0 - p_k)
        scores[b, word] += np.float32(alpha)          # alpha * (1 - p_w)
    for k in range(V):
        for b in range(nrows):
            e = scores[b, k]
            for j in range(d):
                grad[b, j] += e * out[k, j]
        for b in range(nrows):
            e = scores[b, k]
            r = rows[b]
            for j in range(d):
                out[k, j] += e * inp[r, j]
    return loss


@njit(cache=True, nogil=True, fastmath=True)
def softmax_log_probs(h, out):
    """log p(. | h) over the whole vocabulary."""
    V = out.shape[0]
    s = np.empty(V, dtype=np.float64)
    for k in range(V):
        acc = 0.0
        for j in range(h.shape[0]):
            acc += h[j] * out[k, j]
        s[k] = acc
    mx = s.max()
    lse = mx + np.log(np.exp(s - mx).sum())
    return s - lse
