import numpy as np
import pytest

from videos import decoding, media
from videos.tests.numbered_video import write_numbered_video


@pytest.fixture(scope="module")
def short_gops(tmp_path_factory):
    return write_numbered_video(tmp_path_factory.mktemp("gops") / "gops.mp4", count=120, gop=12)


def test_parallel_probe_matches_one_sequential_decode(short_gops, monkeypatch):
    monkeypatch.setattr(decoding, "PARALLEL_MIN_FRAMES", 0)
    sequential = media.probe(str(short_gops), workers=1)
    progress = []
    parallel = media.probe(str(short_gops), workers=2, on_progress=progress.append)
    assert parallel.frame_count == sequential.frame_count == 120
    assert np.array_equal(parallel.pts, sequential.pts)
    assert progress and progress[-1] == 1.0


def test_decode_parallel_takes_the_parallel_path_on_closed_gops(short_gops):
    import av

    with av.open(str(short_gops)) as container:
        index = decoding.index_packets(container, container.streams.video[0])
    parallel = decoding.decode_parallel(str(short_gops), index, workers=2)
    assert parallel is not None
    assert parallel == sorted(index.pts.tolist())


def test_segments_start_on_keyframes_and_cover_every_packet(short_gops):
    import av

    with av.open(str(short_gops)) as container:
        index = decoding.index_packets(container, container.streams.video[0])
    segments = decoding.split_segments(index, 4)
    assert all(index.keyframe[start] for start, _ in segments)
    assert sum(count for _, count in segments) == len(index.pts) == 120


def test_a_segment_decodes_exactly_its_own_frames(short_gops):
    import av

    with av.open(str(short_gops)) as container:
        index = decoding.index_packets(container, container.streams.video[0])
    start = int(np.flatnonzero(index.keyframe)[3])
    frames = decoding.decode_segment(str(short_gops), int(index.pts[start]), 12)
    assert sorted(frames) == sorted(index.pts[start : start + 12].tolist())
