import numpy as np
import pytest

from w2v.corpus import TokenSource, TextSource
from w2v.errors import InputError
from w2v.stream import open_ids, scan
from w2v.vocab import Vocab


def test_keep_probs_match_both_formulas():
    counts = np.array([100_000, 10_000, 1_000, 10], dtype=np.int64)
    v = Vocab(["a", "b", "c", "d"], counts)
    t, N = 1e-3, counts.sum()
    c = v.keep_probs(t, "c")
    f = counts.astype(float)
    np.testing.assert_allclose(c, np.minimum(1, (np.sqrt(f / (t * N)) + 1) * (t * N) / f), rtol=1e-6)
    paper = v.keep_probs(t, "paper")
    np.testing.assert_allclose(1 - paper, np.maximum(0, 1 - np.sqrt(t / (f / N))), rtol=1e-5, atol=1e-7)
    assert c[-1] == 1.0 and paper[-1] == 1.0
    assert np.all(v.keep_probs(0, "c") == 1)


def test_min_count_and_frequency_order_with_stable_ties():
    sents = [["b", "a", "c", "a", "d"], ["c", "a", "e", "b"]]
    r = scan(TokenSource(sents))
    vocab, remap = Vocab.from_counts(r.words, r.counts, min_count=2)
    assert vocab.words == ["a", "b", "c"]  # a:3, then b and c tie at 2 in order of first appearance
    assert vocab.counts.tolist() == [3, 2, 2]
    assert [remap[r.index[w]] for w in "abcde"] == [0, 1, 2, -1, -1]


def test_id_stream_marks_sentence_ends():
    r = scan(TokenSource([["x", "y"], ["y"], [], ["z", "x"]]))
    ids = open_ids(r.ids_path).tolist()
    assert ids == [0, 1, -1, 1, -1, 2, 0, -1]
    assert r.n_tokens == 5 and r.n_sentences == 3


def test_long_lines_are_cut_into_sentences_of_10000(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text(" ".join(["w"] * 25_000) + "\nshort line\n")
    r = scan(TextSource([p]))
    assert r.n_sentences == 4  # 10k + 10k + 5k, then "short line"
    assert r.n_tokens == 25_002


def test_pruning_keeps_frequent_words_and_bounds_the_table():
    rng = np.random.default_rng(0)
    frequent = [f"f{i}" for i in range(20)]
    sents = []
    for k in range(400):
        sent = list(rng.choice(frequent, 30)) + [f"rare{k}_{j}" for j in range(10)]
        sents.append(sent)
    r = scan(TokenSource(sents, sentences_per_block=20), max_vocab_size=100)
    assert len(r.words) <= 100 + 20 * 10  # bounded by the limit plus one block of new words
    assert set(frequent) <= set(r.words)
    assert r.pruned_at >= 1
    assert r.ids_path is None  # pruning invalidates provisional ids: epochs re-read the source
    counts = dict(zip(r.words, r.counts.tolist()))
    assert sum(counts[w] for w in frequent) == 400 * 30  # frequent words were never pruned


def test_vocab_file_round_trip(tmp_path):
    v = Vocab(["the", "of", "wörd"], np.array([10, 5, 5]))
    p = tmp_path / "vocab.txt"
    v.save(p)
    assert p.read_text(encoding="utf-8") == "the 10\nof 5\nwörd 5\n"
    words, counts = Vocab.read_counts(p)
    assert words == v.words and counts.tolist() == [10, 5, 5]


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"the 10\nof\n", ":2: expected 'word count'"),
    (b"the 10\nof x\n", ":2: count 'x' is not an integer"),
    (b"the 10\nthe 3\n", ":2: duplicate word 'the'"),
    (b"the 10\x00\n", "NUL byte"),
])
def test_bad_vocab_files(tmp_path, content, message):
    p = tmp_path / "v.txt"
    p.write_bytes(content)
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        Vocab.read_counts(p)
