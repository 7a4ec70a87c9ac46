"""Benchmarks: the same numbers as gensim's evaluators on the same small files, 3CosMul against
a per-question reference, numpy Spearman against scipy's, and clear errors for bad datasets."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v import evaluate
from w2v.errors import ConfigError, InputError
from w2v.vectors import KeyedVectors


def structured_vectors(seed: int = 0):
    """Words with planted analogies (pairs sharing an offset), noise words, and case variants
    whose vectors nearly equal their lower-case forms (so they compete as answers)."""
    rng = np.random.default_rng(seed)
    dim = 24
    words, vecs = [], []

    def add(word, vec):
        words.append(word)
        vecs.append(vec)

    sections = {}
    for name, tag in (("capital-land", "cap"), ("family", "fam"), ("gram1-adverb", "adv"),
                      ("gram3-comparative", "cmp")):
        offset = rng.standard_normal(dim) * 1.2
        pairs = []
        for i in range(9):
            x = rng.standard_normal(dim)
            noise = 0.5 + 0.4 * (i % 3)  # some questions right, some wrong
            add(f"{tag}x{i}", x)
            add(f"{tag}y{i}", x + offset + rng.standard_normal(dim) * noise)
            pairs.append((f"{tag}x{i}", f"{tag}y{i}"))
        sections[name] = pairs
    for i in range(60):
        add(f"noise{i}", rng.standard_normal(dim))
    # Case variants: later (rarer) rows, vectors close to the original.
    for w in ["capx0", "capy1", "famx2", "advy3", "cmpx4", "capy5"]:
        add(w.capitalize(), vecs[words.index(w)] + rng.standard_normal(dim) * 0.05)
    # A variant that comes first: its upper-case form maps to it, not to the lower-case row.
    add("FAMY7", rng.standard_normal(dim))
    add("famy7_rare", rng.standard_normal(dim))
    kv = KeyedVectors(words, np.array(vecs, dtype=np.float32))
    return kv, sections


def write_questions(path, sections, extra_lines=()):
    lines = []
    for name, pairs in sections.items():
        lines.append(f": {name}")
        for a, b in pairs:
            for c, d in pairs:
                if (a, b) != (c, d):
                    lines.append(f"{a} {b} {c} {d}")
        lines.append(f"{pairs[0][0]} {pairs[0][1]} unknownword {pairs[1][1]}")  # skipped (OOV)
    # Mixed case in the questions themselves.
    lines.append(": family-case")
    lines.append("CAPX0 capy0 Famx2 FAMY2")
    lines.append("capx1 capy1 famx7 famy7")
    lines.extend(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("eval")
    kv, sections = structured_vectors()
    questions = write_questions(tmp / "questions.txt", sections)
    kv.save(tmp / "vectors.bin")
    return kv, questions, tmp / "vectors.bin"


def gensim_kv(path):
    from gensim.models import KeyedVectors as GensimKV

    return GensimKV.load_word2vec_format(str(path), binary=True)


@pytest.mark.parametrize("restrict", [300000, 150, 60])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_analogy_numbers_equal_gensims(setup, restrict, case_insensitive):
    kv, questions, vec_path = setup
    ours = KeyedVectors.load(vec_path).evaluate_word_analogies(questions, restrict_vocab=restrict,
                                                               case_insensitive=case_insensitive)
    score, sections = gensim_kv(vec_path).evaluate_word_analogies(str(questions), restrict_vocab=restrict,
                                                                  case_insensitive=case_insensitive)
    assert ours.accuracy == pytest.approx(score, abs=1e-12)
    theirs = {s["section"]: (len(s["correct"]), len(s["incorrect"])) for s in sections}
    assert ours.total == sum(theirs["Total accuracy"])
    for sec in ours.sections:
        assert (sec.correct, sec.total - sec.correct) == theirs[sec.name], sec.name
    assert 0 < ours.correct < ours.total  # the file has both right and wrong answers
    assert ours.skipped >= 4


def test_semantic_and_syntactic_totals(setup):
    kv, questions, _ = setup
    res = kv.evaluate_word_analogies(questions, restrict_vocab=300000)
    sem = [s for s in res.sections if not s.name.startswith("gram")]
    syn = [s for s in res.sections if s.name.startswith("gram")]
    assert res.semantic == pytest.approx(sum(s.correct for s in sem) / sum(s.total for s in sem))
    assert res.syntactic == pytest.approx(sum(s.correct for s in syn) / sum(s.total for s in syn))
    d = res.to_dict()
    assert set(d) >= {"analogy", "semantic", "syntactic", "sections", "skipped"}
    assert d["sections"]["family"]["total"] == res.sections[1].total


def reference_answers(kv, questions_path, restrict, method):
    """Per question: gensim's candidate rule (top 5 without a, b, c; first whose upper-case
    form is not A, B or C), with 3CosAdd or 3CosMul scores over the first `restrict` rows."""
    r = min(restrict, len(kv))
    keys = kv.index_to_key[:r]
    ok = {}
    for i in range(r - 1, -1, -1):
        ok[keys[i].upper()] = i
    unit = kv.get_normed_vectors(limit=r).astype(np.float64)
    correct = total = 0
    for line in open(questions_path, encoding="utf-8"):
        if line.startswith(":") or not line.split():
            continue
        a, b, c, d = (w.upper() for w in line.split())
        if not all(w in ok for w in (a, b, c, d)):
            continue
        total += 1
        ia, ib, ic = ok[a], ok[b], ok[c]
        if method == "add":
            scores = unit @ (unit[ib] - unit[ia] + unit[ic])
        else:
            sim = (1 + unit @ unit[[ia, ib, ic]].T) / 2
            scores = sim[:, 1] * sim[:, 2] / (sim[:, 0] + 1e-6)
        scores[[ia, ib, ic]] = -np.inf
        guess = None
        for j in np.argsort(-scores, kind="stable")[:5]:
            guess = keys[j].upper()
            if guess not in (a, b, c):
                break
        correct += guess == d
    return correct, total


@pytest.mark.parametrize("method", ["add", "mul"])
@pytest.mark.parametrize("restrict", [300000, 100])
def test_vectorised_evaluation_matches_a_per_question_reference(setup, method, restrict):
    kv, questions, _ = setup
    res = kv.evaluate_word_analogies(questions, restrict_vocab=restrict, method=method)
    assert (res.correct, res.total) == reference_answers(kv, questions, restrict, method)


def test_chunking_and_word_batches_do_not_change_the_answer(setup, monkeypatch):
    kv, questions, _ = setup
    expected = kv.evaluate_word_analogies(questions).to_dict()
    monkeypatch.setattr(evaluate, "_CHUNK_CELLS", 500)  # a few questions at a time
    monkeypatch.setattr(evaluate, "_S_CELLS", 3000)  # few words at a time
    assert kv.evaluate_word_analogies(questions).to_dict() == expected


def test_bundled_datasets_are_the_defaults():
    from w2v.datasets import analogies_path

    words = []
    for line in open(analogies_path(), encoding="utf-8"):
        if not line.startswith(":"):
            for w in line.lower().split():
                if w not in words:
                    words.append(w)
        if len(words) > 300:
            break
    rng = np.random.default_rng(1)
    kv = KeyedVectors(words, rng.standard_normal((len(words), 8)).astype(np.float32))
    res = kv.evaluate_word_analogies()
    assert len(res.sections) == 14 and sum(s.semantic for s in res.sections) == 5
    assert res.total > 0 and res.skipped > 0 and 0 <= res.accuracy <= 1
    pairs = kv.evaluate_word_pairs()
    assert pairs.name == "wordsim353" and pairs.oov > 50


# ----------------------------------------------------------------------------- word pairs


PAIRS = """# a comment line
Word 1\tWord 2\tHuman (mean)
capx0\tcapy0\t9.5
capx1\tcapy1\t7.0
CAPX2\tcapy2\t7.0
famx0\tfamy0\t3.25
famx1\tnoise3\t1.0
famx1\tnoise3\t1.0
noise1\tnoise2\t0.5
noise4\tnoise4\t10
advx5\tadvy5\t2.0
cmpX4\tnoise9\t4.0
unknown\tcapx0\t5.0
Capx0\tnoise0\t6.0
"""


@pytest.mark.parametrize("case_insensitive", [True, False])
@pytest.mark.parametrize("restrict", [300000, 70])
def test_word_pair_numbers_equal_gensims(setup, tmp_path, case_insensitive, restrict):
    _kv, _q, vec_path = setup
    path = tmp_path / "pairs.tsv"
    path.write_text(PAIRS, encoding="utf-8")
    ours = KeyedVectors.load(vec_path).evaluate_word_pairs(path, restrict_vocab=restrict,
                                                           case_insensitive=case_insensitive)
    pearson, spearman, oov = gensim_kv(vec_path).evaluate_word_pairs(
        str(path), restrict_vocab=restrict, case_insensitive=case_insensitive)
    assert ours.spearman == pytest.approx(spearman[0], abs=1e-9)
    assert ours.pearson == pytest.approx(pearson[0], abs=1e-6)
    assert ours.oov == pytest.approx(oov, abs=1e-9)
    assert ours.name == "pairs"


@pytest.mark.filterwarnings("ignore::scipy.stats.ConstantInputWarning")
@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(-3, 3)), min_size=2, max_size=40))
def test_numpy_spearman_equals_scipys_with_ties(values):
    from scipy import stats

    x = np.array([v[0] for v in values], dtype=float)
    y = np.array([v[1] for v in values], dtype=float) / 2
    np.testing.assert_array_equal(evaluate.rankdata(x), stats.rankdata(x))
    ours = evaluate.spearman(x, y)
    theirs = stats.spearmanr(x, y).statistic
    if math.isnan(theirs):
        assert math.isnan(ours)
    else:
        assert ours == pytest.approx(theirs, abs=1e-12)
        assert evaluate.pearson(x, y) == pytest.approx(stats.pearsonr(x, y).statistic, abs=1e-12)


def test_no_known_pair_gives_nan_not_a_crash(setup, tmp_path):
    kv, _q, _ = setup
    path = tmp_path / "p.txt"
    path.write_text("zz\tyy\t1\n", encoding="utf-8")
    res = kv.evaluate_word_pairs(path)
    assert math.isnan(res.spearman) and res.oov == 100.0 and res.to_dict()["spearman"] is None


# ----------------------------------------------------------------------------- bad datasets


@pytest.mark.parametrize("text, pattern", [
    ("a b c d\n: sec\n", r"q.txt:1: question before the first ': section' header"),
    (": sec\na b c\n", r"q.txt:2: expected 4 words"),
    (": sec\na b c d\na b c d e\n", r"q.txt:3: expected 4 words"),
    (":sec\n", r"q.txt:1: a section header is ': name'"),
    ("", r"no ': section' header"),
])
def test_malformed_analogy_file(setup, tmp_path, text, pattern):
    kv, _q, _ = setup
    path = tmp_path / "q.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=pattern):
        kv.evaluate_word_analogies(path)


@pytest.mark.parametrize("text, pattern", [
    ("a\tb\t1\nc\td\n", r"p.txt:2: expected 3 fields"),
    ("a\tb\t1\nc\td\tlots\n", r"p.txt:2: score 'lots' is not a number"),
    ("a b c d\n", r"p.txt:1: expected 3 fields"),
])
def test_malformed_pairs_file(setup, tmp_path, text, pattern):
    kv, _q, _ = setup
    path = tmp_path / "p.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=pattern):
        kv.evaluate_word_pairs(path)


def test_other_bad_inputs(setup, tmp_path):
    kv, questions, _ = setup
    with pytest.raises(InputError, match="no such file"):
        kv.evaluate_word_analogies(tmp_path / "missing.txt")
    with pytest.raises(ConfigError):
        kv.evaluate_word_analogies(questions, method="sub")
    with pytest.raises(ConfigError):
        kv.evaluate_word_analogies(questions, restrict_vocab=0)
    (tmp_path / "latin1.txt").write_bytes(b": s\ncaf\xe9 a b c\n")
    with pytest.raises(InputError, match=r"latin1.txt:2: not valid UTF-8"):
        kv.evaluate_word_analogies(tmp_path / "latin1.txt")
    (tmp_path / "spaces.txt").write_text("capx0 capy0 3\n", encoding="utf-8")
    assert kv.evaluate_word_pairs(tmp_path / "spaces.txt").pairs == 1  # whitespace also works
