"""Word counts of shards and their ordered merge.

A worker counts its shard with :func:`w2v.stream.scan`, which numbers words in order of first
appearance. Merging the shards' tables in shard order (the words of the left table in their
order, then the right table's new words in theirs) gives exactly the first-appearance order of
the whole corpus, and the merge is associative, so a tree of merges gives the same table as a
local count: same words, counts and provisional order, hence (after ``min_count`` and the stable
sort by count) the same vocabulary. With ``max_vocab_size``, each shard prunes as the local count
does and every merge prunes its result by the same rule (word2vec C's ReduceVocab); the
vocabulary is then an approximation, as it is locally.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar

import numpy as np

from ..vocab import prune_threshold

T = TypeVar("T")


@dataclass
class Counts:
    """A counted table: ``words`` in first-appearance order with their ``counts``."""

    words: list
    counts: np.ndarray  # int64
    n_tokens: int
    n_sentences: int
    pruned_at: int = 0  # min_reduce reached by pruning (0: never pruned)

    @classmethod
    def of_scan(cls, scan) -> "Counts":
        return cls(list(scan.words), np.asarray(scan.counts, dtype=np.int64), int(scan.n_tokens),
                   int(scan.n_sentences), int(scan.pruned_at))


def merge(a: Counts, b: Counts, max_vocab_size: int | None = None) -> Counts:
    """``a`` then ``b`` (``a``'s shards come first in the corpus)."""
    index = {w: i for i, w in enumerate(a.words)}
    n = len(a.words)
    words = list(a.words)
    pos = np.empty(len(b.words), dtype=np.int64)
    for j, w in enumerate(b.words):
        i = index.get(w)
        if i is None:
            i = index[w] = n
            words.append(w)
            n += 1
        pos[j] = i
    counts = np.zeros(n, dtype=np.int64)
    counts[: len(a.words)] = a.counts
    counts[pos] += b.counts
    out = Counts(words, counts, a.n_tokens + b.n_tokens, a.n_sentences + b.n_sentences,
                 max(a.pruned_at, b.pruned_at))
    if max_vocab_size is not None and len(words) > max_vocab_size:
        out = prune(out, max_vocab_size)
    return out


def prune(c: Counts, max_vocab_size: int) -> Counts:
    """Drop the rarest words until the table fits (the local counting pass's rule)."""
    min_reduce = prune_threshold(c.counts, max_vocab_size, c.pruned_at + 1)
    live = np.flatnonzero(c.counts > min_reduce)
    return Counts([c.words[i] for i in live.tolist()], c.counts[live], c.n_tokens, c.n_sentences, min_reduce)


def tree_reduce(items: list[T], combine: Callable[[T, T], T]) -> T:
    """Combine neighbours pairwise, level by level, keeping the order: ``((0 1) (2 3)) ...``.
    ``combine`` may return a future (Ray), so the levels run in parallel where the engine can."""
    if not items:
        raise ValueError("nothing to reduce")
    level = list(items)
    while len(level) > 1:
        nxt = [combine(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]
