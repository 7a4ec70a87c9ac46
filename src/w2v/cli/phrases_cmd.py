"""`w2v phrases`: learn phrases on a corpus (or load them) and write the corpus with them joined."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import List, Optional

import typer

from . import app


class _Reporter:
    """Progress on stderr: a rich bar per stage on a terminal, a plain line every few seconds
    otherwise, nothing with --quiet. Called as ``reporter(stage, done, total)``."""

    def __init__(self, quiet: bool, every: float = 10.0):
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.every = every
        self.t0 = time.perf_counter()
        self.last = 0.0
        self.bar = None
        self.task = None
        self.stage = None

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if self.quiet:
            return
        if self.tty:
            if stage != self.stage:
                self._stop()
                from rich.console import Console
                from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

                self.bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                                    TextColumn("{task.percentage:>5.1f}%"), TimeElapsedColumn(),
                                    TextColumn("eta"), TimeRemainingColumn(),
                                    console=Console(file=sys.stderr), transient=True)
                self.bar.start()
                self.task = self.bar.add_task(stage, total=total)
                self.stage = stage
            self.bar.update(self.task, completed=done, total=total)
            return
        now = time.perf_counter()
        if now - self.last >= self.every:
            self.last = now
            amount = f"{100.0 * done / total:5.1f}%" if total else f"{done:,}"
            print(f"[w2v {now - self.t0:7.1f}s] phrases {stage}: {amount}", file=sys.stderr, flush=True)

    def _stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
            self.stage = None

    def close(self) -> None:
        self._stop()


def _read_connectors(path: Path) -> list[str]:
    from ..errors import InputError

    try:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise InputError(f"{path}: cannot read connector words ({exc.strerror or exc})") from exc
    words = text.split()
    if not words:
        raise InputError(f"{path}: no connector words in the file")
    return words


@app.command("phrases")
def phrases(
    corpus: List[str] = typer.Argument(..., help="Text files or folders (plain, .gz, .bz2, .xz); '-' for stdin."),
    output: Path = typer.Option(..., "-o", "--output", help="The corpus with phrases joined, one line per input line."),
    min_count: int = typer.Option(5, "--min-count", help="Words and pairs seen fewer times never form a phrase."),
    threshold: Optional[float] = typer.Option(None, "--threshold", help="Score a pair must pass in the first pass [default: 100 for word2phrase, 0.5 for npmi]."),
    passes: int = typer.Option(1, "--passes", help="Learn-and-join passes; phrases of 3-4 words need 2 or more."),
    schedule: Optional[str] = typer.Option(None, "--threshold-schedule", help="One threshold per pass, comma-separated (e.g. 200,100) [default: halved each pass for word2phrase, -0.1 a pass for npmi]."),
    scoring: str = typer.Option("word2phrase", "--scoring", help="word2phrase: (count(ab) - min_count) / (count(a) count(b)) * N; npmi: normalized PMI in [-1, 1]."),
    connectors: Optional[Path] = typer.Option(None, "--connectors", help="File of connector words (e.g. of the and): inside a phrase, never at its edge."),
    delimiter: str = typer.Option("_", "--delimiter", help="Joins the words of a phrase."),
    max_vocab: int = typer.Option(40_000_000, "--max-vocab", help="Distinct pairs held while counting; past it the rarest are pruned."),
    save_model: Optional[Path] = typer.Option(None, "--save-model", help="Write the learned phrases (JSON) to apply later with --model."),
    model: Optional[Path] = typer.Option(None, "--model", help="Join the phrases of a saved model instead of learning."),
    plain: bool = typer.Option(False, "--plain", help="No space before each line's first word (word2phrase writes one)."),
    cross_line_pairs: bool = typer.Option(False, "--cross-line-pairs", help="Also count a line's last word with the next line's first word, as word2phrase does (joins never cross lines)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or summary."),
) -> None:
    """Join frequent word pairs into phrases (new york -> new_york), as word2phrase does."""
    from ..atomic import check_writable
    from ..errors import ConfigError
    from ..phrases import Phrases

    check_writable(output)
    if save_model is not None:
        check_writable(save_model)
    reporter = _Reporter(quiet)
    t0 = time.perf_counter()
    try:
        if model is not None:
            if save_model is not None:
                raise ConfigError("--model applies a saved model; --save-model is for learning one")
            ph = Phrases.load(model)
            lines = ph.write(corpus, output, plain=plain, progress=reporter)
        else:
            thresholds = None
            if schedule is not None:
                try:
                    thresholds = [float(x) for x in schedule.split(",") if x.strip()]
                except ValueError as exc:
                    raise ConfigError(f"--threshold-schedule: not a list of numbers: {schedule!r}") from exc
            ph = Phrases(
                corpus, min_count=min_count, threshold=threshold, passes=passes, scoring=scoring,
                delimiter=delimiter, connector_words=_read_connectors(connectors) if connectors else (),
                max_vocab_size=max_vocab, threshold_schedule=thresholds, cross_line_pairs=cross_line_pairs,
                keep_corpus=True, progress=reporter,
            )
            lines = ph.write(None, output, plain=plain, progress=reporter)
            if save_model is not None:
                ph.freeze().save(save_model)
    finally:
        reporter.close()
    if not quiet:
        secs = time.perf_counter() - t0
        print(ph.summary(), file=sys.stderr)
        saved = f"; phrases saved to {save_model}" if save_model is not None else ""
        print(f"wrote {lines:,} lines to {output} in {secs:.1f}s{saved}", file=sys.stderr)
