"""The helper every actor uses to run a Job (J-1): claim, progress, heartbeat, cancel, outcome."""

import logging
import os
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import timedelta

import dramatiq
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.module_loading import import_string
from dramatiq.brokers.redis import RedisBroker
from dramatiq.common import dq_name

from aigva.errors import UserFacingError
from projects import job_kinds
from projects.models import ACTIVE_JOB_STATUSES, Job, JobStatus, Project

log = logging.getLogger(__name__)
CANCELLED_ERROR = "Cancelled before it finished."
ETA_WINDOW = 20.0  # seconds of progress the time left is estimated from
# Sent with job_ids and error when jobs fail, are cancelled or go stale.
job_ended_badly = Signal()
STALE_ADVICE = "Start it again; if it stops again, the worker may be running out of memory."
LOST_AFTER_SECONDS = 10  # a queued job this old with no message in the broker lost it


class DuplicateJob(UserFacingError):
    """The same work is queued or running already (a double-clicked button, a second tab)."""


def active_duplicate(*, project_id: int, kind: str, options: dict, video=None, model=None) -> Job | None:
    return Job.objects.filter(project_id=project_id, kind=kind, options=options, video=video, model=model,
                              status__in=ACTIVE_JOB_STATUSES).first()


def create_job(*, project_id: int, kind: str, options: dict, created_by, video=None, model=None) -> Job:
    """A new queued job, refused while the same job (kind, options, video, model) is queued or running.
    Call it in a transaction: the project's row is locked, so two requests at once make one job."""
    Project.objects.select_for_update().filter(pk=project_id).exists()
    same = active_duplicate(project_id=project_id, kind=kind, options=options, video=video, model=model)
    if same is not None:
        raise DuplicateJob(f"The same job is already {same.get_status_display().lower()} (job {same.pk}); "
                           "its progress shows on this page.")
    return Job.objects.create(project_id=project_id, kind=kind, options=options, created_by=created_by, video=video,
                              model=model)


class JobCancelled(Exception):
    """Raised between chunks of work once a user asked to cancel."""


class JobReporter:
    """Writes progress at most once a second and notices cancellation."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._last_write = 0.0
        self._seen = deque([(time.monotonic(), 0.0)])  # (time, fraction) over the last ETA_WINDOW seconds

    def progress(self, fraction: float, message: str = "", seconds_left: float | None = None) -> None:
        """Record progress 0-1, and the time left where the work measured it (else the recent pace gives it);
        raises JobCancelled when a cancel was requested."""
        now = time.monotonic()
        if now - self._last_write < 1.0:
            return
        self._last_write = now
        fraction = min(max(fraction, 0.0), 1.0)
        eta = seconds_left if seconds_left is not None else self._eta(now, fraction)
        jobs = Job.objects.filter(pk=self.job_id)
        jobs.update(progress=fraction, eta_seconds=eta, message=message[:200], heartbeat_at=timezone.now())
        if jobs.filter(cancel_requested=True).exists():
            raise JobCancelled

    def _eta(self, now: float, fraction: float) -> float | None:
        """Seconds left at the pace of the last ETA_WINDOW seconds: a slow start (reading frames) or a
        faster phase later does not skew it as the average since the start would."""
        self._seen.append((now, fraction))
        while len(self._seen) > 2 and now - self._seen[1][0] >= ETA_WINDOW:
            self._seen.popleft()
        then, done_then = self._seen[0]
        pace = (fraction - done_then) / (now - then) if now > then else 0.0
        return (1 - fraction) / pace if pace > 0 and fraction > 0.01 else None

    def record(self, metrics: dict) -> None:
        """Publish partial results now (e.g. the loss per epoch for a live chart); the job's end replaces them."""
        Job.objects.filter(pk=self.job_id).update(metrics=metrics)

    def check_cancelled(self) -> None:
        if Job.objects.filter(pk=self.job_id, cancel_requested=True).exists():
            raise JobCancelled


class _Heartbeat(threading.Thread):
    """Keeps heartbeat_at fresh while work runs, so only a dead worker's job goes stale."""

    def __init__(self, job_id: int) -> None:
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.job_id = job_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.AIGVA_JOB_HEARTBEAT_SECONDS):
                Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())
        finally:
            connection.close()


def claim_job(job_id: int) -> bool:
    """Atomically move a queued job, or a running one whose worker died, to running."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.AIGVA_JOB_STALE_SECONDS)
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before)
    return bool(
        Job.objects.filter(claimable, pk=job_id, cancel_requested=False).update(
            status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1, error="",
            worker=f"{socket.gethostname()[:80]} pid {os.getpid()}",
        )
    )


def _finish(job_id: int, status: str, **fields) -> None:
    Job.objects.filter(pk=job_id).update(
        status=status, finished_at=timezone.now(), eta_seconds=None, heartbeat_at=timezone.now(), **fields
    )


def run_job(job_id: int, work: Callable[[Job, JobReporter], dict | None]) -> None:
    """Claim the job, run work(job, reporter), and record how it ended."""
    if not claim_job(job_id):
        return  # claimed elsewhere, cancelled or gone
    heartbeat = _Heartbeat(job_id)
    heartbeat.start()
    try:
        metrics = work(Job.objects.get(pk=job_id), JobReporter(job_id))
    except JobCancelled:
        _end_badly(job_id, JobStatus.CANCELLED, CANCELLED_ERROR)
    except UserFacingError as exc:
        _end_badly(job_id, JobStatus.FAILED, str(exc))
    except Exception as exc:
        log.exception("job %s failed", job_id)
        _end_badly(job_id, JobStatus.FAILED, unexpected_error(exc))
        raise
    else:
        _finish(job_id, JobStatus.SUCCEEDED, progress=1.0, message="Done", metrics=metrics or {})
    finally:
        heartbeat.stopped.set()
        heartbeat.join(timeout=1)  # a beat waiting on a row lock must not hold up the job's end


def unexpected_error(exc: Exception) -> str:
    """What a user is told about a failure we did not foresee: what happened and what to do, no server paths."""
    detail = re.sub(r"(?:[A-Za-z]:)?[\\/][^\s'\"]*[\\/]([^\s'\"\\/]+)", r"\1", str(exc)) or "no details"
    return (f"Something went wrong that AIGVA did not expect ({exc.__class__.__name__}: {detail[:160]}). "
            "Retry; if it fails again, report this message.")


def _end_badly(job_id: int, status: JobStatus, error: str) -> None:
    if status == JobStatus.CANCELLED:
        _finish(job_id, status, message="Cancelled")
    else:
        _finish(job_id, status, error=error)
    _release_videos([job_id], error)


def _release_videos(job_ids: list[int], error: str) -> None:
    """Tell the apps (videos marks a video still being prepared as failed, never left processing)."""
    job_ended_badly.send(sender=Job, job_ids=job_ids, error=error)


def request_cancel(job: Job) -> None:
    """Cancel a queued job at once; ask a running one to stop at its next chunk."""
    if Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.CANCELLED, finished_at=timezone.now(), message="Cancelled"
    ):
        _release_videos([job.pk], CANCELLED_ERROR)
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(cancel_requested=True, message="Cancelling…")


def enqueue_job(job: Job) -> None:
    """Send the job to the actor its app registered for its kind, once the transaction commits."""
    transaction.on_commit(lambda: _send(job))


def _send(job: Job) -> None:
    message = import_string(job_kinds.actor_path(job)).send(job.pk)
    Job.objects.filter(pk=job.pk).update(message_id=message.message_id)


def requeue_queued_jobs() -> int:
    """Send every queued job's message again (at start: a broker that lost its queue loses no job).
    A job whose message did survive runs once all the same: only one claim of it can succeed."""
    queued = list(Job.objects.filter(status=JobStatus.QUEUED).order_by("created_at", "pk"))
    for job in queued:
        _send(job)
    return len(queued)


def resend_lost_jobs() -> list[int]:
    """Send again each queued job the broker holds no message of (Redis restarted empty, or was away when the
    job was made); returns their ids. Every worker does it on a timer; a job sent twice still runs once."""
    settled = timezone.now() - timedelta(seconds=LOST_AFTER_SECONDS)  # its first message may be on its way
    lost = [job for job in Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=settled).order_by("pk")
            if not _message_is_live(job)]
    for job in lost:
        _send(job)
    return [job.pk for job in lost]


def _message_is_live(job: Job) -> bool:
    """Whether the broker holds the job's message: waiting, delayed, or taken by a worker and not yet acked."""
    broker = dramatiq.get_broker()
    if not job.message_id or not isinstance(broker, RedisBroker):
        return bool(job.message_id)
    queue = import_string(job_kinds.actor_path(job)).queue_name
    return any(broker.client.hexists(f"{broker.namespace}:{name}.msgs", job.message_id)
               for name in (queue, dq_name(queue)))


def retake_stale_jobs() -> tuple[list[int], list[int]]:
    """Running jobs whose heartbeat stopped (their worker was killed or crashed) go back to the queue for
    another worker, up to AIGVA_JOB_MAX_ATTEMPTS runs in all, then fail with the reason. Returns the ids
    (sent again, failed)."""
    stale_before = timezone.now() - timedelta(seconds=settings.AIGVA_JOB_STALE_SECONDS)
    stale = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before)
    retried, failed, most = [], [], settings.AIGVA_JOB_MAX_ATTEMPTS
    for job in stale:
        if job.attempts < most:
            message = f"Its worker stopped; sent to another (run {job.attempts + 1} of {most})."
            if stale.filter(pk=job.pk).update(status=JobStatus.QUEUED, message=message, eta_seconds=None):
                _send(job)
                retried.append(job.pk)
        elif stale.filter(pk=job.pk).update(status=JobStatus.FAILED, error=(error := _stale_error(job.attempts)),
                                            finished_at=timezone.now(), eta_seconds=None):
            _release_videos([job.pk], error)
            failed.append(job.pk)
    return retried, failed


def _stale_error(runs: int) -> str:
    times = "once" if runs == 1 else f"{runs} times"
    return f"The worker running this job stopped responding {times} (killed or crashed). {STALE_ADVICE}"
