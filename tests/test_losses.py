"""Hierarchical softmax and the full softmax: the tree, the probabilities, the gradients, training
(the full softmax's block step has its own tests in test_softmax_block.py)."""

import numpy as np
import pytest
from conftest import entropy_bits, expected_code_length, run_kernel, sigmoid

from w2v.huffman import Huffman
from w2v.model import Word2Vec

ZIPF = np.array(sorted((10_000 / np.arange(1, 301) ** 1.1).astype(np.int64) + 1, reverse=True))


@pytest.mark.parametrize("counts", [ZIPF, np.array([5, 5, 5, 5]), np.array([100, 1]), np.array([50, 20, 20, 5, 1, 1, 1])])
def test_huffman_codes_prefix_free_and_inner_nodes(counts):
    h = Huffman.build(counts)
    V = len(counts)
    codes = [h.code(i) for i in range(V)]
    assert len(set(codes)) == V
    for a in codes:
        for b in codes:
            assert a == b or not b.startswith(a)
    used = set()
    for i in range(V):
        used.update(h.points[i, : h.lengths[i]].tolist())
        assert h.points[i, 0] == V - 2  # every path starts at the root
    assert used == set(range(V - 1))  # exactly V-1 inner nodes, all on some path
    # Kraft equality: a full binary tree
    assert sum(2.0 ** -h.lengths[i] for i in range(V)) == pytest.approx(1.0)


def test_huffman_expected_length_within_one_bit_of_entropy():
    h = Huffman.build(ZIPF)
    H = entropy_bits(ZIPF)
    L = expected_code_length(h, ZIPF)
    assert H <= L < H + 1
    # more frequent words never get longer codes
    assert np.all(np.diff(h.lengths) >= 0) or all(
        h.lengths[i] <= h.lengths[j] for i in range(len(ZIPF)) for j in range(i, len(ZIPF)) if ZIPF[i] > ZIPF[j])


def _tiny_model(**kw):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(12)]
    sents = [list(rng.choice(words, 10, p=np.arange(12, 0, -1) / 78)) for _ in range(60)]
    return Word2Vec(sents, vector_size=6, min_count=1, epochs=1, workers=1, seed=2, **kw)


@pytest.mark.parametrize("kw", [dict(hs=1, negative=0), dict(softmax=1, negative=0), dict(hs=1, negative=3)])
def test_probabilities_over_all_words_sum_to_one(kw):
    m = _tiny_model(**kw)
    rng = np.random.default_rng(1)
    for out in (m.weights.out_hs, m.weights.out_sm, m.weights.out_ns):  # make the outputs non-trivial
        out[:] = rng.normal(0, 1, out.shape)
    total = sum(np.exp(m.log_prob(w, ["w1", "w3"])) for w in m.vocab.words)
    assert total == pytest.approx(1.0, abs=1e-5)
    top = m.predict_output_word(["w1", "w3"], topn=3)
    assert len(top) == 3 and top[0][1] >= top[1][1] >= top[2][1]


@pytest.mark.parametrize("sg", [1, 0])
def test_hs_skeleton_matches_reference(sg):
    counts = np.array([8, 4, 2, 1])
    hf = Huffman.build(counts)
    rng = np.random.default_rng(4)
    V, d, alpha = 4, 5, 0.1
    syn0 = rng.normal(0, 0.3, (V, d)).astype(np.float32)
    out = rng.normal(0, 0.3, (V - 1, d)).astype(np.float32)
    sentence = [0, 2, 1, 3]
    S, U = syn0.astype(np.float64).copy(), out.astype(np.float64).copy()
    for i, w in enumerate(sentence):
        ctx = [sentence[j] for j in (i - 1, i + 1) if 0 <= j < len(sentence)]
        path = [(hf.points[w, k], 1 - hf.codes[w, k]) for k in range(hf.lengths[w])]
        X = S[ctx] if sg else S[ctx].mean(axis=0, keepdims=True)
        G = np.zeros_like(X)
        for r in range(len(X)):  # skip-gram: context by context, as word2vec C
            for node, label in path:
                g = alpha * (label - sigmoid(X[r] @ U[node]))
                G[r] += g * U[node]
                U[node] += g * X[r]
        if sg:
            for c, gc in zip(ctx, G):
                S[c] += gc
        else:
            for c in ctx:
                S[c] += G[0]
    run_kernel(sentence + [-1], syn0, out_hs=out, tree=hf, sg=sg, window=1, hs=1, alpha=alpha, seed=3)
    np.testing.assert_allclose(syn0, S, rtol=1e-2, atol=1e-3)
    np.testing.assert_allclose(out, U, rtol=1e-2, atol=1e-3)


@pytest.mark.parametrize("kw", [dict(hs=1, negative=0, sg=1), dict(hs=1, negative=0, sg=0),
                                dict(softmax=1, negative=0, sg=1), dict(softmax=1, negative=0, sg=0)])
def test_training_loss_falls_epoch_after_epoch(kw):
    rng = np.random.default_rng(5)
    # a corpus with structure (words of one topic co-occur), too large to be learned in a few
    # epochs: a tiny one is fitted at once and its loss then hovers at its entropy
    topics = [[f"t{k}_{i}" for i in range(25)] for k in range(20)]
    sents = [list(rng.choice(topics[rng.integers(20)], 12)) for _ in range(400)]
    m = Word2Vec(sents, vector_size=16, min_count=1, epochs=5, workers=1, seed=1, sample=0, alpha=0.025, **kw)
    losses = [h.loss for h in m.history]
    assert all(b < a for a, b in zip(losses, losses[1:])), losses
