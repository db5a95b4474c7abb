from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from projects.jobs import run_job
from projects.models import Job, Role
from projects.tests.factories import UserFactory, add_member, make_project
from videos import services
from videos.models import Video, VideoStatus
from videos.tests.factories import ingest, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return make_project()


@pytest.fixture
def labeller(client, project):
    user = add_member(project, Role.LABELLER)
    client.force_login(user)
    return user


def test_upload_stores_the_file_and_queues_a_probe(
    client, labeller, project, video_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(client, project, video_files["cfr.mp4"])
    assert response.status_code == 201
    video = Video.objects.get()
    assert video.name == "cfr.mp4" and video.size == video_files["cfr.mp4"].stat().st_size
    assert video.file.read() == video_files["cfr.mp4"].read_bytes()
    assert Job.objects.get().status == "queued" and len(callbacks) == 1
    assert f'id="video-{video.pk}"' in response.content.decode()


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.mp4", "a\x00b.mp4", "x" * 300 + ".mp4", "<img src=x onerror=alert(1)>.mp4"]
)
def test_hostile_file_names_are_made_safe(client, labeller, project, video_files, name):
    response = upload(client, project, video_files["cfr.mp4"], name=name)
    assert response.status_code == 201
    video = Video.objects.get()
    assert "/" not in video.name and "\x00" not in video.name and len(video.name) <= 120
    assert video.file.name.startswith(f"videos/{project.pk}/") and ".." not in video.file.name
    assert "<img" not in response.content.decode()


def test_a_zero_byte_upload_is_refused(client, labeller, project, bad_files):
    response = upload(client, project, bad_files["empty.mp4"])
    assert response.status_code == 400
    assert "is empty" in response.content.decode()
    assert not Video.objects.exists()


def test_an_oversized_upload_is_refused_before_storing(client, labeller, project, video_files, settings):
    settings.AIGVA_MAX_UPLOAD_BYTES = 1000
    response = upload(client, project, video_files["cfr.mp4"])
    assert response.status_code == 413
    assert "upload limit" in response.content.decode()
    assert not Video.objects.exists()


@pytest.mark.parametrize("name", ["notes.mp4", "page.mp4", "truncated.mp4"])
def test_non_videos_are_refused_at_upload_and_leave_nothing(client, labeller, project, bad_files, name):
    response = upload(client, project, bad_files[name])
    assert response.status_code == 400
    assert "not a video file" in response.content.decode()
    assert not Video.objects.exists()


def test_a_video_that_does_not_decode_fails_with_a_reason_and_can_be_retried(
    client, labeller, project, bad_files, django_capture_on_commit_callbacks
):
    video = ingest(project, bad_files["zeroed.mp4"])
    assert video.status == VideoStatus.FAILED and "damaged" in video.error
    assert not video.label_sets.exists()
    row = client.get(reverse("videos:video-row", args=[video.pk])).content.decode()
    assert "Retry" in row and "worker log" not in row
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.post(reverse("videos:video-retry", args=[video.pk]))
        second = client.post(reverse("videos:video-retry", args=[video.pk]))  # a double click
    assert first.status_code == second.status_code == 200
    assert 'hx-trigger="every 1s"' in first.content.decode()
    assert video.jobs.count() == 2 and len(callbacks) == 1
    assert Video.objects.get(pk=video.pk).status == VideoStatus.PROCESSING


def test_a_viewer_cannot_retry(client, project, bad_files):
    video = ingest(project, bad_files["zeroed.mp4"])
    client.force_login(add_member(project, Role.VIEWER))
    assert client.post(reverse("videos:video-retry", args=[video.pk])).status_code == 403
    assert video.jobs.count() == 1


def test_a_viewer_cannot_upload_or_delete(client, project, video_files):
    video = ingest(project, video_files["cfr.mp4"])
    client.force_login(add_member(project, Role.VIEWER))
    assert upload(client, project, video_files["cfr.mp4"]).status_code == 403
    assert client.post(reverse("videos:video-delete", args=[video.pk])).status_code == 403
    assert Video.objects.count() == 1


def test_another_projects_video_is_404_everywhere(client, labeller, video_files):
    video = ingest(make_project(), video_files["cfr.mp4"])
    for name in ["labelling:video-detail", "videos:video-row", "videos:video-delete", "videos:video-media",
                 "videos:video-frame-times"]:
        assert client.get(reverse(name, args=[video.pk])).status_code == 404, name
    assert client.post(reverse("videos:video-delete", args=[video.pk])).status_code == 404
    assert Video.objects.filter(pk=video.pk).exists()


def test_delete_removes_labels_and_files(client, project, video_files, django_capture_on_commit_callbacks):
    video = ingest(project, video_files["old.avi"])
    storage, names = video.file.storage, [video.file.name, video.playback.name]
    assert all(storage.exists(n) for n in names)
    client.force_login(add_member(project, Role.MANAGER))
    assert "cannot be undone" in client.get(reverse("videos:video-delete", args=[video.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("videos:video-delete", args=[video.pk]))
    assert response.status_code == 302
    assert not Video.objects.exists() and not storage.exists(names[0]) and not storage.exists(names[1])


def test_video_table_pages_by_ten(client, labeller, project, video_files):
    for index in range(12):
        Video.objects.create(project=project, name=f"clip{index:02d}.mp4", status=VideoStatus.READY, frame_count=10)
    first = client.get(reverse("videos:video-list", args=[project.pk])).content.decode()
    second = client.get(reverse("videos:video-list", args=[project.pk]) + "?page=2").content.decode()
    assert first.count('data-video-status=') == 10 and second.count('data-video-status=') == 2
    assert "Page 1 of 2" in first


def test_frame_times_are_served_relative_to_the_first_frame(client, labeller, project, video_files):
    import numpy as np

    video = ingest(project, video_files["late-start.webm"])
    import gzip

    response = client.get(reverse("videos:video-frame-times", args=[video.pk]))
    assert response["Content-Encoding"] == "gzip" and response["X-Time-Base"] == "1/1000"
    steps = np.frombuffer(gzip.decompress(response.content), dtype="<i8")
    assert len(steps) == 30 and steps[0] == 0 and list(np.cumsum(steps)[:3]) == [0, 42, 83]


def test_login_page_is_public(client):
    assert client.get(reverse("login")).status_code == 200


def test_superuser_sees_everything(client, video_files):
    video = ingest(make_project(), video_files["cfr.mp4"])
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("labelling:video-detail", args=[video.pk])).status_code == 200


def test_reprobe_keeps_the_labels_when_the_frames_match(project, video_files, django_capture_on_commit_callbacks):
    video = ingest(project, video_files["cfr.mp4"])
    labels = video.label_sets.get(is_current=True)
    with django_capture_on_commit_callbacks() as callbacks:
        job = services.reprobe_video(video=video, requested_by=None)
    assert len(callbacks) == 1
    run_job(job.pk, services.probe_video)
    video.refresh_from_db()
    assert video.status == VideoStatus.READY
    assert video.label_sets.get(is_current=True).pk == labels.pk


def test_a_failed_video_is_not_offered_for_sampling_prediction_or_export(project, bad_files, video_files):
    from exports.forms import ExportForm
    from learning.forms import SampleForm
    from prediction.forms import PredictForm

    ready, failed = ingest(project, video_files["cfr.mp4"]), ingest(project, bad_files["zeroed.mp4"])
    assert failed.status == VideoStatus.FAILED
    for form in (PredictForm(project=project), ExportForm(project=project), SampleForm(project=project)):
        assert list(form.fields["videos"].queryset) == [ready], type(form).__name__


def _stored_files(project) -> list:
    root = Path(settings.MEDIA_ROOT) / "videos" / str(project.pk)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_upload_that_would_fill_the_disk_is_refused_and_leaves_nothing(client, labeller, project, video_files,
                                                                         settings):
    settings.AIGVA_MIN_FREE_BYTES = 10**18  # as if the disk were nearly full
    response = upload(client, project, video_files["cfr.mp4"])
    assert response.status_code == 507  # from its Content-Length, before the body is read
    assert "Not enough disk space" in response.content.decode()
    assert not Video.objects.exists() and not _stored_files(project)
    assert client.get(reverse("videos:video-list", args=[project.pk])).status_code == 200


def test_frames_over_the_size_limit_are_refused_before_any_decode(client, labeller, project, video_files, settings):
    settings.AIGVA_MAX_FRAME_PIXELS = 320 * 240 - 1
    response = upload(client, project, video_files["cfr.mp4"])
    assert response.status_code == 400
    assert "320×240, larger than" in response.content.decode()
    assert not Video.objects.exists() and not _stored_files(project)


def test_frame_rates_read_as_people_write_them():
    from videos.models import Video

    assert [Video(fps_num=n, fps_den=d).fps_display for n, d in [(30000, 1001), (24000, 1001), (25, 1), (2997, 125)]] \
        == ["29.97", "23.976", "25", "23.976"]
    assert Video().fps_display == ""
