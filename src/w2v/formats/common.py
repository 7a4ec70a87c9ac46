"""What every vector format shares: reading (possibly compressed) bytes in blocks, checking
words, limits and values, and choosing a compressor from a file name."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Sequence

import numpy as np

from ..corpus import DECODE_ERRORS, compression_of, open_binary
from ..errors import ConfigError, InputError

UNICODE_ERRORS = ("strict", "replace", "ignore")
BLOCK = 1 << 24  # bytes read at once
COMPRESSED = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz"}
F32 = np.dtype("<f4")


def _open(path: str | os.PathLike) -> tuple[BinaryIO, BinaryIO]:
    """Open for reading bytes, decompressing gzip, bzip2 or xz (told by their magic bytes)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder")
    if p.is_dir():
        raise InputError(f"{p}: is a folder, not a vector file (a native folder needs config.json)")
    return open_binary(str(p) if str(p) != "-" else "./-")  # a file named "-", not stdin


class Stream:
    """Reads a (possibly compressed) file in blocks; turns decompression failures into InputError."""

    def __init__(self, path: str | os.PathLike):
        self.name = str(path)
        self.fh, self.raw = _open(path)
        self.offset = 0  # bytes handed out so far (decompressed)
        self.map = None  # a plain file is memory-mapped: no copy, no allocation
        if self.fh is self.raw:
            import mmap

            try:
                self.map = mmap.mmap(self.raw.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):  # empty file, or not mappable
                self.map = None

    def rest(self):
        """The unread rest of a plain file as one buffer without copying it (None if compressed).
        Offsets into it are file offsets."""
        if self.map is None:
            return None
        self.offset = len(self.map)
        return self.map

    def read(self, n: int = BLOCK) -> bytes:
        if self.map is not None:
            data = self.map[self.offset : self.offset + n]
            self.offset += len(data)
            return data
        try:
            data = self.fh.read(n)
        except DECODE_ERRORS as exc:
            raise InputError(
                f"{self.name}: corrupt or truncated compressed data after byte {self.offset} ({exc})"
            ) from exc
        self.offset += len(data)
        return data

    def close(self) -> None:
        for f in (self.map, self.fh, self.raw):
            if f is None:
                continue
            try:
                f.close()
            except Exception:  # closing a broken compressed stream may complain again
                pass


def check_unicode_errors(unicode_errors: str) -> None:
    """``unicode_errors`` must be one of ``bytes.decode``'s three policies."""
    if unicode_errors not in UNICODE_ERRORS:
        raise ConfigError(f"unicode_errors must be one of {', '.join(UNICODE_ERRORS)}, not {unicode_errors!r}")


def check_limit(limit: int | None) -> None:
    if limit is not None and (not isinstance(limit, (int, np.integer)) or isinstance(limit, bool) or limit < 0):
        raise ConfigError(f"limit must be a non-negative integer or None, not {limit!r}")


def decode_words(name: str, raw: list[bytes], errors: str, where) -> list[str]:
    """Decode many words at once (joined by a space, which no word contains)."""
    joined = b" ".join(raw)
    try:
        text = joined.decode("utf-8", errors)
    except UnicodeDecodeError as exc:
        row = joined.count(b" ", 0, exc.start)
        raise InputError(
            f"{name}: {where(row)}: word {raw[row]!r} is not valid UTF-8 ({exc.reason}); "
            "load with unicode_errors='replace' or 'ignore' to accept it"
        ) from None
    words = text.split(" ")
    if len(words) != len(raw):  # only possible if 'replace'/'ignore' ate or made a space: never
        words = [w.decode("utf-8", errors) for w in raw]
    return words


def check_duplicates(name: str, words: Sequence[str], where) -> None:
    if len(set(words)) == len(words):
        return
    seen: dict[str, int] = {}
    for i, w in enumerate(words):
        if w in seen:
            raise InputError(f"{name}: {where(i)}: duplicate word {w!r} (first at {where(seen[w])})")
        seen[w] = i


def compression(path: str | os.PathLike) -> str | None:
    """``"gzip"``, ``"bz2"``, ``"xz"`` or None, from the file's magic bytes."""
    p = Path(path)
    if p.is_dir():
        return None
    try:
        with open(p, "rb") as fh:
            head = fh.read(6)
    except OSError as exc:
        raise InputError(f"{p}: cannot open ({exc.strerror or exc})") from exc
    return compression_of(head)


def count_lines(path: str | os.PathLike) -> int:
    """Lines in a (possibly compressed) file, the last one counted even without its newline."""
    s = Stream(path)
    n, last = 0, b"\n"
    try:
        while True:
            block = s.read()
            if not block:
                break
            n += block.count(b"\n")
            last = block[-1:]
    finally:
        s.close()
    return n + (last != b"\n")


def plain_size(name: str) -> int | None:
    if compression(name) is not None:
        return None
    try:
        return os.path.getsize(name)
    except OSError:
        return None


def suffixes(path: str | os.PathLike) -> tuple[str, str | None]:
    """(format suffix, compression) of a path: ``a.bin.gz`` -> (".bin", "gzip")."""
    p = Path(path)
    suf = p.suffix.lower()
    comp = COMPRESSED.get(suf)
    if comp:
        suf = Path(p.stem).suffix.lower()
    return suf, comp


def check_words(words: Sequence[str], vectors: np.ndarray, forbidden: str, fmt: str) -> np.ndarray:
    vectors = np.asarray(vectors)
    if vectors.ndim != 2:
        raise ConfigError(f"vectors must be a 2-D array, not {vectors.ndim}-D")
    if len(words) != vectors.shape[0]:
        raise ConfigError(f"{len(words)} words but {vectors.shape[0]} vectors")
    joined = "".join(words)
    if any(c in joined for c in forbidden):
        for i, w in enumerate(words):
            if any(c in w for c in forbidden) or not w:
                raise InputError(f"cannot save word {w!r} (row {i + 1}) in {fmt} format: "
                                 "it contains whitespace")
    if any(not w for w in words):
        raise InputError(f"cannot save an empty word (row {list(words).index('') + 1}) in {fmt} format")
    return vectors


def compressor(raw: BinaryIO, comp: str | None) -> BinaryIO:
    if comp == "gzip":
        import gzip

        return gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0)
    if comp == "bz2":
        import bz2

        return bz2.BZ2File(raw, "wb")
    if comp == "xz":
        import lzma

        return lzma.LZMAFile(raw, "wb")
    return raw


def check_finite(name: str, vectors: np.ndarray, where=lambda i: f"row {i}", words=None, chunk: int = 1 << 16) -> None:
    """Refuse NaN and infinite values, naming the first row that holds one (read in chunks, so a
    memory-mapped file is checked without loading it whole)."""
    for lo in range(0, len(vectors), chunk):
        block = np.asarray(vectors[lo: lo + chunk])
        ok = np.isfinite(block).all(axis=1) if block.ndim == 2 else np.isfinite(block)
        if not ok.all():
            i = lo + int(np.flatnonzero(~ok)[0])
            word = f" ({words[i]!r})" if words is not None and i < len(words) else ""
            raise InputError(f"{name}: {where(i)}{word} holds a NaN or infinite value")


def utf8_lines(path, data: bytes) -> list[str]:
    """The lines of a small UTF-8 file (no trailing empty line); invalid UTF-8 names the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{path}:{line}: not valid UTF-8") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
