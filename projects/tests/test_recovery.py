"""Production recovers by itself (issue 32): a queued job whose message Redis lost is sent again by a worker's
timer, and a job whose worker is killed mid-run is finished by another worker, with real worker processes."""

import os
import signal
from datetime import timedelta

import pytest
from django.core.files import File
from django.utils import timezone

from projects.models import Job, JobStatus
from projects.tests.factories import make_project
from projects.tests.workers import wait_for, worker_process
from videos import services
from videos.models import VideoStatus
from videos.tests.numbered_video import write_numbered_video

pytestmark = pytest.mark.django_db(transaction=True)


def upload(path, enqueue: bool):
    with path.open("rb") as handle:
        return services.create_video(project=make_project(), upload=File(handle, name=path.name), name=path.name,
                                     created_by=None, enqueue=enqueue)


def test_a_queued_job_whose_message_redis_lost_is_sent_again_by_a_worker(broker, media_root, tmp_path):
    video = upload(write_numbered_video(tmp_path / "short.mp4", count=30), enqueue=True)
    job = Job.objects.get(pk=video.probe_job.pk)
    assert job.status == JobStatus.QUEUED and job.message_id
    broker.client.flushdb()  # Redis restarted empty: the message is gone, the row still says queued
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    with worker_process(media_root, AIGVA_JOB_STALE_SECONDS="4"):
        wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.SUCCEEDED).exists(), 90)
    video.refresh_from_db()
    assert video.status == VideoStatus.READY and Job.objects.get(pk=job.pk).attempts == 1


def test_a_job_whose_worker_is_killed_is_finished_by_another_worker(broker, media_root, tmp_path):
    source = write_numbered_video(tmp_path / "long.avi", codec="mpeg4", count=1500, size=(640, 480))
    video = upload(source, enqueue=False)
    job = Job.objects.filter(pk=video.probe_job.pk)
    with worker_process(media_root, AIGVA_JOB_STALE_SECONDS="2"), worker_process(media_root,
                                                                                 AIGVA_JOB_STALE_SECONDS="2"):
        from videos import actors

        actors.probe_video.send(video.probe_job.pk)
        first = wait_for(lambda: job.filter(status=JobStatus.RUNNING, progress__gt=0).first(), 60)
        os.killpg(os.getpgid(int(first.worker.rsplit(" ", 1)[1])), signal.SIGKILL)  # that worker, with its children
        wait_for(lambda: job.filter(status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).exists(), 180)
    finished = job.get()
    assert finished.status == JobStatus.SUCCEEDED, finished.error
    assert finished.attempts == 2 and finished.worker != first.worker
    video.refresh_from_db()
    assert video.status == VideoStatus.READY and video.frame_count == 1500
