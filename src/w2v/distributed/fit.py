"""A distributed training run on a :class:`w2v.Word2Vec`, from corpus paths to a trained model:
shards, counting and the merged vocabulary, the workers' set-up, then the driver's rounds.

The model ends as a local run leaves it (vocabulary, weights, history, ``schedule`` when
interrupted), so saving, reports and the summary work unchanged.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import ConfigError, InputError
from ..huffman import Huffman
from ..vocab import Vocab
from . import checkpoint as ckpt
from . import shards, sync
from .checkpoint import ClusterState
from .driver import Driver, RoundPlan, Traffic, WorkerLost

DEFAULT_SYNC_WORDS = 1_000_000
"""Stream words a worker trains between syncs (see docs/distributed.md for the measurements)."""

DEFAULT_RULE = sync.SyncRule(touches=1.0, max_period=8)

CLUSTERS = "ray (a local Ray, or the cluster RAY_ADDRESS names), auto, ray://HOST:PORT, or simulate"


def connect(cluster: str, nodes: int | None = None, parallel: int | None = None):
    """The backend for ``--cluster``: Ray (imported only here) or the in-process simulator."""
    c = str(cluster)
    if nodes is not None and (not isinstance(nodes, int) or nodes < 1):
        raise ConfigError(f"nodes must be a positive integer, got {nodes!r}")
    if c == "simulate":
        from .simulate import SimBackend

        return SimBackend(nodes or 1, parallel=parallel)
    if c in ("ray", "auto") or c.startswith("ray://"):
        from .ray_backend import RayBackend

        return RayBackend.connect(c, nodes)
    raise ConfigError(f"unknown cluster {c!r}: use {CLUSTERS}")


@dataclass
class FitResult:
    traffic: Traffic
    plan: RoundPlan
    state: ClusterState
    resume_at: tuple[int, int] | None  # (epoch, round) when stopped early


def corpus_paths(corpus) -> list[str]:
    if isinstance(corpus, (str, os.PathLike)):
        return [str(corpus)]
    if isinstance(corpus, (list, tuple)) and corpus and all(isinstance(p, (str, os.PathLike)) for p in corpus):
        return [str(p) for p in corpus]
    raise ConfigError("training on a cluster reads files: pass paths (files, folders, globs or URLs) that every "
                      "node can read, not in-memory sentences")


def fit(model, corpus, backend, *, sync_words: int | None = None, rule: sync.SyncRule | None = None,
        epochs: int | None = None, progress=None, on_epoch: Callable | None = None,
        checkpoint_path=None, checkpoint_every: float | None = None, resume: ClusterState | None = None,
        stop: threading.Event | None = None, on_round: Callable | None = None,
        on_ready: Callable | None = None, files: list | None = None) -> FitResult:
    """Count ``corpus`` on ``backend``'s workers and build the model's vocabulary (or, when the
    model has one, from ``resume`` or a vocabulary file, read the corpus with it) and train.
    ``on_ready(model)`` is called once counted, before training. A lost worker writes a
    checkpoint at ``checkpoint_path`` (if given) and raises :class:`WorkerLost`."""
    cfg = model.config
    S = int(sync_words or (resume.sync_words if resume else DEFAULT_SYNC_WORDS))
    if S < 1:
        raise ConfigError(f"sync_words must be at least 1, got {S}")
    rule = rule or (resume.rule if resume else DEFAULT_RULE)
    paths = corpus_paths(corpus)
    files = shards.file_table(paths) if files is None else files
    if resume is not None:
        resume.layout.check_corpus(files)
        if len(resume.layout.shards) != backend.n:
            raise ConfigError(f"the checkpoint was made with {len(resume.layout.shards)} nodes, this run has "
                              f"{backend.n}: resume with --nodes {len(resume.layout.shards)}")
        layout = resume.layout
    else:
        layout = shards.plan(paths, backend.n, files)
    threads = cfg.workers or backend.default_threads()
    stop = stop or threading.Event()
    with model.running_elsewhere(stop):  # model.stop() (Ctrl-C) reaches the driver
        try:
            return _fit(model, backend, layout, threads, S, rule, resume, epochs, progress, on_epoch, checkpoint_path,
                        checkpoint_every, stop, on_round, on_ready)
        finally:
            backend.close()


def _fit(model, backend, layout, threads, S, rule, resume, epochs, progress, on_epoch, checkpoint_path,
         checkpoint_every, stop, on_round, on_ready) -> FitResult:
    cfg = model.config
    # a round ends at a job boundary: jobs no longer than a round, so S means what it says
    backend.start(layout, {**cfg.to_dict(), "workers": threads, "batch_words": min(cfg.batch_words, S)})
    fixed = model.vocab is not None
    if not fixed:
        _count(model, backend, progress)
    else:
        backend.call("count", [(backend.share(list(model.vocab.words)),)] * backend.n)
    base, infos, touches = _prepare(model, backend, S, rule)
    if fixed and resume is None:
        model.corpus_words = sum(i["tokens"] for i in infos)
    plan = RoundPlan.make([i["stream_len"] for i in infos], [i["jobs"] for i in infos], S)
    if resume is not None and plan.rounds != resume.rounds:
        raise InputError(f"the corpus gives {plan.rounds} rounds an epoch, the checkpoint {resume.rounds}: "
                         "pass the same corpus and options")
    state = ClusterState(backend.n, S, rule, plan.rounds, layout)
    if on_ready is not None:
        on_ready(model)
    return _train(model, backend, base, touches, plan, state, infos, epochs, progress, on_epoch, checkpoint_path,
                  checkpoint_every, stop, on_round)


def _count(model, backend, progress) -> None:
    cfg = model.config
    merged = backend.count(cfg.max_vocab_size)
    if progress is not None and hasattr(progress, "scan"):
        progress.scan(sum(s.nbytes for s in backend.layout.shards), merged.n_tokens)
    if merged.n_tokens == 0:
        raise InputError(f"{backend.layout.files[0][0]}: the corpus is empty (no tokens)")
    words = [str(w) for w in merged.words]
    vocab, _ = Vocab.from_counts(words, merged.counts, cfg.min_count)
    if len(vocab) == 0:
        raise InputError(f"no word occurs at least min_count={cfg.min_count} times ({len(words)} distinct "
                         f"words, {merged.n_tokens} tokens); lower min_count")
    model.set_vocab(vocab)
    model.corpus_words = int(merged.n_tokens)


def _prepare(model, backend, S: int, rule: sync.SyncRule) -> tuple[dict, list[dict], dict]:
    """Hand every worker the vocabulary, tables, initial weights and row periods."""
    cfg, vocab = model.config, model.vocab
    keep = vocab.keep_probs(cfg.sample, cfg.sample_formula)
    prob, alias = vocab.noise_alias(cfg.ns_exponent) if cfg.negative else (np.ones(1, np.float32),
                                                                           np.zeros(1, np.int32))
    hf = model.huffman if cfg.hs else Huffman.empty()
    tables = {"keep": keep, "ns_prob": prob, "ns_alias": alias, "hs_points": hf.points,
              "hs_codes": hf.codes, "hs_lengths": hf.lengths}
    w = model.weights
    base = {"syn0": w.syn0}
    if cfg.negative:
        base["out_ns"] = w.out_ns
    if cfg.hs:
        base["out_hs"] = w.out_hs
    if cfg.softmax:
        base["out_sm"] = w.out_sm
    noise = vocab.noise_weights(cfg.ns_exponent) if cfg.negative else None
    rates = sync.touch_rates(vocab.counts, keep, cfg, hf.points, hf.lengths, noise)
    periods = {k: sync.periods(rates[k], S, rule) for k in base}
    touches = {k: rates[k] * S * periods[k] for k in base}  # expected, per row between its syncs
    args = tuple(backend.share(x) for x in (list(vocab.words), tables, base, periods))
    infos = backend.call("prepare", [args] * backend.n)
    return base, infos, touches


def _train(model, backend, base, touches, plan, state, infos, epochs, progress, on_epoch, checkpoint_path,
           checkpoint_every, stop, on_round) -> FitResult:
    cfg = model.config
    sch = model.schedule if model.schedule else None
    if sch is not None:
        total, first_epoch, first_round = int(sch["total"]), int(sch["epoch"]), int(sch["job"])
    else:
        total, first_epoch, first_round = int(epochs or cfg.epochs), 0, 0
    backend.call("begin", [(first_epoch, plan.start(w, first_epoch, first_round)[1], total)
                           for w in range(backend.n)])
    driver = Driver(backend, base, plan, total, [i["stream_len"] for i in infos], cfg.start_alpha, cfg.min_alpha,
                    state.rule.max_period, state.rule.power, touches,
                    state.rule.saturate, state.rule.momentum)
    offset = model.epochs_done - first_epoch
    hook_epoch = getattr(progress, "epoch", None)
    hook_train = getattr(progress, "train", None)

    def epoch_done(st) -> None:
        st.epoch += offset
        model.history.append(st)
        model.epochs_done = st.epoch
        for f in (on_epoch, hook_epoch):
            if f is not None:
                f(st)

    def save_at(position) -> None:
        model.schedule = {"total": total, "epoch": position[0], "job": position[1]}
        ckpt.save(model, checkpoint_path, state)

    model.schedule = {"total": total, "epoch": first_epoch, "job": first_round}
    try:
        at = driver.run(first_epoch, first_round, stop=stop, on_progress=hook_train, on_epoch=epoch_done,
                        on_checkpoint=save_at if checkpoint_path and checkpoint_every else None,
                        checkpoint_every=checkpoint_every, on_round=on_round)
    except WorkerLost as exc:
        e, r = driver.synced
        where = f"epoch {e + 1}/{total}, round {r + 1}/{plan.rounds}"
        if checkpoint_path is not None:
            save_at(driver.synced)
            raise WorkerLost(f"{exc}; stopped at {where}; checkpoint of the last completed sync written to "
                             f"{checkpoint_path}") from None
        raise WorkerLost(f"{exc}; stopped at {where}") from None
    model.schedule = None if at is None else {"total": total, "epoch": at[0], "job": at[1]}
    return FitResult(driver.traffic, plan, state, at)
