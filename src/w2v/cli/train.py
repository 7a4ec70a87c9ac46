"""`w2v train` (and `w2v demo`): read a corpus, build the vocabulary, train, write vectors."""

from __future__ import annotations

import json
import sys
import time
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import app


class Arch(str, Enum):
    skipgram = "skipgram"
    cbow = "cbow"


class Loss(str, Enum):
    ns = "ns"
    hs = "hs"
    softmax = "softmax"


class SampleFormula(str, Enum):
    c = "c"
    paper = "paper"


def _params(arch: Arch, loss: Loss, dim, window, negative, ns_exponent, min_count, max_vocab, sample,
            sample_formula, epochs, alpha, min_alpha, threads, seed, cbow_sum, shuffle=True) -> dict:
    from ..errors import ConfigError

    if negative is None:
        negative = 5 if loss == Loss.ns else 0
    if loss == Loss.ns and negative == 0:
        raise ConfigError("--loss ns needs --negative of at least 1")
    return dict(
        vector_size=dim, window=window, min_count=min_count, max_vocab_size=max_vocab, sample=sample,
        sample_formula=sample_formula.value, sg=int(arch == Arch.skipgram), hs=int(loss == Loss.hs),
        softmax=int(loss == Loss.softmax), negative=negative, ns_exponent=ns_exponent,
        cbow_mean=0 if cbow_sum else 1, alpha=alpha, min_alpha=min_alpha, epochs=epochs, workers=threads,
        seed=seed, shuffle=int(shuffle),
    )


@app.command()
def train(
    corpus: List[str] = typer.Argument(..., help="Text files or folders (plain, .gz, .bz2, .xz); '-' for stdin."),
    output: Path = typer.Option(..., "-o", "--output",
                                help="FILE.bin (word2vec binary), FILE.txt or .vec (text); anything else: a model folder."),
    arch: Arch = typer.Option(Arch.cbow, "--arch", help="skipgram: a word predicts its context; cbow: the context mean predicts the word."),
    loss: Loss = typer.Option(Loss.ns, "--loss", help="ns: negative sampling; hs: hierarchical softmax; softmax: exact (O(V) a step)."),
    dim: int = typer.Option(100, "--dim", "--size", help="Vector dimension."),
    window: int = typer.Option(5, "--window", help="Maximum context distance (shrunk at random per word)."),
    negative: Optional[int] = typer.Option(None, "--negative", help="Noise words per prediction [default: 5 with --loss ns, else 0; >0 with --loss hs trains both]."),
    ns_exponent: float = typer.Option(0.75, "--ns-exponent", help="Noise distribution: counts ** ns_exponent."),
    min_count: int = typer.Option(5, "--min-count", help="Drop words seen fewer times."),
    max_vocab: Optional[int] = typer.Option(30_000_000, "--max-vocab", help="Prune the rarest words while counting when the table grows past this."),
    sample: float = typer.Option(1e-3, "--sample", help="Subsampling threshold t (0: off)."),
    sample_formula: SampleFormula = typer.Option(SampleFormula.c, "--sample-formula", help="c: word2vec C's keep rule; paper: discard with 1 - sqrt(t/f)."),
    epochs: int = typer.Option(5, "--epochs", "--iter", help="Passes over the corpus."),
    alpha: Optional[float] = typer.Option(None, "--alpha", help="Starting learning rate [default: 0.025 skip-gram, 0.05 CBOW]."),
    min_alpha: float = typer.Option(0.0001, "--min-alpha", help="Learning rate at the end (linear decay)."),
    threads: Optional[int] = typer.Option(None, "--threads", "--workers", help="Worker threads [default: all cores]."),
    seed: int = typer.Option(1, "--seed", help="Random seed (one thread + same seed = identical vectors)."),
    cbow_sum: bool = typer.Option(False, "--cbow-sum", help="CBOW: sum the context vectors instead of averaging."),
    shuffle: bool = typer.Option(True, "--shuffle/--no-shuffle", help="Train the corpus's jobs (~32k words each) in a new random order each epoch; --no-shuffle: in file order, as word2vec C and gensim."),
    save_vocab: Optional[Path] = typer.Option(None, "--save-vocab", help="Write the vocabulary ('word count' a line)."),
    read_vocab: Optional[Path] = typer.Option(None, "--read-vocab", help="Use this vocabulary file instead of counting."),
    phrases: int = typer.Option(0, "--phrases", help="Learn N passes of phrases (new_york) first and train on the phrased corpus."),
    resume: Optional[Path] = typer.Option(None, "--resume", help="Continue the interrupted run saved in this checkpoint folder (its parameters apply; pass the same corpus)."),
    checkpoint: Optional[Path] = typer.Option(None, "--checkpoint", help="Checkpoint folder [default: OUTPUT.checkpoint]; written on interrupt and every --checkpoint-every minutes."),
    checkpoint_every: Optional[float] = typer.Option(None, "--checkpoint-every", help="Minutes between checkpoints during training."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write a training report (.html or .png) after each epoch and at the end."),
    eval_each_epoch: bool = typer.Option(False, "--eval-each-epoch", help="Evaluate analogies, WordSim-353 and SimLex-999 after each epoch (in the report and --json)."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary (with per-epoch loss) on stdout."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
    cluster: Optional[str] = typer.Option(None, "--cluster", help="Train across machines: ray (a local Ray, or the cluster RAY_ADDRESS names), auto (the cluster of `ray start`), ray://HOST:PORT; simulate runs --nodes logical workers in this process. See docs/distributed.md."),
    nodes: Optional[int] = typer.Option(None, "--nodes", help="Workers with --cluster [default: the cluster's nodes]."),
    sync_words: Optional[int] = typer.Option(None, "--sync-words", help="Words a worker trains between syncs with --cluster [default: 1,000,000]."),
) -> None:
    """Train word vectors on a corpus and write them to OUTPUT.

    Ctrl-C (or SIGTERM) stops at the next batch, writes a checkpoint and prints how to resume."""
    from .. import pages
    from ..atomic import check_writable
    from ..config import Config
    from ..errors import ConfigError

    pages.fix_mmap_threshold()  # before numba and numpy allocate (see w2v.pages)
    from ..model import load

    params = _params(arch, loss, dim, window, negative, ns_exponent, min_count, max_vocab, sample,
                     sample_formula, epochs, alpha, min_alpha, threads, seed, cbow_sum, shuffle)
    Config(**params)  # validate before touching the corpus
    if checkpoint_every is not None and checkpoint_every <= 0:
        raise ConfigError(f"--checkpoint-every must be a positive number of minutes, got {checkpoint_every}")
    if cluster is None and (nodes is not None or sync_words is not None):
        raise ConfigError("--nodes and --sync-words apply to --cluster runs only")
    if sync_words is not None and sync_words < 1:
        raise ConfigError(f"--sync-words must be at least 1, got {sync_words}")
    ckpt = checkpoint or Path(f"{output}.checkpoint")
    for path in (output, ckpt, save_vocab):
        if path is not None:
            check_writable(path)
    model = load(resume) if resume is not None else None
    if model is not None and not model.interrupted:
        raise ConfigError(f"{resume}: nothing to resume, the run finished all {model.epochs_done} epochs")
    state = _cluster_state(resume, cluster) if resume is not None else None
    tracker = None
    if report is not None or eval_each_epoch:
        from ..report import TrainingReport

        tracker = TrainingReport(report, eval_each_epoch=eval_each_epoch)  # checks matplotlib and the path now
    run = _Run(corpus, output, ckpt, checkpoint_every, tracker, quiet)
    if cluster is None:
        run.local(model, params, phrases, read_vocab, save_vocab)
    else:
        if phrases:
            raise ConfigError("--phrases does not combine with --cluster: run `w2v phrases` first and train on its output")
        run.cluster(model, params, state, cluster, nodes, sync_words, read_vocab, save_vocab)
    if run.model.interrupted:
        _tell_resume(run, corpus, output, ckpt, cluster)
        raise typer.Exit(128 + run.signum)
    _summary(run.model, output, run.seconds, quiet, json_out, tracker)


def _tell_resume(run: "_Run", corpus: List[str], output: Path, ckpt: Path, cluster: str | None) -> None:
    """Where an interrupted run stopped, and the command that resumes it."""
    sch = run.model.schedule
    extra = ["--cluster", cluster, "--nodes", str(run.nodes)] if cluster is not None else []
    resume_cmd = " ".join(["w2v", "train", "--resume", str(ckpt), *corpus, "-o", str(output), *extra])
    where = f"round {sch['job'] + 1} of " if cluster is not None else ""
    print(f"interrupted in {where}epoch {sch['epoch'] + 1}/{sch['total']}; checkpoint written to {ckpt}\n"
          f"resume with: {resume_cmd}", file=sys.stderr)


def _cluster_state(resume: Path, cluster: str | None):
    """A distributed checkpoint resumes only with --cluster, a local one only without."""
    from ..distributed.checkpoint import read_state
    from ..errors import ConfigError

    state = read_state(resume)
    if state is not None and cluster is None:
        raise ConfigError(f"{resume}: a checkpoint of a run on {state.nodes} nodes: resume it with --cluster ray "
                          f"--nodes {state.nodes}")
    if state is None and cluster is not None:
        raise ConfigError(f"{resume}: a checkpoint of a local run: resume it without --cluster")
    return state


class _Run:
    """One `w2v train` run, local or on a cluster: progress, signals, checkpoints, the report."""

    def __init__(self, corpus, output: Path, ckpt: Path, checkpoint_every, tracker, quiet: bool):
        self.corpus, self.output, self.ckpt = corpus, output, ckpt
        self.every = checkpoint_every * 60 if checkpoint_every else None
        self.tracker, self.quiet = tracker, quiet
        self.model = None
        self.signum = 0
        self.nodes = 0
        self.seconds = 0.0

    def local(self, model, params, phrases, read_vocab, save_vocab) -> None:
        from ..corpus import TextSource
        from ..model import Word2Vec
        from ..progress import Progress

        source = TextSource(self.corpus)
        progress = Progress("quiet" if self.quiet else "auto", total_bytes=source.total_bytes)
        t0 = time.perf_counter()
        with _Signals() as signals:
            try:
                if phrases:
                    source = _phrased(source, phrases, params["min_count"], progress)
                save_ckpt = (lambda m: m.save(self.ckpt)) if self.every else None
                if model is None:
                    model = Word2Vec(**params)
                    model.build_vocab(source, read_vocab=read_vocab, progress=progress)
                    if save_vocab is not None:
                        model.vocab.save(save_vocab)
                else:
                    model.use_corpus(source, progress)
                self.model = signals.model = model
                hooks = self.tracker.track(model, progress) if self.tracker is not None else progress
                if model.interrupted:
                    model.resume(None, progress=hooks, checkpoint=save_ckpt, checkpoint_every=self.every)
                else:
                    model.train(progress=hooks, checkpoint=save_ckpt, checkpoint_every=self.every)
                model.save(self.ckpt if model.interrupted else self.output)
            finally:
                self._finish(model, progress)
        self.signum = signals.signum
        self.seconds = time.perf_counter() - t0

    def cluster(self, model, params, state, cluster, nodes, sync_words, read_vocab, save_vocab) -> None:
        from ..distributed import checkpoint as dckpt
        from ..distributed import connect, fit
        from ..distributed.driver import WorkerLost
        from ..distributed.shards import file_table
        from ..errors import ConfigError, InputError
        from ..model import Word2Vec
        from ..progress import Progress
        from ..vocab import Vocab

        progress = Progress("quiet" if self.quiet else "auto")
        t0 = time.perf_counter()
        with _Signals() as signals:
            try:
                files = file_table(self.corpus)  # a missing path fails before Ray starts
                backend = connect(cluster, nodes if nodes is not None else (state.nodes if state else None))
                self.nodes = backend.n
                if model is None:
                    model = Word2Vec(**params)
                    if read_vocab is not None:
                        words, counts = Vocab.read_counts(read_vocab)
                        try:
                            model.build_vocab_from_freq(dict(zip(words, counts.tolist(), strict=True)))
                        except ConfigError as exc:
                            raise InputError(f"{read_vocab}: {exc}") from None
                self.model = model
                hooks = self.tracker.track(model, progress) if self.tracker is not None else progress

                def ready(m) -> None:  # counted: from now on Ctrl-C stops at a sync and checkpoints
                    if save_vocab is not None:
                        m.vocab.save(save_vocab)
                    signals.model = m

                try:
                    result = fit(model, self.corpus, backend, sync_words=sync_words, progress=hooks, files=files,
                                 checkpoint_path=self.ckpt, checkpoint_every=self.every, resume=state,
                                 on_ready=ready)
                except WorkerLost as exc:
                    cmd = " ".join(["w2v", "train", "--resume", str(self.ckpt), *self.corpus, "-o", str(self.output),
                                    "--cluster", cluster, "--nodes", str(self.nodes)])
                    raise WorkerLost(f"{exc}; resume with: {cmd}") from None
                if model.interrupted:
                    dckpt.save(model, self.ckpt, result.state)
                else:
                    model.save(self.output)
            finally:
                self._finish(model, progress)
        self.signum = signals.signum
        self.seconds = time.perf_counter() - t0

    def _finish(self, model, progress) -> None:
        if self.tracker is not None and model is not None and model.vocab is not None:
            self.tracker.finish(model)
        progress.close()


class _Signals:
    """SIGINT/SIGTERM: while training, ask the model to stop at the next batch (a checkpoint
    follows); before that (counting), abort at once."""

    def __init__(self):
        self.model = None
        self.signum = 0
        self._old = {}

    def _handle(self, signum, frame):
        self.signum = signum
        if self.model is not None:
            self.model.stop()
        else:
            exc = KeyboardInterrupt()
            exc.signum = signum
            raise exc

    def __enter__(self):
        import signal

        for sig in (signal.SIGINT, signal.SIGTERM):
            self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc):
        import signal

        for sig, old in self._old.items():
            signal.signal(sig, old)
        return False


def _phrased(source, passes: int, min_count: int, progress):
    from ..errors import ConfigError
    from ..phrases import Phrases

    if passes < 0:
        raise ConfigError(f"--phrases must be 0 or more, got {passes}")
    phr = Phrases(source, passes=passes, min_count=min_count, progress=progress)
    return phr.transform(source)


def _summary(model, output: Path, secs: float, quiet: bool, json_out: bool, tracker=None) -> None:
    h = model.history
    words = sum(e.words for e in h)
    epochs = tracker.epochs if tracker is not None else [e.to_dict() for e in h]
    info = {
        "output": str(output), "vocab_size": len(model.vocab), "corpus_words": model.corpus_words,
        "epochs": epochs, "seconds": round(secs, 3),
        "words_per_sec": round(words / max(secs, 1e-9)), "loss": h[-1].loss if h else None,
        "config": model.config.to_dict(),
    }
    if json_out:
        json.dump(info, sys.stdout, indent=2)
        print()
    elif not quiet:
        loss = f"loss {h[0].loss:.4f} -> {h[-1].loss:.4f}" if h else ""
        print(f"trained {model.corpus_words:,} words x {len(h)} epochs in {secs:.1f}s "
              f"({words / max(secs, 1e-9) / 1e3:,.0f}k words/s), vocabulary {len(model.vocab):,}, {loss}; "
              f"wrote {output}", file=sys.stderr)


@app.command()
def demo(
    output: Path = typer.Option(Path("out/demo.bin"), "-o", "--output", help="Where to write the vectors."),
    epochs: int = typer.Option(5, "--epochs", help="Passes over the bundled corpus."),
    threads: Optional[int] = typer.Option(None, "--threads", help="Worker threads [default: all cores]."),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Train skip-gram on the bundled public-domain corpus (0.67M words) and show neighbours."""
    from rich.console import Console
    from rich.table import Table

    from ..datasets import sample_path
    from ..model import Word2Vec
    from ..progress import Progress

    corpus = sample_path()
    progress = Progress("quiet" if quiet else "auto")
    t0 = time.perf_counter()
    try:
        model = Word2Vec(str(corpus), sg=1, vector_size=100, window=5, negative=5, sample=1e-3, min_count=5,
                         epochs=epochs, workers=threads, progress=progress)
        model.save(output)
    finally:
        progress.close()
    secs = time.perf_counter() - t0
    _summary(model, output, secs, quiet, False)
    wv = model.wv
    table = Table(title=f"nearest neighbours ({output})")
    table.add_column("word", style="bold")
    table.add_column("neighbours (cosine)")
    for word in ("king", "father", "three", "god", "money", "war", "love", "water"):
        if word in wv:
            table.add_row(word, ", ".join(f"{w} {s:.2f}" for w, s in wv.most_similar(word, topn=6)))
    Console().print(table)
    print(f"\nNext: w2v similar {output} king   |   w2v eval {output}   |   w2v train --help")
