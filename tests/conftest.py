"""Helpers shared by the tests: running the `w2v` command, in this process or as its own,
reading a PNG's size, the sigmoid, and one call of the training kernel.

Test modules import them by name (``from conftest import run_w2v``); pytest puts this folder on
``sys.path`` when it collects the tests.
"""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np

from w2v.trainer import Kernel, KernelParams, Tables, Weights

W2V = [sys.executable, "-m", "w2v.cli"]
"""The command line, as a separate process."""


def run_w2v(*args, stdin: bytes | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """`w2v ARGS...` as its own process (what a user runs; imports and exit codes are real).
    ``stdout``/``stderr`` are bytes."""
    return subprocess.run([*W2V, *map(str, args)], input=stdin, capture_output=True, timeout=timeout)


def main_status(*args, stdin: str | None = None) -> int:
    """`w2v ARGS...` in this process (fast; the output goes to pytest's capsys/capfd). Returns the
    exit status."""
    from w2v.cli import main

    saved = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        sys.stdin = saved
    return 0


def main_output(capsys, *args, stdin: str | None = None) -> tuple[int, str, str]:
    """`w2v ARGS...` in this process: (exit status, stdout, stderr)."""
    code = main_status(*args, stdin=stdin)
    out, err = capsys.readouterr()
    return code, out, err


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG image, from its header."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")

_EMPTY_F = np.zeros((1, 1), np.float32)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def run_kernel(stream, syn0, *, out_ns=None, out_hs=None, out_sm=None, noise=None, tree=None, keep=None,
               alpha=0.1, alpha_end=None, seed=7, sg=1, cbow_mean=1, window=1, negative=0, hs=0, softmax=0,
               shrink_windows=1) -> np.ndarray:
    """One kernel call over the whole ``stream`` (ids are rows); returns its stats. ``noise``:
    (prob, alias) of the noise law; ``tree``: a Huffman tree."""
    V = syn0.shape[0]
    prob, alias = noise if noise is not None else (np.ones(1, np.float32), np.zeros(1, np.int32))
    points, codes, lengths = ((tree.points, tree.codes, tree.lengths) if tree is not None else
                              (np.zeros((1, 1), np.int32), np.zeros((1, 1), np.uint8), np.zeros(1, np.int32)))
    tables = Tables(np.arange(V, dtype=np.int32), np.ones(V, np.float32) if keep is None else keep,
                    prob, alias, points, codes, lengths)
    weights = Weights(syn0, _EMPTY_F if out_ns is None else out_ns, _EMPTY_F if out_hs is None else out_hs,
                      _EMPTY_F if out_sm is None else out_sm)
    params = KernelParams(sg, cbow_mean, window, negative, hs, softmax, shrink_windows)
    stream = np.asarray(stream, dtype=np.int32)
    return Kernel(weights, tables, params).run(stream, 0, len(stream), alpha,
                                               alpha if alpha_end is None else alpha_end, seed)


def entropy_bits(counts) -> float:
    """Entropy of the unigram law of ``counts``, in bits."""
    p = np.asarray(counts, dtype=np.float64)
    p = p[p > 0] / p.sum()
    return float(-(p * np.log2(p)).sum()) if len(p) else float("nan")


def expected_code_length(tree, counts) -> float:
    """Mean Huffman code length of a word drawn by ``counts``."""
    p = np.asarray(counts, dtype=np.float64)
    return float((p * tree.lengths).sum() / p.sum())


def draw_many(seed: int, prob, alias, n: int) -> np.ndarray:
    """``n`` draws of the kernels' alias sampler, seeded as a training job seeds it."""
    return _draw_many(np.uint64(seed), prob, alias, n)


def _compile_draw_many():
    from numba import njit

    from w2v.kernels.common import draw_alias, splitmix64

    @njit
    def draws(seed, prob, alias, n):
        state = np.empty(1, dtype=np.uint64)
        state[0] = splitmix64(seed) | np.uint64(1)
        out = np.empty(n, dtype=np.int64)
        for i in range(n):
            out[i] = draw_alias(state, prob, alias)
        return out

    return draws


_draw_many = _compile_draw_many()
