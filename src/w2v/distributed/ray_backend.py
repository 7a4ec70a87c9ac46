"""Ray actors around :class:`w2v.distributed.worker.Worker`: the only module that imports ray.

``--cluster ray`` joins the cluster ``RAY_ADDRESS`` names, or starts a local Ray (no dashboard);
``auto`` joins the cluster of this machine (``ray start``); ``ray://HOST:PORT`` goes through Ray
Client. A Ray already initialised by the caller is used as it is and left running.

One actor per worker, spread over the nodes, each reserving ``threads`` CPUs. Shared arrays go
through the object store once (``ray.put``) and are read zero-copy by the actors of a node;
counts merge in a tree of small tasks. Ray's actor errors become :class:`WorkerLost` naming the
worker, its node and its shard; a worker's own errors (an unreadable file) keep their message
with the worker and node in front.
"""

from __future__ import annotations

import logging
import socket

from ..errors import ConfigError, W2VError
from .counts import Counts, merge, tree_reduce
from .driver import WorkerLost
from .shards import Layout
from .worker import Worker

try:
    import ray
    import ray.exceptions as rex
except ImportError:  # pragma: no cover - exercised through a subprocess without ray
    raise ConfigError("Ray is not installed: pip install 'w2v[ray]' (or pip install ray) to train with "
                      "--cluster") from None

_LOST = (rex.RayActorError, rex.WorkerCrashedError, rex.NodeDiedError, rex.ObjectLostError)


class WorkerActor:
    """A :class:`Worker` in an actor; its own failures are prefixed with its rank and node."""

    def __init__(self, rank: int, shard, sizes, config: dict):
        self.rank = rank
        self.worker = Worker(rank, shard, sizes, config)

    def node(self) -> str:
        try:
            ip = ray.util.get_node_ip_address()
        except Exception:  # noqa: BLE001 - best effort, for messages only
            ip = "?"
        return f"{socket.gethostname()} ({ip})"

    def run(self, method: str, *args):
        try:
            return getattr(self.worker, method)(*args)
        except W2VError as exc:
            raise type(exc)(f"worker {self.rank} on {self.node()}: {exc}") from None

    def pid(self) -> int:
        import os

        return os.getpid()


def _merge(a: Counts, b: Counts, max_vocab_size):
    return merge(a, b, max_vocab_size)


class RayBackend:
    name = "ray"

    def __init__(self, owned: bool, nodes: int, address: str):
        self.owned = owned
        self.address = address
        res = ray.cluster_resources()
        self.cpus = int(res.get("CPU", 0))
        alive = [n for n in ray.nodes() if n.get("Alive")]
        self.n = int(nodes) if nodes else max(1, len(alive))
        self.actors: list = []
        self.nodes: list[str] = []
        self.layout: Layout | None = None
        self._merge = ray.remote(num_cpus=0)(_merge)

    @classmethod
    def connect(cls, cluster: str, nodes: int | None) -> "RayBackend":
        if ray.is_initialized():
            return cls(False, nodes, "(already initialised)")
        address = None if cluster == "ray" else cluster
        quiet = {"log_to_driver": False, "logging_level": logging.WARNING}
        # Ray Client passes ray.init's options on to the server: only the address goes there
        kwargs = {} if cluster.startswith("ray://") else {"include_dashboard": False, **quiet}
        try:
            ray.init(address=address, **kwargs)
        except (ConnectionError, RuntimeError, ValueError, TimeoutError, OSError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ConfigError(f"cannot reach the Ray cluster at {cluster!r}: {first}") from None
        return cls(True, nodes, cluster)

    def default_threads(self) -> int:
        return max(1, self.cpus // self.n)

    def start(self, layout: Layout, config: dict) -> None:
        threads = int(config["workers"])
        if self.cpus and self.n * threads > self.cpus:
            raise ConfigError(f"the Ray cluster has {self.cpus} CPUs, {self.n} workers of {threads} threads need "
                              f"{self.n * threads}: lower --nodes or --threads")
        self.layout = layout
        sizes = dict(layout.files)
        cls = ray.remote(num_cpus=threads, max_restarts=0, scheduling_strategy="SPREAD")(WorkerActor)
        self.actors = [cls.remote(s.rank, s, sizes, config) for s in layout.shards]
        self._node_refs = [a.node.remote() for a in self.actors]

    def share(self, obj):
        return ray.put(obj)

    def call(self, method: str, args: list[tuple] | None = None) -> list:
        args = args if args is not None else [()] * self.n
        refs = [a.run.remote(method, *x) for a, x in zip(self.actors, args, strict=True)]
        out = self._get(refs)
        if not self.nodes:  # every actor answered: their nodes are known now, for later messages
            self.nodes = ray.get(self._node_refs)
        return out

    def count(self, max_vocab_size: int | None) -> Counts:
        refs = [a.run.remote("count") for a in self.actors]
        merged = tree_reduce(refs, lambda x, y: self._merge.remote(x, y, max_vocab_size))
        try:
            return ray.get(merged)
        except rex.RayError:
            self._get(refs)  # names the worker that failed
            raise

    def _get(self, refs: list) -> list:
        out = []
        for rank, ref in enumerate(refs):
            try:
                out.append(ray.get(ref))
            except rex.RayTaskError as exc:
                cause = getattr(exc, "cause", None)
                if isinstance(cause, W2VError):
                    raise cause from None
                raise
            except _LOST as exc:
                raise WorkerLost(f"lost {self.describe(rank)}: {_reason(exc)}") from None
        return out

    def describe(self, rank: int) -> str:
        node = self._node(rank)
        shard = self.layout.shards[rank].describe() if self.layout else "?"
        return f"worker {rank} on node {node} (shard {shard})"

    def _node(self, rank: int) -> str:
        if not self.nodes:
            try:
                self.nodes = ray.get(self._node_refs, timeout=2)
            except Exception:  # noqa: BLE001 - a dead actor: the node stays unknown
                return "unknown"
        return self.nodes[rank]

    def pids(self) -> list[int]:
        return ray.get([a.pid.remote() for a in self.actors])

    def close(self) -> None:
        if self.actors:
            try:
                ray.get([a.run.remote("close") for a in self.actors], timeout=30)
            except Exception:  # noqa: BLE001 - closing after a failure: best effort
                pass
            for a in self.actors:
                try:
                    ray.kill(a)
                except Exception:  # noqa: BLE001
                    pass
            self.actors = []
        if self.owned and ray.is_initialized():
            ray.shutdown()
            self.owned = False


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    for line in text:
        line = line.strip()
        if line and not line.startswith("(") and "Traceback" not in line:
            return line[:300]
    return type(exc).__name__
