"""Training jobs end to end in Django: labelled samples -> a stored Model that predicts (C-3)."""

import io

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aigva.errors import UserFacingError
from labelling.tests.shots import write_shots_video
from learning import selectors, services
from learning.jobs import TRAIN
from learning.selectors import training_classes
from learning.tests.factories import SHOT_OF, SHOTS, labelled_project
from prediction.ml.checkpoint import load_checkpoint
from prediction.models import Model
from prediction.tests.factories import predict_here
from projects.models import JobStatus
from projects.tests.factories import UserFactory, last_json_line

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("random_init")]


@pytest.fixture(scope="module")
def shots_video(tmp_path_factory):
    return write_shots_video(tmp_path_factory.mktemp("shots") / "shots.mp4", SHOTS)


def test_train_command_stores_a_head_only_model_that_predicts(capsys, shots_video):
    project, video = labelled_project(shots_video)
    call_command("train", "Shots", "--kind", "cold", "--head-only", "--epochs", "3", "--json")
    result = last_json_line(capsys)
    model = Model.objects.get(pk=result["model"])
    assert model.kind == Model.Kind.COLD and model.classes == ["a", "b"] and model.training_images == 10
    assert result["left_out"] == ["c"] and set(result["f1"]) == {"a", "b"} and 1 <= result["epochs"] <= 3
    assert model.metrics["history"][0]["epoch"] == 1 and model.size < 10_000  # just the head
    with model.file.open("rb") as handle:
        assert load_checkpoint(io.BytesIO(handle.read()), allow_random=True).config.classes == ("a", "b")
    job = predict_here(model, video)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert video.label_sets.get(is_current=True).source_model == model


def test_fine_tuning_checks_bfloat16_on_its_first_fold_where_the_cpu_has_it(capsys, shots_video, settings, client):
    from prediction.ml.device import cpu_supports_bf16
    from prediction.ml.training import bf16_keeps_accuracy
    from projects.tests.factories import add_member

    settings.AIGVA_BF16, settings.AIGVA_DEVICE = "auto", "cpu"
    project, _ = labelled_project(shots_video)
    call_command("train", "Shots", "--kind", "cold", "--epochs", "1", "--val-split", "0.3", "--json")
    result = last_json_line(capsys)
    if not cpu_supports_bf16():  # nothing to check: float32, as before
        assert result["bf16"] is False and "bf16_check" not in result
        return
    float32_accuracy, bfloat16_accuracy = result["bf16_check"]
    assert result["bf16"] == bf16_keeps_accuracy(float32_accuracy, bfloat16_accuracy)
    client.force_login(add_member(project))
    page = client.get(f"/jobs/{result['job']}/training/").content.decode()
    assert f"fine-tuned in {'bfloat16' if result['bf16'] else 'float32'} (first fold: float32" in page


def test_propagation_adds_neighbours_of_the_same_shot_only(capsys, shots_video):
    project, video = labelled_project(shots_video)
    call_command("train", "Shots", "--kind", "cold", "--head-only", "--epochs", "1", "--propagate", "--json")
    result = last_json_line(capsys)
    expected = 0
    for frame in video.samples.values_list("frame", flat=True):
        for sign in (-1, 1):
            for offset in (2, 4, 6, 8):  # a quarter second apart, up to a second, at 10 frames/s
                neighbour = frame + sign * offset
                if not 0 <= neighbour < len(SHOT_OF) or SHOT_OF[neighbour] != SHOT_OF[frame]:
                    break
                expected += 1
    assert result["human_labelled"] == 10 and result["propagated"] == expected > 0


def test_too_little_labelled_data_is_refused_with_the_reason(shots_video):
    project, video = labelled_project(shots_video, label=False)
    start = dict(project=project, kind="cold", started_by=None, enqueue=False)
    with pytest.raises(UserFacingError, match="none has"):
        services.start_training(**start)
    a, b, c = project.classes.all()
    samples, user = list(video.samples.order_by("frame")), UserFactory()
    for sample in samples[:3]:
        services.label_sample(sample=sample, label_class=a, user=user)
    services.label_sample(sample=samples[3], label_class=b, user=user)
    with pytest.raises(UserFacingError, match="only “a” has"):  # one frame of "b" is not enough to learn it
        services.start_training(**start)
    services.label_sample(sample=samples[4], label_class=b, user=user)
    services.label_sample(sample=samples[5], label_class=c, user=user)
    assert training_classes(project, "cold") == ([a, b], [c])  # a single stray label leaves its class out
    with pytest.raises(CommandError, match="epochs are 1-500|Epochs are 1-500"):
        call_command("train", str(project.pk), "--kind", "cold", "--epochs", "0")
    assert not Model.objects.exists()


def review_truthfully(project, video):
    """Label every frame with its shot's class and mark the video reviewed, as a person would."""
    from labelling.services import label_range, set_reviewed

    user = UserFactory()
    a, b, _ = project.classes.all()
    label_set = video.label_sets.get(is_current=True)
    start = 0
    for shot, length in enumerate(SHOTS):
        label_range(label_set=label_set, start=start, end=start + length - 1, label_class=(a, b)[shot % 2], user=user)
        start += length
    set_reviewed(label_set=label_set, reviewed=True, user=user)
    return user


def test_blitz_collects_reviewed_frames_and_trains_on_them(capsys, shots_video, django_capture_on_commit_callbacks):
    from learning.models import TrainingSample
    from learning.selectors import preview_collection
    from learning.tests.factories import shown_frame

    project, video = labelled_project(shots_video, label=False)
    with pytest.raises(UserFacingError, match="No video of this project is reviewed"):
        services.start_collecting(project=project, frame_skip=10, started_by=None, enqueue=False)
    reviewer = review_truthfully(project, video)
    preview = preview_collection(project, 10)
    assert preview["videos"] == 1 and [row["count"] for row in preview["rows"]] == [6, 3, 0]  # frames 0, 10 .. 80
    call_command("train", "Shots", "--kind", "blitz", "--frame-skip", "10", "--head-only", "--epochs", "2", "--json")
    result = last_json_line(capsys)
    assert Model.objects.get(pk=result["model"]).training_images == 9
    collected = list(TrainingSample.objects.filter(source="reviewed").order_by("frame"))
    assert [(s.frame, s.label.name, shown_frame(s)) for s in collected] == [
        (f, "ab"[SHOT_OF[f] % 2], f) for f in range(0, 90, 10)]
    assert {s.labelled_by_id for s in collected} == {reviewer.pk}
    old_image = collected[1].image.name
    with django_capture_on_commit_callbacks(execute=True):  # replaced images are deleted once the rows are
        call_command("train", "Shots", "--kind", "blitz", "--frame-skip", "15", "--head-only", "--epochs", "1")
    frames = TrainingSample.objects.filter(source="reviewed").values_list("frame", flat=True)
    assert list(frames) == [0, 15, 30, 45, 60, 75]
    assert not video.file.storage.exists(old_image)


def test_every_human_label_teaches_and_retraining_updates_the_videos(capsys, shots_video):
    from labelling.selectors import get_current_label_set
    from labelling.services import label_range

    project, video = labelled_project(shots_video, per_video=4)  # 4 answers: frames 0, 30, 59, 89
    a, b, _ = project.classes.all()
    person = UserFactory()
    label_range(label_set=get_current_label_set(video), start=25, end=39, label_class=b, user=person)  # shot 1
    counts = selectors.human_frame_counts(project)
    assert counts == {a.pk: 2, b.pk: 2 + 15 - 1}  # frame 30 was answered and is inside the range
    call_command("train", "Shots", "--head-only", "--predict", "--epochs", "2", "--json")
    result = last_json_line(capsys)
    assert result["human_labelled"] == 18 and result["updated_videos"] == 1 and result["validated_by"] != "none"
    model = Model.objects.get(pk=result["model"])
    assert model.kind == Model.Kind.HUMAN and 4 < model.training_images < 18  # a few distinct frames of the range
    classes, authors = get_current_label_set(video).label_runs.to_frames()
    assert (authors[25:40] == person.pk).all() and (classes[25:40] == b.pk).all()  # the person's range stays
    assert (authors[:25] < 0).any()  # the model labelled the rest
    from labelling.services import set_reviewed

    set_reviewed(label_set=get_current_label_set(video), reviewed=True, user=person)
    call_command("train", "Shots", "--head-only", "--predict", "--epochs", "2")
    assert f"Left alone, reviewed (a person checked every frame): {video.name}." in capsys.readouterr().out
    # The model saw the answers while predicting (short runs of a person's), so the next retrain finds their
    # features in the cache; a frame labelled later is computed by training once and then kept there too.
    from prediction import embeddings

    assert {0, 59, 89} <= set(embeddings.load(video, model.embeddings_key, 1, gated=True).frames.tolist())
    assert 45 not in embeddings.load(video, model.embeddings_key, 1, gated=True).frames
    label_range(label_set=get_current_label_set(video), start=45, end=45, label_class=a, user=person)
    call_command("train", "Shots", "--head-only", "--epochs", "1", "--json")
    again = embeddings.load(video, model.embeddings_key, 1, gated=True)
    assert 45 in again.frames and np.all(np.diff(again.frames) > 0) and again.embeddings.dtype == np.float16


def test_a_retrain_is_refused_while_one_runs(shots_video):
    project, _ = labelled_project(shots_video, per_video=4)
    start = dict(project=project, head_only=True, predict=True, started_by=None, enqueue=False)
    services.start_training(**start)
    with pytest.raises(UserFacingError, match="already under way"):
        services.start_training(**start)
    with pytest.raises(UserFacingError, match="head on frozen features"):
        services.start_training(project=project, predict=True, started_by=None, enqueue=False)


def test_training_time_left_comes_from_the_epochs_measured_not_from_reading_frames(shots_video):
    from learning.training_report import EpochPace
    from projects.jobs import JobReporter
    from projects.models import Job

    pace = EpochPace()
    assert pace.seconds_left(0.1, now=100.0) is None  # the first epoch ends after 100 s of reading frames
    assert pace.seconds_left(0.2, now=102.0) == pytest.approx(16.0)  # then 2 s a tenth, 8 tenths to go
    assert pace.seconds_left(0.6, now=110.0) == pytest.approx(8.0)
    project, _ = labelled_project(shots_video, label=False)
    job = Job.objects.create(project=project, kind=TRAIN)
    JobReporter(job.pk).progress(0.6, "Epoch 6", seconds_left=8.0)
    job.refresh_from_db()
    assert job.eta_seconds == 8.0 and job.message == "Epoch 6"
