import dramatiq

from projects.jobs import run_job
from videos import services

HOUR_MS = 3_600_000


@dramatiq.actor(queue_name="default", max_retries=0, time_limit=6 * HOUR_MS)
def probe_video(job_id: int) -> None:
    """Probe a stored video, convert it when needed and create its first label set."""
    run_job(job_id, services.probe_video)
