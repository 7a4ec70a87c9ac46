"""Huffman tree over the vocabulary in O(V) with two queues (counts sorted, most frequent first)."""

import numpy as np
from numba import njit


@njit(cache=True)
def build_tree(counts):
    """Return (parent, bit) over 2V-1 nodes: leaves 0..V-1, inner nodes V..2V-2 (root last).

    ``counts`` must be non-increasing. Inner nodes are made in order of increasing weight by
    merging the two lightest of the leaf queue (read from the end) and the inner-node queue."""
    V = counts.shape[0]
    weight = np.empty(2 * V - 1, dtype=np.float64)
    for i in range(V):
        weight[i] = counts[i]
    parent = np.full(2 * V - 1, -1, dtype=np.int64)
    bit = np.zeros(2 * V - 1, dtype=np.uint8)
    leaf = V - 1
    inner = V
    for a in range(V - 1):
        picks = np.empty(2, dtype=np.int64)
        for k in range(2):
            if leaf >= 0 and (inner >= V + a or weight[leaf] < weight[inner]):
                picks[k] = leaf
                leaf -= 1
            else:
                picks[k] = inner
                inner += 1
        weight[V + a] = weight[picks[0]] + weight[picks[1]]
        parent[picks[0]] = V + a
        parent[picks[1]] = V + a
        bit[picks[1]] = 1
    return parent, bit


@njit(cache=True)
def paths(parent, bit, V):
    """Codes and inner-node paths, root first. Inner node V+a is row a of the output matrix."""
    depth = np.zeros(2 * V - 1, dtype=np.int64)
    for node in range(2 * V - 3, -1, -1):  # parents have larger indices: top-down
        depth[node] = depth[parent[node]] + 1
    maxlen = 0
    for i in range(V):
        if depth[i] > maxlen:
            maxlen = depth[i]
    codes = np.zeros((V, max(maxlen, 1)), dtype=np.uint8)
    points = np.zeros((V, max(maxlen, 1)), dtype=np.int32)
    lengths = np.zeros(V, dtype=np.int32)
    for i in range(V):
        n = depth[i]
        lengths[i] = n
        node = i
        for k in range(n - 1, -1, -1):
            codes[i, k] = bit[node]
            node = parent[node]
            points[i, k] = node - V
    return codes, points, lengths
