import pytest
from django.urls import reverse

from prediction import services
from prediction.jobs import PREDICT
from projects.models import Job, Role
from projects.tests.factories import add_member, make_project
from videos.tests.factories import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def custom_models(settings):
    settings.AIGVA_CUSTOM_MODELS = {"brightness": "prediction.examples.brightness:predict"}


def test_the_models_page_starts_one_job_per_video(client, video_files, django_capture_on_commit_callbacks):
    project = make_project(classes=["dark", "bright"])
    videos = [ingest(project, video_files["cfr.mp4"]), ingest(project, video_files["vp9.webm"])]
    model = services.register_custom(project=project, custom_name="brightness", created_by=None)
    client.force_login(add_member(project, Role.LABELLER))
    assert "brightness" in client.get(reverse("prediction:model-list", args=[project.pk])).content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("prediction:predict", args=[project.pk]),
                               {"model": model.pk, "frame_skip": 2, "smooth": 1, "shots": "on"})
    assert response.status_code == 302 and len(callbacks) == 2  # one message per job
    jobs = Job.objects.filter(kind=PREDICT)
    assert {job.video_id for job in jobs} == {v.pk for v in videos} and jobs[0].options["frame_skip"] == 2
    assert jobs[0].options["shots"] is True
    page = client.get(reverse("prediction:model-list", args=[project.pk])).content.decode()
    assert page.count('data-job-status="queued"') == 2


def test_viewers_cannot_predict_and_strangers_get_404(client, video_files):
    project = make_project(classes=["dark", "bright"])
    model = services.register_custom(project=project, custom_name="brightness", created_by=None)
    client.force_login(add_member(project, Role.VIEWER))
    response = client.post(reverse("prediction:predict", args=[project.pk]), {"model": model.pk})
    assert response.status_code == 403 and not Job.objects.exists()
    client.force_login(add_member(make_project()))
    assert client.get(reverse("prediction:model-list", args=[project.pk])).status_code == 404


def test_the_predict_form_labels_more_tracks_in_the_same_pass(client, video_files):
    from prediction.models import Model
    from projects.tests.factories import add_track

    project = make_project(classes=["dark", "bright"])
    light = add_track(project, "light", ["dim", "lit"])
    ingest(project, video_files["cfr.mp4"])
    model = services.register_custom(project=project, custom_name="brightness", created_by=None)
    other = Model.objects.create(project=project, track=light, name="lights", kind=Model.Kind.CUSTOM,
                                 custom_name="brightness", classes=["dim", "lit"])
    client.force_login(add_member(project, Role.LABELLER))
    page = client.get(reverse("prediction:model-list", args=[project.pk])).content.decode()
    assert "<strong>light</strong>: dim, lit" in page and "light: lights" in page  # the table and the choice
    client.post(reverse("prediction:predict", args=[project.pk]), {
        "model": model.pk, "more_models": [other.pk], "frame_skip": 1, "smooth": 1, "shots": "on"})
    assert Job.objects.get(kind=PREDICT).options["more_models"] == [other.pk]
    refused = client.post(reverse("prediction:predict", args=[project.pk]), {
        "model": model.pk, "more_models": [model.pk], "frame_skip": 1, "smooth": 1}, follow=True)
    assert "Choose one model per track" in refused.content.decode() and Job.objects.filter(kind=PREDICT).count() == 1
