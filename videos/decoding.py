"""Decode-verified frame timestamps, in parallel over keyframe-aligned segments when that is exact.

One demux pass (cheap) lists the packets; the decode that verifies them runs in worker
processes, each from one keyframe to the next. The split is used only when every segment
decodes exactly its own packets' frames; otherwise one sequential decode decides.
"""

import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import av
import numpy as np

from aigva.processes import die_with_parent

log = logging.getLogger(__name__)
# Below this many frames a second process costs more than it saves.
PARALLEL_MIN_FRAMES = 1500
SEGMENTS_PER_WORKER = 4


class DecodeError(Exception):
    """Decoding failed part-way; the message says after how many frames."""


@dataclass(frozen=True)
class PacketIndex:
    pts: np.ndarray  # (P,) int64 in decode order; -1 where the container gave none
    keyframe: np.ndarray  # (P,) bool

    @property
    def all_timed(self) -> bool:
        return bool(len(self.pts)) and bool(np.all(self.pts >= 0))


def index_packets(container: av.container.InputContainer, stream) -> PacketIndex:
    """The video stream's packets (not the container's frame-count guess), without decoding."""
    pts, keyframe = [], []
    for packet in container.demux(stream):
        if packet.size == 0:
            continue  # the demuxer's end-of-stream marker
        pts.append(-1 if packet.pts is None else packet.pts)
        keyframe.append(packet.is_keyframe)
    return PacketIndex(np.asarray(pts, dtype=np.int64), np.asarray(keyframe, dtype=bool))


class FrameWatcher(Protocol):
    """Sees every frame of a probe's decode (V-5): `see` in display order, `finish` once every frame decoded,
    and `close` in any case, last."""

    def see(self, index: int, frame: av.VideoFrame) -> None: ...

    def finish(self, frame_count: int) -> None: ...

    def close(self) -> None: ...


class Guarded:
    """A watcher whose failure costs only what it would keep: the decode goes on without it (logged)."""

    def __init__(self, watcher: FrameWatcher) -> None:
        self.watcher, self.failed = watcher, False

    def see(self, index: int, frame: av.VideoFrame) -> None:
        self._call(self.watcher.see, index, frame)

    def finish(self, frame_count: int) -> None:
        self._call(self.watcher.finish, frame_count)

    def close(self) -> None:
        try:
            self.watcher.close()
        except Exception:
            log.exception("closing %r failed", self.watcher)

    def _call(self, method, *args) -> None:
        if self.failed:
            return
        try:
            method(*args)
        except Exception:
            self.failed = True
            log.exception("%r failed; the decode goes on without it", self.watcher)


def decode_all(path: str, on_frame: Callable[[int], None] | None = None,
               watchers: Sequence[FrameWatcher] = ()) -> list[int | None]:
    """Every frame's timestamp in display order, by one sequential decode; each frame shown to the watchers."""
    pts: list[int | None] = []
    with av.open(path) as container:
        stream = container.streams.video[0]
        if watchers:  # the one pass the video gets: FFmpeg's threads decode ahead while the watchers work
            stream.thread_type = "AUTO"
        try:
            for frame in container.decode(stream):
                for watcher in watchers:
                    watcher.see(len(pts), frame)
                pts.append(frame.pts)
                if on_frame and len(pts) % 250 == 0:
                    on_frame(len(pts))
        except av.error.FFmpegError as exc:
            raise DecodeError(f"decoding stopped after {len(pts)} frames ({exc})") from exc
    return pts


def decode_segment(path: str, start_pts: int, packet_count: int) -> list[int | None]:
    """Timestamps of the frames decoded from the keyframe at start_pts and the packets after it."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        container.seek(start_pts, stream=stream, backward=True, any_frame=False)
        frames: list[int | None] = []
        seen = 0
        try:
            for packet in container.demux(stream):
                if packet.size == 0 or (seen == 0 and packet.pts != start_pts):
                    continue
                frames += [frame.pts for frame in packet.decode()]
                seen += 1
                if seen == packet_count:
                    break
            frames += [frame.pts for frame in stream.codec_context.decode(None)]
        except av.error.FFmpegError as exc:
            raise DecodeError(f"decoding stopped near timestamp {start_pts} ({exc})") from exc
    return frames


def split_segments(index: PacketIndex, count: int) -> list[tuple[int, int]]:
    """(first packet, packet count) of up to `count` runs of whole GOPs, about equal in size."""
    keys = np.flatnonzero(index.keyframe)
    if len(keys) == 0 or keys[0] != 0:
        return []
    wanted = np.linspace(0, len(index.pts), count + 1)[1:-1]
    cuts = sorted({0, *(int(keys[np.abs(keys - w).argmin()]) for w in wanted)})
    ends = cuts[1:] + [len(index.pts)]
    return [(start, end - start) for start, end in zip(cuts, ends, strict=True) if end > start]


def decode_parallel(
    path: str, index: PacketIndex, workers: int, on_fraction: Callable[[float], None] | None = None
) -> list[int] | None:
    """Decode segments in worker processes; None when the split would not be exact."""
    segments = split_segments(index, workers * SEGMENTS_PER_WORKER)
    if len(segments) < 2:
        return None
    context = multiprocessing.get_context("spawn")  # safe inside threaded workers
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=die_with_parent) as pool:
        futures = [pool.submit(decode_segment, path, int(index.pts[s]), n) for s, n in segments]
        try:
            for done, future in enumerate(futures, start=1):
                future.result()
                if on_fraction:
                    on_fraction(done / len(futures))
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
    parts = [future.result() for future in futures]
    for (start, count), part in zip(segments, parts, strict=True):
        own = np.sort(index.pts[start : start + count])
        if len(part) != count or None in part or not np.array_equal(np.sort(np.asarray(part)), own):
            return None  # e.g. open GOPs: frames belong to a neighbour segment
    return [pts for part in parts for pts in part]


def default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 8))
