import json

import numpy as np
import pytest
from django.core.management import call_command

from aigva.errors import UserFacingError
from prediction import embeddings, services
from prediction.models import Model
from prediction.tests.factories import BRIGHTNESS, checkpoint, head_checkpoint, predict_here
from projects.models import JobStatus
from projects.tests.factories import make_project
from videos.tests.factories import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def custom_models(settings):
    settings.AIGVA_CUSTOM_MODELS = BRIGHTNESS


@pytest.fixture
def project():
    return make_project(classes=["dark", "bright"])


@pytest.mark.parametrize("custom_name", ["brightness", "thesis"])
def test_a_custom_model_labels_every_frame_as_a_new_current_set(project, video_files, custom_name):
    video = ingest(project, video_files["cfr.mp4"])
    first = video.label_sets.get(is_current=True)
    model = services.register_custom(project=project, custom_name=custom_name, created_by=None)
    job = predict_here(model, video)
    assert job.status == JobStatus.SUCCEEDED, job.error
    current = video.label_sets.get(is_current=True)
    assert current.pk != first.pk and current.source_model == model and not current.reviewed
    assert video.label_sets.filter(pk=first.pk).exists()  # the previous set stays retrievable
    dark = project.classes.get(name="dark").pk
    assert current.label_runs.class_ids.tolist() == [dark] and current.label_runs.authors.tolist() == [-model.pk]
    assert current.model_confidences().shape == (48,)


def test_a_checkpoint_model_predicts_and_caches_embeddings(project, video_files, tmp_path):
    video = ingest(project, video_files["vfr.mkv"])
    model = services.register_checkpoint(project=project, path=checkpoint(tmp_path), created_by=None)
    job = predict_here(model, video, frame_skip=3)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.metrics == {"frames": 40, "predicted_frames": 14, "model_frames": 14, "mode": "1 in 3 frames",
                           "from_cache": False, "bf16": False}
    cache = video.file.storage.open(f"embeddings/{project.pk}/{video.pk}/{model.embeddings_key}-skip3.npz")
    with np.load(cache) as arrays:
        assert arrays["frames"].tolist() == list(range(0, 40, 3)) and arrays["embeddings"].shape == (14, 512)


def test_deleting_a_video_deletes_its_embeddings_cache(project, video_files, tmp_path,
                                                       django_capture_on_commit_callbacks):
    from videos.services import delete_video

    video = ingest(project, video_files["vfr.mkv"])
    model = services.register_checkpoint(project=project, path=checkpoint(tmp_path), created_by=None)
    predict_here(model, video, frame_skip=3)
    predict_here(model, video, frame_skip=4)
    storage, names = video.file.storage, embeddings.cache_files(video)
    assert len(names) == 4 and all(storage.exists(name) for name in names)  # and the probe's: gated, pHashes
    with django_capture_on_commit_callbacks(execute=True):
        delete_video(video=video)
    assert not any(storage.exists(name) for name in names)


def test_a_gated_prediction_caches_the_frames_it_classified_and_re_predicts_from_them(project, tmp_path, settings):
    from labelling.tests.shots import write_shots_video

    settings.AIGVA_ALLOW_RANDOM_INIT = True
    video = ingest(project, write_shots_video(tmp_path / "shots.mp4", [40, 50, 30]))
    model = services.register_checkpoint(project=project, path=head_checkpoint(tmp_path, "a.pt", 1), created_by=None)
    job = predict_here(model, video)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.metrics["mode"] == "gated" and 0 < job.metrics["model_frames"] < 120
    assert job.summary.startswith(f"the model saw {job.metrics['model_frames']} of 120 frames")
    name = f"embeddings/{project.pk}/{video.pk}/{model.embeddings_key}-gated.npz"
    with np.load(video.file.storage.open(name)) as arrays:
        assert len(arrays["frames"]) == job.metrics["model_frames"] == job.metrics["predicted_frames"]
    labels = video.label_sets.get(is_current=True).label_runs.class_ids.tolist()
    again = predict_here(model, video)
    assert again.metrics["from_cache"] is True and again.metrics["model_frames"] < job.metrics["model_frames"]
    assert video.label_sets.get(is_current=True).label_runs.class_ids.tolist() == labels


def test_a_new_head_re_predicts_from_the_cache_without_decoding(project, video_files, tmp_path, settings):
    settings.AIGVA_ALLOW_RANDOM_INIT = True
    video = ingest(project, video_files["cfr.mp4"])
    first = services.register_checkpoint(project=project, path=head_checkpoint(tmp_path, "a.pt", 1), created_by=None)
    assert predict_here(first, video, every_frame=True).metrics["from_cache"] is False
    second = services.register_checkpoint(project=project, path=head_checkpoint(tmp_path, "b.pt", 2), created_by=None)
    assert second.embeddings_key == first.embeddings_key
    video.file.storage.delete(video.file.name)  # nothing left to decode
    for frame_skip, mode in ((1, "gated"), (1, "every frame"), (4, "1 in 4 frames")):
        job = predict_here(second, video, frame_skip=frame_skip, every_frame=mode != "gated")
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert job.metrics == {"frames": 48, "predicted_frames": len(range(0, 48, frame_skip)), "model_frames": 0,
                               "mode": mode, "from_cache": True, "bf16": False}
    assert video.label_sets.get(is_current=True).source_model == second
    full = services.register_checkpoint(project=project, path=checkpoint(tmp_path, seed=5), created_by=None)
    assert full.embeddings_key != first.embeddings_key
    assert "missing from storage" in predict_here(full, video).error  # other backbone weights must decode


def test_a_model_whose_classes_the_project_lacks_is_refused(project, tmp_path):
    with pytest.raises(UserFacingError, match="lacks: sky"):
        services.register_checkpoint(project=project, path=checkpoint(tmp_path, ("dark", "sky")), created_by=None)
    with pytest.raises(UserFacingError, match="No custom model"):
        services.register_custom(project=project, custom_name="nope", created_by=None)


def test_a_failing_prediction_keeps_the_current_labels(project, video_files, settings):
    video = ingest(project, video_files["cfr.mp4"])
    first = video.label_sets.get(is_current=True)
    model = services.register_custom(project=project, custom_name="brightness", created_by=None)
    project.classes.filter(name="dark").update(name="night")
    model.classes = ["night", "bright"]  # the function still answers "dark"
    model.save()
    job = predict_here(model, video)
    assert job.status == JobStatus.FAILED and "lacks: dark" in job.error
    assert video.label_sets.get(is_current=True).pk == first.pk


def test_models_and_videos_of_different_projects_do_not_mix(project, video_files):
    model = services.register_custom(project=project, custom_name="brightness", created_by=None)
    other = ingest(make_project(classes=["dark", "bright"]), video_files["cfr.mp4"])
    with pytest.raises(UserFacingError, match="different projects"):
        services.start_predictions(model=model, videos=[other], started_by=None, enqueue=False)


def test_commands_register_and_predict(project, video_files, capsys, tmp_path):
    video = ingest(project, video_files["cfr.mp4"])
    call_command("register_model", str(project.pk), str(checkpoint(tmp_path)), "--json")
    registered = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert registered["kind"] == "checkpoint" and registered["classes"] == ["dark", "bright"]
    call_command("predict", project.name, "--model", str(registered["id"]), "--videos", "cfr.mp4", "--json")
    [result] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["status"] == "succeeded" and result["video_id"] == video.pk
    assert video.label_sets.get(is_current=True).source_model_id == registered["id"]
    assert Model.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_prediction_runs_on_a_real_worker(broker, media_root, video_files):
    from projects.tests.workers import wait_for, worker_process

    project = make_project(classes=["dark", "bright"])
    video = ingest(project, video_files["vp9.webm"])
    model = services.register_custom(project=project, custom_name="brightness", created_by=None)
    with worker_process(media_root, AIGVA_CUSTOM_MODELS=json.dumps(BRIGHTNESS)):
        [job] = services.start_predictions(model=model, videos=[video], started_by=None)
        finished = job.__class__.objects.filter(pk=job.pk, status__in=["succeeded", "failed"])
        wait_for(finished.exists, 90)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert video.label_sets.get(is_current=True).source_model == model


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_prediction_leaves_the_labels_and_fails_the_job(broker, media_root, settings, tmp_path):
    from prediction import actors
    from projects.jobs import retake_stale_jobs
    from projects.tests.workers import wait_for, worker_process
    from videos.tests.numbered_video import write_numbered_video

    settings.AIGVA_JOB_STALE_SECONDS, settings.AIGVA_JOB_MAX_ATTEMPTS = 2, 1
    project = make_project(classes=["dark", "bright"])
    video = ingest(project, write_numbered_video(tmp_path / "long.mp4", count=900, size=(320, 240)))
    first = video.label_sets.get(is_current=True)
    model = services.register_checkpoint(project=project, path=checkpoint(tmp_path), created_by=None)
    [job] = services.start_predictions(model=model, videos=[video], started_by=None, enqueue=False)
    with worker_process(media_root, AIGVA_PREDICT_BATCH="4", AIGVA_JOB_STALE_SECONDS="2",
                        AIGVA_CUSTOM_MODELS=json.dumps(BRIGHTNESS)):
        actors.predict_video.send(job.pk)
        wait_for(lambda: job.__class__.objects.filter(pk=job.pk, status="running", progress__gt=0).exists(), 90)
    wait_for(lambda: job.pk in retake_stale_jobs()[1], 15)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "stopped responding" in job.error
    assert video.label_sets.get(is_current=True).pk == first.pk and video.label_sets.count() == 1


@pytest.mark.django_db
def test_training_refuses_a_backbone_without_weights_before_starting(settings, tmp_path, monkeypatch):
    from aigva.errors import UserFacingError
    from prediction.backbone_choices import available_backbones, check_backbone

    monkeypatch.setenv("TORCH_HOME", str(tmp_path))  # no ResNet34 weights downloaded here
    settings.AIGVA_ALLOW_RANDOM_INIT = False
    assert list(available_backbones()) == ["efficientnet_lite0"] and check_backbone(None) == "efficientnet_lite0"
    with pytest.raises(UserFacingError, match="resnet34-b627a593.pth"):
        check_backbone("resnet34")
    (tmp_path / "hub" / "checkpoints").mkdir(parents=True)
    (tmp_path / "hub" / "checkpoints" / "resnet34-b627a593.pth").write_bytes(b"weights")
    settings.AIGVA_BACKBONE = "resnet34"
    assert list(available_backbones()) == ["resnet34", "efficientnet_lite0"] and check_backbone(None) == "resnet34"
