"""Applying a model: its phrase tables in a small id space, phrased corpus sources, the output layout.

The applier gives an id only to the words that occur in some phrase; every other word is
``UNKNOWN`` and joins nothing. Joining marks *glue* between tokens (glue[i]: token i joins token
i+1), and the text is rebuilt from the original tokens with the delimiter in the glued gaps.
"""

from __future__ import annotations

from itertools import repeat
from typing import TYPE_CHECKING, Iterator

import numpy as np

from ..corpus import Block, TextSource, TokenSource, as_source, cut_lengths, paths_of
from ..errors import InputError
from .tables import LINE_END, TokenIds, apply_tables, line_marked_ids, phrase_table

if TYPE_CHECKING:
    from . import Phrases
    from .learn import Learner


class Applier:
    """The phrase tables of a model in their own id space: only words that appear in some
    phrase get an id; every other word is ``UNKNOWN`` and joins nothing."""

    def __init__(self, ph: "Phrases"):
        from ..kernels.phrases import UNKNOWN

        self.unknown = UNKNOWN
        self.delimiter = ph.delimiter
        self.cx = ph.connectors
        vocab = TokenIds()
        for w in self.cx.words:
            vocab[w]  # noqa: B018  (assigns the id)
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
            self.tables.append(phrase_table(k1, k2, vals, bool(self.cx.words)))
        self.vocab = dict(vocab)
        self.conn = np.zeros(len(vocab.words), np.int64)
        for w in self.cx.words:
            self.conn[vocab[w]] = self.cx.code[w]

    def ids(self, tokens: list) -> np.ndarray:
        return np.array(list(map(self.vocab.get, tokens, repeat(self.unknown))), dtype=np.int32)

    def apply(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """(glue per position, final ids, joins per pass) for a stream with line marks."""
        return apply_tables(ids, self.tables, self.conn, self.cx)

    def sentence(self, tokens: list) -> list:
        if not tokens or not self.tables:
            return list(tokens)
        ids = self.ids(tokens)
        glue, _, _ = self.apply(ids)
        return list(glue_tokens(tokens, glue, self.delimiter))


# ---------------------------------------------------------------------------------------------
# Output layout


def glue_tokens(tokens: list, glue: np.ndarray, delimiter: str) -> list:
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


_SPACED_LINE_END = " " + LINE_END


def w2p_layout(tokens: list[str]) -> str:
    """word2phrase's layout: each word written as ' word', each line end as '\\n'."""
    if not tokens:
        return ""
    return (" " + " ".join(tokens)).replace(_SPACED_LINE_END, "\n")


def plain_layout(text: str, at_line_start: bool) -> str:
    """Drop the space word2phrase writes before each line's first word."""
    body = text.replace("\n ", "\n")
    if at_line_start and body.startswith(" "):
        body = body[1:]
    return body


# ---------------------------------------------------------------------------------------------
# Corpus sources with phrases joined


class PhrasedSource(TokenSource):
    """A corpus source whose blocks are another source's blocks with phrases joined.

    (A TokenSource by type, so that ``corpus.as_source`` passes it through unchanged.)"""

    def __init__(self, phrases: "Phrases", source):
        self.phrases = phrases
        paths = paths_of(source) if not isinstance(source, TokenSource) else None
        self.source = TextSource(paths) if paths is not None else as_source(source)
        self.paths = getattr(self.source, "paths", [])
        self._applier: Applier | None = None

    @property
    def total_bytes(self):
        return getattr(self.source, "total_bytes", None)

    @property
    def restartable(self) -> bool:
        return getattr(self.source, "restartable", True)

    def blocks(self) -> Iterator[Block]:
        from ..kernels.phrases import MARK

        if self._applier is None:
            self._applier = Applier(self.phrases)
        applier = self._applier
        delim = self.phrases.delimiter
        for block in self.source.blocks():
            if isinstance(block.tokens, np.ndarray):
                raise InputError("phrases need word tokens, not integer ids")
            lengths = np.asarray(block.lengths, dtype=np.int64)
            ids = line_marked_ids(block.tokens, lengths, applier.ids)
            glue, _, _ = applier.apply(ids)
            g = glue[ids != MARK]
            tokens = glue_tokens(block.tokens, g, delim)
            if len(tokens) != len(block.tokens):
                sent = np.repeat(np.arange(lengths.size), lengths)
                lengths = lengths - np.bincount(sent[g.astype(bool)], minlength=lengths.size)
            yield Block(tokens, lengths, block.nbytes)


class ReplaySource(TokenSource):
    """The learning corpus, replayed from its cached ids with all passes applied."""

    def __init__(self, phrases: "Phrases", learner: "Learner"):
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
        from ..kernels.phrases import MARK

        for ids, disk in self.learner.cached():
            _, out, _ = self.learner.apply(ids)
            marks = np.flatnonzero(out == MARK)
            lengths = np.diff(np.concatenate(([-1], marks, [out.size]))) - 1
            body = out[out != MARK]
            if body.size:
                yield Block(self.learner.tokens(body), cut_lengths(lengths), disk)
