"""w2v: fast word2vec in Python.

    >>> import w2v
    >>> model = w2v.Word2Vec(w2v.datasets.sample_path(), vector_size=50, epochs=1)  # doctest: +SKIP
    >>> model.wv.most_similar("king")                                               # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import W2VError, ConfigError, InputError  # noqa: F401

# What a trim_rule(word, count, min_count) returns (the values of gensim.utils' constants).
RULE_DEFAULT, RULE_DISCARD, RULE_KEEP = 0, 1, 2

_LAZY = {"Word2Vec": "model", "load": "model", "KeyedVectors": "vectors", "Phrases": "phrases",
         "CallbackAny2Vec": "callbacks"}
_MODULES = ("datasets", "evaluate", "formats", "model", "vectors", "phrases", "callbacks")


def __getattr__(name):
    # Lazy imports keep `import w2v` (and the CLI's start-up) fast: numba loads only when needed.
    import importlib

    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'w2v' has no attribute {name!r}")
