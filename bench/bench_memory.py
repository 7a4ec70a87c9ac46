#!/usr/bin/env python3
"""Peak memory of the counting pass on a stream of very many distinct tokens.

    python bench/bench_memory.py --max-vocab 1000000 --lines 200000   # 20M distinct tokens

Each line holds 100 tokens never seen before and 3 common ones; with ``max_vocab_size`` the
table is pruned as word2vec C prunes it, so memory stays bounded while the common words keep
their exact counts.
"""

import argparse
import resource
import time

from w2v.corpus import TokenSource
from w2v.stream import scan


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-vocab", type=int, default=1_000_000)
    ap.add_argument("--lines", type=int, default=200_000)
    p = ap.parse_args()
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


if __name__ == "__main__":
    main()
