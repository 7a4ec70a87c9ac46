"""w2v: fast word2vec in Python.

    >>> import w2v
    >>> model = w2v.Word2Vec(w2v.datasets.sample_path(), vector_size=50, epochs=1)  # doctest: +SKIP
    >>> model.wv.most_similar("king")                                               # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import W2VError, ConfigError, InputError  # noqa: F401


def __getattr__(name):
    # Lazy imports keep `import w2v` (and the CLI's start-up) fast: numba loads only when needed.
    if name in ("Word2Vec", "load"):
        from . import model
        return getattr(model, name)
    if name == "KeyedVectors":
        from .vectors import KeyedVectors
        return KeyedVectors
    if name == "Phrases":
        from .phrases import Phrases
        return Phrases
    if name == "datasets":
        from . import datasets
        return datasets
    raise AttributeError(f"module 'w2v' has no attribute {name!r}")
