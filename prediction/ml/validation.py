"""How a training run is checked: held-out folds by video, and the figures people read (plain numpy)."""

import numpy as np


def split_by_group(
    groups: np.ndarray, fraction: float, seed: int = 0, labels: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, validation): whole groups (videos) go to validation until `fraction` of the
    samples are there, passing over a group that would hold out more than twice that or the last
    training examples of a class (`labels`); when no group fits, samples are split instead.
    fraction 0 means no validation."""
    indices = np.arange(len(groups))
    if fraction <= 0 or len(groups) < 2:
        return indices, indices[:0]
    rng = np.random.default_rng(seed)
    labels = np.zeros(len(groups)) if labels is None else labels
    classes, target = set(labels.tolist()), fraction * len(groups)
    validation = np.zeros(len(groups), dtype=bool)
    for group in rng.permutation(np.unique(groups)):
        if validation.sum() >= target:
            break
        candidate = validation | (groups == group)
        if candidate.sum() <= 2 * target and set(labels[~candidate].tolist()) == classes:
            validation = candidate
    if not validation.any():
        shuffled = rng.permutation(indices)
        cut = max(1, round(len(indices) * fraction))
        return np.sort(shuffled[cut:]), np.sort(shuffled[:cut])
    return indices[~validation], indices[validation]


def _valid(labels: np.ndarray, train_idx: np.ndarray, val_idx: np.ndarray) -> bool:
    """A validation set is used only when it has 2+ classes and every class the training set has."""
    seen = set(labels[val_idx].tolist())
    return len(seen) >= 2 and set(labels[train_idx].tolist()) <= seen


def validation_folds(
    groups: np.ndarray, labels: np.ndarray, fraction: float, seed: int = 0, k: int = 3
) -> tuple[list[tuple[np.ndarray, np.ndarray]], str]:
    """(train, validation) index pairs and how they were made: held-out videos, else k-fold over videos,
    else k-fold over frames (each class spread over the folds); none for fraction 0."""
    indices = np.arange(len(groups))
    if fraction <= 0 or len(groups) < 2:
        return [], "none"
    train_idx, val_idx = split_by_group(groups, fraction, seed, labels)
    if _valid(labels, train_idx, val_idx):
        by_video = not set(groups[val_idx].tolist()) & set(groups[train_idx].tolist())
        return [(train_idx, val_idx)], "held-out videos" if by_video else "held-out frames"
    rng = np.random.default_rng(seed)
    videos = rng.permutation(np.unique(groups))
    if len(videos) >= k:
        fold_of_video = {video: i % k for i, video in enumerate(videos.tolist())}
        fold = np.asarray([fold_of_video[g] for g in groups.tolist()])
        folds = [(indices[fold != i], indices[fold == i]) for i in range(k)]
        if all(_valid(labels, *pair) for pair in folds):
            return folds, f"{k}-fold over videos"
    k = max(2, min(k, int(np.bincount(labels)[np.unique(labels)].min())))
    fold = np.zeros(len(labels), dtype=np.int64)
    for label in np.unique(labels):
        members = rng.permutation(indices[labels == label])
        fold[members] = np.arange(len(members)) % k
    return [(indices[fold != i], indices[fold == i]) for i in range(k)], f"{k}-fold over frames"


def problems_of(accuracy: float, predicted: np.ndarray, classes: tuple[str, ...]) -> list[str]:
    """Why a model should not be trusted: below chance, or one class for everything."""
    problems = []
    chance = 1 / max(len(classes), 1)
    if accuracy < chance:
        problems.append(f"accuracy {accuracy:.2f} is below chance ({chance:.2f} for {len(classes)} classes)")
    if len(classes) > 1 and len(predicted) > 1 and len(np.unique(predicted)) == 1:
        problems.append(f"it answers “{classes[int(predicted[0])]}” for every frame it was checked on")
    return problems


def confusion_matrix(truth: np.ndarray, predicted: np.ndarray, classes: int) -> list[list[int]]:
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (truth, predicted), 1)
    return matrix.tolist()


def f1_scores(confusion: list[list[int]]) -> list[float]:
    matrix = np.asarray(confusion, dtype=np.float64)
    hits = np.diag(matrix)
    precision = np.divide(hits, matrix.sum(0), out=np.zeros_like(hits), where=matrix.sum(0) > 0)
    recall = np.divide(hits, matrix.sum(1), out=np.zeros_like(hits), where=matrix.sum(1) > 0)
    total = precision + recall
    return np.round(np.divide(2 * precision * recall, total, out=np.zeros_like(hits), where=total > 0), 4).tolist()
