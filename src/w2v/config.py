"""Every training parameter in one dataclass, validated once, with gensim's names.

Defaults follow word2vec C (which gensim shares for most of them): 100 dimensions, window 5,
5 negative samples, ``sample=1e-3``, ``min_count=5``, 5 epochs; ``alpha`` is 0.025 for
skip-gram and 0.05 for CBOW unless given.

The config is saved as JSON with the model, so it holds values only: what cannot be saved
(callbacks, ``trim_rule``) belongs to the call that uses it (see :class:`w2v.Word2Vec`).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields

from .errors import ConfigError

SAMPLE_FORMULAS = ("c", "paper")


@dataclass
class Config:
    vector_size: int = 100
    window: int = 5
    min_count: int = 5
    max_vocab_size: int | None = 30_000_000
    sample: float = 1e-3
    sample_formula: str = "c"
    sg: int = 0
    hs: int = 0
    negative: int = 5
    softmax: int = 0
    ns_exponent: float = 0.75
    cbow_mean: int = 1
    alpha: float | None = None
    min_alpha: float = 0.0001
    epochs: int = 5
    workers: int | None = None
    seed: int = 1
    batch_words: int = 32_768
    shrink_windows: int = 1              # 0: the window is always `window` words (gensim's option)
    shuffle: int = 1                     # jobs in a new random order each epoch; 0: corpus order (C, gensim)
    max_final_vocab: int | None = None  # raise min_count until at most this many words remain
    sorted_vocab: int = 1                # 0: rows in order of first appearance, not by count
    null_word: int = 0                   # 1: add the word "\0" (count 1) at the end of the vocabulary

    def __post_init__(self) -> None:
        self.validate()

    # -- derived ---------------------------------------------------------------------------
    @property
    def start_alpha(self) -> float:
        if self.alpha is not None:
            return float(self.alpha)
        return 0.025 if self.sg else 0.05

    @property
    def threads(self) -> int:
        return int(self.workers) if self.workers else (os.cpu_count() or 1)

    @property
    def loss_name(self) -> str:
        parts = []
        if self.softmax:
            parts.append("softmax")
        if self.hs:
            parts.append("hs")
        if self.negative:
            parts.append(f"ns{self.negative}")
        return "+".join(parts)

    # -- checks ----------------------------------------------------------------------------
    def validate(self) -> None:
        def need(cond: bool, msg: str) -> None:
            if not cond:
                raise ConfigError(msg)

        def is_int(v) -> bool:
            return isinstance(v, int) and not isinstance(v, bool)

        for name in ("vector_size", "window", "min_count", "negative", "epochs", "seed", "batch_words"):
            v = getattr(self, name)
            need(is_int(v), f"{name} must be an integer, got {v!r}")
        need(self.vector_size >= 1, f"vector_size (--dim) must be at least 1, got {self.vector_size}")
        need(self.vector_size <= 100_000, f"vector_size (--dim) is implausibly large: {self.vector_size}")
        need(self.window >= 1, f"window must be at least 1, got {self.window}")
        need(self.min_count >= 0, f"min_count must be 0 or more, got {self.min_count}")
        need(self.negative >= 0, f"negative must be 0 or more, got {self.negative}")
        need(self.epochs >= 1, f"epochs must be at least 1, got {self.epochs}")
        need(self.batch_words >= 1, f"batch_words must be at least 1, got {self.batch_words}")
        need(self.seed >= 0, f"seed must be 0 or more, got {self.seed}")
        if self.max_vocab_size is not None:
            need(is_int(self.max_vocab_size) and self.max_vocab_size >= 1,
                 f"max_vocab_size must be a positive integer or None, got {self.max_vocab_size!r}")
        if self.max_final_vocab is not None:
            need(is_int(self.max_final_vocab) and self.max_final_vocab >= 1,
                 f"max_final_vocab must be a positive integer or None, got {self.max_final_vocab!r}")
        for name in ("sg", "hs", "cbow_mean", "softmax", "shrink_windows", "shuffle", "sorted_vocab", "null_word"):
            v = getattr(self, name)
            need(v in (0, 1, True, False), f"{name} must be 0 or 1, got {v!r}")
            setattr(self, name, int(v))
        need(self.sample_formula in SAMPLE_FORMULAS,
             f"sample_formula must be one of {', '.join(SAMPLE_FORMULAS)}, got {self.sample_formula!r}")
        need(isinstance(self.sample, (int, float)) and 0 <= self.sample < 1,
             f"sample must be in [0, 1), got {self.sample!r}")
        need(isinstance(self.ns_exponent, (int, float)) and -10 <= self.ns_exponent <= 10,
             f"ns_exponent must be a number in [-10, 10], got {self.ns_exponent!r}")
        if self.alpha is not None:
            need(isinstance(self.alpha, (int, float)) and 0 < self.alpha <= 10,
                 f"alpha must be in (0, 10], got {self.alpha!r}")
        need(isinstance(self.min_alpha, (int, float)) and 0 <= self.min_alpha <= self.start_alpha,
             f"min_alpha must be in [0, alpha={self.start_alpha}], got {self.min_alpha!r}")
        if self.workers is not None:
            need(is_int(self.workers) and 1 <= self.workers <= 1024,
                 f"workers (--threads) must be between 1 and 1024, got {self.workers!r}")
        need(self.negative > 0 or self.hs or self.softmax,
             "no loss selected: set negative > 0, hs=1 or softmax=1")
        need(not (self.softmax and (self.hs or self.negative)),
             "the full softmax is exact and trains alone: use softmax=1 with hs=0 and negative=0")

    # -- (de)serialisation -----------------------------------------------------------------
    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict, where: str = "config") -> "Config":
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: expected a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"{where}: unknown parameter(s) {', '.join(unknown)}")
        try:
            return cls(**{k: data[k] for k in known if k in data})
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        except TypeError as exc:
            raise ConfigError(f"{where}: {exc}") from None
