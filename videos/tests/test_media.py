import av
import numpy as np
import pytest

from videos import media
from videos.tests.numbered_video import read_frame_number


def decoded_numbers(path) -> list[int]:
    with av.open(str(path)) as container:
        return [read_frame_number(frame.to_ndarray(format="rgb24")) for frame in container.decode(video=0)]


@pytest.mark.parametrize(
    ("name", "frames", "playable"),
    [("cfr.mp4", 48, True), ("vp9.webm", 48, True), ("vfr.mkv", 40, False), ("late-start.webm", 30, True),
     ("old.avi", 48, False), ("old.mpg", 50, False)],
)
def test_probe_counts_every_frame_exactly(video_files, name, frames, playable):
    probed = media.probe(str(video_files[name]))
    assert probed.frame_count == frames
    assert probed.browser_playable is playable
    assert np.all(np.diff(probed.pts) > 0)


def test_probe_keeps_variable_frame_times(video_files):
    probed = media.probe(str(video_files["vfr.mkv"]))
    steps_ms = np.diff(probed.pts) * float(probed.time_base) * 1000
    assert list(np.round(steps_ms[:4])) == [33, 50, 33, 50]


def test_probe_keeps_a_late_first_timestamp(video_files):
    probed = media.probe(str(video_files["late-start.webm"]))
    assert probed.start_seconds == pytest.approx(2.0)
    assert probed.duration_seconds == pytest.approx(30 / 24, abs=0.01)
    assert probed.mime_type == "video/webm"


@pytest.mark.parametrize("name", ["old.avi", "old.mpg", "vfr.mkv"])
def test_rendition_frame_i_shows_frame_i(video_files, tmp_path, name):
    probed = media.probe(str(video_files[name]))
    out = tmp_path / "playback.mp4"
    media.make_rendition(str(video_files[name]), str(out), probed)
    assert decoded_numbers(out) == list(range(probed.frame_count))
    rendition = media.probe(str(out))
    assert rendition.browser_playable and rendition.audio_codec in (None, "aac")
    relative = (rendition.pts - rendition.pts[0]) * float(rendition.time_base)
    expected = (probed.pts - probed.pts[0]) * float(probed.time_base)
    assert np.abs(relative - expected).max() < 0.5 / float(probed.fps)


def test_rendition_has_a_keyframe_every_second(video_files, tmp_path):
    probed = media.probe(str(video_files["old.avi"]))
    out = tmp_path / "playback.mp4"
    media.make_rendition(str(video_files["old.avi"]), str(out), probed)
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        keys = [float(p.pts * stream.time_base) for p in container.demux(stream) if p.is_keyframe]
    assert np.diff(sorted(keys)).max() <= 1.0 + 1e-6


def test_verify_rendition_catches_a_missing_frame(video_files):
    probed = media.probe(str(video_files["old.avi"]))
    expected_more = media.ProbeResult(**{**probed.__dict__, "pts": np.append(probed.pts, probed.pts[-1] + 1)})
    with pytest.raises(media.MediaError, match="49 frames|48 frames"):
        media.verify_rendition(str(video_files["cfr.mp4"]), expected_more)


@pytest.mark.parametrize(
    ("name", "message"),
    [("empty.mp4", "not a video file"), ("notes.mp4", "not a video file"), ("page.mp4", "not a video file"),
     ("truncated.mp4", "not a video file")],
)
def test_probe_refuses_non_videos_clearly(bad_files, name, message):
    with pytest.raises(media.MediaError, match=message):
        media.probe(str(bad_files[name]))
