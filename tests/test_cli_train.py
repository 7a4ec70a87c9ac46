"""`w2v train` as a user runs it: inputs of every kind, outputs, and clear errors (exit 2)."""

import bz2
import gzip
import json
import lzma

import numpy as np
import pytest
from conftest import run_w2v

from w2v.datasets import sample_path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    with lzma.open(sample_path(), "rt") as fh:
        lines = [next(fh) for _ in range(600)]
    text = "".join(lines)
    (d / "a.txt").write_text(text)
    return d, text


def test_train_writes_binary_and_prints_summary(corpus, tmp_path):
    d, _ = corpus
    out = tmp_path / "v.bin"
    r = run_w2v("train", d / "a.txt", "-o", out, "--arch", "skipgram", "--dim", 16, "--epochs", 2, "--min-count", 3)
    assert r.returncode == 0, r.stderr.decode()
    assert out.is_file()
    header = out.read_bytes().split(b"\n", 1)[0].split()
    assert int(header[1]) == 16
    assert b"trained" in r.stderr and b"wrote" in r.stderr


def test_compressed_inputs_folders_and_stdin_give_the_same_vocabulary(corpus, tmp_path):
    d, text = corpus
    data = text.encode()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.gz").write_bytes(gzip.compress(data))
    (tmp_path / "b.bz2").write_bytes(bz2.compress(data))
    (tmp_path / "c.xz").write_bytes(lzma.compress(data))
    vocabs = []
    for inputs, stdin in (([d / "a.txt"], None), ([tmp_path / "in"], None), ([tmp_path / "b.bz2"], None),
                          ([tmp_path / "c.xz"], None), (["-"], gzip.compress(data))):
        voc = tmp_path / f"vocab{len(vocabs)}.txt"
        r = run_w2v("train", *inputs, "-o", tmp_path / "o.txt", "--epochs", 1, "--dim", 8, "--save-vocab", voc,
                    "-q", stdin=stdin)
        assert r.returncode == 0, r.stderr.decode()
        vocabs.append(voc.read_text())
    assert all(v == vocabs[0] for v in vocabs)
    assert r.stderr == b""  # --quiet


def test_read_vocab_and_json_summary(corpus, tmp_path):
    d, _ = corpus
    voc = tmp_path / "v.txt"
    voc.write_text("the 100\nof 50\nand 40\nto 30\nnosuchword 20\n")
    r = run_w2v("train", d / "a.txt", "-o", tmp_path / "m", "--read-vocab", voc, "--epochs", 2, "--dim", 8,
                "--json", "-q")
    assert r.returncode == 0, r.stderr.decode()
    info = json.loads(r.stdout)
    assert info["vocab_size"] == 5
    assert [e["epoch"] for e in info["epochs"]] == [1, 2]
    assert (tmp_path / "m" / "config.json").is_file() and (tmp_path / "m" / "vectors.npy").is_file()


def test_invalid_utf8_is_replaced_not_fatal(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes(b"caf\xe9 au lait caf\xe9 au lait\n" * 50)
    r = run_w2v("train", p, "-o", tmp_path / "o.txt", "--min-count", 1, "--epochs", 1, "--dim", 4, "-q")
    assert r.returncode == 0, r.stderr.decode()
    assert "caf\ufffd" in (tmp_path / "o.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (["--window", "-1"], "window must be at least 1"),
    (["--dim", "0"], "vector_size (--dim) must be at least 1"),
    (["--bogus"], "No such option"),
    (["--epochs", "many"], "Invalid value"),
    (["--arch", "lstm"], "Invalid value"),
    (["--min-count", "100000"], "no word occurs at least min_count=100000"),
    (["--loss", "ns", "--negative", "0"], "--loss ns needs --negative"),
])
def test_bad_parameters_exit_2_with_one_clear_line(corpus, tmp_path, args, message):
    d, _ = corpus
    out = tmp_path / "o.bin"
    r = run_w2v("train", d / "a.txt", "-o", out, *args)
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert message in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("setup, message", [
    ("missing", "no such file or folder"),
    ("empty", "the corpus is empty"),
    ("blank", "the corpus is empty"),
    ("binary", "NUL byte"),
    ("emptydir", "folder holds no files"),
])
def test_bad_inputs_exit_2(tmp_path, setup, message):
    p = tmp_path / "in"
    if setup == "empty":
        p.write_bytes(b"")
    elif setup == "blank":
        p.write_bytes(b"   \n\t\n")
    elif setup == "binary":
        p.write_bytes(b"hello world\n" + np.arange(100, dtype=np.float32).tobytes())
    elif setup == "emptydir":
        p.mkdir()
    out = tmp_path / "o.bin"
    r = run_w2v("train", p, "-o", out)
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_unwritable_output_is_refused_before_training(corpus, tmp_path):
    d, _ = corpus
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        r = run_w2v("train", d / "a.txt", "-o", ro / "x.bin")
        if r.returncode == 0:  # running as a user that ignores permissions (root)
            pytest.skip("permissions are not enforced for this user")
        assert r.returncode == 2 and b"permission denied" in r.stderr
        assert b"counting" not in r.stderr and b"epoch" not in r.stderr
    finally:
        ro.chmod(0o700)


def test_output_under_a_file_is_refused_before_training(corpus, tmp_path):
    d, _ = corpus
    (tmp_path / "afile").write_text("x")
    r = run_w2v("train", d / "a.txt", "-o", tmp_path / "afile" / "x.bin")
    assert r.returncode == 2 and b"is not a folder" in r.stderr
    assert b"counting" not in r.stderr


def test_report_and_eval_each_epoch_in_the_json_summary(corpus, tmp_path):
    d, _ = corpus
    rep = tmp_path / "r.html"
    r = run_w2v("train", d / "a.txt", "-o", tmp_path / "v.bin", "--epochs", 2, "--dim", 8, "--report", rep,
                "--eval-each-epoch", "--json", "-q")
    assert r.returncode == 0, r.stderr.decode()
    info = json.loads(r.stdout)
    assert [e["epoch"] for e in info["epochs"]] == [1, 2]
    assert all("analogy" in e and "wordsim353" in e for e in info["epochs"])
    from w2v.report import read_report

    data = read_report(rep)
    assert [e["epoch"] for e in data["epochs"]] == [1, 2]


def test_train_with_phrases_gives_phrase_tokens(tmp_path):
    rng = np.random.default_rng(0)
    filler = [f"w{i}" for i in range(200)]
    lines = []
    for _ in range(3000):
        words = list(rng.choice(filler, 12))
        k = int(rng.integers(0, 10))
        u = rng.random()  # word2phrase scores rare pairs high: ~6% and ~5% of lines
        if u < 0.06:
            words[k: k + 3] = ["new", "york", "times"]
        elif u < 0.11:
            words[k: k + 3] = ["new", "york", "city"]
        lines.append(" ".join(words))
    p = tmp_path / "c.txt"
    p.write_text("\n".join(lines) + "\n")
    out = tmp_path / "v.txt"
    r = run_w2v("train", p, "-o", out, "--phrases", 2, "--epochs", 1, "--dim", 8, "--min-count", 5, "-q")
    assert r.returncode == 0, r.stderr.decode()
    words = {line.split(" ", 1)[0] for line in out.read_text().splitlines()[1:]}
    assert any(w.count("_") >= 2 for w in words), sorted(w for w in words if "_" in w)


def test_no_shuffle_trains_in_file_order(corpus, tmp_path):
    d, _ = corpus
    outs = []
    for flag in ("--shuffle", "--no-shuffle"):
        out = tmp_path / flag.strip("-")
        r = run_w2v("train", d / "a.txt", "-o", out, "--dim", 8, "--epochs", 1, "--threads", 1, flag, "-q")
        assert r.returncode == 0, r.stderr.decode()
        outs.append(json.loads((out / "config.json").read_text())["config"]["shuffle"])
    assert outs == [1, 0]
