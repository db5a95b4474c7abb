import dramatiq

from exports import services
from projects.jobs import run_job

HOUR_MS = 3_600_000


@dramatiq.actor(max_retries=0, time_limit=24 * HOUR_MS)
def export_dataset(job_id: int) -> None:
    """Claim an export job and write its dataset ZIP."""
    run_job(job_id, services.run_dataset_export)
