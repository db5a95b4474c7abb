"""Exact frames by index without decoding the whole video: seek to the keyframe before a far target.

Indices are those of the probe (`Video.frame_pts_array()`); a decoded frame is matched to its index
by its pts. Where the file's own timestamps cannot be trusted for that (rebuilt at probe time, or
missing), reading falls back to counting frames from the start, which is always exact. `Picture`
turns a decoded frame into what players show (upright, square pixels) for every reader.
"""

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import av
import numpy as np

SAMPLE_WIDTH = 640  # big enough to label from, small enough to store thousands
THUMBNAIL_WIDTH = 320

# Beyond this many frames ahead, a seek to the keyframe before the target beats decoding on.
SEEK_GAP_FRAMES = 120

Convert = Callable[[av.VideoFrame], object]


@dataclass(frozen=True)
class Picture:
    """How a decoded frame is shown, as players show it: turned upright and stretched to square pixels.

    Everything a person or a model sees goes through it, so the export holds what the player shows.
    """

    width: int  # as shown: upright, square pixels
    height: int
    quarter_turns: int = 0  # counterclockwise, from the file's display matrix (np.rot90's sense)

    @property
    def stored_size(self) -> tuple[int, int]:
        """(width, height) at square pixels before turning."""
        return (self.height, self.width) if self.quarter_turns % 2 else (self.width, self.height)

    def upright(self, frame: av.VideoFrame) -> av.VideoFrame:
        """The frame as shown; the decoded frame itself when nothing needs changing."""
        width, height = self.stored_size
        if width and (frame.width, frame.height) != (width, height):
            frame = frame.reformat(width=width, height=height)
        if not self.quarter_turns:
            return frame
        return av.VideoFrame.from_ndarray(self._turn(frame.to_ndarray(format="rgb24")), format="rgb24")

    def jpeg(self, frame: av.VideoFrame, width: int = SAMPLE_WIDTH, quality: int = 90) -> bytes:
        """The frame as shown, as a JPEG at most `width` pixels wide."""
        frame = self.upright(frame)
        width = min(width, frame.width)
        height = max(2, round(frame.height * width / frame.width))
        buffer = io.BytesIO()
        frame.to_image(width=width, height=height).save(buffer, format="JPEG", quality=quality)
        return buffer.getvalue()

    def square(self, frame: av.VideoFrame, size: int) -> np.ndarray:
        """(size, size, 3) uint8 RGB model input, upright: the one resize that training and prediction share."""
        return self._turn(frame.to_ndarray(format="rgb24", width=size, height=size))

    def _turn(self, pixels: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(np.rot90(pixels, self.quarter_turns)) if self.quarter_turns else pixels


AS_DECODED = Picture(0, 0)  # no size known: frames are shown as decoded


class _Untrusted(Exception):
    """A decoded frame's pts does not name the frame we expect; count from the start instead."""


def read_frames(
    path: str | BinaryIO, frame_pts: np.ndarray, wanted: Iterable[int], convert: Convert
) -> Iterator[tuple[int, object]]:
    """Yield (index, convert(frame)) for each wanted index, in increasing order."""
    targets = sorted(set(int(i) for i in wanted))
    if targets and not 0 <= targets[0] <= targets[-1] < len(frame_pts):
        raise IndexError(f"frames must lie in 0..{len(frame_pts) - 1}")
    done: list[int] = []
    try:
        for index, value in _by_seeking(path, frame_pts, targets, convert):
            done.append(index)
            yield index, value
    except _Untrusted:
        remaining = targets[len(done) :]
        yield from _by_counting(path, remaining, convert)


def _by_seeking(path: str, frame_pts: np.ndarray, targets: list[int], convert: Convert) -> Iterator[tuple[int, object]]:
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        next_target = 0

        def target_pts() -> int:
            return int(frame_pts[targets[next_target]])

        while next_target < len(targets):
            container.seek(target_pts(), stream=stream, backward=True)
            for frame in _decoded(container, stream, target_pts):
                index = _index_of(frame_pts, frame.pts)
                if index > targets[next_target]:
                    raise _Untrusted  # the seek landed past the target
                if index < targets[next_target]:
                    continue
                yield index, convert(frame)
                next_target += 1
                if next_target == len(targets):
                    return
                if targets[next_target] - index > SEEK_GAP_FRAMES:
                    break
            else:
                raise _Untrusted  # the stream ended before the target


def _decoded(container: av.container.InputContainer, stream, skip_before: Callable[[], int]):
    """The stream's frames from where the container stands, except that a frame no other frame refers to is not
    decoded when its packet says it is shown before `skip_before()` (the next target): it cannot be wanted. That
    is over a quarter of the frames x264 writes (its non-reference B-frames), and the wanted frames' pixels are
    the same. (A packet that misnamed its frame would leave a target undecoded: frames are then counted.)"""
    context = stream.codec_context
    for packet in container.demux(stream):
        shown_before = packet.pts is not None and packet.pts < skip_before()
        context.skip_frame = "NONREF" if shown_before else "DEFAULT"
        yield from packet.decode()


def _index_of(frame_pts: np.ndarray, pts: int | None) -> int:
    if pts is None:
        raise _Untrusted
    index = int(np.searchsorted(frame_pts, pts))
    if index == len(frame_pts) or frame_pts[index] != pts:
        raise _Untrusted
    return index


def _by_counting(path: str, targets: list[int], convert: Convert) -> Iterator[tuple[int, object]]:
    if not targets:
        return
    wanted = set(targets)
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for index, frame in enumerate(container.decode(stream)):
            if index in wanted:
                yield index, convert(frame)
            if index >= targets[-1]:
                return
