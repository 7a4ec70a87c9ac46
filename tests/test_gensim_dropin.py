"""gensim's own documentation runs under w2v with one line changed.

Each snippet of tests/data/gensim_snippets.txt (from gensim 4.4's Word2Vec and KeyedVectors
docstrings, its callbacks documentation and its word2vec tutorial; see that file) runs twice in
a fresh namespace and an empty folder: as written, under gensim (which proves the snippet is
right), and with ``from gensim.models import Word2Vec, KeyedVectors`` replaced by
``from w2v import Word2Vec, KeyedVectors``. A snippet that w2v cannot run must be listed in
KNOWN_DIFFERENCES with its reason, and that reason must be in docs/from-gensim.md.
``python tests/gensim_dropin.py`` prints the same as a table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gensim_dropin import GENSIM_IMPORT, as_w2v, load_snippets, run

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = load_snippets()
# name -> the difference that stops it (each must appear in docs/from-gensim.md); none today.
KNOWN_DIFFERENCES: dict[str, str] = {}


def test_the_snippets_are_many_and_well_formed():
    names = [s.name for s in SNIPPETS]
    assert len(names) >= 60 and len(set(names)) == len(names)
    for s in SNIPPETS:
        assert s.code.count(GENSIM_IMPORT) == 1, s.name
        assert "import w2v" not in s.code and "from w2v" not in s.code, s.name
    assert set(KNOWN_DIFFERENCES) <= set(names)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.name)
def test_snippet_runs_under_gensim_and_under_w2v(snippet, tmp_path):
    if snippet.gensim_can_run():
        (tmp_path / "gensim").mkdir()
        ref = run(snippet.code, tmp_path / "gensim")
        assert ref.ok, f"the snippet is wrong: it fails under gensim: {ref.error}"
    (tmp_path / "w2v").mkdir()
    got = run(as_w2v(snippet.code), tmp_path / "w2v")
    if snippet.name in KNOWN_DIFFERENCES:
        assert not got.ok, f"{snippet.name} now runs under w2v: drop it from KNOWN_DIFFERENCES"
    else:
        assert got.ok, got.error


def test_known_differences_are_documented():
    doc = (ROOT / "docs" / "from-gensim.md").read_text(encoding="utf-8")
    for name, reason in KNOWN_DIFFERENCES.items():
        assert reason in doc, f"{name}: {reason!r} is not in docs/from-gensim.md"
