"""One network with a head per track (issue 33): a full fine-tune learns every track at once, each head from the
frames labelled on its track, and leaves a model per track on one backbone; predicting them together decodes once."""

import numpy as np
import pytest
import torch
from django.core.management import call_command
from django.urls import reverse

from aigva.errors import UserFacingError
from labelling.services import label_range
from learning import services
from learning.tests.factories import SHOT_OF, labelled_project
from prediction import predicting
from prediction import services as prediction_services
from prediction.ml.joint import UNLABELLED, split_heads, train_jointly
from prediction.ml.model import FrameClassifier, ModelConfig
from prediction.ml.training import TrainConfig
from prediction.models import Model
from projects.jobs import run_job
from projects.services import add_track
from projects.tests.factories import UserFactory, add_member, last_json_line

CPU = torch.device("cpu")


def two_questions(count: int, size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Noisy images dark or bright (track 0) and reddish or bluish (track 1); every third frame is labelled on
    the first track only."""
    rng = np.random.default_rng(0)
    bright, blue = np.arange(count) % 2, np.arange(count) // 2 % 2
    images = np.where(bright[:, None, None, None] == 1, 170, 70) + rng.normal(0, 15, (count, size, size, 3))
    images[..., 0] += np.where(blue == 0, 50, -50)[:, None, None]
    labels = np.stack([bright, blue], axis=1)
    labels[::3, 1] = UNLABELLED
    return np.clip(images, 0, 255).astype(np.uint8), labels


def test_one_network_learns_a_head_per_track_from_the_frames_labelled_there():
    images, labels = two_questions(16)
    torch.manual_seed(0)
    model = FrameClassifier(ModelConfig("resnet34", ("dark", "bright", "red", "blue"), image_size=32), pretrained=False)
    before = model.backbone.conv1.weight.detach().clone()
    groups = np.arange(16) % 4  # four videos
    results = train_jointly(model, images, labels, [2, 2], groups, 0.25, TrainConfig(epochs=2, batch_size=4), CPU)
    assert not torch.equal(before, model.backbone.conv1.weight)  # the backbone learnt
    first, second = results
    assert first.history is second.history and first.validated_by == second.validated_by
    assert sum(map(sum, first.confusion)) == 16 and sum(map(sum, second.confusion)) == int((labels[:, 1] >= 0).sum())
    networks = split_heads(model, [2, 2])
    assert [n.config.classes for n in networks] == [("dark", "bright"), ("red", "blue")]
    model.eval()
    with torch.no_grad():
        joint = model(torch.from_numpy(images[:4]))
        assert torch.allclose(networks[1](torch.from_numpy(images[:4])), joint[:, 2:])
        assert torch.equal(networks[0].backbone.conv1.weight, networks[1].backbone.conv1.weight)


@pytest.fixture
def two_tracks(shots_video):
    """The shots project (a, b on the first track) with a "light" track: day on shots 0-1, night on 2-3."""
    project, video = labelled_project(shots_video)
    light = add_track(project=project, name="light", class_names=["day", "night"])
    day, night = light.classes.all()
    label_set = video.label_sets.get(is_current=True, track=light)
    user = UserFactory()
    for frame in range(0, len(SHOT_OF), 9):
        label_range(label_set=label_set, start=frame, end=frame, label_class=night if SHOT_OF[frame] >= 2 else day,
                    user=user)
    return project, video, light


@pytest.mark.django_db
def test_every_track_in_one_network_stores_a_model_per_track_that_predict_in_one_pass(two_tracks, capsys, client):
    project, video, light = two_tracks
    call_command("train", "Shots", "--every-track", "--epochs", "1", "--val-split", "0", "--json")
    result = last_json_line(capsys)
    client.force_login(add_member(project))
    page = client.get(reverse("learning:train-page", args=[project.pk]), {"job": result["job"]}).content.decode()
    assert f"“light”: model #{result['tracks'][1]['model']}" in page and "every track, human" in page
    assert page.count('data-testid="confusion"') == 2 and "Every track in one network" in page
    first, second = (Model.objects.get(pk=part["model"]) for part in result["tracks"])
    assert [part["track"] for part in result["tracks"]] == ["class", "light"] and result["model"] == first.pk
    assert (first.track, second.track) == (project.first_track, light)
    assert first.classes == ["a", "b"] and second.classes == ["day", "night"]
    assert first.backbone_digest == second.backbone_digest and first.embeddings_key == second.embeddings_key
    assert second.metrics["joint"] == ["class", "light"] and "light" in second.name
    labelled = {s.frame for s in video.samples.all()} | set(range(0, len(SHOT_OF), 9))
    assert result["human_labelled"] == len(labelled)  # frames a person labelled on either track
    [job] = prediction_services.start_predictions(model=first, videos=[video], more_models=[second],
                                                  started_by=None, enqueue=False)
    run_job(job.pk, predicting.run_prediction)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.metrics["tracks"]["light"]["from_cache"] is True  # its head read the backbone's features
    assert video.label_sets.get(is_current=True, track=light).source_model == second


@pytest.mark.django_db
def test_every_track_in_one_network_is_a_full_fine_tune(two_tracks):
    project, _, light = two_tracks
    with pytest.raises(UserFacingError, match="full fine-tune"):
        services.start_training(project=project, every_track=True, head_only=True, started_by=None, enqueue=False)
    add_track(project=project, name="weather", class_names=["sunny", "rain"])  # nobody labelled it: left out
    job = services.start_training(project=project, every_track=True, started_by=None, enqueue=False)
    assert job.options["tracks"] == [project.first_track.pk, light.pk]
    assert job.options["track"] == project.first_track.pk


@pytest.mark.django_db
def test_cold_label_answers_on_another_track_train_that_track_s_model(two_tracks, client):
    from learning import training
    from learning.selectors import human_frame_counts
    from learning.services import answer_sample

    project, video, light = two_tracks
    day, night = light.classes.all()
    user, samples = UserFactory(), list(video.samples.all())
    for sample in samples:  # the card's answer on the light track; the sample's own answer stays the first track's
        answer_sample(sample=sample, label_class=night if SHOT_OF[sample.frame] >= 2 else day, user=user)
    nights = sum(SHOT_OF[s.frame] >= 2 for s in samples)
    client.force_login(add_member(project))
    answers = client.get(reverse("learning:sample-review", args=[project.pk])).content.decode()
    assert answers.count('data-testid="sample-track-answer"') == len(samples)  # each answer on the light track
    assert answers.count("light: night") == nights
    assert human_frame_counts(project, "cold", light) == {day.pk: len(samples) - nights, night.pk: nights}
    job = services.start_training(project=project, kind="cold", track=light, head_only=True, epochs=2,
                                  started_by=None, enqueue=False)
    run_job(job.pk, training.run_training)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert Model.objects.get(pk=job.metrics["model"]).classes == ["day", "night"]
    assert job.metrics["training_images"] == len(samples)  # the answers, not the every-9th-frame labels
