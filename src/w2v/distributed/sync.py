"""The sync rule, in plain numpy on arrays: the same function for the simulator and for Ray.

Between syncs each worker trains its own copy of the weights. The driver keeps ``base``, every
row's value at its last sync. At a sync, each worker sends the rows (of those due) that it changed
since then; for each row:

- changed by no worker: unchanged;
- changed by exactly one worker: that worker's value (not ``base + delta``, which float32 would
  round), so with one worker a sync changes nothing and the run equals a local one bit for bit;
- changed by ``k >= 2`` workers: ``base + (sum of the k deltas) / k``, summed in float64 in
  worker order, so the result does not depend on timing or on the engine.

Frequency rule (as pWord2Vec syncs hot rows more often): a row a worker expects to touch at least
``touches`` times in a round of ``S`` words syncs every round, one touched half as often every
2 rounds, and so on up to ``max_period`` rounds; the last round of every epoch syncs every row.
Rare rows, which workers seldom touch at the same time, so cost little bandwidth for little
staleness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NAMES = ("syn0", "out_ns", "out_hs", "out_sm")


@dataclass(frozen=True)
class SyncRule:
    """The tiers and the combination. ``touches``: expected touches of a row by one worker in a
    round at which it syncs every round; ``max_period``: the longest wait, in rounds (a power of
    two; 1: every row every round, no tiers). ``power``: the ``k`` deltas of a row combine as
    their sum over ``k ** power``: 1 is their mean (the rule the issue prescribes), 0 their sum
    (an experiment, see docs/distributed.md). ``saturate`` > 0 (an experiment) replaces the
    power by a per-row divisor from a model of saturating moves, see :func:`saturating_divisor`."""

    touches: float = 1.0
    max_period: int = 8
    power: float = 1.0
    saturate: float = 0.0
    momentum: float = 0.0  # block momentum over syncs (BMUF), an experiment: see momentum_step

    def __post_init__(self):
        if self.max_period < 1 or self.max_period & (self.max_period - 1):
            raise ValueError(f"max_period must be a power of two, got {self.max_period}")


NO_TIERS = SyncRule(1.0, 1)


def touch_rates(counts: np.ndarray, keep: np.ndarray, cfg, hs_points=None, hs_lengths=None,
                noise: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Expected touches of each row per stream word, per matrix: an input row when its word is
    kept (it then sits in about ``window`` contexts; a constant left to ``touches``), an output row
    as a target and as a noise word, an inner node whenever a word below it is a target."""
    f = counts.astype(np.float64) * keep.astype(np.float64)
    f /= max(float(counts.sum()), 1.0)
    rates = {"syn0": f}
    if cfg.negative:
        p = noise if noise is not None else np.zeros_like(f)
        rates["out_ns"] = f + cfg.negative * f.sum() * p
    if cfg.hs:
        node = np.zeros(max(len(f) - 1, 1))
        for w in range(len(f)):
            node[hs_points[w, : hs_lengths[w]]] += f[w]
        rates["out_hs"] = node
    if cfg.softmax:
        rates["out_sm"] = np.ones_like(f)
    return rates


def periods(rate: np.ndarray, sync_words: int, rule: SyncRule) -> np.ndarray:
    """Rounds between syncs of each row: a power of two from 1 to ``rule.max_period``."""
    expected = rate * float(sync_words)
    with np.errstate(divide="ignore"):
        steps = np.floor(np.log2(rule.touches / np.maximum(expected, 1e-300)))
    top = int(np.log2(rule.max_period))
    return (1 << np.clip(steps, 0, top).astype(np.int64)).astype(np.int64)


def due_period(round_in_epoch: int, rounds: int, max_period: int) -> int:
    """Rows whose period is at most this sync at round ``round_in_epoch`` (0-based) of an epoch
    of ``rounds``; the epoch's last round syncs every row."""
    if round_in_epoch >= rounds - 1:
        return max_period
    r = round_in_epoch + 1
    return min(r & -r, max_period)


class DueRows:
    """Which rows of one matrix sync at a given due period (a prefix when rows are sorted so)."""

    def __init__(self, period: np.ndarray):
        self.order = np.argsort(period, kind="stable").astype(np.int64)
        self.prefix = bool(np.all(self.order == np.arange(len(period))))
        ps = period[self.order]
        self._cut = {int(p): int(np.searchsorted(ps, p, side="right")) for p in np.unique(ps)}
        self.n = len(period)

    def count(self, due: int) -> int:
        return max((c for p, c in self._cut.items() if p <= due), default=0)

    def rows(self, due: int):
        n = self.count(due)
        return slice(0, n) if self.prefix else self.order[:n]


def changed(weights: np.ndarray, base: np.ndarray, due) -> tuple[np.ndarray, np.ndarray]:
    """The due rows a worker changed since the last sync: (row indices, their values)."""
    cur = weights[due]
    moved = np.any(cur != base[due], axis=1)
    if isinstance(due, slice):
        idx = np.flatnonzero(moved).astype(np.int32) + np.int32(due.start or 0)
    else:
        idx = due[moved].astype(np.int32)
    return idx, cur[moved]


def saturating_divisor(k, moves: np.ndarray) -> np.ndarray:
    """The divisor of the sum of ``k`` workers' changes of a row when each worker moved it by
    ``moves`` (learning rate x expected touches since the last sync): if each touch moves a row a
    share ``a`` of the way to where its data pull it, one worker's ``t`` touches move it
    ``1 - (1 - a)^t`` of the way and ``k t`` sequential touches ``1 - (1 - a)^(k t)``; the sum of
    the k moves over ``k (1 - e^-u) / (1 - e^-ku)`` (``u = a t``) matches the sequential move:
    the sum when rows move little (u -> 0), the mean when they saturate (u -> inf)."""
    u = np.asarray(moves, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = k * np.expm1(-u) / np.expm1(-k * u)
    return np.where(u > 1e-12, d, 1.0)


def combine_matrix(base: np.ndarray, idxs: list[np.ndarray], vals: list[np.ndarray], power: float = 1.0,
                   moves: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One matrix's sync from the workers' changed rows (in worker order); updates ``base`` and
    returns (rows, new values) for the workers. ``moves`` (per row of ``base``): the saturating
    divisor's ``u`` instead of ``k ** power``."""
    d = base.shape[1]
    if not any(len(i) for i in idxs):
        return np.zeros(0, np.int32), np.zeros((0, d), base.dtype)
    if all(len(i) == len(idxs[0]) and np.array_equal(i, idxs[0]) for i in idxs[1:]):
        return _combine_same_rows(base, idxs[0], vals, power, moves)
    rows, k = np.unique(np.concatenate(idxs), return_counts=True)
    order = [np.argsort(i, kind="stable") if len(i) > 1 and np.any(np.diff(i) < 0) else None for i in idxs]
    idxs = [i if o is None else i[o] for i, o in zip(idxs, order, strict=True)]
    vals = [v if o is None else v[o] for v, o in zip(vals, order, strict=True)]
    pos = [np.searchsorted(rows, i) for i in idxs]  # each worker's rows among the union, ascending
    div = _divisor(k, power) if moves is None else saturating_divisor(k, moves[rows])
    new = np.empty((len(rows), d), base.dtype)
    chunk = 2048
    for a in range(0, len(rows), chunk):  # cache-sized pieces of the union of the changed rows
        b = min(a + chunk, len(rows))
        b64 = base[rows[a:b]].astype(np.float64)
        acc = np.zeros_like(b64)
        spans = [(int(np.searchsorted(p, a)), int(np.searchsorted(p, b))) for p in pos]
        for p, v, (lo, hi) in zip(pos, vals, spans, strict=True):
            at = p[lo:hi] - a
            acc[at] += v[lo:hi].astype(np.float64) - b64[at]  # rows are unique within one worker's part
        new[a:b] = (b64 + acc / div[a:b, None]).astype(base.dtype)
        for p, v, (lo, hi) in zip(pos, vals, spans, strict=True):
            one = k[p[lo:hi]] == 1  # a row only this worker changed: its value, exactly
            new[p[lo:hi][one]] = v[lo:hi][one]
    base[rows] = new
    return rows.astype(np.int32), new


def _divisor(k, power: float):
    return k if power == 1.0 else np.power(np.asarray(k, dtype=np.float64), power)


def _combine_same_rows(base: np.ndarray, rows: np.ndarray, vals: list[np.ndarray], power: float, moves=None,
                       chunk: int = 2048):
    """Every worker changed the same rows (the hot rows, or all rows at a full sync): the same
    arithmetic as the general case, element for element, without the scatter, in chunks of rows
    that stay in cache (3-10x faster than whole-matrix temporaries)."""
    n = len(vals)
    rows = np.asarray(rows)
    if n == 1:
        new = np.array(vals[0], copy=True)
    else:
        new = np.empty_like(vals[0])
        for a in range(0, len(rows), chunk):
            b = min(a + chunk, len(rows))
            lo, hi = int(rows[a]), int(rows[b - 1])
            sel = slice(lo, hi + 1) if hi - lo + 1 == b - a else rows[a:b]
            b64 = base[sel].astype(np.float64)
            acc = np.zeros_like(b64)
            for v in vals:
                acc += v[a:b].astype(np.float64) - b64
            div = _divisor(n, power) if moves is None else saturating_divisor(n, moves[rows[a:b]])[:, None]
            new[a:b] = (b64 + acc / div).astype(base.dtype)
    contiguous = len(rows) and int(rows[-1]) - int(rows[0]) + 1 == len(rows)
    base[slice(int(rows[0]), int(rows[-1]) + 1) if contiguous else rows] = new
    return rows.astype(np.int32), new


def combine(base: dict[str, np.ndarray], parts: list[dict], power: float = 1.0, moves: dict | None = None
            ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The sync of every matrix: ``parts[w][name] = (rows, values)`` from worker ``w``."""
    return {name: combine_matrix(b, [p[name][0] for p in parts], [p[name][1] for p in parts], power,
                                 None if moves is None else moves[name])
            for name, b in base.items()}


def momentum_step(base: dict[str, np.ndarray], old: dict, update: dict, velocity: dict, eta: float) -> None:
    """Block momentum (BMUF, Chen and Huo 2016): a synced row moves by ``eta * its last move +
    this sync's change`` instead of the change alone; ``old`` holds the synced rows' values
    before the sync. Updates ``base``, ``velocity`` and the values in ``update`` in place."""
    for name, (rows, new) in update.items():
        if not len(rows):
            continue
        step = new.astype(np.float64) - old[name]
        step += eta * velocity[name][rows]
        velocity[name][rows] = step
        new[:] = (old[name] + step).astype(new.dtype)
        base[name][rows] = new


def apply(weights: dict[str, np.ndarray], update: dict, base: dict[str, np.ndarray] | None = None) -> None:
    """A worker takes the synced rows (and records them as its base, unless shared)."""
    for name, (rows, new) in update.items():
        if len(rows):
            weights[name][rows] = new
            if base is not None:
                base[name][rows] = new


def nbytes(obj) -> int:
    """Bytes of the arrays in a sync message."""
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, dict):
        return sum(nbytes(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return sum(nbytes(v) for v in obj)
    return 0
