"""A numbered test video made of shots: each shot has its own random block pattern."""

from pathlib import Path

import numpy as np
from PIL import Image

from videos.tests.numbered_video import write_numbered_video

# Backgrounds whose pHash moves by at most 4 bits under the changing frame number (checked by a test).
STEADY_SEEDS = [0, 1, 3, 5]


def shot_background(shot: int, size=(640, 480)) -> np.ndarray:
    """Big black and white blocks, random per shot: their pHash outweighs the frame number drawn on top."""
    grid = np.random.default_rng(shot).integers(0, 2, (4, 4, 1), dtype=np.uint8).repeat(3, axis=2) * 255
    return np.asarray(Image.fromarray(grid).resize(size, Image.NEAREST))


def write_shots_video(path: Path, shot_lengths: list[int], fps: int = 10, shot_seeds: list[int] | None = None) -> Path:
    """Frame i shows i; shot k (frames of `shot_lengths[k]`) has background `shot_seeds[k]`."""
    seeds = shot_seeds or STEADY_SEEDS[: len(shot_lengths)]
    shot_of = np.repeat(np.arange(len(shot_lengths)), shot_lengths)
    backgrounds = {seed: shot_background(seed) for seed in seeds}
    return write_numbered_video(path, count=len(shot_of), fps=fps, size=(640, 480),
                                backgrounds=lambda i: backgrounds[seeds[shot_of[i]]])
