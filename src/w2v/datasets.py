"""Paths to the files bundled with the package: a public-domain corpus and the evaluation sets."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _data(name: str) -> Path:
    return Path(str(resources.files("w2v") / "data" / name))


def sample_path() -> Path:
    """Public-domain English sample (0.67M words, lowercase a-z, one paragraph a line), xz-compressed."""
    return _data("pd-sample.txt.xz")


def analogies_path() -> Path:
    """Google analogy questions (questions-words.txt, Mikolov et al. 2013)."""
    return _data("questions-words.txt")


def wordsim353_path() -> Path:
    """WordSim-353 word pairs with human similarity scores (tab-separated)."""
    return _data("wordsim353.tsv")


def simlex999_path() -> Path:
    """SimLex-999 word pairs with human similarity scores (tab-separated)."""
    return _data("simlex999.txt")
