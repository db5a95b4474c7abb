"""Generated 720p30 H.264 clips for the benches, cached under bench/.cache/ (never committed)."""

from pathlib import Path

import av
import numpy as np

CACHE = Path(__file__).resolve().parent / ".cache"
WIDTH, HEIGHT, FPS = 1280, 720, 30


def dashcam_clip(seconds: float, shot_seconds: float | None = None) -> Path:
    """A scrolling textured scene with sensor-like grain, about as hard to decode as camera footage;
    with shot_seconds the scene jumps ("a new shot") that often."""
    path = CACHE / f"clip-{seconds:g}s-720p{f'-shots{shot_seconds:g}' if shot_seconds else ''}.mp4"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    rng = np.random.default_rng(0)
    texture = rng.integers(0, 256, (HEIGHT // 8, WIDTH // 4, 3), dtype=np.uint8).repeat(8, 0).repeat(8, 1)
    texture = np.concatenate([texture, texture], axis=1)  # wide enough to scroll through
    shot_frames = int(shot_seconds * FPS) if shot_seconds else None
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=FPS, options={"preset": "veryfast", "crf": "23"})
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        for index in range(int(seconds * FPS)):
            jump = (index // shot_frames) * 400 if shot_frames else 0
            offset = (index * 4 + jump) % WIDTH
            grain = rng.integers(0, 40, (HEIGHT // 4, WIDTH // 4, 1), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
            pixels = texture[:, offset : offset + WIDTH] // 2 + grain
            out.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
        out.mux(stream.encode(None))
    return path
