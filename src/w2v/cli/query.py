"""`w2v similar`, `w2v analogy`, `w2v eval`, `w2v convert`, `w2v info`: using trained vectors.

Only typer is imported up front; numpy, rich and the readers load inside the commands, so
`w2v eval` starts fast (no numba, no trainer, no scipy).
"""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from . import app

_LIMIT = typer.Option(None, "--limit", min=1, help="Read only the first N vectors.")
_UNICODE = typer.Option("strict", "--unicode-errors",
                        help="Words that are not UTF-8: strict (an error), replace or ignore.")


def _load(path: str, limit: Optional[int] = None, unicode_errors: str = "strict"):
    from ..vectors import KeyedVectors

    return KeyedVectors.load(path, limit=limit, unicode_errors=unicode_errors)


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def _dump(obj, lines: bool = False) -> None:
    """JSON on stdout: indented, or one compact line (``lines``: one answer a query in prompt mode)."""
    import json

    sys.stdout.write(json.dumps(obj, indent=None if lines else 2, ensure_ascii=False, allow_nan=False) + "\n")
    sys.stdout.flush()


def _neighbour_table(title: str, pairs):
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("word")
    table.add_column("cosine", justify="right")
    for i, (word, score) in enumerate(pairs, 1):
        table.add_row(str(i), word, f"{score:.4f}")
    return table


def _unknown(kv, words) -> list[str]:
    return [w for w in words if w not in kv]


def _prompt_lines(prompt: str):
    """Lines from stdin until EOF or EXIT; the prompt is shown only on a terminal."""
    interactive = sys.stdin.isatty()
    while True:
        if interactive:
            sys.stderr.write(prompt)
            sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            return
        line = line.strip()
        if line == "EXIT":
            return
        if line:
            yield line


@app.command()
def similar(
    vectors: str = typer.Argument(..., help="Vectors file (word2vec .bin/.txt, fastText .vec) or w2v folder."),
    words: Optional[List[str]] = typer.Argument(None, help="Words to look up; none for an interactive prompt."),
    topn: int = typer.Option(10, "-n", "--topn", min=1, help="How many neighbours."),
    restrict: Optional[int] = typer.Option(None, "--restrict", min=1, help="Search only the N most frequent words."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON: {word: [[neighbour, cosine], ...]}."),
    limit: Optional[int] = _LIMIT,
    unicode_errors: str = _UNICODE,
) -> None:
    """Nearest neighbours of each WORD by cosine similarity (like word2vec's `distance`).

    With no WORD, reads queries from stdin (one a line; several words on a line are added up)
    until EOF or EXIT.
    """
    from ..errors import InputError

    kv = _load(vectors, limit, unicode_errors)
    if words:
        missing = _unknown(kv, words)
        if missing:
            raise InputError(f"not in the vocabulary of {vectors}: {', '.join(repr(w) for w in missing)}")
        results = {w: kv.most_similar(w, topn=topn, restrict_vocab=restrict) for w in words}
        if json_out:
            _dump({w: [[n, s] for n, s in r] for w, r in results.items()})
            return
        console = _console()
        for w, r in results.items():
            console.print(_neighbour_table(f"nearest to {w}", r))
        return
    console = _console()
    for line in _prompt_lines("Enter word or sentence (EXIT to break): "):
        query = line.split()
        missing = _unknown(kv, query)
        if missing:
            print(f"Out of dictionary word: {' '.join(missing)}", flush=True)
            continue
        result = kv.most_similar(positive=query, topn=topn, restrict_vocab=restrict)
        if json_out:
            _dump({line: [[n, s] for n, s in result]}, lines=True)
        else:
            console.print(_neighbour_table(f"nearest to {line}", result))


@app.command()
def analogy(
    vectors: str = typer.Argument(..., help="Vectors file or w2v folder."),
    words: Optional[List[str]] = typer.Argument(None, help="A B C: A is to B as C is to ?; none for a prompt."),
    topn: int = typer.Option(10, "-n", "--topn", min=1, help="How many answers."),
    method: str = typer.Option("add", "--method", help="add (3CosAdd) or mul (3CosMul)."),
    restrict: Optional[int] = typer.Option(None, "--restrict", min=1, help="Answer only among the N most frequent words."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON: [[word, score], ...]."),
    limit: Optional[int] = _LIMIT,
    unicode_errors: str = _UNICODE,
) -> None:
    """A is to B as C is to ?: the words closest to B - A + C (like word2vec's `word-analogy`).

    With no words, reads "A B C" lines from stdin until EOF or EXIT.
    """
    from ..errors import ConfigError, InputError

    if method not in ("add", "mul"):
        raise ConfigError(f"--method must be add or mul, not {method!r}")
    if words and len(words) != 3:
        raise ConfigError(f"give three words A B C (A is to B as C is to ?), or none for the prompt; got {len(words)}")
    kv = _load(vectors, limit, unicode_errors)

    def solve(a: str, b: str, c: str):
        if method == "add":
            return kv.most_similar(positive=[b, c], negative=[a], topn=topn, restrict_vocab=restrict)
        return kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=topn, restrict_vocab=restrict)

    if words:
        missing = _unknown(kv, words)
        if missing:
            raise InputError(f"not in the vocabulary of {vectors}: {', '.join(repr(w) for w in missing)}")
        result = solve(*words)
        if json_out:
            _dump([[n, s] for n, s in result])
        else:
            a, b, c = words
            _console().print(_neighbour_table(f"{a} is to {b} as {c} is to ?", result))
        return
    console = _console()
    for line in _prompt_lines("Enter three words A B C (EXIT to break): "):
        query = line.split()
        if len(query) != 3:
            print("Only three words are accepted: A B C (A is to B as C is to ?)", flush=True)
            continue
        missing = _unknown(kv, query)
        if missing:
            print(f"Out of dictionary word: {' '.join(missing)}", flush=True)
            continue
        result = solve(*query)
        if json_out:
            _dump({line: [[n, s] for n, s in result]}, lines=True)
        else:
            a, b, c = query
            console.print(_neighbour_table(f"{a} is to {b} as {c} is to ?", result))


@app.command(name="eval")
def eval_(
    vectors: str = typer.Argument(..., help="Vectors file or w2v folder."),
    analogies: Optional[str] = typer.Option(None, "--analogies", help="Analogy questions (default: the bundled questions-words.txt)."),
    similarity: Optional[List[str]] = typer.Option(None, "--similarity", help="Word-pair file; repeat for several (default: bundled WordSim-353 and SimLex-999)."),
    restrict: int = typer.Option(30000, "--restrict", min=1, help="Analogies: only questions within the N most frequent words."),
    method: str = typer.Option("add", "--method", help="Analogies: add (3CosAdd, as gensim) or mul (3CosMul)."),
    case_sensitive: bool = typer.Option(False, "--case-sensitive", help="Match words exactly (default: upper-case both sides, as gensim)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON: analogy, semantic, syntactic, sections, one entry per word-pair file."),
    limit: Optional[int] = _LIMIT,
    unicode_errors: str = _UNICODE,
) -> None:
    """Analogy accuracy and word-similarity correlations, numbers comparable with gensim's."""
    from ..errors import ConfigError

    if method not in ("add", "mul"):
        raise ConfigError(f"--method must be add or mul, not {method!r}")
    from .. import evaluate

    kv = _load(vectors, limit, unicode_errors)
    ev = evaluate.evaluate_vectors(kv, analogies, similarity or None, restrict_vocab=restrict,
                                   case_insensitive=not case_sensitive, method=method)
    ana, pairs = ev.analogies, ev.pairs

    if json_out:
        out = {"vectors": vectors, **ana.to_dict()}
        for res in pairs:
            key = res.name if res.name not in out else res.path
            out[key] = res.to_dict()
        _dump(out)
        return

    from rich.table import Table

    console = _console()
    table = Table(title=f"analogies ({method}, {restrict} most frequent words)", title_justify="left")
    table.add_column("section")
    table.add_column("accuracy", justify="right")
    table.add_column("correct", justify="right")
    table.add_column("answered", justify="right")
    table.add_column("skipped", justify="right")
    for s in ana.sections:
        table.add_row(s.name, f"{s.accuracy:.4f}", str(s.correct), str(s.total), str(s.skipped))
    table.add_section()
    sem = [s for s in ana.sections if s.semantic]
    syn = [s for s in ana.sections if not s.semantic]
    for name, group, acc in (("semantic", sem, ana.semantic), ("syntactic", syn, ana.syntactic)):
        table.add_row(name, f"{acc:.4f}", str(sum(s.correct for s in group)),
                      str(sum(s.total for s in group)), str(sum(s.skipped for s in group)))
    table.add_row("[bold]total[/bold]", f"[bold]{ana.accuracy:.4f}[/bold]", str(ana.correct),
                  str(ana.total), str(ana.skipped))
    console.print(table)

    table = Table(title="word similarity", title_justify="left")
    table.add_column("dataset")
    table.add_column("spearman", justify="right")
    table.add_column("pearson", justify="right")
    table.add_column("pairs", justify="right")
    table.add_column("oov %", justify="right")
    fmt = lambda x: "n/a" if x != x else f"{x:.4f}"  # noqa: E731  (nan)
    for res in pairs:
        table.add_row(res.name, fmt(res.spearman), fmt(res.pearson), str(res.pairs), f"{res.oov:.1f}")
    console.print(table)


@app.command()
def convert(
    source: str = typer.Argument(..., metavar="IN", help="Vectors file (any format w2v reads, GloVe's too) or w2v folder."),
    dest: str = typer.Argument(..., metavar="OUT", help="Output: .bin, .txt, .vec (optionally .gz/.bz2/.xz), .tsv (projector), else a folder."),
    binary: Optional[bool] = typer.Option(None, "--binary/--text", help="Force word2vec binary or text (default: from OUT's suffix)."),
    to: Optional[str] = typer.Option(None, "--to", help="Output format: native, text, binary, glove (text without header) or projector (vectors.tsv + metadata.tsv)."),
    limit: Optional[int] = _LIMIT,
    unicode_errors: str = _UNICODE,
) -> None:
    """Convert between word2vec binary and text, fastText .vec, GloVe text and the w2v folder.

    The input's format is told by its content; the output's by OUT's name, or --to. The
    TensorBoard Embedding Projector's pair (vectors.tsv and metadata.tsv) can be written too."""
    import os

    from .. import formats
    from ..errors import ConfigError

    if to is not None and to not in formats.FORMATS:
        raise ConfigError(f"--to must be one of {', '.join(formats.FORMATS)}, not {to!r}")
    if to is not None and binary is not None:
        raise ConfigError("give --to or --binary/--text, not both")
    kv = _load(source, limit, unicode_errors)
    if os.path.abspath(source) == os.path.abspath(dest):
        raise ConfigError("IN and OUT are the same path")
    fmt = to if to is not None else None if binary is None else formats.BINARY if binary else formats.TEXT
    fmt = fmt or formats.format_for_path(dest)
    kv.save(dest, format=fmt)
    where = dest
    if fmt == formats.PROJECTOR:
        where = " and ".join(str(p) for p in formats.projector_paths(dest))
    print(f"wrote {len(kv)} vectors of dimension {kv.vector_size} to {where} ({fmt})", file=sys.stderr)


@app.command()
def info(
    path: str = typer.Argument(..., metavar="FILE", help="Vectors file or w2v folder."),
    words: int = typer.Option(10, "-n", "--words", min=0, help="How many words to show."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Format, vocabulary size, dimension and the first words of a vectors file (reads the header only).

    A GloVe file has no header: its lines are counted."""
    from .. import formats

    head = formats.read_header(path)
    if head["format"] == formats.NATIVE:
        first = head.pop("words")[:words]
    else:
        first = formats.load_word2vec(path, limit=words, unicode_errors="replace")[0] if words else []
    head["words"] = first
    if json_out:
        _dump({"path": path, **head})
        return
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    fmt = head["format"] + (f" ({head['compression']})" if head.get("compression") else "")
    if head["format"] == formats.NATIVE:
        fmt += f", {head.get('kind')}"
    table.add_row("file", path)
    table.add_row("format", fmt)
    table.add_row("vocabulary", f"{head['count']:,}")
    table.add_row("dimension", str(head["dim"]))
    table.add_row("first words", " ".join(first))
    _console().print(table)
