"""The training report: what happened during a run, as numbers and as pictures.

``TrainingReport`` collects one record per epoch (mean loss, words read, words per second,
learning rate at the end, and, with ``eval_each_epoch``, analogy accuracy and the WordSim-353 /
SimLex-999 correlations) plus samples taken while training (learning rate, throughput, running
loss). After each epoch and at the end it writes them:

- ``report.html``: one self-contained page (plots embedded as a PNG, a table per epoch, the
  configuration) with the data as JSON in ``<script type="application/json" id="w2v-data">``;
  while training runs the page reloads itself every 10 seconds;
- ``report.png``: the plots alone, with the data beside it in ``report.json``.

Wiring it into training (the ``w2v train --report`` option does exactly this)::

    report = TrainingReport("report.html", eval_each_epoch=True)
    model = Word2Vec(vector_size=100)
    tracked = report.track(model, progress)    # progress: any progress object, or None
    model.build_vocab("corpus.txt", progress=tracked)
    model.train(progress=tracked)
    report.finish(model)

Plots need matplotlib (``pip install 'w2v[plot]'``); it is drawn with the Agg canvas directly,
so pyplot's global state (and an interactive session's backend) is left alone. Writing after an
epoch happens in a background thread so that training does not wait for the drawing;
evaluation (when asked for, :func:`w2v.evaluate.evaluate_vectors`) runs at the end of each epoch
and its time is recorded.

Here: collecting (:class:`TrainingReport`) and reading a report back; ``figure`` draws the
plots (one function a panel), ``page`` writes the HTML, ``writer`` the background thread.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import InputError, W2VError
from ..plot import require_matplotlib
from .figure import render_figure, render_png
from .page import DATA_TAG, describe_eval, render_html
from .writer import BackgroundWriter

__all__ = ["TrainingReport", "read_report", "sidecar_path", "describe_eval", "render_figure", "render_png",
           "render_html", "require_matplotlib"]

log = logging.getLogger("w2v")

FORMAT = "w2v-training-report"
FORMAT_VERSION = 1
MAX_SAMPLES = 600          # progress samples kept; past it every other one is dropped


def _num(x) -> float | None:
    """A JSON-safe float: None for nan/inf/None."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


class TrainingReport:
    """Collects per-epoch statistics (and evaluations) and writes them as a report.

    ``path``: ``.html`` (a page), ``.png`` (the plots, plus a ``.json`` beside it), or None to
    collect without writing (for ``--json`` or ``--eval-each-epoch`` alone). Fails at once, with
    a clear message, if matplotlib is missing or the path cannot be written.
    """

    def __init__(self, path: str | Path | None, eval_each_epoch: bool = False, *, title: str | None = None,
                 analogies: str | Path | None = None, restrict_vocab: int = 30000, write_each_epoch: bool = True):
        self.path = Path(path) if path is not None else None
        self.eval_each_epoch = bool(eval_each_epoch)
        self.title = title or "w2v training report"
        self.analogies = analogies
        self.restrict_vocab = restrict_vocab
        self.write_each_epoch = write_each_epoch
        if self.path is not None:
            suffix = self.path.suffix.lower()
            if suffix not in (".html", ".htm", ".png"):
                raise W2VError(f"{self.path}: a report is .html or .png, not {suffix or 'a name without suffix'!r}")
            require_matplotlib()
            from ..atomic import check_writable

            check_writable(self.path)
        self._lock = threading.Lock()
        self._epochs: list[dict] = []
        self._samples: dict[str, list] = {"t": [], "words": [], "alpha": [], "loss": []}
        self._info: dict[str, Any] = {}
        self._time_base = 0.0    # training seconds before the current run
        self._min_gap = 0.2
        self._run_words = 0      # words done in earlier runs (a new run restarts 'done' at 0)
        self._last_done = 0
        self._finished = False
        self._writer = BackgroundWriter(self._write_now, f"the training report {self.path}")

    # -- collecting ------------------------------------------------------------------------
    def on_progress(self, info: dict) -> None:
        """Record a sample from the trainer's progress hook (``done``, ``total``, ``alpha``,
        ``loss``, ``elapsed``...). Samples are thinned to at most ``MAX_SAMPLES``."""
        with self._lock:
            done = int(info.get("done", 0))
            if done < self._last_done:  # a new run: its clock and counts restart at 0
                self._run_words += self._last_done
                last_end = self._epochs[-1]["t_end"] if self._epochs else 0.0
                self._time_base = max(self._samples["t"][-1] if self._samples["t"] else 0.0, last_end)
            self._last_done = done
            t = self._time_base + max(float(info.get("elapsed", 0.0)), 0.0)
            if "epochs" in info:
                self._info["epochs_planned"] = int(info["epochs"])
            s = self._samples
            if s["t"] and t - s["t"][-1] < self._min_gap:
                return
            s["t"].append(round(t, 4))
            s["words"].append(self._run_words + done)
            s["alpha"].append(_num(info.get("alpha")))
            s["loss"].append(_num(info.get("loss")))
            if len(s["t"]) > MAX_SAMPLES:
                for k in s:
                    s[k] = s[k][::2]
                self._min_gap *= 2

    def on_epoch(self, model, stats) -> dict:
        """Record an epoch (an :class:`w2v.trainer.EpochStats`); evaluate ``model.wv`` if asked;
        schedule a write. Returns the epoch's record (a flat dict)."""
        rec = dict(stats.to_dict()) if hasattr(stats, "to_dict") else dict(stats)
        for k in ("loss", "seconds", "words_per_sec", "alpha"):
            if k in rec:
                rec[k] = _num(rec[k])
        if self.eval_each_epoch and model is not None:
            rec.update(self._evaluate(model))
        with self._lock:
            # the trainer times epochs from the start of the run, on the clock of 'elapsed'
            before = self._epochs[-1]["t_end"] if self._epochs else self._time_base
            rec["t_end"] = round(before + (rec.get("seconds") or 0.0), 4)
            self._epochs.append(rec)
            self._note_model(model)
        if self.path is not None and self.write_each_epoch:
            self._writer.schedule()
        return rec

    def _note_model(self, model) -> None:
        if model is None:
            return
        cfg = getattr(model, "config", None)
        if cfg is not None:
            self._info["config"] = cfg.to_dict()
            self._info.setdefault("epochs_planned", cfg.epochs)
        vocab = getattr(model, "vocab", None)
        if vocab is not None:
            self._info["vocab_size"] = len(vocab)
        if getattr(model, "corpus_words", None):
            self._info["corpus_words"] = int(model.corpus_words)

    def _evaluate(self, model) -> dict:
        """:func:`w2v.evaluate.evaluate_vectors` on the model's input vectors as they are now
        (fresh KeyedVectors: norms computed now, not cached from an earlier epoch)."""
        from ..evaluate import PAIRS_RESTRICT, evaluate_vectors
        from ..vectors import KeyedVectors

        n = min(len(model.vocab), max(PAIRS_RESTRICT, self.restrict_vocab))
        wv = KeyedVectors(list(model.vocab.words[:n]), model.weights.syn0[:n])
        return evaluate_vectors(wv, self.analogies, restrict_vocab=self.restrict_vocab).flat()

    def track(self, model, progress=None) -> "_ReportingProgress":
        """A progress object for ``build_vocab``/``train`` that records into this report and
        forwards every call to ``progress`` (which may be None). Evaluation results, when
        asked for, are also sent to ``progress.message``."""
        return _ReportingProgress(self, model, progress)

    @property
    def epochs(self) -> list[dict]:
        """One flat dict per epoch: EpochStats fields, ``t_end`` (training seconds since the start: the sum of the epochs' times) and,
        with ``eval_each_epoch``, ``analogy``, ``wordsim353``, ``simlex999`` and their details."""
        with self._lock:
            return [dict(e) for e in self._epochs]

    def data(self) -> dict:
        """Everything the report shows, as JSON-ready data."""
        with self._lock:
            return {
                "format": FORMAT, "version": FORMAT_VERSION, "title": self.title,
                "updated": time.strftime("%Y-%m-%d %H:%M:%S"), "finished": self._finished,
                "eval_each_epoch": self.eval_each_epoch,
                **{k: v for k, v in self._info.items()},
                "epochs": [dict(e) for e in self._epochs],
                "samples": {k: list(v) for k, v in self._samples.items()},
            }

    # -- writing ---------------------------------------------------------------------------
    def wait(self) -> None:
        """Wait for a write started in the background (after an epoch) to finish."""
        self._writer.wait()

    def write(self) -> Path | None:
        """Write the report now (waiting for a background write first). Returns its path."""
        if self.path is None:
            return None
        self.wait()
        self._write_now()
        return self.path

    def finish(self, model=None) -> Path | None:
        """Mark the run as finished and write the final report."""
        with self._lock:
            self._note_model(model)
            self._finished = True
        return self.write()

    def _write_now(self) -> None:
        from ..atomic import atomic_file

        data = self.data()
        png = render_png(data)
        if self.path.suffix.lower() == ".png":
            with atomic_file(sidecar_path(self.path), "w") as fh:
                json.dump(data, fh, indent=1)
                fh.write("\n")
            with atomic_file(self.path, "wb") as fh:
                fh.write(png)
        else:
            page = render_html(data, png)
            with atomic_file(self.path, "wb") as fh:
                fh.write(page.encode("utf-8"))


class _ReportingProgress:
    """A progress object (:class:`w2v.progress.TrainingProgress`) that feeds a report and passes
    everything on to another progress object."""

    def __init__(self, report: TrainingReport, model, inner):
        self._report = report
        self._model = model
        self._inner = inner

    def train(self, info: dict) -> None:
        self._report.on_progress(info)
        if self._inner is not None and hasattr(self._inner, "train"):
            self._inner.train(info)

    def epoch(self, stats) -> None:
        rec = self._report.on_epoch(self._model, stats)
        if self._inner is not None and hasattr(self._inner, "epoch"):
            self._inner.epoch(stats)
        if self._report.eval_each_epoch:
            text = f"epoch {rec.get('epoch')}: {describe_eval(rec)}"
            if self._inner is not None and hasattr(self._inner, "message"):
                self._inner.message(text)
            log.info(text)

    def __getattr__(self, name):  # scan, message, close...
        if self._inner is None:
            raise AttributeError(name)
        return getattr(self._inner, name)


def sidecar_path(png: str | Path) -> Path:
    """Where the data of a ``.png`` report goes: the same name with ``.json``."""
    return Path(png).with_suffix(".json")


def read_report(path: str | Path) -> dict:
    """The data of a written report (``.html``: its JSON block; ``.png``: the ``.json`` beside it)."""
    p = Path(path)
    try:
        if p.suffix.lower() == ".png":
            return json.loads(sidecar_path(p).read_text(encoding="utf-8"))
        text = p.read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise InputError(f"{p}: cannot read the report ({exc})") from None
    i = text.find(DATA_TAG)
    j = text.find("</script>", i)
    if i < 0 or j < 0:
        raise InputError(f"{p}: no w2v-data block; not a w2v training report")
    return json.loads(text[i + len(DATA_TAG):j])


