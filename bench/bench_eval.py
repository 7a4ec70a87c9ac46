"""`w2v eval --json` against gensim's evaluators: same numbers? how much faster?

Each side runs as a whole process (start-up, imports, loading the vectors, every benchmark),
``--runs`` times; the table shows the median wall time and the numbers of the last run. It also
checks that `w2v similar` gives gensim's top-10 neighbours for a few frequent words.

    python bench/bench_eval.py /tmp/bench/c1.bin /tmp/bench/gs1.bin
    python bench/bench_eval.py VECTORS --gensim-python /work/peers/bin/python --runs 3

gensim runs in the interpreter given by ``--gensim-python`` (any Python with gensim 4.4);
w2v in this one. Nothing is trained here: pass the vector files to compare on.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

GENSIM_EVAL = r"""
import json, sys
from gensim.models import KeyedVectors
path, binary, questions, restrict = sys.argv[1], sys.argv[2] == "1", sys.argv[3], int(sys.argv[4])
pairs = sys.argv[5:]
kv = KeyedVectors.load_word2vec_format(path, binary=binary)
score, sections = kv.evaluate_word_analogies(questions, restrict_vocab=restrict)
out = {"analogy": score, "sections": {s["section"]: len(s["correct"]) for s in sections}}
for f in pairs:
    pearson, spearman, oov = kv.evaluate_word_pairs(f)
    out[f] = {"spearman": float(spearman[0]), "pearson": float(pearson[0]), "oov": float(oov)}
print(json.dumps(out))
"""

GENSIM_SIMILAR = r"""
import json, sys
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=sys.argv[2] == "1")
print(json.dumps({w: [n for n, _ in kv.most_similar(w, topn=10)] for w in sys.argv[3:]}))
"""


def w2v_command() -> list[str]:
    script = Path(sys.executable).with_name("w2v")
    if script.exists():
        return [str(script)]
    found = shutil.which("w2v")
    return [found] if found else [sys.executable, "-m", "w2v"]


ENV = dict(os.environ)


def timed(cmd: list[str], runs: int) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
        out = proc.stdout
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("vectors", nargs="+", help="word2vec .bin or .txt files to evaluate")
    ap.add_argument("--gensim-python", default="/work/peers/bin/python")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--restrict", type=int, default=30000)
    ap.add_argument("--blas-threads", type=int, default=None,
                    help="set OPENBLAS/OMP/MKL_NUM_THREADS for both sides (default: leave as is)")
    ap.add_argument("--words", default="king,france,good,water,city,war,music,science,house,money",
                    help="comma-separated words whose top-10 neighbours are compared")
    args = ap.parse_args()
    if args.blas_threads:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            ENV[var] = str(args.blas_threads)

    import w2v.datasets as datasets
    from w2v import formats

    questions = str(datasets.analogies_path())
    pair_files = [str(datasets.wordsim353_path()), str(datasets.simlex999_path())]
    rows = []
    for path in args.vectors:
        binary = "1" if formats.detect_format(path) == formats.BINARY else "0"
        g_time, g_out = timed([args.gensim_python, "-c", GENSIM_EVAL, path, binary, questions,
                               str(args.restrict), *pair_files], args.runs)
        w_time, w_out = timed([*w2v_command(), "eval", path, "--json", "--restrict", str(args.restrict)],
                              args.runs)
        g, w = json.loads(g_out), json.loads(w_out)
        row = {"file": os.path.basename(path), "gensim_s": g_time, "w2v_s": w_time,
               "speedup": g_time / w_time, "analogy_gensim": g["analogy"], "analogy_w2v": w["analogy"],
               "sections_equal": all(w["sections"][k]["correct"] == v for k, v in g["sections"].items()
                                     if k != "Total accuracy")}
        for f in pair_files:
            name = Path(f).name.split(".")[0]
            for key in ("spearman", "pearson", "oov"):
                row[f"{name}_{key}_diff"] = abs(g[f][key] - w[name][key])
        words = [x for x in args.words.split(",") if x]
        g_sim = json.loads(subprocess.run([args.gensim_python, "-c", GENSIM_SIMILAR, path, binary, *words],
                                          capture_output=True, text=True, check=True).stdout)
        proc = subprocess.run([*w2v_command(), "similar", path, *[x for x in words if x in g_sim], "--json"],
                              capture_output=True, text=True)
        w_sim = json.loads(proc.stdout) if proc.returncode == 0 else {}
        row["top10_same"] = f"{sum(g_sim[x] == [n for n, _ in w_sim.get(x, [])] for x in g_sim)}/{len(g_sim)}"
        rows.append(row)

    from rich.console import Console
    from rich.table import Table

    threads = f", BLAS threads {args.blas_threads}" if args.blas_threads else ""
    table = Table(title=f"w2v eval vs gensim (median of {args.runs} whole-process runs, restrict {args.restrict}{threads})")
    for col in ("file", "gensim s", "w2v s", "speed-up", "analogy gensim", "analogy w2v", "sections",
                "ws353 Δspearman", "simlex Δspearman", "Δpearson max", "top-10 same"):
        table.add_column(col, justify="left" if col == "file" else "right")
    for r in rows:
        table.add_row(
            r["file"], f"{r['gensim_s']:.2f}", f"{r['w2v_s']:.2f}", f"{r['speedup']:.1f}x",
            f"{r['analogy_gensim']:.4f}", f"{r['analogy_w2v']:.4f}", "equal" if r["sections_equal"] else "DIFFER",
            f"{r['wordsim353_spearman_diff']:.1e}", f"{r['simlex999_spearman_diff']:.1e}",
            f"{max(r['wordsim353_pearson_diff'], r['simlex999_pearson_diff']):.1e}", r["top10_same"],
        )
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
