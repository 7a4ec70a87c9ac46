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

Paths are read by :func:`read_text_chunks` and :func:`split_line_tokens`, which keep the input's
line structure (empty lines too) and split words on space, tab and newline only, dropping
carriage returns, as word2phrase does; ``write`` reproduces word2phrase's output layout byte for
byte. See
docs/phrases.md for every known difference from word2phrase.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from .atomic import atomic_file
from .corpus import MAX_SENTENCE, Block, TextSource, TokenSource, as_source, expand_paths, open_binary
from .errors import ConfigError, InputError

SCORERS = ("word2phrase", "npmi")
DEFAULT_THRESHOLD = {"word2phrase": 100.0, "npmi": 0.5}
MAX_VOCAB_SIZE = 40_000_000
"""Default bound on distinct pairs, and on distinct words, held while counting (gensim's default)."""

FORMAT = "w2v-phrases"
FORMAT_VERSION = 1

CHUNK_BYTES = 1 << 20
"""Text read, split and counted at once (1 MiB keeps the new token objects in cache)."""

CACHE_BYTES = 256 << 20
"""Ids of the corpus kept in memory between passes; past this they go to a temporary file."""

MARK = "\x00"
"""Line-end token inside id streams (id 0); NUL never occurs in accepted text."""

_UNKNOWN = "\x00unknown"
"""Placeholder for id 1: a word that is part of no phrase."""

# Characters str.split() breaks words on but word2phrase does not (it breaks on ' ', '\t', '\n'
# only). They are swapped for lone surrogates (which decoding never produces) around the split.
_EXOTIC = "\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_PROTECT = str.maketrans({c: chr(0xD800 + i) for i, c in enumerate(_EXOTIC)})
_UNPROTECT = str.maketrans({chr(0xD800 + i): c for i, c in enumerate(_EXOTIC)})
_EXOTIC_RE = re.compile("[" + re.escape(_EXOTIC) + "]")
_EXOTIC_ASCII = "\x0b\x0c\x1c\x1d\x1e\x1f"

Progress = Callable[[str, int, "int | None"], None]
"""``progress(stage, done, total)``: called as work advances (``total`` None when unknown). If it
also has a ``message(text)`` method, a line is sent there as each pass ends."""


def _no_progress(stage: str, done: int, total: int | None) -> None:
    pass


class _Hook:
    """Adapts what the caller gave as ``progress``: a callable (ticks), an object with
    ``message(text)`` (w2v.progress.Progress: pass summaries only), or None."""

    def __init__(self, progress):
        self.tick = progress if callable(progress) else _no_progress
        msg = getattr(progress, "message", None)
        self.message = msg if callable(msg) else (lambda text: None)


# ---------------------------------------------------------------------------------------------
# Reading text with its lines intact


def split_line_tokens(chunk: bytes, where: str = "input") -> list[str]:
    """Words of a chunk of whole lines, with ``MARK`` after each line's words.

    Words break on space, tab and newline only; carriage returns are dropped (word2phrase's
    reading). Bytes that are not UTF-8 survive as surrogate escapes and are written back as they
    were."""
    if b"\x00" in chunk:
        raise InputError(f"{where}: NUL byte in the text; this looks like a binary file, not text")
    text = chunk.decode("utf-8", "surrogateescape")
    if "\r" in text:
        text = text.replace("\r", "")
    if text.isascii():
        exotic = any(c in text for c in _EXOTIC_ASCII)
    else:
        exotic = _EXOTIC_RE.search(text) is not None
    if exotic:
        return [t.translate(_UNPROTECT) for t in text.translate(_PROTECT).replace("\n", " \x00 ").split()]
    return text.replace("\n", " \x00 ").split()


def read_text_chunks(paths: Sequence[str], chunk_bytes: int = CHUNK_BYTES) -> Iterator[tuple[bytes, str, int]]:
    """(chunk of whole lines, path, bytes on disk consumed since the last chunk) for each file in
    turn. Every file's last line is ended with a newline if it lacks one."""
    import lzma

    for path in paths:
        fh, raw = open_binary(path)
        rest = b""
        seen = 0
        try:
            while True:
                try:
                    data = fh.read(chunk_bytes)
                except (OSError, EOFError, lzma.LZMAError) as exc:
                    raise InputError(f"{path}: corrupt or truncated compressed data ({exc})") from exc
                if not data:
                    break
                data = rest + data if rest else data
                cut = data.rfind(b"\n")
                if cut < 0:
                    if len(data) < 64 * chunk_bytes:
                        rest = data  # a line longer than the chunk: keep reading
                        continue
                    cut = data.rfind(b" ")  # an absurdly long line: cut it at a space
                    if cut < 0:
                        cut = len(data) - 1
                chunk, rest = data[: cut + 1], data[cut + 1:]
                pos = _tell(raw)
                yield chunk, path, max(0, pos - seen)
                seen = max(seen, pos)
            if rest:
                pos = _tell(raw)
                yield rest + b"\n", path, max(0, pos - seen)
        finally:
            if path != "-":
                fh.close()


def _tell(raw) -> int:
    try:
        return raw.tell()
    except (OSError, ValueError):
        return 0


def _disk_size(paths: Sequence[str]) -> int | None:
    if "-" in paths:
        return None
    return sum(os.path.getsize(p) for p in paths)


# ---------------------------------------------------------------------------------------------
# Id spaces


class _Vocab(dict):
    """token -> id; an unseen token gets the next id (assigned in ``__missing__``, so that
    ``map(vocab.__getitem__, tokens)`` runs in C for every known token)."""

    def __init__(self, first: Iterable[str] = (MARK, _UNKNOWN)):
        super().__init__()
        self.words: list[str] = []
        for w in first:
            self[w]  # noqa: B018  (assigns the id)

    def __missing__(self, key):
        i = len(self.words)
        self[key] = i
        self.words.append(key)
        return i

    def ids(self, tokens: list) -> np.ndarray:
        return np.array(list(map(self.__getitem__, tokens)), dtype=np.int32)


def _grow(arr: np.ndarray, size: int) -> np.ndarray:
    if arr.shape[0] >= size:
        return arr
    new = np.zeros(max(size, 2 * arr.shape[0]), dtype=arr.dtype)
    new[: arr.shape[0]] = arr
    return new


class _Connectors:
    """Connector words and the integer code of a run of them (see kernels.phrases)."""

    def __init__(self, words: Iterable[str]):
        self.words = sorted(set(words))
        self.code = {w: i + 1 for i, w in enumerate(self.words)}
        self.base = len(self.words) + 1
        # longest run whose code fits in 62 bits
        self.max_run = int(62 // math.log2(self.base)) if self.words else 0

    def decode(self, mid: int) -> tuple[str, ...]:
        out = []
        while mid:
            mid, c = divmod(mid, self.base)
            out.append(self.words[c - 1])
        return tuple(reversed(out))

    def encode(self, words: Sequence[str]) -> int:
        mid = 0
        for w in words:
            mid = mid * self.base + self.code[w]
        return mid


def _scores(scoring: str, pab: np.ndarray, pa: np.ndarray, pb: np.ndarray, n_words: int, min_count: int) -> np.ndarray:
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


# ---------------------------------------------------------------------------------------------
# Learned passes


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


def _default_schedule(scoring: str, threshold: float, passes: int) -> list[float]:
    """Falling thresholds: halved each pass for word2phrase (its demo script's 200 then 100),
    0.1 lower each pass for npmi."""
    if scoring == "word2phrase":
        return [threshold * 0.5 ** k for k in range(passes)]
    return [max(-1.0, round(threshold - 0.1 * k, 10)) for k in range(passes)]


class Phrases:
    """Learn phrases from a corpus and join them in that or any other corpus.

    >>> ph = Phrases([["new", "york", "is", "big"]] * 10, min_count=1, threshold=1)
    >>> ph[["i", "love", "new", "york"]]
    ['i', 'love', 'new_york']

    ``sentences``: file or folder paths (``-`` for stdin; read line by line), a corpus source,
    or an iterable of token lists. ``threshold``: the first pass's (default 100 for word2phrase,
    0.5 for npmi); later passes follow ``threshold_schedule`` (default: see
    :func:`_default_schedule`). ``keep_corpus=True`` keeps the corpus's ids after learning, so
    that ``transform()`` and ``write(None, out)`` replay it without reading it again (needed for
    stdin).
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
        progress: Progress | None = None,
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
            schedule = _default_schedule(scoring, t0, int(passes))
        if any(not math.isfinite(t) for t in schedule):
            raise ConfigError("thresholds must be finite numbers")
        if scoring == "npmi" and any(not -1.0 <= t <= 1.0 for t in schedule):
            raise ConfigError(f"npmi thresholds must lie in [-1, 1], got {schedule}")

        self.min_count = int(min_count)
        self.scoring = scoring
        self.delimiter = delimiter
        self.connectors = _Connectors(connector_words)
        self.max_vocab_size = int(max_vocab_size)
        self.threshold_schedule = schedule
        self.cross_line_pairs = bool(cross_line_pairs)
        self.frozen = False
        self.passes: list[PhrasePass] = []
        self._applier: _Applier | None = None
        self._learner: _Learner | None = None
        self._learned_from = None
        if sentences is not None:
            paths = _as_paths(sentences)
            keep_corpus = keep_corpus or (paths is not None and "-" in paths)  # stdin reads once
            learner = _Learner(self, _Hook(progress), caching=keep_corpus or len(schedule) > 1)
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
        if p._pair_index is None:
            widx = {w: i for i, w in enumerate(p.words)}
            p._pair_index = {"words": widx, "pairs": {
                (a, b, m): c for a, b, m, c in zip(p.pair_left.tolist(), p.pair_right.tolist(),
                                                   p.pair_mid.tolist(), p.pair_count.tolist())}}
        widx = p._pair_index["words"]
        a, b = widx.get(toks[0]), widx.get(toks[-1])
        if a is None or b is None:
            return low
        c = p._pair_index["pairs"].get((a, b, self.connectors.encode(toks[1:-1])))
        if c is None:
            return low
        wc = p.word_counts
        return float(_scores(self.scoring, np.array([c]), np.array([wc[a]]), np.array([wc[b]]),
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

    def _get_applier(self) -> "_Applier":
        if self._applier is None:
            self._applier = _Applier(self)
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

    def transform(self, source=None) -> "PhrasedSource":
        """A corpus source (``.blocks()`` of joined tokens) over ``source``, or, with no argument,
        over the corpus learned from (requires ``keep_corpus=True``). The corpus learned from, when
        kept, is replayed from its ids rather than read again."""
        if source is None or (self._learner is not None and source is self._learned_from):
            if self._learner is not None:
                return _ReplaySource(self, self._learner)
            raise ConfigError("transform() needs a corpus unless the model was learned with keep_corpus=True")
        return PhrasedSource(self, source)

    def write(self, inputs, out_path: str | os.PathLike, *, plain: bool = False,
              progress: Progress | None = None) -> int:
        """Write ``inputs`` (paths; None for the corpus learned from, with ``keep_corpus``) with
        phrases joined, one output line per input line. The layout is word2phrase's: every word
        is preceded by a space, so each line starts with one (``plain=True`` drops it).
        Returns the number of lines written; ``passes[k].joins`` holds the joins made."""
        progress = progress or _no_progress
        joins = [0] * len(self.passes)
        lines = 0
        with atomic_file(out_path, "wb") as fh:
            at_line_start = True
            for text in self._rendered_chunks(inputs, joins, progress):
                if plain:
                    text = _plain_layout(text, at_line_start)
                lines += text.count("\n")
                at_line_start = text.endswith("\n")
                fh.write(text.encode("utf-8", "surrogateescape"))
        for p, j in zip(self.passes, joins):
            p.joins = j
        return lines

    def _rendered_chunks(self, inputs, joins: list[int], progress: Progress) -> Iterator[str]:
        if inputs is None:
            if self._learner is None:
                raise ConfigError("write(None, ...) needs a model learned with keep_corpus=True")
            yield from self._learner.rendered_chunks(joins, progress)
            return
        applier = self._get_applier()
        paths = _as_paths(inputs)
        if paths is None:
            raise InputError("write() takes file or folder paths ('-' for stdin)")
        total = _disk_size(paths)
        done = 0
        for chunk, path, disk in read_text_chunks(paths):
            tokens = split_line_tokens(chunk, path)
            ids = applier.ids(tokens)
            glue, _, js = applier.apply(ids)
            for k, j in enumerate(js):
                joins[k] += j
            out = _glue_tokens(tokens, glue, self.delimiter)
            yield _w2p_layout(out)
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


def _as_paths(obj) -> list[str] | None:
    """Expanded input paths if ``obj`` names files (a path, a list of paths, a TextSource)."""
    if isinstance(obj, TextSource):
        return list(obj.paths)
    if isinstance(obj, (str, os.PathLike)):
        return expand_paths([obj])
    if isinstance(obj, (list, tuple)) and obj and all(isinstance(p, (str, os.PathLike)) for p in obj):
        return expand_paths(obj)
    return None


# ---------------------------------------------------------------------------------------------
# Output layout


def _glue_tokens(tokens: list, glue: np.ndarray, delimiter: str) -> list:
    """Tokens with every glued gap (glue[i]: token i joins token i+1) closed by the delimiter."""
    idx = np.flatnonzero(glue)
    if idx.size == 0:
        return tokens
    breaks = np.flatnonzero(np.diff(idx) != 1) + 1
    starts = idx[np.concatenate(([0], breaks))].tolist()
    lasts = (idx[np.concatenate((breaks - 1, [idx.size - 1]))] + 1).tolist()
    out: list = []
    prev = 0
    for s, e in zip(starts, lasts):
        out += tokens[prev:s]
        out.append(delimiter.join(tokens[s: e + 1]))
        prev = e + 1
    out += tokens[prev:]
    return out


def _w2p_layout(tokens: list[str]) -> str:
    """word2phrase's layout: each word written as ' word', each line end as '\\n'."""
    if not tokens:
        return ""
    return (" " + " ".join(tokens)).replace(" \x00", "\n")


def _plain_layout(text: str, at_line_start: bool) -> str:
    """Drop the space word2phrase writes before each line's first word."""
    body = text.replace("\n ", "\n")
    if at_line_start and body.startswith(" "):
        body = body[1:]
    return body


# ---------------------------------------------------------------------------------------------
# Applying a model: a small id space of the words that occur in phrases


class _Applier:
    """The phrase tables of a model in their own id space: only words that appear in some
    phrase get an id; every other word is ``UNKNOWN`` (id 1) and joins nothing."""

    def __init__(self, ph: Phrases):
        from .kernels import phrases as K

        self.K = K
        self.delimiter = ph.delimiter
        self.cx = ph.connectors
        vocab = _Vocab()
        for w in self.cx.words:
            vocab[w]  # noqa: B018
        self.tables = []
        for p in ph.passes:
            items = list(p.phrases)
            k1 = np.empty(len(items), np.int64)
            k2 = np.zeros(len(items), np.int64)
            vals = np.empty(len(items), np.int64)
            for j, toks in enumerate(items):
                k1[j] = (vocab[toks[0]] << 32) | vocab[toks[-1]]
                k2[j] = self.cx.encode(toks[1:-1]) if len(toks) > 2 else 0
                vals[j] = vocab[self.delimiter.join(toks)]
            self.tables.append(_phrase_table(k1, k2, vals, bool(self.cx.words)))
        self.vocab = dict(vocab)
        self.conn = np.zeros(len(vocab.words), np.int64)
        for w in self.cx.words:
            self.conn[vocab[w]] = self.cx.code[w]

    def ids(self, tokens: list) -> np.ndarray:
        return np.array(list(map(self.vocab.get, tokens, repeat(1))), dtype=np.int32)

    def apply(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """(glue per position, final ids, joins per pass) for a stream with line marks."""
        return _apply_tables(self.K, ids, self.tables, self.conn, self.cx)

    def sentence(self, tokens: list) -> list:
        if not tokens or not self.tables:
            return list(tokens)
        ids = self.ids(tokens)
        glue, _, _ = self.apply(ids)
        return list(_glue_tokens(tokens, glue, self.delimiter))


def _phrase_table(k1: np.ndarray, k2: np.ndarray, vals: np.ndarray, with_mid: bool):
    from .kernels import phrases as K

    cap = 1 << max(4, int(math.ceil(math.log2(max(1, k1.size) / 0.5))))
    keys1 = np.full(cap, K.EMPTY, np.int64)
    keys2 = np.zeros(cap if with_mid else 1, np.int64)
    values = np.zeros(cap, np.int64)
    K.table_insert(keys1, keys2, values, k1, k2, vals)
    return keys1, keys2, values


def _apply_tables(K, ids: np.ndarray, tables, conn: np.ndarray, cx: _Connectors):
    n = ids.shape[0]
    glue = np.zeros(n, np.uint8)
    ends = np.arange(n, dtype=np.int64)
    joins = []
    cur = ids
    for keys1, keys2, values in tables:
        out_ids = np.empty(cur.shape[0], np.int32)
        out_ends = np.empty(cur.shape[0], np.int64)
        m, j = K.join_pass(cur, ends, conn, cx.base, cx.max_run, keys1, keys2, values, glue, out_ids, out_ends)
        cur, ends = out_ids[:m], out_ends[:m]
        joins.append(int(j))
    return glue, cur, joins


def _block_stream(tokens: list, lengths: np.ndarray, vocab_ids: Callable[[list], np.ndarray]) -> np.ndarray:
    """Ids of a block's tokens with a line mark after each sentence."""
    ids = vocab_ids(tokens)
    return np.insert(ids, np.cumsum(lengths), 0).astype(np.int32, copy=False)


def _split_long(lengths: np.ndarray) -> np.ndarray:
    """Sentence lengths with empty sentences dropped and long ones cut at MAX_SENTENCE."""
    lengths = lengths[lengths > 0]
    if lengths.size and lengths.max() > MAX_SENTENCE:
        out = []
        for n in lengths.tolist():
            while n > MAX_SENTENCE:
                out.append(MAX_SENTENCE)
                n -= MAX_SENTENCE
            out.append(n)
        lengths = np.asarray(out, dtype=np.int64)
    return lengths.astype(np.int64, copy=False)


class PhrasedSource(TokenSource):
    """A corpus source whose blocks are another source's blocks with phrases joined.

    (A TokenSource by type, so that ``corpus.as_source`` passes it through unchanged.)"""

    def __init__(self, phrases: Phrases, source):
        self.phrases = phrases
        paths = _as_paths(source) if not isinstance(source, (TokenSource,)) else None
        self.source = TextSource(paths) if paths is not None else as_source(source)
        self.paths = getattr(self.source, "paths", [])

    @property
    def total_bytes(self):
        return getattr(self.source, "total_bytes", None)

    @property
    def restartable(self) -> bool:
        return getattr(self.source, "restartable", True)

    def blocks(self) -> Iterator[Block]:
        applier = self.phrases._get_applier()
        delim = self.phrases.delimiter
        for block in self.source.blocks():
            if isinstance(block.tokens, np.ndarray):
                raise InputError("phrases need word tokens, not integer ids")
            lengths = np.asarray(block.lengths, dtype=np.int64)
            ids = _block_stream(block.tokens, lengths, applier.ids)
            glue, _, _ = applier.apply(ids)
            words = ids != 0
            g = glue[words]
            tokens = _glue_tokens(block.tokens, g, delim)
            if len(tokens) != len(block.tokens):
                sent = np.repeat(np.arange(lengths.size), lengths)
                lengths = lengths - np.bincount(sent[g.astype(bool)], minlength=lengths.size)
            yield Block(tokens, lengths, block.nbytes)


class _ReplaySource(TokenSource):
    """The learning corpus, replayed from its cached ids with all passes applied."""

    def __init__(self, phrases: Phrases, learner: "_Learner"):
        self.phrases = phrases
        self.learner = learner
        self.paths = list(learner.paths or [])

    @property
    def restartable(self) -> bool:
        return True

    @property
    def total_bytes(self):
        return self.learner.cache.total_disk or None

    def blocks(self) -> Iterator[Block]:
        for ids, disk in self.learner.cached():
            _, out, _ = self.learner.apply(ids)
            marks = np.flatnonzero(out == 0)
            lengths = np.diff(np.concatenate(([-1], marks, [out.size]))) - 1
            body = out[out != 0]
            if body.size:
                yield Block(self.learner.tokens(body), _split_long(lengths), disk)


# ---------------------------------------------------------------------------------------------
# Learning


class _IdCache:
    """Id chunks of the corpus, in memory up to CACHE_BYTES, then in a temporary file."""

    def __init__(self, limit: int = CACHE_BYTES):
        self.limit = limit
        self.mem: list[tuple[np.ndarray, int]] = []
        self.mem_bytes = 0
        self.file = None
        self.spilled: list[tuple[int, int]] = []  # (length, disk bytes) of chunks in the file
        self.total_disk = 0
        self.total_ids = 0

    def append(self, ids: np.ndarray, disk: int) -> None:
        self.total_disk += disk
        self.total_ids += ids.size
        if self.file is None and self.mem_bytes + ids.nbytes <= self.limit:
            self.mem.append((ids, disk))
            self.mem_bytes += ids.nbytes
            return
        if self.file is None:
            self.file = tempfile.TemporaryFile(prefix="w2v-phrases-")
        self.file.write(np.ascontiguousarray(ids, dtype=np.int32).tobytes())
        self.spilled.append((ids.size, disk))

    def __iter__(self) -> Iterator[tuple[np.ndarray, int]]:
        yield from self.mem
        if self.file is not None:
            self.file.flush()
            self.file.seek(0)
            for n, disk in self.spilled:
                yield np.fromfile(self.file, dtype=np.int32, count=n), disk

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
        self.mem = []


class _PrunedWords:
    """Words dropped from the word table while the corpus's ids are cached: their text, kept in a
    temporary file (not in memory) for writing the cached corpus out, found by id (12 bytes an
    id in memory: where its text starts in the file, and its length; -1 for a word not pruned)."""

    def __init__(self):
        self.file = tempfile.TemporaryFile(prefix="w2v-phrases-words-")
        self.size = 0
        self.starts = np.zeros(0, np.int64)
        self.lengths = np.zeros(0, np.int32)
        self.mm = None

    def add(self, ids: np.ndarray, words: list[str]) -> None:
        data = [w.encode("utf-8", "surrogateescape") for w in words]
        lengths = np.fromiter(map(len, data), np.int64, len(data))
        ends = np.cumsum(lengths)
        n = int(ids.max()) + 1
        if n > self.lengths.shape[0]:
            grown = max(n, 2 * self.lengths.shape[0])
            self.starts = np.concatenate((self.starts, np.zeros(grown - self.starts.shape[0], np.int64)))
            self.lengths = np.concatenate((self.lengths, np.full(grown - self.lengths.shape[0], -1, np.int32)))
        self.starts[ids] = ends - lengths + self.size
        self.lengths[ids] = lengths
        self.file.write(b"".join(data))
        self.size += int(ends[-1])

    def finish(self) -> None:
        import mmap

        self.file.flush()
        self.mm = mmap.mmap(self.file.fileno(), 0, access=mmap.ACCESS_READ) if self.size else b""

    def words(self, ids: np.ndarray) -> list[str]:
        """The text of pruned ids (``finish()`` first)."""
        mm = self.mm
        return [mm[s: s + n].decode("utf-8", "surrogateescape")
                for s, n in zip(self.starts[ids].tolist(), self.lengths[ids].tolist())]

    def batches(self, size: int = 1 << 18) -> Iterator[tuple[np.ndarray, list[str]]]:
        for j in range(0, self.lengths.shape[0], size):
            ids = np.flatnonzero(self.lengths[j: j + size] >= 0) + j
            if ids.size:
                yield ids, self.words(ids)

    def close(self) -> None:
        if self.mm is not None and not isinstance(self.mm, bytes):
            self.mm.close()
        self.mm = None
        self.file.close()


class _PairTable:
    """Pair counts in a growing open-addressing table, pruned past ``max_size`` entries."""

    def __init__(self, with_mid: bool, max_size: int, capacity: int = 1 << 16):
        from .kernels import phrases as K

        self.K = K
        self.with_mid = with_mid
        self.max_size = max_size
        self._alloc(capacity)
        self.state = np.array([0, -1, 0, 0, 0], dtype=np.int64)
        self.min_reduce = 0

    def _alloc(self, cap: int) -> None:
        self.keys1 = np.full(cap, self.K.EMPTY, np.int64)
        self.keys2 = np.zeros(cap if self.with_mid else 1, np.int64)
        self.counts = np.zeros(cap, np.int64)

    @property
    def size(self) -> int:
        return int(self.state[0])

    def _limit(self) -> int:
        return min(int(self.keys1.shape[0] * 0.7), self.max_size)

    def count(self, ids: np.ndarray, unigrams: np.ndarray, conn: np.ndarray, cx: _Connectors, cross: bool) -> None:
        pos = 0
        n = ids.shape[0]
        while True:
            pos = self.K.count_tokens(ids, pos, conn, cx.base, cx.max_run, cross, unigrams,
                                      self.keys1, self.keys2, self.counts, self.state, self._limit())
            if self.size > self._limit():
                self._make_room()
            if pos >= n:
                break

    def _rebuild(self, cap: int, min_keep: int) -> None:
        old = (self.keys1, self.keys2, self.counts)
        self._alloc(cap)
        self.state[0] = self.K.rehash(*old, self.keys1, self.keys2, self.counts, min_keep)

    def _make_room(self) -> None:
        if self.size > self.max_size:
            # word2phrase's ReduceVocab: drop what was seen min_reduce times or less, raise the bar
            while self.size > self.max_size:
                self.min_reduce += 1
                self._rebuild(self.keys1.shape[0], self.min_reduce + 1)
        else:
            self._rebuild(self.keys1.shape[0] * 2, 1)


class _Learner:
    """Counting and scoring, pass by pass, over one id space for the whole corpus."""

    def __init__(self, ph: Phrases, progress: _Hook, caching: bool = True):
        from .kernels import phrases as K

        self.K = K
        self.ph = ph
        self.progress = progress.tick
        self.message = progress.message
        self.vocab = _Vocab()
        self.cx = ph.connectors
        for w in self.cx.words:
            self.vocab[w]  # noqa: B018
        self.conn = np.zeros(1024, np.int64)
        for w in self.cx.words:
            self.conn[self.vocab[w]] = self.cx.code[w]
        self.tables: list = []  # per pass: (keys1, keys2, values) in this id space
        self.cache = _IdCache()
        self.caching = caching
        self.paths: list[str] | None = None
        self._words_arr = None
        # the word table's bound (see _prune_words): ids below first_word (line mark, UNKNOWN,
        # connectors) are never pruned; an id is never reused
        self.first_word = len(self.vocab.words)
        self.dead = np.zeros(1024, np.bool_)  # ids of words pruned from the word table
        self.word_min_reduce = 0
        self.pruned: _PrunedWords | None = None  # their text, while the corpus is cached
        self.remap: np.ndarray | None = None  # cached id -> id, set after pass 1 if words were pruned

    def close(self) -> None:
        self.cache.close()
        if self.pruned is not None:
            self.pruned.close()
            self.pruned = None

    def cached(self) -> Iterator[tuple[np.ndarray, int]]:
        """The cached id chunks, with pruned words seen again after pruning under their last id."""
        for ids, disk in self.cache:
            yield (ids if self.remap is None else self.remap[ids]), disk

    def tokens(self, ids: np.ndarray) -> list:
        """The text of an id stream (pruned words read back from their file)."""
        toks = self.words_array()[ids].tolist()
        if self.pruned is not None:
            self.dead = _grow(self.dead, len(self.vocab.words))
            at = np.flatnonzero(self.dead[ids])
            if at.size:
                for i, w in zip(at.tolist(), self.pruned.words(ids[at])):
                    toks[i] = w
        return toks

    def _prune_words(self, unigrams: np.ndarray) -> None:
        """word2phrase's ReduceVocab on the word table: drop words seen at most once, then at most
        twice, ... until at most ``max_vocab_size`` entries remain. A dropped word loses its count
        (so it cannot score and joins nothing); if seen again it comes back under a new id,
        counted from there, as word2phrase re-adds it with a fresh count."""
        n = len(self.vocab.words)
        self.dead = _grow(self.dead, n)
        first = self.first_word
        live = np.flatnonzero(~self.dead[first:n]) + first
        counts = unigrams[live]
        limit = max(0, self.ph.max_vocab_size - first)
        m = self.word_min_reduce + 1
        while np.count_nonzero(counts > m) > limit:
            m += 1
        self.word_min_reduce = m
        drop = live[counts <= m]
        words, vocab = self.vocab.words, self.vocab
        gone = [words[i] for i in drop.tolist()]
        if self.caching and drop.size:
            if self.pruned is None:
                self.pruned = _PrunedWords()
            self.pruned.add(drop, gone)
        for i, w in zip(drop.tolist(), gone):
            del vocab[w]
            words[i] = None
        self.dead[drop] = True
        unigrams[drop] = 0
        self._words_arr = None

    def _end_pruning(self) -> None:
        """After pass 1: cached ids of a pruned word that came back point to its new id; the others
        stay pruned (rare in later passes too) and are written from their file."""
        if self.pruned is None:
            return
        self.pruned.finish()
        self.remap = np.arange(len(self.vocab.words), dtype=np.int32)
        for ids, words in self.pruned.batches():
            now = np.fromiter(map(self.vocab.get, words, repeat(-1)), np.int64, len(words))
            back = now >= 0
            self.remap[ids[back]] = now[back]

    def words_array(self) -> np.ndarray:
        if self._words_arr is None or len(self._words_arr) != len(self.vocab.words):
            self._words_arr = np.array(self.vocab.words, dtype=object)
        return self._words_arr

    def apply(self, ids: np.ndarray, upto: int | None = None):
        tables = self.tables if upto is None else self.tables[:upto]
        self.conn = _grow(self.conn, len(self.vocab.words))
        return _apply_tables(self.K, ids, tables, self.conn, self.cx)

    def _first_read(self, sentences) -> Iterator[np.ndarray]:
        """Id chunks of the corpus (read once, cached for later passes). Paths are read line by
        line as word2phrase reads them; a TextSource is read through its own blocks, so that the
        words match those ``w2v train`` sees in it."""
        paths = None if isinstance(sentences, TextSource) else _as_paths(sentences)
        if paths is not None:
            self.paths = paths
            total = _disk_size(paths)
            done = 0
            for chunk, path, disk in read_text_chunks(paths):
                ids = self.vocab.ids(split_line_tokens(chunk, path))
                if self.caching:
                    self.cache.append(ids, disk)
                done += disk
                self.progress("pass 1", done, total)
                yield ids
            return
        source = as_source(sentences)
        self.paths = list(getattr(source, "paths", None) or [])
        total = getattr(source, "total_bytes", None)
        done = 0
        for block in source.blocks():
            if isinstance(block.tokens, np.ndarray):
                raise InputError("phrases need word tokens, not integer ids")
            ids = _block_stream(block.tokens, np.asarray(block.lengths), self.vocab.ids)
            if self.caching:
                self.cache.append(ids, block.nbytes)
            done += block.nbytes if total else ids.size
            self.progress("pass 1", done, total)
            yield ids

    def _cached(self, stage: str) -> Iterator[np.ndarray]:
        done = 0
        total = self.cache.total_ids
        for ids, _ in self.cached():
            done += ids.size
            self.progress(stage, done, total)
            yield ids

    def learn(self, sentences) -> None:
        ph = self.ph
        for k, threshold in enumerate(ph.threshold_schedule):
            stream = self._first_read(sentences) if k == 0 else self._cached(f"pass {k + 1}")
            unigrams = np.zeros(max(1024, len(self.vocab.words)), np.int64)
            table = _PairTable(bool(self.cx.words), ph.max_vocab_size)
            for ids in stream:
                if k:
                    _, ids, _ = self.apply(ids, k)
                n = len(self.vocab.words)
                unigrams = _grow(unigrams, n)
                self.conn = _grow(self.conn, n)
                table.count(ids, unigrams, self.conn, self.cx, ph.cross_line_pairs)
                if k == 0 and len(self.vocab) > ph.max_vocab_size:
                    self._prune_words(unigrams)
            if k == 0:
                self._end_pruning()
            elif self.word_min_reduce:
                dead = np.flatnonzero(self.dead)
                unigrams[dead[dead < unigrams.shape[0]]] = 0  # pruned in pass 1: still no count
            p = self._finish_pass(threshold, unigrams, table)
            ph.passes.append(p)
            ex = ", ".join(ph.delimiter.join(t) for t, _, _ in p.examples(4))
            self.message(f"phrases pass {k + 1}/{len(ph.threshold_schedule)}: threshold {threshold:g}, "
                         f"{len(p.phrases):,} phrases formed" + (f" (e.g. {ex})" if ex else ""))

    def _finish_pass(self, threshold: float, unigrams: np.ndarray, table: _PairTable) -> PhrasePass:
        ph = self.ph
        mc = ph.min_count
        n_words = int(table.state[4])
        k1, k2, cnt = self.K.table_filter(table.keys1, table.keys2, table.counts, mc)
        a = k1 >> 32
        b = k1 & 0xFFFFFFFF
        ok = (unigrams[a] >= mc) & (unigrams[b] >= mc)
        a, b, k2, cnt = a[ok], b[ok], k2[ok], cnt[ok]
        scores = _scores(ph.scoring, cnt, unigrams[a], unigrams[b], n_words, mc)
        passing = np.flatnonzero(scores > (np.float32(threshold) if ph.scoring == "word2phrase" else threshold))

        p = PhrasePass(float(threshold), n_words, pair_types=table.size, min_reduce=table.min_reduce)
        words = self.vocab.words
        # the counts that can still score: words and pairs seen at least min_count times
        keep = np.flatnonzero(unigrams[: len(words)] >= mc)
        remap = np.full(len(words), -1, np.int64)
        remap[keep] = np.arange(keep.size)
        p.words = [words[i] for i in keep.tolist()]
        p.word_counts = unigrams[keep].copy()
        p.pair_left, p.pair_right, p.pair_mid, p.pair_count = remap[a], remap[b], k2, cnt
        decode = self.cx.decode
        pk1 = np.empty(passing.size, np.int64)
        pvals = np.empty(passing.size, np.int64)
        for j, i in enumerate(passing.tolist()):
            ai, bi, m = int(a[i]), int(b[i]), int(k2[i])
            toks = (words[ai], *decode(m), words[bi]) if m else (words[ai], words[bi])
            p.phrases[toks] = float(scores[i])
            p.phrase_counts[toks] = int(cnt[i])
            pk1[j] = (ai << 32) | bi
            pvals[j] = self.vocab[ph.delimiter.join(toks)]
        self.tables.append(_phrase_table(pk1, k2[passing], pvals, bool(self.cx.words)))
        return p

    def rendered_chunks(self, joins: list[int], progress: Progress) -> Iterator[str]:
        done = 0
        total = self.cache.total_ids
        for ids, _ in self.cached():
            _, out, js = self.apply(ids)
            for k, j in enumerate(js):
                joins[k] += j
            yield _w2p_layout(self.tokens(out))
            done += ids.size
            progress("writing", done, total)
