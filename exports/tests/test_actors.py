import pytest

from exports import services
from exports.models import Export
from exports.selectors import ExportOptions
from projects.models import JobStatus
from projects.tests.factories import make_project
from videos.tests.factories import ingest


@pytest.mark.django_db(transaction=True)
def test_a_dataset_export_runs_on_a_real_worker(broker, media_root, video_files):
    from projects.tests.workers import wait_for, worker_process

    project = make_project()
    ingest(project, video_files["vp9.webm"])
    with worker_process(media_root):
        job = services.start_dataset_export(project=project, options=ExportOptions(frame_skip=8), started_by=None)
        finished = job.__class__.objects.filter(pk=job.pk, status__in=["succeeded", "failed"])
        wait_for(finished.exists, 90)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert Export.objects.get(job=job).images == 6 and job.metrics["images"] == 6
