"""Numba kernels of the counting pass: split bytes into words, number them, write the id stream.

:func:`count_bytes` reads a chunk of whole lines as :class:`w2v.corpus.TextSource` reads it
(decoded as UTF-8 with ``errors="replace"``, lines split on ``\\n``, words on what Python's
``str.split()`` calls whitespace, long lines cut every ``max_sentence`` words) without making a
Python string. Each word is looked up by its *canonical bytes* (the UTF-8 encoding of the word
Python would decode: each invalid sequence becomes U+FFFD, as the decoder replaces it; words are
delimited by ASCII or complete multi-byte whitespace, never inside a sequence, so decoding a
word alone gives what decoding the whole chunk gives) in open-addressing tables.

A table is a tuple of arrays (see :class:`w2v.wordtable.WordTable`): ``slots`` (int32, a power
of two, ``EMPTY`` where free) holds entry numbers; per entry, ``hashes`` (uint64) and ``offs``
(int64: the word's bytes are ``arena[offs[e]:offs[e + 1] - 1]``, each word followed by a
``\n`` so a run of new words decodes in one call). Entries follow first appearance.

Threads share the corpus-wide (``base``) table read-only; each puts the words it lacks in a table
of its own, which :func:`merge_new` then enters into ``base`` in order, and :func:`resolve`
rewrites the thread's ids and counts them. :func:`count_bytes` stops early, at a word's start,
when its own table needs room; the caller grows it and calls again with the same ``state``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

EMPTY = -1
"""A free slot."""
SEP = -1
"""End of a sentence in the id stream."""
OOV = -2
"""A word outside a frozen (fixed) table."""

# What count_bytes returns.
DONE, TABLE_FULL, ARENA_FULL = 0, 1, 2

# Slots of the state array carried from one call to the next.
ST_POS = 0        # next byte of the chunk to read
ST_SENT = 1       # words in the sentence being written
ST_ENTRIES = 2    # entries in the table
ST_OUT = 3        # entries written to the output buffer
ST_TOKENS = 4     # words read
ST_SENTENCES = 5  # sentences ended
ST_SIZE = 6

# Byte classes: a word byte (ASCII), whitespace that is not a newline, the newline, a byte >= 0x80
# inside a word, and a lead byte that may begin a multi-byte whitespace character.
C_WORD, C_SPACE, C_NEWLINE, C_HIGH, C_LEAD = 0, 1, 2, 3, 4

_H0 = np.uint64(0xCBF29CE484222325)  # FNV-1a, 64 bits
_P = np.uint64(0x100000001B3)


def byte_classes() -> np.ndarray:
    cls = np.zeros(256, dtype=np.uint8)
    cls[0x80:] = C_HIGH
    for b in (0x09, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20):
        cls[b] = C_SPACE
    cls[0x0A] = C_NEWLINE
    for b in (0xC2, 0xE1, 0xE2, 0xE3):
        cls[b] = C_LEAD
    return cls


CLASSES = byte_classes()


@njit(cache=True)
def _space_len(buf, i, end):
    """Length of the multi-byte whitespace character at ``buf[i]`` (a C_LEAD byte), else 0:
    U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000. A lead
    byte is never a continuation byte, so the decoder is at a character boundary here."""
    b = buf[i]
    if i + 1 >= end:
        return 0
    c = buf[i + 1]
    if b == 0xC2:
        return 2 if (c == 0x85 or c == 0xA0) else 0
    if i + 2 >= end:
        return 0
    d = buf[i + 2]
    if b == 0xE1:
        return 3 if (c == 0x9A and d == 0x80) else 0
    if b == 0xE3:
        return 3 if (c == 0x80 and d == 0x80) else 0
    if c == 0x80:  # b == 0xE2
        return 3 if ((0x80 <= d <= 0x8A) or d == 0xA8 or d == 0xA9 or d == 0xAF) else 0
    if c == 0x81:
        return 3 if d == 0x9F else 0
    return 0


@njit(cache=True)
def _replacement(out, k):
    out[k] = 0xEF
    out[k + 1] = 0xBF
    out[k + 2] = 0xBD
    return k + 3


@njit(cache=True)
def canonical(buf, lo, hi, out):
    """Write the UTF-8 encoding of ``buf[lo:hi].decode("utf-8", "replace")`` to ``out`` (at
    least 3 * (hi - lo) long); returns its length. Each maximal invalid subpart (an invalid
    byte, or the valid start of a sequence cut short) becomes one U+FFFD, as in CPython."""
    k = 0
    i = lo
    while i < hi:
        b = buf[i]
        if b < 0x80:
            out[k] = b
            k += 1
            i += 1
            continue
        lo2, hi2, need = 0x80, 0xBF, 0
        if 0xC2 <= b <= 0xDF:
            need = 1
        elif b == 0xE0:
            lo2, need = 0xA0, 2
        elif b == 0xED:
            hi2, need = 0x9F, 2
        elif 0xE1 <= b <= 0xEF:
            need = 2
        elif b == 0xF0:
            lo2, need = 0x90, 3
        elif b == 0xF4:
            hi2, need = 0x8F, 3
        elif 0xF1 <= b <= 0xF3:
            need = 3
        if need == 0:  # 0x80-0xC1, 0xF5-0xFF: never valid first
            k = _replacement(out, k)
            i += 1
            continue
        j = 1
        while j <= need:
            if i + j >= hi:
                break
            c = buf[i + j]
            if j == 1:
                if c < lo2 or c > hi2:
                    break
            elif c < 0x80 or c > 0xBF:
                break
            j += 1
        if j <= need:  # cut short after j - 1 valid continuation bytes
            k = _replacement(out, k)
            i += j
            continue
        for t in range(need + 1):
            out[k + t] = buf[i + t]
        k += need + 1
        i += need + 1
    return k


@njit(cache=True)
def _hash(key, lo, hi):
    h = _H0
    for i in range(lo, hi):
        h = (h ^ np.uint64(key[i])) * _P
    return h


@njit(cache=True)
def _find(key, lo, hi, h, slots, hashes, offs, arena):
    """The slot of the word ``key[lo:hi]`` (hash ``h``), or of the free slot where it belongs."""
    mask = np.uint64(slots.shape[0] - 1)
    s = np.int64((h ^ (h >> np.uint64(29))) & mask)
    n = hi - lo
    while True:
        e = slots[s]
        if e == EMPTY:
            return s
        if hashes[e] == h:
            a = offs[e]
            if offs[e + 1] - 1 - a == n:
                same = True
                for t in range(n):
                    if arena[a + t] != key[lo + t]:
                        same = False
                        break
                if same:
                    return s
        s = np.int64((np.uint64(s) + np.uint64(1)) & mask)


@njit(cache=True)
def _add(key, lo, hi, h, s, n, slots, hashes, offs, arena):
    """Make ``key[lo:hi]`` entry ``n``, at the free slot ``s`` (the caller checked the room)."""
    a = offs[n]
    for t in range(hi - lo):
        arena[a + t] = key[lo + t]
    arena[a + hi - lo] = 10
    offs[n + 1] = a + hi - lo + 1
    hashes[n] = h
    slots[s] = n


@njit(nogil=True, cache=True)
def count_bytes(buf, end, cls, base, own, frozen, out, max_sentence, state):
    """Split ``buf[state[ST_POS]:end]`` into words and sentences and write the id stream to
    ``out`` (at least ``end - start + 1`` long, enough for any text).

    A word of the ``base`` table (slots, hashes, offs, arena) is written as its entry; any other
    as ``OOV`` if ``frozen``, else as ``-3 - e`` for its entry ``e`` in the ``own`` table, where
    new words are added (the caller merges them into ``base`` later, in order). Returns DONE, or
    TABLE_FULL / ARENA_FULL (``own`` needs room) with ``state`` at the start of a word."""
    b_slots, b_hashes, b_offs, b_arena = base
    slots, hashes, offs, arena = own
    i, sent, n, k = state[ST_POS], state[ST_SENT], state[ST_ENTRIES], state[ST_OUT]
    tokens, sentences = state[ST_TOKENS], state[ST_SENTENCES]
    limit = min(hashes.shape[0], slots.shape[0] // 2)
    scratch = np.empty(64, dtype=np.uint8)
    status = DONE
    while i < end:
        c = cls[buf[i]]
        if c == C_SPACE or c == C_NEWLINE:
            if c == C_NEWLINE and sent > 0:
                out[k] = SEP
                k += 1
                sentences += 1
                sent = 0
            i += 1
            continue
        if c == C_LEAD:
            w = _space_len(buf, i, end)
            if w:
                i += w
                continue
        # a word: find its end, hashing its bytes and noting bytes >= 0x80
        j = i
        h = _H0
        high = False
        while j < end:
            b = buf[j]
            cj = cls[b]
            if cj == C_SPACE or cj == C_NEWLINE:
                break
            if cj != C_WORD:
                if cj == C_LEAD and _space_len(buf, j, end):
                    break
                high = True
            h = (h ^ np.uint64(b)) * _P
            j += 1
        ln = j - i
        if high:  # look the word up by its canonical bytes
            if scratch.shape[0] < 3 * ln:
                scratch = np.empty(3 * ln, dtype=np.uint8)
            ln = canonical(buf, i, j, scratch)
            h = _hash(scratch, 0, ln)
            e = _lookup(scratch, 0, ln, h, b_slots, b_hashes, b_offs, b_arena)
        else:
            e = _lookup(buf, i, j, h, b_slots, b_hashes, b_offs, b_arena)
        if e == EMPTY:
            if frozen:
                e = OOV
            else:
                if high:
                    s = _find(scratch, 0, ln, h, slots, hashes, offs, arena)
                else:
                    s = _find(buf, i, j, h, slots, hashes, offs, arena)
                e = slots[s]
                if e == EMPTY:
                    if n >= limit:
                        status = TABLE_FULL
                        break
                    if offs[n] + ln + 1 > arena.shape[0]:
                        status = ARENA_FULL
                        break
                    if high:
                        _add(scratch, 0, ln, h, s, n, slots, hashes, offs, arena)
                    else:
                        _add(buf, i, j, h, s, n, slots, hashes, offs, arena)
                    e = n
                    n += 1
                e = -3 - e
        if sent == max_sentence:
            out[k] = SEP
            k += 1
            sentences += 1
            sent = 0
        out[k] = e
        k += 1
        sent += 1
        tokens += 1
        i = j
    if status == DONE and sent > 0:  # the last line ends with the chunk
        out[k] = SEP
        k += 1
        sentences += 1
        sent = 0
    state[ST_POS], state[ST_SENT], state[ST_ENTRIES], state[ST_OUT] = i, sent, n, k
    state[ST_TOKENS], state[ST_SENTENCES] = tokens, sentences
    return status


@njit(cache=True)
def _lookup(key, lo, hi, h, slots, hashes, offs, arena):
    """The entry of ``key[lo:hi]``, or EMPTY."""
    return slots[_find(key, lo, hi, h, slots, hashes, offs, arena)]


@njit(nogil=True, cache=True)
def merge_new(base, own, n_base, n_own, to_base):
    """Enter the ``own`` table's entries 0..n_own-1, in order, into ``base`` (which holds
    ``n_base`` and has room for all of them); ``to_base[e]`` gets each one's entry there.
    Returns the new size of ``base``."""
    slots, hashes, offs, arena = base
    o_hashes, o_offs, o_arena = own[1], own[2], own[3]
    n = n_base
    for e in range(n_own):
        a, z, h = o_offs[e], o_offs[e + 1] - 1, o_hashes[e]
        s = _find(o_arena, a, z, h, slots, hashes, offs, arena)
        if slots[s] == EMPTY:
            _add(o_arena, a, z, h, s, n, slots, hashes, offs, arena)
            n += 1
        to_base[e] = slots[s]
    return n


@njit(nogil=True, cache=True)
def resolve(out, n, to_base, counts):
    """Turn the own-table references (``-3 - e``) of ``out[:n]`` into base entries and count
    every word (``counts`` is indexed by base entry)."""
    for t in range(n):
        e = out[t]
        if e <= -3:
            e = to_base[-3 - e]
            out[t] = e
        if e >= 0:
            counts[e] += 1


@njit(nogil=True, cache=True)
def insert_words(table, lens):
    """Enter words given back to back in ``arena`` (``lens`` of them, each followed by ``\\n``)
    as entries 0.. of an empty table; returns how many there are (a repeated word is skipped)."""
    slots, hashes, offs, arena = table
    n = 0
    a = 0
    for i in range(lens.shape[0]):
        ln = lens[i]
        h = _hash(arena, a, a + ln)
        s = _find(arena, a, a + ln, h, slots, hashes, offs, arena)
        if slots[s] == EMPTY:
            _add(arena, a, a + ln, h, s, n, slots, hashes, offs, arena)
            n += 1
        a += ln + 1
    return n


@njit(nogil=True, cache=True)
def rehash(slots, hashes, n):
    """Fill an empty ``slots`` array with entries 0..n-1 (after growing it or pruning)."""
    mask = np.uint64(slots.shape[0] - 1)
    for e in range(n):
        h = hashes[e]
        s = np.int64((h ^ (h >> np.uint64(29))) & mask)
        while slots[s] != EMPTY:
            s = np.int64((np.uint64(s) + np.uint64(1)) & mask)
        slots[s] = e


@njit(nogil=True, cache=True)
def compact(keep, hashes, offs, arena, counts):
    """Keep the entries where ``keep`` is true, in order (pruning); returns how many remain.
    The caller clears and refills the slots with :func:`rehash`."""
    n = 0
    for e in range(keep.shape[0]):
        if keep[e]:
            a, ln = offs[e], offs[e + 1] - offs[e]
            b = offs[n]
            if a != b:
                for t in range(ln):
                    arena[b + t] = arena[a + t]
            hashes[n] = hashes[e]
            counts[n] = counts[e]
            offs[n + 1] = b + ln
            n += 1
    return n
