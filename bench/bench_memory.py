#!/usr/bin/env python3
"""Peak memory of counting and training, each run in a process of its own.

    python bench/bench_memory.py train /work/data/devmix.txt --gensim /work/peers/bin/python
    python bench/bench_memory.py count /work/data/devmix.txt
    python bench/bench_memory.py prune --max-vocab 1000000 --lines 200000   # 20M distinct tokens

``train`` runs ``w2v train`` (CBOW, sample 1e-4, min-count 5, 5 epochs, 2 threads) and, given
``--gensim``, the same run in gensim. ``count`` runs the counting pass alone, with the byte engine and the Python
one. The table gives the peak RSS (the kernel's ru_maxrss of the process), the peak of its
anonymous (private) memory and of its file-backed pages (sampled every 5 ms), and CPU seconds.

``prune``: each line holds 100 tokens never seen before and 3 common ones; with
``max_vocab_size`` the table is pruned as word2vec C prunes it, so memory stays bounded while
the common words keep their exact counts.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import threading
import time

_GENSIM = ("from gensim.models import Word2Vec; from gensim.models.word2vec import LineSentence; "
           "m = Word2Vec(LineSentence({corpus!r}), vector_size=100, window=5, sample=1e-4, min_count=5, "
           "epochs=5, workers=2, sg=0, negative=5, alpha=0.05); "
           "m.wv.save_word2vec_format({out!r}, binary=True)")
_COUNT = ("import sys; from w2v.corpus import TextSource; from w2v.stream import scan; "
          "r = scan(TextSource(sys.argv[1]), engine=sys.argv[2], threads=2); print(len(r.words), r.n_tokens)")


def measure(cmd: list[str], env: dict | None = None) -> dict:
    """Run ``cmd``; its peak RSS (MB), peak anonymous and file-backed MB (sampled), CPU seconds."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    peaks = {"RssAnon": 0, "RssFile": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                with open(f"/proc/{proc.pid}/status") as fh:
                    for line in fh:
                        key, _, value = line.partition(":")
                        if key in peaks:
                            peaks[key] = max(peaks[key], int(value.split()[0]))
            except (OSError, ValueError):
                pass
            time.sleep(0.005)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    thread.join()
    if status:
        raise SystemExit(f"failed ({status}): {' '.join(cmd)}")
    return {"peak": usage.ru_maxrss / 1024, "anon": peaks["RssAnon"] / 1024, "file": peaks["RssFile"] / 1024,
            "cpu": usage.ru_utime + usage.ru_stime}


def table(rows: list[tuple[str, dict]]) -> None:
    print(f"{'run (MiB)':44s} {'peak RSS':>11s} {'anon':>8s} {'file':>8s} {'CPU s':>6s}")
    for name, r in rows:
        print(f"{name:44s} {r['peak']:11.0f} {r['anon']:8.0f} {r['file']:8.0f} {r['cpu']:6.1f}")


def w2v_cmd() -> list[str]:
    return [sys.executable, "-m", "w2v.cli"]


def train(p) -> None:
    out = "/tmp/bench-memory-vectors.bin"
    cmd = [*w2v_cmd(), "train", p.corpus, "-o", out, "--arch", "cbow", "--sample", "1e-4", "--min-count", "5",
           "--epochs", "5", "--threads", "2", "-q"]
    rows = []
    for rep in range(p.repeat):
        rows.append((f"w2v train ({rep + 1})", measure(cmd)))
        if p.gensim:
            rows.append((f"gensim 4.4.0 ({rep + 1})", measure([p.gensim, "-c", _GENSIM.format(corpus=p.corpus, out=out)])))
    table(rows)


def count(p) -> None:
    rows = []
    for rep in range(p.repeat):
        for engine in ("auto", "python"):
            rows.append((f"scan, engine={engine} ({rep + 1})", measure([sys.executable, "-c", _COUNT, p.corpus, engine])))
    table(rows)


def prune(p) -> None:
    from w2v.corpus import TokenSource
    from w2v.stream import scan

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.time()

    def lines():
        for i in range(p.lines):
            yield ["the", "of", "and"] + [f"tok{i}_{j}" for j in range(100)]

    r = scan(TokenSource(lines(), sentences_per_block=2000), max_vocab_size=p.max_vocab)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    counts = dict(zip(r.words, r.counts.tolist()))
    print(f"distinct tokens: {p.lines * 100 + 3:,}; max_vocab_size: {p.max_vocab:,}; kept: {len(r.words):,}; "
          f"pruned up to count {r.pruned_at}; peak RSS {peak / 1024:.0f} MB (start {base / 1024:.0f} MB); "
          f"'the' counted {counts['the']:,} times of {p.lines:,}; {time.time() - t0:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    t = sub.add_parser("train", help="peak memory of `w2v train` (and gensim's)")
    t.add_argument("corpus")
    t.add_argument("--gensim", help="a Python with gensim 4.4.0, to run the same training")
    t.add_argument("--repeat", type=int, default=2)
    c = sub.add_parser("count", help="peak memory of the counting pass")
    c.add_argument("corpus")
    c.add_argument("--repeat", type=int, default=2)
    q = sub.add_parser("prune", help="peak memory of counting with pruning (many distinct tokens)")
    q.add_argument("--max-vocab", type=int, default=1_000_000)
    q.add_argument("--lines", type=int, default=200_000)
    p = ap.parse_args()
    {"train": train, "count": count, "prune": prune}[p.what](p)


if __name__ == "__main__":
    main()
