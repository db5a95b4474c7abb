"""Per-frame post-processing: filling skipped frames and temporal smoothing."""

import numpy as np


def fill_from_nearest(predicted: np.ndarray, values: np.ndarray, frame_count: int) -> np.ndarray:
    """(N, ...) values for every frame, each taken from the nearest predicted frame (earlier on ties).

    predicted: (M,) ascending frame indices; values: (M, ...) their values.
    """
    frames = np.arange(frame_count)
    after = np.clip(np.searchsorted(predicted, frames), 0, len(predicted) - 1)
    before = np.clip(after - 1, 0, len(predicted) - 1)
    nearer_before = np.abs(frames - predicted[before]) <= np.abs(predicted[after] - frames)
    return values[np.where(nearer_before, before, after)]


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
