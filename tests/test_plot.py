"""The embedding map: PNG of the asked size, not blank, labels that do not overlap."""

import io

import numpy as np
import pytest
from conftest import png_size, run_w2v

pytest.importorskip("matplotlib")

from w2v import KeyedVectors, W2VError  # noqa: E402
from w2v.plot import choose_words, embedding_map, pca_2d, place_labels  # noqa: E402



def ink(data: bytes) -> float:
    import matplotlib.image

    rgb = matplotlib.image.imread(io.BytesIO(data), format="png")[..., :3]
    return float((rgb < 0.9).any(axis=-1).mean())


def overlaps(boxes: np.ndarray) -> int:
    x0, y0, x1, y1 = boxes.T
    ix = np.minimum(x1[:, None], x1[None]) - np.maximum(x0[:, None], x0[None])
    iy = np.minimum(y1[:, None], y1[None]) - np.maximum(y0[:, None], y0[None])
    hit = (ix > 0.5) & (iy > 0.5)
    np.fill_diagonal(hit, False)
    return int(hit.sum() // 2)


@pytest.fixture(scope="module")
def wv():
    """400 words in 8 clusters (so neighbours are meaningful), most frequent first."""
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(8, 24))
    vecs = centres[np.arange(400) % 8] + 0.35 * rng.normal(size=(400, 24))
    words = [f"w{i:03d}{'x' * (i % 7)}" for i in range(400)]  # labels of varied widths
    return KeyedVectors(words, vecs.astype(np.float32), counts=np.arange(400, 0, -1))


@pytest.fixture(scope="module")
def vec_file(wv, tmp_path_factory):
    p = tmp_path_factory.mktemp("vec") / "v.bin"
    wv.save(p)
    return p


def test_map_of_200_words_has_the_size_asked_ink_and_no_label_pile_up(wv, tmp_path):
    out = tmp_path / "map.png"
    info = embedding_map(wv, top=200, path=out)
    data = out.read_bytes()
    assert png_size(data) == (1600, 1200)
    assert ink(data) > 0.01
    assert info["words"] == wv.index_to_key[:200]
    boxes = info["label_boxes"]
    assert boxes.shape == (200, 4)
    assert overlaps(boxes) == 0
    assert (boxes[:, 0] >= 0).all() and (boxes[:, 2] <= 1600).all()
    assert (boxes[:, 1] >= 0).all() and (boxes[:, 3] <= 1200).all()


def test_neighbours_share_their_words_colour(wv, tmp_path):
    info = embedding_map(wv, ["w000", "w001x"], neighbours=5, path=tmp_path / "m.png", size=(800, 600))
    assert png_size((tmp_path / "m.png").read_bytes()) == (800, 600)
    words, group, anchor = info["words"], info["group"], info["anchor"]
    assert words[:2] == ["w000", "w001x"] and anchor[:2] == [True, True]
    assert len(words) == 12 and sum(anchor) == 2
    for w, g in zip(words[2:], group[2:]):
        home = 0 if g == 0 else 1
        assert w in {n for n, _ in wv.most_similar(words[home], topn=5)}
    # the scatter's colours follow the groups
    coll = info["figure"].get_axes()[0].collections[0]
    colours = coll.get_facecolors()
    assert len({tuple(c) for c in colours[np.array(group) == 0]}) == 1
    assert tuple(colours[0]) != tuple(colours[1])


def test_choose_words_errors(wv):
    with pytest.raises(W2VError, match="not in the vocabulary: nope"):
        choose_words(wv, ["w000", "nope"])
    assert choose_words(wv, None, top=3, skip=2)[0] == wv.index_to_key[2:5]


def test_place_labels_never_overlap_when_there_is_room():
    rng = np.random.default_rng(0)
    for _ in range(5):
        n = 120
        pts = np.vstack([rng.normal(500, 20, (n // 2, 2)), rng.uniform(0, 1000, (n // 2, 2))])
        pts = np.clip(pts, 10, 990)
        sizes = np.column_stack([rng.uniform(20, 70, n), np.full(n, 14.0)])
        centres = place_labels(pts, sizes, (0, 0, 1000, 1000))
        boxes = np.hstack([centres - sizes / 2, centres + sizes / 2])
        assert overlaps(boxes) == 0
        assert boxes.min() >= 0 and boxes.max() <= 1000


def test_pca_matches_the_svd_and_reports_variance():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(50, 10)) * np.arange(10, 0, -1)
    coords, share = pca_2d(x)
    c = x - x.mean(axis=0)
    s = np.linalg.svd(c, compute_uv=False)
    assert share == pytest.approx((s[:2] ** 2) / (s ** 2).sum())
    assert (coords ** 2).sum(axis=0) == pytest.approx(s[:2] ** 2)


def test_cli_plot_top_and_words(vec_file, tmp_path):
    out = tmp_path / "map.png"
    r = run_w2v("plot", vec_file, "--top", 200, "--size", "1200x900", "-o", out)
    assert r.returncode == 0, r.stderr.decode()
    assert png_size(out.read_bytes()) == (1200, 900) and ink(out.read_bytes()) > 0.01
    assert b"200 words" in r.stderr
    r = run_w2v("plot", vec_file, "w000", "w003xxx", "-n", 6, "-o", tmp_path / "m.svg", "-q")
    assert r.returncode == 0 and r.stderr == b""
    assert (tmp_path / "m.svg").read_bytes().lstrip().startswith(b"<?xml")


def test_cli_plot_errors(vec_file, tmp_path):
    r = run_w2v("plot", vec_file, "nosuchword", "-o", tmp_path / "m.png")
    assert r.returncode == 2 and b"not in the vocabulary: nosuchword" in r.stderr
    r = run_w2v("plot", vec_file, "-o", tmp_path / "m.jpg")
    assert r.returncode == 2 and b".png, .svg or .pdf" in r.stderr
    assert not (tmp_path / "m.png").exists() and not (tmp_path / "m.jpg").exists()
    r = run_w2v("plot", vec_file, "--size", "big", "-o", tmp_path / "m.png")
    assert r.returncode == 2 and b"1600x1200" in r.stderr


def test_tsne_needs_scikit_learn_or_works(vec_file, tmp_path):
    r = run_w2v("plot", vec_file, "--top", 60, "--method", "tsne", "-o", tmp_path / "t.png")
    try:
        import sklearn  # noqa: F401
    except ImportError:
        assert r.returncode == 2 and b"t-SNE needs scikit-learn" in r.stderr
    else:
        assert r.returncode == 0, r.stderr.decode()
        assert png_size((tmp_path / "t.png").read_bytes()) == (1600, 1200)
