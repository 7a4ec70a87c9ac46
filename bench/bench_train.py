#!/usr/bin/env python3
"""Train w2v, gensim and word2vec C side by side on one corpus and print speed and quality.

Every tool gets the same corpus (decompressed once to plain text, since word2vec C reads only
that), the same parameters and threads. Each tool runs once per seed (``--seeds``), the runs of
the tools interleaved; the table gives the median whole-process wall time with its ratio to
w2v's, and the quality as the mean over the seeds with its spread (standard deviation). Quality
is measured for every tool's vectors with one evaluator (gensim's, the reference the issues
name): analogy accuracy on the 30,000 most frequent words, Spearman on WordSim-353 and
SimLex-999. word2vec C takes no seed: its runs differ by thread timing.

``gensim`` is ``Word2Vec(LineSentence(path), ...)``, whose learning rate falls with the
sentences read; ``gensim-words`` builds the vocabulary and then trains with ``total_words``, so
its rate falls with the words read, as word2vec C's and w2v's do; ``gensim-corpus_file`` is
gensim's ``corpus_file`` mode.

``--variant NAME="ARGS"`` adds a w2v run with extra command-line arguments (an experiment
beside the default), e.g. ``--variant minalpha="--min-alpha 0.005"``.

Peers live in their own virtual environment (default /work/peers, made with
`python -m venv PEERS && PEERS/bin/pip install gensim==4.4.0 word2vec==0.11.1`).

    python bench/bench_train.py --corpus ../shared/data/devmix.txt.xz --seeds 1 2 3 \
        --configs sg-ns cbow-ns sg-hs cbow-hs --markdown /tmp/train.md
"""

from __future__ import annotations

import argparse
import json
import lzma
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EVAL = REPO / "src" / "w2v" / "data"

CONFIGS = {
    "sg-ns": dict(sg=1, hs=0, negative=5, alpha=0.025),
    "cbow-ns": dict(sg=0, hs=0, negative=5, alpha=0.05),
    "sg-hs": dict(sg=1, hs=1, negative=0, alpha=0.025),
    "cbow-hs": dict(sg=0, hs=1, negative=0, alpha=0.05),
}

GENSIM = """
import sys
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence
corpus, out, sg, hs, neg, alpha, dim, win, sample, mc, ep, thr, mode, seed = sys.argv[1:]
kw = dict(vector_size=int(dim), window=int(win), negative=int(neg), hs=int(hs), sample=float(sample),
          min_count=int(mc), epochs=int(ep), workers=int(thr), sg=int(sg), alpha=float(alpha), seed=int(seed))
if mode == "corpus_file":
    m = Word2Vec(corpus_file=corpus, **kw)
elif mode == "words":  # the rate decays with words read, not sentences
    m = Word2Vec(**kw)
    m.build_vocab(LineSentence(corpus))
    m.train(LineSentence(corpus), total_words=m.corpus_total_words, epochs=m.epochs)
else:
    m = Word2Vec(LineSentence(corpus), **kw)
m.wv.save_word2vec_format(out, binary=True)
"""

EVALUATE = """
import json, sys
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
d = sys.argv[2]
a = kv.evaluate_word_analogies(d + "/questions-words.txt", restrict_vocab=30000)[0]
ws = kv.evaluate_word_pairs(d + "/wordsim353.tsv")[1][0]
sl = kv.evaluate_word_pairs(d + "/simlex999.txt")[1][0]
print(json.dumps({"analogy": a, "ws353": ws, "simlex": sl, "vocab": len(kv)}))
"""


def plain_corpus(path: Path, work: Path) -> Path:
    if path.suffix != ".xz":
        return path
    out = work / path.name[:-3]
    if not out.exists():
        with lzma.open(path, "rb") as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 24)
    return out


def commands(tool: str, cfg: dict, p: argparse.Namespace, corpus: Path, out: Path, seed: int) -> list[str]:
    if tool == "w2v" or tool in p.variants:
        loss = ["--loss", "hs", "--negative", "0"] if cfg["hs"] else ["--loss", "ns", "--negative", str(cfg["negative"])]
        return [p.w2v, "train", str(corpus), "-o", str(out), "--arch", "skipgram" if cfg["sg"] else "cbow", *loss,
                "--dim", str(p.dim), "--window", str(p.window), "--sample", str(p.sample), "--min-count",
                str(p.min_count), "--epochs", str(p.epochs), "--threads", str(p.threads), "--alpha",
                str(cfg["alpha"]), "--seed", str(seed), "-q", *shlex.split(p.variants.get(tool, ""))]
    if tool.startswith("gensim"):
        mode = {"gensim-corpus_file": "corpus_file", "gensim-words": "words"}.get(tool, "iterable")
        return [str(Path(p.peers) / "bin" / "python"), "-c", GENSIM, str(corpus), str(out), str(cfg["sg"]),
                str(cfg["hs"]), str(cfg["negative"]), str(cfg["alpha"]), str(p.dim), str(p.window), str(p.sample),
                str(p.min_count), str(p.epochs), str(p.threads), mode, str(seed)]
    if tool == "word2vec-c":
        return [str(Path(p.peers) / "bin" / "word2vec"), "-train", str(corpus), "-output", str(out), "-binary", "1",
                "-size", str(p.dim), "-window", str(p.window), "-negative", str(cfg["negative"]), "-hs",
                str(cfg["hs"]), "-sample", str(p.sample), "-min-count", str(p.min_count), "-iter", str(p.epochs),
                "-threads", str(p.threads), "-cbow", str(1 - cfg["sg"]), "-alpha", str(cfg["alpha"])]
    raise ValueError(tool)


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    secs = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd[:3])} ...\n{r.stderr.decode()[-2000:]}")
    return secs


def quality(p: argparse.Namespace, vectors: Path) -> dict:
    r = subprocess.run([str(Path(p.peers) / "bin" / "python"), "-c", EVALUATE, str(vectors), str(EVAL)],
                       capture_output=True, check=True)
    return json.loads(r.stdout)


def _mean_sd(values: list[float]) -> tuple[float, float]:
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def _row(name: str, tool: str, times: list[float], quals: list[dict], base: float | None) -> dict:
    med = statistics.median(times)
    row = {"config": name, "tool": tool, "seconds": med, "runs": times, "ratio": med / base if base else None,
           "vocab": quals[0]["vocab"], "per_seed": quals}
    for key in ("analogy", "ws353", "simlex"):
        row[key], row[key + "_sd"] = _mean_sd([q[key] for q in quals])
    return row


def table(rows: list[dict]) -> str:
    lines = ["| config | tool | wall s (median) | x w2v time | analogy | WS-353 | SimLex-999 | vocab |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ratio = f"{r['ratio']:.2f}" if r["ratio"] else "-"
        lines.append(f"| {r['config']} | {r['tool']} | {r['seconds']:.1f} | {ratio} | "
                     f"{r['analogy']:.4f} ± {r['analogy_sd']:.4f} | {r['ws353']:.3f} ± {r['ws353_sd']:.3f} | "
                     f"{r['simlex']:.3f} ± {r['simlex_sd']:.3f} | {r['vocab']} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "data" / "devmix.txt.xz"))
    ap.add_argument("--configs", nargs="+", default=["sg-ns", "cbow-ns"], choices=list(CONFIGS))
    ap.add_argument("--tools", nargs="+", default=["w2v", "gensim", "word2vec-c"],
                    choices=["w2v", "gensim", "gensim-corpus_file", "gensim-words", "word2vec-c"])
    ap.add_argument("--variant", action="append", default=[], metavar='NAME="ARGS"',
                    help="an extra w2v run with these extra arguments (repeatable)")
    ap.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3], help="one run per seed and tool")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--sample", type=float, default=1e-4)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--peers", default="/work/peers")
    ap.add_argument("--w2v", default=shutil.which("w2v") or str(Path(sys.executable).parent / "w2v"))
    ap.add_argument("--work", default=None, help="folder for the plain corpus and vectors [temporary]")
    ap.add_argument("--markdown", default=None, help="also write the table as Markdown to this file")
    p = ap.parse_args()
    p.variants = dict(v.split("=", 1) for v in p.variant)
    tools = p.tools + list(p.variants)

    work = Path(p.work or tempfile.mkdtemp(prefix="w2v-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = plain_corpus(Path(p.corpus), work)
    rows = []
    for name in p.configs:
        cfg = CONFIGS[name]
        times: dict[str, list[float]] = {t: [] for t in tools}
        quals: dict[str, list[dict]] = {t: [] for t in tools}
        for run, seed in enumerate(p.seeds):
            order = tools[run % len(tools):] + tools[: run % len(tools)]
            for tool in order:
                out = work / f"{name}-{tool}-{seed}.bin"
                secs = timed(commands(tool, cfg, p, corpus, out, seed))
                times[tool].append(secs)
                quals[tool].append(quality(p, out))
                out.unlink()
                q = quals[tool][-1]
                print(f"{name:8s} {tool:18s} seed {seed}: {secs:6.1f}s  analogy {q['analogy']:.4f}  "
                      f"ws {q['ws353']:.3f}  sl {q['simlex']:.3f}", file=sys.stderr, flush=True)
        base = statistics.median(times["w2v"]) if "w2v" in times else None
        rows.extend(_row(name, tool, times[tool], quals[tool], base) for tool in tools)
    text = table(rows)
    cmd = "python bench/bench_train.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    print(text)
    print(f"\ncommand: {cmd}\nseeds: {p.seeds}, threads: {p.threads}, corpus: {p.corpus}")
    (work / "results.json").write_text(json.dumps(rows, indent=2))
    if p.markdown:
        Path(p.markdown).write_text(f"{text}\n\nCommand: `{cmd}` (seeds {p.seeds}: median wall time, "
                                    f"quality mean ± sd; {p.threads} threads; corpus `{Path(p.corpus).name}`).\n")


if __name__ == "__main__":
    main()
