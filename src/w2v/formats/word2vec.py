"""word2vec files, text and binary (and fastText's ``.vec``, and GloVe's text without header):
the header, telling text from binary by content, and the readers and writer of whole files.

Text::

    count dim
    word v1 v2 ... vdim

Binary: the same header line, then per row the word's UTF-8 bytes, one space, ``dim`` float32
little-endian, and (word2vec C writes it, gensim does not) a newline. GloVe: text rows with no
header line. Any of them may be compressed (gzip, bzip2, xz: told by magic bytes on read,
chosen by the suffix on write).
"""

from __future__ import annotations

import os
from typing import Sequence

import numpy as np

from ..atomic import atomic_file, check_writable
from ..errors import InputError
from .binary import binary_rows, read_binary_rows
from .common import (F32, Stream, check_duplicates, check_finite, check_limit, check_unicode_errors, check_words,
                     compressor, decode_words, suffixes)
from .text import read_text_rows, text_rows

BINARY_SUFFIXES = {".bin"}
# Control bytes: never in text (tab, newline and carriage return aside), common in float32 data.
_TEXT_CONTROL = bytes([b for b in range(32) if b not in (9, 10, 13)] + [127])
_SNIFF = 1 << 16  # bytes read to tell the format


def _parse_header(name: str, data: bytes) -> tuple[int, int, int]:
    """(count, dim, offset of the first row) from the start of a word2vec file."""
    if not data:
        raise InputError(f"{name}: the file is empty, expected a header line 'count dim'")
    end = data.find(b"\n", 0, 1024)
    if end < 0:
        if len(data) < 1024 and data.strip() and len(data.split()) == 2:
            end = len(data)  # a header with no rows and no newline
        else:
            raise InputError(f"{name}:1: no header line 'count dim' (is this a word2vec file?)")
    line = data[:end]
    parts = line.split()
    try:
        count, dim = (int(x) for x in parts) if len(parts) == 2 else (None, None)
    except ValueError:
        count = dim = None
    if count is None or count < 0 or dim is None or dim < 1:
        shown = line.decode("utf-8", "replace").strip()[:60]
        raise InputError(
            f"{name}:1: bad header {shown!r}, expected 'count dim' (two integers, dim at least 1)"
        )
    return count, dim, end + 1


def _looks_binary(first: bytes, dim: int, name: str = "") -> bool:
    """Is the first row (the bytes after the header) binary rather than text?

    Text if the first line is a word and ``dim`` numbers. Otherwise binary if the bytes after
    the first word hold what text never does: control bytes, or (on the same line) bytes that
    are not ASCII. With no evidence either way (a damaged first line), the name decides
    (``.bin``), so that the error message speaks of the right format.
    """
    first = first.lstrip(b"\n")
    nl = first.find(b"\n")
    line = first if nl < 0 else first[:nl]
    parts = line.split()
    if len(parts) == dim + 1:
        try:
            [float(x) for x in parts[1:]]
            return False
        except ValueError:
            pass
    sp = first.find(b" ")
    if sp >= 0:
        region = first[sp + 1 : sp + 1 + 4 * dim]
        if region.translate(None, _TEXT_CONTROL) != region:
            return True
        if any(b >= 0x80 for b in region.split(b"\n", 1)[0]):
            return True
    return suffixes(name)[0] in BINARY_SUFFIXES if name else False


def _headerless_dim(data: bytes) -> int | None:
    """The dimension if the file starts with a row rather than a header: a word and at least two
    numbers (a header has two fields, so a GloVe file of dimension 1 needs ``no_header=True``)."""
    end = data.find(b"\n")
    parts = (data if end < 0 else data[:end]).split()
    if len(parts) < 2:
        return None
    try:
        [float(x) for x in parts[1:]]
    except ValueError:
        return None
    return len(parts) - 1


def sniff(path: str | os.PathLike, no_header: bool | None = None) -> tuple[int | None, int, bool, int, bytes]:
    """``(count or None, dim, binary, offset of the first row, first bytes)`` of a word2vec or
    GloVe file. ``no_header`` None: a first line that is a word and numbers, not ``count dim``,
    means GloVe."""
    s = Stream(path)
    try:
        data = s.read(_SNIFF)
    finally:
        s.close()
    return _layout(s.name, data, no_header) + (data,)


def _layout(name: str, data: bytes, no_header: bool | None) -> tuple[int | None, int, bool, int]:
    if no_header is None:
        dim = _headerless_dim(data)
        first = data.split(b"\n", 1)[0].split()
        no_header = dim is not None and len(first) > 2
    if no_header:
        dim = _headerless_dim(data)
        if dim is None:
            raise InputError(f"{name}:1: expected a word and its values (a file without header, as GloVe's)")
        return None, dim, False, 0
    count, dim, start = _parse_header(name, data)
    return count, dim, _looks_binary(data[start:], dim, name), start


def load_word2vec(
    path: str | os.PathLike,
    limit: int | None = None,
    unicode_errors: str = "strict",
    binary: bool | None = None,
    no_header: bool | None = None,
) -> tuple[list[str], np.ndarray]:
    """Read a word2vec text or binary file (or fastText ``.vec``, or GloVe text), plain or compressed.

    Returns ``(words, vectors)`` with ``vectors`` float32 ``[n, dim]``. ``limit`` keeps the first
    ``limit`` rows (the rest of the file is not read). ``binary`` forces the format; by default it
    is detected from the content. ``no_header`` True reads a file without the ``count dim`` line
    (GloVe's), False requires it; by default a first line of a word and numbers means none.
    ``unicode_errors`` says what to do with words that are not UTF-8 (``"strict"``: an error;
    ``"replace"``, ``"ignore"``: as in ``bytes.decode``).
    """
    check_unicode_errors(unicode_errors)
    check_limit(limit)
    s = Stream(path)
    try:
        data = s.read(_SNIFF)
        count, dim, is_binary, start = _layout(s.name, data, no_header)
        if binary is not None:
            if binary and count is None:
                raise InputError(f"{s.name}: a binary word2vec file needs its header; "
                                 "files without one (GloVe's) are text")
            is_binary = bool(binary)
        if count is None:  # no header: every row, or the first `limit`
            n, check_rest = (int(limit) if limit is not None else 1 << 62), False
        else:
            n = count if limit is None else min(count, int(limit))
            check_rest = limit is None or limit >= count
        if is_binary:
            whole = s.rest()
            raw, vectors, where = read_binary_rows(s, data if whole is None else whole, start, count, n, dim,
                                                   check_rest)
        else:
            raw, vectors, where = read_text_rows(s, data, start, count, n, dim, check_rest)
    finally:
        s.close()
    words = decode_words(s.name, raw, unicode_errors, where)
    check_duplicates(s.name, words, where)
    check_finite(s.name, vectors, where, words)
    return words, vectors


def save_word2vec(
    path: str | os.PathLike,
    words: Sequence[str],
    vectors: np.ndarray,
    binary: bool | None = None,
    header: bool = True,
) -> None:
    """Write word2vec binary (``binary=True``, or a ``.bin`` name) or text (otherwise);
    ``header=False`` leaves out the ``count dim`` line (GloVe's text format).

    A ``.gz``/``.bz2``/``.xz`` suffix compresses. Text values are written with 9 significant
    digits, enough to read back the same float32 bits. The write is atomic.
    """
    words = list(words)
    suf, comp = suffixes(path)
    if binary is None:
        binary = suf in BINARY_SUFFIXES and header
    if binary and not header:
        raise InputError(f"{path}: a binary word2vec file needs its header (header=False is for text)")
    vectors = check_words(words, vectors, " \t\n\r\x0b\x0c" if not binary else " \n", "word2vec")
    n, dim = vectors.shape
    check_writable(path)
    with atomic_file(path, "wb") as raw:
        fh = compressor(raw, comp)
        try:
            if header:
                fh.write(f"{n} {dim}\n".encode())
            step = max(1, (1 << 20) // max(1, dim * 4))  # 1 MB of vectors a write
            for lo in range(0, n, step):
                block = np.ascontiguousarray(vectors[lo : lo + step], dtype=F32)
                ws = words[lo : lo + step]
                if binary:
                    fh.write(binary_rows(ws, block))
                else:
                    fh.write(text_rows(ws, block))
        finally:
            if fh is not raw:
                fh.close()
