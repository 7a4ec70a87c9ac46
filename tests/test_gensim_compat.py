"""gensim's spellings, called the same way under gensim and under w2v: same types and shapes,
and equal values where both compute on the same vectors (queries, evaluation, file round
trips). The snippets of gensim's documentation are in test_gensim_dropin.py; this file checks
the answers."""

from __future__ import annotations

import inspect
import itertools

import numpy as np
import pytest
from gensim.models import KeyedVectors as GKV
from gensim.models import Word2Vec as GW2V
from gensim.models.callbacks import CallbackAny2Vec
from gensim.test.utils import common_texts, datapath

import w2v
from w2v import KeyedVectors, Word2Vec
from w2v.errors import ConfigError

WORDS = sorted({w for s in common_texts for w in s})  # 12 words


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """The same vectors (and counts) in gensim and in w2v, read from one word2vec file."""
    folder = tmp_path_factory.mktemp("pair")
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(60)] + WORDS
    vecs = rng.standard_normal((len(words), 12)).astype(np.float32)
    counts = np.arange(len(words), 0, -1) * 3
    ours = KeyedVectors(words, vecs, counts=counts)
    ours.save_word2vec_format(folder / "v.bin", fvocab=folder / "vocab.txt", binary=True)
    theirs = GKV.load_word2vec_format(str(folder / "v.bin"), fvocab=str(folder / "vocab.txt"), binary=True)
    back = KeyedVectors.load_word2vec_format(folder / "v.bin", fvocab=folder / "vocab.txt", binary=True)
    assert back.index_to_key == theirs.index_to_key == words
    return theirs, back


def same(a, b, tol=1e-5):
    """Equal answers: lists of (word, score) pairs, arrays, or numbers."""
    if isinstance(a, list) and a and isinstance(a[0], tuple):
        assert [x[0] if isinstance(x[0], str) else x[1] for x in a] == [y[0] if isinstance(y[0], str) else y[1]
                                                                       for y in b]
        a = [x[1] if isinstance(x[0], str) else x[0] for x in a]
        b = [y[1] if isinstance(y[0], str) else y[0] for y in b]
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), rtol=tol, atol=tol)


QUERIES = {
    "n_similarity": lambda kv: kv.n_similarity(["w1", "w2", "zzz"], ["w3", "w4"]),
    "closer_than": lambda kv: sorted(kv.closer_than("w1", "w9")),
    "words_closer_than": lambda kv: sorted(kv.words_closer_than("w5", "w30")),
    "rank": lambda kv: kv.rank("w1", "w30"),
    "distances_to_some": lambda kv: kv.distances("w1", ["w2", "w3", "graph"]),
    "distances_to_all": lambda kv: kv.distances("w1"),
    "distances_from_vector": lambda kv: kv.distances(kv["w7"], ("w2",)),
    "cosine_similarities": lambda kv: type(kv).cosine_similarities(kv["w1"], kv[["w2", "w3"]]),
    "relative_cosine_similarity": lambda kv: kv.relative_cosine_similarity("w1", "w2", topn=7),
    "get_mean_vector": lambda kv: kv.get_mean_vector(["w1", "w2", "unknown"]),
    "get_mean_vector_weighted": lambda kv: kv.get_mean_vector(["w1", kv["w2"]], weights=[2.0, -1.0],
                                                              pre_normalize=False, post_normalize=True),
    "most_similar_to_given": lambda kv: kv.most_similar_to_given("w1", ["w2", "w3", "w4", "w5"]),
    "rank_by_centrality": lambda kv: kv.rank_by_centrality(["w1", "w2", "w3", "w4"]),
    "most_similar": lambda kv: kv.most_similar(positive=["w1", ("w2", 0.5)], negative=["w3"], topn=5),
    "most_similar_clip": lambda kv: kv.most_similar("w1", topn=4, clip_start=10, clip_end=40),
    "most_similar_restrict": lambda kv: kv.most_similar("w1", topn=4, restrict_vocab=20),
    "most_similar_all": lambda kv: kv.most_similar("w1", topn=None),
    "most_similar_cosmul": lambda kv: kv.most_similar_cosmul(positive=["w1", "w2"], negative=["w3"], topn=5),
    "similar_by_vector": lambda kv: kv.similar_by_vector(kv["w3"] + kv["w4"], topn=3),
    "similar_by_key": lambda kv: kv.similar_by_key("w3", topn=3),
    "similarity": lambda kv: kv.similarity("graph", "trees"),
    "distance": lambda kv: kv.distance("graph", "trees"),
    "doesnt_match": lambda kv: kv.doesnt_match(["w1", "w2", "w3", "graph"]),
    "get_index": lambda kv: (kv.get_index("w3"), kv.get_index(5), kv.get_index("nope", -1)),
    "has_index_for": lambda kv: (kv.has_index_for("w3"), kv.has_index_for(3), kv.has_index_for("nope")),
    "get_vecattr": lambda kv: kv.get_vecattr("w3", "count"),
    "get_vector_norm": lambda kv: kv.get_vector("w3", norm=True),
    "get_normed_vectors": lambda kv: kv.get_normed_vectors(),
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_queries_answer_as_gensim(pair, name):
    theirs, ours = pair
    a, b = QUERIES[name](theirs), QUERIES[name](ours)
    if isinstance(a, (str, int, np.integer, bool)) or (isinstance(a, tuple) and not isinstance(a[0], float)):
        assert a == b
    elif isinstance(a, list) and (not a or isinstance(a[0], str)):
        assert a == b
    else:
        if isinstance(a, np.ndarray):
            assert isinstance(b, np.ndarray) and a.shape == b.shape
        same(a, b)


def test_editing_and_attributes_as_gensim(pair):
    theirs, ours = pair
    g, w = GKV(12), KeyedVectors(12)
    assert len(g) == len(w) == 0 and g.vector_size == w.vector_size
    block = np.asarray(theirs.vectors[:4])
    for kv in (g, w):
        kv.add_vectors(["a", "b", "c", "d"], block)
        kv.add_vector("e", block[0] * 2)
        kv["f"] = block[1]
        kv.add_vectors(["b", "g"], block[2:4])             # b is kept, g added
        kv.add_vectors(["c"], block[3:4], replace=True)    # c is replaced
        kv["a"] = block[2]                                 # __setitem__ replaces
        kv.set_vecattr("a", "count", 7)
    assert g.index_to_key == w.index_to_key == ["a", "b", "c", "d", "e", "f", "g"]
    np.testing.assert_array_equal(g.vectors, w.vectors)
    assert g.get_vecattr("a", "count") == w.get_vecattr("a", "count") == 7
    assert g.get_vecattr("b", "count") == w.get_vecattr("b", "count") == 0
    same(g.most_similar("a", topn=3), w.most_similar("a", topn=3))
    # sorting by count: gensim's order, ties included
    for kv in (g, w):
        for i, key in enumerate(kv.index_to_key):
            kv.set_vecattr(key, "count", [3, 1, 3, 2, 1, 3, 2][i])
        kv.sort_by_descending_frequency()
    assert g.index_to_key == w.index_to_key
    np.testing.assert_array_equal(g.vectors, w.vectors)
    some = ["w3", "nope", "w1", "w3", "graph"]
    assert theirs.vectors_for_all(some).index_to_key == ours.vectors_for_all(some).index_to_key == ["w3", "w1", "graph"]
    for kv in (g, w):
        kv.fill_norms(force=True)  # gensim keeps stale norms across its sort
        kv.unit_normalize_all()
    np.testing.assert_allclose(g.vectors, w.vectors, rtol=1e-6, atol=1e-7)


def test_analogy_results_unpack_as_gensim():
    model = GW2V([s * 3 for s in common_texts] * 30, vector_size=16, min_count=1, seed=3, workers=1, epochs=2)
    theirs = model.wv
    ours = KeyedVectors(theirs.index_to_key, theirs.vectors)
    path = _analogies()
    for kw in ({}, {"dummy4unknown": True}, {"case_insensitive": False}):
        g_score, g_sections = theirs.evaluate_word_analogies(path, restrict_vocab=300000, **kw)
        result = ours.evaluate_word_analogies(path, restrict_vocab=300000, **kw)
        score, sections = result
        assert score == pytest.approx(g_score) and score == result.accuracy
        assert sections == g_sections
        assert result[0] == score and result[1] == sections
    r = ours.evaluate_word_analogies(path, similarity_function="most_similar_cosmul")
    assert r.method == "mul"


def _analogies() -> str:
    """Questions over common_texts' words (some unknown), in two sections."""
    import tempfile

    lines = [": one", "graph trees system computer", "human interface user system", "graph minors trees eps",
             ": two", "response time survey user", "zebra graph trees minors", "Graph Trees Human interface"]
    fh = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
    fh.write("\n".join(lines) + "\n")
    fh.close()
    return fh.name


def test_intersect_word2vec_format_as_gensim(tmp_path, pair):
    theirs, ours = pair
    other = KeyedVectors(["w1", "graph", "new"], np.full((3, 12), 0.5, dtype=np.float32))
    other.save(tmp_path / "o.txt")
    g, w = GKV(12), KeyedVectors(12)
    for kv in (g, w):
        kv.add_vectors(ours.index_to_key[:70], ours.vectors[:70])
    g.vectors_lockf = np.ones(len(g), dtype=np.float32)  # gensim's KeyedVectors needs it here
    g.intersect_word2vec_format(str(tmp_path / "o.txt"))
    assert w.intersect_word2vec_format(tmp_path / "o.txt") == 2 and "new" not in w
    np.testing.assert_array_equal(g.vectors, w.vectors)
    same(g.most_similar("w1", topn=3), w.most_similar("w1", topn=3))


def test_word_pair_results_unpack_as_gensim():
    g = GW2V(common_texts, vector_size=16, min_count=1, seed=3, workers=1).wv
    ours = KeyedVectors(g.index_to_key, g.vectors)
    extra = ["graph\ttrees\t7.0", "human\tuser\t8.5", "time\tresponse\t5.0", "eps\tsurvey\t1.0",
             "computer\tsystem\t6.0", "minors\tgraph\t4.0", "zebra\tgraph\t3.0"]
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as fh:
        fh.write("# a comment\n" + "\n".join(extra) + "\n")
    for p, kw in ((fh.name, {}), (fh.name, {"dummy4unknown": True}), (fh.name, {"case_insensitive": False})):
        gp, gs, goov = g.evaluate_word_pairs(p, **kw)
        result = ours.evaluate_word_pairs(p, **kw)
        pearson, spearman, oov = result
        assert pearson[0] == pytest.approx(gp[0], abs=1e-6) and pearson.pvalue == pytest.approx(gp.pvalue, abs=1e-6)
        assert spearman.statistic == pytest.approx(gs.statistic, abs=1e-6)
        assert spearman.correlation == pytest.approx(gs.correlation, abs=1e-6)
        assert oov == pytest.approx(goov)
        assert result.spearman == pytest.approx(gs.statistic, abs=1e-6) and result[2] == oov


def test_word_pairs_with_no_known_pair_do_not_unpack(tmp_path):
    (tmp_path / "p.tsv").write_text("zebra\tlion\t5.0\n")
    result = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32)).evaluate_word_pairs(tmp_path / "p.tsv")
    assert result.pairs == 0 and result.oov == 100.0
    with pytest.raises(w2v.InputError, match="no correlation"):
        _pearson, _spearman, _oov = result


def test_gensim_model_extras():
    texts = [s * 3 for s in common_texts] * 5
    m = Word2Vec(vector_size=8, min_count=2, hs=1, negative=3, workers=1, epochs=1)
    freq = {w: sum(s.count(w) for s in texts) for s in texts for w in s}
    freq["rare"] = 1
    m.build_vocab_from_freq(freq, corpus_count=len(texts))
    assert sorted(m.wv.index_to_key) == sorted(WORDS) and m.corpus_count == len(texts)
    m.train(texts, total_examples=len(texts), epochs=1)
    assert m.syn1neg.shape == (12, 8) and m.syn1.shape == (11, 8) and m.layer1_size == 8
    with pytest.raises(AttributeError, match="syn1neg"):
        _ = Word2Vec(texts, hs=1, negative=0, min_count=1).syn1neg
    m.init_sims()


def test_word2vec_files_round_trip_both_ways(tmp_path, pair):
    theirs, ours = pair
    for binary, header in ((True, True), (False, True), (False, False)):
        name = f"g-{binary}-{header}.txt"
        theirs.save_word2vec_format(str(tmp_path / name), binary=binary, write_header=header)
        ours.save_word2vec_format(tmp_path / ("w" + name), binary=binary, write_header=header)
        read_g = GKV.load_word2vec_format(str(tmp_path / ("w" + name)), binary=binary, no_header=not header)
        read_w = KeyedVectors.load_word2vec_format(tmp_path / name, binary=binary, no_header=not header)
        auto = KeyedVectors.load(tmp_path / name)  # told by content: header or none, text or binary
        for kv in (read_g, read_w, auto):
            assert kv.index_to_key == ours.index_to_key
            np.testing.assert_allclose(kv.vectors, ours.vectors, rtol=1e-6)
    glove = datapath("test_glove.txt")
    g, w = GKV.load_word2vec_format(glove, no_header=True), KeyedVectors.load_word2vec_format(glove, no_header=True)
    assert g.index_to_key == w.index_to_key == KeyedVectors.load(glove).index_to_key
    np.testing.assert_array_equal(g.vectors, w.vectors)
    limited = KeyedVectors.load_word2vec_format(glove, no_header=True, limit=3, datatype=np.float16)
    assert len(limited) == 3 and limited.vectors.dtype == np.float16
    # prefix and a vocabulary file, as gensim writes them
    theirs.save_word2vec_format(str(tmp_path / "gp.txt"), fvocab=str(tmp_path / "gv.txt"), prefix="x_")
    ours.save_word2vec_format(tmp_path / "wp.txt", fvocab=tmp_path / "wv.txt", prefix="x_")
    assert (tmp_path / "gv.txt").read_text() == (tmp_path / "wv.txt").read_text()
    assert KeyedVectors.load(tmp_path / "gp.txt").index_to_key == KeyedVectors.load(tmp_path / "wp.txt").index_to_key


def test_word2vec_attributes_and_vocabulary_options_as_gensim():
    texts = common_texts + [["graph", "x1"], ["x2", "x2", "graph"]]

    def rule(word, count, min_count):
        return w2v.RULE_DISCARD if word == "human" else w2v.RULE_KEEP if word == "x1" else w2v.RULE_DEFAULT

    cases = [dict(min_count=0, shrink_windows=False), dict(min_count=2, trim_rule=rule), dict(min_count=1, max_final_vocab=6),
             dict(min_count=1, sorted_vocab=0), dict(min_count=2, null_word=1, sorted_vocab=0)]
    for kw in cases:
        common = dict(vector_size=8, window=3, sg=1, hs=1, negative=3, ns_exponent=0.5, cbow_mean=0, sample=0.01,
                      alpha=0.03, min_alpha=0.001, workers=1, seed=4, epochs=2, **kw)
        g, w = GW2V(texts, **common), Word2Vec(texts, **common)
        for attr in ("corpus_count", "corpus_total_words", "epochs", "vector_size", "window", "sg", "hs",
                     "negative", "ns_exponent", "cbow_mean", "min_count", "sample", "alpha", "min_alpha",
                     "workers", "seed", "max_final_vocab", "sorted_vocab", "null_word", "shrink_windows"):
            assert getattr(g, attr) == pytest.approx(getattr(w, attr)), (kw, attr)
        if kw.get("sorted_vocab", 1):  # gensim breaks ties in reverse order of appearance, w2v in order
            assert sorted(g.wv.index_to_key) == sorted(w.wv.index_to_key), kw
            assert [g.wv.get_vecattr(k, "count") for k in g.wv.index_to_key] == w.wv.counts.tolist()
        else:
            assert g.wv.index_to_key == w.wv.index_to_key, kw
        assert isinstance(w.get_latest_training_loss(), float)


def test_training_loss_is_gensims_sum():
    texts = [s * 4 for s in common_texts] * 40
    kw = dict(vector_size=16, min_count=1, sg=1, negative=5, epochs=3, workers=1, seed=1, alpha=0.025,
              compute_loss=True)
    g, w = GW2V(texts, **kw), Word2Vec(texts, **kw)
    assert w.get_latest_training_loss() == pytest.approx(sum(h.loss * h.predictions for h in w.history))
    assert w.running_training_loss == w.get_latest_training_loss()
    assert 0.9 < w.get_latest_training_loss() / g.get_latest_training_loss() < 1.1  # same quantity
    before = w.get_latest_training_loss()
    w.train(texts, total_examples=w.corpus_count, epochs=1)  # gensim: the sum restarts with each train()
    assert 0 < w.get_latest_training_loss() < before


def test_predict_output_word_as_gensim():
    texts = [s * 3 for s in common_texts] * 10
    for cbow_mean in (1, 0):
        w = Word2Vec(texts, vector_size=8, min_count=1, negative=5, cbow_mean=cbow_mean, workers=1, epochs=2)
        g = GW2V(texts, vector_size=8, min_count=1, negative=5, cbow_mean=cbow_mean, workers=1, epochs=1)
        rows = [w.wv.key_to_index[k] for k in g.wv.index_to_key]  # gensim's rows in w2v's order
        g.wv.vectors[:] = w.weights.syn0[rows]
        g.syn1neg[:] = w.weights.out_ns[rows]
        context = ["graph", "trees", "nope"]
        same(sorted(g.predict_output_word(context, topn=12)), sorted(w.predict_output_word(context, topn=12)))
        assert g.predict_output_word(["nope"]) is None and w.predict_output_word(["nope"]) is None


class Recorder(CallbackAny2Vec):
    """A gensim callback: what w2v calls must be what gensim calls, in the same order."""

    def __init__(self):
        self.calls = []

    def on_train_begin(self, model):
        self.calls.append(("train_begin", len(model.wv)))

    def on_epoch_begin(self, model):
        self.calls.append(("epoch_begin",))

    def on_epoch_end(self, model):
        self.calls.append(("epoch_end", model.get_latest_training_loss() > 0))

    def on_train_end(self, model):
        self.calls.append(("train_end",))


def test_a_gensim_callback_is_called_in_gensims_order():
    texts = [s * 4 for s in common_texts] * 5
    runs = []
    for cls in (GW2V, Word2Vec):
        first, second = Recorder(), Recorder()
        m = cls(texts, vector_size=8, min_count=1, epochs=3, workers=1, callbacks=[first], compute_loss=True)
        m.train(texts, total_examples=m.corpus_count, epochs=2, callbacks=(second,), compute_loss=True)
        runs.append((first.calls, second.calls))
    assert runs[0] == runs[1]
    assert runs[1][0][0] == ("train_begin", 12) and runs[1][0][-1] == ("train_end",)


def test_a_callback_sees_the_model_at_rest_and_can_save_and_stop_it(tmp_path):
    texts = [s * 4 for s in common_texts] * 5
    seen = []

    class Saver:
        def on_epoch_end(self, model):
            copy = np.array(model.wv.vectors)
            model.save(tmp_path / f"epoch{len(seen)}")
            seen.append(copy)
            if len(seen) == 2:
                model.stop()

    m = Word2Vec(texts, vector_size=8, min_count=1, epochs=4, workers=2, callbacks=[Saver()])
    assert len(seen) == 2 and m.epochs_done == 2 and m.interrupted
    back = Word2Vec.load(tmp_path / "epoch1")  # saved in the callback: exactly the vectors it saw
    np.testing.assert_array_equal(back.wv.vectors, seen[1])
    assert back.schedule == {"total": 4, "epoch": 2, "job": 0}
    assert not (seen[0] == seen[1]).all()
    m.resume(texts)
    assert m.epochs_done == 4 and not m.interrupted


def _gensim_parameters(func) -> list[inspect.Parameter]:
    return [p for p in inspect.signature(func).parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]


def test_every_gensim_constructor_parameter_is_accepted_or_refused_by_name():
    samples = {"sentences": common_texts, "corpus_file": None, "callbacks": (), "trim_rule": None,
               "hashfxn": hash, "comment": "a note", "max_final_vocab": 5, "compute_loss": True,
               "shrink_windows": True, "null_word": 1, "sorted_vocab": 0, "min_count": 0, "workers": 1}
    for p in _gensim_parameters(GW2V.__init__):
        value = samples.get(p.name, p.default)
        kwargs = {p.name: value}
        if p.name != "sentences":
            kwargs["sentences"] = common_texts
        kwargs.setdefault("min_count", 1)
        kwargs.setdefault("epochs", 1)
        try:
            Word2Vec(**kwargs)
        except ConfigError as exc:  # refused: the message names the parameter
            assert p.name in str(exc), (p.name, str(exc))
    for bad, hint in (("size", "vector_size"), ("iter", "epochs"), ("vector_sise", "vector_size")):
        with pytest.raises(ConfigError, match=hint):
            Word2Vec(**{bad: 10})
    fixed = Word2Vec(common_texts, min_count=1, epochs=1, shrink_windows=False)
    assert fixed.shrink_windows == 0 and fixed.config.shrink_windows == 0


@pytest.mark.parametrize("method", ["build_vocab", "train"])
def test_build_vocab_and_train_take_every_gensim_argument(method):
    ours = inspect.signature(getattr(Word2Vec, method)).parameters
    for p in _gensim_parameters(getattr(GW2V, method)):
        assert p.name in ours, p.name
    assert list(ours)[1:3] == ["corpus_iterable", "corpus_file"]  # the same positions as gensim's


def test_start_and_end_alpha_apply_to_one_call():
    m = Word2Vec(common_texts, vector_size=8, min_count=1, workers=1, epochs=2, alpha=0.02, min_alpha=0.01)
    stats = m.train(common_texts, total_examples=m.corpus_count, epochs=2, start_alpha=0.5, end_alpha=0.1)
    assert stats[-1].alpha == pytest.approx(0.1) and stats[0].alpha == pytest.approx(0.3)
    assert m.alpha == 0.02 and m.min_alpha == 0.01  # the model's own schedule is unchanged
    m.alpha = 0.04
    assert m.config.alpha == 0.04
    with pytest.raises(ConfigError):
        m.alpha = -1.0
    assert m.alpha == 0.04
    with pytest.raises(AttributeError):
        m.vector_size = 3
    for _ in range(3):  # gensim 3's manual decay still runs
        m.train(common_texts, total_examples=m.corpus_count, epochs=1)
        m.alpha -= 0.01
        m.min_alpha = m.alpha
    assert m.alpha == pytest.approx(0.01) and m.min_alpha == pytest.approx(0.01)


def test_the_same_corpus_is_not_read_twice():
    m = Word2Vec(vector_size=8, min_count=1, workers=1)
    m.build_vocab(common_texts)
    first = m._corpus
    m.train(common_texts, total_examples=m.corpus_count, epochs=1)
    assert m._corpus is first
    once = iter([list(s) for s in common_texts])  # a generator can be read once: build_vocab kept its ids
    m.build_vocab(once)
    m.train(once, total_examples=m.corpus_count, epochs=1)
    assert m.history[-1].words == sum(len(s) for s in common_texts)


def test_wmdistance_is_the_optimal_transport():
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(8)]
    kv = KeyedVectors(words, rng.standard_normal((8, 5)).astype(np.float32))
    unit = kv.get_normed_vectors()
    assert kv.wmdistance(["w1"], ["w2"]) == pytest.approx(np.linalg.norm(unit[1] - unit[2]), rel=1e-6)
    # equal-sized documents of distinct words: the best transport is a matching (Birkhoff)
    a, b = [1, 2, 3, 4], [4, 5, 6, 7]
    best = min(np.mean([np.linalg.norm(unit[i] - unit[j]) for i, j in zip(a, perm)])
               for perm in itertools.permutations(b))
    assert kv.wmdistance([words[i] for i in a], [words[j] for j in b]) == pytest.approx(best, rel=1e-6)
    assert kv.wmdistance(["w1", "w2"], ["w2", "w1", "w1", "w2"]) == pytest.approx(0.0, abs=1e-9)
    assert kv.wmdistance(["w1", "nope"], ["nope"]) == float("inf")
    assert kv.wmdistance(["w1", "w2"], ["w3"], norm=False) > 0
