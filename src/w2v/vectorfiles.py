"""Reading and writing :class:`w2v.KeyedVectors`: w2v's ``load``/``save`` (the format told by the
content on read, by the name on write, see :func:`w2v.formats.format_for_path`) and gensim's
``load_word2vec_format``/``save_word2vec_format`` with their arguments."""

from __future__ import annotations

import os

import numpy as np

from .errors import ConfigError


def _check_encoding(encoding: str) -> None:
    if encoding.lower().replace("-", "").replace("_", "") != "utf8":
        raise ConfigError(f"encoding={encoding!r}: w2v reads and writes UTF-8 words only; convert the file "
                          "first (for example with iconv)")


class VectorFiles:
    """The file methods of :class:`w2v.KeyedVectors` (a mixin: it uses ``index_to_key``,
    ``vectors`` and ``counts``)."""

    @classmethod
    def load(cls, path: str | os.PathLike, limit: int | None = None, unicode_errors: str = "strict",
             mmap: bool | str = True, binary: bool | None = None, no_header: bool | None = None):
        """Read word2vec binary or text (told apart by content; ``.gz``/``.bz2``/``.xz`` too),
        fastText ``.vec``, GloVe text (no header), or a native folder or archive (a folder is
        memory-mapped unless ``mmap=False``; gensim's ``mmap='r'`` is the same as True).

        ``limit`` keeps the first ``limit`` vectors; ``unicode_errors`` ("strict", "replace",
        "ignore") says what to do with words that are not UTF-8.
        """
        from . import formats

        if os.path.isdir(path) or formats.is_archive(path):
            words, counts, vectors = formats.read_native_vectors(path, mmap=mmap, limit=limit)
            return cls(words, vectors, counts if counts.any() else None)
        words, vectors = formats.load_word2vec(path, limit=limit, unicode_errors=unicode_errors, binary=binary,
                                               no_header=no_header)
        return cls(words, vectors)

    @classmethod
    def load_word2vec_format(cls, fname: str | os.PathLike, fvocab: str | os.PathLike | None = None,
                             binary: bool | None = None, encoding: str = "utf8", unicode_errors: str = "strict",
                             limit: int | None = None, datatype=np.float32, no_header: bool | None = None):
        """gensim's reader of word2vec files (and GloVe's with ``no_header=True``; w2v also
        recognises them by content). ``binary`` None tells text from binary by content.
        ``fvocab``: a ``word count`` file (word2vec C's ``-save-vocab``) giving the counts.
        ``datatype`` converts the vectors (``np.float16`` to save memory, say)."""
        _check_encoding(encoding)
        kv = cls.load(fname, limit=limit, unicode_errors=unicode_errors, binary=binary, no_header=no_header)
        if fvocab is not None:
            from .vocab import Vocab

            words, counts = Vocab.read_counts(fvocab)
            found = dict(zip(words, counts.tolist()))
            kv.counts = np.fromiter((found.get(w, 0) for w in kv.index_to_key), dtype=np.int64, count=len(kv))
        if np.dtype(datatype) != kv.vectors.dtype:
            kv.vectors = kv.vectors.astype(datatype)
        return kv

    def intersect_word2vec_format(self, fname: str | os.PathLike, lockf: float = 0.0, binary: bool | None = None,
                                  encoding: str = "utf8", unicode_errors: str = "strict") -> int:
        """gensim's merge: the words of this vocabulary found in the file take the file's vectors
        (no word is added). Returns how many were replaced. ``lockf`` is accepted and has no
        effect: w2v does not freeze vectors during training."""
        from . import formats

        _check_encoding(encoding)
        words, vectors = formats.load_word2vec(fname, unicode_errors=unicode_errors, binary=binary)
        if vectors.shape[1] != self.vector_size:
            raise ConfigError(f"{fname}: vectors of dimension {vectors.shape[1]}, these have {self.vector_size}")
        pairs = [(self.key_to_index[w], i) for i, w in enumerate(words) if w in self.key_to_index]
        if pairs:
            self._writable()
            ours, theirs = (list(x) for x in zip(*pairs))
            self.vectors[ours] = vectors[theirs]
            self.fill_norms(force=True)
        return len(pairs)

    def save(self, path: str | os.PathLike, binary: bool | None = None, format: str | None = None) -> None:
        """Write, atomically, in the format the path names (see
        :func:`w2v.formats.format_for_path`): ``.bin`` word2vec binary; ``.txt``, ``.vec``,
        ``.w2v`` word2vec text (each may end in ``.gz``/``.bz2``/``.xz``); ``.tsv`` the Embedding
        Projector pair; anything else a native folder (an archive if ``path`` is an existing
        file). ``binary`` True/False forces a word2vec format; ``format`` names any of
        ``"native"``, ``"text"``, ``"binary"``, ``"glove"``, ``"projector"``."""
        from . import formats

        if binary is not None:
            if format is not None:
                raise ConfigError("give binary= or format=, not both")
            format = formats.BINARY if binary else formats.TEXT
        formats.save_vectors(path, self.index_to_key, self.vectors, self.counts, format=format)

    def save_word2vec_format(self, fname: str | os.PathLike, fvocab: str | os.PathLike | None = None,
                             binary: bool = False, total_vec: int | None = None, write_header: bool = True,
                             prefix: str = "", append: bool = False, sort_attr: str = "count") -> None:
        """gensim's writer of word2vec files: text (or ``binary``), without the header line if
        ``write_header`` is False (GloVe's format), each word after ``prefix``; ``fvocab`` also
        writes ``word count`` lines. Rows go in descending ``sort_attr`` (the counts, if known;
        else row order)."""
        from . import formats

        if append:
            raise ConfigError("save_word2vec_format(append=True): w2v writes whole files atomically and does not "
                              "append; write the vectors together (KeyedVectors.add_vectors), then save once")
        if total_vec is not None and total_vec != len(self.index_to_key):
            raise ConfigError(f"total_vec={total_vec} differs from the {len(self.index_to_key)} vectors written; "
                              "a header that does not match its rows makes an unreadable file")
        keys = self.index_to_key
        order = None
        if sort_attr in self.expandos:
            order = np.argsort(-self.expandos[sort_attr], kind="stable")
        elif fvocab is not None:
            raise ConfigError(f"fvocab needs the attribute {sort_attr!r}, and these vectors have none")
        words = [prefix + str(keys[i]) for i in (order.tolist() if order is not None else range(len(keys)))]
        vectors = self.vectors if order is None else np.asarray(self.vectors)[order]
        formats.save_word2vec(fname, words, vectors, binary=bool(binary), header=write_header)
        if fvocab is not None:
            from .vocab import Vocab

            counts = self.expandos[sort_attr] if order is None else self.expandos[sort_attr][order]
            Vocab(words, counts).save(fvocab)
