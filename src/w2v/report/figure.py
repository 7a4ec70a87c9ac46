"""The report's plots: one function a panel, drawn on matplotlib's Agg canvas (pyplot untouched).

Panels: mean loss per epoch, words per second per epoch, the learning rate over the run, the
throughput over the run and, with evaluations, analogy accuracy and word-similarity correlations
per epoch. Each takes the axes and the report's data (see :meth:`TrainingReport.data`).
"""

from __future__ import annotations

import io
import math

from ..plot import require_matplotlib

BLUE, ORANGE, GREEN, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#555555"


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

    loss_panel(axes[0], epochs)
    speed_panel(axes[1], epochs)
    # the two curves over the run share a time axis
    ends = [e.get("t_end") for e in epochs if e.get("t_end") is not None]
    scale, tlabel = _time_axis(list(samples.get("t", [])) + ends)
    rate_panel(axes[2], epochs, samples, scale, tlabel, _start_alpha(data))
    throughput_panel(axes[3], epochs, samples, scale, tlabel)
    if with_eval:
        analogy_panel(axes[4], epochs)
        similarity_panel(axes[5], epochs)

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


# ----------------------------------------------------------------------------- panels


def loss_panel(ax, epochs: list[dict]) -> None:
    _style(ax, "Mean loss per epoch")
    ep = [e["epoch"] for e in epochs]
    loss = [e.get("loss") for e in epochs]
    if epochs:
        ax.plot(ep, [math.nan if v is None else v for v in loss], "o-", color=BLUE, linewidth=2, markersize=5)
        if loss[-1] is not None:
            ax.annotate(f"{loss[-1]:.4f}", (ep[-1], loss[-1]), textcoords="offset points", xytext=(0, 8),
                        ha="center", fontsize=9, color=BLUE)
    else:
        _empty(ax, "no epoch finished yet")
    _epoch_ticks(ax, ep)
    ax.set_ylabel("loss per prediction")


def speed_panel(ax, epochs: list[dict]) -> None:
    _style(ax, "Words per second (per epoch)")
    ep = [e["epoch"] for e in epochs]
    wps = _thousand_words_per_sec(epochs)
    if epochs:
        ax.bar(ep, wps, color=BLUE, width=0.6)
        for x, y in zip(ep, wps):
            if len(ep) <= 15:
                ax.annotate(f"{y:,.0f}k", (x, y), textcoords="offset points", xytext=(0, 3), ha="center",
                            fontsize=8, color=GREY)
        ax.set_ylim(0, max(wps) * 1.15 if max(wps) > 0 else 1)
    else:
        _empty(ax, "no epoch finished yet")
    _epoch_ticks(ax, ep)
    ax.set_ylabel("thousand words read / s")


def rate_panel(ax, epochs: list[dict], samples: dict, scale: float, tlabel: str, start_alpha: float | None) -> None:
    """The learning rate as sampled during training or, without samples (epochs recorded by
    hand), at each epoch's end, starting from ``start_alpha``."""
    _style(ax, "Learning rate over the run")
    st = [t / scale for t, a in zip(samples.get("t", []), samples.get("alpha", [])) if a is not None]
    sa = [a for a in samples.get("alpha", []) if a is not None]
    if st:
        ax.plot(st, sa, "-", color=ORANGE, linewidth=2, label="during training")
    et = [e["t_end"] / scale for e in epochs if e.get("t_end") is not None and e.get("alpha") is not None]
    ea = [e["alpha"] for e in epochs if e.get("t_end") is not None and e.get("alpha") is not None]
    if et and not st:
        first = ea[0] if start_alpha is None else start_alpha
        ax.plot([0.0] + et, [first] + ea, "o-", color=ORANGE, markersize=5, linewidth=2, label="end of each epoch")
    if st or et:
        ax.legend(fontsize=8, frameon=False, loc="best")
        ax.set_ylim(bottom=0)
    else:
        _empty(ax, "no samples yet")
    _epoch_lines(ax, epochs, scale)
    ax.set_xlabel(f"{tlabel} (dotted: epoch ends)")
    ax.set_ylabel("alpha")


def throughput_panel(ax, epochs: list[dict], samples: dict, scale: float, tlabel: str) -> None:
    """Words per second between samples, with each epoch's mean as a step."""
    _style(ax, "Throughput over the run")
    wps = _thousand_words_per_sec(epochs)
    ends = [e.get("t_end") for e in epochs if e.get("t_end") is not None]
    rx, ry = _rate_curve(samples)
    if rx:
        ax.plot([x / scale for x in rx], [y / 1e3 for y in ry], "-", color=GREEN, linewidth=1.5,
                label="between samples")
    if ends and len(ends) == len(epochs):
        starts = [0.0] + ends[:-1]
        xs, ys = [], []
        for s0, s1, y in zip(starts, ends, wps):
            xs += [s0 / scale, s1 / scale]
            ys += [y, y]
        ax.plot(xs, ys, "-", color=BLUE, linewidth=2, alpha=0.8, label="epoch mean")
    if rx or ends:
        ax.legend(fontsize=8, frameon=False, loc="best")
        top = max(wps) if wps else 0.0
        if ry:  # a burst between two close samples must not flatten the rest
            ys = sorted(ry)
            top = max(top, ys[int(0.98 * (len(ys) - 1))] / 1e3)
        ax.set_ylim(0, top * 1.25 if top > 0 else 1)
    else:
        _empty(ax, "no samples yet")
    _epoch_lines(ax, epochs, scale)
    ax.set_xlabel(f"{tlabel} (dotted: epoch ends)")
    ax.set_ylabel("thousand words / s")


def analogy_panel(ax, epochs: list[dict]) -> None:
    _style(ax, "Analogy accuracy (questions-words)")
    ep = [e["epoch"] for e in epochs]
    drew = False
    for key, name, colour, style in (("analogy", "all", BLUE, "o-"), ("analogy_semantic", "semantic", ORANGE, "s--"),
                                     ("analogy_syntactic", "syntactic", GREEN, "^--")):
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


def similarity_panel(ax, epochs: list[dict]) -> None:
    _style(ax, "Word similarity (Spearman \u03c1)")
    ep = [e["epoch"] for e in epochs]
    drew = False
    for key, name, colour, style in (("wordsim353", "WordSim-353", BLUE, "o-"), ("simlex999", "SimLex-999", ORANGE, "s-")):
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


# ----------------------------------------------------------------------------- helpers


def _thousand_words_per_sec(epochs: list[dict]) -> list[float]:
    return [(e.get("words_per_sec") or 0.0) / 1e3 for e in epochs]


def _start_alpha(data: dict) -> float | None:
    """The starting learning rate of the run (from the configuration), if known."""
    cfg = data.get("config") or {}
    if cfg.get("alpha") is not None:
        return float(cfg["alpha"])
    if "sg" in cfg:
        return 0.025 if cfg["sg"] else 0.05
    return None


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


def _epoch_lines(ax, epochs: list[dict], scale: float) -> None:
    """Dotted vertical lines at epoch ends (at most about 20)."""
    step = max(1, math.ceil(len(epochs) / 20))
    for e in epochs[step - 1::step]:
        if e.get("t_end") is not None:
            ax.axvline(e["t_end"] / scale, color="#bbbbbb", linestyle=":", linewidth=1)


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
