"""Word2Vec: the Python API (build the vocabulary, train, save, load), thin on top of the
vocabulary, the id stream, the trainer and the kernels.

    >>> from w2v import Word2Vec
    >>> model = Word2Vec("corpus.txt.gz", vector_size=100, sg=1, workers=4)   # doctest: +SKIP
    >>> model.wv.most_similar("king", topn=5)                                  # doctest: +SKIP
    >>> model.save("model")        # native folder; "vectors.bin" / "vectors.txt" for word2vec files

gensim's spellings work beside w2v's own: every ``gensim.models.Word2Vec`` parameter, its
attributes (``corpus_count``, ``epochs``...), ``build_vocab(corpus_iterable=...)``,
``train(corpus_iterable, total_examples=..., epochs=...)``, callbacks and
``get_latest_training_loss()``. What cannot be saved (callbacks, ``trim_rule``) is given to the
call that uses it, never stored in the :class:`Config`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
import time
import types
import warnings
import weakref
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from . import config_attributes
from . import weights as weights_
from .callbacks import Callbacks
from .config import Config
from .corpus import as_source
from .errors import ConfigError, InputError
from .huffman import Huffman
from .modelfile import load_model, save_model
from .stream import Scan, iter_stream_blocks, job_bounds, open_ids, scan
from .trainer import EpochStats, Trainer, Weights
from .vocab import Vocab

PIECE = 1 << 24  # id-stream entries handed to the trainer at once (it cuts them into jobs)


class _Corpus:
    """A scanned corpus: its id stream (or the source, when pruning dropped the stream)."""

    def __init__(self, source, result: Scan, remap: np.ndarray | None = None, given=None):
        self.source = source
        self.given = given  # what the user passed, to recognise it when passed again
        self.scan = result
        # the id file's length; re-read pieces have the same layout (tokens plus one separator a sentence)
        self.stream_len = result.n_stream or result.n_tokens + result.n_sentences
        # rows directly (a fixed vocabulary, or re-read pieces after pruning) unless given a remap
        self.remap = remap if remap is not None else np.arange(len(result.index), dtype=np.int32)
        self.ids = open_ids(result.ids_path) if result.ids_path else None
        if result.ids_path:
            self._finalizer = weakref.finalize(self, _unlink, result.ids_path)
        self.bounds = job_bounds(self.ids, PIECE) if self.ids is not None else None

    def pieces(self, index: dict) -> Callable[[int], Iterable[np.ndarray]]:
        if self.ids is not None:
            ids, bounds = self.ids, self.bounds
            return lambda epoch: (ids[lo:hi] for lo, hi in bounds)
        if not self.source.restartable:
            raise InputError("the corpus can be read only once (a generator or stdin) but the vocabulary "
                             "was pruned; pass a list or a file, or raise max_vocab_size")
        return lambda epoch: iter_stream_blocks(self.source, index)

    def is_(self, corpus) -> bool:
        """Is ``corpus`` what this one was read from (the same object, or the same paths)?"""
        g = self.given
        if corpus is g:
            return True
        paths = (str, os.PathLike)
        if isinstance(corpus, paths) and isinstance(g, paths):
            return os.fspath(corpus) == os.fspath(g)
        return False

    def close(self) -> None:
        if self.scan.ids_path:
            self._finalizer()


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class Word2Vec:
    """Skip-gram or CBOW word vectors with negative sampling, hierarchical softmax or softmax.

    Parameters use gensim's names: ``vector_size``, ``window``, ``min_count`` (0 keeps every
    word), ``max_vocab_size``, ``max_final_vocab``, ``sample``, ``sg``, ``hs``, ``negative``,
    ``ns_exponent``, ``cbow_mean``, ``alpha``, ``min_alpha``, ``epochs``, ``workers``, ``seed``,
    ``batch_words``, ``sorted_vocab``, ``null_word``, ``shrink_windows``; plus ``softmax`` (exact softmax),
    ``shuffle`` (1: each epoch trains its jobs in a new random order; 0: in corpus order) and
    ``sample_formula`` (``"c"``, word2vec C's and gensim's, or ``"paper"``). gensim's
    ``trim_rule`` and ``callbacks`` apply to the training this call starts; ``compute_loss``,
    ``hashfxn`` and ``comment`` are accepted (the loss is always computed; initial vectors come
    from ``seed``). ``sentences`` (or ``corpus_file``) may be a path, a list of paths, an
    iterable of token lists, or a sequence of integer arrays; given it, the model builds its
    vocabulary and trains at once. ``cluster="ray"`` (or ``"auto"``, ``"ray://host:port"``)
    trains the files at those paths on ``nodes`` Ray workers that sync every ``sync_words``
    words (see docs/distributed.md).
    """

    def __init__(self, sentences=None, corpus_file=None, *, progress=None, compute_loss: bool = False,
                 callbacks: Iterable = (), trim_rule: Callable | None = None, hashfxn=hash, comment=None,
                 cluster=None, nodes=None, sync_words=None, **params):
        config_attributes.check_params(params)
        self._init_state(Config(**params))
        self.compute_loss = bool(compute_loss)
        self.hashfxn = hashfxn  # accepted for gensim's sake: initial vectors come from `seed`
        self.comment = comment
        if sentences is not None and corpus_file is not None:
            raise ConfigError("give sentences or corpus_file, not both")
        corpus = corpus_file if corpus_file is not None else sentences
        if corpus is None:
            if cluster is not None:
                raise ConfigError("cluster= needs the corpus: Word2Vec(paths, cluster=..., nodes=...)")
            if callbacks or trim_rule is not None:
                warnings.warn("callbacks and trim_rule apply to the training a corpus starts; without a corpus "
                              "they are ignored: give them to build_vocab() and train()", stacklevel=2)
            return
        if progress is None:  # Python users get standard logging (silent unless configured)
            from .logs import LogProgress

            progress = LogProgress()
        if cluster is not None:
            from .distributed import connect, fit

            fit(self, corpus, connect(cluster, nodes), sync_words=sync_words, progress=progress)
            return
        self.build_vocab(corpus, trim_rule=trim_rule, progress=progress)
        self.train(progress=progress, callbacks=callbacks)

    def _init_state(self, config: Config) -> None:
        self.config = config
        self.vocab: Vocab | None = None
        self.weights: Weights | None = None
        self.huffman: Huffman | None = None
        self.history: list[EpochStats] = []
        self.epochs_done = 0
        self.corpus_words = 0  # tokens in the corpus last counted (gensim's corpus_total_words)
        self.corpus_count = 0  # sentences in it
        self.running_training_loss = 0.0
        self.compute_loss = False
        self.hashfxn = hash
        self.comment = None
        self.schedule: dict | None = None  # where an unfinished run stands: {"total", "epoch", "job"}
        self._corpus: _Corpus | None = None
        self._trainer: Trainer | None = None
        self._active = False
        self._stop_requested = False
        self._wv = None

    @classmethod
    def _empty(cls, config: Config) -> "Word2Vec":
        model = cls.__new__(cls)
        model._init_state(config)
        return model

    # -- gensim's attributes ---------------------------------------------------------------
    @property
    def corpus_total_words(self) -> int:
        """Tokens in the corpus last counted (gensim's name for :attr:`corpus_words`)."""
        return self.corpus_words

    @property
    def syn1neg(self) -> np.ndarray:
        """Negative sampling's output vectors (gensim's name), one row a word."""
        if not self.config.negative or self.weights is None:
            raise AttributeError("syn1neg: the model has no negative-sampling weights (negative=0 or no vocabulary)")
        return self.weights.out_ns

    @property
    def syn1(self) -> np.ndarray:
        """Hierarchical softmax's inner-node vectors (gensim's name)."""
        if not self.config.hs or self.weights is None:
            raise AttributeError("syn1: the model has no hierarchical-softmax weights (hs=0 or no vocabulary)")
        return self.weights.out_hs

    @property
    def layer1_size(self) -> int:
        return self.config.vector_size

    def init_sims(self, replace: bool = False) -> None:
        """Deprecated in gensim: ``model.wv.fill_norms()``."""
        self.wv.init_sims(replace)

    def get_latest_training_loss(self) -> float:
        """The loss summed over every prediction of the latest ``train`` call so far (gensim's
        meaning; w2v sums in float64 and always computes it). Per prediction: :attr:`loss`."""
        return self.running_training_loss

    # -- vocabulary ------------------------------------------------------------------------
    def build_vocab(self, corpus_iterable=None, corpus_file=None, update: bool = False, progress_per: int = 10000,
                    keep_raw_vocab: bool = False, trim_rule: Callable | None = None, *,
                    read_vocab: str | os.PathLike | None = None, progress: Callable | None = None) -> "Word2Vec":
        """Count the corpus in one streaming pass; keep its id stream for training.

        ``update=True`` adds the corpus's new words (seen ``min_count`` times) to a trained model:
        new rows are initialised as at the start, existing rows are kept. ``trim_rule(word,
        count, min_count)`` may keep (:data:`RULE_KEEP`) or drop (:data:`RULE_DISCARD`) a word
        whatever its count, or leave it to ``min_count`` (:data:`RULE_DEFAULT`). gensim's
        ``progress_per`` and ``keep_raw_vocab`` are accepted and have no effect."""
        given = _one_corpus(corpus_iterable, corpus_file)
        if given is None:
            raise ConfigError("build_vocab needs a corpus (corpus_iterable or corpus_file)")
        source = as_source(given)
        weights_.warm_kernel(self.config)
        if read_vocab is not None and not update:
            words, counts = Vocab.read_counts(read_vocab)
            vocab = self._select(words, counts, trim_rule)
            if len(vocab) == 0:
                raise InputError(f"{read_vocab}: no word has count >= min_count={self.config.min_count}")
            corpus = self._scan_fixed(source, vocab.index, progress, given)
            self.set_vocab(vocab)
            self._set_corpus(corpus)
            return self
        result = scan(source, max_vocab_size=self.config.max_vocab_size, progress=_progress_method(progress, "scan"),
                      threads=self.config.threads)
        _check_tokens(result, source)
        words = [str(w) for w in result.words]
        if update:
            if self.vocab is None:
                raise ConfigError("build_vocab(update=True) needs a model with a vocabulary")
            self._grow_vocab(self._select(words, result.counts, trim_rule, null_word=False))
            index = self.vocab.index
            remap = np.fromiter((index.get(w, -1) for w in words), dtype=np.int32, count=len(words))
        else:
            vocab = self._select(words, result.counts, trim_rule)
            if len(vocab) == 0:
                raise InputError(f"{_where(source)}: no word occurs at least min_count={self.config.min_count} "
                                 f"times ({len(words)} distinct words, {result.n_tokens} tokens); lower min_count")
            self.set_vocab(vocab)
            remap = np.fromiter((vocab.index.get(w, -1) for w in words), dtype=np.int32, count=len(words))
        if result.ids_path is None:  # pruned: epochs re-read the source, mapping words to rows directly
            remap = np.arange(len(self.vocab), dtype=np.int32)
        self._set_corpus(_Corpus(source, result, remap, given))
        return self

    def build_vocab_from_freq(self, word_freq: dict, keep_raw_vocab: bool = False, corpus_count: int | None = None,
                              trim_rule: Callable | None = None, update: bool = False) -> "Word2Vec":
        """The vocabulary from a ``{word: count}`` mapping instead of a corpus (gensim's); the
        corpus comes later, with ``train(corpus)``."""
        words = [str(w) for w in word_freq]
        counts = np.fromiter((int(c) for c in word_freq.values()), dtype=np.int64, count=len(words))
        if update:
            if self.vocab is None:
                raise ConfigError("build_vocab_from_freq(update=True) needs a model with a vocabulary")
            self._grow_vocab(self._select(words, counts, trim_rule, null_word=False))
        else:
            vocab = self._select(words, counts, trim_rule)
            if len(vocab) == 0:
                raise ConfigError(f"no word has count >= min_count={self.config.min_count}")
            self.set_vocab(vocab)
            if self._corpus is not None:
                self._corpus.close()
                self._corpus = None
        self.corpus_count = int(corpus_count or 0)
        self.corpus_words = int(counts.sum())
        return self

    def _select(self, words: list[str], counts: np.ndarray, trim_rule: Callable | None,
                null_word: bool | None = None) -> Vocab:
        return weights_.select(self.config, words, counts, trim_rule, null_word)

    def set_vocab(self, vocab: Vocab) -> None:
        """Use ``vocab`` from now on, with fresh weights (as a new model's) and no history."""
        self.vocab = vocab
        self.weights, self.huffman = weights_.initial(self.config, vocab)
        self.epochs_done = 0
        self.history = []
        self.schedule = None
        self._wv = None

    def _grow_vocab(self, new: Vocab) -> None:
        self.vocab, self.weights, self.huffman = weights_.grow(self.config, self.vocab, self.weights, self.huffman, new)
        self._wv = None

    # -- corpus ----------------------------------------------------------------------------
    def use_corpus(self, corpus, progress=None) -> None:
        """Train (or resume) on ``corpus`` next, with the vocabulary as it is: one counting pass
        that keeps the corpus as ids; words outside the vocabulary are skipped."""
        if self.vocab is None:
            raise ConfigError("build the vocabulary first (pass a corpus to Word2Vec or call build_vocab)")
        weights_.warm_kernel(self.config)
        self._set_corpus(self._scan_fixed(as_source(corpus), self.vocab.index, progress, corpus))

    def _scan_fixed(self, source, index: dict, progress, given) -> _Corpus:
        """Read ``source`` into an id stream of rows of a fixed vocabulary (others are dropped)."""
        result = scan(source, fixed_index=dict(index), progress=_progress_method(progress, "scan"),
                      threads=self.config.threads)
        _check_tokens(result, source)
        return _Corpus(source, result, given=given)

    def _set_corpus(self, corpus: _Corpus) -> None:
        if self._corpus is not None and self._corpus is not corpus:
            self._corpus.close()  # its id file goes now, not when garbage-collected
        self._corpus = corpus
        self.corpus_words = int(corpus.scan.n_tokens)
        self.corpus_count = int(corpus.scan.n_sentences)

    def _take(self, corpus, progress) -> None:
        """Use ``corpus`` for the next run, unless it is the one already read."""
        if corpus is not None and not (self._corpus is not None and self._corpus.is_(corpus)):
            self.use_corpus(corpus, progress)
        if self._corpus is None:
            raise ConfigError("no corpus to train on: pass one to train()")

    # -- training --------------------------------------------------------------------------
    def train(self, corpus_iterable=None, corpus_file=None, total_examples: int | None = None,
              total_words: int | None = None, epochs: int | None = None, start_alpha: float | None = None,
              end_alpha: float | None = None, word_count: int = 0, queue_factor: int = 2,
              report_delay: float = 1.0, compute_loss: bool | None = None, callbacks: Iterable = (), *,
              corpus=None, progress=None, on_epoch: Callable[[EpochStats], None] | None = None,
              checkpoint: Callable[["Word2Vec"], None] | None = None,
              checkpoint_every: float | None = None) -> list[EpochStats]:
        """Train ``epochs`` (default: the config's) passes over ``corpus`` (default: the one the
        vocabulary was built from; passing that same one again does not re-read it), the
        learning rate falling from ``alpha`` to ``min_alpha`` (``start_alpha``/``end_alpha``
        for this call only). Returns the per-epoch statistics (also appended to ``history``).

        ``callbacks``: objects with gensim's ``on_train_begin``/``on_epoch_begin``/
        ``on_epoch_end``/``on_train_end`` (see :mod:`w2v.callbacks`); ``on_epoch(stats)`` is
        called after each epoch. ``checkpoint(model)`` is called every ``checkpoint_every``
        seconds at a point where the model can be saved and resumed exactly (see :meth:`resume`).

        gensim's ``total_examples``, ``total_words``, ``word_count``, ``queue_factor`` and
        ``report_delay`` are accepted and have no effect: w2v counts the corpus itself."""
        if self.vocab is None:
            raise ConfigError("build the vocabulary first (pass a corpus to Word2Vec or call build_vocab)")
        if compute_loss is not None:
            self.compute_loss = bool(compute_loss)
        cfg = self.config
        if start_alpha is not None or end_alpha is not None:
            cfg = dataclasses.replace(cfg, alpha=cfg.start_alpha if start_alpha is None else start_alpha,
                                      min_alpha=cfg.min_alpha if end_alpha is None else end_alpha)
        n_epochs = cfg.epochs if epochs is None else int(epochs)
        if n_epochs < 1:
            raise ConfigError(f"epochs must be at least 1, got {n_epochs}")
        given = _one_corpus(corpus_iterable, corpus_file, corpus)
        with self._running():
            self._take(given, progress)
            return self._run(cfg, 0, n_epochs, 0, progress, on_epoch, checkpoint, checkpoint_every,
                             Callbacks(callbacks))

    def resume(self, corpus=None, *, progress=None, on_epoch=None, checkpoint=None,
               checkpoint_every: float | None = None, callbacks: Iterable = ()) -> list[EpochStats]:
        """Continue an interrupted run (a checkpoint) exactly where its schedule stopped: same
        learning rate, same remaining jobs, same random streams. ``corpus`` must be the corpus
        of the original run (or None if it was given with :meth:`use_corpus`). With one worker
        the result is bit-identical to an uninterrupted run."""
        if not self.schedule:
            raise ConfigError(f"nothing to resume: the model finished its schedule ({self.epochs_done} epochs done); "
                              "use train() to train further")
        sch = self.schedule
        with self._running():
            if self._corpus is None and corpus is None:
                raise ConfigError("resume() needs the corpus of the interrupted run")
            self._take(corpus, progress)
            return self._run(self.config, int(sch["epoch"]), int(sch["total"]), int(sch["job"]), progress,
                             on_epoch, checkpoint, checkpoint_every, Callbacks(callbacks))

    @contextlib.contextmanager
    def _running(self):
        """While a train()/resume() call lasts, stop() applies to it; after, it is forgotten."""
        self._active, self._stop_requested = True, False
        try:
            yield
        finally:
            self._active, self._stop_requested = False, False

    @contextlib.contextmanager
    def running_elsewhere(self, stop: threading.Event):
        """For training driven outside this class (distributed training): while the block runs,
        :meth:`stop` sets ``stop``."""
        with self._running():
            self._trainer = types.SimpleNamespace(stop=stop)
            if self._stop_requested:
                stop.set()
            try:
                yield
            finally:
                self._trainer = None
                self._wv = None

    @property
    def interrupted(self) -> bool:
        """True when the last run stopped before the end of its schedule."""
        return bool(self.schedule)

    def _run(self, cfg: Config, first: int, total: int, start_job: int, progress, on_epoch, checkpoint,
             checkpoint_every, calls: Callbacks) -> list[EpochStats]:
        vocab = self.vocab
        if not all(a.flags.writeable for a in (self.weights.syn0, self.weights.out_ns, self.weights.out_hs,
                                               self.weights.out_sm)):
            raise ConfigError("the model's weights are read-only (loaded with mmap=True): load it with "
                              "mmap=False to train it")
        if cfg.softmax and len(vocab) > 20_000:
            warnings.warn(f"the full softmax costs O(V) per prediction; with V={len(vocab)} training will be "
                          "slow (use hs=1 or negative>0 for large vocabularies)", stacklevel=3)
        trainer = Trainer(self.weights, weights_.tables(cfg, vocab, self.huffman, self._corpus.remap), cfg)
        self._trainer = trainer
        if self._stop_requested:
            trainer.stop.set()
        done: list[EpochStats] = []
        base = self.epochs_done - first  # epochs finished before this schedule's epoch 0
        self.schedule = {"total": total, "epoch": first, "job": start_job}
        self.running_training_loss = 0.0
        on_progress_epoch = _progress_method(progress, "epoch")

        def epoch_done(st: EpochStats) -> None:
            st.epoch += base
            self.history.append(st)
            done.append(st)
            self.epochs_done = st.epoch
            self.running_training_loss += st.loss * st.predictions
            if on_epoch is not None:
                on_epoch(st)
            if on_progress_epoch is not None:
                on_progress_epoch(st)

        def at_checkpoint(position: tuple[int, int]) -> None:
            self.schedule = {"total": total, "epoch": position[0], "job": position[1]}
            checkpoint(self)

        run = dict(on_epoch=epoch_done, on_checkpoint=at_checkpoint if checkpoint is not None else None,
                   checkpoint_every=checkpoint_every)
        pieces = self._corpus.pieces(vocab.index)
        stream_len = self._corpus.stream_len
        calls("on_train_begin", self)
        try:
            if not calls:  # one run: the trainer pipelines epoch after epoch
                trainer.run(pieces, stream_len, first, total, total, start_job=start_job,
                            on_progress=_progress_method(progress, "train"), **run)
            else:  # a run an epoch, so that callbacks see the model at rest between epochs
                self._epoch_by_epoch(trainer, calls, pieces, stream_len, first, total, start_job, progress, run)
        finally:
            self._trainer = None
            self._wv = None
        if trainer.resume_at is not None:
            self.schedule = {"total": total, "epoch": trainer.resume_at[0], "job": trainer.resume_at[1]}
        else:
            self.schedule = None
        calls("on_train_end", self)
        return done

    def _epoch_by_epoch(self, trainer: Trainer, calls: Callbacks, pieces, stream_len: int, first: int, total: int,
                        start_job: int, progress, run: dict) -> None:
        on_prog = _progress_method(progress, "train")
        t0 = time.perf_counter()
        for e in range(first, total):
            if trainer.stop.is_set():  # model.stop() in a callback: the next epoch never starts
                trainer.resume_at = (e, 0)
                return
            calls("on_epoch_begin", self)
            shifted = None
            if on_prog is not None:
                before, whole = (e - first) * stream_len, (total - first) * stream_len

                def shifted(d, before=before, whole=whole):
                    on_prog({**d, "done": before + d["done"], "total": whole, "elapsed": time.perf_counter() - t0})

            trainer.run(pieces, stream_len, e, e + 1, total, start_job=start_job if e == first else 0,
                        on_progress=shifted, **run)
            if trainer.resume_at is not None:
                return
            self.schedule = {"total": total, "epoch": e + 1, "job": 0} if e + 1 < total else None
            self._wv = None  # the vectors moved: norms are computed afresh
            calls("on_epoch_end", self)

    def stop(self) -> None:
        """Ask a running ``train``/``resume`` to stop at the next job boundary (thread-safe;
        safe to call from a signal handler or a callback). ``interrupted`` then says the
        schedule was left unfinished. Called while nothing trains, it does nothing."""
        if not self._active:
            return
        self._stop_requested = True
        trainer = self._trainer
        if trainer is not None:
            trainer.stop.set()

    # -- results ---------------------------------------------------------------------------
    @property
    def wv(self):
        """The input vectors as :class:`w2v.KeyedVectors` (sharing memory with the model)."""
        if self._wv is None:
            if self.vocab is None:
                raise ConfigError("the model has no vocabulary yet")
            from .vectors import KeyedVectors

            self._wv = KeyedVectors(list(self.vocab.words), self.weights.syn0, counts=self.vocab.counts)
        return self._wv

    def predict_output_word(self, context_words, topn: int = 10, loss: str | None = None
                            ) -> list[tuple[str, float]] | None:
        """Most probable centre words given context words (see :mod:`w2v.predict`), under
        ``loss`` ("hs", "softmax", "ns"; default the model's); None, as in gensim, when no
        context word is in the vocabulary."""
        from .predict import predict_output_word

        return predict_output_word(self, context_words, topn, loss)

    def log_prob(self, word: str, context_words, loss: str | None = None) -> float:
        """log p(word | context) under ``loss`` (default the model's); a real probability for hs
        and softmax."""
        from .predict import log_prob

        return log_prob(self, word, context_words, loss)

    @property
    def loss(self) -> float:
        """Mean loss per prediction of the last epoch."""
        return self.history[-1].loss if self.history else float("nan")

    # -- persistence -----------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        """``.bin`` / ``.txt`` / ``.vec`` (and ``.gz``...), ``.tsv``: the vectors alone, in the
        format :func:`w2v.formats.format_for_path` names; anything else: the native model folder
        (everything needed to load, query and continue training), or, if ``path`` is an existing
        file, the same as a one-file archive."""
        from . import formats

        if self.vocab is None:
            raise ConfigError("nothing to save: the model has no vocabulary yet")
        fmt = formats.format_for_path(path)
        if fmt != formats.NATIVE:
            formats.save_vectors(path, self.vocab.words, self.weights.syn0, format=fmt)
            return
        save_model(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike, mmap: bool = False) -> "Word2Vec":
        """Load a native model folder or archive (no pickle: JSON and .npy only)."""
        return load_model(cls, Path(path), mmap=bool(mmap))

    def __repr__(self) -> str:
        c = self.config
        v = len(self.vocab) if self.vocab is not None else 0
        return (f"Word2Vec(vocab={v}, vector_size={c.vector_size}, {'sg' if c.sg else 'cbow'}, "
                f"loss={c.loss_name}, window={c.window}, epochs_done={self.epochs_done})")


config_attributes.install(Word2Vec)


def load(path: str | os.PathLike, mmap: bool = False) -> Word2Vec:
    """Load a native model folder saved by :meth:`Word2Vec.save`."""
    return Word2Vec.load(path, mmap=mmap)


def _one_corpus(corpus_iterable, corpus_file, corpus=None):
    given = [c for c in (corpus_iterable, corpus_file, corpus) if c is not None]
    if len(given) > 1:
        raise ConfigError("give one corpus: corpus_iterable (sentences), corpus_file or corpus")
    return given[0] if given else None


def _progress_method(progress, name: str):
    """The progress object's ``name`` method, or None (a progress object has any subset of the
    methods of :class:`w2v.progress.TrainingProgress`)."""
    return getattr(progress, name, None) if progress is not None else None


def _check_tokens(result: Scan, source) -> None:
    if result.n_tokens == 0:
        raise InputError(f"{_where(source)}: the corpus is empty (no tokens)")


def _where(source) -> str:
    paths = getattr(source, "paths", None)
    if paths:
        return paths[0] if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1} more)"
    return "corpus"
