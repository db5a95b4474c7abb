"""Ingest speed (SPEC Q-4): probe and rendition time as ratios to a plain PyAV decode of the same file.

Run: .venv/bin/python bench/ingest.py [--minutes 1 10] — clips are generated once under bench/.cache/.
"""

import argparse
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from videos import media  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"
WIDTH, HEIGHT, FPS = 1280, 720, 30


def make_clip(minutes: float) -> Path:
    """A 720p30 H.264 clip: a scrolling textured scene, about as hard to decode as camera footage."""
    path = CACHE / f"clip-{minutes:g}min-720p.mp4"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    rng = np.random.default_rng(0)
    texture = rng.integers(0, 256, (HEIGHT // 8, WIDTH // 4, 3), dtype=np.uint8).repeat(8, 0).repeat(8, 1)
    texture = np.concatenate([texture, texture], axis=1)  # wide enough to scroll through
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=FPS, options={"preset": "veryfast", "crf": "23"})
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        for index in range(int(minutes * 60 * FPS)):
            offset = (index * 4) % WIDTH
            grain = rng.integers(0, 40, (HEIGHT // 4, WIDTH // 4, 1), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
            pixels = texture[:, offset : offset + WIDTH] // 2 + grain  # sensor-like grain, as in real footage
            out.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
        out.mux(stream.encode(None))
    return path


def plain_decode(path: Path, thread_type: str | None = None) -> tuple[float, int]:
    path.read_bytes()  # the file is in the page cache for every contender
    started = time.perf_counter()
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if thread_type:
            stream.thread_type = thread_type
        frames = sum(1 for _ in container.decode(stream))
    return time.perf_counter() - started, frames


def timed(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def bench(minutes: float) -> None:
    path = make_clip(minutes)
    decode_s, frames = plain_decode(path)
    threaded_s, _ = plain_decode(path, "AUTO")
    probe_s, probed = timed(media.probe, str(path))
    assert probed.frame_count == frames, "probe and plain decode disagree on the frame count"
    avi = _as_avi(path, probed.fps)
    avi_decode_s, _ = plain_decode(avi)
    avi_probed = media.probe(str(avi))
    with tempfile.TemporaryDirectory() as folder:
        rendition_s, _ = timed(media.make_rendition, str(avi), f"{folder}/playback.mp4", avi_probed)
    print(f"\n{minutes:g}-minute 720p H.264 clip: {frames} frames, {path.stat().st_size / 1e6:.0f} MB")
    print(f"  plain decode (PyAV defaults)     {decode_s:7.2f} s  {frames / decode_s:6.0f} frames/s")
    print(f"  plain decode (frame threads)     {threaded_s:7.2f} s  {frames / threaded_s:6.0f} frames/s")
    print(f"  probe (decode-verified count)    {probe_s:7.2f} s  ratio to plain decode {probe_s / decode_s:.2f}"
          f"  (to threaded decode {probe_s / threaded_s:.2f}; target <= 1)")
    print(f"  rendition of the same as MPEG-4 AVI {rendition_s:7.2f} s  ratio to decoding that AVI "
          f"{rendition_s / avi_decode_s:.2f}  ({frames / rendition_s:.0f} frames/s)")


def _as_avi(path: Path, fps: Fraction) -> Path:
    """The same clip as an MPEG-4 Part 2 AVI, a format browsers cannot play."""
    avi = path.with_suffix(".avi")
    if avi.exists():
        return avi
    with av.open(str(path)) as source, av.open(str(avi), "w") as out:
        stream = out.add_stream("mpeg4", rate=fps)
        stream.bit_rate = 8_000_000
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        for frame in source.decode(video=0):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(frame.to_ndarray(), format="yuv420p")))
        out.mux(stream.encode(None))
    return avi


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, nargs="+", default=[1, 10])
    for minutes in parser.parse_args().minutes:
        bench(minutes)
