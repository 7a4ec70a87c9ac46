"""Progress output: plain lines (no control characters) when not on a terminal, a bar with a
rate and an ETA on one, nothing with --quiet, and standard logging records for Python users."""

import logging
import lzma
import os
import re
import subprocess
import sys

import pytest
from conftest import W2V, run_w2v

from w2v.datasets import sample_path

CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")  # anything but tab and newline


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("progress")
    with lzma.open(sample_path(), "rt") as fh:
        lines = [next(fh) for _ in range(300)]
    p = d / "corpus.txt"
    p.write_text("".join(lines))
    return p


def test_train_output_to_a_pipe_is_plain_lines(corpus, tmp_path):
    r = run_w2v("train", corpus, "-o", tmp_path / "v.bin", "--dim", 8, "--epochs", 2, "--min-count", 3)
    assert r.returncode == 0, r.stderr.decode()
    assert not CONTROL.search(r.stderr), r.stderr[:300]
    assert not CONTROL.search(r.stdout)
    lines = r.stderr.decode().splitlines()
    assert any(re.match(r"\[w2v +[\d.]+s\] epoch 1: loss [\d.]+, [\d.]+[kMG]? words/s", ln) for ln in lines), lines
    assert any(ln.startswith("trained ") for ln in lines)


def test_quiet_silences_everything(corpus, tmp_path):
    r = run_w2v("train", corpus, "-o", tmp_path / "v.bin", "--dim", 8, "--epochs", 1, "--min-count", 3, "-q")
    assert r.returncode == 0 and r.stderr == b"" and r.stdout == b""


def test_phrases_output_to_a_pipe_has_no_control_characters(corpus, tmp_path):
    r = run_w2v("phrases", corpus, "-o", tmp_path / "p.txt", "--min-count", 3)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stderr and not CONTROL.search(r.stderr), r.stderr[:300]


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_terminal_gets_a_bar_with_rate_and_eta(corpus, tmp_path):
    master, slave = os.openpty()
    try:
        env = dict(os.environ, COLUMNS="120", TERM="xterm")
        proc = subprocess.Popen([*W2V, "train", str(corpus), "-o", str(tmp_path / "v.bin"), "--dim", "8",
                                 "--epochs", "2", "--min-count", "3"], stdout=slave, stderr=slave,
                                stdin=subprocess.DEVNULL, env=env)
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        assert proc.wait(timeout=300) == 0, out.decode(errors="replace")
    finally:
        os.close(master)
    text = out.decode(errors="replace")
    assert "\x1b[" in text or "\r" in text  # the bar redraws in place
    assert "training" in text and "words/s" in text and "eta" in text


def test_python_users_get_standard_logging(corpus, caplog):
    from w2v import Word2Vec
    from w2v.logs import LogProgress

    with caplog.at_level(logging.INFO, logger="w2v"):
        Word2Vec(str(corpus), vector_size=8, epochs=2, min_count=3, workers=1, progress=LogProgress(every=0))
    msgs = [r.getMessage() for r in caplog.records if r.name == "w2v"]
    assert any(m.startswith("counting:") for m in msgs)
    assert any(re.match(r"epoch 1/2: [\d.]+% done", m) for m in msgs)
    assert [m.split(":")[0] for m in msgs if re.match(r"epoch \d+:", m)] == ["epoch 1", "epoch 2"]


def test_library_is_silent_without_logging_configured(corpus, capfd):
    code = ("import w2v; from w2v.logs import LogProgress; "
            f"w2v.Word2Vec({str(corpus)!r}, vector_size=8, epochs=1, min_count=3, progress=LogProgress(every=0))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stdout == b"" and r.stderr == b""
