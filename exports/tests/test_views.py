import io
import zipfile

import pytest
from django.urls import reverse

from exports.jobs import EXPORT
from exports.models import Export
from labelling.tests.factories import make_labelled_video
from projects.models import Job, Role
from projects.tests.factories import add_member, make_project
from videos.tests.factories import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def labeller(client):
    project = make_project(name="<b>Dash</b>")
    user = add_member(project, Role.LABELLER)
    client.force_login(user)
    return project, user


def test_the_page_previews_the_folder_tree(client, labeller, video_files):
    project, _ = labeller
    ingest(project, video_files["cfr.mp4"])
    page = client.get(reverse("exports:export-page", args=[project.pk]))
    assert page.status_code == 200 and b"&lt;b&gt;Dash&lt;/b&gt;" in page.content and b"<b>Dash" not in page.content
    preview = client.get(reverse("exports:export-preview", args=[project.pk]), {"frame_skip": 4, "quality": 90,
                                                                                 "split": 0}, HTTP_HX_REQUEST="true")
    assert b"12 images from 1 video" in preview.content and b"road/</code> 12" in preview.content
    bad = client.get(reverse("exports:export-preview", args=[project.pk]), {"frame_skip": 0, "quality": 90})
    assert b'role="alert"' in bad.content


def test_labels_download_as_a_streamed_json_attachment(client, labeller):
    project, _ = labeller
    video, _ = make_labelled_video(frames=30, project=project)
    response = client.get(reverse("exports:export-labels", args=[project.pk]), {"form": "segments"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="b_Dash_b-segments.json"'
    body = b"".join(response.streaming_content)
    assert b'"segments":[{"start":0,"end":29,"class":"road"}]' in body


def test_another_projects_videos_are_refused(client, labeller):
    project, _ = labeller
    foreign, _ = make_labelled_video(frames=10, project=make_project())
    response = client.get(reverse("exports:export-labels", args=[project.pk]), {"videos": [foreign.pk]})
    assert response.status_code == 400


def test_a_zip_export_runs_as_a_job_and_downloads(client, labeller, video_files, django_capture_on_commit_callbacks):
    from exports import services
    from projects.jobs import run_job

    project, _ = labeller
    ingest(project, video_files["cfr.mp4"])
    response = client.post(reverse("exports:export-start", args=[project.pk]),
                           {"frame_skip": 10, "quality": 80, "split": 0}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"].endswith(f"/projects/{project.pk}/export/")
    job = Job.objects.get(project=project, kind=EXPORT)
    row = client.get(reverse("exports:export-row", args=[job.pk]))
    assert b"hx-get" in row.content and b"export-download" not in row.content  # polls until done
    run_job(job.pk, services.run_dataset_export)
    row = client.get(reverse("exports:export-row", args=[job.pk]))
    assert b"hx-get" not in row.content and b"5 images" in row.content
    export = Export.objects.get(job=job)
    download = client.get(reverse("exports:export-download", args=[export.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="b_Dash_b-dataset-{export.pk}.zip"'
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert names == [f"road/cfr_frame{i}.jpg" for i in range(0, 48, 10)] + [
        "labels.csv", "metadata.jsonl", "README.txt", "accuracy.json"]
    client.post(reverse("exports:export-delete", args=[export.pk]))
    assert not Export.objects.exists() and not export.file.storage.exists(export.file.name)


def test_roles_and_other_projects(client, labeller, video_files):
    from exports import services
    from exports.selectors import ExportOptions
    from projects.jobs import run_job

    project, _ = labeller
    other = make_project()
    ingest(other, video_files["cfr.mp4"])
    job = services.start_dataset_export(project=other, options=ExportOptions(frame_skip=24), started_by=None,
                                        enqueue=False)
    run_job(job.pk, services.run_dataset_export)
    export = Export.objects.get(job=job)
    for name, args in [("export-download", [export.pk]), ("export-row", [job.pk]), ("export-page", [other.pk]),
                       ("export-labels", [other.pk])]:
        assert client.get(reverse(f"exports:{name}", args=args)).status_code == 404
    assert client.post(reverse("exports:export-delete", args=[export.pk])).status_code == 404
    viewer = add_member(project, Role.VIEWER)
    client.force_login(viewer)
    assert client.get(reverse("exports:export-page", args=[project.pk])).status_code == 403
    assert client.get(reverse("exports:export-delete", args=[export.pk])).status_code == 405
    assert Export.objects.filter(pk=export.pk).exists()


def test_a_viewer_cannot_download_labels_or_zips_nor_delete_them(client, labeller, video_files):
    from exports import services
    from exports.selectors import ExportOptions
    from projects.jobs import run_job

    project, _ = labeller
    ingest(project, video_files["cfr.mp4"])
    job = services.start_dataset_export(project=project, options=ExportOptions(frame_skip=24), started_by=None,
                                        enqueue=False)
    run_job(job.pk, services.run_dataset_export)
    export = Export.objects.get(job=job)
    assert client.get(reverse("exports:export-download", args=[export.pk])).status_code == 200  # a labeller may
    client.force_login(add_member(project, Role.VIEWER))
    assert client.get(reverse("exports:export-labels", args=[project.pk])).status_code == 403
    assert client.get(reverse("exports:export-download", args=[export.pk])).status_code == 403
    assert client.post(reverse("exports:export-delete", args=[export.pk])).status_code == 403
    assert Export.objects.filter(pk=export.pk).exists() and export.file.storage.exists(export.file.name)
