"""Generated H.264 clips for the benches (720p30 dashcam, long low-resolution shots), cached under bench/.cache/
(never committed)."""

import csv
from pathlib import Path

import av
import numpy as np

CACHE = Path(__file__).resolve().parent / ".cache"
WIDTH, HEIGHT, FPS = 1280, 720, 30
GRAINS = 64  # grain patterns shots_clip picks from at random, a frame at a time


def dashcam_clip(seconds: float, shot_seconds: float | None = None, scenes: int = 1) -> Path:
    """A scrolling textured scene with sensor-like grain, about as hard to decode as camera footage;
    with shot_seconds the scene jumps ("a new shot") that often, to scene k % scenes of `scenes` textures."""
    looks = f"-{scenes}scenes" if scenes > 1 else ""
    path = CACHE / f"clip-{seconds:g}s-720p{f'-shots{shot_seconds:g}' if shot_seconds else ''}{looks}.mp4"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    rng = np.random.default_rng(0)
    # Scene k: its own block size and colour cast, as different places look different.
    textures = [(rng.integers(0, 256, (HEIGHT // block, 2 * WIDTH // block, 3)) * tint).astype(np.uint8)
                .repeat(block, 0).repeat(block, 1)[:HEIGHT, : WIDTH * 2]
                for block, tint in [(8, [1, 1, 1]), (16, [1, 0.6, 0.4]), (40, [0.4, 0.7, 1])][:scenes]]
    shot_frames = int(shot_seconds * FPS) if shot_seconds else None
    with av.open(str(partial := path.with_suffix(".part.mp4")), "w") as out:
        stream = out.add_stream("libx264", rate=FPS, options={"preset": "veryfast", "crf": "23"})
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        for index in range(int(seconds * FPS)):
            shot = index // shot_frames if shot_frames else 0
            jump, texture = shot * 400, textures[shot % scenes]
            offset = (index * 4 + jump) % WIDTH
            grain = rng.integers(0, 40, (HEIGHT // 4, WIDTH // 4, 1), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
            pixels = texture[:, offset : offset + WIDTH] // 2 + grain
            out.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
        out.mux(stream.encode(None))
    return partial.rename(path)  # a run stopped half-way leaves no clip that looks whole


def shots_clip(minutes: float, width: int = 320, height: int = 180, fps: int = 30, shot_seconds: float = 8.0,
               scenes: int = 3, drift: float = 1.0) -> Path:
    """A long video of shots of `scenes` places (each its own texture scale and colour cast, drifting slowly,
    with grain), cut to one another every shot_seconds on average (0.5x-1.5x). Frame truth: scene_of. The scene
    drifts `drift` pixels a frame: at 1 the change gate classifies about one frame in twelve, at 1/4 one a second.

    Frames are built as YUV planes with grain from a pool, so ten hours (1.08 M frames) take about half an hour
    to write rather than an hour and a half."""
    slow = f"-drift{drift:g}" if drift != 1 else ""
    path = CACHE / f"shots-{minutes:g}min-{width}x{height}p{fps}-{scenes}scenes{slow}.mp4"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    rng = np.random.default_rng(1)
    looks = [_yuv420((rng.integers(0, 256, (height // block + 1, 2 * width // block + 1, 3)) * np.asarray(tint))
                     .astype(np.uint8).repeat(block, 0).repeat(block, 1)[:height, : 2 * width])
             for block, tint in [(4, [1, 1, 1]), (10, [1, 0.6, 0.4]), (30, [0.4, 0.7, 1])][:scenes]]
    grains = rng.integers(0, 20, (GRAINS, height // 4, width // 4), dtype=np.uint8).repeat(4, 1).repeat(4, 2)
    with av.open(str(partial := path.with_suffix(".part.mp4")), "w") as out:
        stream = out.add_stream("libx264", rate=fps, options={"preset": "superfast", "crf": "23"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index, scene in enumerate(scene_of(minutes, fps, shot_seconds, scenes)):
            luma, blue, red = looks[scene]
            shift = int(index * drift) % width
            half = shift // 2
            planes = np.concatenate([luma[:, shift : shift + width] // 2 + grains[rng.integers(GRAINS)] + 8,
                                     (blue[:, half : half + width // 2] // 2 + 64).reshape(height // 4, width),
                                     (red[:, half : half + width // 2] // 2 + 64).reshape(height // 4, width)])
            out.mux(stream.encode(av.VideoFrame.from_ndarray(planes, format="yuv420p")))
        out.mux(stream.encode(None))
    return partial.rename(path)


def _yuv420(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BT.601 limited-range Y, U and V planes of an (H, W, 3) picture; U and V at half size."""
    red, green, blue = (rgb[..., channel].astype(np.float32) for channel in range(3))
    planes = (16 + 0.257 * red + 0.504 * green + 0.098 * blue, 128 - 0.148 * red - 0.291 * green + 0.439 * blue,
              128 + 0.439 * red - 0.368 * green - 0.071 * blue)
    height, width = red.shape
    halved = [plane.reshape(height // 2, 2, width // 2, 2).mean((1, 3)) for plane in planes[1:]]
    return tuple(plane.round().astype(np.uint8) for plane in (planes[0], *halved))


def scene_of(minutes: float, fps: int = 30, shot_seconds: float = 8.0, scenes: int = 3) -> np.ndarray:
    """(N,) the scene each frame of shots_clip shows."""
    rng = np.random.default_rng(2)
    frames, out, previous = int(minutes * 60 * fps), [], -1
    while len(out) < frames:
        scene = int(rng.choice([s for s in range(scenes) if s != previous]))
        out.extend([scene] * int(shot_seconds * fps * rng.uniform(0.5, 1.5)))
        previous = scene
    return np.asarray(out[:frames])


def dev_clips(folder: Path) -> dict:
    """The development set ../shared/evalset builds: video_NN.mp4 with video_NN.csv (frame,label,label_id,...)."""
    clips: dict = {}
    names: dict[int, str] = {}
    for path in sorted(folder.glob("video_*.mp4")):
        with path.with_suffix(".csv").open() as handle:
            rows = list(csv.DictReader(handle))
        names |= {int(row["label_id"]): row["label"] for row in rows}
        clips[path] = np.asarray([int(row["label_id"]) for row in rows])
    return {"classes": [names[i] for i in sorted(names)], **clips}
