"""The exact softmax over the whole vocabulary: O(V d) per prediction, the reference the two
approximations are judged against.

p(w | h) = exp(u_w . h) / sum_j exp(u_j . h), computed stably (the max is subtracted).
For each input row v (with loss -log p(w | v) and e_j = [j == w] - p_j):
    grad  += alpha * sum_j e_j u_j
    u_j   += alpha * e_j v        (after all rows' gradients are taken)
"""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True, fastmath=True)
def softmax_step(inp, rows, nrows, out, word, alpha, grad, scores):
    """``scores`` is scratch of shape (>= nrows, V). Returns the summed loss of the batch."""
    V = out.shape[0]
    d = out.shape[1]
    loss = 0.0
    for b in range(nrows):
        v = inp[rows[b]]
        sb = scores[b]
        mx = np.float32(-3.0e38)
        for k in range(V):
            u = out[k]
            s = np.float32(0.0)
            for j in range(d):
                s += v[j] * u[j]
            sb[k] = s
            if s > mx:
                mx = s
        z = 0.0
        for k in range(V):
            e = np.exp(sb[k] - mx)
            sb[k] = e
            z += e
        loss += -np.log(sb[word] / z)
        inv = np.float32(1.0 / z)
        gb = grad[b]
        for k in range(V):
            e = np.float32(alpha) * ((np.float32(1.0) if k == word else np.float32(0.0)) - sb[k] * inv)
            sb[k] = e
            u = out[k]
            for j in range(d):
                gb[j] += e * u[j]
    for b in range(nrows):
        v = inp[rows[b]]
        sb = scores[b]
        for k in range(V):
            e = sb[k]
            u = out[k]
            for j in range(d):
                u[j] += e * v[j]
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
