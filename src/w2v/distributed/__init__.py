"""Training across machines: shards, counts merged in order, the sync rule, workers, the round
loop, Ray actors and an in-process simulator that runs the same sync rule with N logical workers.

Ray is imported only by :mod:`w2v.distributed.ray_backend`, and only when a run asks for it.
"""

from .fit import DEFAULT_SYNC_WORDS, DEFAULT_RULE, connect, fit
from .sync import NO_TIERS, SyncRule

__all__ = ["DEFAULT_SYNC_WORDS", "DEFAULT_RULE", "NO_TIERS", "SyncRule", "connect", "fit"]
