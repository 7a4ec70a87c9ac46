"""Word2Vec end to end: reproducibility, sensible neighbours, files that gensim reads, inputs."""

import numpy as np
import pytest

from w2v.datasets import sample_path
from w2v.errors import ConfigError, InputError
from w2v.model import Word2Vec, load

NUMBERS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty", "hundred",
           "thousand", "eleven", "twelve", "fifty", "forty", "thirty", "sixty"}
FAMILY = {"mother", "daughter", "husband", "brother", "wife", "son", "sister", "uncle", "father", "cousin",
          "nephew", "queen", "king", "grandfather", "child"}


@pytest.fixture(scope="module")
def bundled_model():
    return Word2Vec(str(sample_path()), sg=1, vector_size=50, window=5, negative=5, sample=1e-3,
                    min_count=5, epochs=3, workers=2, seed=1)


def _neighbours(model, word, n=8):
    W = model.weights.syn0 / np.linalg.norm(model.weights.syn0, axis=1, keepdims=True)
    s = W @ W[model.vocab.index[word]]
    return [model.vocab.words[i] for i in np.argsort(-s)[1: n + 1]]


def test_bundled_corpus_gives_sensible_neighbours(bundled_model):
    m = bundled_model
    assert 5000 < len(m.vocab) < 12000
    assert len(NUMBERS & set(_neighbours(m, "three"))) >= 3
    assert len(FAMILY & set(_neighbours(m, "father"))) >= 3
    assert [h.epoch for h in m.history] == [1, 2, 3]
    assert m.history[-1].loss < m.history[0].loss


def _small(n_lines=400):
    import lzma

    with lzma.open(sample_path(), "rt") as fh:
        return [next(fh).split() for _ in range(n_lines)]


@pytest.mark.parametrize("sg", [0, 1])
def test_one_worker_with_a_seed_is_bit_identical(sg):
    sents = _small()
    a = Word2Vec(sents, sg=sg, vector_size=20, min_count=2, epochs=2, workers=1, seed=5)
    b = Word2Vec(sents, sg=sg, vector_size=20, min_count=2, epochs=2, workers=1, seed=5)
    c = Word2Vec(sents, sg=sg, vector_size=20, min_count=2, epochs=2, workers=1, seed=6)
    assert np.array_equal(a.weights.syn0, b.weights.syn0)
    assert np.array_equal(a.weights.out_ns, b.weights.out_ns)
    assert not np.array_equal(a.weights.syn0, c.weights.syn0)
    assert a.history[-1].loss == b.history[-1].loss


def test_loss_is_float64_and_identical_in_total_across_thread_counts():
    sents = _small()
    one = Word2Vec(sents, sg=1, vector_size=20, min_count=2, epochs=1, workers=1, seed=5, batch_words=500)
    two = Word2Vec(sents, sg=1, vector_size=20, min_count=2, epochs=1, workers=2, seed=5, batch_words=500)
    # same words and predictions whatever the threads (only the Hogwild interleaving differs)
    assert one.history[0].words == two.history[0].words
    assert one.history[0].trained == two.history[0].trained
    assert isinstance(one.history[0].loss, float)
    assert abs(one.history[0].loss - two.history[0].loss) < 0.05


def test_token_lists_paths_and_id_arrays_agree(tmp_path):
    sents = _small(200)
    p = tmp_path / "c.txt"
    p.write_text("\n".join(" ".join(s) for s in sents) + "\n")
    kw = dict(sg=1, vector_size=16, min_count=2, epochs=1, workers=1, seed=3)
    from_list = Word2Vec(sents, **kw)
    from_path = Word2Vec(str(p), **kw)
    assert from_list.vocab.words == from_path.vocab.words
    assert np.array_equal(from_list.weights.syn0, from_path.weights.syn0)
    # integer ids (e.g. graph walks): same structure, ids as tokens
    index = {w: i for i, w in enumerate(dict.fromkeys(t for s in sents for t in s))}
    ids = [np.array([index[t] for t in s], dtype=np.int64) for s in sents]
    from_ids = Word2Vec(ids, **kw)
    assert from_ids.vocab.words == [str(index[w]) for w in from_list.vocab.words]
    assert np.array_equal(from_ids.weights.syn0, from_list.weights.syn0)


def test_generator_is_read_once():
    sents = _small(100)
    m = Word2Vec((s for s in sents), vector_size=8, min_count=2, epochs=2, workers=1)
    assert len(m.history) == 2 and m.history[1].words == m.history[0].words > 0


def test_native_folder_round_trip_and_continue(tmp_path):
    sents = _small(200)
    m = Word2Vec(sents, sg=1, vector_size=12, min_count=2, epochs=1, workers=1, seed=1)
    m.save(tmp_path / "model")
    back = load(tmp_path / "model")
    assert back.vocab.words == m.vocab.words
    assert np.array_equal(back.weights.syn0, m.weights.syn0)
    assert np.array_equal(back.weights.out_ns, m.weights.out_ns)
    assert back.config == m.config and back.epochs_done == 1
    back.train(sents, epochs=1)
    assert not np.array_equal(back.weights.syn0, m.weights.syn0)
    mm = load(tmp_path / "model", mmap=True)
    assert isinstance(mm.weights.syn0, np.memmap)


def test_word2vec_files_load_in_gensim(tmp_path):
    from gensim.models import KeyedVectors as GensimKV

    sents = _small(200)
    m = Word2Vec(sents, vector_size=10, min_count=2, epochs=1, workers=1)
    for name, binary in (("v.bin", True), ("v.txt", False)):
        m.save(tmp_path / name)
        kv = GensimKV.load_word2vec_format(str(tmp_path / name), binary=binary)
        assert kv.index_to_key == m.vocab.words
        if binary:
            assert np.array_equal(kv.vectors, m.weights.syn0)
        else:
            np.testing.assert_allclose(kv.vectors, m.weights.syn0, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("params, message", [
    (dict(window=0), "window must be at least 1"),
    (dict(vector_size=0), "vector_size"),
    (dict(negative=0, hs=0), "no loss selected"),
    (dict(sample=-1), "sample must be"),
    (dict(workers=0), "workers"),
    (dict(min_alpha=1.0, alpha=0.1), "min_alpha"),
    (dict(softmax=1), "trains alone"),
])
def test_bad_parameters(params, message):
    with pytest.raises(ConfigError, match=message):
        Word2Vec(**params)


def test_empty_inputs(tmp_path):
    with pytest.raises(InputError, match="empty"):
        Word2Vec([], min_count=1)
    with pytest.raises(InputError, match="min_count=50"):
        Word2Vec([["a", "b"], ["a"]], min_count=50)
    (tmp_path / "blank.txt").write_text("  \n\n \t \n")
    with pytest.raises(InputError, match="empty"):
        Word2Vec(str(tmp_path / "blank.txt"))


# -- the job order ----------------------------------------------------------------------------

def _schedule_jobs(shuffle, epochs=3, seed=7):
    """Jobs of a schedule over two pieces, as (piece number, job)."""
    from w2v.trainer import Job, Schedule

    rng = np.random.default_rng(0)
    pieces = []
    for n in (5000, 3000):  # two pieces of sentences of 1-40 tokens, each ending a sentence
        lengths = rng.integers(1, 40, n // 20)
        pieces.append(np.concatenate([np.append(np.arange(k, dtype=np.int32), -1) for k in lengths]))
    total = sum(len(p) for p in pieces)
    sch = Schedule(lambda epoch: iter(pieces), total, epochs, 0.05, 0.0001, seed, 200, shuffle=shuffle)
    jobs = [j for j in sch.jobs(0, epochs) if isinstance(j, Job)]
    number = {id(p): k for k, p in enumerate(pieces)}
    return sch, [(number[id(j.piece)], j) for j in jobs], len(pieces[0]), total


def test_job_order_is_a_fixed_permutation_per_seed_epoch_and_piece():
    from w2v.trainer import job_order

    a = job_order(50, seed=1, epoch=0, piece=0)
    assert sorted(a) == list(range(50)) and a != list(range(50))
    assert a == job_order(50, seed=1, epoch=0, piece=0)
    assert a != job_order(50, seed=1, epoch=1, piece=0) and a != job_order(50, seed=2, epoch=0, piece=0)
    assert a != job_order(50, seed=1, epoch=0, piece=0, rank=1)
    assert job_order(0, 1, 0, 0) == [] and job_order(1, 1, 0, 0) == [0]


def test_shuffled_epochs_train_every_job_once_with_a_smooth_rate():
    sch, plain, first_len, total = _schedule_jobs(shuffle=False)
    _, mixed, _, _ = _schedule_jobs(shuffle=True)
    for e in range(3):
        ours = [(p, j.lo, j.hi) for p, j in mixed if j.epoch == e]
        theirs = [(p, j.lo, j.hi) for p, j in plain if j.epoch == e]
        assert sorted(ours) == sorted(theirs) and ours != theirs  # the same jobs, another order
        assert [t[0] for t in ours] == sorted(t[0] for t in ours)  # pieces stay in order
        assert [j.index for _, j in mixed if j.epoch == e] == list(range(len(ours)))
    orders = [[(p, j.lo) for p, j in mixed if j.epoch == e] for e in range(3)]
    assert orders[0] != orders[1] != orders[2]  # drawn afresh each epoch
    jobs = [j for _, j in mixed]
    for a, b in zip(jobs, jobs[1:]):  # the rate follows the entries queued, whatever the order
        assert b.alpha0 == pytest.approx(a.alpha1) and b.alpha0 < a.alpha0
    assert jobs[0].alpha0 == 0.05 and jobs[-1].alpha1 == pytest.approx(0.0001)
    # corpus order: the rate at a job's first entry of the stream, as before shuffling existed
    for p, j in plain:
        at = j.epoch * total + (first_len if p else 0) + j.lo
        assert j.alpha0 == sch.alpha(at / sch.span)
    assert [j.seed for j in jobs] == [j.seed for _, j in plain]  # seeds by the job's place in the epoch


def test_shuffle_changes_the_vectors_not_the_counts_and_is_a_setting():
    sents = _small()
    kw = dict(sg=0, vector_size=16, min_count=2, epochs=2, workers=1, seed=5, batch_words=1000)
    on, off = Word2Vec(sents, **kw), Word2Vec(sents, shuffle=0, **kw)
    assert on.config.shuffle == 1 and off.config.shuffle == 0
    assert not np.array_equal(on.weights.syn0, off.weights.syn0)
    assert on.history[0].words == off.history[0].words
    again = Word2Vec(sents, shuffle=0, **kw)
    assert np.array_equal(off.weights.syn0, again.weights.syn0)
    with pytest.raises(ConfigError, match="shuffle"):
        Word2Vec(sents, shuffle=2, **kw)


def test_models_saved_before_shuffling_load_in_corpus_order(tmp_path):
    import json

    m = Word2Vec(_small(100), vector_size=8, min_count=2, epochs=1, workers=1)
    m.save(tmp_path / "m")
    cfile = tmp_path / "m" / "config.json"
    meta = json.loads(cfile.read_text())
    del meta["config"]["shuffle"]
    cfile.write_text(json.dumps(meta))
    assert load(tmp_path / "m").config.shuffle == 0
