"""The simulator: N logical workers in this process, no Ray.

Each logical worker is a :class:`w2v.distributed.worker.Worker` with its own copy of the weights,
its own shard and id stream, trained by its own threads; they step concurrently on a thread pool
(the kernel releases the GIL) and the same :class:`w2v.distributed.driver.Driver` and sync rule
combine them. So quality against the number of workers can be measured on one machine, and the
result equals a Ray run with the same shards, seeds and ``sync_words`` bit for bit (with one
thread a worker). The workers read the driver's ``base`` directly instead of keeping a copy.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from .counts import Counts, merge, tree_reduce
from .shards import Layout
from .worker import Worker


class SimBackend:
    """``nodes`` logical workers; ``parallel`` of them step at once (default: the cores)."""

    name = "simulate"

    def __init__(self, nodes: int, parallel: int | None = None, tmp_dir: str | None = None):
        self.n = int(nodes)
        self.parallel = max(1, parallel or os.cpu_count() or 1)
        self.tmp_dir = tmp_dir
        self.workers: list[Worker] = []
        self.layout: Layout | None = None
        self._pool: ThreadPoolExecutor | None = None

    def default_threads(self) -> int:
        return 1

    def start(self, layout: Layout, config: dict) -> None:
        self.layout = layout
        sizes = dict(layout.files)
        self.workers = [Worker(s.rank, s, sizes, config, self.tmp_dir, share_base=True) for s in layout.shards]
        self._pool = ThreadPoolExecutor(max_workers=min(self.parallel, self.n), thread_name_prefix="w2v-sim")

    def share(self, obj):
        return obj

    def call(self, method: str, args: list[tuple] | None = None) -> list:
        args = args if args is not None else [()] * self.n
        futures = [self._pool.submit(getattr(w, method), *a) for w, a in zip(self.workers, args, strict=True)]
        return [f.result() for f in futures]

    def count(self, max_vocab_size: int | None) -> Counts:
        return tree_reduce(self.call("count"), lambda a, b: merge(a, b, max_vocab_size))

    def describe(self, rank: int) -> str:
        return f"logical worker {rank}"

    def close(self) -> None:
        for w in self.workers:
            w.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
