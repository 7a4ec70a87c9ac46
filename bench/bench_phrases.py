"""`w2v phrases` against the original word2phrase on one corpus: whole-process wall time (median
of N runs, alternating), peak memory, identical output lines and the Jaccard index of the phrase
types formed. Prints a markdown table.

    python bench/bench_phrases.py /tmp/bench/devmix.txt
    python bench/bench_phrases.py CORPUS --runs 3 --min-count 5 --threshold 100 --passes2

Run it on an idle machine (check `uptime`). word2phrase keeps file names in 60-byte buffers, so
both tools run in a scratch folder on short relative names (a link to the corpus).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """(wall seconds, peak RSS in MB) of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    secs = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return secs, usage.ru_maxrss // 1024


def phrase_types(path: Path, delim: str, exclude: set[str]) -> set[str]:
    with open(path, "rb") as fh:
        return {t for t in fh.read().decode("utf-8", "surrogateescape").split() if delim in t} - exclude


def compare(ours: Path, ref: Path, input_types: set[str]) -> dict:
    a = ours.read_bytes().split(b"\n")
    b = ref.read_bytes().split(b"\n")
    n = max(len(a), len(b))
    same = sum(x == y for x, y in zip(a, b))
    same_tokens = sum(x.split() == y.split() for x, y in zip(a, b))
    ta, tb = phrase_types(ours, "_", input_types), phrase_types(ref, "_", input_types)
    return {
        "lines": (len(a), len(b)),
        "identical": same / n,
        "identical_tokens": same_tokens / n,
        "jaccard": len(ta & tb) / max(1, len(ta | tb)),
        "types": (len(ta), len(tb)),
        "only_ours": sorted(ta - tb)[:8],
        "only_ref": sorted(tb - ta)[:8],
        "long": sum(t.count("_") >= 2 for t in ta),
        "long_ref": sum(t.count("_") >= 2 for t in tb),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--threshold", type=float, default=100.0)
    ap.add_argument("--word2phrase", default="/work/peers/bin/word2phrase")
    ap.add_argument("--w2v", default=str(Path(sys.executable).with_name("w2v")))
    ap.add_argument("--passes2", action="store_true",
                    help="also compare --passes 2 with word2phrase run twice (threshold, then half)")
    ap.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-phrases-"))
    try:
        (work / "in.txt").symlink_to(args.corpus.resolve())
        mc, th = str(args.min_count), f"{args.threshold:g}"
        w2p = [args.word2phrase, "-train", "in.txt", "-output", "ref.txt", "-min-count", mc, "-threshold", th, "-debug", "0"]
        ours = [args.w2v, "phrases", "in.txt", "-o", "ours.txt", "--min-count", mc, "--threshold", th, "-q"]
        times: dict[str, list[float]] = {"word2phrase": [], "w2v phrases": []}
        mem: dict[str, int] = {}
        for _ in range(args.runs):
            for name, cmd in (("word2phrase", w2p), ("w2v phrases", ours)):
                secs, rss = timed(cmd, work)
                times[name].append(secs)
                mem[name] = max(mem.get(name, 0), rss)
        with open(work / "in.txt", "rb") as fh:
            input_types = {t for t in fh.read().decode("utf-8", "surrogateescape").split() if "_" in t}
        res = compare(work / "ours.txt", work / "ref.txt", input_types)
        timed(ours[:4] + ["ours_x.txt"] + ours[5:] + ["--cross-line-pairs"], work)
        res_x = compare(work / "ours_x.txt", work / "ref.txt", input_types)

        med = {k: statistics.median(v) for k, v in times.items()}
        load = os.getloadavg()[0]
        print(f"corpus: {args.corpus} ({args.corpus.stat().st_size / 1e6:.1f} MB), "
              f"min_count {mc}, threshold {th}, {args.runs} runs, load {load:.2f}, {os.cpu_count()} cores\n")
        print("| tool | wall time (median) | runs | peak memory |")
        print("|---|---:|---|---:|")
        for k in times:
            runs = ", ".join(f"{t:.2f}" for t in times[k])
            print(f"| {k} | {med[k]:.2f} s | {runs} | {mem[k]} MB |")
        print(f"\nspeed: w2v phrases takes {med['w2v phrases'] / med['word2phrase']:.2f}x word2phrase's time\n")
        print("| w2v phrases vs word2phrase | lines | identical lines | same tokens | Jaccard of phrase types | types (ours / theirs) |")
        print("|---|---|---:|---:|---:|---|")
        for label, r in (("default (pairs within lines)", res), ("--cross-line-pairs", res_x)):
            print(f"| {label} | {r['lines'][0]:,} / {r['lines'][1]:,} | {100 * r['identical']:.3f}% | "
                  f"{100 * r['identical_tokens']:.3f}% | {r['jaccard']:.4f} | {r['types'][0]:,} / {r['types'][1]:,} |")
        if res["only_ours"] or res["only_ref"]:
            print(f"\nonly in ours: {res['only_ours']}\nonly in word2phrase's: {res['only_ref']}")

        if args.passes2:
            half = f"{args.threshold / 2:g}"
            t2, _ = timed(ours[:4] + ["ours2.txt"] + ours[5:] + ["--passes", "2"], work)
            shutil.move(work / "ref.txt", work / "ref1.txt")
            timed([args.word2phrase, "-train", "ref1.txt", "-output", "ref2.txt", "-min-count", mc,
                   "-threshold", half, "-debug", "0"], work)
            r2 = compare(work / "ours2.txt", work / "ref2.txt", input_types)
            print(f"\ntwo passes (thresholds {th}, {half}) vs word2phrase run twice: identical lines "
                  f"{100 * r2['identical']:.2f}%, Jaccard {r2['jaccard']:.4f}, phrase types "
                  f"{r2['types'][0]:,} / {r2['types'][1]:,}, of 3+ words {r2['long']:,} / {r2['long_ref']:,} "
                  f"(w2v {t2:.2f} s for both passes)")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for f in work.glob("*.txt"):
                if f.name != "in.txt":
                    shutil.copy(f, args.keep / f.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
