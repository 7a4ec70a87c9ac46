"""The vocabulary: word counts, ``min_count``, frequency order, subsampling and the noise law.

Row ``i`` of every weight matrix is word ``words[i]``; rows are sorted by count, most frequent
first (ties keep the order of first appearance), as word2vec C and gensim sort them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from .atomic import atomic_file
from .errors import InputError


@dataclass
class Vocab:
    words: list[str]
    counts: np.ndarray  # int64, non-increasing
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.counts = np.asarray(self.counts, dtype=np.int64)
        if not self.index:
            self.index = {w: i for i, w in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    @property
    def total(self) -> int:
        """Number of corpus tokens that are in the vocabulary."""
        return int(self.counts.sum())

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def from_counts(cls, words: list[str], counts: np.ndarray, min_count: int) -> tuple["Vocab", np.ndarray]:
        """Keep words seen at least ``min_count`` times, sorted by count (stable).

        Returns the vocabulary and ``remap``: for each input position, its row or -1 if dropped.
        """
        counts = np.asarray(counts, dtype=np.int64)
        keep = np.flatnonzero(counts >= min_count)
        order = keep[np.argsort(-counts[keep], kind="stable")]
        remap = np.full(len(counts), -1, dtype=np.int32)
        remap[order] = np.arange(len(order), dtype=np.int32)
        return cls([words[i] for i in order], counts[order]), remap

    # -- subsampling -----------------------------------------------------------------------
    def keep_probs(self, sample: float, formula: str = "c") -> np.ndarray:
        """Probability of keeping each occurrence of each word (float32, at most 1).

        ``c`` (word2vec C, gensim): keep = (sqrt(f / (t N)) + 1) * (t N) / f;
        ``paper`` (Mikolov et al. 2013): discard with 1 - sqrt(t / (f / N)), i.e. keep = sqrt(t N / f).
        With ``sample = 0`` every word is kept.
        """
        f = self.counts.astype(np.float64)
        if sample <= 0 or len(f) == 0:
            return np.ones(len(f), dtype=np.float32)
        tn = sample * f.sum()
        if formula == "c":
            p = (np.sqrt(f / tn) + 1.0) * tn / f
        elif formula == "paper":
            p = np.sqrt(tn / f)
        else:  # pragma: no cover - validated in Config
            raise ValueError(formula)
        return np.minimum(p, 1.0).astype(np.float32)

    # -- noise distribution ----------------------------------------------------------------
    def noise_weights(self, exponent: float) -> np.ndarray:
        w = self.counts.astype(np.float64) ** exponent
        return w / w.sum()

    def noise_alias(self, exponent: float) -> tuple[np.ndarray, np.ndarray]:
        """Walker's alias table for counts**exponent: O(1) draws with two array reads."""
        return alias_table(self.noise_weights(exponent))

    # -- files -----------------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        """word2vec C's vocabulary file: ``word count`` a line, most frequent first."""
        with atomic_file(path, "wb") as fh:
            fh.write("".join(f"{w} {c}\n" for w, c in zip(self.words, self.counts.tolist())).encode("utf-8"))

    @staticmethod
    def read_counts(path: str | os.PathLike) -> tuple[list[str], np.ndarray]:
        """Read a ``word count`` file (word2vec C's -save-vocab); errors name the line."""
        words: list[str] = []
        counts: list[int] = []
        seen: dict[str, int] = {}
        try:
            fh = open(path, "rb")
        except OSError as exc:
            raise InputError(f"{path}: cannot open vocabulary file ({exc.strerror or exc})") from exc
        with fh:
            for lineno, raw in enumerate(fh, 1):
                if b"\x00" in raw:
                    raise InputError(f"{path}:{lineno}: NUL byte in vocabulary file")
                line = raw.decode("utf-8", errors="replace").strip()
                if not line:
                    continue
                parts = line.split()
                if len(parts) != 2:
                    raise InputError(f"{path}:{lineno}: expected 'word count', got {line[:60]!r}")
                word, cnt = parts
                try:
                    c = int(cnt)
                except ValueError:
                    raise InputError(f"{path}:{lineno}: count {cnt[:30]!r} is not an integer") from None
                if c < 0:
                    raise InputError(f"{path}:{lineno}: negative count {c}")
                if word in seen:
                    raise InputError(f"{path}:{lineno}: duplicate word {word!r} (first on line {seen[word]})")
                seen[word] = lineno
                words.append(word)
                counts.append(c)
        if not words:
            raise InputError(f"{path}: vocabulary file is empty")
        return words, np.asarray(counts, dtype=np.int64)


def alias_table(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vose's alias method: ``prob[i]`` is the chance to keep bucket i, else take ``alias[i]``."""
    n = len(p)
    scaled = np.asarray(p, dtype=np.float64) * n / p.sum()
    prob = np.ones(n, dtype=np.float64)
    alias = np.arange(n, dtype=np.int32)
    small = [i for i in range(n) if scaled[i] < 1.0]
    large = [i for i in range(n) if scaled[i] >= 1.0]
    while small and large:
        s = small.pop()
        g = large[-1]
        prob[s] = scaled[s]
        alias[s] = g
        scaled[g] = scaled[g] + scaled[s] - 1.0
        if scaled[g] < 1.0:
            large.pop()
            small.append(g)
    for i in small + large:  # rounding leftovers
        prob[i] = 1.0
    return prob.astype(np.float32), alias


def prune_threshold(counts: np.ndarray, limit: int, min_reduce: int) -> int:
    """word2vec C's ReduceVocab rule: drop words seen at most ``min_reduce`` times, raising the bar
    until the table fits ``limit``. Returns the count at or below which entries go."""
    while np.count_nonzero(counts > min_reduce) > limit:
        min_reduce += 1
    return min_reduce
