"""A Word2Vec model on disk: the native folder (or its one-file archive) holding everything
needed to load, query, train further or resume it exactly. No pickle: JSON and ``.npy`` only.

    config.json         {"w2v_format": 1, "kind": "model", "config": {...}, "state": {...},
                         "history": [...], "comment": ...}
    vocab.tsv, vectors.npy        the words, their counts and input vectors (see w2v.formats)
    output_ns.npy       negative sampling's output vectors
    output_hs.npy, huffman.npz    hierarchical softmax's inner nodes and each word's path
    output_softmax.npy  the full softmax's output vectors
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import formats
from .atomic import atomic_file
from .config import Config
from .errors import InputError
from .huffman import Huffman
from .trainer import EpochStats, Weights
from .vocab import Vocab

if TYPE_CHECKING:
    from .model import Word2Vec

NATIVE_FORMAT = 1
UNUSED = np.zeros((1, 1), dtype=np.float32)  # the weights of a loss the model does not use


def save_model(model: "Word2Vec", path: str | os.PathLike) -> None:
    """Write the native folder at ``path`` (an archive if ``path`` is an existing file)."""
    with formats.writing(path) as tmp:
        write_folder(model, tmp)


def write_folder(model: "Word2Vec", folder: Path) -> None:
    """The model's files in ``folder`` (an existing, empty folder: the caller makes it atomic)."""
    cfg = model.config
    formats.write_native_vectors(folder, model.vocab.words, model.vocab.counts, model.weights.syn0)
    w = model.weights
    if cfg.negative:
        np.save(folder / "output_ns.npy", w.out_ns)
    if cfg.hs:
        np.save(folder / "output_hs.npy", w.out_hs)
        np.savez(folder / "huffman.npz", codes=model.huffman.codes, points=model.huffman.points,
                 lengths=model.huffman.lengths)
    if cfg.softmax:
        np.save(folder / "output_softmax.npy", w.out_sm)
    meta = {
        "w2v_format": NATIVE_FORMAT, "kind": "model", "vector_size": cfg.vector_size,
        "count": len(model.vocab), "config": cfg.to_dict(),
        "state": {"epochs_done": model.epochs_done, "corpus_words": model.corpus_words,
                  "corpus_count": model.corpus_count, "schedule": model.schedule},
        "history": [h.to_dict() for h in model.history],
        "comment": model.comment,
    }
    with atomic_file(folder / "config.json", "w") as fh:
        json.dump(meta, fh, indent=2)


def load_model(cls: type, path: str | os.PathLike, mmap: bool = False) -> "Word2Vec":
    """Read a model saved by :func:`save_model` (an archive is read into memory whatever ``mmap``)."""
    p = Path(path)
    if not p.is_dir() and not formats.is_archive(p):
        raise InputError(f"{p}: not a w2v model folder (no config.json)")
    with formats.reading(p) as (folder, unpacked):
        return _read(cls, folder, mmap and not unpacked)


def _read(cls: type, folder: Path, mmap: bool) -> "Word2Vec":
    cfile = folder / "config.json"
    if not cfile.is_file():
        raise InputError(f"{folder}: not a w2v model folder (no config.json)")
    try:
        meta = json.loads(cfile.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{cfile}: not valid JSON ({exc})") from None
    if not isinstance(meta, dict) or meta.get("kind") != "model":
        raise InputError(f"{cfile}: not a w2v model (kind={meta.get('kind') if isinstance(meta, dict) else None!r});"
                         " load vectors with w2v.KeyedVectors.load")
    if meta.get("w2v_format") != NATIVE_FORMAT:
        raise InputError(f"{cfile}: unsupported w2v_format {meta.get('w2v_format')!r}")
    saved = meta.get("config")
    if isinstance(saved, dict) and "shuffle" not in saved:  # saved before jobs were shuffled: corpus order
        saved = {**saved, "shuffle": 0}
    cfg = Config.from_dict(saved, where=str(cfile))
    words, counts, syn0 = formats.read_native_vectors(folder, mmap=mmap)
    V, d = len(words), cfg.vector_size
    if syn0.shape != (V, d):
        raise InputError(f"{folder}/vectors.npy: shape {syn0.shape}, expected ({V}, {d})")
    model = cls._empty(cfg)
    model.vocab = Vocab(list(words), np.asarray(counts, dtype=np.int64))
    model.weights = Weights(
        syn0=np.array(syn0, dtype=np.float32) if not mmap else syn0,
        out_ns=_array(folder, "output_ns.npy", (V, d), mmap) if cfg.negative else UNUSED,
        out_hs=_array(folder, "output_hs.npy", (max(V - 1, 1), d), mmap) if cfg.hs else UNUSED,
        out_sm=_array(folder, "output_softmax.npy", (V, d), mmap) if cfg.softmax else UNUSED,
    )
    model.huffman = _tree(folder, V) if cfg.hs else Huffman.empty()
    state = meta.get("state") or {}
    model.epochs_done = int(state.get("epochs_done", 0))
    model.corpus_words = int(state.get("corpus_words", 0))
    model.corpus_count = int(state.get("corpus_count", 0))
    model.schedule = _check_schedule(state.get("schedule"), cfile)
    model.comment = meta.get("comment")
    try:
        model.history = [EpochStats(**h) for h in meta.get("history", [])]
    except TypeError as exc:
        raise InputError(f"{cfile}: malformed history ({exc})") from None
    return model


def _array(folder: Path, name: str, shape: tuple, mmap: bool) -> np.ndarray:
    f = folder / name
    if not f.is_file():
        raise InputError(f"{folder}: missing {name} (needed by the model's loss)")
    try:
        a = np.load(f, mmap_mode="r+" if mmap else None, allow_pickle=False)
    except Exception as exc:  # numpy's header parser raises many kinds on corrupt files
        raise InputError(f"{f}: unreadable array ({exc})") from None
    if a.shape != shape or a.dtype != np.float32:
        raise InputError(f"{f}: shape {a.shape} dtype {a.dtype}, expected {shape} float32")
    formats.check_finite(str(f), a)
    return a


def _tree(folder: Path, V: int) -> Huffman:
    hfile = folder / "huffman.npz"
    if not hfile.is_file():
        raise InputError(f"{folder}: missing huffman.npz (needed by hierarchical softmax)")
    try:
        with np.load(hfile, allow_pickle=False) as z:
            tree = Huffman(z["codes"], z["points"], z["lengths"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise InputError(f"{hfile}: unreadable Huffman tree ({exc})") from None
    _check_tree(tree, V, hfile)
    return tree


def _check_tree(tree: Huffman, V: int, where) -> None:
    """A loaded tree must index only existing inner nodes: a corrupt one would write out of bounds."""
    c, p, n = tree.codes, tree.points, tree.lengths
    ok = (c.ndim == 2 and p.shape == c.shape and n.shape == (V,) and c.shape[0] == V
          and c.dtype == np.uint8 and p.dtype == np.int32 and n.dtype == np.int32
          and n.min(initial=0) >= 0 and n.max(initial=0) <= c.shape[1]
          and p.min(initial=0) >= 0 and p.max(initial=0) <= max(V - 2, 0) and c.max(initial=0) <= 1)
    if not ok:
        raise InputError(f"{where}: Huffman tree does not match the vocabulary of {V} words")


def _check_schedule(sch, where) -> dict | None:
    if sch is None:
        return None
    ok = (isinstance(sch, dict) and set(sch) == {"total", "epoch", "job"}
          and all(isinstance(sch[k], int) and not isinstance(sch[k], bool) and sch[k] >= 0 for k in sch)
          and sch["epoch"] < sch["total"])
    if not ok:
        raise InputError(f"{where}: malformed training state 'schedule': {sch!r}")
    return dict(sch)
