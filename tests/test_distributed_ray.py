"""Training on Ray: one local Ray cluster (2 CPUs, no dashboard) serves the whole session."""

import json
import lzma
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

ray = pytest.importorskip("ray")

from w2v import Word2Vec  # noqa: E402
from w2v.cli import main  # noqa: E402
from w2v.datasets import sample_path  # noqa: E402
from w2v.distributed import checkpoint as dckpt  # noqa: E402
from w2v.distributed import connect, fit, shards  # noqa: E402
from w2v.distributed.driver import WorkerLost  # noqa: E402
from w2v.errors import InputError  # noqa: E402
from w2v.model import load  # noqa: E402
from w2v.stream import scan  # noqa: E402
from w2v.corpus import TextSource  # noqa: E402
from w2v.vectors import KeyedVectors  # noqa: E402

KW = dict(vector_size=16, epochs=2, workers=1, seed=5, sg=1, min_count=3, sample=1e-3, window=3)


@pytest.fixture(scope="session")
def cluster():
    if not ray.is_initialized():
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("ray") / "corpus.txt"
    with lzma.open(sample_path(), "rt", encoding="utf-8") as fh:
        path.write_text("".join(next(fh) for _ in range(1500)), encoding="utf-8")
    return path


def _cli(args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "w2v.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("cluster_arg, message", [
    ("spark://host:7077", "unknown cluster 'spark://host:7077'"),
    ("auto", "cannot reach the Ray cluster at 'auto'"),
])
def test_bad_cluster_addresses_give_one_line_and_write_nothing(corpus, tmp_path, cluster_arg, message):
    """First in the file: no local Ray runs yet, so ``auto`` finds none."""
    out = tmp_path / "v.bin"
    r = _cli(["train", str(corpus), "-o", str(out), "--cluster", cluster_arg, "-q"],
             env={"RAY_ADDRESS": ""})
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr
    assert [ln for ln in r.stderr.splitlines() if ln.startswith("error:")] == [r.stderr.splitlines()[-1]]
    assert not out.exists() and not (tmp_path / "v.bin.checkpoint").exists()


def test_ray_counts_equal_local_counts(cluster, corpus):
    local = scan(TextSource([str(corpus)]), keep_ids=False)
    backend = connect("ray", 2)
    try:
        backend.start(shards.plan([str(corpus)], 2), {**Word2Vec(**KW).config.to_dict()})
        merged = backend.count(None)
    finally:
        backend.close()
    assert merged.words == local.words and np.array_equal(merged.counts, local.counts)
    assert merged.n_tokens == local.n_tokens


def test_one_ray_worker_equals_a_local_seeded_one_thread_run(cluster, corpus):
    local = Word2Vec(str(corpus), **KW)
    remote = Word2Vec(str(corpus), cluster="ray", nodes=1, sync_words=40_000, **KW)
    assert remote.vocab.words == local.vocab.words
    assert np.array_equal(remote.wv.vectors, local.wv.vectors)
    assert np.array_equal(remote.weights.out_ns, local.weights.out_ns)


def test_two_ray_workers_equal_the_simulator(cluster, corpus):
    remote = Word2Vec(**KW)
    r = fit(remote, str(corpus), connect("ray", 2), sync_words=12_000)
    sim = Word2Vec(**KW)
    s = fit(sim, str(corpus), connect("simulate", 2), sync_words=12_000)
    assert r.plan == s.plan and r.plan.rounds > 2
    assert np.array_equal(remote.wv.vectors, sim.wv.vectors)
    assert np.array_equal(remote.weights.out_ns, sim.weights.out_ns)
    assert r.traffic.up == s.traffic.up


def test_a_killed_worker_leaves_a_checkpoint_that_resume_finishes(cluster, corpus, tmp_path):
    ck, out = tmp_path / "ck", tmp_path / "v.txt"
    kw = {**KW, "epochs": 3}

    def kill(driver, position):
        if position == (1, 2):
            os.kill(driver.backend.pids()[1], signal.SIGKILL)

    model = Word2Vec(**kw)
    with pytest.raises(WorkerLost, match=r"worker 1 on node .*corpus\.txt.*checkpoint of the last completed sync"):
        fit(model, str(corpus), connect("ray", 2), sync_words=10_000, checkpoint_path=ck, on_round=kill)
    saved = load(ck)
    assert saved.interrupted and saved.schedule["epoch"] == 1 and saved.schedule["job"] == 2
    assert dckpt.read_state(ck).nodes == 2
    main(["train", "--resume", str(ck), str(corpus), "-o", str(out), "--cluster", "ray", "--nodes", "2", "-q"])
    whole = Word2Vec(**kw)
    fit(whole, str(corpus), connect("ray", 2), sync_words=10_000)
    kv = KeyedVectors.load(out)
    assert kv.vectors.shape == whole.wv.vectors.shape and np.isfinite(kv.vectors).all()
    # as good as an uninterrupted run: the same neighbours for frequent words, mostly
    words = whole.vocab.words[20:60]
    overlap = np.mean([len({w for w, _ in kv.most_similar(x, topn=10)}
                           & {w for w, _ in whole.wv.most_similar(x, topn=10)}) / 10 for x in words])
    assert overlap > 0.5


def test_a_worker_that_cannot_read_its_shard_names_itself_and_the_path(cluster, corpus, tmp_path):
    copy = tmp_path / "c.txt"
    copy.write_bytes(corpus.read_bytes())
    layout = shards.plan([str(copy)], 2)
    copy.unlink()
    backend = connect("ray", 2)
    try:
        backend.start(layout, Word2Vec(**KW).config.to_dict())
        with pytest.raises(InputError, match=r"worker 0 on .*c\.txt: cannot (open|read)"):
            backend.count(None)
    finally:
        backend.close()


def test_without_ray_installed_the_error_says_how_to_install_it(corpus, tmp_path):
    code = ("import sys; sys.modules['ray'] = None\n"
            "from w2v.cli import main\n"
            f"main(['train', {str(corpus)!r}, '-o', {str(tmp_path / 'v.bin')!r}, '--cluster', 'ray', '-q'])")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Ray is not installed: pip install 'w2v[ray]'" in r.stderr
    assert not (tmp_path / "v.bin").exists()


def test_missing_corpus_with_cluster_fails_before_starting_ray(tmp_path):
    t0 = time.time()
    r = _cli(["train", str(tmp_path / "none.txt"), "-o", str(tmp_path / "v.bin"), "--cluster", "ray", "-q"])
    assert r.returncode == 2 and "none.txt: no such file" in r.stderr
    assert "Started a local Ray" not in r.stderr and time.time() - t0 < 60


def test_interrupt_stops_the_cluster_and_checkpoints(corpus, tmp_path):
    out = tmp_path / "v.bin"
    cmd = [sys.executable, "-m", "w2v.cli", "train", str(corpus), "-o", str(out), "--cluster", "ray", "--nodes", "2",
           "--threads", "1", "--epochs", "200", "--dim", "16", "--sync-words", "20000"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        line = proc.stderr.readline()
        if "epoch 1:" in line or not line:
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "resume with: w2v train --resume" in err and "--cluster ray --nodes 2" in err and "Traceback" not in err
    assert not out.exists()
    ck = tmp_path / "v.bin.checkpoint"
    meta = json.loads((ck / "config.json").read_text())
    assert meta["state"]["schedule"]["total"] == 200 and dckpt.read_state(ck).nodes == 2
