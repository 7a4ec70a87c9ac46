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
    hooks = report.track(model, progress)      # progress: any progress object, or None
    model.build_vocab("corpus.txt", progress=hooks)
    model.train(progress=hooks)
    report.finish(model)

Plots need matplotlib (``pip install 'w2v[plot]'``); it is drawn with the Agg canvas directly,
so pyplot's global state (and an interactive session's backend) is left alone. Writing after an
epoch happens in a background thread so that training does not wait for the drawing;
evaluation (when asked for) runs at the end of each epoch and its time is recorded.
"""

from __future__ import annotations

import base64
import html
import io
import json
import logging
import math
import threading
import time
from pathlib import Path
from typing import Any

from .errors import InputError, W2VError

log = logging.getLogger("w2v")

FORMAT = "w2v-training-report"
FORMAT_VERSION = 1
MAX_SAMPLES = 600          # progress samples kept; past it every other one is dropped
PAIR_RESTRICT = 300_000    # rows searched by the word-pair benchmarks (gensim's default)
MATPLOTLIB_MISSING = "plots need matplotlib: pip install 'w2v[plot]'"

_EVAL_KEYS = ("analogy", "analogy_semantic", "analogy_syntactic", "wordsim353", "simlex999")


def require_matplotlib():
    """Import matplotlib (nothing global is changed), or fail with how to install it."""
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401
    except ImportError:
        raise W2VError(MATPLOTLIB_MISSING) from None
    return matplotlib


def _num(x) -> float | None:
    """A JSON-safe float: None for nan/inf/None."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def evaluate_vectors(wv, analogies=None, restrict_vocab: int = 30000) -> dict:
    """Analogy accuracy (3CosAdd over the first ``restrict_vocab`` words; default: the bundled
    questions-words.txt) and the Spearman correlation with WordSim-353 and SimLex-999, as one
    flat dict. A benchmark that could not be scored (no known word) gives None."""
    from .datasets import simlex999_path, wordsim353_path
    from .vectors import KeyedVectors

    t0 = time.perf_counter()
    if len(wv) > PAIR_RESTRICT:  # the benchmarks never look further; skip the other norms
        wv = KeyedVectors(wv.index_to_key[:PAIR_RESTRICT], wv.vectors[:PAIR_RESTRICT])
    an = wv.evaluate_word_analogies(analogies, restrict_vocab=restrict_vocab)
    out: dict[str, Any] = {
        "analogy": _num(an.accuracy) if an.total else None,
        "analogy_semantic": _num(an.semantic) if an.total else None,
        "analogy_syntactic": _num(an.syntactic) if an.total else None,
        "analogy_answered": int(an.total),
        "analogy_skipped": int(an.skipped),
    }
    for key, path in (("wordsim353", wordsim353_path()), ("simlex999", simlex999_path())):
        res = wv.evaluate_word_pairs(path)
        out[key] = _num(res.spearman)
        out[f"{key}_pearson"] = _num(res.pearson)
        out[f"{key}_pairs"] = int(res.pairs)
    out["eval_seconds"] = round(time.perf_counter() - t0, 3)
    return out


def describe_eval(rec: dict) -> str:
    """One line: 'analogy 31.2% (1,234 questions), WordSim-353 rho 0.612, SimLex-999 rho 0.287'."""
    parts = []
    if rec.get("analogy") is not None:
        parts.append(f"analogy {100 * rec['analogy']:.1f}% ({rec.get('analogy_answered', 0):,} questions)")
    else:
        parts.append("analogy: no question with all four words in the vocabulary")
    for key, name in (("wordsim353", "WordSim-353"), ("simlex999", "SimLex-999")):
        v = rec.get(key)
        parts.append(f"{name} rho {v:.3f}" if v is not None else f"{name}: too few known pairs")
    return ", ".join(parts)


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
            from .atomic import check_writable

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
        self._writer: threading.Thread | None = None
        self._again = False
        self._error: BaseException | None = None

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
            rec.update(evaluate_vectors(_current_vectors(model), self.analogies, self.restrict_vocab))
        with self._lock:
            # the trainer times epochs from the start of the run, on the clock of 'elapsed'
            before = self._epochs[-1]["t_end"] if self._epochs else self._time_base
            rec["t_end"] = round(before + (rec.get("seconds") or 0.0), 4)
            self._epochs.append(rec)
            self._note_model(model)
        if self.path is not None and self.write_each_epoch:
            self._schedule_write()
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

    def track(self, model, progress=None) -> "_Hooks":
        """A progress object for ``build_vocab``/``train`` that records into this report and
        forwards every call to ``progress`` (which may be None). Evaluation results, when
        asked for, are also sent to ``progress.message``."""
        return _Hooks(self, model, progress)

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
    def _schedule_write(self) -> None:
        with self._lock:
            if self._writer is not None and self._writer.is_alive():
                self._again = True
                return
            self._again = False
            self._writer = threading.Thread(target=self._write_loop, name="w2v-report", daemon=True)
            self._writer.start()

    def _write_loop(self) -> None:
        while True:
            try:
                self._write_now()
            except BaseException as exc:  # surfaced by write()/finish()
                self._error = exc
                log.warning("could not write the training report %s: %s", self.path, exc)
                return
            with self._lock:
                if not self._again:
                    return
                self._again = False

    def wait(self) -> None:
        """Wait for a write started in the background (after an epoch) to finish."""
        writer = self._writer
        if writer is not None:
            writer.join()
        self._writer = None

    def write(self) -> Path | None:
        """Write the report now (waiting for a background write first). Returns its path."""
        if self.path is None:
            return None
        self.wait()
        self._error = None
        self._write_now()
        return self.path

    def finish(self, model=None) -> Path | None:
        """Mark the run as finished and write the final report."""
        with self._lock:
            self._note_model(model)
            self._finished = True
        return self.write()

    def _write_now(self) -> None:
        from .atomic import atomic_file

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


class _Hooks:
    """Progress hooks that feed a report and pass everything on to another progress object."""

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


def _current_vectors(model):
    """The model's input vectors as fresh KeyedVectors (norms computed now, not cached from an
    earlier epoch)."""
    from .vectors import KeyedVectors

    n = min(len(model.vocab), PAIR_RESTRICT)
    return KeyedVectors(list(model.vocab.words[:n]), model.weights.syn0[:n])


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
    start_tag = '<script type="application/json" id="w2v-data">'
    i = text.find(start_tag)
    j = text.find("</script>", i)
    if i < 0 or j < 0:
        raise InputError(f"{p}: no w2v-data block; not a w2v training report")
    return json.loads(text[i + len(start_tag):j])


# ----------------------------------------------------------------------------- drawing


def _time_axis(seconds: list[float]) -> tuple[float, str]:
    top = max(seconds) if seconds else 0.0
    if top > 2 * 3600:
        return 3600.0, "hours since start"
    if top > 120:
        return 60.0, "minutes since start"
    return 1.0, "seconds since start"


def _style(ax, title: str) -> None:
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.grid(True, color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _epoch_ticks(ax, epochs: list[int]) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=12))
    if epochs:
        ax.set_xlim(min(epochs) - 0.6, max(epochs) + 0.6)
    ax.set_xlabel("epoch")


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#777777", fontsize=10)


def _rate_curve(samples: dict) -> tuple[list[float], list[float]]:
    """Words per second between samples at least 0.5 s apart, and at least 1/150 of the run
    (so the curve is equally smooth everywhere, whatever thinning the samples went through)."""
    t, w = samples.get("t", []), samples.get("words", [])
    xs, ys = [], []
    if len(t) < 2:
        return xs, ys
    window = max(0.5, (t[-1] - t[0]) / 150)
    j = 0
    for i in range(1, len(t)):
        dt = t[i] - t[j]
        if dt >= window and w[i] >= w[j]:
            xs.append((t[i] + t[j]) / 2)
            ys.append((w[i] - w[j]) / dt)
            j = i
        elif w[i] < w[j]:  # a new run: start again
            j = i
    return xs, ys


def cfg_alpha(data: dict, default: float) -> float:
    """The starting learning rate of the run (from the configuration)."""
    cfg = data.get("config") or {}
    if cfg.get("alpha") is not None:
        return float(cfg["alpha"])
    if "sg" in cfg:
        return 0.025 if cfg["sg"] else 0.05
    return default


def render_figure(data: dict):
    """The report's plots as a matplotlib Figure (not attached to pyplot)."""
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    epochs = data.get("epochs", [])
    samples = data.get("samples", {}) or {}
    with_eval = bool(data.get("eval_each_epoch")) or any(e.get("analogy") is not None for e in epochs)
    rows, cols = (2, 3) if with_eval else (2, 2)
    fig = Figure(figsize=(5.0 * cols, 7.6), dpi=100, facecolor="white")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols).ravel()
    ep = [e["epoch"] for e in epochs]
    blue, orange, green, grey = "#1f77b4", "#ff7f0e", "#2ca02c", "#555555"

    # 1. loss
    ax = axes[0]
    _style(ax, "Mean loss per epoch")
    loss = [e.get("loss") for e in epochs]
    if epochs:
        ax.plot(ep, [math.nan if v is None else v for v in loss], "o-", color=blue, linewidth=2, markersize=5)
        if loss[-1] is not None:
            ax.annotate(f"{loss[-1]:.4f}", (ep[-1], loss[-1]), textcoords="offset points", xytext=(0, 8),
                        ha="center", fontsize=9, color=blue)
    else:
        _empty(ax, "no epoch finished yet")
    _epoch_ticks(ax, ep)
    ax.set_ylabel("loss per prediction")

    # 2. words per second, per epoch
    ax = axes[1]
    _style(ax, "Words per second (per epoch)")
    wps = [(e.get("words_per_sec") or 0.0) / 1e3 for e in epochs]
    if epochs:
        ax.bar(ep, wps, color=blue, width=0.6)
        for x, y in zip(ep, wps):
            if len(ep) <= 15:
                ax.annotate(f"{y:,.0f}k", (x, y), textcoords="offset points", xytext=(0, 3), ha="center",
                            fontsize=8, color=grey)
        ax.set_ylim(0, max(wps) * 1.15 if max(wps) > 0 else 1)
    else:
        _empty(ax, "no epoch finished yet")
    _epoch_ticks(ax, ep)
    ax.set_ylabel("thousand words read / s")

    # time axis shared by the two curves over the run
    ends = [e.get("t_end") for e in epochs if e.get("t_end") is not None]
    scale, tlabel = _time_axis(list(samples.get("t", [])) + ends)

    def epoch_lines(ax) -> None:
        step = max(1, math.ceil(len(epochs) / 20))  # at most about 20 lines
        for e in epochs[step - 1::step]:
            if e.get("t_end") is not None:
                ax.axvline(e["t_end"] / scale, color="#bbbbbb", linestyle=":", linewidth=1)

    # 3. learning rate over the run
    ax = axes[2]
    _style(ax, "Learning rate over the run")
    st = [t / scale for t, a in zip(samples.get("t", []), samples.get("alpha", [])) if a is not None]
    sa = [a for a in samples.get("alpha", []) if a is not None]
    if st:
        ax.plot(st, sa, "-", color=orange, linewidth=2, label="during training")
    et = [e["t_end"] / scale for e in epochs if e.get("t_end") is not None and e.get("alpha") is not None]
    ea = [e["alpha"] for e in epochs if e.get("t_end") is not None and e.get("alpha") is not None]
    if et and not st:  # no samples (epochs recorded by hand): the learning rate at each epoch's end
        ax.plot([0.0] + et, [cfg_alpha(data, ea[0])] + ea, "o-", color=orange, markersize=5, linewidth=2,
                label="end of each epoch")
    if st or et:
        ax.legend(fontsize=8, frameon=False, loc="best")
        ax.set_ylim(bottom=0)
    else:
        _empty(ax, "no samples yet")
    epoch_lines(ax)
    ax.set_xlabel(f"{tlabel} (dotted: epoch ends)")
    ax.set_ylabel("alpha")

    # 4. throughput over the run
    ax = axes[3]
    _style(ax, "Throughput over the run")
    rx, ry = _rate_curve(samples)
    if rx:
        ax.plot([x / scale for x in rx], [y / 1e3 for y in ry], "-", color=green, linewidth=1.5,
                label="between samples")
    if ends and len(ends) == len(epochs):
        starts = [0.0] + ends[:-1]
        xs, ys = [], []
        for s0, s1, y in zip(starts, ends, wps):
            xs += [s0 / scale, s1 / scale]
            ys += [y, y]
        ax.plot(xs, ys, "-", color=blue, linewidth=2, alpha=0.8, label="epoch mean")
    if rx or ends:
        ax.legend(fontsize=8, frameon=False, loc="best")
        top = max(wps) if wps else 0.0
        if ry:  # a burst between two close samples must not flatten the rest
            ys = sorted(ry)
            top = max(top, ys[int(0.98 * (len(ys) - 1))] / 1e3)
        ax.set_ylim(0, top * 1.25 if top > 0 else 1)
    else:
        _empty(ax, "no samples yet")
    epoch_lines(ax)
    ax.set_xlabel(f"{tlabel} (dotted: epoch ends)")
    ax.set_ylabel("thousand words / s")

    if with_eval:
        # 5. analogies
        ax = axes[4]
        _style(ax, "Analogy accuracy (questions-words)")
        drew = False
        for key, name, colour, style in (("analogy", "all", blue, "o-"), ("analogy_semantic", "semantic", orange, "s--"),
                                         ("analogy_syntactic", "syntactic", green, "^--")):
            ys = [100 * e[key] if e.get(key) is not None else math.nan for e in epochs]
            if any(not math.isnan(y) for y in ys):
                ax.plot(ep, ys, style, color=colour, linewidth=2 if key == "analogy" else 1.2, markersize=5, label=name)
                drew = True
        if drew:
            ax.legend(fontsize=8, frameon=False, loc="best")
            ax.set_ylim(bottom=0)
        else:
            _empty(ax, "no analogy question has all its words\nin the vocabulary")
        _epoch_ticks(ax, ep)
        answered = epochs[-1].get("analogy_answered") if epochs else None
        if answered is not None:
            ax.set_xlabel(f"epoch ({answered:,} questions with all words in the vocabulary)")
        ax.set_ylabel("% correct")

        # 6. word similarity
        ax = axes[5]
        _style(ax, "Word similarity (Spearman \u03c1)")
        drew = False
        for key, name, colour, style in (("wordsim353", "WordSim-353", blue, "o-"), ("simlex999", "SimLex-999", orange, "s-")):
            ys = [e[key] if e.get(key) is not None else math.nan for e in epochs]
            if any(not math.isnan(y) for y in ys):
                pairs = epochs[-1].get(f"{key}_pairs")
                ax.plot(ep, ys, style, color=colour, linewidth=2, markersize=5,
                        label=f"{name} ({pairs} pairs)" if pairs is not None else name)
                drew = True
        if drew:
            ax.legend(fontsize=8, frameon=False, loc="best")
            ax.axhline(0, color="#999999", linewidth=0.8)
        else:
            _empty(ax, "too few benchmark words in the vocabulary")
        _epoch_ticks(ax, ep)
        ax.set_ylabel("\u03c1")

    planned = data.get("epochs_planned")
    status = "finished" if data.get("finished") else "in progress"
    head = f"{data.get('title', 'w2v training report')}: {len(epochs)}"
    head += f" of {planned} epochs" if planned else " epochs"
    fig.suptitle(f"{head} ({status})", x=0.01, ha="left", fontsize=13)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    return fig


def render_png(data: dict, dpi: int = 100) -> bytes:
    fig = render_figure(data)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


# ----------------------------------------------------------------------------- the page

_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1560px;
       color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
.status { color: #555; margin-top: 0; }
img { max-width: 100%; border: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
th, td { padding: 0.3em 0.8em; text-align: right; border-bottom: 1px solid #e3e3e3; }
th { background: #f4f4f4; }
td.key, th.key { text-align: left; }
dl.summary { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dl.summary dt { color: #555; }
dl.summary dd { margin: 0; }
"""


def _fmt(v, spec: str) -> str:
    if v is None:
        return "&ndash;"
    return format(v, spec)


def render_html(data: dict, png: bytes) -> str:
    """The report page: summary, the plots (embedded PNG), a table per epoch, the configuration,
    and the data as JSON."""
    esc = html.escape
    epochs = data.get("epochs", [])
    cfg = data.get("config") or {}
    finished = bool(data.get("finished"))
    with_eval = any(any(e.get(k) is not None for k in _EVAL_KEYS) for e in epochs) or data.get("eval_each_epoch")
    planned = data.get("epochs_planned")
    status = ("finished" if finished else "in progress (this page reloads every 10 s)")
    status += f", {len(epochs)}" + (f" of {planned}" if planned else "") + f" epochs, updated {data.get('updated', '')}"

    summary: list[tuple[str, str]] = []
    if cfg:
        arch = "skip-gram" if cfg.get("sg") else ("CBOW (mean)" if cfg.get("cbow_mean", 1) else "CBOW (sum)")
        losses = []
        if cfg.get("softmax"):
            losses.append("full softmax")
        if cfg.get("hs"):
            losses.append("hierarchical softmax")
        if cfg.get("negative"):
            losses.append(f"negative sampling ({cfg['negative']} noise words)")
        summary.append(("model", f"{arch}, {' + '.join(losses)}, {cfg.get('vector_size')} dimensions, "
                                 f"window {cfg.get('window')}"))
    if data.get("vocab_size") is not None:
        summary.append(("vocabulary", f"{data['vocab_size']:,} words"))
    if data.get("corpus_words"):
        summary.append(("corpus", f"{data['corpus_words']:,} words"))
    if epochs:
        total_s = sum(e.get("seconds") or 0 for e in epochs)
        words = sum(e.get("words") or 0 for e in epochs)
        summary.append(("training time", f"{total_s:,.1f} s, {words / max(total_s, 1e-9) / 1e3:,.0f}k words/s overall"))
        first, last = epochs[0].get("loss"), epochs[-1].get("loss")
        if first is not None and last is not None:
            summary.append(("loss", f"{first:.4f} (epoch {epochs[0]['epoch']}) &rarr; {last:.4f} (epoch {epochs[-1]['epoch']})"))
        if with_eval:
            summary.append(("last evaluation", esc(describe_eval(epochs[-1]))))

    head_cells = ["epoch", "loss", "words read", "after subsampling", "seconds", "words/s", "alpha at end"]
    if with_eval:
        head_cells += ["analogy", "semantic", "syntactic", "WordSim-353 &rho;", "SimLex-999 &rho;"]
    rows = []
    for e in epochs:
        cells = [str(e.get("epoch")), _fmt(e.get("loss"), ".4f"), _fmt(e.get("words"), ","),
                 _fmt(e.get("trained"), ","), _fmt(e.get("seconds"), ".2f"), _fmt(e.get("words_per_sec"), ",.0f"),
                 _fmt(e.get("alpha"), ".6f")]
        if with_eval:
            pct = lambda v: "&ndash;" if v is None else f"{100 * v:.1f}%"  # noqa: E731
            cells += [pct(e.get("analogy")), pct(e.get("analogy_semantic")), pct(e.get("analogy_syntactic")),
                      _fmt(e.get("wordsim353"), ".3f"), _fmt(e.get("simlex999"), ".3f")]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    cfg_rows = "".join(f'<tr><td class="key">{esc(str(k))}</td><td class="key">{esc(json.dumps(v))}</td></tr>'
                       for k, v in cfg.items())
    # JSON inside <script>: "</" must not appear, so escape every slash that follows a "<".
    blob = json.dumps(data, indent=1).replace("</", "<\\/")
    refresh = "" if finished else '<meta http-equiv="refresh" content="10">\n'
    img = base64.b64encode(png).decode("ascii")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" + refresh
        + f"<title>{esc(data.get('title', 'w2v training report'))}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + f"<h1>{esc(data.get('title', 'w2v training report'))}</h1>\n<p class=\"status\">{esc(status)}</p>\n"
        + "<dl class=\"summary\">\n" + "".join(f"<dt>{k}</dt><dd>{v}</dd>\n" for k, v in summary) + "</dl>\n"
        + f"<img alt=\"training plots: loss, speed and learning rate per epoch\" src=\"data:image/png;base64,{img}\">\n"
        + "<h2>Per epoch</h2>\n<table>\n<tr>" + "".join(f"<th>{h}</th>" for h in head_cells) + "</tr>\n"
        + "\n".join(rows) + "\n</table>\n"
        + (f"<details><summary>Configuration</summary>\n<table>\n{cfg_rows}\n</table>\n</details>\n" if cfg else "")
        + "<p class=\"status\">The numbers above are in the JSON block <code>#w2v-data</code> of this page "
        + "(<code>w2v.report.read_report(path)</code> reads them back).</p>\n"
        + f"<script type=\"application/json\" id=\"w2v-data\">{blob}</script>\n</body>\n</html>\n"
    )
