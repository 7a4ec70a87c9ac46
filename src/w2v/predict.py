"""Probabilities after training: p(word | context) under the model's own output layer.

The context representation is h = mean of the context words' input vectors (CBOW's input; for
a skip-gram model and a single context word, exactly the model's p(word | context word)).

- hierarchical softmax: p(w | h) = prod over w's path of sigmoid(+-u_n . h), a proper
  distribution over the vocabulary (it sums to 1 by construction of the tree);
- full softmax: exp(u_w . h) / sum_j exp(u_j . h);
- negative sampling has no normalised output: as gensim does, the softmax of its output scores
  is returned, which ranks words sensibly but is not the distribution the model was fitted to.
"""

from __future__ import annotations

import numpy as np

from .errors import ConfigError


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -x)


def context_vector(model, context_words) -> np.ndarray:
    if isinstance(context_words, str):
        context_words = [context_words]
    index = model.vocab.index
    rows = [index[w] for w in context_words if w in index]
    if not rows:
        missing = ", ".join(repr(w) for w in list(context_words)[:5])
        raise KeyError(f"none of the context words is in the vocabulary: {missing}")
    return np.asarray(model.weights.syn0[rows], dtype=np.float64).mean(axis=0)


def log_probs(model, context_words, loss: str | None = None) -> np.ndarray:
    """log p(. | context) over the whole vocabulary (float64, length V)."""
    cfg = model.config
    h = context_vector(model, context_words)
    loss = loss or ("softmax" if cfg.softmax else "hs" if cfg.hs else "ns")
    if loss == "hs":
        if not cfg.hs:
            raise ConfigError("the model was not trained with hierarchical softmax")
        hf = model.huffman
        s = np.asarray(model.weights.out_hs, dtype=np.float64) @ h          # one score per inner node
        sign = 1.0 - 2.0 * hf.codes.astype(np.float64)                       # bit 0: +s, bit 1: -s
        mask = np.arange(hf.codes.shape[1])[None, :] < hf.lengths[:, None]
        return np.where(mask, _log_sigmoid(sign * s[hf.points]), 0.0).sum(axis=1)
    if loss == "softmax":
        out = model.weights.out_sm
    elif loss == "ns":
        if not cfg.negative:
            raise ConfigError("the model was not trained with negative sampling")
        out = model.weights.out_ns
    else:
        raise ConfigError(f"unknown loss {loss!r}")
    s = np.asarray(out, dtype=np.float64) @ h
    return s - np.logaddexp.reduce(s)


def predict_output_word(model, context_words, topn: int = 10) -> list[tuple[str, float]]:
    """The ``topn`` most probable centre words for the context, with their probabilities."""
    lp = log_probs(model, context_words)
    top = np.argsort(-lp)[:topn]
    return [(model.vocab.words[i], float(np.exp(lp[i]))) for i in top]


def log_prob(model, word: str, context_words) -> float:
    """log p(word | context) under the model's loss."""
    if word not in model.vocab.index:
        raise KeyError(f"word {word!r} is not in the vocabulary")
    return float(log_probs(model, context_words)[model.vocab.index[word]])
