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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.clips import HEIGHT, WIDTH, dashcam_clip  # noqa: E402
from videos import media  # noqa: E402


def plain_decode(path: Path, thread_type: str | None = None) -> tuple[float, int]:
    with path.open("rb") as handle:  # the file is in the page cache for every contender (read in pieces: a
        while handle.read(1 << 24):  # 10-hour clip in one bytes object would be the process's peak memory)
            pass
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
    path = dashcam_clip(minutes * 60)
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
