"""The round loop, the same for the simulator and for Ray: rounds, syncs, global progress,
epoch statistics, checkpoints and stop.

An epoch is ``rounds`` rounds. In round ``r`` worker ``w`` runs its jobs ``r * J_w / rounds ..
(r + 1) * J_w / rounds`` (``J_w``: its jobs per epoch), so every worker covers the same share of
its shard in a round and the workers' learning rates, each following its own place in its shard,
follow the global progress together. After each round the driver combines the changed rows
(:func:`w2v.distributed.sync.combine`) into ``base``, the last synced value of every row, and
hands the result to the workers with the next round. A checkpoint is ``base`` and the position.

A backend reaches the workers: ``backend.call(method, args_per_worker)`` runs ``method`` on every
worker and returns the results in worker order; ``backend.share(obj)`` makes one object that
every worker reads (the object store, or the object itself in process).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..errors import W2VError
from ..trainer import EpochStats, alpha_at
from . import sync


class WorkerLost(W2VError):
    """A worker (its process or node) died; the run stops at the last completed sync."""


@dataclass
class RoundPlan:
    """``rounds`` rounds an epoch; worker ``w`` has ``jobs[w]`` jobs an epoch."""

    rounds: int
    jobs: list[int]

    @classmethod
    def make(cls, stream_lens: list[int], jobs: list[int], sync_words: int) -> "RoundPlan":
        mean = sum(stream_lens) / max(len(stream_lens), 1)
        return cls(max(1, math.ceil(mean / max(int(sync_words), 1))), list(jobs))

    def start(self, w: int, epoch: int, r: int) -> tuple[int, int]:
        """The first job of round ``r`` of ``epoch`` for worker ``w`` (the next epoch's first
        job when ``r`` is past the last round)."""
        if r >= self.rounds:
            return (epoch + 1, 0)
        return (epoch, r * self.jobs[w] // self.rounds)


@dataclass
class Traffic:
    """Bytes of sync messages: workers to driver, driver to workers (each worker's copy)."""

    up: int = 0
    down: int = 0
    syncs: int = 0
    seconds: float = 0.0  # driver time spent combining
    per_sync: list = field(default_factory=list)


class Driver:
    """Runs rounds from ``(epoch, round)`` to the end of ``total_epochs``."""

    def __init__(self, backend, base: dict[str, np.ndarray], plan: RoundPlan, total_epochs: int,
                 stream_lens: list[int], alpha: float, min_alpha: float, max_period: int, power: float = 1.0,
                 touches: dict | None = None, saturate: float = 0.0, momentum: float = 0.0):
        self.backend = backend
        self.base = base
        self.plan = plan
        self.total_epochs = total_epochs
        self.stream_total = max(1, sum(stream_lens))
        self.a0, self.a1 = alpha, min_alpha
        self.max_period = max_period
        self.power = power
        self.touches = touches if saturate > 0 else None  # expected touches a row per round, per matrix
        self.momentum = momentum
        self.velocity = {k: np.zeros(v.shape, np.float64) for k, v in base.items()} if momentum else None
        self.saturate = saturate
        self._alpha = alpha
        self.traffic = Traffic()
        self.synced: tuple[int, int] | None = None  # (epoch, round) after the last completed sync

    def run(self, first_epoch: int, first_round: int, *, stop: threading.Event | None = None,
            on_progress: Callable[[dict], None] | None = None,
            on_epoch: Callable[[EpochStats], None] | None = None,
            on_checkpoint: Callable[[tuple[int, int]], None] | None = None,
            checkpoint_every: float | None = None,
            on_round: Callable[["Driver", tuple[int, int]], None] | None = None) -> tuple[int, int] | None:
        """Returns None when the schedule completed, else the (epoch, round) to resume at (a
        stop was asked for: the last round synced every row first). A lost worker raises
        :class:`WorkerLost`; ``self.synced`` then says where ``base`` stands."""
        stop = stop or threading.Event()
        n = len(self.plan.jobs)
        R, E = self.plan.rounds, self.total_epochs
        t0 = time.perf_counter()
        epoch_t0 = t0
        next_ckpt = t0 + checkpoint_every if checkpoint_every else None
        self._update = None
        self.synced = (first_epoch, first_round)
        epoch, r = first_epoch, first_round
        while epoch < E:
            ckpt = on_checkpoint is not None and next_ckpt is not None and time.perf_counter() >= next_ckpt
            if ckpt or stop.is_set():  # sync every row without training, so base holds all the work
                self._round([self.plan.start(w, epoch, r) for w in range(n)], self.max_period)
                if ckpt:
                    on_checkpoint((epoch, r))
                    next_ckpt = time.perf_counter() + checkpoint_every
                if stop.is_set():
                    return (epoch, r)
            due = sync.due_period(r, R, self.max_period)
            self._alpha = alpha_at((epoch * R + r + 0.5) / (E * R), self.a0, self.a1)
            outs = self._round([self.plan.start(w, epoch, r + 1) for w in range(n)], due)
            sums = _sum_ledgers(outs)
            words = sum(o["words"] for o in outs)
            r += 1
            if r == R:
                if on_epoch is not None:
                    now = time.perf_counter()
                    on_epoch(self._epoch_stats(epoch, sums.get(epoch), now - epoch_t0))
                    epoch_t0 = now
                epoch, r = epoch + 1, 0
            self.synced = (epoch, r)
            if on_progress is not None:
                on_progress(self._progress(first_epoch, epoch, words, sums, time.perf_counter() - t0))
            if on_round is not None:
                on_round(self, (epoch, r))
        return None

    def _round(self, untils: list[tuple[int, int]], due: int) -> list[dict]:
        """Every worker takes the last sync and trains up to its ``until``; their changed due
        rows are combined into ``base`` and kept for the next round."""
        shared = self.backend.share(self._update) if self._update is not None else None
        outs = self.backend.call("step", [(shared, until, due) for until in untils])
        t1 = time.perf_counter()
        moves = None
        if self.touches is not None:  # learning rate x touches since the row's last sync
            moves = {k: self.saturate * self._alpha * t for k, t in self.touches.items()}
        if self.velocity is not None:
            before = {k: b.copy() for k, b in self.base.items()}
        self._update = sync.combine(self.base, [o["parts"] for o in outs], self.power, moves)
        if self.velocity is not None:
            old = {k: before[k][rows].astype(np.float64) for k, (rows, _) in self._update.items()}
            sync.momentum_step(self.base, old, self._update, self.velocity, self.momentum)
        self._count_traffic(outs, self._update, len(untils), time.perf_counter() - t1)
        return outs

    def _count_traffic(self, outs, update, n, secs) -> None:
        up = sum(sync.nbytes(o["parts"]) for o in outs)
        down = sync.nbytes(update) * n
        t = self.traffic
        t.up += up
        t.down += down
        t.syncs += 1
        t.seconds += secs
        t.per_sync.append(up + down)

    def _epoch_stats(self, epoch: int, s, secs: float) -> EpochStats:
        s = np.zeros(4) if s is None else s
        return EpochStats(epoch + 1, float(s[0] / max(s[1], 1.0)), int(s[2]), int(s[3]), secs,
                          float(s[2] / max(secs, 1e-9)), alpha_at((epoch + 1) / self.total_epochs, self.a0, self.a1))

    def _progress(self, first_epoch: int, epoch: int, words: int, sums: dict, elapsed: float) -> dict:
        E = self.total_epochs
        frac = (first_epoch * self.stream_total + words) / (E * self.stream_total)
        cur = sums.get(min(epoch, E - 1), np.zeros(4))
        return {"done": words, "total": (E - first_epoch) * self.stream_total, "epoch": min(epoch, E - 1) + 1,
                "epochs": E, "alpha": alpha_at(frac, self.a0, self.a1),
                "loss": float(cur[0] / cur[1]) if cur[1] else float("nan"), "elapsed": elapsed}


def _sum_ledgers(outs: list[dict]) -> dict:
    """Per-epoch sums over workers, added in worker order (float64)."""
    total: dict = {}
    for o in outs:
        for e, v in o["sums"].items():
            e = int(e)
            total[e] = total[e] + np.asarray(v) if e in total else np.array(v, dtype=np.float64)
    return total
