"""word2vec binary rows: per row the word's UTF-8 bytes, one space, ``dim`` float32
little-endian, and (word2vec C writes it, gensim does not) a newline."""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .common import F32, Stream, plain_size

_MAX_WORD = 1 << 16  # a binary row whose word runs longer than this is damaged


def read_binary_rows(s: Stream, buf: bytes, pos: int, count: int, n: int, dim: int, check_rest: bool):
    """The first ``n`` of ``count`` rows from ``buf[pos:]`` on (``buf`` is the whole file when it
    is memory-mapped, else its first block): ``(raw words, float32 [n, dim], where)``, where
    ``where(k)`` names row k for error messages. ``check_rest``: refuse data after the rows."""
    name = s.name
    rowbytes = 4 * dim
    size = plain_size(name)
    if size is not None and (size - pos) < n * (rowbytes + 2):
        raise InputError(
            f"{name}: truncated: the header announces {count} vectors of dimension {dim} "
            f"(at least {n * (rowbytes + 2)} bytes), but only {size - pos} bytes follow it"
        )
    words: list[bytes] = []
    starts: list[int] = []  # file offset of each row's vector
    pieces: list[bytes] = []
    base = 0  # file offset of buf[0]
    i = 0
    eof = False
    while True:
        # The tight loop: find each word's end, note where its vector starts. Words are
        # checked in bulk afterwards; the vectors are copied in one join.
        end = len(buf)
        find = buf.find
        first = len(words)
        add_word, add_start = words.append, starts.append
        while i < n:
            p = pos
            if p < end and buf[p] == 10:  # word2vec C ends rows with "\n"; gensim does not
                p += 1
            sp = find(b" ", p, p + _MAX_WORD)
            if sp < 0 or sp + 1 + rowbytes > end:
                if sp < 0 and end - p >= _MAX_WORD:
                    raise InputError(f"{name}: row {i + 1} (byte {base + p}): no space after the word "
                                     f"within {_MAX_WORD} bytes; damaged file or wrong dimension in the header?")
                break
            add_word(buf[p:sp])
            add_start(sp + 1)
            pos = sp + 1 + rowbytes
            i += 1
        if len(words) > first:
            mv = memoryview(buf)
            out = bytearray((len(words) - first) * rowbytes)
            at = 0
            for st in starts[first:]:
                out[at : at + rowbytes] = mv[st : st + rowbytes]
                at += rowbytes
            del mv
            pieces.append(out)
            if base:
                for k in range(first, len(starts)):
                    starts[k] += base
        if i >= n:
            break
        if eof:
            rest = buf[pos:].lstrip(b"\n")
            if not rest:
                raise InputError(f"{name}: truncated: the header announces {count} vectors, "
                                 f"the file ends after {i} (byte {base + len(buf)})")
            raise InputError(f"{name}: truncated inside row {i + 1} (which starts at byte "
                             f"{base + len(buf) - len(rest)}): the header announces {count} vectors "
                             f"of dimension {dim}")
        more = s.read()
        eof = not more
        base += pos
        buf = buf[pos:] + more
        pos = 0
    _check_binary_words(name, words, starts, dim)
    if check_rest:
        _check_nothing_after(s, buf[pos:], base + pos, count)
    where = lambda k: f"row {k + 1} (byte {starts[k] - len(words[k]) - 1})"  # noqa: E731
    if len(pieces) == 1:
        vectors = np.frombuffer(pieces[0], dtype=F32).reshape(-1, dim)
    elif pieces:
        vectors = np.concatenate([np.frombuffer(p, dtype=F32).reshape(-1, dim) for p in pieces])
    else:
        vectors = np.zeros((0, dim), dtype=np.float32)
    return words, vectors, where


def _check_nothing_after(s: Stream, rest: bytes, base: int, count: int) -> None:
    """Only newlines may follow the last row (``rest``, at file offset ``base``, and the stream)."""
    while True:
        stripped = rest.lstrip(b"\n")
        if stripped:
            raise InputError(f"{s.name}: byte {base + len(rest) - len(stripped)}: data after the "
                             f"{count} vectors the header announces (wrong count in the header?)")
        more = s.read()
        if not more:
            return
        base += len(rest)
        rest = more


def _check_binary_words(name: str, words: list[bytes], starts: list[int], dim: int) -> None:
    """Words of a binary file hold no NUL, tab or newline and are not empty; anything else means
    a damaged file or a wrong dimension in the header. Extra newlines before a word are dropped."""
    joined = b" ".join(words)
    if b"\x00" not in joined and b"\n" not in joined and b"\t" not in joined and b"  " not in joined \
            and (not words or words[0] and words[-1]):
        return
    for k, word in enumerate(words):
        if word.startswith(b"\n"):
            word = words[k] = word.lstrip(b"\n")
        if not word or b"\n" in word or b"\x00" in word or b"\t" in word:
            at = starts[k] - len(word) - 1
            raise InputError(f"{name}: row {k + 1} (byte {at}): bad word {word[:40]!r}; the file is damaged "
                             f"or the header's dimension ({dim}) is wrong")


def binary_rows(words: list[str], block: np.ndarray) -> bytes:
    """Rows of a block of vectors (float32), ready to write."""
    rowbytes = block.shape[1] * 4
    data = block.tobytes()
    enc = [w.encode("utf-8") for w in words]
    parts: list[bytes] = []
    for i, w in enumerate(enc):
        parts.append(w + b" ")
        parts.append(data[i * rowbytes : (i + 1) * rowbytes])
        parts.append(b"\n")
    return b"".join(parts)
