"""Benchmarks: word analogies (Google's questions-words format) and word-pair similarity
(WordSim-353, SimLex-999 style), with gensim's conventions so the numbers compare one to one.

Analogies ("a is to b as c is to ?"): the vocabulary is cut to its first ``restrict_vocab``
words (file order is frequency order); a question with any word outside it is skipped; with
``case_insensitive`` both sides are upper-cased and a word stands for its most frequent casing;
the answer is the best-scoring word other than a, b and c. All questions are scored at once,
a chunk at a time, as one matrix product against the unit vectors.

Word pairs: Spearman and Pearson correlation between the cosine of each pair and the human
score; pairs with an unknown word are skipped and counted (``oov``, in percent, as gensim).
Spearman is the Pearson correlation of average ranks (ties share their mean rank, as
``scipy.stats.spearmanr``), computed here with numpy to keep scipy off the start-up path.

Both results also unpack as gensim's tuples: ``score, sections = analogies`` (sections as
gensim's dicts of correct and incorrect questions, a "Total accuracy" one last) and
``pearson, spearman, oov_ratio = pairs`` (scipy's results, with p-values).
:func:`evaluate_vectors` runs both kinds at once (``w2v eval``, the training report).
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .corpus import read_all
from .errors import ConfigError, InputError
from .formats import utf8_lines

if TYPE_CHECKING:
    from .vectors import KeyedVectors

METHODS = ("add", "mul")
SIMILARITY_FUNCTIONS = {"most_similar": "add", "most_similar_cosmul": "mul"}  # gensim's names
_CHUNK_CELLS = 1 << 20  # scores held at once: questions x vocabulary (fits in cache)
_S_CELLS = 1 << 25  # cosines of question words with the vocabulary held at once (128 MB)


# ----------------------------------------------------------------------------- results


@dataclass
class Section:
    """One ": name" block of analogy questions: ``correct`` of ``total`` answered."""

    name: str
    correct: int = 0
    total: int = 0
    skipped: int = 0
    right: list = field(default_factory=list, repr=False)  # the questions answered right, (a, b, c, d)
    wrong: list = field(default_factory=list, repr=False)  # and wrong (with dummy4unknown, the skipped too)

    @property
    def accuracy(self) -> float:
        """correct / total, or 0.0 if no question could be asked (gensim's convention)."""
        return self.correct / self.total if self.total else 0.0

    @property
    def semantic(self) -> bool:
        return not self.name.lower().startswith("gram")

    def as_gensim(self) -> dict:
        return {"section": self.name, "correct": list(self.right), "incorrect": list(self.wrong)}


@dataclass
class AnalogyResult:
    """Accuracy overall (``accuracy``: gensim's score), by kind and by section."""

    sections: list[Section]
    method: str = "add"
    restrict_vocab: int = 30000
    path: str = ""

    def _pool(self, sections) -> tuple[int, int]:
        sections = list(sections)
        return sum(s.correct for s in sections), sum(s.total for s in sections)

    @property
    def correct(self) -> int:
        return self._pool(self.sections)[0]

    @property
    def total(self) -> int:
        """Questions answered (all words known)."""
        return self._pool(self.sections)[1]

    @property
    def skipped(self) -> int:
        """Questions skipped because a word is outside the (restricted) vocabulary."""
        return sum(s.skipped for s in self.sections)

    @property
    def questions(self) -> int:
        return self.total + self.skipped

    @staticmethod
    def _ratio(correct_total: tuple[int, int]) -> float:
        c, t = correct_total
        return c / t if t else 0.0

    @property
    def accuracy(self) -> float:
        return self._ratio(self._pool(self.sections))

    @property
    def semantic(self) -> float:
        return self._ratio(self._pool(s for s in self.sections if s.semantic))

    @property
    def syntactic(self) -> float:
        return self._ratio(self._pool(s for s in self.sections if not s.semantic))

    def gensim_sections(self) -> list[dict]:
        """gensim's second result: one dict a section (``section``, ``correct``, ``incorrect``:
        lists of question tuples), then a "Total accuracy" one pooling them."""
        out = [s.as_gensim() for s in self.sections]
        out.append({"section": "Total accuracy", "correct": [q for s in self.sections for q in s.right],
                    "incorrect": [q for s in self.sections for q in s.wrong]})
        return out

    def __iter__(self):
        """``score, sections = result``, as gensim returns them."""
        return iter((self.accuracy, self.gensim_sections()))

    def __getitem__(self, i):
        return tuple(self)[i]

    def to_dict(self) -> dict:
        return {
            "analogy": self.accuracy,
            "semantic": self.semantic,
            "syntactic": self.syntactic,
            "correct": self.correct,
            "answered": self.total,
            "skipped": self.skipped,
            "oov": 100.0 * self.skipped / self.questions if self.questions else 0.0,
            "method": self.method,
            "restrict_vocab": self.restrict_vocab,
            "sections": {s.name: {"accuracy": s.accuracy, "correct": s.correct, "total": s.total,
                                  "skipped": s.skipped} for s in self.sections},
        }


@dataclass
class PairsResult:
    """Correlations with human judgements; ``oov`` is the percentage of pairs skipped."""

    name: str
    spearman: float
    pearson: float
    oov: float
    pairs: int
    skipped: int
    path: str = ""
    model_scores: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    gold_scores: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)

    def __iter__(self):
        """``pearson, spearman, oov_ratio = result``, as gensim returns them: scipy's results
        (``statistic``, ``pvalue``; also indexable), and the percentage of pairs skipped."""
        from scipy import stats

        if len(self.gold_scores) < 2:
            raise InputError(f"{self.path}: {len(self.gold_scores)} pair(s) with both words known: "
                             "no correlation to compute (gensim raises here too)")
        return iter((stats.pearsonr(self.gold_scores, self.model_scores),
                     stats.spearmanr(self.gold_scores, self.model_scores), self.oov))

    def __getitem__(self, i):
        return tuple(self)[i]

    def to_dict(self) -> dict:
        nan = lambda x: None if x is None or math.isnan(x) else x  # noqa: E731
        return {"spearman": nan(self.spearman), "pearson": nan(self.pearson), "oov": self.oov,
                "pairs": self.pairs, "skipped": self.skipped}


# ----------------------------------------------------------------------------- helpers


def _vocab_view(kv: "KeyedVectors", restrict_vocab: int, case_insensitive: bool):
    """(lookup dict, canonical row of each of the first R rows, R).

    With ``case_insensitive``, a word's upper-cased form maps to its first (most frequent) row,
    and ``canon[i]`` is that row for every row i, so case variants can be recognised.
    """
    if isinstance(restrict_vocab, bool) or not isinstance(restrict_vocab, (int, np.integer)) or restrict_vocab < 1:
        raise ConfigError(f"restrict_vocab must be a positive integer, not {restrict_vocab!r}")
    r = min(int(restrict_vocab), len(kv))
    keys = kv.index_to_key[:r]
    if not case_insensitive:
        return {k: i for i, k in enumerate(keys)}, np.arange(r), r
    upper = [k.upper() for k in keys]
    lookup = dict(zip(reversed(upper), range(r - 1, -1, -1)))  # first occurrence wins
    if len(lookup) == r:
        canon = np.arange(r)
    else:
        canon = np.fromiter((lookup[u] for u in upper), dtype=np.int64, count=r)
    return lookup, canon, r


def _read_lines(path: Path) -> list[str]:
    return utf8_lines(path, read_all(path))


# ----------------------------------------------------------------------------- analogies


def _parse_analogies(path: Path, upper: bool) -> tuple[list[str], list[str], list[int]]:
    """(section names, the questions' words flat (4 a question), section of each question)."""
    lines = _read_lines(path)
    text_lines = "\n".join(lines).upper().split("\n") if upper else lines
    names: list[str] = []
    flat: list[str] = []
    owner: list[int] = []
    for no, (line, words_line) in enumerate(zip(lines, text_lines), 1):
        if line.startswith(": "):
            names.append(line.lstrip(": ").strip())
            continue
        words = words_line.split()
        if len(words) == 4 and names:
            flat += words
            owner.append(len(names) - 1)
            continue
        if not words:
            continue
        if len(words) != 4:
            if line.startswith(":"):
                raise InputError(f"{path}:{no}: a section header is ': name', got {line.strip()[:60]!r}")
            raise InputError(f"{path}:{no}: expected 4 words (a b c d), got {len(words)}: {line.strip()[:60]!r}")
        raise InputError(f"{path}:{no}: question before the first ': section' header")
    if not names:
        raise InputError(f"{path}: no ': section' header and no questions; not an analogy file")
    return names, flat, owner


def evaluate_word_analogies(
    kv: "KeyedVectors",
    analogies: str | os.PathLike | None = None,
    restrict_vocab: int = 30000,
    case_insensitive: bool = True,
    method: str = "add",
    dummy4unknown: bool = False,
    similarity_function: str | None = None,
) -> AnalogyResult:
    """Accuracy on "a : b :: c : d" questions, by section and overall.

    ``method="add"`` is 3CosAdd (``b - a + c``, as gensim's evaluator), ``"mul"`` is 3CosMul
    (Levy and Goldberg 2014); gensim's ``similarity_function`` names them ``"most_similar"``
    and ``"most_similar_cosmul"``. Defaults to the bundled questions-words.txt. With
    ``dummy4unknown`` a question with a word outside the vocabulary counts as answered wrong
    instead of skipped (gensim's option).
    """
    if similarity_function is not None:
        if similarity_function not in SIMILARITY_FUNCTIONS:
            raise ConfigError(f"similarity_function must be one of {', '.join(SIMILARITY_FUNCTIONS)}, "
                              f"not {similarity_function!r}")
        method = SIMILARITY_FUNCTIONS[similarity_function]
    if method not in METHODS:
        raise ConfigError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if analogies is None:
        from .datasets import analogies_path

        analogies = analogies_path()
    names, flat, owner = _parse_analogies(Path(analogies), upper=case_insensitive)
    lookup, canon, r = _vocab_view(kv, restrict_vocab, case_insensitive)
    get = lookup.get
    ids = np.array([get(w, -1) for w in flat], dtype=np.int64).reshape(-1, 4)
    known = (ids >= 0).all(axis=1)
    owner_arr = np.array(owner, dtype=np.int64)
    nsec = len(names)
    asked = np.bincount(owner_arr, minlength=nsec)
    total = np.bincount(owner_arr[known], minlength=nsec)
    quads = ids[known]
    right = np.zeros(0, dtype=bool)
    if len(quads):
        right = _answer(kv, quads, canon, r, method, check_variants=len(lookup) < r)
    correct = np.bincount(owner_arr[known][right], minlength=nsec)
    if dummy4unknown:
        total = asked
    sections = [Section(name, correct=int(correct[k]), total=int(total[k]), skipped=int(asked[k] - total[k]))
                for k, name in enumerate(names)]
    outcome = np.full(len(owner), 2 if dummy4unknown else -1, dtype=np.int8)  # 1 right, 0 or 2 wrong, -1 skipped
    outcome[known] = right
    for q, (k, o) in enumerate(zip(owner, outcome.tolist())):
        if o >= 0:
            (sections[k].right if o == 1 else sections[k].wrong).append(tuple(flat[4 * q: 4 * q + 4]))
    return AnalogyResult(sections, method=method, restrict_vocab=int(restrict_vocab), path=str(analogies))


def _answer(kv: "KeyedVectors", quads: np.ndarray, canon: np.ndarray, r: int, method: str,
            check_variants: bool) -> np.ndarray:
    """For each question (rows a, b, c, expected): is the best answer the expected word?

    Scores factor through the cosines of the few question words with the whole vocabulary,
    ``S = U[words] @ U.T``, one matrix product: 3CosAdd is ``(S[b] - S[a]) + S[c]`` and 3CosMul
    ``(S'[b] / (S'[a] + 1e-6)) * S'[c]`` with ``S' = (1 + S) / 2``. Questions sharing (a, b)
    are scored together: one vector plus (or times) a block of rows, then one argmax.
    """
    unit = kv.get_normed_vectors(limit=r)
    right = np.zeros(len(quads), dtype=bool)
    for lo, hi in _word_batches(quads, max(16, _S_CELLS // max(r, 1))):
        right[lo:hi] = _answer_batch(unit, quads[lo:hi], canon, method, check_variants)
    return right


def _word_batches(quads: np.ndarray, cap: int):
    """Runs of questions whose distinct a, b, c words number at most ``cap`` (bounds ``S``)."""
    if len(np.unique(quads[:, :3])) <= cap:
        yield 0, len(quads)
        return
    start, seen = 0, set()
    for i, (a, b, c, _d) in enumerate(quads.tolist()):
        new = {a, b, c} - seen
        if len(seen) + len(new) > cap and i > start:
            yield start, i
            start, seen = i, set()
        seen.update((a, b, c))
    yield start, len(quads)


def _answer_batch(unit: np.ndarray, quads: np.ndarray, canon: np.ndarray, method: str,
                  check_variants: bool) -> np.ndarray:
    r = unit.shape[0]
    words, pos = np.unique(quads[:, :3], return_inverse=True)
    pos = pos.reshape(-1, 3)
    sims = unit[words] @ unit.T  # [distinct question words, vocabulary]
    if method == "mul":
        sims += 1
        sims *= 0.5
    pa, pb, pc = pos[:, 0], pos[:, 1], pos[:, 2]
    key = pa * len(words) + pb
    # Groups in order of first appearance: questions of one section share their c rows, which
    # then stay in cache from one group to the next.
    _uniq, first, group_of = np.unique(key, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    gkey = rank[group_of]
    order = np.argsort(gkey, kind="stable")
    cuts = np.flatnonzero(np.diff(gkey[order])) + 1
    step = max(1, _CHUNK_CELLS // max(r, 1))
    buf = np.empty((min(step, len(quads)), r), dtype=np.float32)
    guess = np.empty(len(quads), dtype=np.int64)
    for group in np.split(order, cuts):
        ga, gb = pa[group[0]], pb[group[0]]
        if method == "add":
            base = sims[gb] - sims[ga]
        else:
            base = sims[gb] / (sims[ga] + np.float32(1e-6))
        for lo in range(0, len(group), step):
            idx = group[lo : lo + step]
            k = len(idx)
            block = buf[:k]
            combine = np.add if method == "add" else np.multiply
            for i, ci in enumerate(pc[idx].tolist()):
                combine(sims[ci], base, out=block[i])
            rows = np.arange(k)
            a, b, c = quads[idx, 0], quads[idx, 1], quads[idx, 2]
            block[rows, a] = -np.inf
            block[rows, b] = -np.inf
            block[rows, c] = -np.inf
            g = canon[block.argmax(axis=1)]
            if check_variants:
                # A case variant of a, b or c won: follow gensim (its top 5, first non-variant).
                for i in np.flatnonzero((g == a) | (g == b) | (g == c)):
                    banned = (a[i], b[i], c[i])
                    for j in _top_rows(block[i], 5):
                        g[i] = canon[j]
                        if canon[j] not in banned:
                            break
            guess[idx] = g
    return guess == quads[:, 3]


def _top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    finite = np.count_nonzero(np.isfinite(scores))
    k = min(k, finite)
    part = np.argpartition(-scores, k)[:k] if k < scores.size else np.arange(scores.size)
    return part[np.argsort(-scores[part])][:k]


# ----------------------------------------------------------------------------- word pairs


def read_pairs(path: str | os.PathLike, delimiter: str | None = "\t") -> tuple[list[tuple[str, str, float]], list[int]]:
    """``([(word1, word2, score), ...], line numbers)``; '#' lines are comments, and a first line
    whose score is not a number is taken as a column header."""
    path = Path(path)
    pairs: list[tuple[str, str, float]] = []
    numbers: list[int] = []
    header_seen = False
    for no, line in enumerate(_read_lines(path), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split(delimiter) if delimiter else line.split()
        if len(fields) != 3:
            fields = line.split()
        if len(fields) != 3:
            raise InputError(f"{path}:{no}: expected 3 fields (word, word, score), got {len(fields)}: "
                             f"{line.strip()[:60]!r}")
        try:
            score = float(fields[2])
        except ValueError:
            if not pairs and not header_seen:
                header_seen = True
                continue
            raise InputError(f"{path}:{no}: score {fields[2].strip()[:30]!r} is not a number") from None
        pairs.append((fields[0].strip(), fields[1].strip(), score))
        numbers.append(no)
    return pairs, numbers


def rankdata(x: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties sharing their average rank (``scipy.stats.rankdata``'s default)."""
    x = np.asarray(x, dtype=np.float64)
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    new = np.r_[True, xs[1:] != xs[:-1]]
    group = np.cumsum(new) - 1
    bounds = np.r_[np.flatnonzero(new), len(x)]
    avg = 0.5 * (bounds[:-1] + bounds[1:] - 1) + 1.0
    ranks = np.empty(len(x), dtype=np.float64)
    ranks[order] = avg[group]
    return ranks


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation (float64; nan if fewer than 2 points or a constant input)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if len(x) < 2:
        return math.nan
    xm, ym = x - x.mean(), y - y.mean()
    den = math.sqrt(float(xm @ xm) * float(ym @ ym))
    if den == 0:
        return math.nan
    return max(-1.0, min(1.0, float(xm @ ym) / den))


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman rank correlation: Pearson of the average ranks."""
    return pearson(rankdata(x), rankdata(y))


def evaluate_word_pairs(
    kv: "KeyedVectors",
    pairs: str | os.PathLike | None = None,
    restrict_vocab: int = 300000,
    case_insensitive: bool = True,
    delimiter: str | None = "\t",
    encoding: str = "utf8",
    dummy4unknown: bool = False,
) -> PairsResult:
    """Spearman and Pearson correlation of cosine similarity with human scores.

    Defaults to the bundled WordSim-353. Pairs with a word outside the first ``restrict_vocab``
    words are skipped; ``oov`` is their share in percent. With ``dummy4unknown`` (gensim's
    option) they count instead, with similarity 0, and ``oov`` is their number over the pairs
    counted, as gensim computes it. Files are UTF-8 (``encoding`` is accepted for gensim's sake).
    """
    if encoding.lower().replace("-", "").replace("_", "") != "utf8":
        raise ConfigError(f"encoding={encoding!r}: w2v reads UTF-8 word-pair files only")
    if pairs is None:
        from .datasets import wordsim353_path

        pairs = wordsim353_path()
    data, _numbers = read_pairs(pairs, delimiter)
    lookup, _canon, _r = _vocab_view(kv, restrict_vocab, case_insensitive)
    rows1: list[int] = []
    rows2: list[int] = []
    gold: list[float] = []
    skipped = 0
    for w1, w2, score in data:
        if case_insensitive:
            w1, w2 = w1.upper(), w2.upper()
        i1, i2 = lookup.get(w1), lookup.get(w2)
        if i1 is None or i2 is None:
            skipped += 1
            if not dummy4unknown:
                continue
            i1 = i2 = -1
        rows1.append(i1)
        rows2.append(i2)
        gold.append(score)
    div = kv.fill_norms()[1]
    u1 = (kv.vectors[rows1] / div[rows1, None]).astype(np.float32)
    u2 = (kv.vectors[rows2] / div[rows2, None]).astype(np.float32)
    model = np.einsum("ij,ij->i", u1, u2)
    model[np.asarray(rows1, dtype=np.int64) < 0] = 0.0  # dummy4unknown: an unknown pair scores 0
    name = Path(pairs).name.split(".")[0]
    total = len(gold) if dummy4unknown else len(gold) + skipped
    return PairsResult(
        name=name,
        spearman=spearman(gold, model),
        pearson=pearson(gold, model),
        oov=100.0 * skipped / total if total else 0.0,
        pairs=len(gold),
        skipped=skipped,
        path=str(pairs),
        model_scores=model,
        gold_scores=np.asarray(gold, dtype=np.float64),
    )


# ----------------------------------------------------------------------------- both at once

PAIRS_RESTRICT = 300_000
"""Rows searched by the word-pair benchmarks in :func:`evaluate_vectors` (gensim's default)."""


@dataclass
class Evaluation:
    """Analogies and word pairs scored together by :func:`evaluate_vectors`."""

    analogies: AnalogyResult
    pairs: list[PairsResult]
    seconds: float = 0.0

    def flat(self) -> dict:
        """One flat dict (the training report's record): ``analogy``, ``analogy_semantic``,
        ``analogy_syntactic`` (None when no question could be asked), ``analogy_answered``,
        ``analogy_skipped``; per word-pair file (by name, e.g. ``wordsim353``) its Spearman
        correlation, ``{name}_pearson`` and ``{name}_pairs`` (None where not finite); and
        ``eval_seconds``."""
        def finite(x) -> float | None:
            return float(x) if x is not None and math.isfinite(x) else None

        an = self.analogies
        asked = an.total > 0
        out: dict = {
            "analogy": finite(an.accuracy) if asked else None,
            "analogy_semantic": finite(an.semantic) if asked else None,
            "analogy_syntactic": finite(an.syntactic) if asked else None,
            "analogy_answered": int(an.total),
            "analogy_skipped": int(an.skipped),
        }
        for res in self.pairs:
            out[res.name] = finite(res.spearman)
            out[f"{res.name}_pearson"] = finite(res.pearson)
            out[f"{res.name}_pairs"] = int(res.pairs)
        out["eval_seconds"] = round(self.seconds, 3)
        return out


def evaluate_vectors(
    kv: "KeyedVectors",
    analogies: str | os.PathLike | None = None,
    pair_files: "list[str | os.PathLike] | None" = None,
    restrict_vocab: int = 30000,
    case_insensitive: bool = True,
    method: str = "add",
) -> Evaluation:
    """Analogies (:func:`evaluate_word_analogies`; default: the bundled questions-words.txt) and
    each word-pair file (:func:`evaluate_word_pairs`, over the first ``PAIRS_RESTRICT`` words;
    default: the bundled WordSim-353 and SimLex-999), timed together."""
    if pair_files is None:
        from .datasets import simlex999_path, wordsim353_path

        pair_files = [wordsim353_path(), simlex999_path()]
    t0 = time.perf_counter()
    rows = max(PAIRS_RESTRICT, restrict_vocab) if isinstance(restrict_vocab, (int, np.integer)) else len(kv)
    if len(kv) > rows:  # no benchmark looks further: skip the other rows' norms
        from .vectors import KeyedVectors

        kv = KeyedVectors(kv.index_to_key[:rows], kv.vectors[:rows])
    an = evaluate_word_analogies(kv, analogies, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive,
                                 method=method)
    pairs = [evaluate_word_pairs(kv, p, restrict_vocab=PAIRS_RESTRICT, case_insensitive=case_insensitive)
             for p in pair_files]
    return Evaluation(an, pairs, time.perf_counter() - t0)
