"""The kernels against the math: numerical gradients, a reference run, the noise sampler."""

import numpy as np
import pytest
from conftest import draw_many, run_kernel, sigmoid
from scipy import stats

from w2v.kernels.logistic import logistic_row, logistic_rows, logistic_seq
from w2v.vocab import Vocab, alias_table


def _loss(V, U, labels):
    s = V.astype(np.float64) @ U.astype(np.float64).T  # [B, T]
    z = np.where(labels[None, :] == 1, s, -s)
    return np.logaddexp(0, -z).sum()


def _num_grad(f, x, eps=1e-4):
    g = np.zeros_like(x, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        hi = f()
        x[idx] = old - eps
        lo = f()
        x[idx] = old
        g[idx] = (hi - lo) / (2 * eps)
    return g


def _padded(idx):
    """Indices padded to a multiple of four with the last one, as the kernels pass them."""
    idx = np.asarray(idx, dtype=np.int64)
    return np.concatenate([idx, np.repeat(idx[-1:], -len(idx) % 4)])


def _step(inp, rows, out, targets, labels, alpha, grad, by_row):
    """The blocked batch step, or the one-row step applied row by row (each row's scores then
    see the output rows as the earlier rows left them, so only one row is compared that way)."""
    T = len(labels)
    tg = _padded(targets)
    if by_row:
        G = np.zeros(len(tg), np.float32)
        return sum(logistic_row(inp, r, out, tg, labels, T, alpha, grad, b, G) for b, r in enumerate(rows))
    G = np.zeros((len(_padded(rows)), len(tg)), np.float32)
    return logistic_rows(inp, _padded(rows), len(rows), out, tg, labels, T, alpha, grad, G)


@pytest.mark.parametrize("nrows, by_row", [(1, False), (1, True), (3, False), (4, False), (6, False)])
def test_logistic_update_is_minus_alpha_times_gradient(nrows, by_row):
    """1 row: the CBOW shape (the context mean); 3-6: a skip-gram window (padding at 3 and 6)."""
    rng = np.random.default_rng(0)
    d, alpha = 8, np.float32(0.1)
    inp = rng.normal(0, 0.5, (nrows, d)).astype(np.float32)
    out = rng.normal(0, 0.5, (7, d)).astype(np.float32)
    targets = np.array([2, 0, 5, 3, 6], dtype=np.int64)
    labels = np.array([1, 0, 0, 0, 0], dtype=np.int32)  # the negative-sampling pattern; HS uses any bits
    rows = np.arange(nrows, dtype=np.int64)

    V64, U64 = inp.astype(np.float64), out[targets].astype(np.float64)
    gV = _num_grad(lambda: _loss(V64, U64, labels), V64)
    gU = _num_grad(lambda: _loss(V64, U64, labels), U64)
    expected_loss = _loss(V64, U64, labels)

    grad = np.zeros((len(_padded(rows)), d), np.float32)
    out_before = out.copy()
    loss = _step(inp, rows, out, targets, labels, alpha, grad, by_row)
    # sigmoid and log-sigmoid come from 4096-entry tables: agreement to ~1e-3 relative
    assert loss == pytest.approx(expected_loss, rel=2e-3)
    np.testing.assert_allclose(grad[:nrows], -alpha * gV, rtol=2e-2, atol=2e-4)
    np.testing.assert_allclose(out[targets] - out_before[targets], -alpha * gU, rtol=2e-2, atol=2e-4)
    untouched = np.setdiff1d(np.arange(7), targets)
    np.testing.assert_array_equal(out[untouched], out_before[untouched])


@pytest.mark.parametrize("labels", [[1, 1, 0], [0, 1, 0, 1, 1]])
@pytest.mark.parametrize("by_row", [False, True])
def test_logistic_with_hs_code_bits(labels, by_row):
    rng = np.random.default_rng(1)
    d = 5
    labels = np.array(labels, dtype=np.int32)
    T = len(labels)
    n_in = 1 if by_row else 2
    inp = rng.normal(0, 0.5, (n_in, d)).astype(np.float32)
    out = rng.normal(0, 0.5, (T, d)).astype(np.float32)
    targets = np.arange(T, dtype=np.int64)
    V64, U64 = inp.astype(np.float64), out.astype(np.float64)
    gV = _num_grad(lambda: _loss(V64, U64, labels), V64)
    grad = np.zeros((4, d), np.float32)
    _step(inp, np.arange(n_in, dtype=np.int64), out, targets, labels, np.float32(0.05), grad, by_row)
    np.testing.assert_allclose(grad[:n_in], -0.05 * gV, rtol=2e-2, atol=2e-4)


@pytest.mark.parametrize("nrows, ntargets", [(1, 1), (2, 5), (6, 4), (7, 9), (3, 12)])
def test_sequential_step_is_word2vec_c_order(nrows, ntargets):
    """logistic_seq (skip-gram under hierarchical softmax) against word2vec C's loop: for each
    input row in turn, for each target in turn, score against the target row as the earlier rows
    left it, take the input's gradient from that row, then move the row."""
    rng = np.random.default_rng(nrows * 100 + ntargets)
    d, alpha = 20, 0.3
    inp = rng.normal(0, 0.5, (nrows, d)).astype(np.float32)
    out = rng.normal(0, 0.5, (ntargets + 2, d)).astype(np.float32)
    targets = rng.permutation(ntargets + 2)[:ntargets].astype(np.int64)  # distinct, as a Huffman path
    labels = rng.integers(0, 2, ntargets).astype(np.int32)
    ref_out, ref_grad, ref_loss = out.astype(np.float64), np.zeros((nrows, d)), 0.0
    for b in range(nrows):
        for t, lab in zip(targets, labels):
            f = sigmoid(inp[b] @ ref_out[t])
            ref_loss -= np.log(f if lab else 1 - f)
            g = alpha * (lab - f)
            ref_grad[b] += g * ref_out[t]
            ref_out[t] += g * inp[b]
    grad = np.zeros((len(_padded(np.arange(nrows))), d), np.float32)
    U, O = np.zeros((4, d), np.float32), np.zeros((4, d), np.float32)
    loss = logistic_seq(inp, np.arange(nrows, dtype=np.int64), nrows, out, _padded(targets), labels, ntargets,
                        np.float32(alpha), grad, U, O)
    assert loss == pytest.approx(ref_loss, rel=2e-3)
    np.testing.assert_allclose(grad[:nrows], ref_grad, rtol=2e-2, atol=2e-3)
    np.testing.assert_allclose(out, ref_out, rtol=2e-2, atol=2e-3)


def _reference_run(sentence, syn0, out, negative_word, sg, alpha, window=1):
    """Plain numpy word2vec on one sentence, a full window (never shrunk), one fixed noise word."""
    syn0 = syn0.astype(np.float64).copy()
    out = out.astype(np.float64).copy()
    for i, w in enumerate(sentence):
        ctx = [sentence[j] for j in range(i - window, i + window + 1) if j != i and 0 <= j < len(sentence)]
        targets = [(w, 1)] + ([(negative_word, 0)] if negative_word != w else [])
        if sg:
            V = syn0[ctx]
            G = np.zeros_like(V)
            for t, lab in targets:
                g = alpha * (lab - sigmoid(V @ out[t]))
                G += g[:, None] * out[t]
                out[t] += g @ V
            for c, gc in zip(ctx, G):
                syn0[c] += gc
        else:
            h = syn0[ctx].mean(axis=0)
            gh = np.zeros_like(h)
            for t, lab in targets:
                g = alpha * (lab - sigmoid(h @ out[t]))
                gh += g * out[t]
                out[t] += g * h
            for c in ctx:
                syn0[c] += gh  # word2vec C: the full gradient of the mean to every context row
    return syn0, out


@pytest.mark.parametrize("sg, window, shrink", [(1, 1, 1), (0, 1, 1), (1, 2, 0), (0, 3, 0)])
def test_skeleton_matches_reference(sg, window, shrink):
    """Window 1 is never shrunk; larger windows are compared with shrinking off (gensim's
    shrink_windows=False)."""
    rng = np.random.default_rng(2)
    V, d = 4, 6
    syn0 = rng.normal(0, 0.3, (V, d)).astype(np.float32)
    out = rng.normal(0, 0.3, (V, d)).astype(np.float32)
    sentence = [0, 1, 2, 1]
    stream = np.array(sentence + [-1], dtype=np.int32)
    noise = 3
    prob, alias = alias_table(np.eye(V)[noise] + 1e-12)
    exp_syn0, exp_out = _reference_run(sentence, syn0, out, noise, sg, 0.1, window)
    stats_ = run_kernel(stream, syn0, out_ns=out, noise=(prob, alias), sg=sg, window=window, negative=1, alpha=0.1,
                        shrink_windows=shrink)
    np.testing.assert_allclose(syn0, exp_syn0, rtol=1e-2, atol=1e-3)
    np.testing.assert_allclose(out, exp_out, rtol=1e-2, atol=1e-3)
    n_ctx = sum(min(len(sentence) - 1, i + window) - max(0, i - window) for i in range(len(sentence)))
    assert stats_[2] == 4 and stats_[3] == 4     # words read, words trained
    assert stats_[1] == (n_ctx if sg else 4)     # predictions: context rows (sg) or centre words (cbow)


def test_alias_sampler_matches_counts_to_the_075():
    counts = np.array([5000, 2000, 900, 400, 120, 60, 25, 10, 5, 1], dtype=np.int64)
    vocab = Vocab([f"w{i}" for i in range(len(counts))], counts)
    prob, alias = vocab.noise_alias(0.75)
    n = 400_000
    draws = draw_many(123, prob, alias, n)
    observed = np.bincount(draws, minlength=len(counts))
    expected = counts ** 0.75 / (counts ** 0.75).sum() * n
    chi2, p = stats.chisquare(observed, expected)
    assert p > 1e-3, (observed, expected)
    # and it is not the raw unigram law
    raw = counts / counts.sum() * n
    assert stats.chisquare(observed, raw)[1] < 1e-12


def test_subsampling_in_kernel_follows_keep_probabilities():
    counts = np.array([90_000, 9_000, 1_000], dtype=np.int64)
    vocab = Vocab(["a", "b", "c"], counts)
    for formula in ("c", "paper"):
        keep = vocab.keep_probs(1e-3, formula)
        rng = np.random.default_rng(3)
        tokens = rng.permutation(np.repeat(np.arange(3), counts)).astype(np.int32)
        stream = np.concatenate([tokens.reshape(-1, 100), -np.ones((len(tokens) // 100, 1), np.int32)], 1).ravel()
        syn0 = np.zeros((3, 4), np.float32)
        out = np.zeros((3, 4), np.float32)
        stats_ = run_kernel(stream, syn0, out_ns=out, noise=vocab.noise_alias(0.75), keep=keep, sg=1, window=2,
                            negative=1, alpha=0.0, seed=11)
        expected = float((counts * keep).sum())
        sd = float(np.sqrt((counts * keep * (1 - keep)).sum()))
        assert stats_[2] == counts.sum()
        assert abs(stats_[3] - expected) < 5 * sd + 1, (formula, stats_[3], expected)
