"""Epochs, learning-rate schedule, threads, progress and loss accounting.

The corpus is an id stream (see :mod:`w2v.stream`) cut into jobs of about ``batch_words``
entries. Jobs of all epochs go, in order, to ``workers`` threads that each run the numba kernel
with the GIL released and update the shared weights without locks (Hogwild). Everything a job
needs is fixed by its place in the schedule, not by timing:

- its learning rate: linear from ``alpha`` to ``min_alpha`` over the position in the whole run;
- its random seed: derived from (seed, epoch, job number).

So one worker with a fixed seed gives bit-identical vectors run after run, and a resumed run
continues exactly where the schedule stopped. Loss and counters are float64 sums per epoch,
added under a lock after each job: exact whatever the number of threads.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import asdict, dataclass
from typing import Callable, Iterator

import numpy as np

from .kernels.train import train_job
from .stream import job_bounds

_MASK = (1 << 64) - 1


@dataclass
class EpochStats:
    epoch: int           # 1-based, counting epochs of earlier runs too
    loss: float          # mean loss per prediction
    words: int           # in-vocabulary tokens read
    trained: int         # tokens left after subsampling
    seconds: float
    words_per_sec: float
    alpha: float         # learning rate at the end of the epoch
    predictions: int = 0  # predictions made (loss * predictions is the epoch's summed loss)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Tables:
    """Read-only arrays the kernel consults (one set per vocabulary)."""

    remap: np.ndarray      # provisional id -> row, -1 dropped
    keep: np.ndarray       # per-row keep probability (subsampling)
    ns_prob: np.ndarray    # alias table of the noise distribution
    ns_alias: np.ndarray
    hs_points: np.ndarray  # [V, maxlen] inner nodes on each word's path
    hs_codes: np.ndarray   # [V, maxlen] code bits
    hs_lengths: np.ndarray  # [V] code lengths


@dataclass
class Weights:
    syn0: np.ndarray    # input vectors [V, d]
    out_ns: np.ndarray  # negative-sampling output vectors [V, d] (or [1, d] unused)
    out_hs: np.ndarray  # hierarchical-softmax inner nodes [V-1, d] (or [1, d] unused)
    out_sm: np.ndarray  # full-softmax output vectors [V, d] (or [1, d] unused)


def job_seed(seed: int, epoch: int, job: int) -> int:
    return (seed * 0x9E3779B97F4A7C15 + epoch * 0xD1B54A32D192ED03 + job * 0x8CB92BA72F3D8DD7) & _MASK


def alpha_at(frac: float, alpha: float, min_alpha: float) -> float:
    return alpha - (alpha - min_alpha) * min(max(frac, 0.0), 1.0)


class Trainer:
    def __init__(self, weights: Weights, tables: Tables, config):
        self.w = weights
        self.t = tables
        self.cfg = config
        self.stop = threading.Event()
        self.resume_at: tuple[int, int] | None = None

    def run(
        self,
        pieces: Callable[[int], Iterator[np.ndarray]],
        stream_len: int,
        first_epoch: int,
        last_epoch: int,
        total_epochs: int,
        start_job: int = 0,
        on_progress: Callable[[dict], None] | None = None,
        on_epoch: Callable[[EpochStats], None] | None = None,
        on_checkpoint: Callable[[tuple[int, int]], None] | None = None,
        checkpoint_every: float | None = None,
        poll: float = 0.1,
    ) -> list[EpochStats]:
        """Train epochs ``first_epoch .. last_epoch - 1`` (0-based) of a schedule of
        ``total_epochs``, starting at job ``start_job`` of the first one. ``pieces(epoch)`` yields
        the epoch's stream in pieces that end at sentence boundaries; each is cut into jobs.

        Every ``checkpoint_every`` seconds, job production pauses until the jobs in flight are
        done, and ``on_checkpoint((epoch, job))`` is called with the next job to run: a point from
        which a resumed run repeats nothing and skips nothing. After ``self.stop`` is set, jobs
        not yet started are skipped and ``self.resume_at`` says where to continue (None when the
        run completed). Returns the stats of the epochs that finished."""
        cfg = self.cfg
        nthreads = cfg.threads
        jobs: queue.Queue = queue.Queue(maxsize=2 * nthreads + 2)
        lock = threading.Lock()
        sums = {e: np.zeros(4) for e in range(first_epoch, last_epoch)}
        done_jobs = {e: 0 for e in range(first_epoch, last_epoch)}
        sent_jobs: dict[int, int] = {}   # jobs of an epoch, once all are queued
        queued = [0, 0]                  # jobs queued, jobs finished or skipped (all epochs)
        skipped: list[tuple[int, int]] = []
        done_words = [0]
        errors: list[BaseException] = []
        a0, a1 = cfg.start_alpha, cfg.min_alpha
        span = max(1, total_epochs * stream_len)
        w, t = self.w, self.t
        self.resume_at = None
        run_start = time.perf_counter()
        end_time: dict[int, float] = {first_epoch - 1: run_start}

        def mark_finished(epoch: int) -> None:  # with the lock held
            if epoch in sent_jobs and done_jobs[epoch] == sent_jobs[epoch] and epoch not in end_time:
                end_time[epoch] = time.perf_counter()

        def worker() -> None:
            stats = np.zeros(4)
            while True:
                item = jobs.get()
                if item is None:
                    return
                epoch, job, arr, lo, hi, alpha_s, alpha_e = item
                ran = not (self.stop.is_set() or errors)
                if ran:
                    stats[:] = 0.0
                    try:
                        train_job(arr, lo, hi, t.remap, t.keep, w.syn0, w.out_ns, w.out_hs, w.out_sm,
                                  t.ns_prob, t.ns_alias, t.hs_points, t.hs_codes, t.hs_lengths,
                                  cfg.sg, cfg.cbow_mean, cfg.window, cfg.negative, cfg.hs, cfg.softmax,
                                  alpha_s, alpha_e, np.uint64(job_seed(cfg.seed, epoch, job)), stats)
                    except BaseException as exc:  # pragma: no cover - surfaced below
                        errors.append(exc)
                        ran = False
                with lock:
                    if ran:
                        sums[epoch] += stats
                        done_words[0] += hi - lo
                    else:
                        skipped.append((epoch, job))
                    done_jobs[epoch] += 1
                    queued[1] += 1
                    mark_finished(epoch)

        threads = [threading.Thread(target=worker, name=f"w2v-train-{i}", daemon=True) for i in range(nthreads)]
        for th in threads:
            th.start()

        finished: list[EpochStats] = []
        last_report = 0.0
        last_checkpoint = time.perf_counter()
        reported = first_epoch

        def report(final: bool = False) -> None:
            nonlocal last_report, reported
            now = time.perf_counter()
            with lock:
                while (reported < last_epoch and reported in sent_jobs
                       and done_jobs[reported] == sent_jobs[reported]
                       and not any(e == reported for e, _ in skipped)):
                    s = sums[reported].copy()
                    e = reported
                    reported += 1
                    secs = end_time.get(e, now) - end_time.get(e - 1, run_start)
                    st = EpochStats(e + 1, float(s[0] / max(s[1], 1.0)), int(s[2]), int(s[3]), secs,
                                    float(s[2] / max(secs, 1e-9)), alpha_at((e + 1) / total_epochs, a0, a1),
                                    int(s[1]))
                    finished.append(st)
                    if on_epoch is not None:
                        on_epoch(st)
                words = done_words[0]
            if on_progress is not None and (final or now - last_report >= poll):
                last_report = now
                cur = sums.get(min(reported, last_epoch - 1), np.zeros(4))
                frac = (first_epoch * stream_len + words) / span
                on_progress({
                    "done": words, "total": (last_epoch - first_epoch) * stream_len,
                    "epoch": min(reported, last_epoch - 1) + 1, "epochs": total_epochs,
                    "alpha": alpha_at(frac, a0, a1),
                    "loss": float(cur[0] / cur[1]) if cur[1] else float("nan"),
                    "elapsed": now - run_start,
                })

        def drain() -> None:
            while True:
                with lock:
                    if queued[1] == queued[0]:
                        return
                time.sleep(0.005)

        def put(item, position: tuple[int, int] | None = None) -> None:
            nonlocal last_checkpoint
            if (on_checkpoint is not None and checkpoint_every is not None and position is not None
                    and time.perf_counter() - last_checkpoint >= checkpoint_every):
                drain()
                report()
                if not (self.stop.is_set() or errors):
                    on_checkpoint(position)
                last_checkpoint = time.perf_counter()
            while True:
                try:
                    jobs.put(item, timeout=poll)
                    break
                except queue.Full:
                    report()
            if item is not None:
                with lock:
                    queued[0] += 1
            report()

        try:
            for epoch in range(first_epoch, last_epoch):
                job = 0
                base = epoch * stream_len
                offset = 0
                first = start_job if epoch == first_epoch else 0
                for arr in pieces(epoch):
                    for lo, hi in job_bounds(arr, cfg.batch_words):
                        if self.stop.is_set() or errors:
                            break
                        if job >= first:
                            f0 = (base + offset + lo) / span
                            f1 = (base + offset + hi) / span
                            put((epoch, job, arr, lo, hi, alpha_at(f0, a0, a1), alpha_at(f1, a0, a1)),
                                position=(epoch, job))
                        job += 1
                    offset += len(arr)
                    if self.stop.is_set() or errors:
                        break
                with lock:
                    if self.stop.is_set() or errors:  # jobs from here on were never queued
                        skipped.append((epoch, job))
                    sent_jobs[epoch] = max(0, job - first)
                    mark_finished(epoch)
                if self.stop.is_set() or errors:
                    break
            for _ in threads:
                put(None)
            while any(th.is_alive() for th in threads):
                for th in threads:
                    th.join(timeout=poll)
                report()
        except BaseException:
            self.stop.set()
            for _ in threads:
                try:
                    jobs.put_nowait(None)
                except queue.Full:
                    pass
            for th in threads:
                th.join(timeout=30)
            raise
        if errors:
            raise errors[0]
        report(final=True)
        if skipped:
            self.resume_at = min(skipped)
        return finished
