"""Hierarchical softmax: one sigmoid per inner node on the word's Huffman path.

p(w | h) = prod_n sigmoid(+-u_n . h), the sign set by the code bit: label = 1 - code, as in
word2vec C (bit 0 means "go to the child scored by +u_n . h").
"""

from numba import njit


@njit(cache=True, nogil=True, inline="always")
def hs_targets(word, points, codes, lengths, targets, labels):
    n = lengths[word]
    for i in range(n):
        targets[i] = points[word, i]
        labels[i] = 1 - codes[word, i]
    return n
