"""Phrases: learn which word pairs are collocations and join them (``new york`` -> ``new_york``).

One *pass* counts words and adjacent pairs over a corpus, scores every pair and keeps those above
a threshold; applying the pass joins, left to right on each line, every kept pair into one token
(a joined token does not join again in that pass). ``passes=N`` learns pass k on the output of
pass k-1 with a falling threshold, so phrases of three and four words form.

Scorers (``a``, ``b`` the two words, ``ab`` the pair, N the number of tokens in the pass's input):

- ``word2phrase``: ``(count(ab) - min_count) / count(a) / count(b) * N``, in float32 as
  word2phrase.c computes it; 0 when ``a``, ``b`` or ``ab`` is seen fewer than ``min_count``
  times. Default threshold 100.
- ``npmi``: ``ln(p(ab) / (p(a) p(b))) / -ln(p(ab))`` with ``p(x) = count(x) / N``, in [-1, 1];
  -1 under ``min_count``. Default threshold 0.5.

Words are mapped to integer ids as they are read (one dict lookup a token, done in C by
``map``), pairs are counted by a numba kernel in an open-addressing table of ``a << 32 | b``
keys, and joining is a numba pass over id arrays. Memory is bounded by ``max_vocab_size``: when
the pair table, or the word table, holds more entries, its rarest are dropped (count <= 1, then
<= 2, ...), as word2phrase and gensim do. A dropped word joins nothing but is written as itself.

Connector words (``connector_words=("of", "the")``) may sit inside a phrase but never start or
end one: ``bank of america`` is scored as the pair (bank, america) with ``of`` between, using the
count of the whole sequence, and joins into ``bank_of_america``.

Paths are read by :func:`w2v.corpus.line_chunks` and :func:`w2v.corpus.split_line_tokens`, which
keep the input's line structure (empty lines too) and split words on space, tab and newline only,
dropping carriage returns, as word2phrase does; ``write`` reproduces word2phrase's output layout
byte for byte. See docs/phrases.md for every known difference from word2phrase.

The package: ``passes`` (what a pass learned, the scorers), ``tables`` (id spaces, phrase
tables), ``learn`` (counting, pruning, the corpus's ids), ``apply`` (joining with a model,
phrased sources, the output layout); :class:`Phrases` (here) ties them together and reads and
writes the JSON model.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

import numpy as np

from ..atomic import atomic_file
from ..corpus import disk_size, line_chunks, paths_of, split_line_tokens
from ..errors import ConfigError, InputError
from .apply import Applier, PhrasedSource, ReplaySource, glue_tokens, plain_layout, w2p_layout
from .learn import CHUNK_BYTES, Learner, no_progress
from .passes import DEFAULT_THRESHOLD, SCORERS, PhrasePass, default_schedule, scores
from .tables import LINE_END, Connectors

if TYPE_CHECKING:
    from ..progress import StageProgress

__all__ = ["Phrases", "PhrasePass", "PhrasedSource", "SCORERS", "DEFAULT_THRESHOLD", "MAX_VOCAB_SIZE"]

MAX_VOCAB_SIZE = 40_000_000
"""Default bound on distinct pairs, and on distinct words, held while counting (gensim's default)."""

FORMAT = "w2v-phrases"
FORMAT_VERSION = 1


class Phrases:
    """Learn phrases from a corpus and join them in that or any other corpus.

    >>> ph = Phrases([["new", "york", "is", "big"]] * 10, min_count=1, threshold=1)
    >>> ph[["i", "love", "new", "york"]]
    ['i', 'love', 'new_york']

    ``sentences``: file or folder paths (``-`` for stdin; read line by line), a corpus source,
    or an iterable of token lists. ``threshold``: the first pass's (default 100 for word2phrase,
    0.5 for npmi); later passes follow ``threshold_schedule`` (default: see
    :func:`w2v.phrases.passes.default_schedule`). ``keep_corpus=True`` keeps the corpus's ids
    after learning, so that ``transform()`` and ``write(None, out)`` replay it without reading it
    again (needed for stdin). ``progress``: called as ``progress(stage, done, total)`` as work
    advances; its ``message(text)`` method, if it has one, gets a line as each pass ends.
    """

    def __init__(
        self,
        sentences=None,
        min_count: int = 5,
        threshold: float | None = None,
        passes: int = 1,
        scoring: str = "word2phrase",
        delimiter: str = "_",
        connector_words: Iterable[str] = (),
        max_vocab_size: int = MAX_VOCAB_SIZE,
        threshold_schedule: Sequence[float] | None = None,
        *,
        cross_line_pairs: bool = False,
        keep_corpus: bool = False,
        progress: "StageProgress | None" = None,
    ):
        if scoring not in SCORERS:
            raise ConfigError(f"scoring must be one of {', '.join(SCORERS)}, not {scoring!r}")
        if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
            raise ConfigError(f"min_count must be a whole number of at least 1, not {min_count!r}")
        if not isinstance(delimiter, str) or not delimiter or any(c.isspace() or c == "\x00" for c in delimiter):
            raise ConfigError(f"delimiter must be a non-empty string without whitespace, not {delimiter!r}")
        if isinstance(connector_words, str):
            raise ConfigError("connector_words must be a collection of words, not one string")
        connector_words = list(connector_words)
        if not all(isinstance(w, str) and w for w in connector_words):
            raise ConfigError("connector_words must be non-empty strings")
        if isinstance(max_vocab_size, bool) or not isinstance(max_vocab_size, (int, np.integer)) or max_vocab_size < 1:
            raise ConfigError(f"max_vocab_size must be a positive whole number, not {max_vocab_size!r}")
        if threshold_schedule is not None:
            schedule = [float(t) for t in threshold_schedule]
            if not schedule:
                raise ConfigError("threshold_schedule is empty")
            if passes not in (1, len(schedule)):
                raise ConfigError(f"threshold_schedule has {len(schedule)} thresholds but passes is {passes}")
            if threshold is not None and float(threshold) != schedule[0]:
                raise ConfigError("give either threshold or threshold_schedule, not both")
        else:
            if isinstance(passes, bool) or not isinstance(passes, (int, np.integer)) or passes < 1:
                raise ConfigError(f"passes must be a whole number of at least 1, not {passes!r}")
            t0 = DEFAULT_THRESHOLD[scoring] if threshold is None else float(threshold)
            schedule = default_schedule(scoring, t0, int(passes))
        if any(not math.isfinite(t) for t in schedule):
            raise ConfigError("thresholds must be finite numbers")
        if scoring == "npmi" and any(not -1.0 <= t <= 1.0 for t in schedule):
            raise ConfigError(f"npmi thresholds must lie in [-1, 1], got {schedule}")

        self.min_count = int(min_count)
        self.scoring = scoring
        self.delimiter = delimiter
        self.connectors = Connectors(connector_words)
        self.max_vocab_size = int(max_vocab_size)
        self.threshold_schedule = schedule
        self.cross_line_pairs = bool(cross_line_pairs)
        self.frozen = False
        self.passes: list[PhrasePass] = []
        self._applier: Applier | None = None
        self._learner: Learner | None = None
        self._learned_from = None
        if sentences is not None:
            paths = paths_of(sentences)
            keep_corpus = keep_corpus or (paths is not None and "-" in paths)  # stdin reads once
            learner = Learner(self, progress, caching=keep_corpus or len(schedule) > 1)
            learner.learn(sentences)
            if keep_corpus:
                self._learner = learner
                self._learned_from = sentences
            else:
                learner.close()

    # ---- properties and inspection

    @property
    def connector_words(self) -> list[str]:
        return list(self.connectors.words)

    @property
    def threshold(self) -> float:
        return self.threshold_schedule[0]

    def __repr__(self) -> str:
        per = ", ".join(str(len(p.phrases)) for p in self.passes)
        return (f"Phrases(scoring={self.scoring!r}, min_count={self.min_count}, "
                f"thresholds={self.threshold_schedule}, phrases per pass=[{per}]"
                f"{', frozen' if self.frozen else ''})")

    def export_phrases(self) -> dict[str, float]:
        """Every learned phrase, joined with the delimiter, with its score (later passes win)."""
        out: dict[str, float] = {}
        for p in self.passes:
            for toks, s in p.phrases.items():
                out[self.delimiter.join(toks)] = s
        return out

    def score(self, tokens: Sequence[str], pass_index: int = 0) -> float:
        """Score of a pair (``[a, b]``, or ``[a, connectors..., b]``) under the counts of a pass."""
        if self.frozen:
            raise ConfigError("a frozen Phrases model keeps no counts; score() needs the full model")
        p = self.passes[pass_index]
        low = 0.0 if self.scoring == "word2phrase" else -1.0
        toks = tuple(tokens)
        if len(toks) < 2 or any(t not in self.connectors.code for t in toks[1:-1]):
            return low
        counts = p.counts_of(toks[0], toks[-1], self.connectors.encode(toks[1:-1]))
        if counts is None:
            return low
        pab, pa, pb = counts
        return float(scores(self.scoring, np.array([pab]), np.array([pa]), np.array([pb]),
                            p.n_words, self.min_count)[0])

    def summary(self, examples: int = 5) -> str:
        """A few lines: per pass, the threshold, how many phrases formed, and examples."""
        lines = []
        for k, p in enumerate(self.passes, 1):
            joined = "" if p.joins is None else f", {p.joins:,} joined in the corpus"
            pruned = f", pruned pairs seen <= {p.min_reduce}x" if p.min_reduce else ""
            lines.append(f"pass {k}: threshold {p.threshold:g}, {p.n_words:,} words, "
                         f"{p.pair_types:,} pair types{pruned}; {len(p.phrases):,} phrases formed{joined}")
            ex = ", ".join(f"{self.delimiter.join(t)} ({c:,})" for t, _, c in p.examples(examples))
            if ex:
                lines.append(f"  e.g. {ex}")
        return "\n".join(lines)

    # ---- applying

    def _get_applier(self) -> Applier:
        if self._applier is None:
            self._applier = Applier(self)
        return self._applier

    def __getitem__(self, sentence):
        """Join phrases in one sentence (a list of tokens), or in each of several sentences."""
        if isinstance(sentence, str):
            raise InputError("expected a list of tokens, got a string (split it first)")
        if isinstance(sentence, (list, tuple)):
            if not sentence or isinstance(sentence[0], str):
                return self._get_applier().sentence(list(sentence))
            return [self[s] for s in sentence]
        return (self[s] for s in sentence)

    def transform(self, source=None) -> PhrasedSource:
        """A corpus source (``.blocks()`` of joined tokens) over ``source``, or, with no argument,
        over the corpus learned from (requires ``keep_corpus=True``). The corpus learned from, when
        kept, is replayed from its ids rather than read again."""
        if source is None or (self._learner is not None and source is self._learned_from):
            if self._learner is not None:
                return ReplaySource(self, self._learner)
            raise ConfigError("transform() needs a corpus unless the model was learned with keep_corpus=True")
        return PhrasedSource(self, source)

    def write(self, inputs, out_path: str | os.PathLike, *, plain: bool = False,
              progress: "StageProgress | None" = None) -> int:
        """Write ``inputs`` (paths; None for the corpus learned from, with ``keep_corpus``) with
        phrases joined, one output line per input line. The layout is word2phrase's: every word
        is preceded by a space, so each line starts with one (``plain=True`` drops it).
        Returns the number of lines written; ``passes[k].joins`` holds the joins made."""
        progress = progress or no_progress
        joins = [0] * len(self.passes)
        lines = 0
        with atomic_file(out_path, "wb") as fh:
            at_line_start = True
            for text in self._rendered_chunks(inputs, joins, progress):
                if plain:
                    text = plain_layout(text, at_line_start)
                lines += text.count("\n")
                at_line_start = text.endswith("\n")
                fh.write(text.encode("utf-8", "surrogateescape"))
        for p, j in zip(self.passes, joins):
            p.joins = j
        return lines

    def _rendered_chunks(self, inputs, joins: list[int], progress: "StageProgress") -> Iterator[str]:
        if inputs is None:
            if self._learner is None:
                raise ConfigError("write(None, ...) needs a model learned with keep_corpus=True")
            yield from self._learner.rendered_chunks(joins, progress)
            return
        applier = self._get_applier()
        paths = paths_of(inputs)
        if paths is None:
            raise InputError("write() takes file or folder paths ('-' for stdin)")
        total = disk_size(paths)
        done = 0
        for chunk, _path, disk in line_chunks(paths, CHUNK_BYTES):
            tokens = split_line_tokens(chunk, LINE_END)
            ids = applier.ids(tokens)
            glue, _, js = applier.apply(ids)
            for k, j in enumerate(js):
                joins[k] += j
            out = glue_tokens(tokens, glue, self.delimiter)
            yield w2p_layout(out)
            done += disk
            progress("writing", done, total)

    # ---- freezing, saving, loading

    def freeze(self) -> "Phrases":
        """A copy holding only the phrases that passed (small; counts dropped)."""
        new = Phrases.__new__(Phrases)
        new.__dict__.update(self.__dict__)
        new.passes = [p.without_counts() for p in self.passes]
        new.frozen = True
        new._applier = self._applier
        new._learner = None
        new._learned_from = None
        return new

    def to_dict(self) -> dict:
        passes = []
        for p in self.passes:
            d = {
                "threshold": p.threshold,
                "n_words": p.n_words,
                "pair_types": p.pair_types,
                "min_reduce": p.min_reduce,
                "phrases": [[list(t), s, p.phrase_counts.get(t, 0)] for t, s in p.phrases.items()],
            }
            if not self.frozen:
                d["words"] = p.words
                d["word_counts"] = p.word_counts.tolist()
                d["pairs"] = {"left": p.pair_left.tolist(), "right": p.pair_right.tolist(),
                              "mid": p.pair_mid.tolist(), "count": p.pair_count.tolist()}
            passes.append(d)
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "scoring": self.scoring,
            "min_count": self.min_count,
            "delimiter": self.delimiter,
            "connector_words": self.connectors.words,
            "threshold_schedule": self.threshold_schedule,
            "max_vocab_size": self.max_vocab_size,
            "cross_line_pairs": self.cross_line_pairs,
            "frozen": self.frozen,
            "passes": passes,
        }

    def save(self, path: str | os.PathLike) -> None:
        """Write the model as one JSON file (frozen models hold just the phrases)."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))
        with atomic_file(path, "wb") as fh:
            fh.write(text.encode("utf-8", "surrogateescape"))

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Phrases":
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
        try:
            d = json.loads(raw.decode("utf-8", "surrogateescape"))
        except ValueError as exc:
            raise InputError(f"{path}: not a w2v phrases file ({exc})") from exc
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise InputError(f"{path}: not a w2v phrases file")
        if d.get("version", 0) > FORMAT_VERSION:
            raise InputError(f"{path}: phrases format version {d['version']} is newer than this w2v reads")
        try:
            return cls.from_dict(d)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise InputError(f"{path}: malformed phrases file ({type(exc).__name__}: {exc})") from exc

    @classmethod
    def from_dict(cls, d: dict) -> "Phrases":
        ph = cls(None, min_count=d["min_count"], scoring=d["scoring"], delimiter=d["delimiter"],
                 connector_words=d["connector_words"], max_vocab_size=d.get("max_vocab_size", MAX_VOCAB_SIZE),
                 threshold_schedule=d["threshold_schedule"], passes=len(d["threshold_schedule"]),
                 cross_line_pairs=d.get("cross_line_pairs", False))
        ph.frozen = bool(d.get("frozen", False))
        for pd in d["passes"]:
            p = PhrasePass(float(pd["threshold"]), int(pd["n_words"]), pair_types=int(pd.get("pair_types", 0)),
                           min_reduce=int(pd.get("min_reduce", 0)))
            for toks, s, c in pd["phrases"]:
                t = tuple(toks)
                if (len(t) < 2 or not all(isinstance(x, str) for x in t)
                        or any(x not in ph.connectors.code for x in t[1:-1])):
                    raise ValueError(f"bad phrase {toks!r}")
                p.phrases[t] = float(s)
                p.phrase_counts[t] = int(c)
            if not ph.frozen:
                p.words = list(pd["words"])
                p.word_counts = np.asarray(pd["word_counts"], dtype=np.int64)
                pairs = pd["pairs"]
                p.pair_left = np.asarray(pairs["left"], dtype=np.int64)
                p.pair_right = np.asarray(pairs["right"], dtype=np.int64)
                p.pair_mid = np.asarray(pairs["mid"], dtype=np.int64)
                p.pair_count = np.asarray(pairs["count"], dtype=np.int64)
            ph.passes.append(p)
        return ph


