"""Cut a corpus into shards: contiguous byte ranges, cut at line boundaries, balanced by size.

The corpus is its files in order (folders expanded as :func:`w2v.corpus.expand_paths` does,
globs sorted), as if concatenated. ``N - 1`` cuts at ``k / N`` of the total size split it; a cut
inside a plain file moves forward to the next line start, so no line is split and the shards read
in order are exactly the corpus read in order. A compressed file cannot be cut (its byte offsets
are not line offsets), so it is one unit that goes whole to the shard its middle falls in.

Paths must be readable by every node (a shared file system), or URLs (``s3://``, ``gs://``,
``hdfs://``, ``file://``) read through fsspec when it is installed. The driver reads only a few
bytes around each cut; the text itself is read by the worker that owns the shard
(:class:`ShardSource`), never by the driver.
"""

from __future__ import annotations

import bz2
import glob
import gzip
import lzma
import os
import zlib
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from ..corpus import BLOCK_BYTES, Block, compression_of, expand_paths, split_chunk
from ..errors import InputError

_OPENERS = {"gzip": lambda f: gzip.GzipFile(fileobj=f), "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}


def is_url(path: str) -> bool:
    return "://" in path and path.split("://", 1)[0].isidentifier()


def _fsspec():
    try:
        import fsspec
    except ImportError:
        raise InputError("URLs as corpus paths need fsspec: pip install fsspec (and s3fs, gcsfs, ... "
                         "for the storage)") from None
    return fsspec


def open_raw(path: str) -> BinaryIO:
    """A seekable binary file for a local path or an fsspec URL; errors name the path."""
    try:
        if is_url(path):
            return _fsspec().open(path, "rb").open()
        return open(path, "rb")
    except InputError:
        raise
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot open ({getattr(exc, 'strerror', None) or exc})") from None


def _size(path: str) -> int:
    try:
        if is_url(path):
            fs, p = _fsspec().core.url_to_fs(path)
            return int(fs.size(p))
        return os.path.getsize(path)
    except InputError:
        raise
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None


def list_files(inputs: list[str]) -> list[str]:
    """Files in corpus order: files as given, folders recursively sorted, globs sorted."""
    out: list[str] = []
    for raw in inputs:
        p = str(raw)
        if p == "-":
            raise InputError("standard input cannot be sharded across workers: pass files, folders or URLs")
        if is_url(p):
            fs, path = _fsspec().core.url_to_fs(p)
            proto = p.split("://", 1)[0]
            if any(c in path for c in "*?["):
                found = sorted(fs.glob(path))
            elif fs.isdir(path):
                found = sorted(f for f in fs.find(path) if not any(s.startswith(".") for s in f.split("/")))
            else:
                found = [path] if fs.exists(path) else []
            if not found:
                raise InputError(f"{p}: no such file, folder or matching files")
            out.extend(f if "://" in f else f"{proto}://{f}" for f in found)
        elif not os.path.exists(p) and any(c in p for c in "*?["):
            found = sorted(f for f in glob.glob(p, recursive=True) if os.path.isfile(f))
            if not found:
                raise InputError(f"{p}: no file matches this pattern")
            out.extend(found)
        else:
            out.extend(expand_paths([p]))
    return out


@dataclass(frozen=True)
class Piece:
    """Bytes ``start .. end`` of ``path`` (the whole file when ``compressed``)."""

    path: str
    start: int
    end: int
    compressed: str | None = None


@dataclass(frozen=True)
class Shard:
    rank: int
    pieces: tuple[Piece, ...]

    @property
    def nbytes(self) -> int:
        return sum(p.end - p.start for p in self.pieces)

    def describe(self) -> str:
        parts = [f"{p.path}" + ("" if p.compressed else f"[{p.start}:{p.end}]") for p in self.pieces]
        return ", ".join(parts[:2]) + (f" (+{len(parts) - 2} more)" if len(parts) > 2 else "")


@dataclass
class Layout:
    """The shards of a corpus, and the files (with their sizes) they were cut from."""

    files: list[tuple[str, int]]
    shards: list[Shard]

    def to_dict(self) -> dict:
        return {"files": [list(f) for f in self.files],
                "shards": [[[p.path, p.start, p.end, p.compressed] for p in s.pieces] for s in self.shards]}

    @classmethod
    def from_dict(cls, d: dict, where: str = "checkpoint") -> "Layout":
        try:
            files = [(str(p), int(n)) for p, n in d["files"]]
            shards = [Shard(i, tuple(Piece(str(a), int(b), int(c), e) for a, b, c, e in s))
                      for i, s in enumerate(d["shards"])]
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{where}: malformed shard layout ({exc})") from None
        return cls(files, shards)

    def check_corpus(self, files: list[tuple[str, int]]) -> None:
        """The corpus given now must be the one the layout was cut from."""
        if [f for f, _ in files] != [f for f, _ in self.files]:
            raise InputError(f"the corpus files differ from the checkpoint's ({len(files)} given, "
                             f"{len(self.files)} then; first then: {self.files[0][0]}): pass the same corpus")
        for (path, size), (_, then) in zip(files, self.files, strict=True):
            if size != then:
                raise InputError(f"{path}: changed since the checkpoint ({size} bytes, {then} then)")


def file_table(inputs: list[str]) -> list[tuple[str, int]]:
    return [(p, _size(p)) for p in list_files(inputs)]


def plan(inputs: list[str], n: int, files: list[tuple[str, int]] | None = None) -> Layout:
    """``n`` balanced shards of the corpus ``inputs`` (paths, folders, globs, URLs)."""
    if n < 1:
        raise InputError(f"the number of nodes must be at least 1, got {n}")
    files = file_table(inputs) if files is None else files
    kinds = [_compression(p) for p, _ in files]
    total = sum(s for _, s in files)
    starts = [0]
    for _, s in files:
        starts.append(starts[-1] + s)
    cuts = [(0, 0)]  # (file index, byte offset): the start of each shard
    for k in range(1, n):
        target = total * k // n
        i = max(0, min(len(files) - 1, _file_at(starts, target)))
        path, size = files[i]
        if kinds[i]:  # whole file: to the shard its middle falls in
            cut = (i, 0) if target - starts[i] <= size // 2 else (i + 1, 0)
        else:
            off = _line_start(path, target - starts[i], size)
            cut = (i, off) if off < size else (i + 1, 0)
        cuts.append(max(cut, cuts[-1]))
    cuts.append((len(files), 0))
    shards = []
    for k in range(n):
        pieces = _pieces(files, kinds, cuts[k], cuts[k + 1])
        if not pieces:
            raise InputError(f"the corpus ({len(files)} file(s), {total:,} bytes) cannot be cut into {n} "
                             f"non-empty shards at line boundaries (compressed files are not cut): "
                             f"use fewer nodes or more, smaller files")
        shards.append(Shard(k, tuple(pieces)))
    return Layout(list(files), shards)


def _file_at(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 2
    while lo < hi:  # the last file whose start is <= offset
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _pieces(files, kinds, a: tuple[int, int], b: tuple[int, int]) -> list[Piece]:
    """The pieces between cuts ``a`` and ``b`` (a compressed file is only ever cut at its start)."""
    out = []
    for i in range(a[0], min(b[0] + 1, len(files))):
        path, size = files[i]
        lo = a[1] if i == a[0] else 0
        hi = b[1] if i == b[0] else size
        if hi > lo:
            out.append(Piece(path, 0, size, kinds[i]) if kinds[i] else Piece(path, lo, hi))
    return out


def _compression(path: str) -> str | None:
    with open_raw(path) as fh:
        return compression_of(fh.read(6))


def _line_start(path: str, offset: int, size: int) -> int:
    """The first line start at or after ``offset`` (``size`` if none)."""
    if offset <= 0:
        return 0
    with open_raw(path) as fh:
        fh.seek(offset - 1)
        pos = offset - 1
        while True:
            data = fh.read(1 << 16)
            if not data:
                return size
            nl = data.find(b"\n")
            if nl >= 0:
                return pos + nl + 1
            pos += len(data)


class ShardSource:
    """The sentences of one shard, read as :class:`w2v.corpus.TextSource` reads whole files
    (lines split on whitespace, long lines cut, bad UTF-8 replaced), for :func:`w2v.stream.scan`."""

    restartable = True

    def __init__(self, shard: Shard, sizes: dict[str, int] | None = None, block_bytes: int = BLOCK_BYTES):
        self.shard = shard
        self.paths = [p.path for p in shard.pieces]
        self.sizes = sizes or {}
        self.block_bytes = block_bytes
        self.total_bytes = shard.nbytes

    def chunks(self) -> Iterator[tuple[bytes, int]]:
        """(chunk of whole lines, bytes of the shard it used), as :meth:`TextSource.chunks`."""
        for piece in self.shard.pieces:
            for chunk, offset, used in self._chunks(piece):
                nul = chunk.find(b"\x00")
                if nul >= 0:
                    raise InputError(f"{piece.path}: NUL byte at byte {offset + nul}; this looks like a binary "
                                     "file, not text")
                yield chunk, used

    def blocks(self) -> Iterator[Block]:
        for chunk, used in self.chunks():
            yield split_chunk(chunk, used)

    def _chunks(self, piece: Piece) -> Iterator[tuple[bytes, int, int]]:
        """(whole lines, their offset in the (decompressed) file, bytes of the piece used)."""
        expected = self.sizes.get(piece.path)
        if expected is not None and _size(piece.path) != expected:
            raise InputError(f"{piece.path}: changed since the corpus was sharded ({_size(piece.path)} bytes, "
                             f"{expected} then)")
        raw = open_raw(piece.path)
        try:
            if piece.compressed:
                fh = _OPENERS[piece.compressed](raw)
                left = None
            else:
                raw.seek(piece.start)
                fh, left = raw, piece.end - piece.start
            offset = piece.start
            rest = b""
            last = 0
            while True:
                want = self.block_bytes if left is None else min(self.block_bytes, left)
                try:
                    data = fh.read(want) if want else b""
                except (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError) as exc:
                    raise InputError(f"{piece.path}: corrupt or truncated compressed data ({exc})") from None
                if left is not None:
                    left -= len(data)
                if not data:
                    break
                data = rest + data
                cut = data.rfind(b"\n")
                if cut < 0:
                    rest = data
                    continue
                chunk, rest = data[: cut + 1], data[cut + 1:]
                used = _tell(raw) - piece.start if not piece.compressed else _tell(raw)
                yield chunk, offset, max(0, used - last)
                last = max(last, used)
                offset += len(chunk)
            if rest:
                yield rest, offset, max(0, (piece.end - piece.start) - last)
        finally:
            raw.close()


def _tell(fh) -> int:
    try:
        return fh.tell()
    except (OSError, ValueError):
        return 0
