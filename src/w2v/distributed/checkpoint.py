"""A distributed run's checkpoint: the model folder of a local checkpoint (the driver's ``base``
as the weights, ``schedule`` with the round in place of the job) plus ``distributed.json``: the
shard layout, the number of workers, ``sync_words``, the rule and the rounds per epoch, so a
resumed run cuts the same shards and continues at the same round."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..atomic import atomic_dir, atomic_file
from ..errors import InputError
from ..modelfile import write_folder
from .shards import Layout
from .sync import SyncRule

STATE_FILE = "distributed.json"


@dataclass
class ClusterState:
    nodes: int
    sync_words: int
    rule: SyncRule
    rounds: int        # rounds per epoch
    layout: Layout

    def to_dict(self) -> dict:
        return {"nodes": self.nodes, "sync_words": self.sync_words,
                "rule": asdict(self.rule),
                "rounds": self.rounds, "layout": self.layout.to_dict()}

    @classmethod
    def from_dict(cls, d: dict, where: str) -> "ClusterState":
        try:
            t = d["rule"]
            rule = SyncRule(**{k: type(getattr(SyncRule, k))(t[k]) for k in t})
            return cls(int(d["nodes"]), int(d["sync_words"]), rule, int(d["rounds"]), Layout.from_dict(d["layout"], where))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"{where}: malformed distributed state ({exc})") from None


def save(model, path, state: ClusterState) -> None:
    """Write the model folder and the cluster state atomically (both or neither)."""
    with atomic_dir(Path(path)) as tmp:
        write_folder(model, tmp)
        with atomic_file(tmp / STATE_FILE, "w") as fh:
            json.dump(state.to_dict(), fh, indent=1)


def read_state(path) -> ClusterState | None:
    """The cluster state of a checkpoint folder, None for a local run's checkpoint."""
    f = Path(path) / STATE_FILE
    if not f.is_file():
        return None
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{f}: not valid JSON ({exc})") from None
    return ClusterState.from_dict(data, str(f))
