"""KeyedVectors queries: known answers on hand-built vectors, 3CosAdd/3CosMul against a direct
loop, gensim's neighbours, unknown words, thread safety, loading and saving."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from w2v.errors import ConfigError
from w2v.vectors import KeyedVectors


@pytest.fixture(scope="module")
def random_kv():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(400)]
    return KeyedVectors(words, rng.standard_normal((400, 16)).astype(np.float32))


def hand_built() -> KeyedVectors:
    """Axes: 0 royalty, 1 female, 2 fruit, 3 noise. king - man + woman = queen exactly."""
    table = {
        "man": [0, 0, 0, 1],
        "woman": [0, 1, 0, 1],
        "king": [1, 0, 0, 1],
        "queen": [1, 1, 0, 1],
        "prince": [0.9, 0, 0.1, 1.3],
        "apple": [0, 0.1, 1, 0.2],
        "banana": [0.05, 0, 1, 0.25],
        "cherry": [0, 0.05, 1.1, 0.2],
    }
    return KeyedVectors(list(table), np.array(list(table.values()), dtype=np.float32))


# ----------------------------------------------------------------------------- known answers


def test_analogy_and_odd_one_out_on_hand_built_vectors():
    kv = hand_built()
    assert kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0] == "queen"
    assert kv.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=1)[0][0] == "queen"
    assert kv.doesnt_match(["apple", "banana", "king", "cherry"]) == "king"
    assert kv.doesnt_match(["king", "queen", "prince", "banana"]) == "banana"
    top = kv.most_similar("apple", topn=2)
    assert [w for w, _ in top] == ["cherry", "banana"] or [w for w, _ in top] == ["banana", "cherry"]
    assert "apple" not in [w for w, _ in kv.most_similar("apple", topn=7)]
    assert kv.rank("apple", "apple") == 1
    assert kv.rank("apple", kv.most_similar("apple", topn=1)[0][0]) == 1


def test_similarity_is_the_cosine():
    kv = hand_built()
    assert kv.similarity("king", "queen") == pytest.approx(1 / np.sqrt(2) * np.sqrt(2) * 2 / (np.sqrt(2) * np.sqrt(3)))
    assert kv.similarity("apple", "apple") == pytest.approx(1.0)
    assert kv.distance("man", "woman") == pytest.approx(1 - 1 / np.sqrt(2))
    assert np.allclose(np.linalg.norm(kv.get_normed_vectors(), axis=1), 1)
    assert np.allclose(kv.get_vector("queen", norm=True), np.array([1, 1, 0, 1]) / np.sqrt(3))


def test_basic_protocol(random_kv):
    kv = random_kv
    assert len(kv) == 400 and kv.vector_size == 16
    assert "w3" in kv and "nope" not in kv and 3 not in kv
    assert np.array_equal(kv["w3"], kv.vectors[3])
    assert kv[["w1", "w2"]].shape == (2, 16)
    assert kv.index_to_key[kv.key_to_index["w7"]] == "w7"
    assert "400 words" in repr(kv)


def test_similar_by_vector_keeps_the_word_itself(random_kv):
    top = random_kv.similar_by_vector(random_kv["w5"], topn=3)
    assert top[0][0] == "w5" and top[0][1] == pytest.approx(1.0, abs=1e-6)
    assert random_kv.similar_by_word("w5", topn=3)[0][0] != "w5"


# ----------------------------------------------------------------------------- against a direct loop


def loop_add(kv, pos, neg, restrict):
    unit = {w: kv.vectors[i] / np.linalg.norm(kv.vectors[i]) for i, w in enumerate(kv.index_to_key)}
    mean = sum(unit[w] for w in pos) - sum(unit[w] for w in neg)
    mean = mean / np.linalg.norm(mean)
    scores = {}
    for w in kv.index_to_key[:restrict]:
        if w not in pos and w not in neg:
            scores[w] = float(np.dot(unit[w], mean))
    return scores


def loop_mul(kv, pos, neg, restrict):
    unit = {w: kv.vectors[i] / np.linalg.norm(kv.vectors[i]) for i, w in enumerate(kv.index_to_key)}
    scores = {}
    for w in kv.index_to_key[:restrict]:
        if w in pos or w in neg:
            continue
        num = np.prod([(1 + np.dot(unit[w], unit[p])) / 2 for p in pos])
        den = np.prod([(1 + np.dot(unit[w], unit[n])) / 2 for n in neg]) if neg else 1.0
        scores[w] = float(num / (den + 1e-6))
    return scores


@pytest.mark.parametrize("method", ["add", "mul"])
@pytest.mark.parametrize("seed", range(6))
def test_3cos_methods_match_a_direct_loop(random_kv, method, seed):
    rng = np.random.default_rng(seed)
    picks = [f"w{i}" for i in rng.choice(400, size=4, replace=False)]
    pos, neg = picks[:2], picks[2:3] if seed % 3 else []
    if method == "add" and seed == 5:
        pos, neg = picks[:1], picks[1:4]
    restrict = [None, 50, 399, 1000][seed % 4]
    topn = 12
    query = random_kv.most_similar if method == "add" else random_kv.most_similar_cosmul
    got = query(positive=pos, negative=neg, topn=topn, restrict_vocab=restrict)
    ref = (loop_add if method == "add" else loop_mul)(random_kv, pos, neg, restrict or 400)
    expected = sorted(ref.items(), key=lambda kv_: -kv_[1])[:topn]
    assert [w for w, _ in got] == [w for w, _ in expected]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], rtol=1e-5, atol=1e-6)
    every = query(positive=pos, negative=neg, topn=None, restrict_vocab=restrict)
    assert every.shape == (min(restrict or 400, 400),)


def test_weights_and_vectors_as_inputs(random_kv):
    kv = random_kv
    a = kv.most_similar(positive=[("w1", 2.0), "w2"], topn=5)
    unit = kv.get_normed_vectors()
    direct = kv.similar_by_vector(2 * unit[1] + unit[2], topn=7)
    assert [w for w, _ in a] == [w for w, _ in direct if w not in ("w1", "w2")][:5]


def test_matches_gensim_neighbours(random_kv):
    from gensim.models import KeyedVectors as GensimKV

    g = GensimKV(16)
    g.add_vectors(random_kv.index_to_key, random_kv.vectors)
    for w in ("w0", "w17", "w123", "w399"):
        ours, theirs = random_kv.most_similar(w), g.most_similar(w)
        assert [x for x, _ in ours] == [x for x, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-6)
    ours = random_kv.most_similar(positive=["w1", "w2"], negative=["w3"], topn=10, restrict_vocab=200)
    theirs = g.most_similar(positive=["w1", "w2"], negative=["w3"], topn=10, restrict_vocab=200)
    assert [x for x, _ in ours] == [x for x, _ in theirs]
    assert random_kv.doesnt_match(["w1", "w2", "w3", "w4"]) == g.doesnt_match(["w1", "w2", "w3", "w4"])
    assert random_kv.rank("w1", "w2") == g.rank("w1", "w2")


# ----------------------------------------------------------------------------- errors and edge cases


@pytest.mark.parametrize("call", [
    lambda kv: kv["zebra"],
    lambda kv: kv.get_vector("zebra"),
    lambda kv: kv.similarity("w1", "zebra"),
    lambda kv: kv.most_similar("zebra"),
    lambda kv: kv.most_similar(positive=["w1"], negative=["zebra"]),
    lambda kv: kv.most_similar_cosmul(["w1", "zebra"]),
    lambda kv: kv.doesnt_match(["w1", "w2", "zebra"]),
    lambda kv: kv.rank("zebra", "w1"),
    lambda kv: kv[["w1", "zebra"]],
])
def test_unknown_word_is_a_key_error_naming_it(random_kv, call):
    with pytest.raises(KeyError, match="zebra"):
        call(random_kv)


def test_bad_arguments(random_kv):
    with pytest.raises(ConfigError):
        random_kv.most_similar()
    with pytest.raises(ConfigError):
        random_kv.most_similar("w1", restrict_vocab=0)
    with pytest.raises(ConfigError):
        random_kv.similar_by_vector(np.zeros(3))
    with pytest.raises(ConfigError):
        random_kv.most_similar_cosmul(negative=["w1"])
    assert random_kv.most_similar("w1", topn=0) == []
    with pytest.raises(ConfigError, match="duplicate"):
        KeyedVectors(["a", "a"], np.zeros((2, 2)))
    with pytest.raises(ConfigError):
        KeyedVectors(["a"], np.zeros((2, 2)))


def test_zero_vector_gives_zero_similarity_not_nan():
    kv = KeyedVectors(["a", "b", "zero"], np.array([[1, 0], [0.5, 0.5], [0, 0]], dtype=np.float32))
    assert kv.similarity("a", "zero") == 0.0
    top = kv.most_similar("a", topn=2)
    assert top[0][0] == "b" and top[1] == ("zero", 0.0)


def test_norms_follow_new_vectors_and_force():
    kv = KeyedVectors(["a", "b"], np.array([[3, 4], [1, 0]], dtype=np.float32))
    assert kv.norms.tolist() == [5, 1]
    kv.vectors = np.array([[6, 8], [0, 2]], dtype=np.float32)
    assert kv.norms.tolist() == [10, 2]
    kv.vectors[0] = [0, 1]
    kv.fill_norms(force=True)
    assert kv.norms.tolist() == [1, 2]


def test_queries_from_many_threads_agree(random_kv):
    fresh = KeyedVectors(random_kv.index_to_key, random_kv.vectors.copy())
    expected = random_kv.most_similar("w9", topn=20)
    results, errors = [], []
    barrier = threading.Barrier(8)

    def work():
        try:
            barrier.wait()
            for _ in range(5):
                results.append(fresh.most_similar("w9", topn=20))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 40
    assert all(r == expected for r in results)


# ----------------------------------------------------------------------------- files


@pytest.mark.parametrize("name", ["v.bin", "v.txt", "v.vec.gz", "folder"])
def test_save_and_load_choose_the_format_from_the_path(tmp_path, random_kv, name):
    kv = KeyedVectors(random_kv.index_to_key, random_kv.vectors, counts=np.arange(400, 0, -1))
    kv.save(tmp_path / name)
    back = KeyedVectors.load(tmp_path / name)
    assert back.index_to_key == kv.index_to_key
    assert back.vectors.tobytes() == kv.vectors.tobytes()
    if name == "folder":
        assert back.counts.tolist() == list(range(400, 0, -1))
        assert isinstance(back.vectors, np.memmap)
        assert back.most_similar("w1") == kv.most_similar("w1")
    else:
        assert back.counts is None
    limited = KeyedVectors.load(tmp_path / name, limit=10)
    assert len(limited) == 10 and limited.index_to_key == kv.index_to_key[:10]


def test_gensim_style_aliases(tmp_path, random_kv):
    random_kv.save_word2vec_format(tmp_path / "x.bin", binary=True)
    back = KeyedVectors.load_word2vec_format(tmp_path / "x.bin", binary=True)
    assert back.vectors.tobytes() == random_kv.vectors.tobytes()
