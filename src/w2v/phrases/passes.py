"""What one pass learns (:class:`PhrasePass`), how pairs are scored, and the threshold schedule."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SCORERS = ("word2phrase", "npmi")
DEFAULT_THRESHOLD = {"word2phrase": 100.0, "npmi": 0.5}


def scores(scoring: str, pab: np.ndarray, pa: np.ndarray, pb: np.ndarray, n_words: int, min_count: int) -> np.ndarray:
    """Scores of pairs whose counts (and their words') are all at least ``min_count``."""
    if scoring == "word2phrase":
        # word2phrase.c: (pab - min_count) / (real)pa / (real)pb * (real)train_words, real = float
        s = (pab - min_count).astype(np.float32) / pa.astype(np.float32)
        s = s / pb.astype(np.float32)
        return s * np.float32(n_words)
    n = float(max(n_words, 1))
    p_ab = pab / n
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.log(p_ab / ((pa / n) * (pb / n))) / -np.log(p_ab)
    npmi = np.where(pab >= n, 1.0, npmi)  # a pair that is the whole corpus
    return np.clip(npmi, -1.0, 1.0)


def default_schedule(scoring: str, threshold: float, passes: int) -> list[float]:
    """Falling thresholds: halved each pass for word2phrase (its demo script's 200 then 100),
    0.1 lower each pass for npmi."""
    if scoring == "word2phrase":
        return [threshold * 0.5 ** k for k in range(passes)]
    return [max(-1.0, round(threshold - 0.1 * k, 10)) for k in range(passes)]


@dataclass
class PhrasePass:
    """What one pass learned: the phrases that passed (tokens -> score) and, unless frozen, the
    counts to score any pair (words and pairs seen at least ``min_count`` times)."""

    threshold: float
    n_words: int = 0
    phrases: dict = field(default_factory=dict, repr=False)  # tuple of tokens -> score
    phrase_counts: dict = field(default_factory=dict, repr=False)  # tuple of tokens -> count
    pair_types: int = 0  # distinct pairs held at the end of counting
    min_reduce: int = 0  # pairs seen this often or less were pruned (0: no pruning)
    joins: int | None = None  # joins made when last applied to a corpus
    # counts, None once frozen: words seen >= min_count times, and pairs of them seen as often
    # (left/right index into words, mid: the connectors between, encoded)
    words: list | None = field(default=None, repr=False)
    word_counts: np.ndarray | None = field(default=None, repr=False)
    pair_left: np.ndarray | None = field(default=None, repr=False)
    pair_right: np.ndarray | None = field(default=None, repr=False)
    pair_mid: np.ndarray | None = field(default=None, repr=False)
    pair_count: np.ndarray | None = field(default=None, repr=False)
    _pair_index: dict | None = field(default=None, repr=False)

    @property
    def n_phrases(self) -> int:
        return len(self.phrases)

    def examples(self, k: int = 5) -> list[tuple[tuple[str, ...], float, int]]:
        """The ``k`` most frequent phrases: (tokens, score, count)."""
        top = sorted(self.phrases, key=lambda p: (-self.phrase_counts.get(p, 0), p))[:k]
        return [(p, self.phrases[p], self.phrase_counts.get(p, 0)) for p in top]

    def without_counts(self) -> "PhrasePass":
        return PhrasePass(self.threshold, self.n_words, dict(self.phrases), dict(self.phrase_counts),
                          self.pair_types, self.min_reduce, self.joins)

    def counts_of(self, left: str, right: str, mid: int) -> tuple[int, int, int] | None:
        """(count of the pair, of its left word, of its right word) for a pair kept in the counts
        (``mid``: its connectors, encoded), or None. Needs the counts (not frozen)."""
        if self._pair_index is None:
            self._pair_index = {"words": {w: i for i, w in enumerate(self.words)}, "pairs": {
                (a, b, m): c for a, b, m, c in zip(self.pair_left.tolist(), self.pair_right.tolist(),
                                                   self.pair_mid.tolist(), self.pair_count.tolist())}}
        widx = self._pair_index["words"]
        a, b = widx.get(left), widx.get(right)
        if a is None or b is None:
            return None
        c = self._pair_index["pairs"].get((a, b, mid))
        if c is None:
            return None
        return c, int(self.word_counts[a]), int(self.word_counts[b])
