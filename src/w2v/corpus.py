"""Corpus readers: turn files, folders, stdin, token lists or id arrays into blocks of sentences.

A *sentence* is one line of text (tokens split on whitespace), cut into pieces of at most
``MAX_SENTENCE`` tokens. Readers yield *blocks*: many sentences at once, as a flat list of tokens
plus the length of each sentence, so that the per-token work downstream is done in bulk.

Three kinds of source share that interface:

- :class:`TextSource`: paths (files or folders, ``-`` for stdin), plain or ``.gz``/``.bz2``/``.xz``
  (recognised by their magic bytes, so stdin may be compressed too). Bytes that are not UTF-8
  are replaced, never a crash.
- :class:`TokenSource`: any iterable of token lists (``[["a", "b"], ["c"]]``).
- :class:`IdSource`: a sequence of integer arrays (pre-tokenised ids, e.g. graph walks); the ids
  are the tokens, no string work is done.

Phrases read the same files through :func:`line_chunks` and :func:`split_line_tokens`, which keep
every line (empty ones too) and split words as word2phrase does; small files (evaluation sets,
word lists) are read whole by :func:`read_all`. All of them open files with :func:`open_binary`.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import re
import sys
import zlib
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Sequence

import numpy as np

from .errors import InputError

MAX_SENTENCE = 10_000
"""Longer lines are cut into sentences of this many tokens (gensim's limit)."""

BLOCK_BYTES = 1 << 22
"""How much text is read, decoded and split at once."""

DECODE_ERRORS = (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError)
"""What reading a corrupt or truncated compressed stream raises (gzip: zlib.error, EOFError and
BadGzipFile, an OSError; xz: LZMAError; bz2: OSError, EOFError, ValueError)."""

_MAGIC = (  # (first bytes, name, opener over a binary file object)
    (b"\x1f\x8b", "gzip", lambda f: gzip.GzipFile(fileobj=f)),
    (b"BZh", "bz2", bz2.BZ2File),
    (b"\xfd7zXZ\x00", "xz", lzma.LZMAFile),
)


def compression_of(head: bytes) -> str | None:
    """``"gzip"``, ``"bz2"``, ``"xz"`` or None, from a file's first bytes."""
    for magic, name, _ in _MAGIC:
        if head.startswith(magic):
            return name
    return None


@dataclass
class Block:
    """Sentences in bulk: ``tokens`` flat (a list of str, or an int64 array for id sources),
    ``lengths[i]`` the number of tokens of sentence i. ``nbytes`` is how much input it used."""

    tokens: list | np.ndarray
    lengths: np.ndarray
    nbytes: int = 0


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[str]:
    """Files in the order given; a folder contributes its files recursively, sorted by name
    (hidden files skipped). ``-`` stands for standard input."""
    out: list[str] = []
    for raw in paths:
        p = str(raw)
        if p == "-":
            out.append(p)
            continue
        path = Path(p)
        if path.is_dir():
            files = sorted(
                f for f in path.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts)
            )
            if not files:
                raise InputError(f"{p}: folder holds no files")
            out.extend(str(f) for f in files)
        elif path.is_file():
            out.append(p)
        elif path.exists():
            raise InputError(f"{p}: not a regular file or folder")
        else:
            raise InputError(f"{p}: no such file or folder")
    if not out:
        raise InputError("no input given")
    return out


def _names_files(obj) -> bool:
    """A path, or a non-empty list or tuple of paths."""
    return isinstance(obj, (str, os.PathLike)) or (
        isinstance(obj, (list, tuple)) and bool(obj) and all(isinstance(p, (str, os.PathLike)) for p in obj))


def paths_of(obj) -> list[str] | None:
    """The input files ``obj`` names (a path, a list of paths, a TextSource), expanded as
    :func:`expand_paths` does; None for anything else (token lists, iterators)."""
    if isinstance(obj, TextSource):
        return list(obj.paths)
    if not _names_files(obj):
        return None
    return expand_paths([obj] if isinstance(obj, (str, os.PathLike)) else obj)


def disk_size(paths: Sequence[str]) -> int | None:
    """Size on disk of all inputs (compressed size for compressed files); None with stdin."""
    if "-" in paths:
        return None
    return sum(os.path.getsize(p) for p in paths)


def open_binary(path: str) -> tuple[BinaryIO, BinaryIO]:
    """Open a file (or ``-``) for reading bytes, decompressing by magic bytes.

    Returns (stream to read, underlying raw file) so callers can track progress on disk."""
    try:
        raw: BinaryIO = sys.stdin.buffer if path == "-" else open(path, "rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc.strerror or exc})") from exc
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[arg-type]
    head = buffered.peek(6)[:6]
    for magic, _, opener in _MAGIC:
        if head.startswith(magic):
            return opener(buffered), buffered  # type: ignore[return-value]
    return buffered, buffered


def _read_blocks(path: str, block_bytes: int) -> Iterator[tuple[bytes, int, int]]:
    """Yield (chunk of whole lines, byte offset of the chunk, bytes of the file on disk
    consumed so far) from one file."""
    fh, raw = open_binary(path)
    offset = 0
    rest = b""
    try:
        while True:
            try:
                data = fh.read(block_bytes)
            except DECODE_ERRORS as exc:
                raise InputError(f"{path}: corrupt or truncated compressed data near byte {offset} ({exc})") from exc
            if not data:
                break
            data = rest + data
            cut = data.rfind(b"\n")
            if cut < 0 and len(data) < 64 * block_bytes:
                rest = data  # keep reading until a line ends (or the line is absurdly long)
                continue
            if cut < 0:
                cut = data.rfind(b" ")
                cut = len(data) - 1 if cut < 0 else cut
            chunk, rest = data[: cut + 1], data[cut + 1:]
            yield chunk, offset, _tell(raw)
            offset += len(chunk)
        if rest:
            yield rest, offset, _tell(raw)
    finally:
        if path != "-":
            fh.close()


def split_sentences(lines: Iterable[Sequence], max_len: int = MAX_SENTENCE) -> tuple[list, np.ndarray]:
    """Flatten token lists into (flat tokens, sentence lengths), cutting long ones at ``max_len``.
    Empty lines are dropped."""
    lengths: list[int] = []
    pieces: list[Sequence] = []
    for toks in lines:
        n = len(toks)
        if n == 0:
            continue
        if n <= max_len:
            pieces.append(toks)
            lengths.append(n)
        else:
            for i in range(0, n, max_len):
                piece = toks[i: i + max_len]
                pieces.append(piece)
                lengths.append(len(piece))
    return list(chain.from_iterable(pieces)), np.asarray(lengths, dtype=np.int64)


class TextSource:
    """Whitespace-tokenised lines from files, folders or stdin (``-``)."""

    def __init__(self, paths: Iterable[str | os.PathLike] | str | os.PathLike, block_bytes: int = BLOCK_BYTES):
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        self.paths = expand_paths(paths)
        self.block_bytes = block_bytes
        self._stdin_used = False

    @property
    def total_bytes(self) -> int | None:
        """Size on disk of all inputs (compressed size for compressed files); None with stdin."""
        return disk_size(self.paths)

    @property
    def restartable(self) -> bool:
        return "-" not in self.paths

    def chunks(self) -> Iterator[tuple[bytes, int]]:
        """The text in bulk: (chunk of whole lines as bytes, bytes on disk it used), each file
        in turn; NUL bytes are refused. :meth:`blocks` splits these chunks into words."""
        if "-" in self.paths:
            if self._stdin_used:
                raise InputError("standard input can be read only once")
            self._stdin_used = True
        for path in self.paths:
            done = 0
            for chunk, offset, disk_pos in _read_blocks(path, self.block_bytes):
                _refuse_nul(path, chunk, offset)
                yield chunk, max(0, disk_pos - done)
                done = max(done, disk_pos)

    def blocks(self) -> Iterator[Block]:
        for chunk, used in self.chunks():
            yield split_chunk(chunk, used)


def split_chunk(chunk: bytes, nbytes: int = 0) -> Block:
    """A chunk of whole lines as a block: decoded as UTF-8 (bad bytes replaced), lines split on
    ``\n``, words on whitespace (``str.split()``), long lines cut at ``MAX_SENTENCE`` words."""
    text = chunk.decode("utf-8", errors="replace")
    tokens, lengths = split_sentences(line.split() for line in text.split("\n"))
    return Block(tokens, lengths, nbytes)


def _refuse_nul(path: str, chunk: bytes, offset: int) -> None:
    """A NUL byte means a binary file, not text: an error naming its byte and line."""
    nul = chunk.find(b"\x00")
    if nul >= 0:
        where = f"byte {offset + nul}"
        if path != "-":  # (stdin cannot be read again to count the lines before the chunk)
            line = chunk.count(b"\n", 0, nul) + _lines_before(path, offset) + 1
            where += f" (line {line})"
        raise InputError(f"{path}: NUL byte at {where}; this looks like a binary file, not text")


def _tell(raw: BinaryIO) -> int:
    try:
        return raw.tell()
    except (OSError, ValueError):
        return 0


def _lines_before(path: str, offset: int) -> int:
    """Number of newlines before byte ``offset`` of the (decompressed) file; used for errors only."""
    count = 0
    for chunk, off, _ in _read_blocks(path, BLOCK_BYTES):
        if off >= offset:
            break
        count += chunk.count(b"\n", 0, max(0, offset - off))
    return count


# Lines as word2phrase reads them (for phrases): every line kept, words split on space, tab and
# newline only. str.split() also breaks on the characters below; they are swapped for lone
# surrogates (which decoding never produces) around the split.
_EXOTIC = ("\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
           + "\u2028\u2029\u202f\u205f\u3000")
_PROTECT = str.maketrans({c: chr(0xD800 + i) for i, c in enumerate(_EXOTIC)})
_UNPROTECT = str.maketrans({chr(0xD800 + i): c for i, c in enumerate(_EXOTIC)})
_EXOTIC_RE = re.compile("[" + re.escape(_EXOTIC) + "]")
_EXOTIC_ASCII = "\x0b\x0c\x1c\x1d\x1e\x1f"


def line_chunks(paths: Sequence[str], chunk_bytes: int = BLOCK_BYTES) -> Iterator[tuple[bytes, str, int]]:
    """(chunk of whole lines, its path, bytes on disk consumed since the previous chunk) for each
    file in turn, read as :class:`TextSource` reads them (same errors), with every file's last
    line ended by a newline if it lacks one."""
    for path in paths:
        held = None  # one chunk is held back, to end the file's last line
        seen = 0
        for chunk, offset, pos in _read_blocks(path, chunk_bytes):
            _refuse_nul(path, chunk, offset)
            if held is not None:
                yield held
            held = (chunk, path, max(0, pos - seen))
            seen = max(seen, pos)
        if held is not None:
            chunk, _, disk = held
            yield (chunk if chunk.endswith(b"\n") else chunk + b"\n"), path, disk


def split_line_tokens(chunk: bytes, line_end: str = "\x00") -> list[str]:
    """Words of a chunk of whole lines, with ``line_end`` after each line's words.

    Words break on space, tab and newline only; carriage returns are dropped (word2phrase's
    reading). Bytes that are not UTF-8 survive as surrogate escapes (to be written back as they
    were). ``line_end`` must not occur in the text (NUL never does in text that was read)."""
    text = chunk.decode("utf-8", "surrogateescape")
    if "\r" in text:
        text = text.replace("\r", "")
    if text.isascii():
        exotic = any(c in text for c in _EXOTIC_ASCII)
    else:
        exotic = _EXOTIC_RE.search(text) is not None
    end = f" {line_end} "
    if exotic:
        return [t.translate(_UNPROTECT) for t in text.translate(_PROTECT).replace("\n", end).split()]
    return text.replace("\n", end).split()


def read_all(path: str | os.PathLike) -> bytes:
    """The whole content of a small file (an evaluation set, a word list), decompressed by magic
    bytes as every other input; errors name the file."""
    p = str(path)
    if p != "-" and os.path.isdir(p):
        raise InputError(f"{p}: is a folder, expected a file")
    if p != "-" and not os.path.exists(p):
        raise InputError(f"{p}: no such file")
    fh, _ = open_binary(p)
    try:
        return fh.read()
    except DECODE_ERRORS as exc:
        raise InputError(f"{p}: corrupt or truncated compressed data ({exc})") from exc
    finally:
        if p != "-":
            fh.close()


def cut_lengths(lengths: np.ndarray, max_len: int = MAX_SENTENCE) -> np.ndarray:
    """Sentence lengths (int64) with empty sentences dropped and long ones cut at ``max_len``, as
    :func:`split_sentences` cuts token lists."""
    lengths = np.asarray(lengths)
    lengths = lengths[lengths > 0]
    if lengths.size and lengths.max() > max_len:
        out = []
        for n in lengths.tolist():
            while n > max_len:
                out.append(max_len)
                n -= max_len
            out.append(n)
        lengths = np.asarray(out, dtype=np.int64)
    return lengths.astype(np.int64, copy=False)


class _InMemorySource:
    """Sentences from a Python iterable, grouped ``sentences_per_block`` at a time."""

    def __init__(self, sentences: Iterable, sentences_per_block: int = 10_000):
        self.sentences = sentences
        self.per_block = sentences_per_block
        self.total_bytes = None
        self.paths: list[str] = []

    @property
    def restartable(self) -> bool:
        return iter(self.sentences) is not self.sentences


class TokenSource(_InMemorySource):
    """An iterable of token lists (re-iterable if it is to be read more than once)."""

    def blocks(self) -> Iterator[Block]:
        batch: list[Sequence[str]] = []
        for i, sent in enumerate(self.sentences):
            if isinstance(sent, str):
                raise InputError(f"sentence {i} is a string, expected a list of tokens (did you mean a path?)")
            batch.append(sent)
            if len(batch) >= self.per_block:
                tokens, lengths = split_sentences(batch)
                yield Block(tokens, lengths)
                batch = []
        if batch:
            tokens, lengths = split_sentences(batch)
            yield Block(tokens, lengths)


class IdSource(_InMemorySource):
    """A sequence of non-negative integer arrays; each array is one sentence of token ids."""

    def blocks(self) -> Iterator[Block]:
        batch: list[np.ndarray] = []
        for i, sent in enumerate(self.sentences):
            arr = np.asarray(sent)
            if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
                raise InputError(f"sentence {i}: expected a 1-d integer array, got {arr.dtype} with shape {arr.shape}")
            if arr.size and arr.min() < 0:
                raise InputError(f"sentence {i}: negative token id {int(arr.min())}")
            batch.append(arr)
            if len(batch) >= self.per_block:
                yield self._block(batch)
                batch = []
        if batch:
            yield self._block(batch)

    @staticmethod
    def _block(batch: list[np.ndarray]) -> Block:
        lengths = []
        parts = []
        for arr in batch:
            for i in range(0, len(arr), MAX_SENTENCE):
                piece = arr[i: i + MAX_SENTENCE]
                parts.append(piece.astype(np.int64, copy=False))
                lengths.append(len(piece))
        tokens = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return Block(tokens, np.asarray(lengths, dtype=np.int64))


def as_source(corpus) -> TextSource | TokenSource | IdSource:
    """Pick the reader for what the user passed: path(s), token lists, or integer arrays."""
    if isinstance(corpus, (TextSource, TokenSource, IdSource)):
        return corpus
    if isinstance(corpus, (str, os.PathLike)):
        return TextSource([corpus])
    if isinstance(corpus, np.ndarray):
        if corpus.ndim == 2 and corpus.dtype.kind in "iu":
            return IdSource(list(corpus))
        raise InputError("a numpy corpus must be a 2-d integer array or a list of 1-d integer arrays")
    if _names_files(corpus):
        return TextSource(corpus)
    # peek at the first sentence to tell tokens from ids, without consuming a one-shot iterator
    if isinstance(corpus, (list, tuple)):
        first = corpus[0] if corpus else None
    else:
        first = None
        if iter(corpus) is not corpus:  # re-iterable
            first = next(iter(corpus), None)
        else:
            it = iter(corpus)
            try:
                first = next(it)
            except StopIteration:
                return TokenSource([])
            corpus = chain([first], it)
    if first is not None and isinstance(first, np.ndarray) and first.dtype.kind in "iu":
        return IdSource(corpus)
    if first is not None and not isinstance(first, str) and len(first) and isinstance(first[0], (int, np.integer)):
        return IdSource(corpus)
    return TokenSource(corpus)
