"""Every video a user brings (issue 11): phone rotation, anamorphic pixels, MPEG-TS, damaged audio,
B-frame VFR, AV1, and files that are not videos at all. Frame i of each clip shows i as it is displayed."""

import io
import re
import subprocess
import zipfile
from pathlib import Path

import av
import numpy as np
import pytest
from django.core.files import File
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from aigva.errors import UserFacingError
from projects.tests.factories import make_project
from videos import media, services
from videos.models import Video, VideoStatus
from videos.tests.conftest import PORTRAIT
from videos.tests.factories import ingest
from videos.tests.numbered_video import read_frame_number, write_numbered_video


def shown_by_ffmpeg(path: Path, picture) -> np.ndarray:
    """(N, H, W, 3) frames as ffmpeg's player logic shows them: turned by the display matrix."""
    raw = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, picture.height, picture.width, 3)


def decoded(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


@pytest.mark.parametrize(("name", "shown", "turns", "playable"), [
    ("phone.mp4", PORTRAIT, 3, True), ("phone-hevc.mp4", PORTRAIT, 1, False), ("dvd.mpg", (640, 480), 0, False),
])
def test_probe_knows_how_players_show_the_picture(clips, name, shown, turns, playable):
    probed = media.probe(str(clips[name]))
    picture = probed.picture
    assert (picture.width, picture.height, picture.quarter_turns) == (*shown, turns)
    assert probed.browser_playable is playable
    # ffmpeg turns it the same way, and then frame i shows i the right way up.
    frames = shown_by_ffmpeg(clips[name], picture) if turns else None
    if frames is not None:
        assert [read_frame_number(f) for f in frames] == list(range(probed.frame_count))


@pytest.mark.parametrize("name", ["phone-hevc.mp4", "dvd.mpg"])
def test_the_playback_copy_is_upright_with_square_pixels(clips, tmp_path, name):
    probed = media.probe(str(clips[name]))
    out = tmp_path / "playback.mp4"
    media.make_rendition(str(clips[name]), str(out), probed)
    copy = media.probe(str(out))
    assert (copy.width, copy.height) == (probed.picture.width, probed.picture.height)
    assert copy.quarter_turns == 0 and copy.sample_aspect == 1
    assert [read_frame_number(f) for f in decoded(out)] == list(range(probed.frame_count))


def test_every_reader_sees_the_upright_picture(clips):
    probed = media.probe(str(clips["phone.mp4"]))
    picture = probed.picture
    with av.open(str(clips["phone.mp4"])) as container:
        frame = next(container.decode(video=0))
    upright = picture.upright(frame).to_ndarray(format="rgb24")
    assert upright.shape == (320, 240, 3) and read_frame_number(upright) == 0
    jpeg = Image.open(io.BytesIO(picture.jpeg(frame, width=120)))
    assert jpeg.size == (120, 160)
    # The model's square input is the upright picture squashed, the same whichever way it is made.
    square = picture.square(frame, 224)
    made_upright_first = np.asarray(Image.fromarray(upright).resize((224, 224), Image.BILINEAR))
    assert np.abs(square.astype(int) - made_upright_first).mean() < 8


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["phone.mp4", "phone-hevc.mp4", "dvd.mpg"])
def test_exported_frames_are_upright_with_square_pixels(clips, name, tmp_path):
    from exports.dataset import write_dataset
    from exports.selectors import ExportOptions, plan_dataset

    video = ingest(make_project(), clips[name])
    plans = plan_dataset(video.project, ExportOptions(frame_skip=5))
    out = tmp_path / "dataset.zip"
    with out.open("wb") as handle:
        write_dataset(plans, {}, {}, 95, handle)
    with zipfile.ZipFile(out) as archive:
        names = sorted((n for n in archive.namelist() if n.endswith(".jpg")),
                       key=lambda n: int(n[:-4].rsplit("frame", 1)[1]))
        images = [np.asarray(Image.open(archive.open(n)).convert("RGB")) for n in names]
    assert len(images) == len(range(0, video.frame_count, 5))
    assert {image.shape[:2] for image in images} == {(video.picture.height, video.picture.width)}
    assert [read_frame_number(image) for image in images] == list(range(0, video.frame_count, 5))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "frames", "mime"), [
    ("camcorder.m2ts", 30, "video/mp2t"), ("clip.ts", 30, "video/mp2t"), ("bframes-vfr.mkv", 120, "video/x-matroska"),
])
def test_mpeg_ts_and_b_frame_vfr_come_in_exactly(clips, name, frames, mime):
    video = ingest(make_project(), clips[name])
    assert video.status == VideoStatus.READY, video.error
    assert video.frame_count == frames and video.mime_type == mime and video.playback
    with video.playback.open("rb") as handle:
        numbers = [read_frame_number(frame.to_ndarray(format="rgb24")) for frame in av.open(handle).decode(video=0)]
    assert numbers == list(range(frames))


@pytest.mark.django_db
def test_damaged_audio_never_fails_the_video(clips):
    video = ingest(make_project(), clips["damaged-audio.avi"])
    assert video.status == VideoStatus.READY and video.frame_count == 48
    assert "1 damaged audio packet" in video.note
    with video.playback.open("rb") as handle:
        assert len([f for f in av.open(handle).decode(video=0)]) == 48


@pytest.mark.parametrize(("name", "mime"), [("av1.mp4", "video/mp4"), ("av1.webm", "video/webm")])
def test_codec_names_are_codecs_not_decoders(clips, name, mime):
    probed = media.probe(str(clips[name]))
    assert (probed.codec, probed.mime_type, probed.browser_playable) == ("av1", mime, True)  # no needless copy


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(gaps=st.lists(st.sampled_from([17, 33, 40, 50, 67, 100]), min_size=12, max_size=40),
       gop=st.integers(1, 30), b_frames=st.integers(0, 3))
def test_the_playback_copy_keeps_any_frame_timing(tmp_path, gaps, gop, b_frames):
    times = [sum(gaps[:i]) for i in range(len(gaps))]
    source = write_numbered_video(tmp_path / "source.mkv", count=len(times), size=(256, 48), pts_ms=times, gop=gop,
                                  options={"bf": str(b_frames)})
    probed = media.probe(str(source))
    media.make_rendition(str(source), str(tmp_path / "copy.mp4"), probed)  # checks count and times itself
    copy = media.probe(str(tmp_path / "copy.mp4"))
    shown = (copy.pts - copy.pts[0]) * float(copy.time_base) * 1000
    assert np.abs(shown - np.asarray(times)).max() < 1
    assert [read_frame_number(f) for f in decoded(tmp_path / "copy.mp4")] == list(range(len(times)))


def _audio_only(path: Path) -> Path:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=48000)
        for start in range(0, 48000, 1024):
            frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="flt", layout="mono")
            frame.sample_rate, frame.pts = 48000, start
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def _animated_gif(path: Path) -> Path:
    frames = [Image.new("RGB", (64, 64), (i * 40, 0, 0)) for i in range(5)]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "message"), [
    (lambda folder: _audio_only(folder / "song.m4a"), "holds only audio (aac)"),
    (lambda folder: (Image.new("RGB", (64, 64)).save(folder / "photo.mp4", format="PNG"), folder / "photo.mp4")[1],
     "a picture (png)"),
    (lambda folder: _animated_gif(folder / "funny.gif"), "a picture (gif)"),
])
def test_files_that_are_not_videos_are_refused_at_upload(tmp_path, make, message):
    project, path = make_project(), make(tmp_path)
    with path.open("rb") as handle, pytest.raises(UserFacingError, match=re.escape(message)):
        services.create_video(project=project, upload=File(handle, name=path.name), name=path.name, created_by=None,
                              enqueue=False)
    assert not Video.objects.exists()
    storage = Video().file.storage
    assert not storage.exists(f"videos/{project.pk}") or not storage.listdir(f"videos/{project.pk}")[0]
