"""Clips of the kinds users bring (issue 11), made once per run: frame i shows i the way players show it."""

import os
from fractions import Fraction
from pathlib import Path

import av
import pytest

from videos.tests.numbered_video import set_display_turns, write_numbered_video

PORTRAIT = (240, 320)


def _damage_one_audio_packet(path: Path) -> Path:
    with av.open(str(path)) as container:
        position, size = [(p.pos, p.size) for p in container.demux(audio=0) if p.size][10]
    data = bytearray(path.read_bytes())
    data[position + 2 : position + size] = b"\xff" * (size - 2)  # keeps the sync word, breaks the frame
    damaged = path.with_name("damaged-audio.avi")
    damaged.write_bytes(bytes(data))
    return damaged


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> dict[str, Path]:
    os.environ.setdefault("SVT_LOG", "1")  # SVT-AV1 prints its whole configuration otherwise
    folder = tmp_path_factory.mktemp("formats")
    stored = {
        "phone": write_numbered_video(folder / "stored.mp4", count=24, size=PORTRAIT, turns=3),
        "phone-hevc": write_numbered_video(folder / "stored-hevc.mp4", codec="libx265", count=24, size=PORTRAIT,
                                           turns=1, options={"x265-params": "log-level=error"}),
    }
    gaps = [(33, 50)[i % 2] for i in range(120)]
    return {
        "phone.mp4": set_display_turns(stored["phone"], folder / "phone.mp4", 3),
        "phone-hevc.mp4": set_display_turns(stored["phone-hevc"], folder / "phone-hevc.mp4", 1),
        "dvd.mpg": write_numbered_video(folder / "dvd.mpg", codec="mpeg2video", container_format="mpeg", count=25,
                                        fps=25, size=(640, 480), sample_aspect=Fraction(8, 9)),
        "camcorder.m2ts": write_numbered_video(folder / "camcorder.m2ts", container_format="mpegts", count=30),
        "clip.ts": write_numbered_video(folder / "clip.ts", container_format="mpegts", count=30, audio="mp2"),
        "bframes-vfr.mkv": write_numbered_video(folder / "bframes-vfr.mkv", count=120, gop=30, options={"bf": "3"},
                                                pts_ms=[sum(gaps[:i]) for i in range(120)]),
        "damaged-audio.avi": _damage_one_audio_packet(
            write_numbered_video(folder / "ac3.avi", codec="mpeg4", count=48, audio="ac3")),
        "av1.mp4": write_numbered_video(folder / "av1.mp4", codec="libsvtav1", count=12, size=(320, 240)),
        "av1.webm": write_numbered_video(folder / "av1.webm", codec="libsvtav1", count=12, size=(320, 240)),
    }
