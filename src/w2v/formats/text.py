"""word2vec text rows (``word v1 ... vdim``, one a line; fastText's ``.vec`` and GloVe's files
are the same rows, GloVe's without the ``count dim`` header), and the TensorBoard Embedding
Projector's pair of tab-separated files."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from ..atomic import atomic_file, check_writable
from ..errors import InputError
from .common import Stream, check_words


def _text_chunks(s: Stream, data: bytes, pos: int):
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


def read_text_rows(s: Stream, data: bytes, pos: int, count: int | None, n: int, dim: int, check_rest: bool):
    """The first ``n`` rows from ``data[pos:]`` on, then the rest of the stream:
    ``(raw words, float32 [n, dim], where)``, where ``where(k)`` names row k's line.
    ``count`` None: a file without header (GloVe), read to its end (or ``n`` rows).
    ``check_rest``: refuse rows past ``count``."""
    name = s.name
    width = dim + 1
    words: list[bytes] = []
    linenos: list[int] = []
    blocks: list[np.ndarray] = []
    lineno = 1 if count is not None else 0  # the header
    says = "the header says" if count is not None else "the first row has"
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
                                 f"({says} dimension {dim})")
            words.append(parts[0])
            linenos.append(lineno)
            del parts[0]
            values += parts
        if values:
            blocks.append(_floats(name, values, first, lines, dim))
        if len(words) >= n and not check_rest:
            break
    if count is not None and len(words) < n:
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


def text_rows(words: list[str], block: np.ndarray) -> bytes:
    """Rows of a block of vectors, values with 9 significant digits (float32 read back exactly)."""
    fmt = " ".join(["%.9g"] * block.shape[1])
    rows = block.astype(np.float64).tolist()
    return "".join([f"{w} {fmt % tuple(r)}\n" for w, r in zip(words, rows)]).encode("utf-8")


# ----------------------------------------------------------------------------- projector


def projector_paths(path: str | os.PathLike) -> tuple[Path, Path]:
    """``vectors.tsv`` and ``metadata.tsv``: ``path`` itself and the metadata beside it, or, for
    a folder (or a name without ``.tsv``), both inside it."""
    p = Path(path)
    if p.suffix.lower() == ".tsv" and not p.is_dir():
        return p, p.with_name("metadata.tsv")
    return p / "vectors.tsv", p / "metadata.tsv"


def save_projector(path: str | os.PathLike, words: Sequence[str], vectors: np.ndarray) -> tuple[Path, Path]:
    """Write the pair the TensorBoard Embedding Projector (projector.tensorflow.org, "Load")
    reads: the vectors, tab-separated, one a line, and the words, one a line (one column, so
    no header). Returns the two paths. Each file is written atomically."""
    words = list(words)
    vectors = check_words(words, vectors, "\t\n\r", "projector")
    vec_path, meta_path = projector_paths(path)
    if vec_path.resolve() == meta_path.resolve():
        raise InputError(f"{vec_path}: the projector's vectors and metadata would be the same file; "
                         "name the vectors file differently (vectors.tsv)")
    check_writable(vec_path)
    fmt = "\t".join(["%.9g"] * vectors.shape[1])
    step = max(1, (1 << 22) // max(1, vectors.shape[1] * 4))
    with atomic_file(vec_path, "wb") as fh:
        for lo in range(0, len(words), step):
            rows = np.asarray(vectors[lo: lo + step], dtype=np.float64).tolist()
            fh.write("".join([fmt % tuple(r) + "\n" for r in rows]).encode("utf-8"))
    with atomic_file(meta_path, "wb") as fh:
        fh.write("".join(w + "\n" for w in words).encode("utf-8"))
    return vec_path, meta_path
