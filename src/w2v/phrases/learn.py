"""Learning phrases: counting words and pairs pass by pass, the bounded tables, the corpus's ids.

The corpus is read once, into ids of one id space (:class:`Learner`); later passes (and the
write of the phrased corpus) replay those ids from :class:`IdCache`, in memory up to
``CACHE_BYTES`` and in a temporary file past it. Pairs are counted by a numba kernel into
:class:`PairTable`; both the pair table and the word table are bounded by ``max_vocab_size``
with word2phrase's ReduceVocab rule (:func:`w2v.vocab.prune_threshold`).
"""

from __future__ import annotations

import tempfile
from itertools import repeat
from typing import TYPE_CHECKING, Iterator

import numpy as np

from ..corpus import TextSource, as_source, disk_size, line_chunks, paths_of, split_line_tokens
from ..errors import InputError
from ..vocab import prune_threshold
from .apply import w2p_layout
from .passes import PhrasePass, scores
from .tables import LINE_END, Connectors, TokenIds, apply_tables, grow, line_marked_ids, phrase_table

if TYPE_CHECKING:
    from ..progress import StageProgress
    from . import Phrases

CHUNK_BYTES = 1 << 20
"""Text read, split and counted at once (1 MiB keeps the new token objects in cache)."""

CACHE_BYTES = 256 << 20
"""Ids of the corpus kept in memory between passes; past this they go to a temporary file."""


def no_progress(stage: str, done: int, total: int | None) -> None:
    pass


def _no_message(text: str) -> None:
    pass


class IdCache:
    """Id chunks of the corpus, in memory up to CACHE_BYTES, then in a temporary file."""

    def __init__(self, limit: int = CACHE_BYTES):
        self.limit = limit
        self.mem: list[tuple[np.ndarray, int]] = []
        self.mem_bytes = 0
        self.file = None
        self.spilled: list[tuple[int, int]] = []  # (length, disk bytes) of chunks in the file
        self.total_disk = 0
        self.total_ids = 0

    def append(self, ids: np.ndarray, disk: int) -> None:
        self.total_disk += disk
        self.total_ids += ids.size
        if self.file is None and self.mem_bytes + ids.nbytes <= self.limit:
            self.mem.append((ids, disk))
            self.mem_bytes += ids.nbytes
            return
        if self.file is None:
            self.file = tempfile.TemporaryFile(prefix="w2v-phrases-")
        self.file.write(np.ascontiguousarray(ids, dtype=np.int32).tobytes())
        self.spilled.append((ids.size, disk))

    def __iter__(self) -> Iterator[tuple[np.ndarray, int]]:
        yield from self.mem
        if self.file is not None:
            self.file.flush()
            self.file.seek(0)
            for n, disk in self.spilled:
                yield np.fromfile(self.file, dtype=np.int32, count=n), disk

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
        self.mem = []


class PrunedWords:
    """Words dropped from the word table while the corpus's ids are cached: their text, kept in a
    temporary file (not in memory) for writing the cached corpus out, found by id (12 bytes an
    id in memory: where its text starts in the file, and its length; -1 for a word not pruned)."""

    def __init__(self):
        self.file = tempfile.TemporaryFile(prefix="w2v-phrases-words-")
        self.size = 0
        self.starts = np.zeros(0, np.int64)
        self.lengths = np.zeros(0, np.int32)
        self.mm = None

    def add(self, ids: np.ndarray, words: list[str]) -> None:
        data = [w.encode("utf-8", "surrogateescape") for w in words]
        lengths = np.fromiter(map(len, data), np.int64, len(data))
        ends = np.cumsum(lengths)
        n = int(ids.max()) + 1
        if n > self.lengths.shape[0]:
            grown = max(n, 2 * self.lengths.shape[0])
            self.starts = np.concatenate((self.starts, np.zeros(grown - self.starts.shape[0], np.int64)))
            self.lengths = np.concatenate((self.lengths, np.full(grown - self.lengths.shape[0], -1, np.int32)))
        self.starts[ids] = ends - lengths + self.size
        self.lengths[ids] = lengths
        self.file.write(b"".join(data))
        self.size += int(ends[-1])

    def finish(self) -> None:
        import mmap

        self.file.flush()
        self.mm = mmap.mmap(self.file.fileno(), 0, access=mmap.ACCESS_READ) if self.size else b""

    def words(self, ids: np.ndarray) -> list[str]:
        """The text of pruned ids (``finish()`` first)."""
        mm = self.mm
        return [mm[s: s + n].decode("utf-8", "surrogateescape")
                for s, n in zip(self.starts[ids].tolist(), self.lengths[ids].tolist())]

    def batches(self, size: int = 1 << 18) -> Iterator[tuple[np.ndarray, list[str]]]:
        for j in range(0, self.lengths.shape[0], size):
            ids = np.flatnonzero(self.lengths[j: j + size] >= 0) + j
            if ids.size:
                yield ids, self.words(ids)

    def close(self) -> None:
        if self.mm is not None and not isinstance(self.mm, bytes):
            self.mm.close()
        self.mm = None
        self.file.close()


class PairTable:
    """Pair counts in a growing open-addressing table, pruned past ``max_size`` entries."""

    def __init__(self, with_mid: bool, max_size: int, capacity: int = 1 << 16):
        from ..kernels import phrases as K

        self.K = K
        self.with_mid = with_mid
        self.max_size = max_size
        self._alloc(capacity)
        self.state = K.new_count_state()
        self.min_reduce = 0

    def _alloc(self, cap: int) -> None:
        self.keys1 = np.full(cap, self.K.EMPTY, np.int64)
        self.keys2 = np.zeros(cap if self.with_mid else 1, np.int64)
        self.counts = np.zeros(cap, np.int64)

    @property
    def size(self) -> int:
        """Distinct pairs held."""
        return int(self.state[self.K.STATE_ENTRIES])

    @property
    def n_words(self) -> int:
        """Words counted so far (connectors included, line marks not)."""
        return int(self.state[self.K.STATE_WORDS])

    def _limit(self) -> int:
        return min(int(self.keys1.shape[0] * 0.7), self.max_size)

    def count(self, ids: np.ndarray, unigrams: np.ndarray, conn: np.ndarray, cx: Connectors, cross: bool) -> None:
        pos = 0
        n = ids.shape[0]
        while True:
            pos = self.K.count_tokens(ids, pos, conn, cx.base, cx.max_run, cross, unigrams,
                                      self.keys1, self.keys2, self.counts, self.state, self._limit())
            if self.size > self._limit():
                self._make_room()
            if pos >= n:
                break

    def _rebuild(self, cap: int, min_keep: int) -> None:
        old = (self.keys1, self.keys2, self.counts)
        self._alloc(cap)
        self.state[self.K.STATE_ENTRIES] = self.K.rehash(*old, self.keys1, self.keys2, self.counts, min_keep)

    def _make_room(self) -> None:
        if self.size > self.max_size:
            # word2phrase's ReduceVocab: drop what was seen min_reduce times or less, raising the
            # bar until the table fits
            held = self.counts[self.keys1 != self.K.EMPTY]
            self.min_reduce = prune_threshold(held, self.max_size, self.min_reduce + 1)
            self._rebuild(self.keys1.shape[0], self.min_reduce + 1)
        else:
            self._rebuild(self.keys1.shape[0] * 2, 1)


class Learner:
    """Counting and scoring, pass by pass, over one id space for the whole corpus.

    ``progress``: called as ``progress(stage, done, total)``; its ``message(text)``, if it has
    one, gets a line as each pass ends."""

    def __init__(self, ph: "Phrases", progress: "StageProgress | None" = None, caching: bool = True):
        from ..kernels import phrases as K

        self.K = K
        self.ph = ph
        self.progress = progress if callable(progress) else no_progress
        message = getattr(progress, "message", None)
        self.message = message if callable(message) else _no_message
        self.vocab = TokenIds()
        self.cx = ph.connectors
        for w in self.cx.words:
            self.vocab[w]  # noqa: B018  (assigns the id)
        self.conn = np.zeros(1024, np.int64)
        for w in self.cx.words:
            self.conn[self.vocab[w]] = self.cx.code[w]
        self.tables: list = []  # per pass: (keys1, keys2, values) in this id space
        self.cache = IdCache()
        self.caching = caching
        self.paths: list[str] | None = None
        self._words_arr = None
        # the word table's bound (see _prune_words): ids below first_word (line mark, UNKNOWN,
        # connectors) are never pruned; an id is never reused
        self.first_word = len(self.vocab.words)
        self.dead = np.zeros(1024, np.bool_)  # ids of words pruned from the word table
        self.word_min_reduce = 0
        self.pruned: PrunedWords | None = None  # their text, while the corpus is cached
        self.remap: np.ndarray | None = None  # cached id -> id, set after pass 1 if words were pruned

    def close(self) -> None:
        self.cache.close()
        if self.pruned is not None:
            self.pruned.close()
            self.pruned = None

    def cached(self) -> Iterator[tuple[np.ndarray, int]]:
        """The cached id chunks, with pruned words seen again after pruning under their last id."""
        for ids, disk in self.cache:
            yield (ids if self.remap is None else self.remap[ids]), disk

    def tokens(self, ids: np.ndarray) -> list:
        """The text of an id stream (pruned words read back from their file)."""
        toks = self.words_array()[ids].tolist()
        if self.pruned is not None:
            self.dead = grow(self.dead, len(self.vocab.words))
            at = np.flatnonzero(self.dead[ids])
            if at.size:
                for i, w in zip(at.tolist(), self.pruned.words(ids[at])):
                    toks[i] = w
        return toks

    def _prune_words(self, unigrams: np.ndarray) -> None:
        """word2phrase's ReduceVocab on the word table: drop words seen at most once, then at most
        twice, ... until at most ``max_vocab_size`` entries remain. A dropped word loses its count
        (so it cannot score and joins nothing); if seen again it comes back under a new id,
        counted from there, as word2phrase re-adds it with a fresh count."""
        n = len(self.vocab.words)
        self.dead = grow(self.dead, n)
        first = self.first_word
        live = np.flatnonzero(~self.dead[first:n]) + first
        counts = unigrams[live]
        limit = max(0, self.ph.max_vocab_size - first)
        m = prune_threshold(counts, limit, self.word_min_reduce + 1)
        self.word_min_reduce = m
        drop = live[counts <= m]
        words, vocab = self.vocab.words, self.vocab
        gone = [words[i] for i in drop.tolist()]
        if self.caching and drop.size:
            if self.pruned is None:
                self.pruned = PrunedWords()
            self.pruned.add(drop, gone)
        for i, w in zip(drop.tolist(), gone):
            del vocab[w]
            words[i] = None
        self.dead[drop] = True
        unigrams[drop] = 0
        self._words_arr = None

    def _end_pruning(self) -> None:
        """After pass 1: cached ids of a pruned word that came back point to its new id; the others
        stay pruned (rare in later passes too) and are written from their file."""
        if self.pruned is None:
            return
        self.pruned.finish()
        self.remap = np.arange(len(self.vocab.words), dtype=np.int32)
        for ids, words in self.pruned.batches():
            now = np.fromiter(map(self.vocab.get, words, repeat(-1)), np.int64, len(words))
            back = now >= 0
            self.remap[ids[back]] = now[back]

    def words_array(self) -> np.ndarray:
        if self._words_arr is None or len(self._words_arr) != len(self.vocab.words):
            self._words_arr = np.array(self.vocab.words, dtype=object)
        return self._words_arr

    def apply(self, ids: np.ndarray, upto: int | None = None):
        tables = self.tables if upto is None else self.tables[:upto]
        self.conn = grow(self.conn, len(self.vocab.words))
        return apply_tables(ids, tables, self.conn, self.cx)

    def _first_read(self, sentences) -> Iterator[np.ndarray]:
        """Id chunks of the corpus (read once, cached for later passes). Paths are read line by
        line as word2phrase reads them; a TextSource is read through its own blocks, so that the
        words match those ``w2v train`` sees in it."""
        paths = None if isinstance(sentences, TextSource) else paths_of(sentences)
        if paths is not None:
            self.paths = paths
            total = disk_size(paths)
            done = 0
            for chunk, _path, disk in line_chunks(paths, CHUNK_BYTES):
                ids = self.vocab.ids(split_line_tokens(chunk, LINE_END))
                if self.caching:
                    self.cache.append(ids, disk)
                done += disk
                self.progress("pass 1", done, total)
                yield ids
            return
        source = as_source(sentences)
        self.paths = list(getattr(source, "paths", None) or [])
        total = getattr(source, "total_bytes", None)
        done = 0
        for block in source.blocks():
            if isinstance(block.tokens, np.ndarray):
                raise InputError("phrases need word tokens, not integer ids")
            ids = line_marked_ids(block.tokens, np.asarray(block.lengths), self.vocab.ids)
            if self.caching:
                self.cache.append(ids, block.nbytes)
            done += block.nbytes if total else ids.size
            self.progress("pass 1", done, total)
            yield ids

    def _cached(self, stage: str) -> Iterator[np.ndarray]:
        done = 0
        total = self.cache.total_ids
        for ids, _ in self.cached():
            done += ids.size
            self.progress(stage, done, total)
            yield ids

    def learn(self, sentences) -> None:
        ph = self.ph
        for k, threshold in enumerate(ph.threshold_schedule):
            stream = self._first_read(sentences) if k == 0 else self._cached(f"pass {k + 1}")
            unigrams = np.zeros(max(1024, len(self.vocab.words)), np.int64)
            table = PairTable(bool(self.cx.words), ph.max_vocab_size)
            for ids in stream:
                if k:
                    _, ids, _ = self.apply(ids, k)
                n = len(self.vocab.words)
                unigrams = grow(unigrams, n)
                self.conn = grow(self.conn, n)
                table.count(ids, unigrams, self.conn, self.cx, ph.cross_line_pairs)
                if k == 0 and len(self.vocab) > ph.max_vocab_size:
                    self._prune_words(unigrams)
            if k == 0:
                self._end_pruning()
            elif self.word_min_reduce:
                dead = np.flatnonzero(self.dead)
                unigrams[dead[dead < unigrams.shape[0]]] = 0  # pruned in pass 1: still no count
            p = self._finish_pass(threshold, unigrams, table)
            ph.passes.append(p)
            ex = ", ".join(ph.delimiter.join(t) for t, _, _ in p.examples(4))
            self.message(f"phrases pass {k + 1}/{len(ph.threshold_schedule)}: threshold {threshold:g}, "
                         f"{len(p.phrases):,} phrases formed" + (f" (e.g. {ex})" if ex else ""))

    def _finish_pass(self, threshold: float, unigrams: np.ndarray, table: PairTable) -> PhrasePass:
        ph = self.ph
        mc = ph.min_count
        n_words = table.n_words
        k1, k2, cnt = self.K.table_filter(table.keys1, table.keys2, table.counts, mc)
        a = k1 >> 32
        b = k1 & 0xFFFFFFFF
        ok = (unigrams[a] >= mc) & (unigrams[b] >= mc)
        a, b, k2, cnt = a[ok], b[ok], k2[ok], cnt[ok]
        pair_scores = scores(ph.scoring, cnt, unigrams[a], unigrams[b], n_words, mc)
        passing = np.flatnonzero(pair_scores > (np.float32(threshold) if ph.scoring == "word2phrase" else threshold))

        p = PhrasePass(float(threshold), n_words, pair_types=table.size, min_reduce=table.min_reduce)
        words = self.vocab.words
        # the counts that can still score: words and pairs seen at least min_count times
        keep = np.flatnonzero(unigrams[: len(words)] >= mc)
        remap = np.full(len(words), -1, np.int64)
        remap[keep] = np.arange(keep.size)
        p.words = [words[i] for i in keep.tolist()]
        p.word_counts = unigrams[keep].copy()
        p.pair_left, p.pair_right, p.pair_mid, p.pair_count = remap[a], remap[b], k2, cnt
        decode = self.cx.decode
        pk1 = np.empty(passing.size, np.int64)
        pvals = np.empty(passing.size, np.int64)
        for j, i in enumerate(passing.tolist()):
            ai, bi, m = int(a[i]), int(b[i]), int(k2[i])
            toks = (words[ai], *decode(m), words[bi]) if m else (words[ai], words[bi])
            p.phrases[toks] = float(pair_scores[i])
            p.phrase_counts[toks] = int(cnt[i])
            pk1[j] = (ai << 32) | bi
            pvals[j] = self.vocab[ph.delimiter.join(toks)]
        self.tables.append(phrase_table(pk1, k2[passing], pvals, bool(self.cx.words)))
        return p

    def rendered_chunks(self, joins: list[int], progress: "StageProgress") -> Iterator[str]:
        done = 0
        total = self.cache.total_ids
        for ids, _ in self.cached():
            _, out, js = self.apply(ids)
            for k, j in enumerate(js):
                joins[k] += j
            yield w2p_layout(self.tokens(out))
            done += ids.size
            progress("writing", done, total)
