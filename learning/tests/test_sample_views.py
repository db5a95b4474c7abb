import pytest
from django.urls import reverse

from learning import actors, services
from learning.jobs import SAMPLE
from projects.models import Role
from projects.tests.factories import add_member, make_project
from videos.tests.factories import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def sampled(video_files):
    project = make_project(classes=["road", "junction"])
    video = ingest(project, video_files["cfr.mp4"])
    job = services.start_sampling(project=project, videos=[video], per_video=3, method="uniform", started_by=None,
                                  enqueue=False)
    actors.sample_frames(job.pk)
    return project, list(video.samples.order_by("frame"))


def test_the_cold_label_page_starts_sampling_and_shows_progress(client, sampled, django_capture_on_commit_callbacks):
    project, samples = sampled
    client.force_login(add_member(project, Role.LABELLER))
    page = client.get(reverse("learning:sample-list", args=[project.pk]))
    assert b"Label samples (0 of 3 done)" in page.content
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("learning:sample-start", args=[project.pk]),
                               {"per_video": 5, "method": "unique", "stride_seconds": 0.5, "threshold": 6})
    assert response.status_code == 302 and len(callbacks) == 1
    job = project.jobs.filter(kind=SAMPLE).first()
    assert job.options["method"] == "unique" and job.options["stride_seconds"] == 0.5
    response = client.post(reverse("learning:sample-start", args=[project.pk]), {"per_video": 0}, follow=True)
    assert "Check the sampling options" in response.content.decode()


def test_labelling_a_sample_shows_the_next_and_refuses_foreign_classes(client, sampled):
    project, samples = sampled
    road = project.classes.get(name="road")
    client.force_login(add_member(project, Role.LABELLER))
    response = client.post(reverse("learning:sample-label", args=[samples[0].pk]), {"class_id": road.pk},
                           HTTP_HX_REQUEST="true")
    assert f'data-sample-id="{samples[1].pk}"' in response.content.decode()
    foreign = make_project(classes=["sky"]).classes.get()
    response = client.post(reverse("learning:sample-label", args=[samples[1].pk]), {"class_id": foreign.pk})
    assert "not one of this project" in response.content.decode()
    samples[1].refresh_from_db()
    assert samples[1].label is None and not samples[1].skipped


@pytest.mark.parametrize("role", [None, Role.VIEWER])
def test_samples_are_guarded_by_project_and_role(client, sampled, role):
    project, samples = sampled
    user = add_member(project, role) if role else add_member(make_project())
    client.force_login(user)
    label = client.post(reverse("learning:sample-label", args=[samples[0].pk]), {"class_id": ""})
    image = client.get(reverse("learning:sample-image", args=[samples[0].pk]))
    start = client.post(reverse("learning:sample-start", args=[project.pk]), {"per_video": 3})
    answers = client.get(reverse("learning:sample-review", args=[project.pk]))
    reopen = client.post(reverse("learning:reopen-skipped", args=[project.pk]))
    codes = (label.status_code, image.status_code, start.status_code, answers.status_code, reopen.status_code)
    if role is None:
        assert codes == (404, 404, 404, 404, 404)
    else:
        assert codes == (403, 200, 403, 200, 403)
        assert image["Content-Type"] == "image/jpeg" and b"reopen-skipped" not in answers.content
    samples[0].refresh_from_db()
    assert not samples[0].skipped


@pytest.mark.parametrize("query", ["?show=skipped", "?show=%3Cscript%3E", "?page=%C2%B2", "?page=-1&show=all",
                                   "?page=99999"])
def test_the_answers_page_takes_any_filter_and_page_without_error(client, sampled, query):
    project, samples = sampled
    user = add_member(project, Role.LABELLER)
    services.label_sample(sample=samples[0], label_class=None, user=user)
    client.force_login(user)
    page = client.get(reverse("learning:sample-review", args=[project.pk]) + query)
    assert page.status_code == 200
    tiles = page.content.decode().count('data-testid="sample-tile"')
    assert tiles == (1 if query == "?show=skipped" else 3)


def test_another_projects_sample_id_in_the_page_url_is_ignored(client, sampled):
    project, samples = sampled
    other = make_project()
    client.force_login(add_member(other, Role.LABELLER))
    page = client.get(reverse("learning:sample-label-page", args=[other.pk]) + f"?sample={samples[0].pk}")
    assert page.status_code == 404


def test_collect_preview_counts_reviewed_frames_and_explains_bad_skips(client, sampled):
    from labelling.services import set_reviewed

    project, samples = sampled
    user = add_member(project, Role.LABELLER)
    client.force_login(user)
    url = reverse("learning:collect-preview", args=[project.pk])
    assert "No video is reviewed yet" in client.get(url, {"frame_skip": 10}).content.decode()
    set_reviewed(label_set=samples[0].video.label_sets.get(is_current=True), reviewed=True, user=user)
    page = client.get(url, {"frame_skip": 10}).content.decode()
    assert '<span data-class-count="road">5</span>' in page  # frames 0, 10 .. 40 of 48, all the default class
    assert "not “-3”" in client.get(url, {"frame_skip": "-3"}).content.decode()
    viewer = add_member(project, Role.VIEWER)
    client.force_login(viewer)
    assert client.post(reverse("learning:collect", args=[project.pk]), {"frame_skip": 5}).status_code == 403
