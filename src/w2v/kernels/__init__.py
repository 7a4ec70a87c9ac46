"""numba kernels and nothing else: the hot loops of training.

- ``common``:   random numbers, sigmoid and log-sigmoid tables, alias draws.
- ``logistic``: one binary-logistic step of a batch of input rows against a set of output rows
  with labels; the shared core of negative sampling and hierarchical softmax.
- ``ns``:       negative sampling: the true word (label 1) and k noise words (label 0).
- ``hs``:       hierarchical softmax: the inner nodes on the word's Huffman path, labelled by
  its code bits.
- ``softmax``:  the exact softmax over the whole vocabulary.
- ``train``:    the skeleton: sentences, subsampling, window, the input side (skip-gram rows or
  the CBOW mean), calling the losses above.
"""
