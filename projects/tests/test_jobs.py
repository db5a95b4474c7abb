import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.module_loading import import_string

from exports.jobs import EXPORT
from learning.jobs import COLLECT, SAMPLE
from projects import job_kinds, jobs
from projects.models import Job, JobStatus, Project
from projects.tests.factories import make_project
from projects.tests.workers import wait_for, worker_process
from videos.jobs import PROBE


@pytest.fixture
def job(db):
    return Job.objects.create(project=make_project(), kind=PROBE)


def test_a_job_is_claimed_once(job):
    assert jobs.claim_job(job.pk)
    assert not jobs.claim_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1


def test_a_job_whose_worker_died_can_be_claimed_again(job, settings):
    jobs.claim_job(job.pk)
    long_ago = timezone.now() - timedelta(seconds=settings.AIGVA_JOB_STALE_SECONDS + 1)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=long_ago)
    assert jobs.claim_job(job.pk)
    job.refresh_from_db()
    assert job.attempts == 2


def test_run_job_records_success_and_metrics(job):
    jobs.run_job(job.pk, lambda job, reporter: {"frames": 3})
    job.refresh_from_db()
    assert (job.status, job.progress, job.metrics) == (JobStatus.SUCCEEDED, 1.0, {"frames": 3})


def test_run_job_records_a_readable_error(job):
    from aigva.errors import UserFacingError

    def work(job, reporter):
        raise UserFacingError("The video is damaged.")

    jobs.run_job(job.pk, work)
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "The video is damaged.")


def test_unexpected_errors_fail_the_job_and_propagate(job):
    def work(job, reporter):
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        jobs.run_job(job.pk, work)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "did not expect (RuntimeError: bug). Retry" in job.error


def test_an_unexpected_error_is_told_without_server_paths():
    message = jobs.unexpected_error(OSError("'/var/lib/aigva/media/videos/3/f00/playback.mp4' returned 22"))
    assert "OSError: 'playback.mp4' returned 22" in message and "/var" not in message


def test_cancellation_stops_work_between_chunks(job):
    chunks_done = []

    def work(job, reporter):
        for chunk in range(5):
            if chunk == 2:
                Job.objects.filter(pk=job.pk).update(cancel_requested=True)
            reporter.check_cancelled()
            chunks_done.append(chunk)

    jobs.run_job(job.pk, work)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and chunks_done == [0, 1]


def test_progress_is_written_at_most_once_a_second(job):
    jobs.claim_job(job.pk)
    reporter = jobs.JobReporter(job.pk)
    reporter.progress(0.25, "a")
    reporter.progress(0.5, "b")
    job.refresh_from_db()
    assert (job.progress, job.message) == (0.25, "a")
    assert job.eta_seconds is not None


def test_the_time_left_follows_the_recent_pace_not_a_slow_start(job):
    reporter = jobs.JobReporter(job.pk)
    reporter._seen[0] = (0.0, 0.0)  # the job started at t = 0 and read frames for 100 s at 0 %
    assert reporter._eta(100.0, 0.0) is None
    reporter._eta(110.0, 0.25)
    assert reporter._eta(120.0, 0.5) == pytest.approx(20.0)  # 25 % per 10 s lately; the average says 120 s


def test_cancelling_a_queued_job_ends_it_at_once(job):
    jobs.request_cancel(job)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert not jobs.claim_job(job.pk)


def test_the_job_partial_polls_only_while_active(client, job):
    from django.urls import reverse

    from projects.tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    url = reverse("projects:job-progress", args=[job.pk])
    active = client.get(url)
    assert "hx-trigger" in active.content.decode() and "HX-Trigger" not in active.headers
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED)
    done = client.get(url)
    assert "hx-trigger" not in done.content.decode()
    assert json.loads(done.headers["HX-Trigger"]) == {"job-finished": {"job": job.pk, "status": "succeeded"}}


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_its_job_failed_not_running(broker, media_root, settings, tmp_path):
    from django.core.files import File

    from videos import actors, services
    from videos.models import VideoStatus
    from videos.tests.numbered_video import write_numbered_video

    settings.AIGVA_JOB_STALE_SECONDS, settings.AIGVA_JOB_MAX_ATTEMPTS = 2, 1  # no other run: it fails
    source = write_numbered_video(tmp_path / "long.avi", codec="mpeg4", count=1500, size=(640, 480))
    with source.open("rb") as handle:
        video = services.create_video(project=make_project(), upload=File(handle, name="long.avi"), name="long.avi",
                                      created_by=None, enqueue=False)
    with worker_process(media_root):
        actors.probe_video.send(video.probe_job.pk)
        running = Job.objects.filter(pk=video.probe_job.pk, status=JobStatus.RUNNING, progress__gt=0)
        wait_for(running.exists, 60)
    wait_for(lambda: video.probe_job.pk in jobs.retake_stale_jobs()[1], 15)
    job = Job.objects.get(pk=video.probe_job.pk)
    assert job.status == JobStatus.FAILED and "stopped responding once" in job.error
    video.refresh_from_db()
    assert video.status == VideoStatus.FAILED and not video.label_sets.exists()


def test_cancelling_a_probe_marks_its_video_failed_not_processing(db):
    from videos.models import Video, VideoStatus

    project = make_project()
    video = Video.objects.create(project=project, name="v.mp4")
    queued = Job.objects.create(project=project, video=video, kind=PROBE)
    jobs.request_cancel(queued)
    video.refresh_from_db()
    assert video.status == VideoStatus.FAILED and "Cancelled" in video.error


@pytest.mark.django_db(transaction=True)
def test_a_worker_fails_jobs_whose_worker_died_too_often_on_its_own_timer(broker, media_root):
    """No page view is needed: any live worker sweeps up the jobs of a dead one."""
    job = Job.objects.create(project=make_project(), kind=EXPORT, status=JobStatus.RUNNING, attempts=3,
                             heartbeat_at=timezone.now() - timedelta(hours=1))
    with worker_process(media_root, AIGVA_JOB_STALE_SECONDS="4"):
        wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).exists(), 60)
    assert "stopped responding 3 times" in Job.objects.get(pk=job.pk).error


@pytest.mark.django_db(transaction=True)
def test_the_same_job_is_refused_while_one_is_queued_or_running_even_from_two_requests_at_once(video_files):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, transaction

    from exports.selectors import ExportOptions
    from exports.services import start_dataset_export
    from videos.tests.factories import ingest

    project = make_project()
    ingest(project, video_files["cfr.mp4"])
    options = ExportOptions(frame_skip=5)

    def start(_):
        try:
            with transaction.atomic():
                return start_dataset_export(project=project, options=options, started_by=None, enqueue=False).pk
        except jobs.DuplicateJob as exc:
            return str(exc)
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(start, range(2)))
    started = [o for o in outcomes if isinstance(o, int)]
    assert len(started) == 1 and f"already queued (job {started[0]})" in next(o for o in outcomes if isinstance(o, str))
    other = start_dataset_export(project=project, options=ExportOptions(frame_skip=10), started_by=None, enqueue=False)
    Job.objects.filter(pk__in=[started[0], other.pk]).update(status=JobStatus.SUCCEEDED)
    assert start_dataset_export(project=project, options=options, started_by=None, enqueue=False)  # done: again


def test_a_finished_job_row_says_what_it_made(db):
    project = make_project()
    sample = Job(project=project, kind=SAMPLE, status=JobStatus.SUCCEEDED, metrics={"samples": 1, "videos": 1})
    collect = Job(project=project, kind=COLLECT, status=JobStatus.SUCCEEDED,
                  metrics={"samples": 12, "videos": 2})
    assert (sample.summary, collect.summary) == ("1 new sample", "12 images from 2 videos")
    assert Job(project=project, kind=SAMPLE, status=JobStatus.RUNNING, metrics={"samples": 3}).summary == ""


def test_each_app_registers_its_job_kinds_and_the_actor_that_runs_them():
    project = Project(name="Unsaved")
    expected = {PROBE: "videos.actors.probe_video", "predict": "prediction.actors.predict_video",
                "features": "prediction.actors.keep_features",
                SAMPLE: "learning.actors.sample_frames", COLLECT: "learning.actors.collect_reviewed_frames",
                "train": "learning.actors.train_model", EXPORT: "exports.actors.export_dataset"}
    assert set(job_kinds.kinds()) == set(expected)
    for kind, actor in expected.items():
        assert job_kinds.actor_path(Job(project=project, kind=kind, options={})) == actor
        assert import_string(actor).actor_name == actor.rsplit(".", 1)[1]
    uncertain = Job(project=project, kind=SAMPLE, options={"method": "uncertain"})
    assert job_kinds.actor_path(uncertain) == "learning.actors.find_uncertain_frames"
    assert Job(project=project, kind=PROBE).kind_label == "Probe video"
