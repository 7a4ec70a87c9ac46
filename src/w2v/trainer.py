"""Epochs, learning-rate schedule, threads, progress and loss accounting.

Three pieces, each with one job:

- :class:`Schedule` (pure): the corpus is an id stream (see :mod:`w2v.stream`) cut into jobs of
  about ``batch_words`` entries, trained each epoch in a fresh random order (``shuffle``, the
  default) or in corpus order; everything a job needs is fixed by its place in the run, not by
  timing: its learning rate (linear from ``alpha`` to ``min_alpha`` over the words trained so
  far in the whole run) and its random seed (from (seed, epoch, job number)).
- :class:`Ledger`: the float64 sums of loss and counts per epoch, the jobs done and skipped,
  added under a lock after each job (exact whatever the number of threads); it builds
  :class:`EpochStats` and knows where a stopped run resumes.
- :class:`Session`: ``workers`` threads that run the kernel on queued jobs with the GIL released,
  updating the shared weights without locks (Hogwild). ``advance`` queues jobs until a limit (a
  number of words, a deadline, the end) and waits for them: the pause where a checkpoint is
  written, or where distributed workers synchronise.

So one worker with a fixed seed gives bit-identical vectors run after run, and a resumed run
continues exactly where the schedule stopped.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import asdict, dataclass
from typing import Callable, Iterable, Iterator

import numpy as np

from . import pages
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

    def arrays(self) -> dict[str, np.ndarray]:
        return {"syn0": self.syn0, "out_ns": self.out_ns, "out_hs": self.out_hs, "out_sm": self.out_sm}


@dataclass(frozen=True)
class KernelParams:
    """The kernel's switches, fixed for a run."""

    sg: int
    cbow_mean: int
    window: int
    negative: int
    hs: int
    softmax: int
    shrink_windows: int = 1

    @classmethod
    def from_config(cls, cfg) -> "KernelParams":
        return cls(cfg.sg, cfg.cbow_mean, cfg.window, cfg.negative, cfg.hs, cfg.softmax, cfg.shrink_windows)


class Kernel:
    """The one Python-side call of the training kernel: weights, tables and switches bound once,
    so the trainer and the tests call ``run(piece, lo, hi, alpha0, alpha1, seed)``."""

    def __init__(self, weights: Weights, tables: Tables, params: KernelParams):
        self.w, self.t, self.p = weights, tables, params

    def run(self, piece: np.ndarray, lo: int, hi: int, alpha0: float, alpha1: float, seed: int,
            stats: np.ndarray | None = None) -> np.ndarray:
        """Train on ``piece[lo:hi]``; returns ``stats`` += [loss sum, predictions, words read,
        words trained]."""
        w, t, p = self.w, self.t, self.p
        if stats is None:
            stats = np.zeros(4)
        train_job(piece, lo, hi, t.remap, t.keep, w.syn0, w.out_ns, w.out_hs, w.out_sm,
                  t.ns_prob, t.ns_alias, t.hs_points, t.hs_codes, t.hs_lengths,
                  p.sg, p.cbow_mean, p.window, p.negative, p.hs, p.softmax, p.shrink_windows,
                  alpha0, alpha1, np.uint64(seed), stats)
        return stats


# -- the schedule ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Job:
    epoch: int
    index: int            # job number within its epoch
    piece: np.ndarray     # the id-stream piece it reads
    lo: int
    hi: int
    alpha0: float         # learning rate at its first and last entry
    alpha1: float
    seed: int


@dataclass(frozen=True)
class EpochEnd:
    """Marker after the last job of an epoch: ``jobs`` jobs of it were scheduled in this run."""

    epoch: int
    jobs: int


def job_seed(seed: int, epoch: int, job: int, rank: int = 0) -> int:
    """A job's random seed; ``rank`` (a distributed worker's number) gives each worker its own
    streams, rank 0 those of a local run."""
    return (seed * 0x9E3779B97F4A7C15 + epoch * 0xD1B54A32D192ED03 + job * 0x8CB92BA72F3D8DD7
            + rank * 0xA24BAED4963EE407) & _MASK


def _mix(x: int) -> int:
    """splitmix64's finaliser: a well-scrambled 64-bit value of ``x``."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def job_order(n: int, seed: int, epoch: int, piece: int, rank: int = 0) -> list[int]:
    """A random order of ``n`` jobs (Fisher-Yates on splitmix64), fixed by (seed, epoch, piece,
    rank) and independent of the NumPy version, so runs and resumes repeat it exactly."""
    state = job_seed(seed, epoch, piece, rank) ^ 0x5851F42D4C957F2D
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        state = (state + 0x9E3779B97F4A7C15) & _MASK
        j = _mix(state) % (i + 1)
        order[i], order[j] = order[j], order[i]
    return order


def alpha_at(frac: float, alpha: float, min_alpha: float) -> float:
    return alpha - (alpha - min_alpha) * min(max(frac, 0.0), 1.0)


class Schedule:
    """Every job of a run of ``total_epochs`` passes over a stream of ``stream_len`` entries.

    ``pieces(epoch)`` yields the epoch's stream in pieces that end at sentence boundaries; each is
    cut into jobs of about ``batch_words`` entries. With ``shuffle`` the jobs of a piece (16M
    entries of an id file: the whole of most corpora) go in a random order drawn afresh each
    epoch, otherwise in stream order. The learning rate follows the entries queued so far, so it
    falls as smoothly either way. Pure: the same arguments give the same jobs. ``rank`` mixes a
    distributed worker's number into the seeds (0: a local run's)."""

    def __init__(self, pieces: Callable[[int], Iterable[np.ndarray]], stream_len: int, total_epochs: int,
                 alpha: float, min_alpha: float, seed: int, batch_words: int, rank: int = 0, shuffle: bool = False):
        self.pieces = pieces
        self.stream_len = stream_len
        self.total_epochs = total_epochs
        self.a0, self.a1 = alpha, min_alpha
        self.seed = seed
        self.batch_words = batch_words
        self.rank = rank
        self.shuffle = bool(shuffle)
        self.span = max(1, total_epochs * stream_len)

    @classmethod
    def for_config(cls, cfg, pieces, stream_len: int, total_epochs: int, rank: int = 0) -> "Schedule":
        return cls(pieces, stream_len, total_epochs, cfg.start_alpha, cfg.min_alpha, cfg.seed, cfg.batch_words,
                   rank, cfg.shuffle)

    def alpha(self, frac: float) -> float:
        return alpha_at(frac, self.a0, self.a1)

    def epoch_end_alpha(self, epoch: int) -> float:
        return self.alpha((epoch + 1) / self.total_epochs)

    def jobs(self, first_epoch: int, last_epoch: int, start_job: int = 0) -> Iterator[Job | EpochEnd]:
        """Jobs of epochs ``first_epoch .. last_epoch - 1`` from job ``start_job`` of the first,
        each epoch followed by its :class:`EpochEnd`."""
        for epoch in range(first_epoch, last_epoch):
            base = epoch * self.stream_len
            first = start_job if epoch == first_epoch else 0
            job = offset = 0
            for p, arr in enumerate(self.pieces(epoch)):
                bounds = job_bounds(arr, self.batch_words)
                pages.drop_read(arr, 0, len(arr))  # finding the bounds mapped the piece; the jobs map it again
                if self.shuffle:
                    bounds = [bounds[k] for k in job_order(len(bounds), self.seed, epoch, p, self.rank)]
                at = base + offset  # stream entries queued before this job
                for lo, hi in bounds:
                    if job >= first:
                        yield Job(epoch, job, arr, lo, hi, self.alpha(at / self.span),
                                  self.alpha((at + hi - lo) / self.span), job_seed(self.seed, epoch, job, self.rank))
                    at += hi - lo
                    job += 1
                offset += len(arr)
            yield EpochEnd(epoch, max(0, job - first))


# -- the ledger -----------------------------------------------------------------------------

class Ledger:
    """What a run has done: per-epoch float64 sums [loss, predictions, words read, words
    trained], jobs done and skipped, and when each epoch finished. Thread-safe."""

    def __init__(self, schedule: Schedule, first_epoch: int, last_epoch: int):
        self.schedule = schedule
        self.first, self.last = first_epoch, last_epoch
        self.lock = threading.Lock()
        self.sums = {e: np.zeros(4) for e in range(first_epoch, last_epoch)}
        self.done = {e: 0 for e in range(first_epoch, last_epoch)}
        self.sent: dict[int, int] = {}       # an epoch's job count, once all are queued
        self.skipped: list[tuple[int, int]] = []
        self.words = 0                        # stream entries of the jobs that ran
        self.start = time.perf_counter()
        self.end_time: dict[int, float] = {first_epoch - 1: self.start}
        self.reported = first_epoch           # the next epoch to report

    def record(self, job: Job, stats: np.ndarray | None) -> None:
        """A job ran (``stats``) or was skipped (None)."""
        with self.lock:
            if stats is not None:
                self.sums[job.epoch] += stats
                self.words += job.hi - job.lo
            else:
                self.skipped.append((job.epoch, job.index))
            self.done[job.epoch] += 1
            self._mark_finished(job.epoch)

    def close_epoch(self, epoch: int, jobs: int, cut_at: int | None = None) -> None:
        """All ``jobs`` queued jobs of ``epoch`` are known; ``cut_at``: the job from which the
        rest of the epoch was never queued (a stop)."""
        with self.lock:
            if cut_at is not None:
                self.skipped.append((epoch, cut_at))
            self.sent[epoch] = jobs
            self._mark_finished(epoch)

    def _mark_finished(self, epoch: int) -> None:  # with the lock held
        if epoch in self.sent and self.done[epoch] == self.sent[epoch] and epoch not in self.end_time:
            self.end_time[epoch] = time.perf_counter()

    def take_finished(self) -> list[EpochStats]:
        """Epochs completed (every job ran) since the last call, in order."""
        out = []
        now = time.perf_counter()
        with self.lock:
            skipped_epochs = {e for e, _ in self.skipped}
            while (self.reported < self.last and self.reported in self.sent
                   and self.done[self.reported] == self.sent[self.reported]
                   and self.reported not in skipped_epochs):
                e = self.reported
                s = self.sums[e]
                secs = self.end_time.get(e, now) - self.end_time.get(e - 1, self.start)
                out.append(EpochStats(e + 1, float(s[0] / max(s[1], 1.0)), int(s[2]), int(s[3]), secs,
                                      float(s[2] / max(secs, 1e-9)), self.schedule.epoch_end_alpha(e), int(s[1])))
                self.reported += 1
        return out

    def progress(self) -> dict:
        """Where the run stands, for progress displays."""
        sch = self.schedule
        with self.lock:
            words = self.words
            cur = self.sums.get(min(self.reported, self.last - 1), np.zeros(4)).copy()
        frac = (self.first * sch.stream_len + words) / sch.span
        return {
            "done": words, "total": (self.last - self.first) * sch.stream_len,
            "epoch": min(self.reported, self.last - 1) + 1, "epochs": sch.total_epochs,
            "alpha": sch.alpha(frac), "loss": float(cur[0] / cur[1]) if cur[1] else float("nan"),
            "elapsed": time.perf_counter() - self.start,
        }

    @property
    def resume_at(self) -> tuple[int, int] | None:
        """The first job that did not run (None when every scheduled job ran)."""
        with self.lock:
            return min(self.skipped) if self.skipped else None


# -- the threads ----------------------------------------------------------------------------

class Session:
    """Worker threads running jobs of a schedule; the caller advances it in steps.

    ``advance`` queues jobs until a limit and returns once they are all done, so between steps
    no job is in flight and the weights can be read, saved or replaced."""

    def __init__(self, kernel: Kernel, jobs: Iterator[Job | EpochEnd], ledger: Ledger, threads: int,
                 stop: threading.Event, on_progress: Callable[[dict], None] | None = None,
                 on_epoch: Callable[[EpochStats], None] | None = None, poll: float = 0.1,
                 start: tuple[int, int] | None = None):
        self.kernel = kernel
        self.ledger = ledger
        self.stop = stop
        self.on_progress, self.on_epoch, self.poll = on_progress, on_epoch, poll
        self.errors: list[BaseException] = []
        self.finished = False
        self.position: tuple[int, int] | None = start  # the next job to queue
        self._jobs = jobs
        self._pending: Job | None = None
        self._queued = 0
        self._queued_in: dict[int, int] = {}  # jobs queued per epoch
        self._settled = 0   # jobs done or skipped
        self._last_report = 0.0
        self._warm = False
        self._queue: queue.Queue = queue.Queue(maxsize=2 * threads + 2)
        self._threads = [threading.Thread(target=self._work, name=f"w2v-train-{i}", daemon=True)
                         for i in range(threads)]
        for th in self._threads:
            th.start()

    def _work(self) -> None:
        stats = np.zeros(4)
        while True:
            job = self._queue.get()
            if job is None:
                return
            ran = not (self.stop.is_set() or self.errors)
            if ran:
                stats[:] = 0.0
                try:
                    self.kernel.run(job.piece, job.lo, job.hi, job.alpha0, job.alpha1, job.seed, stats)
                except BaseException as exc:  # pragma: no cover - surfaced by the caller
                    self.errors.append(exc)
                    ran = False
                pages.drop_read(job.piece, job.lo, job.hi)
            self.ledger.record(job, stats if ran else None)
            with self.ledger.lock:
                self._settled += 1

    @property
    def halted(self) -> bool:
        return self.stop.is_set() or bool(self.errors)

    def advance(self, max_words: int | None = None, deadline: float | None = None,
                until: tuple[int, int] | None = None) -> None:
        """Queue jobs until ``max_words`` stream entries are queued in this step, the clock passes
        ``deadline`` (at least one job either way), the next job is ``until`` (epoch, job) or
        later (no job then), the schedule ends or a stop is asked for; then wait until every
        queued job is done."""
        words = 0
        started = False
        while not self.finished:
            if self.halted:
                self._cut()
                break
            if until is not None and self.position is not None and self.position >= until:
                break
            if started and ((max_words is not None and words >= max_words)
                            or (deadline is not None and time.perf_counter() >= deadline)):
                break
            item = self._pending or next(self._jobs, None)
            self._pending = None
            if item is None:
                self.finished = True
                break
            if isinstance(item, EpochEnd):
                self.ledger.close_epoch(item.epoch, item.jobs)
                self.position = (item.epoch + 1, 0)
                continue
            self._put(item)
            started = True
            words += item.hi - item.lo
            self.position = (item.epoch, item.index + 1)
        self._drain()

    def _cut(self) -> None:
        """After a stop: the rest of the current epoch is never queued (the next epochs are not
        this run's to report)."""
        item = self._pending or next(self._jobs, None)
        self._pending = None
        if item is None:
            self.finished = True
            return
        if isinstance(item, EpochEnd):
            self.ledger.close_epoch(item.epoch, item.jobs)
        else:
            self.ledger.close_epoch(item.epoch, self._queued_in.get(item.epoch, 0), cut_at=item.index)
        self.finished = True

    def _put(self, job: Job) -> None:
        if not self._warm:  # load the kernel for this piece's type before the threads need it
            self._warm = True
            self.kernel.run(job.piece, job.lo, job.lo, job.alpha0, job.alpha1, job.seed)
        while True:
            try:
                self._queue.put(job, timeout=self.poll)
                break
            except queue.Full:
                self.report()
        with self.ledger.lock:
            self._queued += 1
        self._queued_in[job.epoch] = self._queued_in.get(job.epoch, 0) + 1
        self.report()

    def _drain(self) -> None:
        while True:
            with self.ledger.lock:
                if self._settled == self._queued:
                    break
            time.sleep(0.002)
            self.report()
        self.report()

    def report(self, final: bool = False) -> None:
        """Hand finished epochs to ``on_epoch``; progress to ``on_progress`` every ``poll`` s."""
        for st in self.ledger.take_finished():
            if self.on_epoch is not None:
                self.on_epoch(st)
        now = time.perf_counter()
        if self.on_progress is not None and (final or now - self._last_report >= self.poll):
            self._last_report = now
            self.on_progress(self.ledger.progress())

    def close(self) -> None:
        """Stop the threads (after a failure too: jobs still queued are skipped)."""
        if any(th.is_alive() for th in self._threads):
            if not self.finished:
                self.stop.set()
            for _ in self._threads:
                while True:
                    try:
                        self._queue.put(None, timeout=self.poll)
                        break
                    except queue.Full:
                        if not any(th.is_alive() for th in self._threads):
                            break
            for th in self._threads:
                th.join(timeout=30)
        if self.errors:
            raise self.errors[0]


class Trainer:
    """A local run: a :class:`Session` advanced to the end, pausing for checkpoints."""

    def __init__(self, weights: Weights, tables: Tables, config):
        self.kernel = Kernel(weights, tables, KernelParams.from_config(config))
        self.cfg = config
        self.stop = threading.Event()
        self.resume_at: tuple[int, int] | None = None

    def session(self, schedule: Schedule, first_epoch: int, last_epoch: int, start_job: int = 0,
                on_progress=None, on_epoch=None, poll: float = 0.1) -> Session:
        ledger = Ledger(schedule, first_epoch, last_epoch)
        return Session(self.kernel, schedule.jobs(first_epoch, last_epoch, start_job), ledger, self.cfg.threads,
                       self.stop, on_progress, on_epoch, poll, start=(first_epoch, start_job))

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
        ``total_epochs``, starting at job ``start_job`` of the first one.

        Every ``checkpoint_every`` seconds the run pauses (no job in flight) and
        ``on_checkpoint((epoch, job))`` is called with the next job to run: a point from which a
        resumed run repeats nothing and skips nothing. After ``self.stop`` is set, jobs not yet
        started are skipped and ``self.resume_at`` says where to continue (None when the run
        completed). Returns the stats of the epochs that finished."""
        schedule = Schedule.for_config(self.cfg, pieces, stream_len, total_epochs)
        done: list[EpochStats] = []

        def epoch_done(st: EpochStats) -> None:
            done.append(st)
            if on_epoch is not None:
                on_epoch(st)

        self.resume_at = None
        session = self.session(schedule, first_epoch, last_epoch, start_job, on_progress, epoch_done, poll)
        pausing = on_checkpoint is not None and checkpoint_every is not None
        try:
            while not session.finished:
                deadline = time.perf_counter() + checkpoint_every if pausing else None
                session.advance(deadline=deadline)
                if pausing and not session.finished and not session.halted:
                    on_checkpoint(session.position)
        except BaseException:
            self.stop.set()
            session.close()
            raise
        session.close()
        session.report(final=True)
        self.resume_at = session.ledger.resume_at
        return done
