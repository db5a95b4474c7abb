"""Placing a new head's label changes between cached frames (X-1): where two neighbouring cached frames now
get different labels, the frames between are decoded once and classified by halving the stretch, so a
boundary in a stretch of n frames costs about log2(n) forward passes instead of n.

Only different labels count here, not an unsure pair that agrees (as it does while predicting): reading a
stretch means seeking into the video, and a new head is often merely less sure. The cached frames are those
the gate chose (once a second, both sides of every cut, around every earlier label change), so what can hide
between two that agree is a label change shorter than a second inside a shot, which gated prediction misses
too unless a frame beside it was unsure."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from prediction.ml.frame_hash import frame_hash

Read = Callable[[list[int]], np.ndarray]  # frame indices -> (F, S, S, 3) uint8 model inputs, in that order
Classify = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]  # images -> (probabilities, features)
READ_FRAMES = 1024  # frames decoded and held at once (at 224², about 150 MB)


@dataclass
class Looked:
    """The frames classified between cached ones, in the order they were classified."""

    frames: list[int]
    probabilities: list[np.ndarray]
    features: list[np.ndarray]
    hashes: list[int]


def look_between(frames: np.ndarray, probabilities: np.ndarray, people: np.ndarray, read: Read, classify: Classify,
                 batch_size: int, labels: np.ndarray) -> Looked:
    """Classify, by halving, the frames between each pair of neighbouring classified `frames` whose `labels`
    differ (those they end with, e.g. decoded as shots), until every
    stretch left lies between two frames that agree. Frames a person labelled (`people`) keep their label, so
    they are never read."""
    looked = Looked([], [], [], [])
    stretches = [(int(frames[i]), probabilities[i], int(frames[i + 1]), probabilities[i + 1])
                 for i in range(len(frames) - 1) if frames[i + 1] - frames[i] > 1 and labels[i] != labels[i + 1]]
    group: list = []
    for stretch in stretches:
        group.append(stretch)
        if sum(q - p - 1 for p, _, q, _ in group) >= READ_FRAMES:
            _settle(group, people, read, classify, batch_size, looked)
            group = []
    if group:
        _settle(group, people, read, classify, batch_size, looked)
    return looked


def _settle(stretches: list, people: np.ndarray, read: Read, classify: Classify, batch_size: int,
            looked: Looked) -> None:
    wanted = [frame for p, _, q, _ in stretches for frame in range(p + 1, q) if not people[frame]]
    if not wanted:
        return
    images = dict(zip(wanted, read(wanted), strict=True))
    while stretches:
        split = [(stretch, middle) for stretch in stretches if (middle := _middle(stretch, people)) is not None]
        if not split:
            return
        middles = [middle for _, middle in split]
        rows, features = _classify_frames(middles, images, classify, batch_size)
        stretches = []
        for ((p, p_row, q, q_row), middle), row in zip(split, rows, strict=True):
            for a, a_row, b, b_row in ((p, p_row, middle, row), (middle, row, q, q_row)):
                if b - a > 1 and _disagree(a_row, b_row):
                    stretches.append((a, a_row, b, b_row))
        looked.frames.extend(middles)
        looked.probabilities.extend(rows)
        looked.features.extend(features)
        looked.hashes.extend(frame_hash(images[middle]) for middle in middles)


def _disagree(a: np.ndarray, b: np.ndarray) -> bool:
    return int(a.argmax()) != int(b.argmax())


def _middle(stretch: tuple, people: np.ndarray) -> int | None:
    """The frame nearest the middle of the stretch that no person labelled; None when there is none."""
    p, _, q, _ = stretch
    free = [frame for frame in range(p + 1, q) if not people[frame]]
    return free[len(free) // 2] if free else None


def _classify_frames(frames: list[int], images: dict, classify: Classify, batch_size: int):
    """(F, K) probabilities and (F, D) features of the frames, a batch at a time."""
    parts = [classify(np.stack([images[frame] for frame in frames[start : start + batch_size]]))
             for start in range(0, len(frames), batch_size)]
    return list(np.concatenate([part[0] for part in parts])), list(np.concatenate([part[1] for part in parts]))
