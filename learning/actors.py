import dramatiq

from learning import sampling, uncertain
from projects.jobs import run_job

HOUR_MS = 3_600_000


@dramatiq.actor(max_retries=0, time_limit=12 * HOUR_MS)
def sample_frames(job_id: int) -> None:
    """Claim a sampling job and pick the frames to label from its videos."""
    run_job(job_id, sampling.run_sampling)


@dramatiq.actor(max_retries=0, time_limit=12 * HOUR_MS)
def collect_reviewed_frames(job_id: int) -> None:
    """Claim a Blitz collection job and turn reviewed videos' frames into training samples."""
    run_job(job_id, sampling.run_collecting)


@dramatiq.actor(max_retries=0, time_limit=12 * HOUR_MS)
def find_uncertain_frames(job_id: int) -> None:
    """Claim an active-learning job and queue the least confident frame of the least confident shots."""
    run_job(job_id, uncertain.run_uncertain)


@dramatiq.actor(queue_name="gpu", max_retries=0, time_limit=24 * HOUR_MS)
def train_model(job_id: int) -> None:
    """Claim a training job and train a model on the project's labelled frames."""
    from learning import training  # torch stays out of web processes

    run_job(job_id, training.run_training)
