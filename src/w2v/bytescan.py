"""The counting pass over bytes: text chunks to word counts and the id stream, in numba.

:func:`w2v.stream.scan` uses this for sources that offer their text as chunks of whole lines
(``chunks()``: files, folders, stdin, shards). It gives exactly what the Python pass over
decoded strings gives (the same words in the same first-appearance order, counts, sentences and
id stream), only without a Python object per word:

- a chunk is cut at line ends into one part per thread; each thread splits its part into words
  (:func:`w2v.kernels.count.count_bytes`), looks them up in the corpus-wide table (read-only
  while the threads run) and enters the words it lacks in a table of its own, in order;
- then, in part order, the parts' new words join the corpus-wide table (so a word first seen in
  part 2 but also in part 1 gets part 1's place: the serial order), their ids are rewritten and
  every word counted;
- pruning (``max_vocab_size``) runs after each chunk, as the Python pass runs it after each
  block: chunks and blocks are the same pieces of the input.

Reading (and decompressing) runs one chunk ahead in a thread of its own.
"""

from __future__ import annotations

import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, Iterator

import numpy as np

from .corpus import MAX_SENTENCE
from .kernels import count as k
from .vocab import prune_threshold
from .wordtable import WordTable

MIN_PART = 1 << 18
"""Chunks are cut into parts of at least this many bytes (smaller ones are not worth a thread)."""


def default_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class _Part:
    """One thread's share of a chunk: its table of new words, its id stream, its state."""

    def __init__(self):
        self.table = WordTable(decoded=False)
        self.out = np.empty(0, dtype=np.int32)
        self.to_base = np.empty(0, dtype=np.int32)
        self.state = np.zeros(k.ST_SIZE, dtype=np.int64)

    def run(self, base: WordTable, buf: np.ndarray, lo: int, hi: int, frozen: bool) -> None:
        if len(self.out) < hi - lo + 1:  # enough for any text: a word and its separator take 2 bytes
            self.out = np.empty(hi - lo + 1, dtype=np.int32)
        self.table.clear()
        self.state[:] = 0
        self.state[k.ST_POS] = lo
        self.table.fill(base, buf, hi, self.out, self.state, frozen, MAX_SENTENCE)

    @property
    def ids(self) -> np.ndarray:
        return self.out[: self.state[k.ST_OUT]]


class ByteCounter:
    """The corpus-wide table and the threads that count chunks into it."""

    def __init__(self, fixed_words: list | None = None, threads: int | None = None):
        self.frozen = fixed_words is not None
        self.table = WordTable() if fixed_words is None else WordTable.of_words(fixed_words)
        self.threads = max(1, int(threads or default_threads()))
        self.parts = [_Part() for _ in range(self.threads)]
        self.pool = ThreadPoolExecutor(self.threads - 1, "w2v-count") if self.threads > 1 else None
        self.min_reduce = 0

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    def count(self, chunk: bytes) -> tuple[list[np.ndarray], int, int]:
        """Count a chunk of whole lines; returns its id stream (in pieces, valid until the next
        call), its tokens and its sentences."""
        buf = np.frombuffer(chunk, dtype=np.uint8)
        cuts = _cuts(chunk, self.threads)
        parts = self.parts[: len(cuts) - 1]
        jobs = [self.pool.submit(p.run, self.table, buf, cuts[i + 1], cuts[i + 2], self.frozen)
                for i, p in enumerate(parts[1:])] if self.pool is not None else []
        parts[0].run(self.table, buf, cuts[0], cuts[1], self.frozen)
        for job in jobs:
            job.result()
        tokens = sentences = 0
        for p in parts:  # in order: the serial first appearance
            if len(p.to_base) < p.table.n:
                p.to_base = np.empty(max(p.table.n, 2 * len(p.to_base)), dtype=np.int32)
            self.table.merge(p.table, p.to_base)
            k.resolve(p.out, p.state[k.ST_OUT], p.to_base, self.table.counts)
            tokens += int(p.state[k.ST_TOKENS])
            sentences += int(p.state[k.ST_SENTENCES])
        return [p.ids for p in parts], tokens, sentences

    def prune_to(self, max_vocab_size: int) -> bool:
        """word2vec C's ReduceVocab, as :func:`w2v.stream.scan` applies it; True if it pruned."""
        t = self.table
        if self.frozen or t.n <= max_vocab_size:
            return False
        self.min_reduce = prune_threshold(t.counts[: t.n], max_vocab_size, self.min_reduce + 1)
        t.prune(self.min_reduce)
        return True


_warm = False


def warm() -> None:
    """Load every kernel of the pass once a process, LLVM's pages kept unmapped meanwhile."""
    global _warm
    if _warm:
        return
    counter = ByteCounter(None, 1)
    counter.count(b"w\xc3\xa9 w x\n")
    counter.table.prune(1)  # compact, rehash
    ByteCounter(["w"], 1).count(b"w v\n")  # a frozen table (insert_words)
    _warm = True


def _cuts(chunk: bytes, parts: int) -> list[int]:
    """Offsets cutting ``chunk`` into up to ``parts`` pieces that end at line ends."""
    size = len(chunk)
    parts = max(1, min(parts, size // MIN_PART))
    cuts = [0]
    for i in range(1, parts):
        nl = chunk.find(b"\n", max(cuts[-1], size * i // parts))
        if nl < 0 or nl + 1 >= size:
            break
        cuts.append(nl + 1)
    cuts.append(size)
    return cuts


def count_chunks(chunks: Iterable[tuple[bytes, int]], counter: ByteCounter, write: Callable | None,
                 max_vocab_size: int | None, progress: Callable[[int, int], None] | None) -> tuple[int, int, bool]:
    """Count every chunk; ``write(ids)`` gets the id stream until pruning invalidates it.
    Returns (tokens, sentences, pruned)."""
    n_tokens = n_sentences = 0
    pruned = False
    warm()
    for chunk, used in _ahead(chunks):
        pieces, tokens, sentences = counter.count(chunk)
        if tokens:
            if write is not None and not pruned:
                for ids in pieces:
                    write(ids)
            n_tokens += tokens
            n_sentences += sentences
            if max_vocab_size is not None and counter.prune_to(max_vocab_size):
                pruned = True
        if progress is not None:
            progress(used, tokens)
    return n_tokens, n_sentences, pruned


def _ahead(items: Iterable, depth: int = 1) -> Iterator:
    """``items``, produced by a thread of their own up to ``depth`` ahead (errors re-raised here).
    If the consumer stops early, the thread stops at its next item (it is never waited for: it
    may be blocked reading standard input)."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                q.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        it = iter(items)
        try:
            for item in it:
                if not put((item, None)):
                    return
            put((done, None))
        except BaseException as exc:  # handed to the consumer
            put((done, exc))
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()

    threading.Thread(target=produce, name="w2v-read", daemon=True).start()
    try:
        while True:
            item, exc = q.get()
            if item is done:
                if exc is not None:
                    raise exc
                return
            yield item
    finally:
        stop.set()
