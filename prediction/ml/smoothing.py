"""Per-frame post-processing: filling skipped frames, decoding shots and temporal smoothing."""

import numpy as np
from hmmlearn.base import BaseHMM

IMPOSSIBLE = -1e9  # log-probability that keeps a path off a class (a person said otherwise)


def fill_from_nearest(predicted: np.ndarray, values: np.ndarray, frame_count: int) -> np.ndarray:
    """(N, ...) values for every frame, each taken from the nearest predicted frame (earlier on ties).

    predicted: (M,) ascending frame indices; values: (M, ...) their values.
    """
    frames = np.arange(frame_count)
    after = np.clip(np.searchsorted(predicted, frames), 0, len(predicted) - 1)
    before = np.clip(after - 1, 0, len(predicted) - 1)
    nearer_before = np.abs(frames - predicted[before]) <= np.abs(predicted[after] - frames)
    return values[np.where(nearer_before, before, after)]


def hold_previous(probabilities: np.ndarray, previous: np.ndarray, weight: float) -> np.ndarray:
    """(N, K) probabilities to choose labels by: a frame's previous model label (`previous` >= 0, else -1) keeps
    `weight` of it, so a retrained model changes that label only where it is clearly surer of another class.
    Labels that flip on doubtful frames from one retrain to the next undo what a person saw and let be."""
    held = previous >= 0
    if weight <= 0 or not held.any():
        return probabilities
    mixed = probabilities.copy()
    mixed[held] *= 1 - weight
    mixed[np.flatnonzero(held), previous[held]] += weight
    return mixed


def smooth_labels(labels: np.ndarray, min_run: int) -> np.ndarray:
    """A label change must persist for `min_run` frames; shorter runs take the label before them.

    labels: (N,) class indices. The first run is kept whatever its length.
    """
    if min_run <= 1 or len(labels) == 0:
        return labels.copy()
    starts = np.flatnonzero(np.diff(labels)) + 1
    bounds = np.concatenate([[0], starts, [len(labels)]])
    smoothed = labels.copy()
    for first, end in zip(bounds[1:-1], bounds[2:], strict=True):
        if end - first < min_run:
            smoothed[first:end] = smoothed[first - 1]
    return smoothed


class _GivenEmissions(BaseHMM):
    """An HMM whose per-frame log-likelihoods are given (the classifier's), not modelled."""

    def _compute_log_likelihood(self, X: np.ndarray) -> np.ndarray:
        return X


def decode_shots(probabilities: np.ndarray, switch_probability: float, fixed: np.ndarray | None = None) -> np.ndarray:
    """(N,) classes of the most probable sequence (Viterbi) given per-frame class probabilities (N, K),
    when the class changes from one frame to the next with `switch_probability`.

    A label change must be worth its cost, so a few doubtful frames inside a shot follow the shot,
    while a confident change of picture still changes the label. fixed: (N,) class a person gave
    each frame, or -1; the path goes through those.
    """
    frames, classes = probabilities.shape
    if classes == 1 or frames == 0:
        return np.zeros(frames, dtype=np.int64)
    log_likelihood = np.log(np.clip(probabilities, 1e-6, 1.0)).astype(np.float64)
    if fixed is not None and (given := fixed >= 0).any():
        log_likelihood[given] = IMPOSSIBLE
        log_likelihood[given, fixed[given]] = 0.0
    hmm = _GivenEmissions(n_components=classes, implementation="log")
    hmm.startprob_ = np.full(classes, 1 / classes)
    hmm.transmat_ = np.full((classes, classes), switch_probability / (classes - 1))
    np.fill_diagonal(hmm.transmat_, 1 - switch_probability)
    _, path = hmm.decode(log_likelihood, algorithm="viterbi")
    return path.astype(np.int64)
