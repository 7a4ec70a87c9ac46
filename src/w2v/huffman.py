"""Codes and inner-node paths for hierarchical softmax.

Every word is a leaf of a Huffman tree built from the vocabulary counts; its *code* is the
left/right bits from the root and its *path* the V-1 inner nodes passed on the way, each with an
output vector of its own. Frequent words get short codes, so the expected number of sigmoids per
prediction is within one bit of the entropy of the word distribution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import ConfigError


@dataclass
class Huffman:
    codes: np.ndarray    # uint8 [V, maxlen]
    points: np.ndarray   # int32 [V, maxlen], inner-node rows, root (V-2) first
    lengths: np.ndarray  # int32 [V]

    @classmethod
    def build(cls, counts: np.ndarray) -> "Huffman":
        from .kernels.huffman import build_tree, paths

        counts = np.asarray(counts, dtype=np.int64)
        if len(counts) < 2:
            raise ConfigError("hierarchical softmax needs a vocabulary of at least 2 words")
        if np.any(np.diff(counts) > 0):
            raise ConfigError("Huffman tree needs counts sorted from most to least frequent")
        parent, bit = build_tree(counts)
        codes, points, lengths = paths(parent, bit, len(counts))
        return cls(codes, points, lengths)

    @classmethod
    def build_unsorted(cls, counts: np.ndarray) -> "Huffman":
        """The tree for counts in any row order (e.g. after a vocabulary update)."""
        counts = np.asarray(counts, dtype=np.int64)
        order = np.argsort(-counts, kind="stable")
        tree = cls.build(counts[order])
        codes = np.empty_like(tree.codes)
        points = np.empty_like(tree.points)
        lengths = np.empty_like(tree.lengths)
        codes[order], points[order], lengths[order] = tree.codes, tree.points, tree.lengths
        return cls(codes, points, lengths)

    @classmethod
    def empty(cls) -> "Huffman":
        return cls(np.zeros((1, 1), np.uint8), np.zeros((1, 1), np.int32), np.zeros(1, np.int32))

    def code(self, i: int) -> str:
        return "".join(str(b) for b in self.codes[i, : self.lengths[i]])
