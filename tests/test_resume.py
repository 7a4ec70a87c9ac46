"""Continue training: resume equivalence, checkpoints, interrupts, vocabulary updates."""

import json
import lzma
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from w2v.datasets import sample_path
from w2v.model import Word2Vec, load


def _sents(n=300):
    with lzma.open(sample_path(), "rt") as fh:
        return [next(fh).split() for _ in range(n)]


@pytest.mark.parametrize("sg, hs", [(1, 0), (0, 1)])
def test_stop_after_two_epochs_and_resume_for_three_is_bit_identical(tmp_path, sg, hs):
    sents = _sents()
    kw = dict(sg=sg, hs=hs, negative=0 if hs else 5, vector_size=16, min_count=2, epochs=5, workers=1, seed=3,
              batch_words=2000)
    straight = Word2Vec(sents, **kw)

    m = Word2Vec(**kw)
    m.build_vocab(sents)
    m.train(on_epoch=lambda st: m.stop() if st.epoch == 2 else None)
    assert m.interrupted and m.epochs_done == 2
    m.save(tmp_path / "ckpt")
    back = load(tmp_path / "ckpt")
    assert back.schedule == m.schedule and back.schedule["total"] == 5
    back.resume(sents)
    assert not back.interrupted and back.epochs_done == 5
    assert [h.epoch for h in back.history] == [1, 2, 3, 4, 5]
    assert np.array_equal(back.weights.syn0, straight.weights.syn0)
    out = back.weights.out_hs if hs else back.weights.out_ns
    assert np.array_equal(out, straight.weights.out_hs if hs else straight.weights.out_ns)


def test_mid_epoch_checkpoint_resumes_exactly(tmp_path):
    sents = _sents()
    kw = dict(sg=1, vector_size=12, min_count=2, epochs=3, workers=1, seed=4, batch_words=1500)
    straight = Word2Vec(sents, **kw)
    saved = []

    def ckpt(model):
        if not saved:
            model.save(tmp_path / "ckpt")
            saved.append(dict(model.schedule))

    m = Word2Vec(**kw)
    m.build_vocab(sents)
    m.train(checkpoint=ckpt, checkpoint_every=0.0)  # a checkpoint before every job: the first one counts
    assert saved and saved[0]["epoch"] == 0
    back = load(tmp_path / "ckpt")
    back.resume(sents)
    assert np.array_equal(back.weights.syn0, straight.weights.syn0)


def test_resume_of_a_finished_model_is_refused(tmp_path):
    m = Word2Vec(_sents(50), vector_size=8, min_count=2, epochs=1, workers=1)
    with pytest.raises(Exception, match="nothing to resume"):
        m.resume(_sents(50))


def test_vocabulary_update_adds_rows_and_keeps_old_ones():
    sents = _sents(200)
    m = Word2Vec(sents, vector_size=10, min_count=2, epochs=1, workers=1, seed=1)
    old = m.weights.syn0.copy()
    n_old = len(m.vocab)
    new_sents = [["zebra", "quagga", "okapi"] * 3] * 4 + sents[:20]
    m.build_vocab(new_sents, update=True)
    assert len(m.vocab) == n_old + 3
    assert m.vocab.words[-3:] == ["zebra", "quagga", "okapi"]
    assert np.array_equal(m.weights.syn0[:n_old], old)
    fresh = m.weights.syn0[n_old:].copy()
    assert np.all(np.abs(fresh) <= 1.0 / 10) and np.any(fresh != 0)  # initialised as at the start
    assert m.vocab.counts[m.vocab.index["zebra"]] == 12
    m.train(new_sents, epochs=1)
    assert not np.array_equal(m.weights.syn0[n_old:], fresh)


def test_vocabulary_update_with_hierarchical_softmax():
    sents = _sents(100)
    m = Word2Vec(sents, vector_size=8, min_count=2, epochs=1, workers=1, hs=1, negative=0)
    m.build_vocab([["brandnew", "words"] * 5] * 3, update=True)
    lengths = m.huffman.lengths
    assert len(lengths) == len(m.vocab) and m.weights.out_hs.shape[0] == len(m.vocab) - 1
    total = sum(np.exp(m.log_prob(w, ["the"])) for w in m.vocab.words)
    assert total == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_during_training_writes_a_checkpoint_and_resumes(tmp_path, sig, code):
    corpus = tmp_path / "c.txt"
    with lzma.open(sample_path(), "rt") as fh:
        corpus.write_text(fh.read())
    out = tmp_path / "v.bin"
    cmd = [sys.executable, "-m", "w2v.cli", "train", str(corpus), "-o", str(out), "--arch", "skipgram",
           "--epochs", "40", "--dim", "50", "--min-count", "5", "--threads", "2", "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    line = b""
    while time.time() < deadline:  # wait until training is under way
        line = proc.stderr.readline()
        if b"training" in line or b"epoch 1:" in line:
            break
    time.sleep(0.5)
    t0 = time.time()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    stopped_in = time.time() - t0
    err = line + err
    assert proc.returncode == code, err.decode()
    assert stopped_in < 10
    assert b"resume with: w2v train --resume" in err and b"Traceback" not in err
    assert not out.exists()  # never a half-written output
    ckpt = tmp_path / "v.bin.checkpoint"
    meta = json.loads((ckpt / "config.json").read_text())
    assert meta["state"]["schedule"]["total"] == 40
    m = load(ckpt)
    assert m.interrupted and m.schedule["epoch"] < 40
    if sig == signal.SIGINT:  # finish the run from the command line, as the message says
        left = 40 - m.schedule["epoch"]
        r = subprocess.run([sys.executable, "-m", "w2v.cli", "train", "--resume", str(ckpt), str(corpus),
                            "-o", str(out), "--json", "-q"], capture_output=True, timeout=600)
        assert r.returncode == 0, r.stderr.decode()
        info = json.loads(r.stdout)
        assert 0 < left <= 40
        assert [e["epoch"] for e in info["epochs"]] == list(range(1, 41))  # the history carries over
        assert out.is_file() and out.read_bytes().startswith(f"{len(m.vocab)} 50\n".encode())
