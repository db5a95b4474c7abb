"""Which frames a person should label first, chosen from their backbone features (C-1)."""

import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning


def representative(features: np.ndarray, count: int, seed: int = 0) -> np.ndarray:
    """Sorted indices of up to `count` rows of `features` (N, D) that stand for its kinds of picture: the
    row nearest the centre of each of `count` k-means clusters of the unit-length features.

    The typical frame of each kind teaches a head the most; the frames farthest apart (k-center) are
    cross-fades, blur and glare, and evenly spaced ones spend answers on long shots."""
    if len(features) <= count:
        return np.arange(len(features))
    unit = features.astype(np.float32)
    unit /= np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-6)
    with warnings.catch_warnings():  # fewer distinct pictures than clusters: some clusters stay empty
        warnings.simplefilter("ignore", ConvergenceWarning)
        clusters = KMeans(count, n_init=4, random_state=seed).fit(unit)
    distance = ((unit - clusters.cluster_centers_[clusters.labels_]) ** 2).sum(1)
    picks = []
    for cluster in np.unique(clusters.labels_):
        members = np.flatnonzero(clusters.labels_ == cluster)
        picks.append(members[distance[members].argmin()])
    return np.sort(np.asarray(picks, dtype=np.int64))
