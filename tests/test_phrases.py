"""Phrases: scores against hand-computed values, joining rules, passes, the model file, pruning,
the command line, and byte-for-byte agreement with the original word2phrase where it is present."""

import gzip
import json
import math
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import main_status, run_w2v
from hypothesis import given, settings, strategies as st

from w2v.corpus import TextSource, TokenSource
from w2v.errors import ConfigError, InputError
from w2v.phrases import Phrases

WORD2PHRASE = Path("/work/peers/bin/word2phrase")

# Counts: new 4, york 4, is 3, big 2, old 2, i/love/cars/are 1; N = 19 words.
# Pairs: new york 3, york is 3, is old 2, the rest once.
TINY = ["new york is big", "new york is old", "i love new york", "new cars are big", "york is old"]
TINY_TOKENS = [s.split() for s in TINY]


def read_lines(path) -> list[str]:
    return Path(path).read_text().split("\n")


# ---------------------------------------------------------------------------------------------
# scores


def test_word2phrase_scores_by_hand():
    ph = Phrases(TINY_TOKENS, min_count=2, threshold=1.0)
    assert ph.passes[0].n_words == 19
    # (count(ab) - min_count) / count(a) / count(b) * N
    assert ph.score(["new", "york"]) == pytest.approx((3 - 2) / 4 / 4 * 19)  # 1.1875
    assert ph.score(["york", "is"]) == pytest.approx((3 - 2) / 4 / 3 * 19, rel=1e-6)  # 1.58333
    assert ph.score(["is", "old"]) == 0.0  # count(ab) == min_count
    assert ph.score(["is", "big"]) == 0.0  # pair seen once < min_count
    assert ph.score(["love", "new"]) == 0.0  # 'love' seen once < min_count
    assert ph.score(["big", "new"]) == 0.0  # never adjacent
    assert set(ph.passes[0].phrases) == {("new", "york"), ("york", "is")}
    assert ph.passes[0].phrases[("new", "york")] == pytest.approx(1.1875)
    # float32, as word2phrase computes it
    assert ph.passes[0].phrases[("york", "is")] == float(np.float32(0.25) / np.float32(3) * np.float32(19))


def test_word2phrase_threshold_is_strict_and_defaults_to_100():
    assert Phrases(TINY_TOKENS, min_count=2).threshold == 100
    ph = Phrases(TINY_TOKENS, min_count=2, threshold=1.1875)
    assert set(ph.passes[0].phrases) == {("york", "is")}


def test_npmi_scores_by_hand():
    ph = Phrases(TINY_TOKENS, min_count=2, scoring="npmi")
    assert ph.threshold == 0.5
    # ln(p(ab) / (p(a) p(b))) / -ln(p(ab)), p = count / 19
    assert ph.score(["new", "york"]) == pytest.approx(math.log(3 * 19 / (4 * 4)) / math.log(19 / 3))  # 0.68829
    assert ph.score(["york", "is"]) == pytest.approx(math.log(3 * 19 / (4 * 3)) / math.log(19 / 3))  # 0.84414
    assert ph.score(["is", "old"]) == pytest.approx(math.log(2 * 19 / (3 * 2)) / math.log(19 / 2))  # 0.81990
    assert ph.score(["is", "big"]) == -1.0  # under min_count
    assert set(ph.passes[0].phrases) == {("new", "york"), ("york", "is"), ("is", "old")}
    assert all(-1 <= s <= 1 for s in ph.passes[0].phrases.values())


def test_joining_left_to_right_on_the_tiny_corpus():
    ph = Phrases(TINY_TOKENS, min_count=2, threshold=1.0)
    assert [ph[s] for s in TINY_TOKENS] == [
        ["new_york", "is", "big"], ["new_york", "is", "old"], ["i", "love", "new_york"],
        ["new", "cars", "are", "big"], ["york_is", "old"],
    ]
    assert ph[TINY_TOKENS] == [ph[s] for s in TINY_TOKENS]
    assert ph[[]] == []


# ---------------------------------------------------------------------------------------------
# joining rules


def _cross_line_corpus() -> list[str]:
    lines = []
    for i in range(10):
        lines += [f"a{i} b{i} x", f"y c{i} d{i}"]
    return lines + ["q x y r", "", "z x z y"]


def test_a_phrase_never_crosses_a_line(tmp_path):
    src = tmp_path / "c.txt"
    src.write_text("\n".join(_cross_line_corpus()) + "\n")
    # within lines, (x, y) is seen once: no phrase
    ph = Phrases(src, min_count=5, threshold=1.0, keep_corpus=True)
    assert ("x", "y") not in ph.passes[0].phrases
    # word2phrase's counting adds the ten x|y line ends: the pair forms, but joins stay in lines
    phx = Phrases(src, min_count=5, threshold=1.0, cross_line_pairs=True, keep_corpus=True)
    assert ("x", "y") in phx.passes[0].phrases
    out = tmp_path / "o.txt"
    phx.write(None, out, plain=True)
    lines = read_lines(out)
    assert lines[:-1] == [ln if ln != "q x y r" else "q x_y r" for ln in _cross_line_corpus()]
    assert lines[-1] == ""  # one output line per input line


def test_a_joined_pair_does_not_join_again_in_the_same_pass():
    sents = [["a", "b", "c"]] * 10 + [["c", "d"]] * 10
    ph = Phrases(sents, min_count=1, threshold=1.0)
    assert {("a", "b"), ("b", "c"), ("c", "d")} <= set(ph.passes[0].phrases)
    assert ph[["a", "b", "c"]] == ["a_b", "c"]
    assert ph[["a", "b", "c", "d"]] == ["a_b", "c_d"]
    assert ph[["b", "c", "d"]] == ["b_c", "d"]
    assert ph[["x", "a", "b", "c", "b", "c"]] == ["x", "a_b", "c", "b_c"]


CONNECTORS = ("of", "the", "and")


def test_connector_words_sit_inside_phrases():
    sents = [["bank", "of", "america", "is", "big"]] * 20 + [["the", "bank", "and", "the", "river"]] * 3
    ph = Phrases(sents, min_count=2, threshold=1.0, connector_words=CONNECTORS)
    assert ("bank", "of", "america") in ph.passes[0].phrases
    assert ph[["the", "bank", "of", "america"]] == ["the", "bank_of_america"]
    assert ph.score(["bank", "of", "america"]) > 1
    assert ph.score(["of", "america"]) == 0.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["w0", "w1", "w2", "w3", "of", "the", "and"]), max_size=12),
                min_size=1, max_size=30),
       st.integers(1, 2))
def test_connector_words_never_at_an_edge(sents, passes):
    ph = Phrases(sents, min_count=1, scoring="npmi", threshold_schedule=[-0.99] * passes,
                 connector_words=CONNECTORS)
    for s in sents:
        out = ph[s]
        assert [p for t in out for p in t.split("_")] == s  # nothing lost, nothing reordered
        for t in out:
            parts = t.split("_")
            if len(parts) > 1:
                assert parts[0] not in CONNECTORS and parts[-1] not in CONNECTORS


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(list("abcde")), max_size=10), min_size=1, max_size=30))
def test_one_pass_joins_at_most_pairs_and_loses_nothing(sents):
    ph = Phrases(sents, min_count=1, threshold=0.0)
    formed = set(ph.passes[0].phrases)
    for s in sents:
        out = ph[s]
        assert [p for t in out for p in t.split("_")] == s
        for t in out:
            parts = tuple(t.split("_"))
            assert len(parts) <= 2 and (len(parts) == 1 or parts in formed)


def test_counts_match_a_python_count():
    rng = random.Random(3)
    sents = [[f"w{int(rng.paretovariate(1.2)) % 40}" for _ in range(rng.randint(0, 15))] for _ in range(300)]
    ph = Phrases(sents, min_count=1, threshold=1e9)
    words = Counter(w for s in sents for w in s)
    pairs = Counter((a, b) for s in sents for a, b in zip(s, s[1:]))
    p = ph.passes[0]
    assert dict(zip(p.words, p.word_counts.tolist())) == dict(words)
    got = {(p.words[a], p.words[b]): c for a, b, c in zip(p.pair_left, p.pair_right, p.pair_count)}
    assert got == dict(pairs)
    assert p.n_words == sum(words.values()) and p.pair_types == len(pairs)


# ---------------------------------------------------------------------------------------------
# passes


def _three_word_corpus(seed=0) -> list[list[str]]:
    rng = random.Random(seed)
    filler = [f"f{i}" for i in range(300)]
    sents = []
    for i in range(1500):
        s = rng.sample(filler, 8)
        if i % 3 == 0:
            s[3:3] = ["new", "york", "city"]
        elif i % 7 == 0:
            s[2:2] = ["new", "york"]
        sents.append(s)
    return sents


def test_three_word_phrases_after_two_passes():
    sents = _three_word_corpus()
    one = Phrases(sents, threshold=20, passes=1)
    two = Phrases(sents, threshold=20, passes=2)
    assert two.threshold_schedule == [20, 10]
    assert one.passes[0].phrases.keys() == two.passes[0].phrases.keys()
    assert "new_york_city" not in {t for s in sents for t in one[s]}
    assert ("new_york", "city") in two.passes[1].phrases
    assert "new_york_city" in {t for s in sents for t in two[s]}
    assert two[["a", "new", "york", "city", "b"]] == ["a", "new_york_city", "b"]


def test_threshold_schedule_is_settable_and_checked():
    assert Phrases(passes=3).threshold_schedule == [100, 50, 25]
    assert Phrases(passes=3, scoring="npmi", threshold=0.6).threshold_schedule == [0.6, 0.5, 0.4]
    assert Phrases(threshold_schedule=[200, 100]).threshold_schedule == [200, 100]
    with pytest.raises(ConfigError):
        Phrases(passes=3, threshold_schedule=[200, 100])
    with pytest.raises(ConfigError):
        Phrases(scoring="pmi")
    with pytest.raises(ConfigError):
        Phrases(scoring="npmi", threshold=2)
    with pytest.raises(ConfigError):
        Phrases(delimiter=" ")
    with pytest.raises(ConfigError):
        Phrases(connector_words="of the")
    with pytest.raises(ConfigError):
        Phrases(min_count=0)


# ---------------------------------------------------------------------------------------------
# the model file


def _write_corpus(path: Path, sents) -> None:
    path.write_text("".join(" ".join(s) + "\n" for s in sents))


def test_save_load_apply_reproduces_the_learning_run(tmp_path):
    sents = _three_word_corpus(1)
    for s in sents[::11]:
        s[1:1] = ["bank", "of", "america"]
    src = tmp_path / "c.txt"
    _write_corpus(src, sents)
    ph = Phrases(src, threshold=20, passes=2, connector_words=CONNECTORS, keep_corpus=True)
    assert ("bank", "of", "america") in ph.passes[0].phrases
    learned = tmp_path / "learned.txt"
    ph.write(None, learned)
    expected = learned.read_bytes()

    full, frozen = tmp_path / "full.json", tmp_path / "frozen.json"
    ph.save(full)
    ph.freeze().save(frozen)
    assert frozen.stat().st_size < full.stat().st_size
    doc = json.loads(frozen.read_text())
    assert doc["format"] == "w2v-phrases" and doc["frozen"] and len(doc["passes"]) == 2
    for path in (full, frozen):
        loaded = Phrases.load(path)
        assert loaded.threshold_schedule == ph.threshold_schedule
        assert [p.phrases for p in loaded.passes] == [p.phrases for p in ph.passes]
        out = tmp_path / f"applied-{path.stem}.txt"
        loaded.write(src, out)
        assert out.read_bytes() == expected
        # one sentence at a time, and as a corpus source, the same tokens
        lines = [ln.split() for ln in expected.decode().split("\n")[:-1]]
        assert [loaded[s] for s in sents] == lines
        blocks = list(loaded.transform(TokenSource(sents)).blocks())
        toks = [t for b in blocks for t in b.tokens]
        assert toks == [t for ln in lines for t in ln]
        assert sum(int(b.lengths.sum()) for b in blocks) == len(toks)
    assert Phrases.load(full).score(["new", "york"]) == ph.score(["new", "york"])
    with pytest.raises(ConfigError):
        Phrases.load(frozen).score(["new", "york"])
    # the replayed learning corpus gives the same tokens as re-reading it
    replay = [t for b in ph.transform().blocks() for t in b.tokens]
    reread = [t for b in ph.transform(TextSource(src)).blocks() for t in b.tokens]
    assert replay == reread == [t for ln in lines for t in ln]


def test_text_source_learning_and_replay(tmp_path):
    src = tmp_path / "c.txt"
    sents = _three_word_corpus(4)
    _write_corpus(src, sents)
    by_path = Phrases(src, threshold=20, passes=2)
    source = TextSource(src)
    ph = Phrases(source, threshold=20, passes=2, keep_corpus=True)
    assert [p.phrases for p in ph.passes] == [p.phrases for p in by_path.passes]
    replayed = ph.transform(source)  # the same object: replayed from the kept ids
    assert replayed.restartable and replayed.paths == [str(src)]
    once = [(b.tokens, b.lengths.tolist()) for b in replayed.blocks()]
    assert once == [(b.tokens, b.lengths.tolist()) for b in replayed.blocks()]
    fresh = [t for b in by_path.transform(TextSource(src)).blocks() for t in b.tokens]
    assert [t for toks, _ in once for t in toks] == fresh
    assert sum(sum(lens) for _, lens in once) == len(fresh)


def test_empty_corpus(tmp_path):
    src = tmp_path / "empty.txt"
    src.write_text("")
    ph = Phrases(src, passes=2, keep_corpus=True)
    assert [p.phrases for p in ph.passes] == [{}, {}]
    out = tmp_path / "o.txt"
    assert ph.write(None, out) == 0 and out.read_text() == ""
    assert list(ph.transform().blocks()) == []


def test_load_rejects_what_is_not_a_model(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{\"format\": \"something else\"}")
    with pytest.raises(InputError):
        Phrases.load(bad)
    bad.write_text("not json")
    with pytest.raises(InputError):
        Phrases.load(bad)
    with pytest.raises(InputError):
        Phrases.load(tmp_path / "missing.json")


# ---------------------------------------------------------------------------------------------
# bounded memory


def test_pruning_bounds_the_table_and_keeps_the_frequent_pairs():
    rng = random.Random(5)
    sents = []
    for i in range(400):
        s = [f"r{rng.randrange(10**6)}" for _ in range(6)]
        s[2:2] = ["alpha", "beta"]
        if i % 2:
            s[5:5] = ["gamma", "delta"]
        sents.append(s)
    full = Phrases(sents, min_count=5, threshold=1.0)
    small = Phrases(sents, min_count=5, threshold=1.0, max_vocab_size=200)
    p = small.passes[0]
    assert full.passes[0].pair_types > 2000 and full.passes[0].min_reduce == 0
    assert p.pair_types <= 200 and p.min_reduce >= 1
    assert p.phrase_counts[("alpha", "beta")] == 400
    assert p.phrase_counts[("gamma", "delta")] == 200
    assert set(p.phrases) == set(full.passes[0].phrases)


def test_the_word_table_is_bounded_and_pruned_words_are_written_as_they_were(tmp_path):
    # 300k words seen once, "new york" 3,000 times; "gamma" once at the start (pruned with the
    # singletons) and 50 times at the end; with 10,000 entries at most the word table is pruned
    lines = ["gamma " + " ".join(f"s{i}" for i in range(9))]
    for i in range(9, 300_000, 100):
        lines.append(" ".join(f"s{j}" for j in range(i, i + 100)) + (" new york" if i % 1000 == 9 else ""))
        lines.append("new york " + " ".join(f"t{i}_{j}" for j in range(3)) + " new york")
    lines += [f"gamma u{i}" for i in range(50)]
    src = tmp_path / "c.txt"
    src.write_text("\n".join(lines) + "\n")
    n_ny = sum(line.count("new york") for line in lines)
    expected = "".join(" " + line.replace("new york", "new_york") + "\n" for line in lines)

    ph = Phrases(src, min_count=5, threshold=1.0, max_vocab_size=10_000, passes=2, keep_corpus=True)
    learner = ph._learner
    assert len(learner.vocab) <= 10_000 and learner.word_min_reduce >= 1
    assert len(learner.vocab.words) > 300_000  # ids are never reused
    p = ph.passes[0]
    assert p.phrase_counts[("new", "york")] == n_ny
    counts = dict(zip(p.words, p.word_counts.tolist()))
    assert counts["new"] == counts["york"] == n_ny
    assert counts["gamma"] == 50  # counted from its return, as word2phrase does
    assert not any(w.startswith("s") for w in p.words)  # singletons: pruned, no count, no phrase
    # in the second pass the cached corpus is counted again: gamma's first occurrence is back
    counts2 = dict(zip(ph.passes[1].words, ph.passes[1].word_counts.tolist()))
    assert counts2["gamma"] == 51 and counts2["new_york"] == n_ny
    assert set(ph.export_phrases()) == {"new_york"}
    # every word comes out as itself: from the cached ids, from the text, through transform()
    out, out2 = tmp_path / "o.txt", tmp_path / "o2.txt"
    ph.write(None, out)
    assert out.read_text() == expected
    ph.write(src, out2)
    assert out2.read_text() == expected
    replay = [t for b in ph.transform().blocks() for t in b.tokens]
    assert replay == expected.split()

    # with one pass and no cached corpus nothing is kept of the pruned words
    one = Phrases(src, min_count=5, threshold=1.0, max_vocab_size=10_000)
    assert one.passes[0].phrase_counts == {("new", "york"): n_ny}
    one.write(src, out2)
    assert out2.read_text() == expected
    # no pruning: the word table is as before
    full = Phrases(src, min_count=5, threshold=1.0, passes=2, keep_corpus=True)
    assert full._learner.word_min_reduce == 0 and full._learner.pruned is None
    assert len(full._learner.vocab) > 300_000
    assert full.export_phrases().keys() == ph.export_phrases().keys()


_PEAK_RSS = """
import resource, sys
from w2v.phrases import Phrases
src, out, keep, limit = sys.argv[1], sys.argv[2], sys.argv[3] == "1", int(sys.argv[4])
Phrases([["new", "york"]] * 20, min_count=1, threshold=1, keep_corpus=True).write(None, out)  # load the kernels
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
ph = Phrases(src, min_count=5, threshold=1.0, max_vocab_size=limit, keep_corpus=keep)
ph.write(None if keep else src, out)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((peak - base) // 1024, ph.passes[0].phrase_counts[("new", "york")])
"""


@pytest.mark.parametrize("keep, limit_mb", [(False, 200), (True, 250)])
def test_peak_memory_is_bounded_on_two_million_distinct_words(tmp_path, keep, limit_mb):
    # measured (2M distinct words, 18 MB): 86 MB (keep_corpus=False) and 168 MB (keep_corpus=True,
    # as the command line runs); with the word table unbounded (before) 304 MB and 324 MB
    src = tmp_path / "c.txt"
    with open(src, "w") as fh:
        for i in range(0, 2_000_000, 10):
            fh.write(" ".join(f"w{j}" for j in range(i, i + 10)) + " new york\n")
    r = subprocess.run([sys.executable, "-c", _PEAK_RSS, str(src), str(tmp_path / "o.txt"), str(int(keep)), "50000"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    growth_mb, n_ny = map(int, r.stdout.split())
    assert n_ny == 200_000
    assert growth_mb < limit_mb
    with open(tmp_path / "o.txt") as fh:
        assert fh.readline() == " w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 new_york\n"


# ---------------------------------------------------------------------------------------------
# reading and writing text as word2phrase does


def test_write_keeps_lines_and_uses_word2phrase_layout(tmp_path):
    src = tmp_path / "c.txt"
    body = "new york is big\n\n  new\tyork  is\r\nold \nnew york"  # no final newline
    src.write_bytes(body.encode())
    ph = Phrases([["new", "york"]] * 5, min_count=1, threshold=0.5)
    out = tmp_path / "o.txt"
    assert ph.write(src, out) == 5
    assert out.read_text() == " new_york is big\n\n new_york is\n old\n new_york\n"
    ph.write(src, out, plain=True)
    assert out.read_text() == "new_york is big\n\nnew_york is\nold\nnew_york\n"


def test_unusual_whitespace_and_bytes_survive(tmp_path):
    src = tmp_path / "c.txt"
    src.write_bytes(b"a\xc2\xa0b c\x0bd new york caf\xc3\xa9 \xff\xfe\n")
    ph = Phrases([["new", "york"]] * 5, min_count=1, threshold=0.5)
    out = tmp_path / "o.txt"
    ph.write(src, out)
    assert out.read_bytes() == b" a\xc2\xa0b c\x0bd new_york caf\xc3\xa9 \xff\xfe\n"


def test_nul_bytes_are_an_input_error(tmp_path):
    src = tmp_path / "c.bin"
    src.write_bytes(b"new york\nabc\x00def\n")
    with pytest.raises(InputError, match=r"c.bin: NUL byte at byte 12 \(line 2\)"):
        Phrases(src)


# ---------------------------------------------------------------------------------------------
# command line


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    d = tmp_path_factory.mktemp("phr")
    src = d / "c.txt"
    _write_corpus(src, _three_word_corpus(2))
    return src


def test_cli_learns_writes_saves_and_applies(corpus_file, tmp_path, capsys):
    out, model = tmp_path / "o.txt", tmp_path / "m.json"
    assert main_status("phrases", corpus_file, "-o", out, "--threshold", 20, "--passes", 2, "--save-model", model) == 0
    err = capsys.readouterr().err
    assert "pass 1: threshold 20" in err and "pass 2: threshold 10" in err and "new_york_city" in err
    assert "e.g." in err and "wrote" in err
    assert len(read_lines(out)) == len(read_lines(corpus_file))
    assert "new_york_city" in out.read_text()
    gz = tmp_path / "c.txt.gz"
    gz.write_bytes(gzip.compress(corpus_file.read_bytes()))
    again = tmp_path / "again.txt"
    assert main_status("phrases", gz, "-o", again, "--model", model, "-q") == 0
    assert again.read_bytes() == out.read_bytes()
    assert capsys.readouterr().err == ""


def test_cli_schedule_connectors_and_npmi(corpus_file, tmp_path, capsys):
    conn = tmp_path / "conn.txt"
    conn.write_text("of the\nand\n")
    out = tmp_path / "o.txt"
    assert main_status("phrases", corpus_file, "-o", out, "--scoring", "npmi", "--threshold-schedule", "0.6,0.4",
               "--connectors", conn, "--plain") == 0
    err = capsys.readouterr().err
    assert "threshold 0.6" in err and "threshold 0.4" in err
    assert not out.read_text().startswith(" ")


def test_cli_errors_are_one_line(tmp_path, capsys):
    out = tmp_path / "o.txt"
    assert main_status("phrases", tmp_path / "missing.txt", "-o", out) == 2
    assert "no such file" in capsys.readouterr().err
    assert main_status("phrases", tmp_path, "-o", out, "--scoring", "pmi") == 2
    assert not out.exists()
    f = tmp_path / "x.txt"
    f.write_text("a b\n")
    assert main_status("phrases", f, "-o", out, "--connectors", tmp_path / "nope.txt") == 2
    assert "connector" in capsys.readouterr().err
    assert not out.exists()


def test_a_corrupt_gz_among_the_inputs_fails_as_in_training(tmp_path, capsys):
    text = ("new york is big\n" * 500).encode()
    (tmp_path / "a.txt").write_bytes(text)
    (tmp_path / "c.txt").write_bytes(text)
    blob = bytearray(gzip.compress(text))
    blob[10] = 0x07  # the first deflate block: final, of the reserved type 3 (zlib.error)
    (tmp_path / "b.gz").write_bytes(bytes(blob))
    inputs = [tmp_path / n for n in ("a.txt", "b.gz", "c.txt")]
    errors = []
    for command in (["phrases", *inputs, "-o", tmp_path / "p.txt"], ["train", *inputs, "-o", tmp_path / "v.txt"]):
        assert main_status(*command, "-q") == 2
        errors.append(capsys.readouterr().err)
    assert errors[0] == errors[1]
    assert errors[0].startswith(f"error: {tmp_path / 'b.gz'}: corrupt or truncated compressed data")
    assert errors[0].count("\n") == 1
    assert not (tmp_path / "p.txt").exists() and not (tmp_path / "v.txt").exists()


def test_cli_reads_stdin(corpus_file, tmp_path):
    out = tmp_path / "o.txt"
    r = run_w2v("phrases", "-", "-o", out, "--threshold", 20, "-q", stdin=corpus_file.read_bytes())
    assert r.returncode == 0, r.stderr.decode()
    ref = tmp_path / "ref.txt"
    Phrases(corpus_file, threshold=20).write(corpus_file, ref)
    assert out.read_bytes() == ref.read_bytes()


# ---------------------------------------------------------------------------------------------
# the original word2phrase


@pytest.mark.skipif(not (WORD2PHRASE.is_file() and os.access(WORD2PHRASE, os.X_OK)), reason="word2phrase not present")
def test_byte_identical_to_word2phrase(tmp_path):
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(400)]
    weights = [1 / (i + 1) for i in range(400)]
    lines = []
    for _ in range(4000):
        n = rng.randint(0, 14)
        s = rng.choices(vocab, weights, k=n)
        if n > 4 and rng.random() < 0.3:
            k = rng.randrange(n - 2)
            s[k: k + 2] = rng.choice([["new", "york"], ["united", "states"], ["w3", "w7"]])
        lines.append(" ".join(s))
    src, ref = tmp_path / "c.txt", tmp_path / "ref.txt"
    src.write_text("\n".join(lines) + "\n")
    # (word2phrase keeps file names in 60-byte buffers: run it on short relative names)
    subprocess.run([str(WORD2PHRASE), "-train", "c.txt", "-output", "ref.txt", "-min-count", "5",
                    "-threshold", "20", "-debug", "0"], check=True, capture_output=True, timeout=120, cwd=tmp_path)
    # word2phrase also counts each line's last word with the next line's first: with that
    # counting the output is identical byte for byte
    compat = tmp_path / "compat.txt"
    Phrases(src, min_count=5, threshold=20, cross_line_pairs=True).write(src, compat)
    assert compat.read_bytes() == ref.read_bytes()
    # within-line counting (the default) can only lose phrases that needed those extra counts
    ours = tmp_path / "ours.txt"
    Phrases(src, min_count=5, threshold=20).write(src, ours)
    a, b = read_lines(ours), read_lines(ref)
    assert len(a) == len(b)
    assert sum(x == y for x, y in zip(a, b)) / len(a) > 0.9
