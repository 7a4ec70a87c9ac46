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
