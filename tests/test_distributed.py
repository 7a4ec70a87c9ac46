"""Distributed training without Ray: shards, the ordered count merge, the sync rule, frequency
rule, and the in-process simulator (which runs the same driver and sync rule as Ray)."""

import gzip
import lzma
import subprocess
import sys
import threading

import numpy as np
import pytest

from w2v import Word2Vec
from w2v.corpus import TextSource
from w2v.datasets import sample_path
from w2v.distributed import NO_TIERS, SyncRule, connect, fit
from w2v.distributed import checkpoint as dckpt
from w2v.distributed import shards, sync
from w2v.distributed.counts import Counts, merge, tree_reduce
from w2v.distributed.driver import RoundPlan
from w2v.errors import ConfigError, InputError
from w2v.stream import scan

KW = dict(vector_size=16, epochs=2, workers=1, seed=5, sg=1, min_count=3, sample=1e-3, window=3)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The first 1,500 lines of the bundled corpus (about 110k words) as plain text."""
    path = tmp_path_factory.mktemp("dist") / "corpus.txt"
    with lzma.open(sample_path(), "rt", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(1500)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _read(piece: shards.Piece) -> bytes:
    with open(piece.path, "rb") as fh:
        fh.seek(piece.start)
        return fh.read(piece.end - piece.start)


# -- shards ---------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_shards_are_line_aligned_balanced_and_cover_the_corpus_in_order(corpus, n):
    layout = shards.plan([str(corpus)], n)
    data = corpus.read_bytes()
    parts = [b"".join(_read(p) for p in s.pieces) for s in layout.shards]
    assert b"".join(parts) == data
    assert all(p.endswith(b"\n") for p in parts)
    longest = max(len(line) for line in data.split(b"\n")) + 1
    for s in layout.shards:
        assert abs(s.nbytes - len(data) / n) <= longest


def test_shards_span_files_and_keep_compressed_files_whole(tmp_path, corpus):
    lines = corpus.read_bytes().split(b"\n")
    a, b, c = tmp_path / "a.txt", tmp_path / "b.txt.gz", tmp_path / "c.txt"
    a.write_bytes(b"\n".join(lines[:400]) + b"\n")
    with gzip.open(b, "wb") as fh:
        fh.write(b"\n".join(lines[400:700]) + b"\n")
    c.write_bytes(b"\n".join(lines[700:1400]))  # no final newline
    layout = shards.plan([str(tmp_path / "*.txt*")], 4)
    assert [f for f, _ in layout.files] == [str(a), str(b), str(c)]
    gz = [p for s in layout.shards for p in s.pieces if p.path == str(b)]
    assert len(gz) == 1 and gz[0].compressed == "gzip" and gz[0].start == 0
    whole = TextSource([str(a), str(b), str(c)])
    local = [t for blk in whole.blocks() for t in blk.tokens]
    sharded = [t for s in layout.shards for blk in shards.ShardSource(s).blocks() for t in blk.tokens]
    assert sharded == local


def test_shard_errors_are_clear(tmp_path, corpus):
    one = tmp_path / "one.txt"
    one.write_text("just one line\n")
    with pytest.raises(InputError, match="cannot be cut into 2"):
        shards.plan([str(one)], 2)
    with pytest.raises(InputError, match="standard input"):
        shards.plan(["-"], 1)
    with pytest.raises(InputError, match="no file matches"):
        shards.plan([str(tmp_path / "nothing*.txt")], 1)
    with pytest.raises(InputError, match="no such file"):
        shards.plan([str(tmp_path / "missing.txt")], 1)
    layout = shards.plan([str(corpus)], 2)
    gone = shards.Shard(0, (shards.Piece(str(tmp_path / "gone.txt"), 0, 10),))
    with pytest.raises(InputError, match="gone.txt: cannot open"):
        list(shards.ShardSource(gone).blocks())
    with pytest.raises(InputError, match="changed since"):
        list(shards.ShardSource(layout.shards[0], {str(corpus): 5}).blocks())


def test_layout_round_trips_and_checks_the_corpus(corpus):
    layout = shards.plan([str(corpus)], 3)
    again = shards.Layout.from_dict(layout.to_dict())
    assert again.shards == layout.shards and again.files == layout.files
    again.check_corpus(shards.file_table([str(corpus)]))
    with pytest.raises(InputError, match="changed since the checkpoint"):
        again.check_corpus([(str(corpus), 1)])


# -- counts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 5])
def test_merged_shard_counts_equal_a_local_count(corpus, n):
    local = scan(TextSource([str(corpus)]), keep_ids=False)
    layout = shards.plan([str(corpus)], n)
    parts = [Counts.of_scan(scan(shards.ShardSource(s), keep_ids=False)) for s in layout.shards]
    merged = tree_reduce(parts, merge)
    assert merged.words == local.words
    assert np.array_equal(merged.counts, local.counts)
    assert (merged.n_tokens, merged.n_sentences) == (local.n_tokens, local.n_sentences)


def test_tree_merge_equals_sequential_merge():
    rng = np.random.default_rng(0)
    parts = []
    for _ in range(7):
        words = list(dict.fromkeys(rng.integers(0, 40, 25).tolist()))
        parts.append(Counts(words, rng.integers(1, 9, len(words)), 10, 1))
    seq = parts[0]
    for p in parts[1:]:
        seq = merge(seq, p)
    tree = tree_reduce(parts, merge)
    assert tree.words == seq.words and np.array_equal(tree.counts, seq.counts)


def test_merge_prunes_to_max_vocab_size():
    a = Counts(["x", "y", "z"], np.array([5, 1, 1]), 7, 1)
    b = Counts(["w", "x", "v"], np.array([1, 2, 3]), 6, 1)
    m = merge(a, b, max_vocab_size=2)
    assert m.words == ["x", "v"] and m.counts.tolist() == [7, 3] and m.pruned_at == 1


# -- the sync rule --------------------------------------------------------------------------

def test_combine_takes_a_single_changer_exactly_and_averages_shared_rows():
    rng = np.random.default_rng(1)
    base = rng.standard_normal((6, 4)).astype(np.float32)
    start = base.copy()
    w0, w1 = base.copy(), base.copy()
    w0[[0, 2, 3]] += rng.standard_normal((3, 4)).astype(np.float32) * 1e-3
    w1[[2, 3, 5]] += rng.standard_normal((3, 4)).astype(np.float32) * 1e-3
    parts = [sync.changed(w, base, slice(0, 6)) for w in (w0, w1)]
    assert parts[0][0].tolist() == [0, 2, 3] and parts[1][0].tolist() == [2, 3, 5]
    rows, new = sync.combine_matrix(base, [p[0] for p in parts], [p[1] for p in parts])
    assert rows.tolist() == [0, 2, 3, 5]
    assert np.array_equal(base[0], w0[0]) and np.array_equal(base[5], w1[5])   # bit-exact
    assert np.array_equal(base[[1, 4]], start[[1, 4]])
    mean = start[[2, 3]].astype(np.float64) + ((w0[[2, 3]] - start[[2, 3]].astype(np.float64))
                                               + (w1[[2, 3]] - start[[2, 3]].astype(np.float64))) / 2
    assert np.array_equal(base[[2, 3]], mean.astype(np.float32))
    for w in (w0, w1):
        sync.apply({"m": w}, {"m": (rows, new)})
        assert np.array_equal(w, base)


def test_other_combinations_sum_or_saturate_between_sum_and_mean():
    base = np.zeros((3, 2), np.float32)
    vals = [np.full((3, 2), 1.0, np.float32), np.full((3, 2), 3.0, np.float32)]
    idx = [np.arange(3, dtype=np.int32)] * 2
    _, total = sync.combine_matrix(base.copy(), idx, vals, power=0.0)
    assert np.array_equal(total, np.full((3, 2), 4.0, np.float32))
    moves = np.array([0.0, 1.0, 1e3])
    _, sat = sync.combine_matrix(base.copy(), idx, vals, moves=moves)
    assert sat[0, 0] == 4.0 and 2.0 < sat[1, 0] < 4.0 and sat[2, 0] == pytest.approx(2.0)
    d = sync.saturating_divisor(8, np.array([1e-9, 0.1, 1.0, 10.0]))
    assert d[0] == pytest.approx(1.0) and np.all(np.diff(d) > 0) and d[-1] == pytest.approx(8.0, rel=1e-3)


def test_periods_are_powers_of_two_falling_with_frequency_and_every_row_syncs_each_epoch():
    rate = np.array([1e-2, 1e-3, 2e-4, 1e-5, 1e-7])
    p = sync.periods(rate, 1000, SyncRule(1.0, 8))
    assert p.tolist() == [1, 1, 4, 8, 8]
    assert sync.periods(rate, 1000, NO_TIERS).tolist() == [1] * 5
    due = sync.DueRows(p)
    rounds = 6
    synced = set()
    for r in range(rounds):
        d = sync.due_period(r, rounds, 8)
        rows = np.arange(5)[due.rows(d)]
        assert set(np.flatnonzero(p <= d)) == set(rows.tolist())
        synced |= set(rows.tolist())
    assert sync.due_period(rounds - 1, rounds, 8) == 8 and synced == set(range(5))


def test_round_plan_gives_every_worker_the_same_share_of_its_shard():
    plan = RoundPlan.make([1000, 1300], [10, 13], 400)
    assert plan.rounds == 3
    assert [plan.start(1, 0, r) for r in range(4)] == [(0, 0), (0, 4), (0, 8), (1, 0)]
    assert [plan.start(0, 2, r) for r in range(4)] == [(2, 0), (2, 3), (2, 6), (3, 0)]


# -- the simulator --------------------------------------------------------------------------

def test_one_simulated_worker_equals_a_local_seeded_run_bit_for_bit(corpus):
    local = Word2Vec(str(corpus), **KW)
    sim = Word2Vec(**KW)
    result = fit(sim, str(corpus), connect("simulate", 1), sync_words=40_000)
    assert result.plan.rounds > 2
    assert sim.vocab.words == local.vocab.words
    assert np.array_equal(sim.wv.vectors, local.wv.vectors)
    assert np.array_equal(sim.weights.out_ns, local.weights.out_ns)
    assert [(h.loss, h.words, h.trained) for h in sim.history] == [(h.loss, h.words, h.trained) for h in local.history]


@pytest.mark.parametrize("params", [dict(sg=1), dict(sg=0, hs=1, negative=0)])
def test_simulator_is_deterministic_and_learns(corpus, params):
    kw = {**KW, **params}
    runs = []
    for _ in range(2):
        m = Word2Vec(**kw)
        fit(m, str(corpus), connect("simulate", 3), sync_words=10_000)
        runs.append(m)
    assert np.array_equal(runs[0].wv.vectors, runs[1].wv.vectors)
    assert runs[0].history[-1].loss < runs[0].history[0].loss
    assert len(runs[0].history) == kw["epochs"] and runs[0].schedule is None


def test_workers_have_their_own_random_streams(corpus):
    """Two workers on identical shards must not draw the same subsampling and noise words."""
    m = Word2Vec(**{**KW, "epochs": 1})
    backend = connect("simulate", 2)
    seen = []
    orig = sync.combine

    def spy(base, parts, *rule):
        seen.append([{k: v[1].copy() for k, v in p.items()} for p in parts])
        return orig(base, parts, *rule)

    sync.combine = spy
    try:
        fit(m, [str(corpus), str(corpus)], backend, sync_words=10**9)
    finally:
        sync.combine = orig
    a, b = seen[0]  # the changed rows' values after identical shards
    assert a["syn0"].shape != b["syn0"].shape or not np.array_equal(a["syn0"], b["syn0"])


def test_stop_at_an_epoch_end_resumes_to_the_uninterrupted_result(corpus, tmp_path):
    kw = {**KW, "epochs": 3}
    whole = Word2Vec(**kw)
    fit(whole, str(corpus), connect("simulate", 2), sync_words=15_000)
    stop = threading.Event()

    def at_round(driver, position):
        if position == (1, 0):
            stop.set()

    first = Word2Vec(**kw)
    res = fit(first, str(corpus), connect("simulate", 2), sync_words=15_000, stop=stop, on_round=at_round)
    assert res.resume_at == (1, 0) and first.interrupted and len(first.history) == 1
    ck = tmp_path / "ck"
    dckpt.save(first, ck, res.state)
    model = Word2Vec.load(ck)
    state = dckpt.read_state(ck)
    assert state.nodes == 2 and state.rounds == res.plan.rounds
    fit(model, str(corpus), connect("simulate", 2), resume=state)
    assert not model.interrupted and model.epochs_done == 3
    assert np.array_equal(model.wv.vectors, whole.wv.vectors)
    with pytest.raises(ConfigError, match="--nodes 2"):
        fit(Word2Vec.load(ck), str(corpus), connect("simulate", 3), resume=state)


def test_checkpoint_mid_epoch_syncs_every_row_and_resumes(corpus, tmp_path):
    ck = tmp_path / "ck"
    stop = threading.Event()
    model = Word2Vec(**KW)
    res = fit(model, str(corpus), connect("simulate", 2), sync_words=8_000, stop=stop,
              on_round=lambda d, pos: stop.set() if pos == (0, 3) else None)
    assert res.resume_at == (0, 3)
    dckpt.save(model, ck, res.state)
    again = Word2Vec.load(ck)
    fit(again, str(corpus), connect("simulate", 2), resume=dckpt.read_state(ck))
    assert again.epochs_done == KW["epochs"] and np.isfinite(again.wv.vectors).all()


def test_cluster_option_errors(corpus):
    with pytest.raises(ConfigError, match="unknown cluster"):
        connect("spark://x", 2)
    with pytest.raises(ConfigError, match="nodes"):
        connect("simulate", 0)
    with pytest.raises(ConfigError, match="reads files"):
        Word2Vec([["a", "b"]], cluster="simulate", **KW)
    with pytest.raises(ConfigError, match="needs the corpus"):
        Word2Vec(cluster="simulate")


def test_cli_cluster_run_writes_vectors_and_ray_is_never_imported_without_cluster(corpus, tmp_path):
    code = f"""
import sys
from w2v.cli import main
for args in (["--cluster", "simulate", "--nodes", "2", "-o", {str(tmp_path / 'sim.txt')!r}],
             ["-o", {str(tmp_path / 'local.txt')!r}]):
    try:
        main(["train", {str(corpus)!r}, "--dim", "8", "--epochs", "1", "--threads", "1", "-q", *args])
    except SystemExit as e:
        assert not e.code, e.code
assert "ray" not in sys.modules, "ray was imported"
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    head = (tmp_path / "sim.txt").read_text().split("\n", 1)[0].split()
    assert int(head[1]) == 8 and int(head[0]) > 1000


def test_url_corpora_go_through_fsspec(corpus, tmp_path, monkeypatch):
    """A stand-in for fsspec (the real one is optional) with the calls shards.py makes."""
    import glob as globmod
    import os
    import types

    class LocalFS:
        def size(self, p):
            return os.path.getsize(p)

        def glob(self, p):
            return sorted(globmod.glob(p))

        def isdir(self, p):
            return os.path.isdir(p)

        def exists(self, p):
            return os.path.exists(p)

        def find(self, p):
            return sorted(str(f) for f in __import__("pathlib").Path(p).rglob("*") if f.is_file())

    def url_to_fs(url):
        assert url.startswith("file://")
        return LocalFS(), url[len("file://"):]

    fake = types.ModuleType("fsspec")
    fake.core = types.SimpleNamespace(url_to_fs=url_to_fs)
    fake.open = lambda url, mode: types.SimpleNamespace(open=lambda: open(url_to_fs(url)[1], mode))
    folder = tmp_path / "parts"
    folder.mkdir()
    lines = corpus.read_bytes().split(b"\n")
    (folder / "a.txt").write_bytes(b"\n".join(lines[:700]) + b"\n")
    (folder / "b.txt").write_bytes(b"\n".join(lines[700:]))
    monkeypatch.setitem(sys.modules, "fsspec", fake)
    layout = shards.plan([f"file://{folder}"], 3)
    assert [f for f, _ in layout.files] == [f"file://{folder}/a.txt", f"file://{folder}/b.txt"]
    sharded = [t for s in layout.shards for blk in shards.ShardSource(s, dict(layout.files)).blocks()
               for t in blk.tokens]
    assert sharded == [t for blk in TextSource([str(folder)]).blocks() for t in blk.tokens]
    monkeypatch.setitem(sys.modules, "fsspec", None)
    with pytest.raises(InputError, match="need fsspec"):
        shards.plan(["s3://bucket/corpus.txt"], 2)
