"""Probabilities after training: p(word | context) under the model's own output layer.

The context representation h is the mean of the context words' input vectors (their sum for a
model trained with ``cbow_mean=0``): CBOW's input, and for a skip-gram model and a single
context word exactly the model's p(word | context word). gensim forms h the same way.

- hierarchical softmax: p(w | h) = prod over w's path of sigmoid(+-u_n . h), a proper
  distribution over the vocabulary (it sums to 1 by construction of the tree);
- full softmax: exp(u_w . h) / sum_j exp(u_j . h);
- negative sampling has no normalised output: as gensim does, the softmax of its output scores
  is returned, which ranks words sensibly but is not the distribution the model was fitted to.

The two softmaxes (full, and over negative sampling's scores) are one computation here, in
float64, on whichever output matrix the loss names.
"""

from __future__ import annotations

import logging

import numpy as np

from .errors import ConfigError

LOSSES = ("hs", "softmax", "ns")
_log = logging.getLogger(__name__)


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -x)


def _rows(model, context_words) -> list[int]:
    """Rows of the known context words (words, or row numbers as gensim allows)."""
    if isinstance(context_words, str):
        context_words = [context_words]
    index, V = model.vocab.index, len(model.vocab)
    rows = []
    for w in context_words:
        if w in index:
            rows.append(index[w])
        elif isinstance(w, (int, np.integer)) and not isinstance(w, bool) and 0 <= w < V:
            rows.append(int(w))
    return rows


def context_vector(model, context_words) -> np.ndarray:
    rows = _rows(model, context_words)
    if not rows:
        missing = ", ".join(repr(w) for w in list(context_words)[:5])
        raise KeyError(f"none of the context words is in the vocabulary: {missing}")
    h = np.asarray(model.weights.syn0[rows], dtype=np.float64).sum(axis=0)
    return h / len(rows) if model.config.cbow_mean else h


def _loss_of(model, loss: str | None) -> str:
    """The loss asked for, checked against what the model was trained with."""
    cfg = model.config
    trained = [name for name, on in (("softmax", cfg.softmax), ("hs", cfg.hs), ("ns", cfg.negative)) if on]
    if loss is None:
        return trained[0]
    if loss not in LOSSES:
        raise ConfigError(f"loss must be one of {', '.join(LOSSES)}, not {loss!r}")
    if loss not in trained:
        names = {"hs": "hierarchical softmax (hs=1)", "softmax": "the full softmax (softmax=1)",
                 "ns": "negative sampling (negative > 0)"}
        raise ConfigError(f"the model was not trained with {names[loss]}, so it has no output weights for it; "
                          f"it was trained with: {', '.join(names[t] for t in trained)}")
    return loss


def log_probs(model, context_words, loss: str | None = None) -> np.ndarray:
    """log p(. | context) over the whole vocabulary (float64, length V), under ``loss`` (by
    default the model's: softmax, else hs, else ns)."""
    loss = _loss_of(model, loss)
    h = context_vector(model, context_words)
    if loss == "hs":
        hf = model.huffman
        s = np.asarray(model.weights.out_hs, dtype=np.float64) @ h          # one score per inner node
        sign = 1.0 - 2.0 * hf.codes.astype(np.float64)                       # bit 0: +s, bit 1: -s
        mask = np.arange(hf.codes.shape[1])[None, :] < hf.lengths[:, None]
        return np.where(mask, _log_sigmoid(sign * s[hf.points]), 0.0).sum(axis=1)
    out = model.weights.out_sm if loss == "softmax" else model.weights.out_ns
    s = np.asarray(out, dtype=np.float64) @ h
    return s - np.logaddexp.reduce(s)


def predict_output_word(model, context_words, topn: int = 10, loss: str | None = None
                        ) -> list[tuple[str, float]] | None:
    """The ``topn`` most probable centre words for the context, with their probabilities; None
    (and a logged warning, as gensim) if no context word is in the vocabulary."""
    loss = _loss_of(model, loss)
    if not _rows(model, context_words):
        _log.warning("all the context words are outside the vocabulary: %r", context_words)
        return None
    lp = log_probs(model, context_words, loss)
    top = np.argsort(-lp)[:topn]
    return [(model.vocab.words[i], float(np.exp(lp[i]))) for i in top]


def log_prob(model, word: str, context_words, loss: str | None = None) -> float:
    """log p(word | context) under ``loss`` (default: the model's)."""
    if word not in model.vocab.index:
        raise KeyError(f"word {word!r} is not in the vocabulary")
    return float(log_probs(model, context_words, loss)[model.vocab.index[word]])
