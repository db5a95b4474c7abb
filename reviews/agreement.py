"""Agreement between reviewers (Y-3): Cohen's kappa for two, Fleiss' for more; plain numpy.

`ratings` is (R, N): the class each of R reviewers gave each of N frames.
"""

from collections import Counter

import numpy as np


def cohen_kappa(first: np.ndarray, second: np.ndarray) -> float:
    """Agreement of two raters beyond chance: 1 = identical, 0 = as good as chance."""
    categories, coded = np.unique(np.concatenate([first, second]), return_inverse=True)
    a, b = coded[: len(first)], coded[len(first) :]
    observed = float(np.mean(a == b))
    expected = float(np.sum(np.bincount(a, minlength=len(categories)) * np.bincount(b, minlength=len(categories))))
    expected /= len(a) ** 2
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def fleiss_kappa(ratings: np.ndarray) -> float:
    """Fleiss' kappa of R >= 2 raters over N frames."""
    return pooled_fleiss_kappa([ratings])


def pooled_fleiss_kappa(groups: list[np.ndarray]) -> float:
    """Fleiss' kappa over the frames of several videos, each (R, N) with its own number of raters."""
    agreements, totals = [], Counter()
    for ratings in groups:
        frame_agreement, given = _frame_agreement(ratings)
        agreements.append(frame_agreement)
        totals.update(given)
    shares = np.array(list(totals.values()), dtype=np.float64) / sum(totals.values())
    expected = float(np.sum(shares * shares))
    observed = float(np.concatenate(agreements).mean())
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def _frame_agreement(ratings: np.ndarray) -> tuple[np.ndarray, dict[int, int]]:
    """(N,) share of rater pairs that agree on each frame, and how often each class was given."""
    raters, frames = ratings.shape
    categories, coded = np.unique(ratings, return_inverse=True)
    counts = np.zeros((frames, len(categories)), dtype=np.int64)  # (N, C) raters per frame and class
    for row in coded.reshape(ratings.shape):
        counts[np.arange(frames), row] += 1
    per_frame = (np.sum(counts * counts, axis=1) - raters) / (raters * (raters - 1))
    return per_frame, dict(zip(categories.tolist(), counts.sum(axis=0).tolist(), strict=True))


def kappa(ratings: np.ndarray) -> tuple[str, float]:
    """("Cohen", k) for two raters, ("Fleiss", k) for more."""
    if len(ratings) == 2:
        return "Cohen", cohen_kappa(ratings[0], ratings[1])
    return "Fleiss", fleiss_kappa(ratings)


def disagreement(ratings: np.ndarray) -> np.ndarray:
    """(N,) bool: frames on which not every rater gave the same class."""
    return np.any(ratings != ratings[0], axis=0)


def disagreement_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) frames of each stretch of disagreeing frames: the strip under the timeline."""
    changes = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(int(start), int(end - 1)) for start, end in zip(changes[::2], changes[1::2], strict=True)]
