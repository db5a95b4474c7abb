"""Change-gated prediction (X-1): the model looks at a stride of frames (at least once a second of video), at
every cut and at the frames people labelled, then only where a label may change, so boundaries stay frame-exact
while most frames are never classified. The frames in between take their classified neighbours' label.

A frame is *classified* when the model saw it. Between two consecutive classified frames p < q with frames in
between that disagree, the middle frame is classified, and so on by halving until the change lies between two
neighbouring frames: a boundary in a second of frames costs about log2(fps) looks. Where they agree but either
is unsure (low margin), halving goes on down to gaps of `unsure_gap` frames. When q is a cut (its picture
jumped from q-1's) only q-1 is checked first, since everything before it looked like p.

Picture change is a hint for cuts, not the trigger: real footage moves all the time (a dashcam, a hand-held
probe), and a gate that looked wherever the pixels moved looked at most frames of exactly the videos users
bring. A one-frame event (a flash, a dropped frame) is two cuts, so it is seen.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

from prediction.ml.frame_hash import frame_hash

THUMB = 16  # pixels a side of the grey thumbnail the change signal compares
WINDOW_BYTES = 256 << 20  # decoded frames held at once while their labels are settled
# Batches of anchors a window gathers before its labels are settled: its stretches' halving rounds then share the
# model's batches (on bigbuckbunny 7 forward passes for 19 frames, where one batch of anchors took 12).
SETTLE_BATCHES = 2


@dataclass(frozen=True)
class GateConfig:
    # Mean absolute grey difference (0-255) of a frame's thumbnail from the previous frame's that is a cut. On
    # the development set a cut moves it by 39-53 (median) and 99 % of other frames by under 14.
    cut_threshold: float = 15.0
    max_gap: int = 30  # frames: the stride, classified whatever the picture does
    min_margin: float = 0.25  # a classified frame less sure than this (top two classes) gets its neighbours seen
    # Frames: halving between an unsure pair that agrees stops at gaps this short (a change there would have
    # to last less than this to hide); between a pair that disagrees it goes on to the exact frame.
    unsure_gap: int = 8

    @classmethod
    def for_frame_rate(cls, fps: float) -> "GateConfig":
        """The model looks at least once a second of video, and between unsure frames every quarter second."""
        return cls(max_gap=max(1, round(fps)), unsure_gap=max(1, round(fps / 4)))


def thumbnail(grey: np.ndarray) -> np.ndarray:
    """(THUMB, THUMB) float32 of an (H, W) uint8 grey picture (any size): the cheap change signal."""
    return cv2.resize(np.ascontiguousarray(grey), (THUMB, THUMB), interpolation=cv2.INTER_AREA).astype(np.float32)


def changed(a: np.ndarray, b: np.ndarray, threshold: float) -> bool:
    return float(np.abs(a - b).mean()) > threshold


class Anchors:
    """Which frames of one pass, seen in order, the model classifies first: the first, every `max_gap`-th since
    the last anchor, each cut and each frame asked for. Ingest keeps the same frames' features (V-5)."""

    def __init__(self, gate: GateConfig) -> None:
        self.gate = gate
        self._previous_thumb: np.ndarray | None = None
        self._last = -1

    def see(self, frame: int, thumb: np.ndarray, wanted: bool = False) -> tuple[bool, bool]:
        """(whether the frame is a cut, whether it is an anchor)."""
        cut = self._previous_thumb is not None and changed(thumb, self._previous_thumb, self.gate.cut_threshold)
        anchor = cut or wanted or self._last < 0 or frame - self._last >= self.gate.max_gap
        if anchor:
            self._last = frame
        self._previous_thumb = thumb
        return cut, anchor


@dataclass
class Seen:
    """What the model said about the frames it classified, in frame order."""

    frames: list[np.ndarray] = field(default_factory=list)
    probabilities: list[np.ndarray] = field(default_factory=list)
    features: list[np.ndarray] = field(default_factory=list)
    hashes: list[int] = field(default_factory=list)  # pHash of each classified frame


Classify = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray | None]]


@dataclass(frozen=True)
class Frames:
    """How the gate handles decoded frames it may never classify: kept as decoded, made model input only
    when the model is to see them."""

    to_input: Callable[[object], np.ndarray]  # a decoded frame -> (S, S, 3) uint8 RGB model input
    size_of: Callable[[object], int]  # bytes a decoded frame holds


def _margin(row: np.ndarray) -> float:
    top = np.partition(row, -2)[-2:] if len(row) > 1 else np.asarray([0.0, row[0]])
    return float(top[1] - top[0])


class _Window:
    """Decoded frames since the last settled classified frame (which stays as the window's first)."""

    def __init__(self) -> None:
        self.frames: list[int] = []
        self.images: list[np.ndarray] = []
        self.cuts: list[bool] = []  # the picture jumped from the frame before
        self.anchors: list[int] = []  # positions chosen by the change signal or the gap
        # position -> (probabilities, features, pHash) of the frames classified
        self.results: dict[int, tuple[np.ndarray, np.ndarray | None, int]] = {}
        self.bytes = 0

    def add(self, frame: int, image: object, cut: bool, anchor: bool, size: int) -> None:
        if anchor:
            self.anchors.append(len(self.frames))
        self.frames.append(frame)
        self.images.append(image)
        self.cuts.append(cut)
        self.bytes += size


def gated_predict(
    batches: Iterable[tuple[np.ndarray, list, np.ndarray]], classify: Classify, gate: GateConfig, batch_size: int,
    frames: Frames, on_progress: Callable[[int], None] | None = None, must_see: frozenset[int] = frozenset(),
) -> Seen:
    """Classify the decoded (indices, frames, thumbnails) batches where the gate says, and the frames of
    `must_see`; the rest is left to filling."""
    seen, window, anchors = Seen(), _Window(), Anchors(gate)
    for indices, decoded, thumbs in batches:
        for frame, image, thumb in zip(indices.tolist(), decoded, thumbs, strict=True):
            cut, anchor = anchors.see(frame, thumb, frame in must_see)
            window.add(frame, image, cut, anchor, frames.size_of(image))
            if len(window.anchors) >= SETTLE_BATCHES * batch_size or window.bytes >= WINDOW_BYTES:
                window = _settle(window, classify, gate, batch_size, frames, seen)
                if on_progress:
                    on_progress(frame + 1)
    if window.frames:
        if not window.anchors or window.anchors[-1] != len(window.frames) - 1:
            window.anchors.append(len(window.frames) - 1)  # the last frame is always seen: nothing after it
        _settle(window, classify, gate, batch_size, frames, seen, final=True)
        if on_progress:
            on_progress(window.frames[-1] + 1)
    return seen


def _settle(window: _Window, classify: Classify, gate: GateConfig, batch_size: int, frames: Frames, seen: Seen,
            final: bool = False) -> _Window:
    """Classify the window's anchors, then the middle of every stretch the gate asks for, until no gap between
    classified frames needs a look; hand on the last anchor as the next window's start."""
    wanted = [position for position in window.anchors if position not in window.results]
    while wanted:
        _classify(window, wanted, classify, batch_size, frames)
        wanted = list(_stretches_to_look_at(window, gate))
    done = sorted(window.results)
    last_anchor = window.anchors[-1] if window.anchors else 0  # 0: the classified frame the window began with
    keep_from = len(window.frames) if final else last_anchor
    for position in done:
        if position < keep_from:
            probabilities, features, image_hash = window.results[position]
            seen.frames.append(np.asarray([window.frames[position]]))
            seen.probabilities.append(probabilities[None])
            if features is not None:
                seen.features.append(features[None])
            seen.hashes.append(image_hash)
    following = _Window()
    if not final:
        start = last_anchor
        for position in range(start, len(window.frames)):
            following.add(window.frames[position], window.images[position], window.cuts[position],
                          anchor=position != start and position in window.anchors,
                          size=frames.size_of(window.images[position]))
        following.results[0] = window.results[start]
    return following


def _stretches_to_look_at(window: _Window, gate: GateConfig) -> Iterator[int]:
    done = sorted(window.results)
    for p, q in zip(done, done[1:], strict=False):
        if q - p < 2:
            continue
        p_row, q_row = window.results[p][0], window.results[q][0]
        if p_row.argmax() == q_row.argmax():
            if q - p > gate.unsure_gap and min(_margin(p_row), _margin(q_row)) < gate.min_margin:
                yield (p + q) // 2  # they agree, but one is unsure
        elif window.cuts[q] and (q - 1) not in window.results:
            yield q - 1  # a jump at q: the frames before looked like p, so q-1 settles it
        else:
            yield (p + q) // 2


def _classify(window: _Window, positions: list[int], classify: Classify, batch_size: int, frames: Frames) -> None:
    for start in range(0, len(positions), batch_size):
        chunk = positions[start : start + batch_size]
        images = np.stack([frames.to_input(window.images[position]) for position in chunk])
        probabilities, features = classify(images)
        for row, position in enumerate(chunk):
            window.results[position] = (probabilities[row], None if features is None else features[row],
                                        frame_hash(images[row]))


def fill_between(classified: np.ndarray, probabilities: np.ndarray, frame_count: int) -> np.ndarray:
    """(N, K) for every frame: a classified frame keeps its own; one in between takes those of whichever
    neighbour (before or after) is less sure, so a filled frame is never surer than the frames around it."""
    frames = np.arange(frame_count)
    after = np.clip(np.searchsorted(classified, frames), 0, len(classified) - 1)
    before = np.clip(np.searchsorted(classified, frames, side="right") - 1, 0, len(classified) - 1)
    sure = probabilities.max(axis=1)
    pick = np.where(sure[before] <= sure[after], before, after)
    return probabilities[pick]
