"""KeyedVectors: words, their vectors, and the queries people run on them.

Similarity is the cosine: vectors divided by their norms, which are computed once, lazily, and
safely when many threads query at once. Every query is one matrix product over the vocabulary
(or its first ``restrict_vocab`` rows), never a Python loop over words.

The names follow gensim's ``KeyedVectors`` (``index_to_key``, ``key_to_index``, ``vectors``,
``most_similar``, ``most_similar_cosmul``, ``doesnt_match``, ``evaluate_word_analogies``...), and
so do the conventions, so that results can be compared number for number.
"""

from __future__ import annotations

import os
import threading
from typing import Iterable, Sequence

import numpy as np

from .errors import ConfigError

_NORM_ROWS = 1 << 16  # rows whose norms are computed at once (bounds the temporary)
_MISSING = object()


def _as_list(value) -> list:
    """One word or one vector becomes a list of one; None an empty list."""
    if value is None:
        return []
    if isinstance(value, (str, np.str_)):
        return [value]
    if isinstance(value, np.ndarray):
        return [value] if value.ndim == 1 else list(value)
    return list(value)


def _unit(vec: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vec))
    return (vec / norm if norm > 0 else vec).astype(np.float32)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest scores, best first."""
    neg = -scores
    if k >= scores.size:
        return np.argsort(neg)[:k]
    part = np.argpartition(neg, k)[:k]
    return part.take(np.argsort(neg.take(part)))


class KeyedVectors:
    """Vectors looked up by word.

    ``KeyedVectors(words, vectors, counts=None)``: ``words`` in row order (most frequent first,
    by convention), ``vectors`` a ``[len(words), dim]`` float array, ``counts`` optional.

    If the rows of ``vectors`` are changed in place, call ``fill_norms(force=True)``; assigning
    a new array to ``.vectors`` resets the norms by itself.
    """

    def __init__(self, words: Iterable[str], vectors: np.ndarray, counts: Sequence[int] | np.ndarray | None = None):
        words = list(words)
        vectors = np.asanyarray(vectors)  # keeps a memory map a memory map
        if vectors.ndim != 2:
            raise ConfigError(f"vectors must be a 2-D array [words, dim], not {vectors.ndim}-D")
        if vectors.shape[0] != len(words):
            raise ConfigError(f"{len(words)} words but {vectors.shape[0]} vectors")
        if vectors.dtype.kind != "f":
            vectors = vectors.astype(np.float32)
        key_to_index = {w: i for i, w in enumerate(words)}
        if len(key_to_index) != len(words):
            seen: set[str] = set()
            dup = next(w for w in words if w in seen or seen.add(w))
            raise ConfigError(f"duplicate word {dup!r}")
        if counts is not None:
            counts = np.asarray(counts, dtype=np.int64)
            if counts.shape != (len(words),):
                raise ConfigError(f"{len(words)} words but counts of shape {counts.shape}")
        self.index_to_key: list[str] = words
        self.key_to_index: dict[str, int] = key_to_index
        self.counts: np.ndarray | None = counts
        self._lock = threading.Lock()
        self._norm_cache: tuple[np.ndarray, np.ndarray] | None = None
        self._vectors = vectors

    # ------------------------------------------------------------------ basics

    @property
    def vectors(self) -> np.ndarray:
        return self._vectors

    @vectors.setter
    def vectors(self, value: np.ndarray) -> None:
        self._vectors = value
        self._norm_cache = None

    @property
    def vector_size(self) -> int:
        return int(self._vectors.shape[1])

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, word) -> bool:
        return word in self.key_to_index

    def __repr__(self) -> str:
        return f"<KeyedVectors: {len(self)} words, dimension {self.vector_size}>"

    def __getitem__(self, key):
        """``wv["king"]`` is a vector; ``wv[["king", "queen"]]`` a ``[2, dim]`` array."""
        if isinstance(key, (str, np.str_)):
            return self.get_vector(key)
        if isinstance(key, (int, np.integer)):
            return self._vectors[key]
        return np.vstack([self[k] for k in key]) if len(key) else np.zeros((0, self.vector_size), self._vectors.dtype)

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_lock", None)
        state["_norm_cache"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def get_index(self, word: str, default=_MISSING) -> int:
        """Row of ``word``; KeyError naming the word if it is unknown (unless ``default`` given)."""
        try:
            return self.key_to_index[word]
        except KeyError:
            if default is not _MISSING:
                return default
            raise KeyError(f"word {word!r} not in vocabulary") from None
        except TypeError:
            raise KeyError(f"word {word!r} not in vocabulary (not a string)") from None

    def get_vector(self, word: str, norm: bool = False) -> np.ndarray:
        """The vector of ``word`` (divided by its length if ``norm``)."""
        i = self.get_index(word)
        if norm:
            return (self._vectors[i] / self.fill_norms()[1][i]).astype(np.float32)
        return self._vectors[i]

    # ------------------------------------------------------------------ norms

    def fill_norms(self, force: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Compute the vectors' lengths once (thread-safe). Returns ``(norms, divisors)``, where
        divisors are the norms with 0 replaced by 1 (a zero vector stays zero, similarity 0)."""
        cache = self._norm_cache
        if cache is not None and not force:
            return cache
        with self._lock:
            if self._norm_cache is None or force:
                v = self._vectors
                norms = np.empty(v.shape[0], dtype=np.float32)
                for lo in range(0, v.shape[0], _NORM_ROWS):
                    norms[lo : lo + _NORM_ROWS] = np.linalg.norm(v[lo : lo + _NORM_ROWS], axis=1)
                div = np.where(norms > 0, norms, np.float32(1)).astype(np.float32)
                self._norm_cache = (norms, div)
            return self._norm_cache

    @property
    def norms(self) -> np.ndarray:
        return self.fill_norms()[0]

    def get_normed_vectors(self, limit: int | None = None) -> np.ndarray:
        """All vectors (or the first ``limit``) scaled to unit length, as a new float32 array."""
        div = self.fill_norms()[1]
        n = len(self) if limit is None else min(int(limit), len(self))
        return (self._vectors[:n] / div[:n, None]).astype(np.float32, copy=False)

    # ------------------------------------------------------------------ queries

    def _clip(self, restrict_vocab: int | None) -> int:
        if restrict_vocab is None:
            return len(self)
        if isinstance(restrict_vocab, bool) or not isinstance(restrict_vocab, (int, np.integer)) or restrict_vocab < 1:
            raise ConfigError(f"restrict_vocab must be a positive integer or None, not {restrict_vocab!r}")
        return min(int(restrict_vocab), len(self))

    def _input_vector(self, item) -> tuple[np.ndarray, int | None]:
        """(vector, row or None) for a word or a raw vector."""
        if isinstance(item, np.ndarray):
            if item.shape != (self.vector_size,):
                raise ConfigError(f"a query vector must have shape ({self.vector_size},), not {item.shape}")
            return item.astype(np.float32, copy=False), None
        i = self.get_index(item)
        return (self._vectors[i] / self.fill_norms()[1][i]).astype(np.float32), i

    def _scores(self, query: np.ndarray, clip: int) -> np.ndarray:
        """Cosine of every row (of the first ``clip``) with a unit ``query``."""
        div = self.fill_norms()[1]
        return (self._vectors[:clip] @ query) / div[:clip]

    def _ranked(self, scores: np.ndarray, topn: int, exclude: Iterable[int]) -> list[tuple[str, float]]:
        exclude = set(exclude)
        best = _top(scores, topn + len(exclude))
        keys = self.index_to_key
        return [(keys[i], float(scores[i])) for i in best if i not in exclude][:topn]

    def most_similar(self, positive=None, negative=None, topn: int | None = 10, restrict_vocab: int | None = None):
        """Words closest to the mean of the unit vectors of ``positive`` minus ``negative`` (3CosAdd).

        Items are words, vectors, or ``(word, weight)`` pairs. The input words are left out of
        the answer. Returns ``[(word, cosine), ...]``, or every score (an array) if ``topn`` is None.
        """
        if isinstance(topn, (int, np.integer)) and topn < 1:
            return []
        clip = self._clip(restrict_vocab)
        items = [(p, 1.0) for p in _as_list(positive)] + [(n, -1.0) for n in _as_list(negative)]
        if not items:
            raise ConfigError("most_similar needs at least one word or vector")
        mean = np.zeros(self.vector_size, dtype=np.float32)
        total = 0.0
        used: list[int] = []
        for item, sign in items:
            weight = sign
            if isinstance(item, tuple):
                item, w = item
                weight = sign * float(w)
            vec, row = self._input_vector(item)
            if row is not None:
                used.append(row)
            mean += np.float32(weight) * vec
            total += abs(weight)
        if total > 0:
            mean /= np.float32(total)
        scores = self._scores(_unit(mean), clip)
        if not topn:
            return scores
        return self._ranked(scores, int(topn), used)

    def most_similar_cosmul(self, positive=None, negative=None, topn: int | None = 10, restrict_vocab: int | None = None):
        """3CosMul (Levy and Goldberg 2014): the product of the positives' similarities over the
        product of the negatives', each shifted to [0, 1] as ``(1 + cos) / 2``, plus 1e-6 below."""
        if isinstance(topn, (int, np.integer)) and topn < 1:
            return []
        clip = self._clip(restrict_vocab)
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive:
            raise ConfigError("most_similar_cosmul needs at least one positive word or vector")
        vecs, used = [], []
        for item in positive + negative:
            vec, row = self._input_vector(item)
            vecs.append(_unit(vec))
            if row is not None:
                used.append(row)
        div = self.fill_norms()[1]
        sims = (self._vectors[:clip] @ np.stack(vecs, axis=1)) / div[:clip, None]
        sims += 1
        sims *= 0.5
        p = len(positive)
        scores = np.prod(sims[:, :p], axis=1) / (np.prod(sims[:, p:], axis=1) + np.float32(1e-6))
        if not topn:
            return scores
        return self._ranked(scores, int(topn), used)

    def similar_by_word(self, word: str, topn: int | None = 10, restrict_vocab: int | None = None):
        """Nearest neighbours of one word (the word itself left out)."""
        return self.most_similar(positive=[word], topn=topn, restrict_vocab=restrict_vocab)

    similar_by_key = similar_by_word

    def similar_by_vector(self, vector: np.ndarray, topn: int | None = 10, restrict_vocab: int | None = None):
        """Nearest neighbours of a vector (nothing left out)."""
        return self.most_similar(positive=[np.asarray(vector)], topn=topn, restrict_vocab=restrict_vocab)

    def similarity(self, w1: str, w2: str) -> float:
        """Cosine similarity of two words."""
        return float(np.dot(self.get_vector(w1, norm=True), self.get_vector(w2, norm=True)))

    def distance(self, w1: str, w2: str) -> float:
        """1 - cosine similarity."""
        return 1.0 - self.similarity(w1, w2)

    def doesnt_match(self, words: Sequence[str]) -> str:
        """The word furthest from the mean of the words' unit vectors."""
        words = _as_list(words)
        if not words:
            raise ConfigError("doesnt_match needs at least one word")
        rows = [self.get_index(w) for w in words]
        div = self.fill_norms()[1]
        unit = self._vectors[rows] / div[rows, None]
        scores = unit @ _unit(unit.mean(axis=0))
        return words[int(np.argmin(scores))]

    def rank(self, w1: str, w2: str) -> int:
        """Position of ``w2`` among the neighbours of ``w1`` (1 = nearest)."""
        i1, i2 = self.get_index(w1), self.get_index(w2)
        scores = self._scores(self.get_vector(w1, norm=True), len(self))
        closer = int(np.count_nonzero(scores > scores[i2]))
        if i1 != i2 and scores[i1] > scores[i2]:
            closer -= 1
        return closer + 1

    # ------------------------------------------------------------------ evaluation

    def evaluate_word_analogies(self, analogies: str | os.PathLike | None = None, restrict_vocab: int = 30000,
                                case_insensitive: bool = True, method: str = "add"):
        """Accuracy on analogy questions (default: the bundled questions-words.txt).
        See :func:`w2v.evaluate.evaluate_word_analogies`."""
        from .evaluate import evaluate_word_analogies

        return evaluate_word_analogies(self, analogies, restrict_vocab=restrict_vocab,
                                       case_insensitive=case_insensitive, method=method)

    def evaluate_word_pairs(self, pairs: str | os.PathLike | None = None, restrict_vocab: int = 300000,
                            case_insensitive: bool = True, delimiter: str | None = "\t"):
        """Correlation with human similarity scores (default: the bundled WordSim-353).
        See :func:`w2v.evaluate.evaluate_word_pairs`."""
        from .evaluate import evaluate_word_pairs

        return evaluate_word_pairs(self, pairs, restrict_vocab=restrict_vocab,
                                   case_insensitive=case_insensitive, delimiter=delimiter)

    # ------------------------------------------------------------------ files

    @classmethod
    def load(cls, path: str | os.PathLike, limit: int | None = None, unicode_errors: str = "strict",
             mmap: bool = True, binary: bool | None = None) -> "KeyedVectors":
        """Read word2vec binary or text (told apart by content; ``.gz``/``.bz2``/``.xz`` too),
        fastText ``.vec``, or a native folder (memory-mapped unless ``mmap=False``).

        ``limit`` keeps the first ``limit`` vectors; ``unicode_errors`` ("strict", "replace",
        "ignore") says what to do with words that are not UTF-8.
        """
        from . import formats

        if os.path.isdir(path):
            words, counts, vectors = formats.read_native_vectors(path, mmap=mmap, limit=limit)
            return cls(words, vectors, counts if counts.any() else None)
        formats._check_errors_policy(unicode_errors)
        words, vectors = formats.load_word2vec(path, limit=limit, unicode_errors=unicode_errors, binary=binary)
        return cls(words, vectors)

    @classmethod
    def load_word2vec_format(cls, path: str | os.PathLike, binary: bool | None = None, limit: int | None = None,
                             unicode_errors: str = "strict") -> "KeyedVectors":
        """gensim's name for :meth:`load` of a word2vec file."""
        return cls.load(path, limit=limit, unicode_errors=unicode_errors, binary=binary)

    def save(self, path: str | os.PathLike, binary: bool | None = None) -> None:
        """Write, atomically, in the format the path names: ``.bin`` word2vec binary; ``.txt``,
        ``.vec``, ``.w2v`` word2vec text (each may end in ``.gz``/``.bz2``/``.xz``); anything
        else a native folder. ``binary`` True/False forces a word2vec format."""
        from . import formats

        if binary is None and formats.format_for_path(path) == formats.NATIVE:
            formats.save_native(path, self.index_to_key, self._vectors, self.counts)
        else:
            formats.save_word2vec(path, self.index_to_key, self._vectors, binary=binary)

    def save_word2vec_format(self, path: str | os.PathLike, binary: bool = False) -> None:
        """gensim's name for saving word2vec text or binary."""
        from . import formats

        formats.save_word2vec(path, self.index_to_key, self._vectors, binary=binary)
