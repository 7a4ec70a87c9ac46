"""Negative sampling: the true word against k noise words from counts**ns_exponent."""

from numba import njit

from .common import draw_alias


@njit(cache=True, nogil=True, inline="always")
def ns_targets(word, negative, prob, alias, state, targets, labels):
    """Fill targets/labels with ``word`` (1) and up to ``negative`` noise words (0).

    A noise draw equal to the true word is skipped, as word2vec C does. Returns the count."""
    targets[0] = word
    labels[0] = 1
    n = 1
    for _ in range(negative):
        w = draw_alias(state, prob, alias)
        if w == word:
            continue
        targets[n] = w
        labels[n] = 0
        n += 1
    return n
