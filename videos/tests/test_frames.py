import av
import numpy as np
import pytest

from videos.frames import SEEK_GAP_FRAMES, _decoded, read_frames
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


def test_frames_nothing_refers_to_are_not_decoded_on_the_way_and_the_wanted_ones_match_a_full_decode(tmp_path):
    path = str(write_numbered_video(tmp_path / "bframes.mp4", count=3 * SEEK_GAP_FRAMES, gop=SEEK_GAP_FRAMES))
    pts = probe(path).pts
    with av.open(path) as container:
        every = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
        # x264's non-reference B-frames before the target are left out, the target itself is not
        stream = container.streams.video[0]
        container.seek(int(pts[SEEK_GAP_FRAMES]), stream=stream, backward=True)
        target = SEEK_GAP_FRAMES + 50
        shown = [frame.pts for frame in _decoded(container, stream, lambda: int(pts[target]))]
    assert int(pts[target]) in shown and len([p for p in shown if p <= pts[target]]) < 40
    wanted = list(range(0, len(pts), 7)) + [SEEK_GAP_FRAMES + 1, len(pts) - 1]
    read = dict(read_frames(path, pts, wanted, lambda frame: frame.to_ndarray(format="rgb24")))
    assert sorted(read) == sorted(set(wanted))
    for index, pixels in read.items():
        np.testing.assert_array_equal(pixels, every[index])
