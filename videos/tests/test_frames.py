import pytest

from videos.frames import SEEK_GAP_FRAMES, read_frames
from videos.media import probe
from videos.tests.numbered_video import read_frame_number, write_numbered_video


def frame_number(frame) -> int:
    return read_frame_number(frame.to_ndarray(format="rgb24"))


@pytest.mark.parametrize("name", ["cfr.mp4", "vp9.webm", "vfr.mkv", "late-start.webm", "old.avi", "old.mpg"])
def test_each_wanted_frame_is_exactly_that_frame(video_files, name):
    path = str(video_files[name])
    pts = probe(path).pts
    wanted = [len(pts) - 1, 0, 7, 8, 20, 7]
    got = list(read_frames(path, pts, wanted, frame_number))
    assert got == [(i, i) for i in sorted(set(wanted))]


def test_far_apart_frames_are_reached_by_seeking_on_long_videos(tmp_path):
    count = 6 * SEEK_GAP_FRAMES
    path = str(write_numbered_video(tmp_path / "long.mp4", count=count, gop=50))
    pts = probe(path).pts
    wanted = [3, SEEK_GAP_FRAMES * 2 + 1, SEEK_GAP_FRAMES * 2 + 5, count - 1]
    decoded = []

    def record(frame):
        decoded.append(frame.pts)
        return frame_number(frame)

    assert list(read_frames(path, pts, wanted, record)) == [(i, i) for i in wanted]
    assert len(decoded) == len(wanted)


def test_frames_outside_the_video_are_refused(video_files):
    path = str(video_files["cfr.mp4"])
    with pytest.raises(IndexError, match="0..47"):
        list(read_frames(path, probe(path).pts, [48], frame_number))
