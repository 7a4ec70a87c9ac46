"""One streaming pass over a corpus: count the words and keep the text as integer ids.

The pass assigns each new word a *provisional* id (in order of first appearance), counts with
``np.bincount``, and appends the ids to a temporary file, with ``-1`` after each sentence. Once
the vocabulary is fixed, a ``remap`` array turns provisional ids into rows (``-1``: dropped),
and every epoch reads that file through a memory map: no string work after the first pass, and
memory bounded by the page cache, not by the corpus.

If the table of distinct words grows past ``max_vocab_size``, the rarest entries are pruned as
in word2vec C (words seen at most ``min_reduce`` times, the bar rising as needed). Pruning
invalidates provisional ids already written, so the id file is dropped and the epochs re-read
(and re-tokenise) the source instead: slower, but memory stays bounded.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from itertools import repeat
from typing import Callable, Iterator

import numpy as np

from .corpus import MAX_SENTENCE, Block, IdSource
from .vocab import prune_threshold

SEP = -1  # end of sentence in the id stream
OOV = -2  # a token outside a fixed vocabulary
_REACH = 2 * MAX_SENTENCE  # a separator lies within MAX_SENTENCE + 1 entries of any position


@dataclass
class Scan:
    """What the counting pass found."""

    words: list            # provisional id -> word (str, or int for id sources)
    counts: np.ndarray     # provisional id -> count (int64)
    n_tokens: int          # tokens read
    n_sentences: int
    pruned_at: int = 0     # min_reduce reached by pruning (0: never pruned)
    ids_path: str | None = None  # the id stream file, unless pruning dropped it
    n_stream: int = 0      # length of the id stream (tokens + separators)
    _index: dict | None = field(default=None, repr=False)

    @property
    def index(self) -> dict:
        """word -> provisional id (built when first asked for)."""
        if self._index is None:
            self._index = {w: i for i, w in enumerate(self.words)}
        return self._index


class IdWriter:
    """Append-only int32 file of provisional ids with sentence separators."""

    def __init__(self, folder: str | None = None):
        fd, self.path = tempfile.mkstemp(prefix="w2v-ids-", suffix=".i32", dir=folder)
        self._fh = os.fdopen(fd, "wb", buffering=0)  # blocks are written whole: no copy into a buffer
        self.n = 0

    def write(self, ids: np.ndarray, lengths: np.ndarray) -> None:
        ends = np.cumsum(lengths)
        self.write_stream(np.insert(ids.astype(np.int32, copy=False), ends, SEP))

    def write_stream(self, ids: np.ndarray) -> None:
        """Ids (int32) with their separators already in place."""
        view = memoryview(np.ascontiguousarray(ids, dtype=np.int32)).cast("B")
        while view:  # an unbuffered write may take less than it is given
            view = view[self._fh.write(view):]
        self.n += len(ids)

    def close(self) -> None:
        self._fh.close()

    def discard(self) -> None:
        self._fh.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass


def scan(
    source,
    max_vocab_size: int | None = None,
    fixed_index: dict | None = None,
    keep_ids: bool = True,
    tmp_dir: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    engine: str = "auto",
    threads: int | None = None,
) -> Scan:
    """Count words of ``source`` and (optionally) record its id stream.

    With ``fixed_index`` (a word -> row mapping, e.g. from ``--read-vocab``), ids are rows and
    words outside it are written as OOV; nothing is counted into new entries.
    ``progress(bytes, tokens)`` is called after each block.

    ``engine``: ``"auto"`` counts sources that offer bytes (``chunks()``: files, shards) with
    :mod:`w2v.bytescan` on ``threads`` threads, others in Python; ``"python"`` always splits
    decoded strings in Python (the reference the byte pass is tested against).
    """
    if engine not in ("auto", "python"):
        raise ValueError(f"engine must be 'auto' or 'python', got {engine!r}")
    if engine == "auto" and hasattr(source, "chunks"):
        return _scan_bytes(source, max_vocab_size, fixed_index, keep_ids, tmp_dir, progress, threads)
    writer = IdWriter(tmp_dir) if keep_ids else None
    index: dict = {} if fixed_index is None else fixed_index
    words: list = [] if fixed_index is None else list(fixed_index)
    counts = np.zeros(1024 if fixed_index is None else len(fixed_index), dtype=np.int64)
    n_tokens = n_sentences = 0
    min_reduce = 0
    is_ids = isinstance(source, IdSource)
    try:
        for block in source.blocks():
            n = len(block.tokens)
            if n:
                if is_ids:
                    ids = _id_block(block, index, words, fixed_index is not None)
                elif fixed_index is not None:
                    ids = np.fromiter(map(index.get, block.tokens, repeat(OOV)), dtype=np.int64, count=n)
                else:
                    ids = _text_block(block, index, words)
                known = ids[ids >= 0] if fixed_index is not None else ids
                need = len(words)
                if need > len(counts):
                    counts = np.concatenate([counts, np.zeros(max(need, 2 * len(counts)) - len(counts), np.int64)])
                counts[:need] += np.bincount(known, minlength=need)[:need]
                if writer is not None:
                    writer.write(ids, block.lengths)
                n_tokens += n
                n_sentences += len(block.lengths)
                if (fixed_index is None and max_vocab_size is not None and len(words) > max_vocab_size):
                    min_reduce = prune_threshold(counts[: len(words)], max_vocab_size, min_reduce + 1)
                    words, counts, index = _prune(words, counts, index, min_reduce)
                    if writer is not None:
                        writer.discard()
                        writer = None
            if progress is not None:
                progress(block.nbytes, n)
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
    if writer is not None:
        writer.close()
    return Scan(
        words=words,
        counts=counts[: len(words)].copy(),
        n_tokens=n_tokens,
        n_sentences=n_sentences,
        pruned_at=min_reduce,
        ids_path=writer.path if writer is not None else None,
        n_stream=writer.n if writer is not None else 0,
        _index=index,
    )


def _scan_bytes(source, max_vocab_size, fixed_index, keep_ids, tmp_dir, progress, threads) -> Scan:
    """:func:`scan` by :mod:`w2v.bytescan`: the same result, counted in numba."""
    from .bytescan import ByteCounter, count_chunks

    fixed = None if fixed_index is None else list(fixed_index)
    rows = None if fixed_index is None else _row_map(fixed_index)
    writer = IdWriter(tmp_dir) if keep_ids else None
    counter = ByteCounter(fixed, threads)
    write = None
    if writer is not None:
        write = writer.write_stream if rows is None else (lambda ids: writer.write_stream(_to_rows(ids, rows)))
    try:
        n_tokens, n_sentences, pruned = count_chunks(source.chunks(), counter, write, max_vocab_size, progress)
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
    finally:
        counter.close()
    if writer is not None:
        if pruned:
            writer.discard()
            writer = None
        else:
            writer.close()
    table = counter.table
    counts = table.counts[: table.n].copy()
    if rows is not None:
        by_row = np.zeros(len(rows), dtype=np.int64)
        inside = rows < len(rows)
        np.add.at(by_row, rows[inside], counts[inside])
        counts = by_row
    return Scan(
        words=table.words,
        counts=counts,
        n_tokens=n_tokens,
        n_sentences=n_sentences,
        pruned_at=counter.min_reduce,
        ids_path=writer.path if writer is not None else None,
        n_stream=writer.n if writer is not None else 0,
        _index=fixed_index,
    )


def _row_map(index: dict) -> np.ndarray | None:
    """The rows of a fixed index in its key order (the byte counter's ids), or None where the
    ids are the rows already."""
    rows = np.fromiter(index.values(), dtype=np.int64, count=len(index))
    return None if np.array_equal(rows, np.arange(len(rows))) else rows


def _to_rows(ids: np.ndarray, rows: np.ndarray) -> np.ndarray:
    out = ids.copy()
    known = ids >= 0
    out[known] = rows[ids[known]]
    return out


def _text_block(block: Block, index: dict, words: list) -> np.ndarray:
    tokens = block.tokens
    ids = np.fromiter(map(index.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
    unknown = np.flatnonzero(ids < 0)
    if len(unknown):
        # new words get ids in order of first appearance (deterministic, unlike set order)
        start = len(words)
        fresh = list(dict.fromkeys(tokens[i] for i in unknown.tolist()))
        index.update(zip(fresh, range(start, start + len(fresh))))
        words.extend(fresh)
        ids[unknown] = np.fromiter((index[tokens[i]] for i in unknown.tolist()), dtype=np.int64, count=len(unknown))
    return ids


def _id_block(block: Block, index: dict, words: list, fixed: bool) -> np.ndarray:
    """Integer tokens: the user's ids become keys; provisional ids follow first appearance."""
    toks = np.asarray(block.tokens, dtype=np.int64)
    uniq, first = np.unique(toks, return_index=True)
    fresh = uniq[np.argsort(first, kind="stable")]
    if fixed:
        return np.fromiter((index.get(int(t), OOV) for t in toks.tolist()), dtype=np.int64, count=len(toks))
    new = [int(t) for t in fresh.tolist() if int(t) not in index]
    if new:
        start = len(words)
        index.update(zip(new, range(start, start + len(new))))
        words.extend(new)
    return np.fromiter(map(index.__getitem__, toks.tolist()), dtype=np.int64, count=len(toks))


def _prune(words: list, counts: np.ndarray, index: dict, min_reduce: int):
    live = np.flatnonzero(counts[: len(words)] > min_reduce)
    new_words = [words[i] for i in live.tolist()]
    new_counts = np.zeros(max(1024, 2 * len(new_words)), dtype=np.int64)
    new_counts[: len(live)] = counts[live]
    return new_words, new_counts, {w: i for i, w in enumerate(new_words)}


def open_ids(path: str) -> np.ndarray:
    """The id stream as a read-only memory map."""
    if os.path.getsize(path) == 0:
        return np.zeros(0, dtype=np.int32)
    return np.memmap(path, dtype=np.int32, mode="r")


def job_bounds(stream: np.ndarray, target: int) -> list[tuple[int, int]]:
    """Cut the stream into pieces of about ``target`` entries, each ending after a separator
    (sentences hold at most 10,000 tokens, so one is always found in the window searched).
    Only small windows are read: the stream may be a memory map of many GB."""
    n = len(stream)
    bounds = []
    start = 0
    while start < n:
        end = min(n, start + target)
        if end < n:
            window = np.asarray(stream[end - 1: min(n, end + _REACH + 1)])
            hits = np.flatnonzero(window == SEP)
            end = end + int(hits[0]) if len(hits) else min(n, end + _REACH)
        bounds.append((start, end))
        start = end
    return bounds


def iter_stream_blocks(source, index: dict, engine: str = "auto", threads: int | None = None
                       ) -> Iterator[np.ndarray]:
    """Re-tokenise a source into id-stream pieces (used only when pruning dropped the id file);
    ``engine`` as for :func:`scan`."""
    if engine == "auto" and hasattr(source, "chunks"):
        yield from _byte_stream_blocks(source, index, threads)
        return
    is_ids = isinstance(source, IdSource)
    for block in source.blocks():
        if not len(block.tokens):
            continue
        if is_ids:
            ids = np.fromiter((index.get(int(t), OOV) for t in np.asarray(block.tokens).tolist()),
                              dtype=np.int64, count=len(block.tokens))
        else:
            ids = np.fromiter(map(index.get, block.tokens, repeat(OOV)), dtype=np.int64, count=len(block.tokens))
        yield np.insert(ids.astype(np.int32), np.cumsum(block.lengths), SEP)


def _byte_stream_blocks(source, index: dict, threads: int | None) -> Iterator[np.ndarray]:
    from .bytescan import ByteCounter, warm

    warm()
    rows = _row_map(index)
    counter = ByteCounter(list(index), threads)
    try:
        for chunk, _ in source.chunks():
            pieces, tokens, _ = counter.count(chunk)
            if tokens:
                ids = np.concatenate(pieces)  # a copy: the counter's buffers are reused
                yield ids if rows is None else _to_rows(ids, rows)
    finally:
        counter.close()
