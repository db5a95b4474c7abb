"""Labels at scale (SPEC §4): run-length segments of (class, author), plain numpy, no Django.

A 1.08 M-frame video labelled in a few thousand stretches is a few thousand runs; an edit
rewrites only the runs it touches. Model confidences live beside the runs, one float16 per
frame, written once when a model creates the set (user labels have confidence 1 by rule).
"""

import io
import zlib
from dataclasses import dataclass

import numpy as np

# Author codes: 0 = the system (the default label), > 0 = a user id, < 0 = minus a model id.
SYSTEM_AUTHOR = 0


@dataclass(frozen=True)
class LabelRuns:
    frame_count: int
    starts: np.ndarray  # (R,) int64 first frame of each run; starts[0] == 0, increasing
    class_ids: np.ndarray  # (R,) int64 LabelClass primary keys
    authors: np.ndarray  # (R,) int64 author codes

    @classmethod
    def filled(cls, frame_count: int, class_id: int, author: int = SYSTEM_AUTHOR) -> "LabelRuns":
        one = np.zeros(1, dtype=np.int64)
        return cls(frame_count, one, one + class_id, one + author)

    @classmethod
    def from_frames(cls, class_ids: np.ndarray, authors: np.ndarray) -> "LabelRuns":
        """Compress per-frame arrays (N,) into runs."""
        class_ids, authors = np.asarray(class_ids, np.int64), np.asarray(authors, np.int64)
        changes = np.flatnonzero((np.diff(class_ids) != 0) | (np.diff(authors) != 0)) + 1
        starts = np.concatenate([[0], changes]).astype(np.int64)
        return cls(len(class_ids), starts, class_ids[starts], authors[starts])

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def ends(self) -> np.ndarray:
        """(R,) inclusive last frame of each run."""
        return np.append(self.starts[1:] - 1, self.frame_count - 1)

    def to_frames(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-frame (class_ids, authors), each (N,)."""
        lengths = self.ends - self.starts + 1
        return np.repeat(self.class_ids, lengths), np.repeat(self.authors, lengths)

    def at(self, frame: int) -> tuple[int, int]:
        """(class id, author code) of one frame."""
        run = int(np.searchsorted(self.starts, frame, side="right")) - 1
        return int(self.class_ids[run]), int(self.authors[run])

    def window(self, start: int, end: int) -> "LabelRuns":
        """The runs of frames start..end (inclusive), as a set of their own starting at 0."""
        first, last = np.searchsorted(self.starts, [start, end], side="right") - 1
        starts = self.starts[first : last + 1] - start
        starts[0] = 0
        return LabelRuns(end - start + 1, starts, self.class_ids[first : last + 1], self.authors[first : last + 1])

    def assign(self, start: int, end: int, part: "LabelRuns") -> "LabelRuns":
        """A copy with frames start..end replaced by `part` (whose length must match)."""
        if part.frame_count != end - start + 1:
            raise ValueError("the replacement does not fit the range")
        pieces = [part.shifted(start)]
        if start > 0:
            pieces.insert(0, self.window(0, start - 1))
        if end < self.frame_count - 1:
            pieces.append(self.window(end + 1, self.frame_count - 1).shifted(end + 1))
        return LabelRuns(
            self.frame_count, np.concatenate([p.starts for p in pieces]),
            np.concatenate([p.class_ids for p in pieces]), np.concatenate([p.authors for p in pieces]),
        ).merged()

    def merged(self) -> "LabelRuns":
        """Neighbouring runs with the same class and author joined into one."""
        keep = np.ones(len(self.starts), dtype=bool)
        keep[1:] = (self.class_ids[1:] != self.class_ids[:-1]) | (self.authors[1:] != self.authors[:-1])
        return LabelRuns(self.frame_count, self.starts[keep], self.class_ids[keep], self.authors[keep])

    def keeping_people(self, class_ids: np.ndarray, author: int) -> "LabelRuns":
        """Per-frame classes (N,) by `author`, except on frames a person labelled here, which stay as they are."""
        own_classes, own_authors = self.to_frames()
        people = own_authors > 0
        return LabelRuns.from_frames(np.where(people, own_classes, class_ids), np.where(people, own_authors, author))

    def person_frames(self) -> np.ndarray:
        """(N,) bool: frames whose label a person gave."""
        return self.to_frames()[1] > 0

    def paint(self, start: int, end: int, class_id: int, author: int) -> "LabelRuns":
        return self.assign(start, end, LabelRuns.filled(end - start + 1, class_id, author))

    def shifted(self, offset: int) -> "LabelRuns":
        return LabelRuns(self.frame_count, self.starts + offset, self.class_ids, self.authors)

    def replace_class(self, old: int, new: int) -> "LabelRuns":
        class_ids = np.where(self.class_ids == old, new, self.class_ids)
        return LabelRuns(self.frame_count, self.starts, class_ids, self.authors).merged()

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(
            buffer, frame_count=self.frame_count, starts=self.starts, class_ids=self.class_ids, authors=self.authors
        )
        return zlib.compress(buffer.getvalue(), level=1)

    @classmethod
    def from_bytes(cls, blob: bytes) -> "LabelRuns":
        with np.load(io.BytesIO(zlib.decompress(blob)), allow_pickle=False) as arrays:
            return cls(int(arrays["frame_count"]), arrays["starts"], arrays["class_ids"], arrays["authors"])


def bin_edges(frame_count: int, bins: int) -> np.ndarray:
    """(B+1,) frame boundaries of `bins` equal stretches (fewer for short videos)."""
    return np.linspace(0, frame_count, min(bins, frame_count) + 1).astype(np.int64)


def lowest_per_bin(confidences: np.ndarray, bins: int) -> np.ndarray:
    """(B,) the minimum of each stretch of the (N,) confidences."""
    edges = bin_edges(len(confidences), bins)
    return np.minimum.reduceat(confidences.astype(np.float32), edges[:-1])


def covered_bins(runs: LabelRuns, bins: int, authored) -> np.ndarray:
    """(B,) bool: stretches in which every frame's author satisfies `authored` (e.g. is a person)."""
    edges = bin_edges(runs.frame_count, bins)
    others = ~authored(runs.authors)
    first = np.searchsorted(edges, runs.starts[others], side="right") - 1
    last = np.searchsorted(edges, runs.ends[others], side="right") - 1
    touched = np.zeros(len(edges), dtype=np.int64)  # difference array over stretches
    np.add.at(touched, first, 1)
    np.add.at(touched, last + 1, -1)
    return np.cumsum(touched)[:-1] == 0


def floats_to_bytes(values: np.ndarray) -> bytes:
    """Per-frame values (confidences, margins) as compressed float16."""
    return zlib.compress(np.asarray(values, dtype="<f2").tobytes(), level=1)


def floats_from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(zlib.decompress(blob), dtype="<f2")
