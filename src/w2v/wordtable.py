"""The word table of the byte-level counting pass: words (as UTF-8 bytes) to entries numbered in
order of first appearance, kept in numpy arrays that :mod:`w2v.kernels.count` reads and fills
without a Python object per word.

A table is four arrays (``arrays``): ``slots`` (open addressing, a power of two), and per entry
its hash, the offset of its bytes in ``arena`` (each word followed by ``\\n``) and, for the
corpus-wide table, its count and its decoded word (``words``, added as entries are made).
"""

from __future__ import annotations

import numpy as np

from .kernels import count as k

_ENTRY_BYTES = 8  # arena bytes reserved per entry (English words average about 7 with their '\n')


class WordTable:
    def __init__(self, capacity: int = 1 << 12, decoded: bool = True):
        capacity = max(16, int(capacity))
        self.slots = np.full(_pow2(2 * capacity), k.EMPTY, dtype=np.int32)
        self.hashes = np.zeros(capacity, dtype=np.uint64)
        self.offs = np.zeros(capacity + 1, dtype=np.int64)
        self.arena = np.zeros(_ENTRY_BYTES * capacity, dtype=np.uint8)
        self.counts = np.zeros(capacity if decoded else 0, dtype=np.int64)
        self.decoded = decoded
        self.words: list = []
        self.n = 0

    @classmethod
    def of_words(cls, words: list) -> "WordTable":
        """A table holding ``words`` (distinct str) as entries 0..len-1, counted 0: a fixed
        vocabulary. Words are entered by their UTF-8 bytes (a lone surrogate is kept, so such
        a word matches no text, as it matches no decoded word)."""
        encoded = [w.encode("utf-8", "surrogatepass") for w in words]
        blob = b"".join(e + b"\n" for e in encoded)
        table = cls(len(words))
        table._reserve(len(words), len(blob))
        table.arena[: len(blob)] = np.frombuffer(blob, dtype=np.uint8)
        lens = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        table.n = k.insert_words(table.arrays, lens)
        if table.n != len(words):
            raise ValueError("the words of a fixed vocabulary must be distinct")
        table.words = list(words)
        return table

    @property
    def arrays(self) -> tuple:
        return self.slots, self.hashes, self.offs, self.arena

    def __len__(self) -> int:
        return self.n

    def clear(self) -> None:
        self.slots.fill(k.EMPTY)
        self.n = 0

    # -- filling ---------------------------------------------------------------------------
    def fill(self, base: "WordTable", buf: np.ndarray, end: int, out: np.ndarray, state: np.ndarray,
             frozen: bool, max_sentence: int) -> None:
        """Run :func:`~w2v.kernels.count.count_bytes` on ``buf[state[ST_POS]:end]`` with this
        (part-local) table taking the words ``base`` lacks, growing it as the kernel asks."""
        while True:
            state[k.ST_ENTRIES] = self.n
            status = k.count_bytes(buf, end, k.CLASSES, base.arrays, self.arrays, frozen, out, max_sentence, state)
            self.n = int(state[k.ST_ENTRIES])
            if status == k.DONE:
                return
            if status == k.TABLE_FULL:
                self._reserve(2 * len(self.hashes), 0)
            else:
                self._reserve(0, 2 * len(self.arena))

    def merge(self, own: "WordTable", to_base: np.ndarray) -> None:
        """Enter the entries of ``own`` after this table's, in their order (those this table
        lacks); ``to_base[e]`` gets the entry of ``own``'s entry e here."""
        if own.n == 0:
            return
        first = self.n
        self._reserve(first + own.n, int(self.offs[first] + own.offs[own.n]))
        self.n = k.merge_new(self.arrays, own.arrays, first, own.n, to_base)
        if self.decoded and self.n > first:
            blob = self.arena[self.offs[first]: self.offs[self.n] - 1].tobytes()
            self.words.extend(blob.decode("utf-8").split("\n"))

    # -- pruning ---------------------------------------------------------------------------
    def prune(self, min_reduce: int) -> None:
        """Drop the entries counted at most ``min_reduce`` times; the others keep their order."""
        keep = self.counts[: self.n] > min_reduce
        self.words = [w for w, kept in zip(self.words, keep.tolist()) if kept]
        self.n = k.compact(keep, self.hashes, self.offs, self.arena, self.counts)
        self.counts[self.n:] = 0
        self.slots.fill(k.EMPTY)
        k.rehash(self.slots, self.hashes, self.n)

    # -- room ------------------------------------------------------------------------------
    def _reserve(self, entries: int, nbytes: int) -> None:
        """Room for ``entries`` entries and ``nbytes`` bytes of words, at least doubling."""
        if entries > len(self.hashes):
            cap = max(entries, 2 * len(self.hashes))
            self.hashes = _resized(self.hashes, cap)
            self.offs = _resized(self.offs, cap + 1)
            if self.decoded:
                self.counts = _resized(self.counts, cap)
            if len(self.slots) < 2 * cap:
                self.slots = np.full(_pow2(2 * cap), k.EMPTY, dtype=np.int32)
                k.rehash(self.slots, self.hashes, self.n)
        if nbytes > len(self.arena):
            self.arena = _resized(self.arena, max(nbytes, 2 * len(self.arena)))


def _resized(a: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=a.dtype)
    m = min(n, len(a))
    out[:m] = a[:m]
    return out


def _pow2(n: int) -> int:
    return 1 << max(4, int(n - 1).bit_length())
