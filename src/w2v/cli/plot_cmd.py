"""`w2v plot`: a labelled 2-D map of words (PCA or t-SNE) written as PNG, SVG or PDF."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import app


class Method(str, Enum):
    pca = "pca"
    tsne = "tsne"


@app.command("plot")
def plot(
    vectors: Path = typer.Argument(..., help="Vectors: word2vec .bin/.txt (optionally compressed) or a w2v folder."),
    words: Optional[List[str]] = typer.Argument(None, help="Words to show (default: the --top most frequent)."),
    output: Path = typer.Option(..., "-o", "--output", help="The map: FILE.png, .svg or .pdf."),
    top: int = typer.Option(100, "--top", help="Without WORDs: how many of the most frequent words to show."),
    skip: int = typer.Option(0, "--skip", help="Without WORDs: leave out this many most frequent words first (the, of, and...)."),
    neighbours: int = typer.Option(0, "--neighbours", "--neighbors", "-n", help="Also show each word's N nearest neighbours, in its colour."),
    method: Method = typer.Option(Method.pca, "--method", help="pca: linear projection (numpy); tsne: t-SNE (needs scikit-learn)."),
    size: str = typer.Option("1600x1200", "--size", help="Image size in pixels, WIDTHxHEIGHT."),
    title: Optional[str] = typer.Option(None, "--title", help="Title above the map (default: says what is shown)."),
    seed: int = typer.Option(1, "--seed", help="Random seed for t-SNE."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary line."),
) -> None:
    """Draw a labelled 2-D map of words (PCA or t-SNE) and write it to OUTPUT."""
    from ..plot import embedding_map, parse_size, require_matplotlib
    from ..vectors import KeyedVectors

    require_matplotlib()
    dims = parse_size(size)
    if not words and not neighbours:
        if top < 1 or skip < 0:
            raise typer.BadParameter("--top must be at least 1 and --skip 0 or more")
        from ..formats import read_header

        wv = KeyedVectors.load(vectors, limit=skip + top)  # only the rows drawn are read
        total = int(read_header(vectors)["count"])
    else:
        wv = KeyedVectors.load(vectors)
        total = len(wv)
    info = embedding_map(wv, words or None, path=output, top=top, skip=skip, neighbours=neighbours,
                         method=method.value, size=dims, title=title, seed=seed, source=vectors.name,
                         vocab_size=total)
    if not quiet:
        shown = ""
        if info["explained"] is not None:
            shown = f", the two axes show {100 * sum(info['explained']):.1f}% of the variance"
        print(f"wrote {output}: {len(info['words'])} words ({method.value}{shown})", file=sys.stderr)
