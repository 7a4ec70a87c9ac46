"""The training report: the data read back from the written files, one point per epoch."""

import base64
import io
import json
import lzma
import re
import sys

import numpy as np
import pytest
from conftest import png_size, run_w2v

pytest.importorskip("matplotlib")

from w2v import Word2Vec, W2VError  # noqa: E402
from w2v.datasets import sample_path  # noqa: E402
from w2v.report import TrainingReport, read_report, render_figure  # noqa: E402
from w2v.trainer import EpochStats  # noqa: E402

EPOCHS = 3


def png_pixels(data: bytes) -> np.ndarray:
    import matplotlib.image

    return matplotlib.image.imread(io.BytesIO(data), format="png")


def not_blank(img: np.ndarray) -> bool:
    rgb = img[..., :3]
    ink = (rgb < 0.9).any(axis=-1).mean()  # share of pixels that are not (nearly) white
    colours = len(np.unique((rgb * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    return ink > 0.01 and colours > 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("report")
    with lzma.open(sample_path(), "rt") as fh:
        lines = [next(fh) for _ in range(150)]
    p = d / "corpus.txt"
    p.write_text("".join(lines))
    return p


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory):
    """A run with an HTML report and evaluation after each epoch."""
    out = tmp_path_factory.mktemp("out") / "report.html"
    report = TrainingReport(out, eval_each_epoch=True, title="test run")
    model = Word2Vec(sg=1, vector_size=16, epochs=EPOCHS, min_count=2, workers=1)
    hooks = report.track(model)
    model.build_vocab(corpus, progress=hooks)
    model.train(progress=hooks)
    report.finish(model)
    return model, report, out


def test_html_report_holds_one_point_per_epoch(trained):
    model, report, out = trained
    text = out.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="w2v-data">(.*?)</script>', text, re.S)
    assert m, "no data block in the page"
    data = json.loads(m.group(1))
    assert data["finished"] is True
    assert [e["epoch"] for e in data["epochs"]] == list(range(1, EPOCHS + 1))
    assert [e["loss"] for e in data["epochs"]] == pytest.approx([h.loss for h in model.history])
    assert [e["words"] for e in data["epochs"]] == [h.words for h in model.history]
    for e in data["epochs"]:
        assert e["words_per_sec"] > 0 and 0 < e["alpha"] <= 0.025
        for key in ("analogy", "wordsim353", "simlex999", "analogy_answered", "wordsim353_pairs"):
            assert key in e
        assert e["wordsim353_pairs"] > 0 and e["simlex999_pairs"] > 0
        assert -1 <= e["wordsim353"] <= 1
    assert data["vocab_size"] == len(model.vocab)
    assert data["config"]["vector_size"] == 16
    # the learning rate sampled while training falls from alpha towards min_alpha
    alphas = [a for a in data["samples"]["alpha"] if a is not None]
    assert alphas and alphas[0] >= alphas[-1]
    assert data == read_report(out)
    # the page's picture is a real PNG, not blank
    img = re.search(r'src="data:image/png;base64,([^"]+)"', text)
    png = base64.b64decode(img.group(1))
    w, h = png_size(png)
    assert w > 1000 and h > 600
    assert not_blank(png_pixels(png))
    # the table has one row per epoch
    assert text.count("<tr><td>") == EPOCHS
    assert 'http-equiv="refresh"' not in text  # a finished report stops reloading


def test_plotted_lines_have_one_point_per_epoch(trained):
    _, report, _ = trained
    fig = render_figure(report.data())
    axes = fig.get_axes()
    assert len(axes) == 6  # loss, speed, learning rate, throughput, analogies, similarity
    loss_line = axes[0].get_lines()[0]
    assert len(loss_line.get_xdata()) == EPOCHS
    assert len(axes[1].patches) == EPOCHS  # one bar per epoch
    assert [len(line.get_xdata()) for line in axes[5].get_lines() if line.get_label().startswith(("Word", "Sim"))] \
        == [EPOCHS, EPOCHS]


def test_png_report_with_sidecar_json_and_written_after_each_epoch(tmp_path):
    out = tmp_path / "r.png"
    report = TrainingReport(out)
    for k in range(1, 5):
        st = EpochStats(epoch=k, loss=3.0 / k, words=1000, trained=800, seconds=0.5, words_per_sec=2000.0,
                        alpha=0.025 * (1 - k / 4) + 1e-4)
        report.on_epoch(None, st)
        report.wait()
        data = json.loads((tmp_path / "r.json").read_text())
        assert [e["epoch"] for e in data["epochs"]] == list(range(1, k + 1))
        assert data["finished"] is False
        assert png_size(out.read_bytes()) == (1000, 760)
    report.finish()
    data = read_report(out)
    assert data["finished"] is True
    assert [e["loss"] for e in data["epochs"]] == pytest.approx([3.0, 1.5, 1.0, 0.75])
    assert not_blank(png_pixels(out.read_bytes()))
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temporary behind


def test_report_without_a_path_collects_only(trained):
    model, _, _ = trained
    report = TrainingReport(None)
    for st in model.history:
        report.on_epoch(model, st)
    assert report.write() is None
    assert [e["epoch"] for e in report.epochs] == [1, 2, 3]


def test_missing_matplotlib_gives_a_clear_error(tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    with pytest.raises(W2VError, match=r"pip install 'w2v\[plot\]'"):
        TrainingReport(tmp_path / "r.html")
    TrainingReport(None, eval_each_epoch=True)  # collecting alone needs no matplotlib


@pytest.mark.parametrize("name", ["report.txt", "report"])
def test_bad_report_suffix(tmp_path, name):
    with pytest.raises(W2VError, match=r"\.html or \.png"):
        TrainingReport(tmp_path / name)


def test_cli_train_report(corpus, tmp_path):
    out = tmp_path / "report.html"
    r = run_w2v("train", corpus, "-o", tmp_path / "v.bin", "--dim", 8, "--epochs", 2, "--min-count", 2,
                "--report", out, "--json", "-q")
    assert r.returncode == 0, r.stderr.decode()
    data = read_report(out)
    assert [e["epoch"] for e in data["epochs"]] == [1, 2]
    summary = json.loads(r.stdout)
    assert [e["loss"] for e in summary["epochs"]] == pytest.approx([e["loss"] for e in data["epochs"]])


def test_track_forwards_to_the_progress_object_and_reports_evaluations(trained):
    model, _, _ = trained
    calls = []

    class Inner:
        def train(self, info):
            calls.append(("train", info["done"]))

        def epoch(self, stats):
            calls.append(("epoch", stats.epoch))

        def message(self, text):
            calls.append(("message", text))

    report = TrainingReport(None, eval_each_epoch=True)
    hooks = report.track(model, Inner())
    assert not hasattr(report.track(model), "scan")  # nothing to forward to: the model skips it
    hooks.train({"done": 10, "total": 100, "epoch": 1, "epochs": 1, "alpha": 0.02, "loss": 1.0, "elapsed": 0.5})
    hooks.epoch(model.history[0])
    assert [c[0] for c in calls] == ["train", "epoch", "message"]
    assert calls[2][1].startswith("epoch 1: analogy") and "WordSim-353" in calls[2][1]


def test_samples_of_a_second_run_continue_the_first():
    report = TrainingReport(None)
    for _run in range(2):
        for k in range(1, 6):
            report.on_progress({"done": 100 * k, "total": 500, "epoch": 1, "epochs": 1, "alpha": 0.025 / k,
                                "loss": 1.0, "elapsed": 0.3 * k})
    s = report.data()["samples"]
    assert s["words"] == [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]
    assert all(b > a for a, b in zip(s["t"], s["t"][1:]))
