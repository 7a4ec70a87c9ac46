"""Where a model starts: which words it keeps, and their first weights.

- :func:`select`: the vocabulary from counted words: ``min_count`` (0 keeps every word), raised
  if need be so that at most ``max_final_vocab`` words remain (gensim's rule), then a
  ``trim_rule``; rows sorted by count unless ``sorted_vocab=0``; ``null_word`` adds "\\0".
- :func:`initial`: weights for a new vocabulary: input vectors uniform in (-1, 1) / dim, output
  layers zero, the Huffman tree for hierarchical softmax.
- :func:`grow`: a trained model's weights extended by new words (``build_vocab(update=True)``).
- :func:`tables`: what the training kernel reads besides the weights; :func:`warm_kernel` loads
  that kernel early, on a two-word model.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from . import RULE_DISCARD, RULE_KEEP
from .config import Config
from .huffman import Huffman
from .modelfile import UNUSED
from .trainer import Kernel, KernelParams, Tables, Weights
from .vocab import Vocab

NULL_WORD = "\0"


def select(cfg: Config, words: list[str], counts: np.ndarray, trim_rule: Callable | None = None,
           null_word: bool | None = None) -> Vocab:
    """The words kept and their counts (``null_word`` None: the config's)."""
    counts = np.asarray(counts, dtype=np.int64)
    min_count = cfg.min_count
    if cfg.max_final_vocab is not None and cfg.max_final_vocab < len(counts):
        min_count = max(min_count, int(np.sort(counts)[::-1][cfg.max_final_vocab]) + 1)
    keep = counts >= min_count
    if trim_rule is not None:
        for i, (w, c) in enumerate(zip(words, counts.tolist())):
            rule = trim_rule(w, c, min_count)
            if rule == RULE_KEEP or rule == RULE_DISCARD:
                keep[i] = rule == RULE_KEEP
    order = np.flatnonzero(keep)
    if cfg.sorted_vocab:
        order = order[np.argsort(-counts[order], kind="stable")]
    kept_words, kept_counts = [words[i] for i in order.tolist()], counts[order]
    if (cfg.null_word if null_word is None else null_word) and NULL_WORD not in kept_words:
        kept_words, kept_counts = kept_words + [NULL_WORD], np.append(kept_counts, 1)
    return Vocab(kept_words, kept_counts)


def tree(cfg: Config, counts: np.ndarray) -> Huffman:
    return Huffman.build(counts) if cfg.sorted_vocab else Huffman.build_unsorted(counts)


def initial(cfg: Config, vocab: Vocab) -> tuple[Weights, Huffman]:
    V, d = len(vocab), cfg.vector_size
    rng = np.random.default_rng(cfg.seed)
    weights = Weights(
        syn0=initial_rows(rng, V, d),
        out_ns=np.zeros((V, d), np.float32) if cfg.negative else UNUSED,
        out_hs=np.zeros((max(V - 1, 1), d), np.float32) if cfg.hs else UNUSED,
        out_sm=np.zeros((V, d), np.float32) if cfg.softmax else UNUSED,
    )
    return weights, tree(cfg, vocab.counts) if cfg.hs else Huffman.empty()


def grow(cfg: Config, old: Vocab, w: Weights, tree_: Huffman, new: Vocab) -> tuple[Vocab, Weights, Huffman]:
    """``old`` plus the words of ``new`` it lacks (rows appended; counts of known words added);
    new input rows start as at the start, new output rows at zero."""
    counts = dict(zip(old.words, old.counts.tolist()))
    added = []
    for word, c in zip(new.words, new.counts.tolist()):
        if word in counts:
            counts[word] += c
        else:
            counts[word] = c
            added.append(word)
    words = old.words + added
    vocab = Vocab(words, np.asarray([counts[x] for x in words], dtype=np.int64))
    d = cfg.vector_size
    rng = np.random.default_rng([cfg.seed, len(old)])
    fresh = initial_rows(rng, len(added), d)
    weights = Weights(
        syn0=np.vstack([w.syn0, fresh.astype(np.float32)]),
        out_ns=np.vstack([w.out_ns, np.zeros((len(added), d), np.float32)]) if cfg.negative else UNUSED,
        out_hs=w.out_hs,
        out_sm=np.vstack([w.out_sm, np.zeros((len(added), d), np.float32)]) if cfg.softmax else UNUSED,
    )
    if cfg.hs:  # a new tree over the grown vocabulary: the inner nodes are learned afresh
        tree_ = Huffman.build_unsorted(vocab.counts)
        weights.out_hs = np.zeros((len(vocab) - 1, d), np.float32)
    return vocab, weights, tree_


def initial_rows(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """Input vectors start uniform in (-1, 1) / d, as gensim's (word2vec C uses half that range;
    the wider start measured better for CBOW, see docs/benchmarks.md)."""
    rows = rng.random((n, d), dtype=np.float32)  # the same arithmetic in place: no temporaries
    rows *= np.float32(2.0)
    rows -= np.float32(1.0)
    rows /= np.float32(d)
    return rows


def tables(cfg: Config, vocab: Vocab, huffman: Huffman, remap: np.ndarray) -> Tables:
    prob, alias = vocab.noise_alias(cfg.ns_exponent) if cfg.negative else (np.ones(1, np.float32),
                                                                           np.zeros(1, np.int32))
    hf = huffman if cfg.hs else Huffman.empty()
    return Tables(remap, vocab.keep_probs(cfg.sample, cfg.sample_formula), prob, alias, hf.points, hf.codes,
                  hf.lengths)


def warm_kernel(cfg: Config) -> None:
    """Load the training kernel for ``cfg`` now (on a two-word model), while the process is small:
    the first job then starts at once, and loading (which maps much of LLVM) peaks before the
    corpus and the weights are in memory."""
    vocab = Vocab(["a", "b"], np.array([2, 1], dtype=np.int64))
    weights, huffman = initial(cfg, vocab)
    piece = np.zeros(1, dtype=np.int32)
    piece.flags.writeable = False  # the type of a piece of the memory-mapped id stream
    Kernel(weights, tables(cfg, vocab, huffman, np.arange(2, dtype=np.int32)), KernelParams.from_config(cfg)
           ).run(piece, 0, 0, 0.0, 0.0, 0)
