"""Test videos whose frame i shows i in digits and as a bit strip, so any reader can check which frame it got."""

import subprocess
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

BITS = 12
BIT_WIDTH = 20
BIT_HEIGHT = 24


def numbered_frame(index: int, width: int, height: int, background: np.ndarray | None = None) -> np.ndarray:
    """(H, W, 3) uint8: grey (or `background`) with the index in digits and a black/white bit strip along the top."""
    image = Image.new("RGB", (width, height), (96, 96, 96)) if background is None else Image.fromarray(background)
    ImageDraw.Draw(image).text((10, height // 3), f"{index:05d}", fill="white", font_size=min(64, height // 3))
    pixels = np.asarray(image).copy()
    for bit in range(BITS):
        pixels[:BIT_HEIGHT, bit * BIT_WIDTH : (bit + 1) * BIT_WIDTH] = 255 * ((index >> bit) & 1)
    return pixels


def read_frame_number(pixels: np.ndarray) -> int:
    """Inverse of the bit strip: sample the middle of each block of an (H, W, 3) image."""
    row = pixels[BIT_HEIGHT // 2]
    return sum(1 << bit for bit in range(BITS) if row[bit * BIT_WIDTH + BIT_WIDTH // 2].mean() > 127)


def write_numbered_video(
    path: Path, *, codec: str = "libx264", count: int = 48, fps: int = 24, size: tuple[int, int] = (320, 240),
    pts_ms: list[int] | None = None, container_format: str | None = None, audio: bool | str = False,
    gop: int | None = None,
    backgrounds: Callable[[int], np.ndarray] | None = None, turns: int = 0, sample_aspect: Fraction | None = None,
    options: dict | None = None,
) -> Path:
    """Encode `count` numbered frames; pts_ms gives explicit (variable or offset) times in milliseconds.

    `size` is the picture as shown. turns: the frames are stored turned back by that many quarter turns,
    for a display matrix (`set_display_turns`) to turn upright. sample_aspect: stored squeezed to
    pixels of that shape.
    """
    width, height = size
    stored_width = round(width / sample_aspect) // 2 * 2 if sample_aspect else width
    stored_width, stored_height = (height, stored_width) if turns % 2 else (stored_width, height)
    with av.open(str(path), "w", format=container_format) as out:
        stream = out.add_stream(codec, rate=fps, options=options or {})
        stream.width, stream.height = stored_width, stored_height
        stream.pix_fmt = "yuv420p"
        if sample_aspect:
            stream.codec_context.sample_aspect_ratio = sample_aspect
        if gop:
            stream.codec_context.gop_size = gop
        if pts_ms is not None:
            stream.time_base = Fraction(1, 1000)
            stream.codec_context.time_base = Fraction(1, 1000)
        default_audio = "aac" if path.suffix in (".mp4", ".mov") else "mp2"
        sound = out.add_stream(audio if isinstance(audio, str) else default_audio, rate=48000) if audio else None
        for index in range(count):
            background = backgrounds(index) if backgrounds else None
            pixels = np.rot90(numbered_frame(index, width, height, background), -turns)
            if sample_aspect:
                pixels = np.asarray(Image.fromarray(pixels).resize((stored_width, stored_height), Image.BILINEAR))
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(pixels), format="rgb24")
            if pts_ms is not None:
                frame.pts, frame.time_base = pts_ms[index], Fraction(1, 1000)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
        if sound is not None:
            _write_tone(out, sound, seconds=count / fps)
    return path


def set_display_turns(source: Path, out: Path, turns: int) -> Path:
    """Copy `source` with a display matrix that turns it `turns` quarter turns counterclockwise, as phones
    write one (ffmpeg's CLI: PyAV cannot write it). Players, ffmpeg and PyAV read it back as that turn."""
    degrees = turns % 4 * 90
    for flags in (["-display_rotation", str(degrees), "-i", str(source)],  # ffmpeg 6 and later
                  ["-i", str(source), "-metadata:s:v:0", f"rotate={degrees}"]):  # ffmpeg 5
        done = subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *flags, "-c", "copy", str(out)],
                              capture_output=True)
        if done.returncode == 0 and _turns_of(out) == turns % 4:
            return out
    raise RuntimeError(f"ffmpeg could not set a display rotation of {degrees} degrees: {done.stderr.decode()}")


def _turns_of(path: Path) -> int:
    with av.open(str(path)) as container:
        return round(next(container.decode(video=0)).rotation / 90) % 4


def _write_tone(out, stream, seconds: float) -> None:
    samples = int(seconds * 48000)
    tone = (0.2 * np.sin(np.arange(samples) * 2 * np.pi * 440 / 48000)).astype(np.float32)
    for start in range(0, samples, 1152):
        chunk = tone[start : start + 1152].reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
        frame.sample_rate = 48000
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))
