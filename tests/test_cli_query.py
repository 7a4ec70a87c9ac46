"""`w2v similar`, `analogy`, `eval`, `convert`, `info`, run in-process (and once as a real process
to check what `w2v eval` imports)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import main_output

from w2v.vectors import KeyedVectors


@pytest.fixture(scope="module")
def vectors(tmp_path_factory):
    """Vectors for words of the bundled datasets (so the default benchmarks have something to
    score), plus a planted analogy man:king::woman:queen."""
    from w2v.datasets import analogies_path, wordsim353_path

    words = ["man", "king", "woman", "queen"]
    for path in (analogies_path(), wordsim353_path()):
        for line in open(path, encoding="utf-8"):
            if line.startswith((":", "#")):
                continue
            for w in line.lower().split()[:4]:
                if w.isalpha() and w not in words:
                    words.append(w)
            if len(words) > 600:
                break
    rng = np.random.default_rng(5)
    vecs = rng.standard_normal((len(words), 20)).astype(np.float32)
    vecs[3] = vecs[1] - vecs[0] + vecs[2]
    path = tmp_path_factory.mktemp("cli") / "vectors.bin"
    KeyedVectors(words, vecs).save(path)
    return path


def test_similar_json_equals_most_similar(vectors, capsys):
    code, out, _ = main_output(capsys, "similar", vectors, "king", "woman", "-n", "5", "--json")
    assert code == 0
    got = json.loads(out)
    kv = KeyedVectors.load(vectors)
    for w in ("king", "woman"):
        assert [n for n, _ in got[w]] == [n for n, _ in kv.most_similar(w, topn=5)]


def test_similar_table(vectors, capsys):
    code, out, _ = main_output(capsys, "similar", vectors, "queen", "-n", "3")
    assert code == 0
    kv = KeyedVectors.load(vectors)
    assert "nearest to queen" in out
    for word, score in kv.most_similar("queen", topn=3):
        assert word in out and f"{score:.4f}" in out


def test_similar_unknown_word_is_an_error(vectors, capsys):
    code, _out, err = main_output(capsys, "similar", vectors, "king", "zzzz")
    assert code == 2 and "error:" in err and "zzzz" in err


def test_similar_interactive_until_exit(vectors, capsys):
    code, out, _ = main_output(capsys, "similar", vectors, "--json", "-n", "2",
                               stdin="king\nnotaword\n\nking woman\nEXIT\nqueen\n")
    assert code == 0
    lines = out.splitlines()
    assert lines[1] == "Out of dictionary word: notaword"
    answers = [json.loads(x) for x in lines if x.startswith("{")]
    assert [list(a) for a in answers] == [["king"], ["king woman"]]  # nothing after EXIT
    kv = KeyedVectors.load(vectors)
    assert answers[1]["king woman"] == [list(x) for x in kv.most_similar(["king", "woman"], topn=2)]


def test_analogy_finds_the_planted_answer(vectors, capsys):
    code, out, _ = main_output(capsys, "analogy", vectors, "man", "king", "woman", "-n", "1", "--json")
    assert code == 0 and json.loads(out)[0][0] == "queen"
    code, out, _ = main_output(capsys, "analogy", vectors, "man", "king", "woman", "--method", "mul")
    assert code == 0 and "queen" in out
    code, out, _ = main_output(capsys, "analogy", vectors, "-n", "1", stdin="man king woman\nman king\n")
    assert code == 0 and "queen" in out and "Only three words" in out
    code, _out, err = main_output(capsys, "analogy", vectors, "man", "king")
    assert code == 2 and "three words" in err


def test_eval_json_keys_and_numbers(vectors, capsys):
    code, out, _ = main_output(capsys, "eval", vectors, "--json")
    assert code == 0
    res = json.loads(out)
    assert {"analogy", "semantic", "syntactic", "sections", "wordsim353", "simlex999"} <= set(res)
    for name in ("wordsim353", "simlex999"):
        assert {"spearman", "pearson", "oov"} <= set(res[name])
    kv = KeyedVectors.load(vectors)
    assert res["analogy"] == kv.evaluate_word_analogies().accuracy
    assert res["wordsim353"]["spearman"] == pytest.approx(kv.evaluate_word_pairs().spearman)
    assert len(res["sections"]) == 14


def test_eval_with_own_files_and_table(vectors, tmp_path, capsys):
    (tmp_path / "q.txt").write_text(": royal\nman king woman queen\nking man queen woman\n", encoding="utf-8")
    (tmp_path / "mine.tsv").write_text("king\tqueen\t9\nman\twoman\t8\nking\twoman\t3\n", encoding="utf-8")
    code, out, _ = main_output(capsys, "eval", vectors, "--analogies", tmp_path / "q.txt", "--similarity",
                               tmp_path / "mine.tsv", "--json", "--restrict", "1000", "--method", "mul")
    assert code == 0
    res = json.loads(out)
    assert res["answered"] == 2 and res["correct"] >= 1 and set(res["sections"]) == {"royal"} and "mine" in res
    assert res["method"] == "mul" and res["restrict_vocab"] == 1000
    assert "wordsim353" not in res
    code, out, _ = main_output(capsys, "eval", vectors, "--analogies", tmp_path / "q.txt")
    assert code == 0 and "royal" in out and "wordsim353" in out and "simlex999" in out


def test_eval_errors(vectors, tmp_path, capsys):
    code, _o, err = main_output(capsys, "eval", tmp_path / "missing.bin")
    assert code == 2 and "missing.bin" in err
    (tmp_path / "bad.txt").write_text(": s\na b c\n", encoding="utf-8")
    code, _o, err = main_output(capsys, "eval", vectors, "--analogies", tmp_path / "bad.txt")
    assert code == 2 and "bad.txt:2" in err
    code, _o, err = main_output(capsys, "eval", vectors, "--method", "div")
    assert code == 2 and "--method" in err


@pytest.mark.parametrize("out_name", ["v.txt", "v.vec.gz", "v.bin", "folder"])
def test_convert_and_info(vectors, tmp_path, capsys, out_name):
    dest = tmp_path / out_name
    code, _out, err = main_output(capsys, "convert", vectors, dest)
    assert code == 0 and "wrote" in err
    a, b = KeyedVectors.load(vectors), KeyedVectors.load(dest)
    assert a.index_to_key == b.index_to_key and a.vectors.tobytes() == b.vectors.tobytes()
    code, out, _ = main_output(capsys, "info", dest, "--json")
    info = json.loads(out)
    assert code == 0 and info["count"] == len(a) and info["dim"] == 20 and info["words"][:2] == ["man", "king"]
    code, out, _ = main_output(capsys, "info", dest)
    assert code == 0 and "dimension" in out and "man king" in out


def test_convert_refuses_same_path_and_bad_input(vectors, tmp_path, capsys):
    code, _o, err = main_output(capsys, "convert", vectors, vectors)
    assert code == 2 and "same path" in err
    (tmp_path / "junk.txt").write_text("not vectors at all\n")
    code, _o, err = main_output(capsys, "convert", tmp_path / "junk.txt", tmp_path / "o.bin")
    assert code == 2 and "bad header" in err and not (tmp_path / "o.bin").exists()


def test_convert_to_glove_and_projector_and_back(vectors, tmp_path, capsys):
    a = KeyedVectors.load(vectors)
    code, _o, err = main_output(capsys, *["convert", vectors, tmp_path / "glove.txt", "--to", "glove"])
    assert code == 0 and "(glove)" in err
    text = (tmp_path / "glove.txt").read_text(encoding="utf-8")
    assert text.split("\n")[0].split()[0] == "man" and len(text.split("\n")[0].split()) == 21  # no header
    code, out, _ = main_output(capsys, *["info", tmp_path / "glove.txt", "--json"])  # read back by content
    assert code == 0 and json.loads(out)["format"] == "glove" and json.loads(out)["count"] == len(a)
    code, _o, err = main_output(capsys, *["convert", tmp_path / "glove.txt", tmp_path / "again.bin"])
    back = KeyedVectors.load(tmp_path / "again.bin")
    assert code == 0 and back.index_to_key == a.index_to_key
    np.testing.assert_allclose(back.vectors, a.vectors, rtol=1e-6)
    for dest, pair in ((tmp_path / "p" / "vectors.tsv", tmp_path / "p"), (tmp_path / "q", tmp_path / "q")):
        args = ["convert", vectors, dest] + ([] if str(dest).endswith(".tsv") else ["--to", "projector"])
        code, _o, err = main_output(capsys, *args)
        assert code == 0 and "metadata.tsv" in err
        words = (pair / "metadata.tsv").read_text(encoding="utf-8").split("\n")
        rows = np.loadtxt(pair / "vectors.tsv", delimiter="\t", dtype=np.float32)
        assert words[:-1] == a.index_to_key and rows.shape == a.vectors.shape
        np.testing.assert_array_equal(rows, a.vectors)
    code, _o, err = main_output(capsys, *["convert", vectors, tmp_path / "x", "--to", "bogus"])
    assert code == 2 and "--to must be one of" in err
    code, _o, err = main_output(capsys, *["convert", vectors, tmp_path / "x", "--to", "text", "--binary"])
    assert code == 2 and "not both" in err


def test_eval_process_stays_light(vectors):
    """`w2v eval` must not pay for numba, scipy, gensim or the trainer at start-up."""
    code = (
        "import sys, io, contextlib\n"
        "from w2v.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['eval', {str(vectors)!r}, '--json'])\n"
        "heavy = [m for m in ('numba', 'scipy', 'gensim', 'w2v.trainer', 'w2v.model', 'w2v.kernels') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
