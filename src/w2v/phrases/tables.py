"""Id spaces and phrase tables, shared by learning and applying.

Tokens become int32 ids (:class:`TokenIds`); ids 0 and 1 are reserved for the line end
(``LINE_END``, the kernels' ``MARK``) and for a word that is part of no phrase
(``UNKNOWN_WORD``, the kernels' ``UNKNOWN``). A phrase table maps (left id, connectors between,
right id) to the id of the joined token; :func:`apply_tables` runs the joining kernel over a
stream once per pass.
"""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import numpy as np

LINE_END = "\x00"
"""The line-end token inside token streams (id ``MARK``); NUL never occurs in accepted text."""

UNKNOWN_WORD = "\x00unknown"
"""Placeholder token of id ``UNKNOWN``: a word that is part of no phrase."""


class TokenIds(dict):
    """token -> id; an unseen token gets the next id (assigned in ``__missing__``, so that
    ``map(ids.__getitem__, tokens)`` runs in C for every known token)."""

    def __init__(self, first: Iterable[str] = (LINE_END, UNKNOWN_WORD)):
        super().__init__()
        self.words: list[str] = []
        for w in first:
            self[w]  # noqa: B018  (assigns the id)

    def __missing__(self, key):
        i = len(self.words)
        self[key] = i
        self.words.append(key)
        return i

    def ids(self, tokens: list) -> np.ndarray:
        return np.array(list(map(self.__getitem__, tokens)), dtype=np.int32)


def grow(arr: np.ndarray, size: int) -> np.ndarray:
    """``arr`` if it holds ``size`` entries, else a copy at least twice as long, zero-filled."""
    if arr.shape[0] >= size:
        return arr
    new = np.zeros(max(size, 2 * arr.shape[0]), dtype=arr.dtype)
    new[: arr.shape[0]] = arr
    return new


class Connectors:
    """Connector words and the integer code of a run of them (see kernels.phrases)."""

    def __init__(self, words: Iterable[str]):
        self.words = sorted(set(words))
        self.code = {w: i + 1 for i, w in enumerate(self.words)}
        self.base = len(self.words) + 1
        # longest run whose code fits in 62 bits
        self.max_run = int(62 // math.log2(self.base)) if self.words else 0

    def decode(self, mid: int) -> tuple[str, ...]:
        out = []
        while mid:
            mid, c = divmod(mid, self.base)
            out.append(self.words[c - 1])
        return tuple(reversed(out))

    def encode(self, words: Sequence[str]) -> int:
        mid = 0
        for w in words:
            mid = mid * self.base + self.code[w]
        return mid


def phrase_table(k1: np.ndarray, k2: np.ndarray, vals: np.ndarray, with_mid: bool):
    """A phrase table (keys1, keys2, values) holding keys ``k1``/``k2`` -> ``vals``, half full."""
    from ..kernels import phrases as K

    cap = 1 << max(4, int(math.ceil(math.log2(max(1, k1.size) / 0.5))))
    keys1 = np.full(cap, K.EMPTY, np.int64)
    keys2 = np.zeros(cap if with_mid else 1, np.int64)
    values = np.zeros(cap, np.int64)
    K.table_insert(keys1, keys2, values, k1, k2, vals)
    return keys1, keys2, values


def apply_tables(ids: np.ndarray, tables, conn: np.ndarray, cx: Connectors):
    """Join ``ids`` (a stream with line marks) by each table in turn: (glue per position of the
    original stream, final ids, joins made per table)."""
    from ..kernels import phrases as K

    n = ids.shape[0]
    glue = np.zeros(n, np.uint8)
    ends = np.arange(n, dtype=np.int64)
    joins = []
    cur = ids
    for keys1, keys2, values in tables:
        out_ids = np.empty(cur.shape[0], np.int32)
        out_ends = np.empty(cur.shape[0], np.int64)
        m, j = K.join_pass(cur, ends, conn, cx.base, cx.max_run, keys1, keys2, values, glue, out_ids, out_ends)
        cur, ends = out_ids[:m], out_ends[:m]
        joins.append(int(j))
    return glue, cur, joins


def line_marked_ids(tokens: list, lengths: np.ndarray, token_ids: Callable[[list], np.ndarray]) -> np.ndarray:
    """Ids of a block's tokens with a line mark (``MARK``) after each sentence."""
    from ..kernels.phrases import MARK

    ids = token_ids(tokens)
    return np.insert(ids, np.cumsum(lengths), MARK).astype(np.int32, copy=False)
