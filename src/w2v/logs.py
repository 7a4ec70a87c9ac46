"""Logging for Python users: progress as standard ``logging`` records of the ``"w2v"`` logger.

The library never prints. Its modules log to ``logging.getLogger("w2v")`` (which has a
``NullHandler``, so nothing shows unless the application configures logging). To see training
progress from Python, configure logging and pass a :class:`LogProgress` as ``progress``:

    >>> import logging
    >>> logging.basicConfig(level=logging.INFO)                          # doctest: +SKIP
    >>> model = Word2Vec("corpus.txt", progress=LogProgress())           # doctest: +SKIP
    INFO:w2v:counting: 1.2M words read
    INFO:w2v:epoch 1/5: 12.3% done, 812.4k words/s, alpha 0.02271, loss 2.8153
    ...

The command line uses :class:`w2v.progress.Progress` instead (a bar on a terminal, plain lines
elsewhere); both are progress objects as :mod:`w2v.progress` describes them:
``scan(bytes, tokens)``, ``train(info)``, ``epoch(stats)``, ``message(text)``, and, for
phrases, ``progress(stage, done, total)``.
"""

from __future__ import annotations

import logging
import time

from .progress import format_count

log = logging.getLogger("w2v")
log.addHandler(logging.NullHandler())


class LogProgress:
    """A progress object (training and staged work) that logs a line at ``level`` at most every ``every`` seconds, and one line
    at the end of each epoch, to ``logger`` (default: the ``"w2v"`` logger)."""

    def __init__(self, every: float = 10.0, level: int = logging.INFO, logger: logging.Logger | None = None):
        self.every = float(every)
        self.level = level
        self.logger = logger or log
        self._last = -float("inf")
        self._tokens = 0

    def _due(self) -> bool:
        now = time.perf_counter()
        if now - self._last >= self.every:
            self._last = now
            return True
        return False

    def scan(self, nbytes: int, ntokens: int) -> None:
        """Counting pass: ``ntokens`` more words read."""
        self._tokens += ntokens
        if self._due():
            self.logger.log(self.level, "counting: %s words read", format_count(self._tokens))

    def train(self, info: dict) -> None:
        """Training: ``info`` has done, total, epoch, epochs, alpha, loss, elapsed."""
        if not self._due():
            return
        rate = info["done"] / max(info["elapsed"], 1e-9)
        pct = 100.0 * info["done"] / max(info["total"], 1)
        self.logger.log(self.level, "epoch %d/%d: %.1f%% done, %s words/s, alpha %.5f, loss %.4f",
                        info["epoch"], info["epochs"], pct, format_count(rate), info["alpha"], info["loss"])

    def epoch(self, stats) -> None:
        """An epoch ended (``stats``: :class:`w2v.trainer.EpochStats`)."""
        self.logger.log(self.level, "epoch %d: loss %.4f, %s words/s, %.1fs", stats.epoch, stats.loss,
                        format_count(stats.words_per_sec), stats.seconds)

    def message(self, text: str) -> None:
        self.logger.log(self.level, "%s", text)

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        """Phrases and other staged work: ``done`` of ``total`` (None when unknown)."""
        if self._due():
            amount = f"{100.0 * done / total:.1f}%" if total else f"{done:,}"
            self.logger.log(self.level, "%s: %s", stage, amount)

    def close(self) -> None:
        pass
