"""Helpers shared by the tests."""

import numpy as np

from w2v.trainer import Kernel, KernelParams, Tables, Weights

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
