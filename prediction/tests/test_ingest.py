"""The one decode of a new video (V-5): the probe's pass keeps the gated frames' features and the grey pHashes,
and a head's first prediction reads them, decoding only where a boundary inside a shot must be placed."""

import av
import numpy as np
import pytest
import torch
from django.core.management import call_command
from django.urls import reverse

from prediction import embeddings, services
from prediction.backbone_choices import default_backbone
from prediction.features import pretrained
from prediction.ingest import keep_features
from prediction.jobs import FEATURES
from prediction.ml.frame_hash import grey_phash
from prediction.ml.gating import GateConfig
from prediction.ml.ingest import GateWatcher
from prediction.ml.model import FrameClassifier, ModelConfig
from prediction.ml.pipeline import TorchClassifier
from prediction.models import VideoFeatures
from projects.jobs import run_job
from projects.models import Job, JobStatus, Role
from projects.tests.factories import add_member, make_project
from videos.frames import AS_DECODED
from videos.models import Video, VideoStatus
from videos.signals import video_decoding
from videos.tests.factories import ingest
from videos.tests.numbered_video import write_numbered_video

CPU = torch.device("cpu")
GATE = GateConfig(max_gap=15)
COUNT = 180
CUTS = [(0, (40, 90, 40)), (40, (210, 120, 120)), (95, (40, 90, 40))]  # (first frame, background colour) of each shot


def background_of(frame: int) -> np.ndarray:
    colour = next(colour for start, colour in reversed(CUTS) if frame >= start)
    return np.full((480, 640, 3), colour, dtype=np.uint8)


@pytest.fixture(scope="module")
def shots_video(tmp_path_factory):
    """Cuts at frames 40 and 95."""
    return write_numbered_video(tmp_path_factory.mktemp("ingest") / "shots.mp4", count=COUNT, size=(640, 480),
                                backgrounds=background_of, options={"crf": "12"})


@pytest.fixture(scope="module")
def classifier() -> TorchClassifier:
    torch.manual_seed(0)
    return TorchClassifier(FrameClassifier(ModelConfig("resnet34", ("a", "b"), image_size=64), pretrained=False), CPU)


def watch(path, watcher: GateWatcher) -> None:
    with av.open(str(path)) as container:
        for index, frame in enumerate(container.decode(video=0)):
            watcher.see(index, frame)
    watcher.finish(index + 1)
    watcher.close()


def decoded_frames(path) -> list[av.VideoFrame]:
    with av.open(str(path)) as container:
        return list(container.decode(video=0))


def test_the_pass_keeps_both_sides_of_every_cut_a_frame_per_gap_and_their_exact_features(shots_video, classifier):
    def to_input(frame):
        return AS_DECODED.square(frame, 64)

    watcher = GateWatcher(lambda images: classifier.embed(images).numpy(), to_input, GATE, batch_size=8)
    watch(shots_video, watcher)
    kept = watcher.kept
    frames = kept.frames.tolist()
    assert frames == sorted(set(frames)) and {0, 39, 40, 94, 95, COUNT - 1} <= set(frames)
    assert np.diff(kept.frames).max() <= GATE.max_gap and len(frames) < COUNT * 0.3
    decoded = decoded_frames(shots_video)
    alone = np.concatenate([classifier.embed(to_input(decoded[f])[None]).numpy() for f in frames])
    np.testing.assert_allclose(kept.features.astype(np.float32), alone.astype(np.float32), atol=2e-2)
    assert kept.hashed_frames.tolist() == list(range(0, COUNT, 4))
    assert kept.grey_hashes.tolist() == [grey_phash(decoded[f]) for f in kept.hashed_frames]


def test_a_backbone_that_fails_fails_the_pass_and_never_hangs_it(shots_video):
    def broken(images):
        raise RuntimeError("out of memory")

    watcher = GateWatcher(broken, lambda frame: AS_DECODED.square(frame, 16), GATE, batch_size=2)
    with pytest.raises(RuntimeError, match="out of memory"):
        watch(shots_video, watcher)
    watcher.close()  # closing again after the failure is harmless
    assert watcher.kept is None


@pytest.mark.django_db
def test_ingest_stores_the_project_backbones_gated_features_and_the_grey_hashes(shots_video):
    video = ingest(make_project(), shots_video)
    _, key = pretrained(default_backbone())  # EfficientNet-Lite0 here: the tests' extras ship its weights
    cached = embeddings.find(video, key)
    assert cached is not None and {39, 40, 94, 95, COUNT - 1} <= set(cached.frames.tolist())
    assert embeddings.cache_name(video, key, embeddings.GATED) in embeddings.cache_files(video)
    frames, hashes = embeddings.load_grey_hashes(video)
    assert frames.tolist() == list(range(0, COUNT, 4)) and len(hashes) == len(frames)
    assert video.frame_count == COUNT and np.array_equal(video.frame_pts_array(), np.arange(COUNT) * 512)


@pytest.mark.django_db
def test_without_ingest_features_the_probe_only_counts_frames(shots_video, settings):
    settings.AIGVA_INGEST_FEATURES = False
    video = ingest(make_project(), shots_video)
    assert video.frame_count == COUNT and embeddings.cache_files(video) == []


@pytest.mark.django_db
def test_a_backbone_chosen_later_keeps_its_features_in_the_background_once(shots_video, settings, capsys):
    settings.AIGVA_INGEST_FEATURES, settings.AIGVA_ALLOW_RANDOM_INIT = False, True
    project = make_project()
    video = ingest(project, shots_video)
    settings.AIGVA_INGEST_FEATURES = True
    call_command("keep_features", project.name, "--backbone", "resnet34")
    assert "now keep: 1" in capsys.readouterr().out
    project.refresh_from_db()
    assert project.backbone == "resnet34"
    [job] = Job.objects.filter(kind=FEATURES, video=video)
    assert job.options == {"backbone": "resnet34"}
    assert services.start_feature_fills(project=project) == []  # one under way already
    run_job(job.pk, keep_features)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.summary.startswith("resnet34: features of ") and job.summary.endswith(f" of {COUNT} frames")
    kept = VideoFeatures.objects.get(video=video, backbone="resnet34")
    cached = embeddings.find(video, kept.key)
    assert len(cached.frames) == kept.frames and {39, 40, 94, 95} <= set(cached.frames.tolist())
    assert services.start_feature_fills(project=project) == []  # kept: nothing more to do


@pytest.mark.django_db
def test_the_pages_say_which_videos_are_ready_to_sample_and_predict(client, shots_video, settings):
    project = make_project()
    video = ingest(project, shots_video)
    client.force_login(add_member(project, Role.MANAGER))
    videos_page = client.get(reverse("videos:video-list", args=[project.pk])).content.decode()
    assert "ready to sample and predict" in videos_page
    models_page = client.get(reverse("prediction:model-list", args=[project.pk])).content.decode()
    assert "Features kept for 1 of 1 ready video." in models_page
    response = client.post(reverse("prediction:keep-features", args=[project.pk]), {"backbone": "nonsense"},
                           follow=True)
    assert "Choose one of the backbones this server can run." in response.content.decode()
    settings.AIGVA_ALLOW_RANDOM_INIT = True
    response = client.post(reverse("prediction:keep-features", args=[project.pk]), {"backbone": "resnet34"},
                           follow=True)
    assert "Keeping ResNet34 features of 1 video: progress on the videos page." in response.content.decode()
    row = client.get(reverse("videos:video-row", args=[video.pk])).content.decode()
    assert "Keeping ResNet34 features" in row and 'hx-trigger="every 1s"' in row  # it polls until they are kept


@pytest.mark.django_db
def test_only_managers_choose_the_backbone(client, shots_video):
    project = make_project()
    client.force_login(add_member(project, Role.LABELLER))
    response = client.post(reverse("prediction:keep-features", args=[project.pk]), {"backbone": "resnet34"})
    assert response.status_code == 403 and not Job.objects.filter(kind=FEATURES).exists()


@pytest.mark.django_db
def test_a_watcher_that_fails_costs_only_what_it_would_keep(shots_video):
    def broken_backbone(images):
        raise RuntimeError("CUDA out of memory")

    def failing(**_):
        return GateWatcher(broken_backbone, lambda frame: AS_DECODED.square(frame, 16), GATE, batch_size=2)

    def cannot_start(**_):
        raise RuntimeError("no such weights")

    for receiver in (failing, cannot_start):
        video_decoding.connect(receiver, sender=Video, dispatch_uid=receiver.__name__)
    try:
        video = ingest(make_project(), shots_video)
    finally:
        for receiver in (failing, cannot_start):
            video_decoding.disconnect(sender=Video, dispatch_uid=receiver.__name__)
    assert video.status == VideoStatus.READY and video.frame_count == COUNT
    assert VideoFeatures.objects.filter(video=video).exists()  # the project backbone's watcher kept its features
