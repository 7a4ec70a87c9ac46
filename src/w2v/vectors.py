"""KeyedVectors: words, their vectors, and the queries people run on them.

Similarity is the cosine: vectors divided by their norms, which are computed once, lazily, and
safely when many threads query at once. Every query is one matrix product over the vocabulary
(or its first ``restrict_vocab`` rows), never a Python loop over words.

The names follow gensim's ``KeyedVectors`` (``index_to_key``, ``key_to_index``, ``vectors``,
``most_similar``, ``most_similar_cosmul``, ``doesnt_match``, ``evaluate_word_analogies``...), and
so do the conventions, so that results can be compared number for number. Reading and writing
files lives in :mod:`w2v.vectorfiles`, evaluation in :mod:`w2v.evaluate`.
"""

from __future__ import annotations

import threading
import warnings
from typing import Iterable, Sequence

import numpy as np

from .errors import ConfigError
from .vectorfiles import VectorFiles

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


def _is_position(key) -> bool:
    return isinstance(key, (int, np.integer)) and not isinstance(key, bool)


class KeyedVectors(VectorFiles):
    """Vectors looked up by word.

    ``KeyedVectors(words, vectors, counts=None)``: ``words`` in row order (most frequent first,
    by convention), ``vectors`` a ``[len(words), dim]`` float array, ``counts`` optional.
    gensim's ``KeyedVectors(vector_size)`` (empty, to fill with :meth:`add_vectors`) works too.

    If the rows of ``vectors`` are changed in place, call ``fill_norms(force=True)``; assigning
    a new array to ``.vectors`` resets the norms by itself.
    """

    def __init__(self, words: Iterable[str] | int | None = None, vectors: np.ndarray | None = None,
                 counts: Sequence[int] | np.ndarray | None = None, *, vector_size: int | None = None,
                 count: int = 0, dtype=np.float32, mapfile_path=None):
        if _is_position(words) and vectors is None:  # gensim: KeyedVectors(vector_size, count=0)
            words, vector_size = None, int(words)
        if words is None and vectors is None:
            if vector_size is None or not _is_position(vector_size) or vector_size < 1:
                raise ConfigError("KeyedVectors needs words and vectors, or vector_size (a positive integer)")
            if count:
                raise ConfigError("KeyedVectors(vector_size, count=N): w2v keeps no empty slots; create it "
                                  "empty and call add_vectors(keys, vectors)")
            words, vectors = [], np.zeros((0, int(vector_size)), dtype=dtype)
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
        self.index_to_key: list[str] = words
        self.key_to_index: dict[str, int] = key_to_index
        self.expandos: dict[str, np.ndarray] = {}  # per-row attributes (gensim's name): "count", ...
        self.counts = counts
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
    def counts(self) -> np.ndarray | None:
        """Each word's count in the training corpus (int64), or None if unknown."""
        return self.expandos.get("count")

    @counts.setter
    def counts(self, value) -> None:
        if value is None:
            self.expandos.pop("count", None)
            return
        value = np.asarray(value, dtype=np.int64)
        if value.shape != (len(self.index_to_key),):
            raise ConfigError(f"{len(self.index_to_key)} words but counts of shape {value.shape}")
        self.expandos["count"] = value

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
        if _is_position(key):
            return self._vectors[key]
        return np.vstack([self[k] for k in key]) if len(key) else np.zeros((0, self.vector_size), self._vectors.dtype)

    def __setitem__(self, keys, vectors) -> None:
        """``wv["word"] = vector`` adds the word, or replaces its vector (gensim's spelling)."""
        if not isinstance(keys, list):
            keys, vectors = [keys], np.asarray(vectors).reshape(1, -1)
        self.add_vectors(keys, vectors, replace=True)

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_lock", None)
        state["_norm_cache"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def get_index(self, word: str, default=_MISSING) -> int:
        """Row of ``word`` (an integer in range is its own row, as in gensim); KeyError naming
        the word if it is unknown, unless ``default`` is given."""
        try:
            return self.key_to_index[word]
        except KeyError:
            if _is_position(word) and 0 <= word < len(self):
                return int(word)
            if default is not _MISSING:
                return default
            raise KeyError(f"word {word!r} not in vocabulary") from None
        except TypeError:
            if default is not _MISSING:
                return default
            raise KeyError(f"word {word!r} not in vocabulary (not a string)") from None

    def has_index_for(self, key) -> bool:
        """gensim's check: a known word, or an integer that is a row."""
        return self.get_index(key, -1) >= 0

    def get_vector(self, word: str, norm: bool = False) -> np.ndarray:
        """The vector of ``word`` (divided by its length if ``norm``)."""
        i = self.get_index(word)
        if norm:
            return (self._vectors[i] / self.fill_norms()[1][i]).astype(np.float32)
        return self._vectors[i]

    def word_vec(self, *args, **kwargs) -> np.ndarray:
        """Deprecated in gensim: :meth:`get_vector`."""
        warnings.warn("word_vec is deprecated (as in gensim); use get_vector", DeprecationWarning, stacklevel=2)
        return self.get_vector(*args, **kwargs)

    # ------------------------------------------------------------------ attributes and editing

    def get_vecattr(self, key, attr: str):
        """A per-word attribute: ``"count"`` (the corpus count, when known) or one set with
        :meth:`set_vecattr`."""
        if attr not in self.expandos:
            raise KeyError(f"no attribute {attr!r} (known: {', '.join(sorted(self.expandos)) or 'none'})")
        return self.expandos[attr][self.get_index(key)]

    def set_vecattr(self, key, attr: str, value) -> None:
        """Set a per-word attribute (an array of the value's type is made for all words)."""
        i = self.get_index(key)
        if attr not in self.expandos:
            kind = np.int64 if isinstance(value, (int, np.integer)) else object if isinstance(value, str) \
                else np.asarray(value).dtype
            self.expandos[attr] = np.zeros(len(self), dtype=kind)
        self.expandos[attr][i] = value

    def add_vectors(self, keys, vectors, extras: dict | None = None, replace: bool = False) -> None:
        """Append words and their vectors; a word already present keeps its vector unless
        ``replace``. ``extras`` maps attribute names to one value per key."""
        if isinstance(keys, (str, np.str_)) or _is_position(keys):
            keys, vectors = [keys], np.asarray(vectors).reshape(1, -1)
        keys = list(keys)
        vectors = np.asarray(vectors, dtype=self._vectors.dtype).reshape(len(keys), -1)
        if vectors.shape[1] != self.vector_size:
            raise ConfigError(f"vectors of dimension {vectors.shape[1]} added to KeyedVectors of dimension "
                              f"{self.vector_size}")
        extras = {k: np.asarray(v) for k, v in (extras or {}).items()}
        known = np.fromiter((k in self.key_to_index for k in keys), dtype=bool, count=len(keys))
        fresh = np.flatnonzero(~known)
        new_keys = list(dict.fromkeys(keys[i] for i in fresh))  # a key twice in `keys`: its first vector
        first = {k: i for i, k in reversed(list(enumerate(keys))) if not known[i]}
        rows = [first[k] for k in new_keys]
        base = len(self)
        self.index_to_key.extend(new_keys)
        self.key_to_index.update(zip(new_keys, range(base, base + len(new_keys))))
        self._vectors = np.vstack([np.asarray(self._vectors), vectors[rows]])
        for attr, arr in list(self.expandos.items()):
            grown = np.zeros(len(self), dtype=arr.dtype)
            grown[:base] = arr
            if attr in extras:
                grown[base:] = extras[attr][rows]
            self.expandos[attr] = grown
        for attr, values in extras.items():
            if attr not in self.expandos:
                self.expandos[attr] = np.zeros(len(self), dtype=values.dtype)
                self.expandos[attr][base:] = values[rows]
        if replace and known.any():
            self._writable()
            idx = [self.key_to_index[keys[i]] for i in np.flatnonzero(known)]
            self._vectors[idx] = vectors[known]
            for attr, values in extras.items():
                self.expandos[attr][idx] = values[known]
        self._norm_cache = None

    def add_vector(self, key, vector) -> int:
        """Add one word (kept as it is if already present); returns its row."""
        self.add_vectors([key], np.asarray(vector).reshape(1, -1))
        return self.key_to_index[key]

    def _writable(self) -> None:
        if not self._vectors.flags.writeable:  # a read-only memory map: edit a copy in memory
            self._vectors = np.array(self._vectors)

    def sort_by_descending_frequency(self) -> None:
        """Reorder the rows by count, most frequent first (ties as gensim: later rows first)."""
        if not len(self):
            return
        if self.counts is None:
            raise KeyError("no counts to sort by: these vectors came without them")
        order = np.lexsort((-np.arange(len(self)), -self.counts))
        self.index_to_key = [self.index_to_key[i] for i in order.tolist()]
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        self.expandos = {k: v[order] for k, v in self.expandos.items()}
        self.vectors = np.asarray(self._vectors)[order]

    def vectors_for_all(self, keys: Iterable, allow_inference: bool = True,
                        copy_vecattrs: bool = False) -> "KeyedVectors":
        """New KeyedVectors holding those of ``keys`` that are known (each once, in order)."""
        words = [k for k in dict.fromkeys(keys) if k in self.key_to_index]
        rows = [self.key_to_index[w] for w in words]
        out = KeyedVectors(words, np.array(self._vectors[rows]))
        if copy_vecattrs:
            out.expandos = {k: v[rows] for k, v in self.expandos.items()}
        return out

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

    @norms.setter
    def norms(self, value) -> None:
        if value is not None:
            raise ConfigError("norms are computed from the vectors; set them to None to recompute")
        self._norm_cache = None

    def get_normed_vectors(self, limit: int | None = None) -> np.ndarray:
        """All vectors (or the first ``limit``) scaled to unit length, as a new float32 array."""
        div = self.fill_norms()[1]
        n = len(self) if limit is None else min(int(limit), len(self))
        return (self._vectors[:n] / div[:n, None]).astype(np.float32, copy=False)

    def unit_normalize_all(self) -> None:
        """Scale every vector to unit length, in place (a memory map is copied first)."""
        self._writable()
        self._vectors /= self.fill_norms()[1][:, None]
        self.fill_norms(force=True)

    def init_sims(self, replace: bool = False) -> None:
        """Deprecated in gensim: :meth:`fill_norms` (and :meth:`unit_normalize_all` if ``replace``)."""
        warnings.warn("init_sims is deprecated (as in gensim); use fill_norms", DeprecationWarning, stacklevel=2)
        self.fill_norms()
        if replace:
            self.unit_normalize_all()

    # ------------------------------------------------------------------ queries

    def _span(self, restrict_vocab: int | None, clip_start: int = 0, clip_end: int | None = None) -> tuple[int, int]:
        """Rows searched: the first ``restrict_vocab``, else ``clip_start:clip_end`` (gensim's)."""
        if restrict_vocab is None:
            end = len(self) if clip_end is None else min(int(clip_end), len(self))
            return min(max(int(clip_start), 0), end), end
        if isinstance(restrict_vocab, bool) or not _is_position(restrict_vocab) or restrict_vocab < 1:
            raise ConfigError(f"restrict_vocab must be a positive integer or None, not {restrict_vocab!r}")
        return 0, min(int(restrict_vocab), len(self))

    def _input_vector(self, item) -> tuple[np.ndarray, int | None]:
        """(vector, row or None) for a word or a raw vector."""
        if isinstance(item, np.ndarray):
            if item.shape != (self.vector_size,):
                raise ConfigError(f"a query vector must have shape ({self.vector_size},), not {item.shape}")
            return item.astype(np.float32, copy=False), None
        i = self.get_index(item)
        return (self._vectors[i] / self.fill_norms()[1][i]).astype(np.float32), i

    def _scores(self, query: np.ndarray, lo: int, hi: int) -> np.ndarray:
        """Cosine of every row in ``lo:hi`` with a unit ``query``."""
        div = self.fill_norms()[1]
        return (self._vectors[lo:hi] @ query) / div[lo:hi]

    def _ranked(self, scores: np.ndarray, topn: int, exclude: Iterable[int], lo: int = 0) -> list[tuple[str, float]]:
        exclude = {i - lo for i in exclude}
        best = _top(scores, topn + len(exclude))
        keys = self.index_to_key
        return [(keys[i + lo], float(scores[i])) for i in best.tolist() if i not in exclude][:topn]

    def most_similar(self, positive=None, negative=None, topn: int | None = 10, restrict_vocab: int | None = None,
                     *, clip_start: int = 0, clip_end: int | None = None, indexer=None):
        """Words closest to the mean of the unit vectors of ``positive`` minus ``negative`` (3CosAdd).

        Items are words, vectors, or ``(word, weight)`` pairs. The input words are left out of
        the answer. Returns ``[(word, cosine), ...]``, or every score (an array) if ``topn`` is None.
        ``indexer`` (gensim's approximate nearest-neighbour indexers) answers instead, if given.
        """
        if isinstance(topn, (int, np.integer)) and topn < 1:
            return []
        lo, hi = self._span(restrict_vocab, clip_start, clip_end)
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
        if indexer is not None and isinstance(topn, int):
            return indexer.most_similar(_unit(mean), topn)
        scores = self._scores(_unit(mean), lo, hi)
        if not topn:
            return scores
        return self._ranked(scores, int(topn), used, lo)

    def most_similar_cosmul(self, positive=None, negative=None, topn: int | None = 10, restrict_vocab: int | None = None):
        """3CosMul (Levy and Goldberg 2014): the product of the positives' similarities over the
        product of the negatives', each shifted to [0, 1] as ``(1 + cos) / 2``, plus 1e-6 below."""
        if isinstance(topn, (int, np.integer)) and topn < 1:
            return []
        _lo, clip = self._span(restrict_vocab)
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

    def n_similarity(self, ws1: Sequence[str], ws2: Sequence[str]) -> float:
        """Cosine similarity of the means of two sets of words (unknown words are ignored, as gensim)."""
        if not (len(ws1) and len(ws2)):
            raise ConfigError("n_similarity needs two non-empty lists of words")
        a = self.get_mean_vector(ws1, pre_normalize=False)
        b = self.get_mean_vector(ws2, pre_normalize=False)
        return float(np.dot(_unit(a), _unit(b)))

    def get_mean_vector(self, keys, weights=None, pre_normalize: bool = True, post_normalize: bool = False,
                        ignore_missing: bool = True) -> np.ndarray:
        """Weighted mean of the (unit, if ``pre_normalize``) vectors of ``keys`` (words or
        vectors), divided by the sum of the absolute weights; unit length if ``post_normalize``.
        Unknown words are skipped unless ``ignore_missing`` is False (then a KeyError)."""
        keys = _as_list(keys)
        if not keys:
            raise ConfigError("get_mean_vector needs at least one key")
        weights = np.ones(len(keys), np.float32) if weights is None else np.asarray(weights, dtype=np.float32)
        if weights.shape != (len(keys),):
            raise ConfigError(f"{len(keys)} keys but weights of shape {weights.shape}")
        mean = np.zeros(self.vector_size, dtype=np.float32)
        total = 0.0
        for key, w in zip(keys, weights.tolist()):
            if isinstance(key, np.ndarray):
                vec = key
            elif self.has_index_for(key):
                vec = self.get_vector(key, norm=pre_normalize)
            elif ignore_missing:
                continue
            else:
                raise KeyError(f"word {key!r} not in vocabulary")
            mean += np.float32(w) * vec
            total += abs(w)
        if total > 0:
            mean /= np.float32(total)
        return _unit(mean) if post_normalize else mean

    @staticmethod
    def cosine_similarities(vector_1: np.ndarray, vectors_all: np.ndarray) -> np.ndarray:
        """Cosine of one vector with each row of ``vectors_all``."""
        norm = np.linalg.norm(vector_1)
        return (vectors_all @ vector_1) / (norm * np.linalg.norm(vectors_all, axis=1))

    def distances(self, word_or_vector, other_words: Sequence[str] = ()) -> np.ndarray:
        """1 - cosine from a word (or vector) to each of ``other_words`` (default: every word,
        itself included)."""
        vec = self.get_vector(word_or_vector) if not isinstance(word_or_vector, np.ndarray) else word_or_vector
        others = self._vectors if not other_words else self._vectors[[self.get_index(w) for w in other_words]]
        return 1 - self.cosine_similarities(vec, others)

    def closer_than(self, word1: str, word2: str) -> list[str]:
        """Words closer to ``word1`` than ``word2`` is (``word1`` left out)."""
        i1, i2 = self.get_index(word1), self.get_index(word2)
        scores = self._scores(self.get_vector(word1, norm=True), 0, len(self))
        return [self.index_to_key[i] for i in np.flatnonzero(scores > scores[i2]).tolist() if i != i1]

    def words_closer_than(self, word1: str, word2: str) -> list[str]:
        """Deprecated in gensim: :meth:`closer_than`."""
        return self.closer_than(word1, word2)

    def rank(self, w1: str, w2: str) -> int:
        """Position of ``w2`` among the neighbours of ``w1`` (1 = nearest)."""
        i1, i2 = self.get_index(w1), self.get_index(w2)
        scores = self._scores(self.get_vector(w1, norm=True), 0, len(self))
        closer = int(np.count_nonzero(scores > scores[i2]))
        if i1 != i2 and scores[i1] > scores[i2]:
            closer -= 1
        return closer + 1

    def relative_cosine_similarity(self, wa: str, wb: str, topn: int = 10) -> float:
        """Leeuwenberg et al.'s relative cosine: sim(wa, wb) over the sum of wa's ``topn`` best."""
        sims = self.similar_by_word(wa, topn)
        if not sims:
            raise ConfigError("relative_cosine_similarity needs topn >= 1 and more than one word")
        return self.similarity(wa, wb) / sum(s for _, s in sims)

    def most_similar_to_given(self, key1: str, keys_list: Sequence[str]) -> str:
        """The word of ``keys_list`` most similar to ``key1``."""
        return keys_list[int(np.argmax([self.similarity(key1, k) for k in keys_list]))]

    def rank_by_centrality(self, words: Sequence[str], use_norm: bool = True) -> list[tuple[float, str]]:
        """``(cosine with the words' mean, word)``, most central first."""
        words = _as_list(words)
        if not words:
            raise ConfigError("rank_by_centrality needs at least one word")
        vecs = np.vstack([self.get_vector(w, norm=use_norm) for w in words]).astype(np.float32)
        scores = vecs @ _unit(vecs.mean(axis=0))
        return sorted(zip(scores.tolist(), words), reverse=True)

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

    def wmdistance(self, document1: Sequence[str], document2: Sequence[str], norm: bool = True) -> float:
        """Word Mover's Distance (Kusner et al. 2015) between two lists of words: the least total
        distance moving one document's words onto the other's, solved as a transport problem
        (see :func:`w2v.wmd.wmdistance`). Unknown words are dropped; ``inf`` if a side is empty."""
        from .wmd import wmdistance

        return wmdistance(self, document1, document2, norm=norm)

    # ------------------------------------------------------------------ evaluation

    def evaluate_word_analogies(self, analogies=None, restrict_vocab: int = 30000, case_insensitive: bool = True,
                                method: str = "add", *, dummy4unknown: bool = False,
                                similarity_function: str | None = None):
        """Accuracy on analogy questions (default: the bundled questions-words.txt).
        See :func:`w2v.evaluate.evaluate_word_analogies`; the result unpacks as gensim's
        ``score, sections``."""
        from .evaluate import evaluate_word_analogies

        return evaluate_word_analogies(self, analogies, restrict_vocab=restrict_vocab,
                                       case_insensitive=case_insensitive, method=method,
                                       dummy4unknown=dummy4unknown, similarity_function=similarity_function)

    def evaluate_word_pairs(self, pairs=None, restrict_vocab: int = 300000, case_insensitive: bool = True,
                            delimiter: str | None = "\t", *, encoding: str = "utf8", dummy4unknown: bool = False):
        """Correlation with human similarity scores (default: the bundled WordSim-353).
        See :func:`w2v.evaluate.evaluate_word_pairs`; the result unpacks as gensim's
        ``pearson, spearman, oov_ratio``."""
        from .evaluate import evaluate_word_pairs

        return evaluate_word_pairs(self, pairs, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive,
                                   delimiter=delimiter, encoding=encoding, dummy4unknown=dummy4unknown)
