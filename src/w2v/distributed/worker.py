"""One worker: counts its shard, keeps the shard's id stream on its own node, and trains it in
rounds through a local :class:`w2v.trainer.Session`, reporting the rows it changed.

The same object runs in-process (the simulator) or inside a Ray actor (:mod:`.ray_backend`); the
driver calls, in order: :meth:`count`, :meth:`prepare`, :meth:`begin`, then :meth:`step` once
a round, and :meth:`close`.
"""

from __future__ import annotations

import os
import socket
import threading

import numpy as np

from ..config import Config
from ..model import PIECE
from ..stream import job_bounds, open_ids, scan
from ..trainer import Kernel, KernelParams, Ledger, Schedule, Session, Tables, Weights
from . import sync
from .counts import Counts
from .shards import Shard, ShardSource


class Worker:
    def __init__(self, rank: int, shard: Shard, sizes: dict[str, int], config: dict,
                 tmp_dir: str | None = None, share_base: bool = False):
        self.rank = rank
        self.shard = shard
        self.sizes = sizes
        self.cfg = Config.from_dict(config)
        self.tmp_dir = tmp_dir
        self.share_base = share_base  # in process: the driver's base is read directly
        self.scan = None
        self.ids = None
        self.remap = None
        self.weights: dict[str, np.ndarray] = {}
        self.base: dict[str, np.ndarray] = {}
        self.session: Session | None = None
        self.stop = threading.Event()

    def node(self) -> str:
        return socket.gethostname()

    # -- counting --------------------------------------------------------------------------
    def count(self, fixed_words: list | None = None) -> Counts:
        """Count the shard (provisional ids in order of first appearance), or with
        ``fixed_words`` (a resumed run's vocabulary) write the rows of those words directly."""
        self._drop_ids()
        source = ShardSource(self.shard, self.sizes)
        if fixed_words is None:
            result = scan(source, max_vocab_size=self.cfg.max_vocab_size, tmp_dir=self.tmp_dir)
        else:
            result = scan(source, fixed_index={w: i for i, w in enumerate(fixed_words)}, tmp_dir=self.tmp_dir)
            self.remap = np.arange(len(fixed_words), dtype=np.int32)
        self.scan = result
        self.ids = open_ids(result.ids_path) if result.ids_path else None
        return Counts.of_scan(result)

    def _drop_ids(self) -> None:
        if self.scan is not None and self.scan.ids_path:
            self.ids = None
            try:
                os.unlink(self.scan.ids_path)
            except OSError:
                pass
        self.scan = None

    # -- set-up ----------------------------------------------------------------------------
    def prepare(self, words: list, tables: dict, weights: dict, periods: dict) -> dict:
        """Take the vocabulary, the kernel's tables, the initial weights and each row's sync
        period. Returns the shard's stream length and jobs per epoch."""
        if self.remap is None:
            if self.ids is None:  # counting pruned the table: read the shard again with the vocabulary
                self.count(fixed_words=words)
            else:
                index = {w: i for i, w in enumerate(words)}
                self.remap = np.fromiter((index.get(w, -1) for w in self.scan.words), dtype=np.int32,
                                         count=len(self.scan.words))
        self.tables = Tables(self.remap, *(tables[k] for k in ("keep", "ns_prob", "ns_alias", "hs_points",
                                                             "hs_codes", "hs_lengths")))
        self.weights = {k: np.array(v, dtype=np.float32, order="C") for k, v in weights.items()}
        self.base = weights if self.share_base else {k: v.copy() for k, v in self.weights.items() if k in periods}
        self.dues = {k: sync.DueRows(np.asarray(p)) for k, p in periods.items()}
        ids = self.ids if self.ids is not None else np.zeros(0, np.int32)
        self.bounds = job_bounds(ids, PIECE)
        jobs = sum(len(job_bounds(ids[lo:hi], self.cfg.batch_words)) for lo, hi in self.bounds)
        return {"stream_len": len(ids), "jobs": jobs, "tokens": int(self.scan.n_tokens)}

    def begin(self, first_epoch: int, start_job: int, total_epochs: int) -> None:
        """Start the threads on the schedule of epochs ``first_epoch ..`` from ``start_job``."""
        ids, bounds = self.ids, self.bounds
        schedule = Schedule.for_config(self.cfg, lambda epoch: (ids[lo:hi] for lo, hi in bounds), len(ids),
                                       total_epochs, rank=self.rank)
        w = self.weights
        unused = np.zeros((1, 1), np.float32)
        kernel = Kernel(Weights(w.get("syn0"), w.get("out_ns", unused), w.get("out_hs", unused),
                                w.get("out_sm", unused)), self.tables, KernelParams.from_config(self.cfg))
        self.ledger = Ledger(schedule, first_epoch, total_epochs)
        self.session = Session(kernel, schedule.jobs(first_epoch, total_epochs, start_job), self.ledger,
                               self.cfg.threads, self.stop, start=(first_epoch, start_job))

    # -- rounds ----------------------------------------------------------------------------
    def step(self, update: dict | None, until: tuple[int, int], due: int) -> dict:
        """Take the last sync, train up to job ``until`` (epoch, job), and return the due rows
        changed since the last sync with the ledger's sums."""
        if update:
            sync.apply(self.weights, update, None if self.share_base else self.base)
        s = self.session
        s.advance(until=tuple(until))
        if s.errors:
            raise s.errors[0]
        parts = {k: sync.changed(self.weights[k], self.base[k], d.rows(due)) for k, d in self.dues.items()}
        with self.ledger.lock:
            sums = {e: v.copy() for e, v in self.ledger.sums.items()}
            words = self.ledger.words
        return {"parts": parts, "sums": sums, "words": words}

    def close(self) -> None:
        if self.session is not None:
            self.stop.set()
            try:
                self.session.close()
            except Exception:  # noqa: B902 - closing after a failure; the failure was reported
                pass
            self.session = None
        self._drop_ids()

