"""Vector file formats: word2vec text and binary, fastText ``.vec``, GloVe text, the TensorBoard
Embedding Projector's pair, and the native folder (or its one-file archive).

- :mod:`.word2vec`: word2vec files (header, text or binary told apart by content), GloVe's;
- :mod:`.text` and :mod:`.binary`: their rows; :mod:`.text` also writes the projector pair;
- :mod:`.native`: the folder of JSON, TSV and ``.npy`` (no pickle), shared with the model;
- :mod:`.common`: compressed reading, checks of words, limits and values.

One rule, :func:`format_for_path`, turns a path into the format a save writes; it serves
``KeyedVectors.save``, ``Word2Vec.save`` and ``w2v convert`` alike.

Every reader checks what it reads: a bad header, a short or long row, a truncated file, a
dimension that does not match, duplicate words all give an :class:`InputError` naming the file
and the line (text) or the row and byte offset (binary). No half-load is ever returned.
Every writer goes through :mod:`w2v.atomic`, so a failed save leaves nothing at the destination.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import ConfigError, InputError
from .common import UNICODE_ERRORS, check_finite, check_unicode_errors, compression, count_lines, suffixes, utf8_lines
from .native import (FORMAT_VERSION, is_archive, npy_shape, read_config, read_native_vectors, read_vocab, reading,
                     save_native, writing, write_native_vectors)
from .text import projector_paths, save_projector
from .word2vec import BINARY_SUFFIXES, load_word2vec, save_word2vec, sniff

__all__ = [
    "TEXT", "BINARY", "GLOVE", "PROJECTOR", "NATIVE", "FORMATS", "FORMAT_VERSION", "UNICODE_ERRORS",
    "format_for_path", "detect_format", "read_header", "compression", "save_vectors",
    "load_word2vec", "save_word2vec", "save_projector", "projector_paths",
    "save_native", "read_native_vectors", "write_native_vectors", "is_archive", "reading", "writing",
    "check_finite", "check_unicode_errors", "utf8_lines",
]

TEXT, BINARY, GLOVE, PROJECTOR, NATIVE = "text", "binary", "glove", "projector", "native"
FORMATS = (NATIVE, TEXT, BINARY, GLOVE, PROJECTOR)
TEXT_SUFFIXES = {".txt", ".vec", ".w2v"}
PROJECTOR_SUFFIXES = {".tsv"}


def format_for_path(path: str | os.PathLike) -> str:
    """The format a save to ``path`` writes, from its name alone:

    - ``.bin``: word2vec binary; ``.txt``, ``.vec``, ``.w2v``: word2vec text (each may end in
      ``.gz``, ``.bz2`` or ``.xz``, which compresses; a compressed name otherwise is text too);
    - ``.tsv``: the Embedding Projector pair (the vectors there, ``metadata.tsv`` beside them);
    - anything else: the native folder (an archive if the path is an existing file).

    GloVe's header-less text has no suffix of its own: ask for it by name (``format="glove"``).
    """
    suf, comp = suffixes(path)
    if suf in BINARY_SUFFIXES:
        return BINARY
    if suf in TEXT_SUFFIXES or comp:
        return TEXT
    if suf in PROJECTOR_SUFFIXES:
        return PROJECTOR
    return NATIVE


def save_vectors(path: str | os.PathLike, words: Sequence[str], vectors: np.ndarray,
                 counts: Sequence[int] | np.ndarray | None = None, format: str | None = None) -> str:
    """Write words and vectors in ``format`` (default: :func:`format_for_path`); returns the
    format written. ``counts`` are kept by the native format only."""
    fmt = format_for_path(path) if format is None else format
    if fmt not in FORMATS:
        raise ConfigError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    if fmt == NATIVE:
        save_native(path, words, vectors, counts)
    elif fmt == PROJECTOR:
        save_projector(path, words, vectors)
    else:
        save_word2vec(path, words, vectors, binary=fmt == BINARY, header=fmt != GLOVE)
    return fmt


def detect_format(path: str | os.PathLike) -> str:
    """``"native"`` (a folder with config.json, or its archive), ``"binary"``, ``"text"``
    (word2vec/fastText) or ``"glove"`` (text without header), from the content."""
    p = Path(path)
    if p.is_dir():
        if not (p / "config.json").exists():
            raise InputError(f"{p}: folder without config.json, not a w2v vectors folder")
        return NATIVE
    if is_archive(p):
        return NATIVE
    count, _dim, binary, _start, _data = sniff(p)
    return GLOVE if count is None else BINARY if binary else TEXT


def read_header(path: str | os.PathLike) -> dict:
    """Format, size and dimension without reading the vectors (used by ``w2v info``). A GloVe
    file has no header: its rows are counted (one pass over its lines, no parsing)."""
    p = Path(path)
    if p.is_dir() or is_archive(p):
        with reading(p) as (folder, _):
            cfg = read_config(folder)
            words, _counts = read_vocab(folder / "vocab.tsv", limit=None)
            shape = npy_shape(folder / "vectors.npy")
        return {"format": NATIVE, "compression": None, "count": shape[0], "dim": shape[1],
                "kind": cfg.get("kind"), "words": words[:10]}
    count, dim, binary, _start, _data = sniff(p)
    fmt = GLOVE if count is None else BINARY if binary else TEXT
    if count is None:
        count = count_lines(p)
    return {"format": fmt, "compression": compression(p), "count": count, "dim": dim, "kind": "vectors"}
