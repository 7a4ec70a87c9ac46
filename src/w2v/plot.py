"""The embedding map: words as labelled points in 2-D, by PCA (numpy) or t-SNE (scikit-learn).

    >>> from w2v.plot import embedding_map                                   # doctest: +SKIP
    >>> info = embedding_map(wv, ["king", "war"], neighbours=8, path="map.png")  # doctest: +SKIP

Which words: the ones given, or the ``top`` most frequent (after skipping the first ``skip``,
which are mostly function words). With ``neighbours=k`` each given word brings its k nearest
neighbours, drawn in the word's colour.

Where the points go: the unit-length vectors are projected on their first two principal
components (an SVD of the centred matrix: a linear map, so distances along the axes mean
something and the variance shown is reported), or laid out by t-SNE (``method="tsne"``, needs
scikit-learn, cosine distances; better at keeping neighbourhoods apart, but the distances between
groups mean little).

Where the labels go: each label is placed, in the order of the words' importance (the given
words, then neighbours; or by frequency), at the first free spot among candidates around its
point (beside, above, below, then rings further out), where free means overlapping no label
placed before it and no other point. A label that had to move away gets a thin leader line to
its point. This keeps 200 labels readable where plain offsetting would pile them up in the
crowded centre of the map.

Drawing uses matplotlib's Agg canvas directly (pyplot's global state is untouched).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import ConfigError, InputError, W2VError

MATPLOTLIB_MISSING = "plots need matplotlib: pip install 'w2v[plot]'"
METHODS = ("pca", "tsne")
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
_ONE_COLOUR = "#1f5f9f"
_PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#393b79", "#ad494a", "#637939", "#7b4173", "#843c39", "#3182bd"]


def require_matplotlib():
    """Import matplotlib (nothing global is changed), or fail with how to install it."""
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401
    except ImportError:
        raise W2VError(MATPLOTLIB_MISSING) from None
    return matplotlib


# ----------------------------------------------------------------------------- choosing words


def choose_words(wv, words: Sequence[str] | None = None, *, top: int = 100, skip: int = 0,
                 neighbours: int = 0, restrict_vocab: int | None = None) -> tuple[list[str], list[int], list[bool]]:
    """``(words, group, is_anchor)``: the words to draw, each one's group (its colour) and
    whether it was asked for (True) or came as a neighbour (False). A word that is the neighbour
    of several is drawn once, in the colour of the first."""
    if neighbours < 0:
        raise ConfigError(f"neighbours must be 0 or more, not {neighbours}")
    if words:
        anchors = list(dict.fromkeys(words))
        missing = [w for w in anchors if w not in wv]
        if missing:
            hint = ""
            lowered = [w.lower() for w in missing if w.lower() in wv and w.lower() != w]
            if lowered:
                hint = f" (but {', '.join(lowered[:5])} is)"
            raise InputError(f"not in the vocabulary: {', '.join(missing[:10])}"
                             f"{' and more' if len(missing) > 10 else ''}{hint}")
    else:
        if top < 1:
            raise ConfigError(f"--top must be at least 1, not {top}")
        if skip < 0:
            raise ConfigError(f"--skip must be 0 or more, not {skip}")
        anchors = list(wv.index_to_key[skip:skip + top])
        if not anchors:
            raise InputError(f"the vectors hold {len(wv)} words; nothing left after skipping {skip}")
    out: list[str] = []
    group: list[int] = []
    anchor: list[bool] = []
    seen: dict[str, int] = {}
    for g, a in enumerate(anchors):
        if a in seen:  # an earlier word's neighbour, asked for too: it becomes an anchor
            anchor[seen[a]] = True
            continue
        seen[a] = len(out)
        out.append(a)
        group.append(g)
        anchor.append(True)
    if neighbours:
        for g, a in enumerate(anchors):
            for w, _ in wv.most_similar(a, topn=neighbours, restrict_vocab=restrict_vocab):
                if w not in seen:
                    seen[w] = len(out)
                    out.append(w)
                    group.append(g)
                    anchor.append(False)
    if not neighbours:  # no neighbours: one colour for all
        return out, [0] * len(out), anchor
    # groups renumbered 0.. in order of first appearance
    order = {g: i for i, g in enumerate(dict.fromkeys(group))}
    return out, [order[g] for g in group], anchor


# ----------------------------------------------------------------------------- projecting


def pca_2d(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(coords [n, 2], share of the variance on each axis)`` by an SVD of the centred rows.
    Signs are fixed (the largest loading of each axis positive) so the picture is reproducible."""
    x = np.asarray(x, dtype=np.float64)
    c = x - x.mean(axis=0)
    u, s, vt = np.linalg.svd(c, full_matrices=False)
    k = min(2, vt.shape[0])
    comps = vt[:k]
    signs = np.sign(comps[np.arange(k), np.argmax(np.abs(comps), axis=1)])
    signs[signs == 0] = 1
    comps = comps * signs[:, None]
    coords = c @ comps.T
    total = float((s ** 2).sum())
    share = (s[:k] ** 2) / total if total > 0 else np.zeros(k)
    if k < 2:  # one point or all on a line
        coords = np.hstack([coords, np.zeros((len(x), 2 - k))])
        share = np.concatenate([share, np.zeros(2 - k)])
    return coords, share


def tsne_2d(x: np.ndarray, seed: int = 1, perplexity: float | None = None) -> np.ndarray:
    """t-SNE with scikit-learn (cosine distances, PCA start); a clear error if it is missing."""
    try:
        from sklearn.manifold import TSNE
    except ImportError:
        raise W2VError("t-SNE needs scikit-learn: pip install scikit-learn (or use --method pca)") from None
    n = len(x)
    if n < 5:
        raise ConfigError(f"t-SNE needs at least 5 words, got {n} (use --method pca)")
    if perplexity is None:
        perplexity = float(min(30.0, max(2.0, (n - 1) / 3.0)))
    tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", metric="cosine", random_state=seed)
    return np.asarray(tsne.fit_transform(np.asarray(x, dtype=np.float64)), dtype=np.float64)


# ----------------------------------------------------------------------------- label placement


def _candidates(px: float, py: float, w: float, h: float, gap: float, rings: int,
                outward: float | None = None) -> np.ndarray:
    """Centres of candidate label boxes around a point, best first: right, left, above, below,
    the four corners, then rings further out (16 directions each, those pointing ``outward``
    (an angle: away from the crowd) first, so leader lines fan out instead of crossing)."""
    hw, hh = w / 2, h / 2
    near = [(px + gap + hw, py), (px - gap - hw, py), (px, py + gap + hh), (px, py - gap - hh),
            (px + gap + hw, py + gap + hh), (px - gap - hw, py + gap + hh),
            (px + gap + hw, py - gap - hh), (px - gap - hw, py - gap - hh)]
    out = np.array(near)
    if rings:
        ang = np.linspace(0, 2 * np.pi, 16, endpoint=False)
        if outward is None:
            ang = ang[np.argsort(np.abs(np.sin(ang)), kind="stable")]  # prefer sideways moves first
        else:
            ang = ang[np.argsort(-np.cos(ang - outward), kind="stable")]
        d = np.arange(1, rings + 1, dtype=np.float64)[:, None] * (h * 1.1)
        cx = px + np.cos(ang)[None, :] * (gap + hw + d)
        cy = py + np.sin(ang)[None, :] * (gap + hh + d)
        out = np.vstack([out, np.stack([cx.ravel(), cy.ravel()], axis=1)])
    return out


def place_labels(points: np.ndarray, sizes: np.ndarray, bounds: tuple[float, float, float, float],
                 order: Sequence[int] | None = None, gap: float = 3.0, marker: float = 3.0,
                 rings: int = 24) -> np.ndarray:
    """Centres (same units as ``points``, e.g. pixels) for labels of ``sizes`` ``[n, 2]`` (w, h)
    so that no two labels overlap and no label covers a point, when there is room.

    Greedy: labels in ``order`` take the first candidate spot that is inside ``bounds``
    ``(x0, y0, x1, y1)`` and overlaps nothing placed so far; when every candidate overlaps, the
    one with the least overlap."""
    points = np.asarray(points, dtype=np.float64)
    sizes = np.asarray(sizes, dtype=np.float64)
    n = len(points)
    order = list(range(n)) if order is None else list(order)
    x0, y0, x1, y1 = bounds
    # "outward" for each point: away from the mean of its nearest points (its local crowd)
    if n > 1:
        d2 = ((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=-1)
        k = min(8, n - 1)
        near = np.argpartition(d2, k, axis=1)[:, : k + 1]
        crowd = points[near].mean(axis=1)
    else:
        crowd = points.copy()
    boxes = np.zeros((n, 4))  # x0, y0, x1, y1 of placed labels
    placed = np.zeros(n, dtype=bool)
    centres = points.copy()
    for i in order:
        w, h = sizes[i]
        d = points[i] - crowd[i]
        c = _candidates(points[i, 0], points[i, 1], w, h, gap, rings,
                        math.atan2(d[1], d[0]) if d.any() else None)
        bx0, by0 = c[:, 0] - w / 2, c[:, 1] - h / 2
        bx1, by1 = c[:, 0] + w / 2, c[:, 1] + h / 2
        inside = (bx0 >= x0) & (bx1 <= x1) & (by0 >= y0) & (by1 <= y1)
        if not inside.any():  # a label wider than the room: clamp the nearest spot
            c = c[:1].copy()
            c[0, 0] = min(max(c[0, 0], x0 + w / 2), x1 - w / 2)
            c[0, 1] = min(max(c[0, 1], y0 + h / 2), y1 - h / 2)
            bx0, by0, bx1, by1 = c[:, 0] - w / 2, c[:, 1] - h / 2, c[:, 0] + w / 2, c[:, 1] + h / 2
            inside = np.ones(1, dtype=bool)
        cost = np.zeros(len(c))
        if placed.any():
            pb = boxes[placed]
            ix = np.minimum(bx1[:, None], pb[None, :, 2]) - np.maximum(bx0[:, None], pb[None, :, 0])
            iy = np.minimum(by1[:, None], pb[None, :, 3]) - np.maximum(by0[:, None], pb[None, :, 1])
            cost += (np.clip(ix + 1.0, 0, None) * np.clip(iy + 1.0, 0, None)).sum(axis=1)
        # points (other than this label's own) under the box, with the marker's radius
        px, py = points[:, 0], points[:, 1]
        cover = ((px[None, :] > bx0[:, None] - marker) & (px[None, :] < bx1[:, None] + marker)
                 & (py[None, :] > by0[:, None] - marker) & (py[None, :] < by1[:, None] + marker))
        cover[:, i] = False
        cost += cover.sum(axis=1) * (marker * marker * 4)
        cost[~inside] = np.inf
        free = np.flatnonzero(cost == 0)
        k = int(free[0]) if len(free) else int(np.argmin(cost))
        centres[i] = c[k]
        boxes[i] = (bx0[k], by0[k], bx1[k], by1[k])
        placed[i] = True
    return centres


def _box_edge_point(cx: float, cy: float, w: float, h: float, px: float, py: float) -> tuple[float, float]:
    """Where the segment from the box centre towards (px, py) leaves the box."""
    dx, dy = px - cx, py - cy
    if dx == 0 and dy == 0:
        return cx, cy
    t = min((w / 2) / abs(dx) if dx else math.inf, (h / 2) / abs(dy) if dy else math.inf)
    return cx + dx * min(t, 1.0), cy + dy * min(t, 1.0)


# ----------------------------------------------------------------------------- drawing


def parse_size(text: str) -> tuple[int, int]:
    """``"1600x1200"`` -> (1600, 1200) pixels."""
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise ConfigError(f"size must look like 1600x1200 (width x height in pixels), not {text!r}") from None
    if not (200 <= w <= 20000 and 200 <= h <= 20000):
        raise ConfigError(f"size {w}x{h}: each side must be between 200 and 20000 pixels")
    return w, h


def draw_map(words: list[str], coords: np.ndarray, group: list[int], anchor: list[bool], *,
             size: tuple[int, int] = (1600, 1200), dpi: int = 150, title: str = "", xlabel: str = "",
             ylabel: str = "", note: str = ""):
    """``(figure, label boxes)``: a Figure of labelled points (not attached to pyplot) and each
    label's box in pixels, ``[n, 4]`` as x0, y0, x1, y1 from the image's bottom-left corner."""
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n = len(words)
    coords = np.asarray(coords, dtype=np.float64)
    fig = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0.03, 0.06, 0.94, 0.86))
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_color("#cccccc")
    if title:
        fig.text(0.03, 0.955, title, fontsize=12, fontweight="bold", ha="left", va="center")
    if note:
        fig.text(0.97, 0.955, note, fontsize=8, color="#666666", ha="right", va="center")
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=9, color="#444444")
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=9, color="#444444")

    # limits with room around the points for labels
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    pad = span * np.array([0.10, 0.07])
    ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
    ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])

    several = len(set(group)) > 1
    colours = [(_PALETTE[g % len(_PALETTE)] if several else _ONE_COLOUR) for g in group]
    sizes_pt = np.where(np.array(anchor), 26.0, 14.0) if several else np.full(n, 16.0)
    ax.scatter(coords[:, 0], coords[:, 1], s=sizes_pt, c=colours, linewidths=0, alpha=0.9, zorder=3)

    font = 10.0 if n <= 50 else 8.5 if n <= 120 else 7.5
    texts = []
    for i, w in enumerate(words):
        bold = several and anchor[i]
        texts.append(ax.text(coords[i, 0], coords[i, 1], w, fontsize=font + (1.5 if bold else 0),
                             fontweight="bold" if bold else "normal",
                             color=colours[i] if several else "#1a1a1a", ha="center", va="center", zorder=4))
    renderer = canvas.get_renderer()
    to_px = ax.transData
    pts = to_px.transform(coords)
    ext = [t.get_window_extent(renderer=renderer) for t in texts]
    sizes = np.array([(e.width + 2.0, e.height) for e in ext])
    bb = ax.get_window_extent(renderer=renderer)
    inset = 2.0
    importance = sorted(range(n), key=lambda i: (not anchor[i], i))
    gap = 0.35 * float(np.median(sizes[:, 1])) if n else 3.0
    centres = place_labels(pts, sizes, (bb.x0 + inset, bb.y0 + inset, bb.x1 - inset, bb.y1 - inset),
                           order=importance, gap=gap, marker=3.0)
    back = to_px.inverted()
    data_centres = back.transform(centres)
    for i, t in enumerate(texts):
        t.set_position(data_centres[i])
        w, h = sizes[i]
        far = abs(centres[i, 0] - pts[i, 0]) > w / 2 + 2.5 * gap or abs(centres[i, 1] - pts[i, 1]) > h / 2 + 2.5 * gap
        if far:
            ex, ey = _box_edge_point(centres[i, 0], centres[i, 1], w, h, pts[i, 0], pts[i, 1])
            a = back.transform([(ex, ey), (pts[i, 0], pts[i, 1])])
            ax.plot(a[:, 0], a[:, 1], "-", color=colours[i], alpha=0.45, linewidth=0.6, zorder=2)
    boxes = np.hstack([centres - sizes / 2, centres + sizes / 2])
    return fig, boxes


def save_figure(fig, path: str | Path, dpi: int | None = None) -> Path:
    """Write a figure atomically; the format is the suffix's (.png, .svg, .pdf)."""
    from .atomic import atomic_file, check_writable

    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise ConfigError(f"{p}: the map is written as .png, .svg or .pdf, not {p.suffix or 'a name without suffix'!r}")
    check_writable(p)
    with atomic_file(p, "wb") as fh:
        fig.savefig(fh, format=fmt, dpi=dpi or fig.dpi, facecolor="white")
    return p


def embedding_map(wv, words: Sequence[str] | None = None, *, path: str | Path | None = None, top: int = 100,
                  skip: int = 0, neighbours: int = 0, method: str = "pca", size: tuple[int, int] = (1600, 1200),
                  dpi: int = 150, title: str | None = None, seed: int = 1, restrict_vocab: int | None = None,
                  source: str = "", vocab_size: int | None = None) -> dict:
    """Draw the map of ``words`` (or of the ``top`` most frequent after ``skip``) from the
    KeyedVectors ``wv``; write it to ``path`` if given. Returns ``{"figure", "words", "coords",
    "group", "anchor", "method", "explained"}`` (``explained``: the variance share of each
    PCA axis; ``label_boxes``: where each label was drawn, in pixels). ``source`` and
    ``vocab_size`` (default ``len(wv)``) go in the corner note."""
    if method not in METHODS:
        raise ConfigError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    require_matplotlib()
    chosen, group, anchor = choose_words(wv, words, top=top, skip=skip, neighbours=neighbours,
                                         restrict_vocab=restrict_vocab)
    if len(chosen) < 2:
        raise ConfigError("a map needs at least 2 words (give more words, or --neighbours)")
    x = np.vstack([wv.get_vector(w, norm=True) for w in chosen]).astype(np.float64)
    explained = None
    if method == "pca":
        coords, explained = pca_2d(x)
        xlabel = f"first principal component ({100 * explained[0]:.1f}% of the variance)"
        ylabel = f"second principal component ({100 * explained[1]:.1f}%)"
    else:
        coords = tsne_2d(x, seed=seed)
        xlabel = ylabel = ""
    n_anchor = sum(anchor)
    if title is None:
        what = "PCA" if method == "pca" else "t-SNE"
        if words:
            title = f"{what} map of {n_anchor} word{'s' if n_anchor != 1 else ''}"
            if neighbours:
                title += f" and their {neighbours} nearest neighbours (same colour)"
        else:
            first = f"words {skip + 1}-{skip + len(chosen)} by frequency" if skip else f"the {len(chosen)} most frequent words"
            title = f"{what} map of {first}"
    total = len(wv) if vocab_size is None else vocab_size
    note = f"{source}  ({total:,} words, {wv.vector_size} dimensions)" if source else ""
    fig, boxes = draw_map(chosen, coords, group, anchor, size=size, dpi=dpi, title=title, xlabel=xlabel,
                          ylabel=ylabel, note=note)
    if path is not None:
        save_figure(fig, path, dpi=dpi)
    return {"figure": fig, "words": chosen, "coords": coords, "group": group, "anchor": anchor, "label_boxes": boxes,
            "method": method, "explained": None if explained is None else [float(v) for v in explained]}
