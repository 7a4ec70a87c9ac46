"""Word Mover's Distance (Kusner et al. 2015, "From Word Embeddings To Document Distances").

Each document is a distribution over its distinct words (counts divided by its length); the
distance is the least total cost of moving one distribution onto the other, a word-to-word move
costing the Euclidean distance between their vectors (unit vectors when ``norm``). That is a
small transport problem (documents hold tens of words), solved exactly as a linear program by
scipy's HiGHS; gensim solves the same problem with POT (``pip install POT``), so the two agree
to the solvers' precision.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:
    from .vectors import KeyedVectors


def wmdistance(kv: "KeyedVectors", document1: Sequence[str], document2: Sequence[str], norm: bool = True) -> float:
    """The distance between two lists of words; words outside the vocabulary are dropped (as in
    gensim), and a document left empty gives ``inf``. Identical word sets give 0."""
    doc1 = [w for w in document1 if w in kv]
    doc2 = [w for w in document2 if w in kv]
    if not doc1 or not doc2:
        return float("inf")
    c1, c2 = Counter(doc1), Counter(doc2)
    if len(set(c1) | set(c2)) == 1:
        return 0.0
    w1, w2 = list(c1), list(c2)
    d1 = np.array([c1[w] for w in w1], dtype=np.float64) / len(doc1)
    d2 = np.array([c2[w] for w in w2], dtype=np.float64) / len(doc2)
    v1 = np.array([kv.get_vector(w, norm=norm) for w in w1], dtype=np.float64)
    v2 = np.array([kv.get_vector(w, norm=norm) for w in w2], dtype=np.float64)
    cost = np.sqrt(np.maximum(((v1[:, None, :] - v2[None, :, :]) ** 2).sum(axis=2), 0.0))
    return _transport(d1, d2, cost)


def _transport(d1: np.ndarray, d2: np.ndarray, cost: np.ndarray) -> float:
    """min sum(T * cost) over T >= 0 with rows summing to ``d1`` and columns to ``d2``."""
    from scipy.optimize import linprog
    from scipy.sparse import eye, kron, vstack

    n1, n2 = cost.shape
    rows = kron(eye(n1), np.ones((1, n2)))   # sum over j of T[i, j] = d1[i]
    cols = kron(np.ones((1, n1)), eye(n2))   # sum over i of T[i, j] = d2[j]
    a_eq = vstack([rows, cols]).tocsr()
    b_eq = np.concatenate([d1, d2])
    res = linprog(cost.ravel(), A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if res.status != 0:  # pragma: no cover - a feasible, bounded problem by construction
        raise RuntimeError(f"word mover's distance: the transport problem failed ({res.message})")
    return float(res.fun)
