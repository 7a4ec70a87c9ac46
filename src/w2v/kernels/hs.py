"""Hierarchical softmax: one sigmoid per inner node on the word's Huffman path.

p(w | h) = prod_n sigmoid(+-u_n . h), the sign set by the code bit: label = 1 - code, as in
word2vec C (bit 0 means "go to the child scored by +u_n . h").
"""

import numpy as np
from numba import njit



@njit(cache=True, nogil=True, inline="always")
def hs_targets(word, points, codes, lengths, targets, labels):
    n = lengths[word]
    for i in range(n):
        targets[i] = points[word, i]
        labels[i] = 1 - codes[word, i]
    return n


@njit(cache=True, nogil=True, fastmath=True)
def hs_log_prob(h, out, word, points, codes, lengths):
    """log p(word | h) under the tree (exact sigmoids, for evaluation)."""
    lp = 0.0
    for i in range(lengths[word]):
        u = out[points[word, i]]
        s = 0.0
        for j in range(h.shape[0]):
            s += h[j] * u[j]
        z = s if codes[word, i] == 0 else -s
        lp += -np.log1p(np.exp(-z)) if z > -30 else z
    return lp
