"""`w2v phrases`: learn phrases on a corpus (or load them) and write the corpus with them joined."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import List, Optional

import typer

from . import app


def _read_connectors(path: Path) -> list[str]:
    from ..corpus import read_all
    from ..errors import InputError

    try:
        text = read_all(path).decode("utf-8", "surrogateescape")
    except InputError as exc:
        raise InputError(f"connector words: {exc}") from None
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
    from ..progress import StageBar

    check_writable(output)
    if save_model is not None:
        check_writable(save_model)
    reporter = StageBar("phrases", quiet)
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
