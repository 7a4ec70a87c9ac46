"""Progress for long work: a rich bar on a terminal, plain periodic lines elsewhere, or nothing.

The training code calls three hooks: ``scan(bytes, tokens)`` during the counting pass,
``train(info)`` while training (``info``: done, total, epoch, epochs, alpha, loss, elapsed) and
``epoch(stats)`` when an epoch ends. Output goes to stderr, so stdout stays clean for results.
"""

from __future__ import annotations

import sys
import time


def _fmt_count(n: float) -> str:
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f}{unit}"
    return f"{n:.0f}"


class Progress:
    """``mode``: "auto" (bar on a terminal, lines otherwise), "bar", "lines" or "quiet"."""

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
        self.epochs: list = []

    # -- rich bar --------------------------------------------------------------------------
    def _start_bar(self, description: str, total: float | None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self._stop_bar()
        self._bar = RichProgress(
            TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.percentage:>5.1f}%"),
            TextColumn("{task.fields[info]}"), TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
            console=Console(file=self.stream), transient=False,
        )
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
            print(f"[w2v {now - self._t0:7.1f}s] {text}", file=self.stream, flush=True)

    # -- hooks -----------------------------------------------------------------------------
    def scan(self, nbytes: int, ntokens: int) -> None:
        if self.mode == "quiet":
            return
        self._scan_bytes += nbytes
        self._scan_tokens += ntokens
        if self.mode == "bar":
            if self._phase != "scan":
                self._phase = "scan"
                self._start_bar("counting", self.total_bytes)
            self._bar.update(self._task, completed=self._scan_bytes, info=f"{_fmt_count(self._scan_tokens)} words")
        else:
            self._line(f"counting: {_fmt_count(self._scan_tokens)} words read")

    def train(self, info: dict) -> None:
        if self.mode == "quiet":
            return
        el = max(info["elapsed"], 1e-9)
        rate = info["done"] / el
        text = (f"epoch {info['epoch']}/{info['epochs']}  {_fmt_count(rate)} words/s  "
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
        self.epochs.append(stats)
        if self.mode == "quiet":
            return
        text = (f"epoch {stats.epoch}: loss {stats.loss:.4f}, {_fmt_count(stats.words_per_sec)} words/s, "
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
