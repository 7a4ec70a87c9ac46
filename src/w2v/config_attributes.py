"""gensim's model attributes as views of the Config, and the check that names a parameter
gensim users may mistype (``size=``, ``iter=``, a typo).

Every Config field is a property of :class:`w2v.Word2Vec` (``model.window``, ``model.epochs``...);
those a gensim user may change between calls are settable, each change validated by Config."""

from __future__ import annotations

import dataclasses
import difflib

from .config import Config
from .errors import ConfigError

CONFIG_FIELDS = frozenset(f.name for f in dataclasses.fields(Config))
_RENAMED = {"size": "vector_size", "iter": "epochs"}  # gensim 3 names
# Config fields a gensim user may set on the model between calls (the others shape the weights).
_SETTABLE = ("alpha", "min_alpha", "epochs", "workers", "window", "sample", "min_count", "max_final_vocab",
             "batch_words", "seed", "ns_exponent", "cbow_mean", "max_vocab_size", "sorted_vocab", "shuffle")


def _config_property(name: str) -> property:
    def get(self):
        cfg = self.config
        if name == "alpha":
            return cfg.start_alpha
        if name == "workers":
            return cfg.threads
        return getattr(cfg, name)

    def set_(self, value):
        change = {name: value}
        if name == "alpha" and isinstance(value, (int, float)) and self.config.min_alpha > value:
            change["min_alpha"] = value  # gensim's manual decay (alpha -= step; min_alpha = alpha) stays valid
        self.config = dataclasses.replace(self.config, **change)  # validated: a bad value changes nothing

    doc = f"``config.{name}`` (gensim's attribute)."
    return property(get, set_ if name in _SETTABLE else None, doc=doc)


def install(cls) -> None:
    """Give ``cls`` (Word2Vec) one property per Config field."""
    for name in sorted(CONFIG_FIELDS):
        setattr(cls, name, _config_property(name))


def check_params(params: dict) -> None:
    """A parameter that is not a Config field is an error naming it and what to use instead."""
    for name in params:
        if name in CONFIG_FIELDS:
            continue
        if name in _RENAMED:
            raise ConfigError(f"Word2Vec: {name!r} is gensim 3's name; use {_RENAMED[name]}=")
        close = difflib.get_close_matches(name, sorted(CONFIG_FIELDS) + ["compute_loss", "callbacks",
                                                                         "trim_rule", "hashfxn", "comment"], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigError(f"Word2Vec got an unknown parameter {name!r}{hint} (see help(w2v.Word2Vec))")
