"""Progress for long work: a rich bar on a terminal, plain periodic lines elsewhere, or nothing.

What a progress object is, for the code that reports to it, is :class:`TrainingProgress`
(training: ``scan``, ``train``, ``epoch``, ``message``) and :class:`StageProgress` (phrases and
other staged work: called as ``progress(stage, done, total)``). :class:`Progress` (here) is the
command line's; :class:`w2v.logs.LogProgress` sends the same to standard logging. Output goes to
stderr, so stdout stays clean for results.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol


class TrainingProgress(Protocol):
    """What training reports to (``progress=`` of ``Word2Vec``, ``build_vocab``, ``train``).

    Every method is optional: the caller looks each one up by name and skips those a progress
    object does not have."""

    def scan(self, nbytes: int, ntokens: int) -> None:
        """Counting pass: ``nbytes`` more bytes read, holding ``ntokens`` more words."""

    def train(self, info: dict) -> None:
        """While training; ``info`` has done, total, epoch, epochs, alpha, loss, elapsed."""

    def epoch(self, stats) -> None:
        """An epoch ended (``stats``: :class:`w2v.trainer.EpochStats`)."""

    def message(self, text: str) -> None:
        """A line to show as it is (an evaluation, a summary)."""


class StageProgress(Protocol):
    """What staged work (phrases: ``pass 1``, ``pass 2``, ``writing``) reports to: ``done`` of
    ``total`` (None when unknown). A ``message(text)`` method, if present, gets summary lines."""

    def __call__(self, stage: str, done: int, total: int | None) -> None: ...


def format_count(n: float) -> str:
    """A count in three or four characters: ``950``, ``12.3k``, ``4.1M``, ``1.2G``."""
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f}{unit}"
    return f"{n:.0f}"


def _rich_bar(stream, info: bool, transient: bool):
    """A rich progress display on ``stream``: description, bar, percentage, [info,] elapsed, eta."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = [TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.percentage:>5.1f}%")]
    if info:
        columns.append(TextColumn("{task.fields[info]}"))
    columns += [TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn()]
    return RichProgress(*columns, console=Console(file=stream), transient=transient)


def _print_line(stream, seconds: float, text: str) -> None:
    print(f"[w2v {seconds:7.1f}s] {text}", file=stream, flush=True)


class Progress:
    """Training progress (:class:`TrainingProgress`) on the command line. ``mode``: "auto" (bar
    on a terminal, lines otherwise), "bar", "lines" or "quiet"."""

    def __init__(self, mode: str = "auto", total_bytes: int | None = None, every: float = 10.0, stream=None):
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if self.stream.isatty() else "lines"
        self.mode = mode
        self.total_bytes = total_bytes
        self.every = every
        self._bar = None
        self._task = None
        self._phase = None
        self._scan_bytes = 0
        self._scan_tokens = 0
        self._last_line = 0.0
        self._t0 = time.perf_counter()

    # -- rich bar --------------------------------------------------------------------------
    def _start_bar(self, description: str, total: float | None) -> None:
        self._stop_bar()
        self._bar = _rich_bar(self.stream, info=True, transient=False)
        self._bar.start()
        self._task = self._bar.add_task(description, total=total, info="")

    def _stop_bar(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def _line(self, text: str, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now - self._last_line >= self.every:
            self._last_line = now
            _print_line(self.stream, now - self._t0, text)

    # -- TrainingProgress ------------------------------------------------------------------
    def scan(self, nbytes: int, ntokens: int) -> None:
        if self.mode == "quiet":
            return
        self._scan_bytes += nbytes
        self._scan_tokens += ntokens
        if self.mode == "bar":
            if self._phase != "scan":
                self._phase = "scan"
                self._start_bar("counting", self.total_bytes)
            self._bar.update(self._task, completed=self._scan_bytes, info=f"{format_count(self._scan_tokens)} words")
        else:
            self._line(f"counting: {format_count(self._scan_tokens)} words read")

    def train(self, info: dict) -> None:
        if self.mode == "quiet":
            return
        el = max(info["elapsed"], 1e-9)
        rate = info["done"] / el
        text = (f"epoch {info['epoch']}/{info['epochs']}  {format_count(rate)} words/s  "
                f"alpha {info['alpha']:.5f}  loss {info['loss']:.4f}")
        if self.mode == "bar":
            if self._phase != "train":
                self._phase = "train"
                self._start_bar("training", info["total"])
            self._bar.update(self._task, completed=info["done"], info=text)
        else:
            pct = 100.0 * info["done"] / max(info["total"], 1)
            self._line(f"training {pct:5.1f}%  {text}")

    def epoch(self, stats) -> None:
        if self.mode == "quiet":
            return
        text = (f"epoch {stats.epoch}: loss {stats.loss:.4f}, {format_count(stats.words_per_sec)} words/s, "
                f"{stats.seconds:.1f}s")
        if self.mode == "bar":
            self._bar.console.print(text)
        else:
            self._line(text, force=True)

    def close(self) -> None:
        self._stop_bar()

    def message(self, text: str) -> None:
        if self.mode != "quiet":
            if self._bar is not None:
                self._bar.console.print(text)
            else:
                print(text, file=self.stream, flush=True)


class StageBar:
    """Staged progress (:class:`StageProgress`) on the command line: a bar per stage on a
    terminal (cleared when the stage ends), otherwise a plain line (``label stage: done``) every
    ``every`` seconds; nothing with ``quiet``."""

    def __init__(self, label: str, quiet: bool = False, every: float = 10.0, stream=None):
        self.label = label
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.every = every
        self._t0 = time.perf_counter()
        self._last = 0.0
        self._bar = None
        self._task = None
        self._stage: str | None = None

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if self.quiet:
            return
        if self.tty:
            if stage != self._stage:
                self.close()
                self._bar = _rich_bar(self.stream, info=False, transient=True)
                self._bar.start()
                self._task = self._bar.add_task(stage, total=total)
                self._stage = stage
            self._bar.update(self._task, completed=done, total=total)
            return
        now = time.perf_counter()
        if now - self._last >= self.every:
            self._last = now
            amount = f"{100.0 * done / total:5.1f}%" if total else f"{done:,}"
            _print_line(self.stream, now - self._t0, f"{self.label} {stage}: {amount}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
            self._stage = None
