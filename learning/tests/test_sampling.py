
import av
import numpy as np
import pytest
from PIL import Image

from aigva.errors import UserFacingError
from labelling.tests.shots import write_shots_video
from learning import actors, services
from learning.models import TrainingSample
from learning.sampling import nearest, uniform_frames, unique_frames
from learning.tests.factories import shown_frame
from prediction.features import FrameFeatures
from prediction.ml.frame_hash import grey_phash, hash_distance
from prediction.ml.selection import representative
from projects.models import JobStatus
from projects.tests.factories import make_project
from videos.tests.factories import ingest

SHOTS = [25, 15, 30, 20]  # at 10 frames/s: cuts at frames 25, 40 and 70


@pytest.fixture(scope="module")
def shots_video(tmp_path_factory):
    return write_shots_video(tmp_path_factory.mktemp("shots") / "shots.mp4", SHOTS)


def test_uniform_spreads_frames_from_first_to_last():
    assert uniform_frames(48, 5) == [0, 12, 24, 35, 47]
    assert uniform_frames(3, 10) == [0, 1, 2]
    assert uniform_frames(0, 5) == [] and uniform_frames(10, 0) == []


def test_unique_keeps_a_frame_when_it_differs_enough_from_the_last_kept_one():
    bits = [0, 0b111, 0xFF, 0x1FF, 0xFFFF00, 0xFFFF01]  # 0, 3, 8, 9, 16 and 17 bits set
    hashes = list(enumerate(bits))
    assert unique_frames(hashes, threshold=8, count=10) == [0, 2, 4]  # 8 bits from 0, then 24 from 0xFF
    assert unique_frames(hashes, threshold=8, count=2) == [0, 4]  # capped, spread evenly


def test_nearest_finds_the_closest_kept_frame_either_side():
    kept = np.asarray([0, 10, 30, 31])
    assert kept[nearest(kept, np.asarray([0, 4, 6, 20, 29, 40]))].tolist() == [0, 0, 10, 10, 30, 31]


def test_representative_takes_the_most_typical_frame_of_each_kind_of_picture():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 16)) * 10
    sizes = [60, 5, 20]  # a long shot, a short one and a middling one
    features = np.concatenate([centre + rng.normal(size=(size, 16)) for centre, size in zip(centres, sizes,
                                                                                             strict=True)])
    kind = np.repeat([0, 1, 2], sizes)
    picked = representative(features, 3)
    assert sorted(kind[picked].tolist()) == [0, 1, 2]  # evenly spaced frames would spend two on the long shot
    centred = features - features.mean(0)
    for index in picked:  # the member nearest its kind's mean, not an edge case
        members = np.flatnonzero(kind == kind[index])
        unit = centred[members] / np.linalg.norm(centred[members], axis=1, keepdims=True)
        assert index == members[np.argmin(((unit - unit.mean(0)) ** 2).sum(1))]
    assert representative(features[:2], 3).tolist() == [0, 1]
    assert representative(np.ones((10, 4)), 3).tolist() == [0]  # one kind of picture: one question


def test_many_candidates_cluster_on_their_leading_directions_as_tightly_as_on_all_of_them():
    from sklearn.cluster import KMeans

    from prediction.ml.selection import REDUCE_ABOVE_ROWS, _clusters

    rng = np.random.default_rng(1)
    centres = rng.normal(size=(6, 1280)) * 0.3
    kind = rng.integers(0, 6, 3 * REDUCE_ABOVE_ROWS)
    unit = (centres[kind] + rng.normal(size=(len(kind), 1280)) * 0.1).astype(np.float32)  # a long video's 768 frames
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    reduced, whole = _clusters(unit, 6, seed=0), KMeans(6, n_init=32, random_state=0).fit(unit)
    assert reduced.cluster_centers_.shape == (6, 1280)  # finished on every direction
    assert reduced.inertia_ <= whole.inertia_ * 1.002
    assert sorted(kind[representative(unit, 6)].tolist()) == list(range(6))


def test_the_generated_shots_differ_across_cuts_and_not_within(shots_video):
    with av.open(str(shots_video)) as container:
        hashes = [grey_phash(frame) for frame in container.decode(video=0)]
    starts = np.cumsum([0] + SHOTS[:-1])
    for start, length in zip(starts, SHOTS, strict=True):
        assert max(hash_distance(hashes[start + i], hashes[start]) for i in range(length)) < 8
    assert min(hash_distance(hashes[b], hashes[a]) for a, b in zip(starts, starts[1:], strict=False)) >= 8


def sample(project, video, **options):
    job = services.start_sampling(project=project, videos=[video], started_by=None, enqueue=False, **options)
    actors.sample_frames(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


@pytest.mark.django_db
def test_unique_sampling_picks_the_first_frame_of_each_shot_at_the_stride(shots_video):
    project = make_project()
    video = ingest(project, shots_video)
    job = sample(project, video, per_video=10, method="unique", stride_seconds=1.0, threshold=8)
    samples = list(video.samples.order_by("frame"))
    # Candidates every 10 frames, each the nearest frame the probe's pass hashed (every 4th: 0, 8, 20, 28, 40, 48,
    # 60, 68, 80, 88); the first candidate inside each shot is kept.
    assert [s.frame for s in samples] == [0, 28, 40, 80]
    assert [shown_frame(s) for s in samples] == [0, 28, 40, 80]
    assert job.summary == ("4 new samples of 10 asked: shots.mp4 has only 4 frames 8+ pHash bits from the one "
                           "before, one per 1 s")
    with samples[0].image.open("rb") as handle:
        assert Image.open(handle).size == (640, 480)


@pytest.mark.django_db
def test_representative_sampling_asks_once_about_each_look_whichever_shot_it_comes_from(tmp_path, settings):
    settings.AIGVA_BACKBONE = "efficientnet_lite0"  # real ImageNet weights ship with the test extras
    # Looks A B A C at 10 frames/s: A fills 55 of the 90 frames, B only 15.
    path = write_shots_video(tmp_path / "looks.mp4", [25, 15, 30, 20], shot_seeds=[0, 1, 0, 3])
    project = make_project()
    video = ingest(project, path)
    job = sample(project, video, per_video=3, method="representative", stride_seconds=1.0)
    samples = list(video.samples.order_by("frame"))
    look = {**dict.fromkeys(range(25), "A"), **dict.fromkeys(range(25, 40), "B"),
            **dict.fromkeys(range(40, 70), "A"), **dict.fromkeys(range(70, 90), "C")}
    assert sorted(look[s.frame] for s in samples) == ["A", "B", "C"]
    assert all(shown_frame(s) == s.frame for s in samples)
    assert job.summary == "3 new samples"
    # Chosen among the frames whose features the probe's pass kept: none was decoded for its features.
    assert {s.frame for s in samples} <= set(FrameFeatures("efficientnet_lite0").cached(video).frames.tolist())


@pytest.mark.django_db
def test_representative_features_come_from_the_cache_where_it_has_them_and_match_decoding(shots_video, settings):
    from prediction import embeddings
    from videos.storage import local_copy

    settings.AIGVA_BACKBONE = "efficientnet_lite0"
    settings.AIGVA_INGEST_FEATURES = False  # no gated cache: this one decides what is cached
    video = ingest(make_project(), shots_video)
    features_of = FrameFeatures("efficientnet_lite0")
    frames = np.arange(0, 90, 10)
    with local_copy(video.file) as path:
        decoded = features_of(video, path, frames)
    stored = np.arange(0, 90, 20)  # a skip-20 cache holding frames 0, 20, ..., 80 with marked features
    marked = np.full((len(stored), decoded.shape[1]), 7.0, dtype=np.float16)
    cache = embeddings.CachedEmbeddings(stored, marked, np.zeros(len(stored)))
    embeddings.store(video, features_of.key, "skip20", cache)
    with local_copy(video.file) as path:
        mixed = features_of(video, path, frames)
    from_cache = frames % 20 == 0
    assert (mixed[from_cache] == 7.0).all()
    np.testing.assert_allclose(mixed[~from_cache], decoded[~from_cache], atol=1e-4)  # frames 10, 30, 50, 70
    assert not np.allclose(decoded[0], decoded[3])  # different shots, different features


@pytest.mark.django_db
def test_uniform_sampling_reads_exactly_the_chosen_frames_and_never_twice(video_files):
    project = make_project()
    videos = [ingest(project, video_files[name]) for name in ("cfr.mp4", "vfr.mkv", "old.mpg")]
    for video in videos:
        sample(project, video, per_video=5, method="uniform")
        frames = uniform_frames(video.frame_count, 5)
        assert [(s.frame, shown_frame(s)) for s in video.samples.order_by("frame")] == [(f, f) for f in frames]
    job = sample(project, videos[0], per_video=5, method="uniform")
    assert job.metrics["samples"] == 0 and TrainingSample.objects.count() == 15
    assert job.summary == "0 new samples of 5 asked: 5 of cfr.mp4's were sampled already"


@pytest.mark.django_db
def test_sampling_options_are_checked(video_files):
    project = make_project()
    video = ingest(project, video_files["cfr.mp4"])
    for options, message in [({"per_video": 0}, "1-1000"),
                             ({"per_video": 5, "method": "random"}, "uniform, unique, representative"),
                             ({"per_video": 5, "threshold": 65}, "threshold"),
                             ({"per_video": 5, "stride_seconds": 0}, "stride")]:
        with pytest.raises(UserFacingError, match=message):
            services.start_sampling(project=project, videos=[video], started_by=None, enqueue=False, **options)
    with pytest.raises(UserFacingError, match="another project"):
        services.start_sampling(project=make_project(), videos=[video], per_video=3, started_by=None, enqueue=False)
