"""Vector file formats: word2vec text and binary, fastText ``.vec``, and the native folder.

word2vec text (``.txt``; fastText's ``.vec`` is the same format)::

    count dim
    word v1 v2 ... vdim
    ...

word2vec binary (``.bin``): the same header line, then per row the word's UTF-8 bytes, one
space, ``dim`` float32 little-endian, and (word2vec C writes it, gensim does not) a newline.

Both may be compressed with gzip, bzip2 or xz: recognised by their magic bytes on read, chosen
by the suffix (``.gz``, ``.bz2``, ``.xz``) on write. Text or binary is told apart by content,
not by name.

The native folder (shared with the trainer, which adds its own files)::

    config.json   {"w2v_format": 1, "kind": "vectors" | "model", ...}
    vocab.tsv     word<TAB>count, one line a row, in row order
    vectors.npy   float32 [count, dim], memory-mapped on load

Every reader checks what it reads: a bad header, a short or long row, a truncated file, a
dimension that does not match, duplicate words all give an :class:`InputError` naming the file
and the line (text) or the row and byte offset (binary). No half-load is ever returned.
Every writer goes through :mod:`w2v.atomic`, so a failed save leaves nothing at the destination.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import BinaryIO, Sequence

import numpy as np

from .atomic import atomic_dir, atomic_file, check_writable
from .corpus import compression_of, open_binary
from .errors import ConfigError, InputError

TEXT, BINARY, NATIVE = "text", "binary", "native"
FORMAT_VERSION = 1
UNICODE_ERRORS = ("strict", "replace", "ignore")

_BLOCK = 1 << 24  # bytes read at once
_MAX_WORD = 1 << 16  # a binary row whose word runs longer than this is damaged
_COMPRESSED = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz"}
_BINARY_SUFFIXES = {".bin"}
_TEXT_SUFFIXES = {".txt", ".vec", ".w2v", ".tsv"}
# Control bytes: never in text (tab, newline and carriage return aside), common in float32 data.
_TEXT_CONTROL = bytes([b for b in range(32) if b not in (9, 10, 13)] + [127])
_F32 = np.dtype("<f4")


# ----------------------------------------------------------------------------- helpers


def _open(path: str | os.PathLike) -> tuple[BinaryIO, BinaryIO]:
    """Open for reading bytes, decompressing gzip, bzip2 or xz (told by their magic bytes)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder")
    if p.is_dir():
        raise InputError(f"{p}: is a folder, not a vector file (a native folder needs config.json)")
    return open_binary(str(p) if str(p) != "-" else "./-")  # a file named "-", not stdin


class _Stream:
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

    def read(self, n: int = _BLOCK) -> bytes:
        import lzma
        import zlib

        if self.map is not None:
            data = self.map[self.offset : self.offset + n]
            self.offset += len(data)
            return data
        try:
            data = self.fh.read(n)
        except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
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


def _check_errors_policy(unicode_errors: str) -> None:
    if unicode_errors not in UNICODE_ERRORS:
        raise ConfigError(f"unicode_errors must be one of {', '.join(UNICODE_ERRORS)}, not {unicode_errors!r}")


def _check_limit(limit: int | None) -> None:
    if limit is not None and (not isinstance(limit, (int, np.integer)) or isinstance(limit, bool) or limit < 0):
        raise ConfigError(f"limit must be a non-negative integer or None, not {limit!r}")


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
    return _suffixes(name)[0] in _BINARY_SUFFIXES if name else False


def _decode_words(name: str, raw: list[bytes], errors: str, where) -> list[str]:
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


def _check_duplicates(name: str, words: Sequence[str], where) -> None:
    if len(set(words)) == len(words):
        return
    seen: dict[str, int] = {}
    for i, w in enumerate(words):
        if w in seen:
            raise InputError(f"{name}: {where(i)}: duplicate word {w!r} (first at {where(seen[w])})")
        seen[w] = i


# ----------------------------------------------------------------------------- detection


def detect_format(path: str | os.PathLike) -> str:
    """``"native"`` (a folder with config.json), ``"binary"`` or ``"text"`` (word2vec/fastText)."""
    p = Path(path)
    if p.is_dir():
        if not (p / "config.json").exists():
            raise InputError(f"{p}: folder without config.json, not a w2v vectors folder")
        return NATIVE
    return _sniff(p)[2]


def _sniff(p: Path) -> tuple[int, int, str]:
    """(count, dimension, BINARY or TEXT) of a word2vec file, from its first 64 KiB."""
    s = _Stream(p)
    try:
        data = s.read(1 << 16)
    finally:
        s.close()
    count, dim, start = _parse_header(str(p), data)
    return count, dim, BINARY if _looks_binary(data[start:], dim, str(p)) else TEXT


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


def read_header(path: str | os.PathLike) -> dict:
    """Format, size and dimension without reading the vectors (used by ``w2v info``)."""
    p = Path(path)
    if p.is_dir():
        cfg = _read_config(p)
        words, _counts = _read_vocab(p / "vocab.tsv", limit=None)
        shape = _npy_shape(p / "vectors.npy")
        return {"format": NATIVE, "compression": None, "count": shape[0], "dim": shape[1],
                "kind": cfg.get("kind"), "words": words[:10]}
    count, dim, fmt = _sniff(p)
    return {"format": fmt, "compression": compression(p), "count": count, "dim": dim, "kind": "vectors"}


# ----------------------------------------------------------------------------- word2vec read


def load_word2vec(
    path: str | os.PathLike,
    limit: int | None = None,
    unicode_errors: str = "strict",
    binary: bool | None = None,
) -> tuple[list[str], np.ndarray]:
    """Read a word2vec text or binary file (or fastText ``.vec``), plain or compressed.

    Returns ``(words, vectors)`` with ``vectors`` float32 ``[n, dim]``. ``limit`` keeps the first
    ``limit`` rows (the rest of the file is not read). ``binary`` forces the format; by default it
    is detected from the content. ``unicode_errors`` says what to do with words that are not
    UTF-8 (``"strict"``: an error; ``"replace"``, ``"ignore"``: as in ``bytes.decode``).
    """
    _check_errors_policy(unicode_errors)
    _check_limit(limit)
    s = _Stream(path)
    try:
        data = s.read(1 << 16)
        count, dim, start = _parse_header(s.name, data)
        is_binary = _looks_binary(data[start:], dim, s.name) if binary is None else bool(binary)
        n = count if limit is None else min(count, int(limit))
        check_rest = limit is None or limit >= count
        if is_binary:
            whole = s.rest()
            raw, vectors, where = _read_binary_rows(s, data if whole is None else whole, start, count, n, dim,
                                                    check_rest)
        else:
            raw, vectors, where = _read_text_rows(s, data, start, count, n, dim, check_rest)
    finally:
        s.close()
    words = _decode_words(s.name, raw, unicode_errors, where)
    _check_duplicates(s.name, words, where)
    check_finite(s.name, vectors, where, words)
    return words, vectors


def _read_binary_rows(s: _Stream, buf: bytes, pos: int, count: int, n: int, dim: int, check_rest: bool):
    name = s.name
    rowbytes = 4 * dim
    size = _plain_size(name)
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
        rest = buf[pos:]
        base += pos
        while True:
            stripped = rest.lstrip(b"\n")
            if stripped:
                raise InputError(f"{name}: byte {base + len(rest) - len(stripped)}: data after the "
                                 f"{count} vectors the header announces (wrong count in the header?)")
            more = s.read()
            if not more:
                break
            base += len(rest)
            rest = more
    where = lambda k: f"row {k + 1} (byte {starts[k] - len(words[k]) - 1})"  # noqa: E731
    if len(pieces) == 1:
        vectors = np.frombuffer(pieces[0], dtype=_F32).reshape(-1, dim)
    elif pieces:
        vectors = np.concatenate([np.frombuffer(p, dtype=_F32).reshape(-1, dim) for p in pieces])
    else:
        vectors = np.zeros((0, dim), dtype=np.float32)
    return words, vectors, where


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


def _plain_size(name: str) -> int | None:
    if compression(name) is not None:
        return None
    try:
        return os.path.getsize(name)
    except OSError:
        return None


def _text_chunks(s: _Stream, data: bytes, pos: int):
    """Whole lines, a block of bytes at a time (the last block may lack its final newline)."""
    carry = data[pos:]
    while True:
        more = s.read()
        if not more:
            if carry:
                yield carry
            return
        buf = carry + more
        cut = buf.rfind(b"\n") + 1
        if cut == 0:
            carry = buf
            continue
        yield buf[:cut]
        carry = buf[cut:]


def _fast_text_rows(chunk: bytes, dim: int) -> tuple[list[bytes], np.ndarray] | None:
    """Words and values of a block of well-formed rows, parsed in bulk; None if the block needs
    the line-by-line path (blank lines, tabs, double spaces, a bad row: that path says which).
    Both split on any ASCII whitespace, so a word never holds a tab.

    Rows are ``word v1 ... vdim`` separated by single spaces, maybe ending in one space and
    ``\r``. numpy's ``loadtxt`` reads columns 1..dim, which proves every row has at least
    ``dim + 1`` fields, all numeric; the total count of spaces then proves none has more.
    """
    import io

    if b"\t" in chunk or b"\x0b" in chunk or b"\x0c" in chunk:
        return None  # other whitespace: the line-by-line path splits on it
    u8 = np.frombuffer(chunk, dtype=np.uint8)
    newlines = np.flatnonzero(u8 == 10)
    ends = newlines if chunk.endswith(b"\n") else np.append(newlines, len(chunk))
    if not len(ends):
        return None
    starts = np.concatenate(([0], newlines + 1))[: len(ends)]
    ends = ends - ((ends > starts) & (u8[np.maximum(ends - 1, 0)] == 13))  # CR of CRLF
    if (ends <= starts).any():
        return None  # a blank line
    trailing = np.count_nonzero(u8[ends - 1] == 32)
    if np.count_nonzero(u8 == 32) != len(starts) * dim + trailing:
        return None
    try:
        values = np.loadtxt(io.BytesIO(chunk), dtype=np.float32, usecols=range(1, dim + 1), comments=None,
                            delimiter=" ", encoding="latin1", ndmin=2)
    except ValueError:
        return None
    if values.shape != (len(starts), dim):
        return None
    find = chunk.find
    words = [chunk[a : find(b" ", a)] for a in starts.tolist()]
    return words, values


def _read_text_rows(s: _Stream, data: bytes, pos: int, count: int, n: int, dim: int, check_rest: bool):
    name = s.name
    width = dim + 1
    words: list[bytes] = []
    linenos: list[int] = []
    blocks: list[np.ndarray] = []
    lineno = 1  # the header
    for chunk in _text_chunks(s, data, pos):
        wanted = n - len(words)  # a few rows (`limit`) are quicker line by line than a bulk block
        fast = _fast_text_rows(chunk, dim) if wanted > 0 and (check_rest or wanted >= 5000) else None
        if fast is not None:
            got, values = fast
            take = min(len(got), n - len(words))
            if take < len(got) and check_rest:
                raise InputError(f"{name}:{lineno + take + 1}: more rows than the {count} the header announces")
            words += got[:take]
            linenos.extend(range(lineno + 1, lineno + take + 1))
            blocks.append(values[:take])
            lineno += len(got)
            if len(words) >= n and not check_rest:
                break
            continue
        lines = chunk.split(b"\n")
        if chunk.endswith(b"\n"):
            lines.pop()
        first = lineno + 1
        values: list[bytes] = []
        for line in lines:
            lineno += 1
            if len(words) >= n:
                if not check_rest:
                    break
                if line.strip():
                    raise InputError(f"{name}:{lineno}: more rows than the {count} the header announces")
                continue
            parts = line.split()
            if len(parts) != width:
                if not parts:
                    continue  # a blank line
                raise InputError(f"{name}:{lineno}: expected a word and {dim} values, found "
                                 f"{len(parts) - 1} value{'s' if len(parts) != 2 else ''} "
                                 f"(the header says dimension {dim})")
            words.append(parts[0])
            linenos.append(lineno)
            del parts[0]
            values += parts
        if values:
            blocks.append(_floats(name, values, first, lines, dim))
        if len(words) >= n and not check_rest:
            break
    if len(words) < n:
        raise InputError(f"{name}: truncated: the header announces {count} vectors, "
                         f"the file ends after {len(words)} (line {lineno})")
    where = lambda k: f"line {linenos[k]}"  # noqa: E731
    if not blocks:
        return words, np.zeros((0, dim), np.float32), where
    return words, (blocks[0] if len(blocks) == 1 else np.concatenate(blocks)), where


def _floats(name: str, values: list[bytes], first_lineno: int, lines: list[bytes], dim: int) -> np.ndarray:
    try:
        return np.array(values, dtype=np.float32).reshape(-1, dim)
    except ValueError:
        pass
    for k, line in enumerate(lines):  # slow path: find the culprit
        for v in line.split()[1:]:
            try:
                float(v)
            except ValueError:
                raise InputError(f"{name}:{first_lineno + k}: value {v[:40].decode('utf-8', 'replace')!r} "
                                 "is not a number") from None
    raise InputError(f"{name}: values near line {first_lineno} are not numbers")


# ----------------------------------------------------------------------------- word2vec write


def _suffixes(path: str | os.PathLike) -> tuple[str, str | None]:
    """(format suffix, compression) of a path: ``a.bin.gz`` -> (".bin", "gzip")."""
    p = Path(path)
    suf = p.suffix.lower()
    comp = _COMPRESSED.get(suf)
    if comp:
        suf = Path(p.stem).suffix.lower()
    return suf, comp


def format_for_path(path: str | os.PathLike) -> str:
    """The format a save to ``path`` writes: binary for ``.bin``, text for ``.txt``/``.vec``/
    ``.w2v`` (each optionally ``.gz``/``.bz2``/``.xz``), otherwise the native folder."""
    suf, comp = _suffixes(path)
    if suf in _BINARY_SUFFIXES:
        return BINARY
    if suf in _TEXT_SUFFIXES or comp:
        return TEXT
    if str(path).endswith(("/", os.sep)) or Path(path).is_dir() or not suf:
        return NATIVE
    return NATIVE


def _check_words(words: Sequence[str], vectors: np.ndarray, forbidden: str, fmt: str) -> np.ndarray:
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


def save_word2vec(
    path: str | os.PathLike,
    words: Sequence[str],
    vectors: np.ndarray,
    binary: bool | None = None,
) -> None:
    """Write word2vec binary (``binary=True``, or a ``.bin`` name) or text (otherwise).

    A ``.gz``/``.bz2``/``.xz`` suffix compresses. Text values are written with 9 significant
    digits, enough to read back the same float32 bits. The write is atomic.
    """
    words = list(words)
    suf, comp = _suffixes(path)
    if binary is None:
        binary = suf in _BINARY_SUFFIXES
    vectors = _check_words(words, vectors, " \t\n\r\x0b\x0c" if not binary else " \n", "word2vec")
    n, dim = vectors.shape
    check_writable(path)
    with atomic_file(path, "wb") as raw:
        fh = _compressor(raw, comp)
        try:
            fh.write(f"{n} {dim}\n".encode())
            step = max(1, (1 << 22) // max(1, dim * 4))
            for lo in range(0, n, step):
                block = np.ascontiguousarray(vectors[lo : lo + step], dtype=_F32)
                ws = words[lo : lo + step]
                if binary:
                    fh.write(_binary_rows(ws, block))
                else:
                    fh.write(_text_rows(ws, block))
        finally:
            if fh is not raw:
                fh.close()


def _compressor(raw: BinaryIO, comp: str | None) -> BinaryIO:
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


def _binary_rows(words: list[str], block: np.ndarray) -> bytes:
    rowbytes = block.shape[1] * 4
    data = block.tobytes()
    enc = [w.encode("utf-8") for w in words]
    parts: list[bytes] = []
    for i, w in enumerate(enc):
        parts.append(w + b" ")
        parts.append(data[i * rowbytes : (i + 1) * rowbytes])
        parts.append(b"\n")
    return b"".join(parts)


def _text_rows(words: list[str], block: np.ndarray) -> bytes:
    fmt = " ".join(["%.9g"] * block.shape[1])
    rows = block.astype(np.float64).tolist()
    return "".join([f"{w} {fmt % tuple(r)}\n" for w, r in zip(words, rows)]).encode("utf-8")


# ----------------------------------------------------------------------------- native folder


def write_native_vectors(
    folder: str | os.PathLike,
    words: Sequence[str],
    counts: Sequence[int] | np.ndarray | None,
    vectors: np.ndarray,
) -> None:
    """Write ``vocab.tsv`` and ``vectors.npy`` into an existing folder (no config.json).

    The trainer calls this inside its own ``atomic_dir``; each file is also written atomically.
    ``counts`` may be None (written as 0).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not an existing folder")
    words = list(words)
    vectors = _check_words(words, vectors, "\t\n\r", "native")
    if counts is None:
        counts = np.zeros(len(words), dtype=np.int64)
    counts = np.asarray(counts)
    if counts.shape != (len(words),):
        raise ConfigError(f"{len(words)} words but {counts.shape} counts")
    lines = "".join([f"{w}\t{c}\n" for w, c in zip(words, counts.tolist())])
    with atomic_file(folder / "vocab.tsv", "wb") as fh:
        fh.write(lines.encode("utf-8"))
    with atomic_file(folder / "vectors.npy", "wb") as fh:
        np.save(fh, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)


def save_native(
    folder: str | os.PathLike,
    words: Sequence[str],
    vectors: np.ndarray,
    counts: Sequence[int] | np.ndarray | None = None,
) -> None:
    """Write a vectors-only native folder atomically (config.json, vocab.tsv, vectors.npy)."""
    words = list(words)
    vectors = _check_words(words, vectors, "\t\n\r", "native")
    check_writable(folder)
    config = {"w2v_format": FORMAT_VERSION, "kind": "vectors",
              "vector_size": int(vectors.shape[1]), "count": int(vectors.shape[0])}
    with atomic_dir(folder) as tmp:
        write_native_vectors(tmp, words, counts, vectors)
        with atomic_file(tmp / "config.json", "w") as fh:
            json.dump(config, fh, indent=2)
            fh.write("\n")


def _read_config(folder: Path) -> dict:
    path = folder / "config.json"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{folder}: no config.json, not a w2v vectors folder") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from exc
    try:
        cfg = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(cfg, dict):
        raise InputError(f"{path}: expected a JSON object")
    version = cfg.get("w2v_format")
    if not isinstance(version, int) or isinstance(version, bool):
        raise InputError(f"{path}: missing or bad 'w2v_format' (expected an integer)")
    if version > FORMAT_VERSION:
        raise InputError(f"{path}: format version {version} is newer than this w2v reads ({FORMAT_VERSION}); upgrade w2v")
    if cfg.get("kind") not in ("vectors", "model"):
        raise InputError(f"{path}: 'kind' must be \"vectors\" or \"model\", not {cfg.get('kind')!r}")
    return cfg


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


def _read_vocab(path: Path, limit: int | None) -> tuple[list[str], np.ndarray]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path.parent}: no vocab.tsv") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    lines = utf8_lines(path, data)
    if limit is not None:
        lines = lines[:limit]
    words: list[str] = []
    counts: list[str] = []
    for i, line in enumerate(lines):
        w, tab, c = line.rpartition("\t")
        if not tab or not w:
            raise InputError(f"{path}:{i + 1}: expected 'word<TAB>count', got {line[:60]!r}")
        words.append(w)
        counts.append(c)
    try:
        arr = np.array(counts, dtype=np.int64) if counts else np.zeros(0, np.int64)
    except ValueError:
        for i, c in enumerate(counts):
            if not c.strip().isdigit():
                raise InputError(f"{path}:{i + 1}: count {c[:30]!r} is not a non-negative integer") from None
        raise InputError(f"{path}: bad counts") from None
    if (arr < 0).any():
        i = int(np.argmax(arr < 0))
        raise InputError(f"{path}:{i + 1}: count {counts[i]!r} is negative")
    return words, arr


def _npy_shape(path: Path) -> tuple[int, ...]:
    arr = _load_npy(path, mmap=True)
    return arr.shape


def _load_npy(path: Path, mmap: bool | str) -> np.ndarray:
    if not path.exists():
        raise InputError(f"{path.parent}: no vectors.npy")
    mode = ("r" if mmap is True else mmap) if mmap else None
    if mode not in (None, "r", "r+", "c"):
        raise ConfigError(f"mmap must be True, False, 'r', 'r+' or 'c', not {mmap!r}")
    try:
        arr = np.load(path, mmap_mode=mode, allow_pickle=False)
    except Exception as exc:  # numpy parses the header with ast: damage can raise anything
        raise InputError(f"{path}: not a readable .npy array ({type(exc).__name__}: {exc})") from None
    if arr.ndim != 2:
        raise InputError(f"{path}: expected a 2-D array, found shape {arr.shape}")
    if arr.dtype != np.float32:
        if arr.dtype.kind != "f":
            raise InputError(f"{path}: expected float32 vectors, found {arr.dtype}")
        arr = np.asarray(arr, dtype=np.float32)
    return arr


def read_native_vectors(
    folder: str | os.PathLike, mmap: bool | str = True, limit: int | None = None
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Read a native folder (``kind`` "vectors" or "model"): ``(words, counts, vectors)``.

    ``vectors`` is a read-only memory map (``mmap=True``), an array in memory (``mmap=False``),
    or a memory map opened with numpy's mode ``"r+"`` or ``"c"``. ``counts`` is an int64 array
    (all zero when the folder stores none). ``limit`` keeps the first rows.
    """
    _check_limit(limit)
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    cfg = _read_config(folder)
    words, counts = _read_vocab(folder / "vocab.tsv", limit=None)
    vectors = _load_npy(folder / "vectors.npy", mmap)
    v, d = vectors.shape
    if v != len(words):
        raise InputError(f"{folder}: vocab.tsv has {len(words)} words but vectors.npy has {v} rows")
    size = cfg.get("vector_size")
    if size is not None and size != d:
        raise InputError(f"{folder}: config.json says vector_size {size} but vectors.npy has dimension {d}")
    n = cfg.get("count")
    if n is not None and n != v:
        raise InputError(f"{folder}: config.json says count {n} but vectors.npy has {v} rows")
    _check_duplicates(str(folder / "vocab.tsv"), words, lambda i: f"line {i + 1}")
    if limit is not None and limit < v:
        words, counts, vectors = words[:limit], counts[:limit], vectors[:limit]
    check_finite(str(folder / "vectors.npy"), vectors, lambda i: f"row {i}", words)
    return words, counts, vectors
