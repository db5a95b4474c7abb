"""Each track learns (issue 33): a model learns one track's classes from people's labels there, and its
predictions label that track alone; Retrain and update trains a head per track that has labels enough."""

import pytest
from django.core.management import CommandError, call_command

from aigva.errors import UserFacingError
from labelling.selectors import get_current_label_set
from labelling.tests.factories import label_as
from labelling.tests.shots import write_shots_video
from learning import services
from learning.selectors import training_classes
from learning.tests.factories import labelled_project
from learning.training_views import RETRAIN
from prediction.models import Model
from prediction.services import _track_of_classes
from projects.models import Job
from projects.tests.factories import UserFactory, add_track, last_json_line

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("random_init")]


@pytest.fixture(scope="module")
def shots_video(tmp_path_factory):
    return write_shots_video(tmp_path_factory.mktemp("shots") / "shots.mp4", [25, 15, 30, 20])


def test_a_track_trains_its_own_head_and_its_predictions_label_that_track_alone(capsys, shots_video, client):
    project, video = labelled_project(shots_video, label=False)  # nobody answered the first track
    light = add_track(project, "light", ["dim", "bright"])
    person = UserFactory()
    for name, start, end in [("dim", 0, 24), ("bright", 25, 39), ("dim", 40, 69)]:
        label_as(person, video, name, start, end)
    first_track = get_current_label_set(video)
    assert [c.name for c in training_classes(project, "human", light)[0]] == ["dim", "bright"]
    with pytest.raises(UserFacingError, match="none has"):
        training_classes(project, "human")

    call_command("train", "Shots", "--track", "light", "--head-only", "--predict", "--epochs", "3", "--json")
    result = last_json_line(capsys)
    model = Model.objects.get(pk=result["model"])
    assert (model.track, model.classes, result["track"]) == (light, ["dim", "bright"], "light")
    assert " · light · " in model.name and result["updated_videos"] == 1
    predicted = get_current_label_set(video, light)
    authors = predicted.label_runs.to_frames()[1]
    assert predicted.source_model == model and (authors[:70] > 0).all() and (authors[70:] == -model.pk).all()
    assert get_current_label_set(video) == first_track  # the other track is untouched

    jobs, waiting = services.start_retraining(project=project, started_by=None, enqueue=False, **RETRAIN)
    assert [job.options["track"] for job in jobs] == [light.pk]
    assert waiting == ["Training needs at least two classes with 2 or more labelled frames each on “class”; none "
                       "has. Label more frames."]
    client.force_login(UserFactory(is_superuser=True))
    page = client.get(f"/projects/{project.pk}/train/").content.decode()
    assert page.count("<td>light, human,") == 2  # the retrain and the command's training, each named by track


def test_a_checkpoint_belongs_to_the_track_whose_classes_it_predicts(shots_video):
    project, _ = labelled_project(shots_video, label=False)
    light = add_track(project, "light", ["dim", "bright"])
    assert _track_of_classes(project, ["bright", "dim"]) == light
    assert _track_of_classes(project, ["a", "c"]) == project.first_track
    with pytest.raises(UserFacingError, match="no one track of the project has together .* lacks: bright"):
        _track_of_classes(project, ["a", "bright"])


def test_one_pass_predicts_every_track_decoding_the_video_once(capsys, shots_video, settings):
    settings.AIGVA_INGEST_FEATURES = False  # the upload keeps no features: the first track's prediction decodes
    project, video = labelled_project(shots_video)  # the first track: answered samples, a and b
    light = add_track(project, "light", ["dim", "bright"])
    person = UserFactory()
    for name, start, end in [("dim", 0, 24), ("bright", 25, 39)]:
        label_as(person, video, name, start, end)
    models = []
    for track in ("class", "light"):
        call_command("train", "Shots", "--track", track, "--head-only", "--epochs", "2", "--json")
        models.append(last_json_line(capsys)["model"])

    call_command("predict", "Shots", "--model", str(models[0]), "--model", str(models[1]), "--json")
    [result] = last_json_line(capsys)
    job = Job.objects.get(pk=result["job"])
    first, second = job.metrics["tracks"]["class"], job.metrics["tracks"]["light"]
    assert not first["from_cache"] and first["model_frames"] > 0  # decoded, the backbone ran
    assert second["from_cache"] and second["model_frames"] < first["model_frames"]  # heads on what it kept
    assert get_current_label_set(video).source_model_id == models[0]
    assert get_current_label_set(video, light).source_model_id == models[1]

    with pytest.raises(CommandError, match="one model per track"):
        call_command("predict", "Shots", "--model", str(models[1]), "--model", str(models[1]))


def test_the_cold_label_counts_count_every_tracks_answers(shots_video):
    from learning.selectors import count_sample_labels

    project, video = labelled_project(shots_video, per_video=3, label=False)
    light = add_track(project, "light", ["dim", "bright"])
    person = UserFactory()
    samples = list(video.samples.order_by("frame"))
    for sample in samples[:2]:
        services.answer_sample(sample=sample, label_class=light.classes.get(name="dim"), user=person)
    services.answer_sample(sample=samples[0], label_class=project.classes.get(name="a"), user=person)
    counts = {row["class"].name: row["count"] for row in count_sample_labels(project)}
    assert counts == {"a": 1, "b": 0, "c": 0, "dim": 2, "bright": 0}
