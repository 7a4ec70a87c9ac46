"""Numba kernels for phrase learning: pair counting in an open-addressing table, pruning, joining.

Token streams are int32 id arrays in which id 0 marks the end of a line (``MARK``) and id 1 is a
word that can be part of no phrase (``UNKNOWN``). A *pair* is a left word ``a``, a right word
``b`` and, between them, a run of connector words encoded as one integer ``mid`` (0 when none):
``mid = ((c1 * base) + c2) * base + ...`` with connector codes ``1..base-1``. The table key is
``k1 = a << 32 | b`` and, when connectors are in use, ``k2 = mid``.

Tables are three parallel arrays: ``keys1`` (int64, ``EMPTY`` where free), ``keys2`` (int64;
a length-1 array when no connectors are used, then ``mid`` is always 0) and ``values`` (int64:
a count while counting, the joined token's id in a phrase table). Capacity is a power of two.
"""

from __future__ import annotations

import numpy as np
from numba import njit

MARK = 0
"""Id of the line end in a token stream."""
UNKNOWN = 1
"""Id of a word that is part of no phrase (the applier's id for every other word)."""
EMPTY = -1
"""``keys1`` of a free slot."""
ORDINARY = 0
"""``conn[id]`` of an ordinary word (connector words have codes 1..base-1)."""
NO_WORD = -1
"""The left word while there is none (at a line start, or after too long a run of connectors)."""

# Slots of count_tokens' state array, carried from one call to the next (see new_count_state).
STATE_ENTRIES = 0  # entries in the table
STATE_LEFT = 1  # the last ordinary word (NO_WORD if none)
STATE_MID = 2  # the connectors seen since it, encoded
STATE_RUN = 3  # how many connectors that is
STATE_WORDS = 4  # words counted (line marks not)

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xC2B2AE3D27D4EB4F)
_S = np.uint64(29)


@njit(inline="always")
def _slot(keys1, keys2, k1, k2):
    """Index of the slot holding (k1, k2), or of the free slot where it belongs."""
    mask = keys1.shape[0] - 1
    h = np.uint64(k1) * _M1
    h ^= np.uint64(k2) * _M2
    h ^= h >> _S
    i = np.int64(h & np.uint64(mask))
    with_mid = keys2.shape[0] == keys1.shape[0]
    while True:
        k = keys1[i]
        if k == EMPTY:
            return i
        if k == k1 and (not with_mid or keys2[i] == k2):
            return i
        i = (i + 1) & mask


@njit(nogil=True, cache=True)
def table_insert(keys1, keys2, values, k1s, k2s, vals):
    """Put keys (k2s ignored without connectors) with their values; returns how many were new."""
    with_mid = keys2.shape[0] == keys1.shape[0]
    new = 0
    for j in range(k1s.shape[0]):
        k2 = k2s[j] if with_mid else 0
        i = _slot(keys1, keys2, k1s[j], k2)
        if keys1[i] == EMPTY:
            keys1[i] = k1s[j]
            if with_mid:
                keys2[i] = k2
            new += 1
        values[i] = vals[j]
    return new


@njit(nogil=True, cache=True)
def table_filter(keys1, keys2, values, min_value):
    """Occupied entries whose value is at least ``min_value``: (k1, k2, value) arrays."""
    with_mid = keys2.shape[0] == keys1.shape[0]
    n = 0
    for i in range(keys1.shape[0]):
        if keys1[i] != EMPTY and values[i] >= min_value:
            n += 1
    o1 = np.empty(n, np.int64)
    o2 = np.zeros(n, np.int64)
    ov = np.empty(n, np.int64)
    j = 0
    for i in range(keys1.shape[0]):
        if keys1[i] != EMPTY and values[i] >= min_value:
            o1[j] = keys1[i]
            if with_mid:
                o2[j] = keys2[i]
            ov[j] = values[i]
            j += 1
    return o1, o2, ov


def new_count_state() -> np.ndarray:
    """A fresh state array for :func:`count_tokens`: an empty table, no left word."""
    state = np.zeros(5, dtype=np.int64)
    state[STATE_LEFT] = NO_WORD
    return state


@njit(nogil=True, cache=True)
def count_tokens(ids, start, conn, base, max_run, cross_lines, unigrams, keys1, keys2, counts, state, limit):
    """Count words and pairs of ``ids[start:]`` until done or the table holds more than ``limit``
    entries; returns the position reached (the caller grows or prunes the table and calls again).

    ``conn[id]`` is the connector code of a word (0 for an ordinary word). A pair is counted for
    each ordinary word and the ordinary word before it on the same line, if only connectors (at
    most ``max_run``) lie between them. With ``cross_lines`` the line end does not reset the left
    word (word2phrase's counting). ``state`` (slots ``STATE_*``: entries, left word, mid, run
    length, words seen) carries over between calls.
    """
    with_mid = keys2.shape[0] == keys1.shape[0]
    size = state[STATE_ENTRIES]
    a = state[STATE_LEFT]
    mid = state[STATE_MID]
    run = state[STATE_RUN]
    nw = state[STATE_WORDS]
    n = ids.shape[0]
    i = start
    while i < n:
        t = np.int64(ids[i])
        i += 1
        if t == MARK:
            if not cross_lines:
                a = NO_WORD
            mid = 0
            run = 0
            continue
        unigrams[t] += 1
        nw += 1
        c = conn[t]
        if c != ORDINARY:
            if a != NO_WORD:
                if run < max_run:
                    mid = mid * base + c
                    run += 1
                else:  # too long a run of connectors: no pair spans it
                    a = NO_WORD
                    mid = 0
                    run = 0
            continue
        if a != NO_WORD:
            k1 = (a << 32) | t
            j = _slot(keys1, keys2, k1, mid)
            if keys1[j] == EMPTY:
                keys1[j] = k1
                if with_mid:
                    keys2[j] = mid
                counts[j] = 1
                size += 1
            else:
                counts[j] += 1
        a = t
        mid = 0
        run = 0
        if size > limit:
            break
    state[STATE_ENTRIES] = size
    state[STATE_LEFT] = a
    state[STATE_MID] = mid
    state[STATE_RUN] = run
    state[STATE_WORDS] = nw
    return i


@njit(nogil=True, cache=True)
def rehash(keys1, keys2, counts, new_keys1, new_keys2, new_counts, min_keep):
    """Copy entries with count >= ``min_keep`` into the (empty) new table; returns how many."""
    with_mid = keys2.shape[0] == keys1.shape[0]
    n = 0
    for i in range(keys1.shape[0]):
        k1 = keys1[i]
        if k1 == EMPTY or counts[i] < min_keep:
            continue
        k2 = keys2[i] if with_mid else 0
        j = _slot(new_keys1, new_keys2, k1, k2)
        new_keys1[j] = k1
        if with_mid:
            new_keys2[j] = k2
        new_counts[j] = counts[i]
        n += 1
    return n


@njit(nogil=True, cache=True)
def join_pass(ids, ends, conn, base, max_run, keys1, keys2, values, glue, out_ids, out_ends):
    """One left-to-right joining pass over a stream; returns (tokens out, joins made).

    At each ordinary word ``a``, skip at most ``max_run`` connectors to the next word ``b`` of the
    same line; if (a, connectors, b) is in the phrase table, emit the phrase's id and go on after
    ``b`` (so a joined token does not join again in this pass), else emit ``a`` and go on at the
    next token. ``ends[k]`` is the position (in the original stream) of the last original token
    of token k; every gap inside a join sets ``glue`` at the original token before it.
    """
    n = ids.shape[0]
    o = 0
    joins = 0
    i = 0
    while i < n:
        t = np.int64(ids[i])
        if t != MARK and conn[t] == ORDINARY:
            j = i + 1
            mid = 0
            run = 0
            while j < n and ids[j] != MARK and conn[ids[j]] != ORDINARY and run < max_run:
                mid = mid * base + conn[ids[j]]
                run += 1
                j += 1
            if j < n and ids[j] != MARK and conn[ids[j]] == ORDINARY:
                s = _slot(keys1, keys2, (t << 32) | np.int64(ids[j]), mid)
                if keys1[s] != EMPTY:
                    out_ids[o] = values[s]
                    out_ends[o] = ends[j]
                    o += 1
                    for k in range(i, j):
                        glue[ends[k]] = 1
                    joins += 1
                    i = j + 1
                    continue
        out_ids[o] = t
        out_ends[o] = ends[i]
        o += 1
        i += 1
    return o, joins
