"""A person's label always wins (L-6): predictions fill only the frames no person labelled."""

import numpy as np
import pytest
from django.core.management import call_command

from aigva.errors import UserFacingError
from labelling import services as labelling_services
from labelling.selectors import get_current_label_set
from prediction import services
from prediction.ml.device import cpu_supports_bf16
from prediction.ml.model import FrameClassifier, ModelConfig
from prediction.ml.pipeline import VERIFY_FRAMES
from prediction.predicting import _remember_precision, torch_classifier
from prediction.tests.factories import BRIGHTNESS, predict_here
from projects.models import JobStatus
from projects.tests.factories import UserFactory, make_project
from videos.tests.factories import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def custom_models(settings):
    settings.AIGVA_CUSTOM_MODELS = BRIGHTNESS


@pytest.fixture
def corrected(video_files):
    """A video whose frames 10-19 a person labelled "bright" (the brightness model says "dark" throughout)."""
    project = make_project(classes=["dark", "bright"])
    video = ingest(project, video_files["cfr.mp4"])
    person = UserFactory()
    bright = project.classes.get(name="bright")
    labelling_services.label_range(label_set=get_current_label_set(video), start=10, end=19, label_class=bright,
                                   user=person)
    model = services.register_custom(project=project, custom_name="brightness", created_by=None)
    return video, model, person, bright


def test_predicting_keeps_every_frame_a_person_labelled(corrected):
    video, model, person, bright = corrected
    old = get_current_label_set(video)
    assert predict_here(model, video).status == JobStatus.SUCCEEDED
    current = get_current_label_set(video)
    classes, authors = current.label_runs.to_frames()
    assert (classes[10:20] == bright.pk).all() and (authors[10:20] == person.pk).all()
    assert (authors[:10] == -model.pk).all() and (authors[20:] == -model.pk).all()
    old.refresh_from_db()
    assert old.replaced_by == current and current.source_model == model


def test_overwriting_people_is_asked_for_by_name(corrected, capsys):
    video, model, person, _ = corrected
    call_command("predict", str(video.project_id), "--model", str(model.pk), "--overwrite-people")
    authors = get_current_label_set(video).label_runs.authors
    assert authors.tolist() == [-model.pk]


def test_reviewed_videos_are_left_alone(corrected):
    video, model, person, _ = corrected
    labelling_services.set_reviewed(label_set=get_current_label_set(video), reviewed=True, user=person)
    with pytest.raises(UserFacingError, match="all reviewed"):
        services.start_predictions(model=model, videos=[video], started_by=None, enqueue=False)
    [job] = services.start_predictions(model=model, videos=[video], overwrite_people=True, started_by=None,
                                       enqueue=False)
    assert job.options["overwrite_people"] is True


def test_the_models_page_and_the_command_name_the_reviewed_videos_they_leave_out(corrected, client, capsys,
                                                                                  video_files):
    from projects.models import Role
    from projects.tests.factories import add_member

    video, model, person, _ = corrected
    other = ingest(video.project, video_files["vfr.mkv"])
    labelling_services.set_reviewed(label_set=get_current_label_set(video), reviewed=True, user=person)
    client.force_login(add_member(video.project, Role.LABELLER))
    page = client.post(f"/projects/{video.project_id}/models/predict/",
                       {"model": model.pk, "frame_skip": 1, "smooth": 1}, follow=True).content.decode()
    assert "Predicting 1 video with" in page
    assert "Left out: cfr.mp4 (reviewed: a person checked every frame (“Overwrite people&#x27;s labels” predicts it " \
           "anyway))." in page
    call_command("predict", str(video.project_id), "--model", str(model.pk), "--videos", "cfr.mp4", other.name,
                 "--enqueue")
    assert "Left out: cfr.mp4 (reviewed: a person checked every frame" in capsys.readouterr().err


def test_decoded_shots_go_through_people_frames_and_frame_by_frame_does_not(corrected):
    video, model, person, bright = corrected
    dark = video.project.classes.get(name="dark")
    labelling_services.label_range(label_set=get_current_label_set(video), start=24, end=24, label_class=bright,
                                   user=person)
    predict_here(model, video)  # decoding shots is the default
    current = get_current_label_set(video)
    classes, authors = current.label_runs.to_frames()
    # The model is only 3:1 sure frames 20-23 are dark: two label changes for them cost more than following
    # the person's frames on either side.
    assert (classes[20:24] == bright.pk).all() and (authors[20:24] == -model.pk).all()
    assert (classes[:10] == dark.pk).all() and (classes[25:] == dark.pk).all()
    margins = current.model_margins()
    assert (margins[20:24] < 0).all() and (margins[classes == dark.pk] > 0).all()
    call_command("predict", str(video.project_id), "--model", str(model.pk), "--frame-by-frame")
    classes, authors = get_current_label_set(video).label_runs.to_frames()
    assert (classes[authors == -model.pk] == dark.pk).all() and (classes[10:20] == bright.pk).all()


def test_the_chance_of_a_label_change_is_learnt_from_reviewed_videos(corrected):
    from prediction.predicting import SHOT_SECONDS, switch_probability

    video, model, person, bright = corrected
    fps = float(video.fps)
    assert switch_probability(video, video.project.first_track.pk) == pytest.approx(1 / (SHOT_SECONDS * fps))
    labelling_services.set_reviewed(label_set=get_current_label_set(video), reviewed=True, user=person)
    # One reviewed video: dark, bright at 10-19, dark again: two changes in its frames.
    track = video.project.first_track.pk
    assert switch_probability(video, track) == pytest.approx(3 / (video.frame_count + SHOT_SECONDS * fps))


def test_a_new_model_changes_an_earlier_model_label_only_where_it_is_clearly_surer(corrected, monkeypatch):
    from labelling.services import create_label_set
    from prediction import predicting

    video, model, person, bright = corrected
    dark = video.project.classes.get(name="dark")
    class_ids, authors = get_current_label_set(video).label_runs.to_frames()
    earlier = services.register_custom(project=video.project, custom_name="brightness", created_by=None)
    class_ids[30:40] = bright.pk  # an earlier model said "bright" here; the new one is only 3:1 sure of "dark"
    create_label_set(video=video, class_ids=class_ids, author=-earlier.pk, source_model=earlier, keep_people=True)
    monkeypatch.setattr(predicting, "HOLD_PREVIOUS", 0.5)  # not surer than 3:1: the earlier label stays
    call_command("predict", str(video.project_id), "--model", str(model.pk), "--frame-by-frame")
    classes, authors = get_current_label_set(video).label_runs.to_frames()
    assert (classes[30:40] == bright.pk).all() and (authors[30:40] == -model.pk).all()
    assert (classes[10:20] == bright.pk).all() and (authors[10:20] == person.pk).all()
    assert (classes[20:30] == dark.pk).all() and (classes[40:] == dark.pk).all()
    monkeypatch.setattr(predicting, "HOLD_PREVIOUS", 0.2)  # 3:1 is surer than the default asks
    call_command("predict", str(video.project_id), "--model", str(model.pk), "--frame-by-frame")
    classes, _ = get_current_label_set(video).label_runs.to_frames()
    assert (classes[30:40] == dark.pk).all() and (classes[10:20] == bright.pk).all()


@pytest.mark.skipif(not cpu_supports_bf16(), reason="this CPU computes no bfloat16, so nothing is verified")
def test_bfloat16_is_proved_once_per_backbone_weights(settings):
    settings.AIGVA_BF16, settings.AIGVA_DEVICE = "auto", "cpu"
    network = FrameClassifier(ModelConfig("resnet34", ("a", "b"), image_size=32), pretrained=False)
    first = torch_classifier(network, "weights-a")
    assert first.verifying
    first(np.random.default_rng(0).integers(0, 255, (VERIFY_FRAMES, 32, 32, 3), dtype=np.uint8))
    _remember_precision(first, "weights-a")
    again = torch_classifier(network, "weights-a")  # a later job on the same weights: decided, not checked
    assert not again.verifying and again.bf16 == first.bf16
    assert torch_classifier(network, "weights-b").verifying  # other weights are checked afresh
