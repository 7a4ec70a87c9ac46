"""The native format: a folder of JSON, tab-separated text and ``.npy`` arrays (no pickle), or
the same files in one uncompressed zip archive.

    config.json   {"w2v_format": 1, "kind": "vectors" | "model", ...}
    vocab.tsv     word<TAB>count, one line a row, in row order
    vectors.npy   float32 [count, dim], memory-mapped on load

A model (:mod:`w2v.modelfile`) adds its output weights and training state to the same folder.
The archive exists for paths that are already files (``tempfile.NamedTemporaryFile``, say):
saving there replaces the file by the archive, and loading unpacks it into memory.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from ..atomic import atomic_dir, atomic_file, check_writable
from ..errors import ConfigError, InputError
from .common import check_duplicates, check_finite, check_limit, check_words, utf8_lines

FORMAT_VERSION = 1
_MEMBERS = frozenset({"config.json", "vocab.tsv", "vectors.npy", "output_ns.npy", "output_hs.npy",
                      "output_softmax.npy", "huffman.npz"})


# ----------------------------------------------------------------------------- folder or archive


def is_archive(path: str | os.PathLike) -> bool:
    """A file that is a zip archive holding a ``config.json``: a native model or vectors file."""
    p = Path(path)
    if not p.is_file():
        return False
    try:
        with zipfile.ZipFile(p) as z:
            return "config.json" in z.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


@contextlib.contextmanager
def writing(path: str | os.PathLike) -> Iterator[Path]:
    """A fresh folder to fill; once the block succeeds it becomes ``path``: the folder itself
    (swapped into place atomically) or, when ``path`` is an existing file, an archive of it."""
    p = Path(path)
    check_writable(p)
    if not p.is_file():
        with atomic_dir(p) as tmp:
            yield tmp
        return
    with tempfile.TemporaryDirectory(prefix="w2v-native-") as tmp:
        yield Path(tmp)
        with atomic_file(p, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as z:
            for f in sorted(Path(tmp).iterdir()):
                z.write(f, f.name)


@contextlib.contextmanager
def reading(path: str | os.PathLike) -> Iterator[tuple[Path, bool]]:
    """``(folder, unpacked)``: the native folder at ``path``, or a temporary folder holding the
    files of the archive at ``path`` (``unpacked``: read them into memory, do not map them)."""
    p = Path(path)
    if p.is_dir():
        yield p, False
        return
    if not is_archive(p):
        raise InputError(f"{p}: not a w2v folder or archive (no config.json)")
    with tempfile.TemporaryDirectory(prefix="w2v-native-") as tmp:
        try:
            with zipfile.ZipFile(p) as z:
                for name in z.namelist():
                    if name not in _MEMBERS:  # also keeps "../x" and absolute names out
                        raise InputError(f"{p}: unexpected member {name!r} in a w2v archive")
                    z.extract(name, tmp)
        except (OSError, zipfile.BadZipFile, EOFError) as exc:
            raise InputError(f"{p}: unreadable w2v archive ({exc})") from None
        try:
            yield Path(tmp), True
        except InputError as exc:  # name the archive, not the temporary folder
            raise InputError(str(exc).replace(tmp, str(p))) from None


# ----------------------------------------------------------------------------- vectors


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
    vectors = check_words(words, vectors, "\t\n\r", "native")
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
    """Write a vectors-only native folder atomically (config.json, vocab.tsv, vectors.npy); an
    archive of them if ``folder`` is an existing file."""
    words = list(words)
    vectors = check_words(words, vectors, "\t\n\r", "native")
    config = {"w2v_format": FORMAT_VERSION, "kind": "vectors",
              "vector_size": int(vectors.shape[1]), "count": int(vectors.shape[0])}
    with writing(folder) as tmp:
        write_native_vectors(tmp, words, counts, vectors)
        with atomic_file(tmp / "config.json", "w") as fh:
            json.dump(config, fh, indent=2)
            fh.write("\n")


def read_config(folder: Path) -> dict:
    """The checked ``config.json`` of a native folder."""
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


def read_vocab(path: Path, limit: int | None) -> tuple[list[str], np.ndarray]:
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


def npy_shape(path: Path) -> tuple[int, ...]:
    arr = load_npy(path, mmap=True)
    return arr.shape


def load_npy(path: Path, mmap: bool | str) -> np.ndarray:
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
    """Read a native folder or archive (``kind`` "vectors" or "model"): ``(words, counts, vectors)``.

    ``vectors`` is a read-only memory map (``mmap=True``), an array in memory (``mmap=False``,
    and always for an archive), or a memory map opened with numpy's mode ``"r+"`` or ``"c"``.
    ``counts`` is an int64 array (all zero when the folder stores none). ``limit`` keeps the
    first rows.
    """
    check_limit(limit)
    if not Path(folder).is_dir():
        if not is_archive(folder):
            raise InputError(f"{folder}: not a folder")
        with reading(folder) as (tmp, _):
            return read_native_vectors(tmp, mmap=False, limit=limit)
    folder = Path(folder)
    cfg = read_config(folder)
    words, counts = read_vocab(folder / "vocab.tsv", limit=None)
    vectors = load_npy(folder / "vectors.npy", mmap)
    v, d = vectors.shape
    if v != len(words):
        raise InputError(f"{folder}: vocab.tsv has {len(words)} words but vectors.npy has {v} rows")
    size = cfg.get("vector_size")
    if size is not None and size != d:
        raise InputError(f"{folder}: config.json says vector_size {size} but vectors.npy has dimension {d}")
    n = cfg.get("count")
    if n is not None and n != v:
        raise InputError(f"{folder}: config.json says count {n} but vectors.npy has {v} rows")
    check_duplicates(str(folder / "vocab.tsv"), words, lambda i: f"line {i + 1}")
    if limit is not None and limit < v:
        words, counts, vectors = words[:limit], counts[:limit], vectors[:limit]
    check_finite(str(folder / "vectors.npy"), vectors, lambda i: f"row {i}", words)
    return words, counts, vectors
