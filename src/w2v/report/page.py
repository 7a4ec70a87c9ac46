"""The report as one self-contained HTML page: summary, plots (an embedded PNG), a table per
epoch, the configuration, and the data as JSON in ``<script type="application/json"
id="w2v-data">`` (read back by :func:`w2v.report.read_report`)."""

from __future__ import annotations

import base64
import html
import json

EVAL_KEYS = ("analogy", "analogy_semantic", "analogy_syntactic", "wordsim353", "simlex999")
DATA_TAG = '<script type="application/json" id="w2v-data">'

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


def render_html(data: dict, png: bytes) -> str:
    """The report page: summary, the plots (embedded PNG), a table per epoch, the configuration,
    and the data as JSON."""
    esc = html.escape
    epochs = data.get("epochs", [])
    cfg = data.get("config") or {}
    finished = bool(data.get("finished"))
    with_eval = any(any(e.get(k) is not None for k in EVAL_KEYS) for e in epochs) or data.get("eval_each_epoch")
    planned = data.get("epochs_planned")
    status = ("finished" if finished else "in progress (this page reloads every 10 s)")
    status += f", {len(epochs)}" + (f" of {planned}" if planned else "") + f" epochs, updated {data.get('updated', '')}"
    summary = _summary(data, bool(with_eval))
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
        + "<h2>Per epoch</h2>\n" + _epoch_table(epochs, bool(with_eval))
        + (f"<details><summary>Configuration</summary>\n<table>\n{cfg_rows}\n</table>\n</details>\n" if cfg else "")
        + "<p class=\"status\">The numbers above are in the JSON block <code>#w2v-data</code> of this page "
        + "(<code>w2v.report.read_report(path)</code> reads them back).</p>\n"
        + f"{DATA_TAG}{blob}</script>\n</body>\n</html>\n"
    )


def _summary(data: dict, with_eval: bool) -> list[tuple[str, str]]:
    """(term, HTML) pairs: the model, vocabulary, corpus, training time, loss, last evaluation."""
    epochs = data.get("epochs", [])
    cfg = data.get("config") or {}
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
            summary.append(("last evaluation", html.escape(describe_eval(epochs[-1]))))
    return summary


def _fmt(v, spec: str) -> str:
    if v is None:
        return "&ndash;"
    return format(v, spec)


def _pct(v) -> str:
    return "&ndash;" if v is None else f"{100 * v:.1f}%"


def _epoch_table(epochs: list[dict], with_eval: bool) -> str:
    head_cells = ["epoch", "loss", "words read", "after subsampling", "seconds", "words/s", "alpha at end"]
    if with_eval:
        head_cells += ["analogy", "semantic", "syntactic", "WordSim-353 &rho;", "SimLex-999 &rho;"]
    rows = []
    for e in epochs:
        cells = [str(e.get("epoch")), _fmt(e.get("loss"), ".4f"), _fmt(e.get("words"), ","),
                 _fmt(e.get("trained"), ","), _fmt(e.get("seconds"), ".2f"), _fmt(e.get("words_per_sec"), ",.0f"),
                 _fmt(e.get("alpha"), ".6f")]
        if with_eval:
            cells += [_pct(e.get("analogy")), _pct(e.get("analogy_semantic")), _pct(e.get("analogy_syntactic")),
                      _fmt(e.get("wordsim353"), ".3f"), _fmt(e.get("simlex999"), ".3f")]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return ("<table>\n<tr>" + "".join(f"<th>{h}</th>" for h in head_cells) + "</tr>\n"
            + "\n".join(rows) + "\n</table>\n")
