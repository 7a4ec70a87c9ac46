"""The full softmax a block at a time: one position against the row-at-a-time step it replaced,
larger blocks against a numpy mini-batch, the update against a numerical gradient, and the
skeleton's blocks (skip-gram sharing rows across positions, CBOW) against a reference run."""

import numpy as np
import pytest
from conftest import run_kernel

from w2v.kernels.softmax import CBOW_BLOCK, GEMM_MNK, SG_BLOCK, chunk_rows, softmax_block, work_size


def _probs(s):
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def rows_step(X, U, word, alpha):
    """The step the kernel took before blocks (float64): every row of ``X`` predicts ``word``,
    each row's gradient from the same U, then U gets all rows' updates, one row at a time."""
    U = U.copy()
    G = np.zeros_like(X)
    dU = np.zeros_like(U)
    loss = 0.0
    for r in range(len(X)):
        p = _probs(U @ X[r])
        loss -= np.log(p[word])
        e = -alpha * p
        e[word] += alpha
        G[r] = e @ U
        dU += np.outer(e, X[r])
    return loss, G, U + dU


def minibatch_step(H, U, pairs):
    """The mini-batch the block kernel should take (float64): pairs (row, word, rate), all scored
    at the block's start; returns (loss, increment of each row of H, new U)."""
    P = _probs(H @ U.T)
    E = np.zeros_like(P)
    loss = 0.0
    for b, w, a in pairs:
        loss -= np.log(P[b, w])
        E[b] -= a * P[b]
        E[b, w] += a
    return loss, E @ U, U + E.T @ H


def run_block(H, U, pairs, chunk=None):
    """softmax_block in float32 on copies; returns (loss, g, new out)."""
    nb, d = H.shape
    V = U.shape[0]
    out = U.astype(np.float32)
    g = np.full((nb, d), np.nan, np.float32)  # must be overwritten, not added to
    slot = np.array([p[0] for p in pairs], np.int64)
    word = np.array([p[1] for p in pairs], np.int64)
    rate = np.array([p[2] for p in pairs], np.float32)
    loss = softmax_block(H.astype(np.float32), nb, out, slot, word, rate, len(pairs), g,
                         np.empty(work_size(V, nb, d), np.float32),
                         chunk_rows(nb, d, V) if chunk is None else chunk)
    return loss, g, out


@pytest.mark.parametrize("nrows", [1, 3, 6])
def test_block_of_one_position_matches_the_row_at_a_time_step(nrows):
    rng = np.random.default_rng(nrows)
    V, d, word, alpha = 9, 5, 4, 0.05
    X = rng.normal(0, 0.5, (nrows, d))
    U = rng.normal(0, 0.5, (V, d))
    ref_loss, ref_G, ref_U = rows_step(X, U, word, alpha)
    loss, g, out = run_block(X, U, [(r, word, alpha) for r in range(nrows)])
    assert loss == pytest.approx(ref_loss, rel=1e-5)
    np.testing.assert_allclose(g, ref_G, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(out, ref_U, rtol=1e-4, atol=1e-6)


def test_a_word_twice_in_a_window_is_one_row_with_two_pairs():
    rng = np.random.default_rng(2)
    V, d, word, alpha = 7, 4, 1, 0.1
    x = rng.normal(0, 0.5, (1, d))
    U = rng.normal(0, 0.5, (V, d))
    ref_loss, ref_G, ref_U = rows_step(np.vstack([x, x]), U, word, alpha)
    loss, g, out = run_block(x, U, [(0, word, alpha), (0, word, alpha)])
    assert loss == pytest.approx(ref_loss, rel=1e-5)
    np.testing.assert_allclose(g[0], ref_G.sum(axis=0), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(out, ref_U, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("chunk", [1, 3, 7, None])  # pieces of the products: 7 rows, 3 + 3 + 1, ...
def test_block_matches_the_numpy_minibatch(chunk):
    rng = np.random.default_rng(7)
    V, d, nb = 7, 6, 5
    H = rng.normal(0, 0.7, (nb, d))
    U = rng.normal(0, 0.7, (V, d))
    # rows predicting several words, a repeated pair, rates that differ (blocks cross sentences)
    pairs = [(0, 3, 0.05), (0, 5, 0.05), (1, 3, 0.04), (2, 0, 0.04), (2, 0, 0.04), (3, 6, 0.03),
             (4, 1, 0.03), (4, 2, 0.03), (1, 6, 0.02)]
    ref_loss, ref_G, ref_U = minibatch_step(H, U, pairs)
    loss, g, out = run_block(H, U, pairs, chunk)
    assert loss == pytest.approx(ref_loss, rel=1e-5)
    np.testing.assert_allclose(g, ref_G, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(out, ref_U, rtol=1e-4, atol=1e-6)


def test_block_update_is_minus_rate_times_the_numerical_gradient():
    rng = np.random.default_rng(3)
    V, d, nb = 6, 4, 3
    H = rng.normal(0, 0.5, (nb, d))
    U = rng.normal(0, 0.5, (V, d))
    pairs = [(0, 2, 0.1), (1, 2, 0.1), (1, 4, 0.05), (2, 0, 0.2)]

    def weighted_loss(H, U):  # sum of rate * -log p(word | row)
        s = H @ U.T
        lse = np.logaddexp.reduce(s, axis=1)
        return sum(a * (lse[b] - s[b, w]) for b, w, a in pairs)

    eps = 1e-6
    grads = []
    for arr in (H, U):
        g = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            old = arr[idx]
            arr[idx] = old + eps
            hi = weighted_loss(H, U)
            arr[idx] = old - eps
            lo = weighted_loss(H, U)
            arr[idx] = old
            g[idx] = (hi - lo) / (2 * eps)
        grads.append(g)
    s = H @ U.T
    plain = sum(np.logaddexp.reduce(s[b]) - s[b, w] for b, w, _ in pairs)
    loss, g, out = run_block(H, U, pairs)
    assert loss == pytest.approx(plain, rel=1e-5)
    np.testing.assert_allclose(g, -grads[0], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(out - U.astype(np.float32), -grads[1], rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("nb,d,V", [(1, 100, 5000), (26, 100, 4800), (40, 300, 20000), (10, 8, 3)])
def test_pieces_of_the_products_stay_on_the_calling_thread(nb, d, V):
    c = chunk_rows(nb, d, V)
    assert 1 <= c <= V
    assert c == 1 or c * nb * d <= GEMM_MNK


def reference_training(sentences, syn0, out, sg, window, alpha, block):
    """What train_job should do with the softmax (float64): positions in stream order, full
    windows; every ``block`` positions with a context, one mini-batch at the parameters of the
    block's start: skip-gram, a pair per context row (its gradient to that row); CBOW, the
    context mean predicts the centre and its gradient goes to every context row."""
    S, U = syn0.astype(np.float64), out.astype(np.float64)
    pending = []
    total = 0.0

    def flush():
        nonlocal U, total
        if not pending:
            return
        if sg:
            pairs = [(c, w) for ctx, w in pending for c in ctx]
            H = S[[c for c, _ in pairs]]
            loss, G, U = minibatch_step(H, U, [(i, w, alpha) for i, (_, w) in enumerate(pairs)])
            for (c, _), gc in zip(pairs, G):
                S[c] += gc
        else:
            H = np.array([S[ctx].mean(axis=0) for ctx, _ in pending])
            loss, G, U = minibatch_step(H, U, [(i, w, alpha) for i, (_, w) in enumerate(pending)])
            for (ctx, _), gc in zip(pending, G):
                for c in ctx:
                    S[c] += gc
        total += loss
        pending.clear()

    for sent in sentences:
        for i, w in enumerate(sent):
            ctx = [sent[j] for j in range(max(0, i - window), min(len(sent), i + window + 1)) if j != i]
            if ctx:
                pending.append((ctx, w))
                if len(pending) == block:
                    flush()
    flush()
    return total, S, U


@pytest.mark.parametrize("sg", [1, 0])
def test_skeleton_blocks_match_the_reference(sg):
    rng = np.random.default_rng(11)
    V, d, window, alpha = 12, 6, 2, 0.05
    block = SG_BLOCK if sg else CBOW_BLOCK
    # sentences long and short, so that blocks end inside sentences and span several; repeated
    # words put one word twice in a window
    lengths = [block + 5, 3, 1, 2 * block + 1, 4, block - 1]
    sentences = [list(rng.integers(0, V, n)) for n in lengths]
    sentences[0][1] = sentences[0][2]
    stream = [w for s in sentences for w in s + [-1]]
    syn0 = rng.normal(0, 0.3, (V, d)).astype(np.float32)
    out = rng.normal(0, 0.3, (V, d)).astype(np.float32)
    ref_loss, S, U = reference_training(sentences, syn0, out, sg, window, alpha, block)
    stats = run_kernel(stream, syn0, out_sm=out, sg=sg, window=window, softmax=1, alpha=alpha,
                       shrink_windows=0)
    n_ctx = sum(min(len(s), i + window + 1) - max(0, i - window) - 1 for s in sentences for i in range(len(s)))
    assert stats[1] == (n_ctx if sg else sum(len(s) for s in sentences if len(s) > 1))
    assert stats[0] == pytest.approx(ref_loss, rel=1e-5)
    np.testing.assert_allclose(syn0, S, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(out, U, rtol=1e-4, atol=1e-5)
