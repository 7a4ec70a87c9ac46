#!/usr/bin/env python3
"""Distributed training: quality against the number of workers (simulator), bytes per sync, the
cost of a Ray sync over loopback, Ray against a local run, and a *modelled* 10B-word run.

    # quality: N logical workers in one process (the same driver and sync rule as Ray)
    python bench/bench_distributed.py quality --arch cbow --nodes 1 2 4 8 16 32 --seeds 1 2 3 --spark 8 32
    # what one Ray sync costs over loopback (put + two actors + combine), by bytes
    python bench/bench_distributed.py sync-cost
    # two Ray workers of one thread against a local 2-thread run (whole-process wall time)
    python bench/bench_distributed.py speed --corpus /tmp/devmix2.txt --runs 3
    # the modelled wall time of a 10B-word, 5-epoch run (needs the two measurements above)
    python bench/bench_distributed.py model --words-per-sec 1.3e6 --sync-fixed 0.013 --sync-ms-per-mb 1.74

Every quality row is a mean over seeds (one run is not evidence of a difference under one analogy
point). Results are appended as JSON lines to ``--log`` so long sweeps can be resumed and re-tabled.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))

PARAMS = dict(vector_size=100, window=5, negative=5, sample=1e-4, min_count=5, epochs=5)


def plain_corpus(path: str, work: Path) -> str:
    if not path.endswith(".xz"):
        return path
    out = work / Path(path).name[:-3]
    if not out.exists():
        with lzma.open(path, "rb") as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 24)
    return str(out)


def evaluate(kv) -> dict:
    from w2v.datasets import simlex999_path
    from w2v.evaluate import evaluate_word_analogies, evaluate_word_pairs

    return {"analogy": evaluate_word_analogies(kv, restrict_vocab=30000).accuracy,
            "ws353": evaluate_word_pairs(kv).spearman,
            "simlex": evaluate_word_pairs(kv, simlex999_path()).spearman}


# -- quality --------------------------------------------------------------------------------

def quality_run(corpus: str, arch: str, nodes: int, seed: int, sync_words: int, touches: float,
                max_period: int, parallel: int, power: float = 1.0, saturate: float = 0.0,
                momentum: float = 0.0) -> dict:
    from w2v import Word2Vec
    from w2v.distributed import SyncRule, connect, fit

    model = Word2Vec(sg=int(arch == "sg"), seed=seed, workers=1, **PARAMS)
    t0 = time.perf_counter()
    res = fit(model, corpus, connect("simulate", nodes, parallel=parallel), sync_words=sync_words,
              rule=SyncRule(touches, max_period, power, saturate, momentum))
    secs = time.perf_counter() - t0
    t = res.traffic
    return {"arch": arch, "nodes": nodes, "seed": seed, "sync_words": sync_words, "touches": touches,
            "max_period": max_period, "power": power, "saturate": saturate, "momentum": momentum, "rounds": res.plan.rounds, "syncs": t.syncs, "up": t.up, "down": t.down,
            "vocab": len(model.vocab), "seconds": round(secs, 1), **evaluate(model.wv)}


def cmd_quality(p) -> None:
    work = Path(p.work or tempfile.mkdtemp(prefix="w2v-dist-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = plain_corpus(p.corpus, work)
    log = Path(p.log)
    done = _read_log(log)
    plan = [(n, s, p.sync_words, p.touches, p.max_period, p.power, p.saturate, p.momentum)
            for n in p.nodes for s in p.seeds]
    plan += [(n, s, 10**12, 1.0, 1, 1.0, 0.0, 0.0) for n in p.spark for s in p.seeds]  # Spark: one merge an epoch
    for n, seed, sw, touches, mp, pw, sat, mom in plan:
        key = (p.arch, n, seed, sw, touches, mp, pw, sat, mom)
        if key in done:
            continue
        row = quality_run(corpus, p.arch, n, seed, sw, touches, mp, p.parallel, pw, sat, mom)
        with open(log, "a") as fh:
            fh.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)
    table(_read_log(log), p.arch)


def _read_log(log: Path) -> dict:
    rows = {}
    if log.exists():
        for line in log.read_text().splitlines():
            r = json.loads(line)
            rows[(r["arch"], r["nodes"], r["seed"], r["sync_words"], r["touches"], r["max_period"],
                  r.get("power", 1.0), r.get("saturate", 0.0), r.get("momentum", 0.0))] = r
    return rows


def table(rows: dict, arch: str | None = None) -> None:
    groups: dict = {}
    for r in rows.values():
        if arch and r["arch"] != arch:
            continue
        groups.setdefault((r["arch"], r["sync_words"], r["touches"], r["max_period"], r.get("power", 1.0),
                           r.get("saturate", 0.0), r.get("momentum", 0.0), r["nodes"]), []).append(r)
    print("| arch | rule | N | seeds | analogy | WS353 | SimLex | syncs | MB per sync (up+down) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for (a, sw, t, mp, pw, sat, mom, n), rs in sorted(groups.items()):
        rule = "Spark (1 merge/epoch)" if sw >= 10**12 else f"S={sw:,} tiers {t:g}/{mp}"
        rule += "" if pw == 1.0 or sat else f" sum/k^{pw:g}"
        rule += f" saturating x{sat:g}" if sat else ""
        rule += f" momentum {mom:g}" if mom else ""

        def ms(k, rs=rs):
            v = [r[k] for r in rs]
            sd = statistics.stdev(v) if len(v) > 1 else 0.0
            return f"{100 * statistics.mean(v):.1f} ± {100 * sd:.1f}"

        mb = statistics.mean((r["up"] + r["down"]) / max(r["syncs"], 1) / 1e6 for r in rs)
        print(f"| {a} | {rule} | {n} | {len(rs)} | {ms('analogy')} | {ms('ws353')} | {ms('simlex')} | "
              f"{rs[0]['syncs']} | {mb:.1f} |")


# -- the cost of a Ray sync -----------------------------------------------------------------

def cmd_sync_cost(p) -> None:
    """Two actors send ``rows x d`` float32 rows, the driver combines and sends the result back:
    one sync as the Ray backend does it, timed over loopback for several sizes."""
    import numpy as np
    import ray

    from w2v.distributed import sync

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)

    @ray.remote(num_cpus=1)
    class Side:
        def __init__(self, rows, d, seed):
            rng = np.random.default_rng(seed)
            self.w = rng.standard_normal((rows, d)).astype(np.float32)
            self.base = self.w.copy()

        def step(self, update):
            if update is not None:
                sync.apply({"m": self.w}, update, {"m": self.base})
            self.w += np.float32(1e-3)
            return {"m": sync.changed(self.w, self.base, slice(0, len(self.w)))}

    print("| rows x d | MB per worker up | seconds per sync (median of 5) |")
    print("|---|---:|---:|")
    fits = []
    for rows in p.rows:
        d = p.dim
        sides = [Side.remote(rows, d, s) for s in range(2)]
        base = {"m": np.zeros((rows, d), np.float32)}
        update = None
        times = []
        for _ in range(6):
            t0 = time.perf_counter()
            ref = ray.put(update) if update is not None else None
            outs = ray.get([s.step.remote(ref) for s in sides])
            update = sync.combine(base, outs)
            times.append(time.perf_counter() - t0)
        med = statistics.median(times[1:])
        mb = rows * (d * 4 + 4) / 1e6
        fits.append((mb * 4, med))  # bytes moved: 2 up + 2 down
        print(f"| {rows:,} x {d} | {mb:.1f} | {med:.4f} |")
        for s in sides:
            ray.kill(s)
    x = np.array([f[0] for f in fits])
    y = np.array([f[1] for f in fits])
    slope, icpt = np.polyfit(x, y, 1)
    print(f"\nfit: seconds = {icpt:.4f} + {slope * 1e3:.3f} ms per MB moved "
          f"({1 / max(slope, 1e-12) / 1e3 * 8:.2f} Gbit/s effective)")
    ray.shutdown()


# -- speed: Ray against local ---------------------------------------------------------------

def cmd_speed(p) -> None:
    w2v = str(Path(sys.executable).parent / "w2v")
    work = Path(p.work or tempfile.mkdtemp(prefix="w2v-dist-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = plain_corpus(p.corpus, work)
    base = ["--dim", "100", "--window", "5", "--negative", "5", "--sample", "1e-4", "--min-count", "5",
            "--epochs", "5", "-q"]
    for arch in p.archs:
        runs = {"local 2 threads": ["--threads", "2"],
                "ray 2 workers x 1 thread": ["--threads", "1", "--cluster", "ray", "--nodes", "2"]}
        times: dict = {k: [] for k in runs}
        quality: dict = {k: [] for k in runs}
        for i in range(p.runs):
            for name in (list(runs) if i % 2 == 0 else list(runs)[::-1]):
                out = work / f"{arch}-{i}.bin"
                cmd = [w2v, "train", corpus, "-o", str(out), "--arch", arch, *base, *runs[name]]
                t0 = time.perf_counter()
                r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   env={**os.environ, "RAY_ADDRESS": ""})
                if r.returncode:
                    sys.exit(r.stderr.decode()[-2000:])
                times[name].append(time.perf_counter() - t0)
                from w2v.vectors import KeyedVectors

                quality[name].append(evaluate(KeyedVectors.load(out))["analogy"])
        ref = statistics.median(times["local 2 threads"])
        for name in runs:
            med = statistics.median(times[name])
            print(f"| {arch} | {name} | {p.runs} | {med:.1f} s | {med / ref:.2f}x | "
                  f"{100 * statistics.mean(quality[name]):.1f} |", flush=True)


# -- the model of a large run ---------------------------------------------------------------

def cmd_model(p) -> None:
    """Modelled (not measured) wall time of ``words`` x ``epochs`` on ``nodes`` nodes."""
    row_bytes = p.dim * 4 + 4
    print(f"MODELLED: {p.words:.0e} words x {p.epochs} epochs; V = {p.vocab:,}, d = {p.dim}, S = {p.sync_words:,}; "
          f"a node trains {p.words_per_sec:,.0f} words/s; a sync costs {p.sync_fixed * 1e3:.1f} ms, plus "
          f"{p.sync_ms_per_mb:.2f} ms of driver CPU per MB it moves, plus its bytes at the link speed; a round "
          f"moves {p.hot_share:.0%} of the rows of the two matrices up and down (a full sync every "
          f"{p.full_every} rounds and at each epoch's end moves all), star topology through the driver's link.")
    print("| nodes | link | rounds | GB per round at the driver | compute | sync (star, built) | total (modelled) "
          "| total if row-sharded (not built) |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for nodes in p.nodes:
        for gbit in p.links:
            per_node = p.words / nodes
            rounds_per_epoch = max(1, int(per_node // p.sync_words))
            rounds = rounds_per_epoch * p.epochs
            compute = p.words * p.epochs / (nodes * p.words_per_sec)
            rows = 2 * p.vocab * p.hot_share
            full_rows = 2 * p.vocab
            per_round = 2 * nodes * rows * row_bytes  # up and down, every worker, through one link
            per_full = 2 * nodes * full_rows * row_bytes
            link = gbit * 1e9 / 8
            cpu = p.sync_ms_per_mb / 1e3 / 1e6  # seconds per byte moved at the driver
            fulls = p.epochs + max(0, rounds // p.full_every - p.epochs)
            sync_s = ((rounds - fulls) * (p.sync_fixed + per_round * (cpu + 1 / link))
                      + fulls * (p.sync_fixed + per_full * (cpu + 1 / link)))
            # row-sharded: each node combines 1/N of the rows; each link carries twice a worker's bytes
            w_round, w_full = 2 * rows * row_bytes, 2 * full_rows * row_bytes
            shard_s = ((rounds - fulls) * (p.sync_fixed + w_round * (cpu + 1 / link))
                       + fulls * (p.sync_fixed + w_full * (cpu + 1 / link)))
            print(f"| {nodes} | {gbit:g} Gbit/s | {rounds:,} | {per_round / 1e9:.2f} | {_hms(compute)} | "
                  f"{_hms(sync_s)} | {_hms(compute + sync_s)} | {_hms(compute + shard_s)} |")


def _hms(s: float) -> str:
    return f"{s / 3600:.1f} h" if s >= 3600 else f"{s / 60:.1f} min"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--corpus", default=str(REPO.parent / "shared" / "data" / "devmix.txt.xz"))
    q.add_argument("--arch", choices=["cbow", "sg"], default="cbow")
    q.add_argument("--nodes", type=int, nargs="*", default=[1, 2, 4, 8, 16, 32])
    q.add_argument("--spark", type=int, nargs="*", default=[8, 32], help="N for rows with Spark's rule")
    q.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    q.add_argument("--sync-words", type=int, default=None)
    q.add_argument("--touches", type=float, default=None)
    q.add_argument("--max-period", type=int, default=None)
    q.add_argument("--power", type=float, default=1.0, help="deltas combine as sum / k**power (1: mean)")
    q.add_argument("--saturate", type=float, default=0.0, help="saturating divisor, scale of u (0: off)")
    q.add_argument("--momentum", type=float, default=0.0, help="block momentum over syncs (BMUF; 0: off)")
    q.add_argument("--parallel", type=int, default=2, help="logical workers stepping at once")
    q.add_argument("--log", default="bench-distributed.jsonl")
    q.add_argument("--work", default=None)
    c = sub.add_parser("sync-cost")
    c.add_argument("--rows", type=int, nargs="+", default=[1000, 10000, 50000, 100000])
    c.add_argument("--dim", type=int, default=100)
    s = sub.add_parser("speed")
    s.add_argument("--corpus", default="/tmp/devmix2.txt")
    s.add_argument("--archs", nargs="+", default=["cbow", "skipgram"])
    s.add_argument("--runs", type=int, default=3)
    s.add_argument("--work", default=None)
    m = sub.add_parser("model")
    m.add_argument("--words", type=float, default=10e9)
    m.add_argument("--epochs", type=int, default=5)
    m.add_argument("--vocab", type=int, default=2_000_000)
    m.add_argument("--dim", type=int, default=300)
    m.add_argument("--sync-words", type=int, default=None)
    m.add_argument("--hot-share", type=float, default=0.05, help="share of rows a non-final round syncs")
    m.add_argument("--words-per-sec", type=float, required=True, help="one node, measured")
    m.add_argument("--sync-fixed", type=float, required=True, help="seconds of a sync apart from bytes, measured")
    m.add_argument("--sync-ms-per-mb", type=float, required=True, help="driver CPU ms per MB moved, measured")
    m.add_argument("--full-every", type=int, default=8, help="rounds between full syncs (the longest tier)")
    m.add_argument("--nodes", type=int, nargs="+", default=[8, 32, 128])
    m.add_argument("--links", type=float, nargs="+", default=[10, 100])
    t = sub.add_parser("table")
    t.add_argument("--log", default="bench-distributed.jsonl")
    t.add_argument("--arch", default=None)
    p = ap.parse_args()
    if p.cmd == "quality":
        from w2v.distributed import DEFAULT_SYNC_WORDS, DEFAULT_RULE

        p.sync_words = p.sync_words or DEFAULT_SYNC_WORDS
        p.touches = p.touches if p.touches is not None else DEFAULT_RULE.touches
        p.max_period = p.max_period or DEFAULT_RULE.max_period
        cmd_quality(p)
    elif p.cmd == "sync-cost":
        cmd_sync_cost(p)
    elif p.cmd == "speed":
        cmd_speed(p)
    elif p.cmd == "model":
        from w2v.distributed import DEFAULT_SYNC_WORDS

        p.sync_words = p.sync_words or DEFAULT_SYNC_WORDS
        cmd_model(p)
    else:
        table(_read_log(Path(p.log)), p.arch)


if __name__ == "__main__":
    main()
