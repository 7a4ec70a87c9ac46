#!/usr/bin/env python3
"""Speed of the counting pass (w2v.stream.scan): the byte engine on 1 and 2 threads against the
Python one, runs interleaved, in MB of text per second of wall time and per second of CPU time.

    cat /work/data/devmix.txt{,,,} > /tmp/devmix4.txt
    python bench/bench_count.py /tmp/devmix4.txt --repeat 3

Each run writes the id stream, as training does. CPU time is the process's (all threads, the
reading thread included): on a shared machine it is the figure to compare.
"""

from __future__ import annotations

import argparse
import os
import time

from w2v import bytescan
from w2v.corpus import TextSource
from w2v.stream import scan


def run(path: str, engine: str, threads: int) -> tuple[float, float, int]:
    t, c = time.perf_counter(), time.process_time()
    r = scan(TextSource([path]), engine=engine, threads=threads)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    if r.ids_path:
        os.unlink(r.ids_path)
    return wall, cpu, r.n_tokens


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--repeat", type=int, default=3)
    p = ap.parse_args()
    mb = os.path.getsize(p.corpus) / 1e6
    bytescan.warm()  # kernels loaded before timing
    configs = [("python", 1), ("auto", 1), ("auto", 2)]
    results: dict = {c: [] for c in configs}
    for _ in range(p.repeat):
        for c in configs:
            results[c].append(run(p.corpus, *c))
    print(f"{p.corpus}: {mb:.0f} MB, {results[configs[0]][0][2]:,} tokens")
    print(f"{'engine':8s} {'threads':>7s} {'wall s':>7s} {'CPU s':>7s} {'MB/s wall':>10s} {'MB/s CPU':>9s}")
    for (engine, threads), rs in results.items():
        wall = min(r[0] for r in rs)
        cpu = min(r[1] for r in rs)
        print(f"{engine:8s} {threads:7d} {wall:7.2f} {cpu:7.2f} {mb / wall:10.0f} {mb / cpu:9.0f}")


if __name__ == "__main__":
    main()
