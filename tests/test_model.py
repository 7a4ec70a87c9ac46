"""Word2Vec's own API around training: stop, the corpus it trains on, predictions by loss,
saving to a path that is already a file, and vocabulary options."""

from __future__ import annotations

import numpy as np
import pytest

import w2v
from w2v import KeyedVectors, Word2Vec
from w2v.errors import ConfigError
from w2v.predict import log_probs

TEXTS = [["the", "cat", "sat", "on", "the", "mat"], ["the", "dog", "sat", "on", "the", "log"],
         ["a", "cat", "and", "a", "dog"]] * 30


def small(**kw) -> Word2Vec:
    params = dict(vector_size=8, min_count=1, workers=1, epochs=3, seed=1)
    params.update(kw)
    m = Word2Vec(**params)
    m.build_vocab(TEXTS)
    return m


# ----------------------------------------------------------------------------- stop (issue 12, bug 1)


def test_a_stop_ends_its_own_run_only():
    m = small(batch_words=8)  # many small jobs: the stop lands while epoch 2 is being queued
    m.train(on_epoch=lambda st: m.stop())
    assert m.interrupted and m.epochs_done == 1
    m.train(epochs=2)                    # a new call trains: the old stop is forgotten
    assert not m.interrupted and m.epochs_done == 3


def test_resume_after_a_stop_finishes_the_schedule():
    m = small(epochs=4, batch_words=8)
    m.train(on_epoch=lambda st: m.stop() if st.epoch == 2 else None)
    assert m.interrupted and m.schedule["epoch"] == 2
    m.resume()
    assert not m.interrupted and m.epochs_done == 4


def test_stop_while_nothing_trains_does_nothing():
    m = small()
    m.stop()
    m.train()
    assert not m.interrupted and m.epochs_done == 3


def test_stop_from_a_callback_ends_training_before_the_next_epoch():
    m = small(epochs=5)

    class StopAfterTwo:
        def on_epoch_end(self, model):
            if model.epochs_done == 2:
                model.stop()

    m.train(callbacks=[StopAfterTwo()])
    assert m.epochs_done == 2 and m.schedule == {"total": 5, "epoch": 2, "job": 0}
    m.train(epochs=1, callbacks=[StopAfterTwo()])
    assert m.epochs_done == 3 and not m.interrupted


# ----------------------------------------------------------------------------- predictions (bug 4)


@pytest.mark.parametrize("trained, asked", [(dict(negative=5), "softmax"), (dict(negative=5), "hs"),
                                            (dict(hs=1, negative=0), "ns"), (dict(hs=1, negative=0), "softmax"),
                                            (dict(softmax=1, negative=0), "hs")])
def test_a_loss_the_model_was_not_trained_with_is_a_clear_error(trained, asked):
    m = small(**trained)
    m.train(epochs=1)
    with pytest.raises(ConfigError, match="not trained with"):
        log_probs(m, ["cat"], loss=asked)
    with pytest.raises(ConfigError, match="not trained with"):
        m.log_prob("dog", ["cat"], loss=asked)
    with pytest.raises(ConfigError, match="not trained with"):
        m.predict_output_word(["cat"], loss=asked)


def test_predictions_by_loss_are_distributions():
    m = small(hs=1, negative=5)
    m.train(epochs=2)
    for loss in ("hs", "ns"):
        p = np.exp(log_probs(m, ["cat", "sat"], loss=loss))
        assert p.shape == (len(m.wv),) and p.sum() == pytest.approx(1.0)
    assert m.predict_output_word([0, "cat"], topn=2)[0][0] in m.wv  # rows work as context, as in gensim
    assert m.predict_output_word(["zebra"]) is None


def test_cbow_sum_models_predict_from_the_sum():
    m = small(cbow_mean=0)
    m.train(epochs=1)
    rows = [m.wv.key_to_index[w] for w in ("cat", "dog")]
    s = m.weights.out_ns.astype(np.float64) @ m.weights.syn0[rows].astype(np.float64).sum(axis=0)
    expected = s - np.logaddexp.reduce(s)
    np.testing.assert_allclose(log_probs(m, ["cat", "dog"]), expected, rtol=1e-9)


# ----------------------------------------------------------------------------- corpus and saving


def test_training_on_words_the_model_never_saw_trains_nothing_and_says_nothing():
    m = small()
    m.train()
    before = m.wv.vectors.copy()
    stats = m.train([["hello", "world"]], total_examples=1, epochs=1)
    assert stats[0].words == 0 and (m.wv.vectors == before).all()


def test_saving_to_an_existing_file_writes_a_one_file_model(tmp_path):
    m = small(hs=1)
    m.train()
    path = tmp_path / "model.tmp"
    path.write_bytes(b"")
    m.save(path)
    assert path.is_file() and w2v.formats.is_archive(path)
    back = Word2Vec.load(path)
    np.testing.assert_array_equal(back.wv.vectors, m.wv.vectors)
    assert back.config == m.config and back.epochs_done == 3
    back.train(TEXTS, epochs=1)
    kv = KeyedVectors.load(path)
    assert kv.index_to_key == m.wv.index_to_key and kv.counts.tolist() == m.vocab.counts.tolist()
    assert w2v.formats.read_header(path)["count"] == len(m.wv)
    m.wv.save(path)                       # vectors only, also as one file
    assert KeyedVectors.load(path).index_to_key == m.wv.index_to_key
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(w2v.InputError):
        Word2Vec.load(path)


def test_saving_never_replaces_a_folder_that_is_not_a_model(tmp_path):
    m = small()
    m.train(epochs=1)
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "file.txt").write_text("precious")
    for save in (m.save, m.wv.save):
        with pytest.raises(w2v.W2VError, match="not a w2v model"):
            save(tmp_path / "keep")
    assert (tmp_path / "keep" / "file.txt").read_text() == "precious"
    m.save(tmp_path / "m")
    m.save(tmp_path / "m")                 # a model folder is replaced by the newer one
    assert Word2Vec.load(tmp_path / "m").epochs_done == 1


def test_a_model_loaded_read_only_says_so_when_trained(tmp_path):
    m = small()
    m.train(epochs=1)
    m.save(tmp_path / "m")
    shared = Word2Vec.load(tmp_path / "m", mmap=True)
    assert shared.wv.most_similar("cat", topn=1)
    with pytest.raises(ConfigError, match="mmap=False"):
        shared.train(TEXTS, epochs=1)
    Word2Vec.load(tmp_path / "m").train(TEXTS, epochs=1)


@pytest.mark.parametrize("name", ["v.txt.xz", "v.w2v", "v.bin.gz", "v.vec", "v.tsv", "model"])
def test_model_and_vectors_save_by_the_same_rule(tmp_path, name):
    m = small()
    m.train(epochs=1)
    m.save(tmp_path / "model" / name)
    m.wv.save(tmp_path / "vectors" / name)
    a, b = tmp_path / "model" / name, tmp_path / "vectors" / name
    assert a.is_dir() == b.is_dir() == (name == "model")
    if name == "model":
        assert Word2Vec.load(a).epochs_done == 1 and KeyedVectors.load(b).index_to_key == m.wv.index_to_key
    else:
        assert a.read_bytes() == b.read_bytes()
    if name == "v.tsv":  # the Embedding Projector pair: metadata beside the vectors
        assert (a.parent / "metadata.tsv").read_text().split("\n")[:2] == m.wv.index_to_key[:2]


# ----------------------------------------------------------------------------- vocabulary options


def test_vocabulary_options():
    counts = dict(zip(*np.unique([w for s in TEXTS for w in s], return_counts=True)))
    m = Word2Vec(TEXTS, vector_size=8, workers=1, epochs=1, min_count=0, sorted_vocab=0, null_word=1)
    assert m.wv.index_to_key == list(dict.fromkeys(w for s in TEXTS for w in s)) + ["\0"]
    assert m.wv.get_vecattr("\0", "count") == 1
    m = Word2Vec(TEXTS, vector_size=8, workers=1, epochs=1, min_count=1, max_final_vocab=3)
    top = sorted(counts.values(), reverse=True)
    assert len(m.wv) <= 3 and min(m.wv.counts) > top[3]
    keep_rare = Word2Vec(TEXTS, vector_size=8, workers=1, epochs=1, min_count=100,
                         trim_rule=lambda w, c, mc: w2v.RULE_KEEP if w in ("log", "mat") else w2v.RULE_DEFAULT)
    assert sorted(keep_rare.wv.index_to_key) == ["log", "mat", "the"]
    with pytest.raises(ConfigError, match="min_count"):
        Word2Vec(min_count=-1)
    with pytest.raises(ConfigError, match="max_final_vocab"):
        Word2Vec(max_final_vocab=0)


def test_hs_over_an_unsorted_vocabulary_is_a_proper_distribution():
    m = Word2Vec(TEXTS, vector_size=8, workers=1, epochs=2, min_count=1, sorted_vocab=0, hs=1, negative=0)
    assert np.exp(log_probs(m, ["cat"])).sum() == pytest.approx(1.0)
