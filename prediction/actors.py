import dramatiq

from projects.jobs import run_job

HOUR_MS = 3_600_000


@dramatiq.actor(queue_name="gpu", max_retries=0, time_limit=24 * HOUR_MS)
def predict_video(job_id: int) -> None:
    """Claim a prediction job and label every frame of its video."""
    from prediction import predicting  # torch stays out of web processes

    run_job(job_id, predicting.run_prediction)


@dramatiq.actor(queue_name="gpu", max_retries=0, time_limit=24 * HOUR_MS)
def keep_features(job_id: int) -> None:
    """Claim a features job: decode its video once and keep the backbone's features of its gated frames."""
    from prediction import ingest  # torch stays out of web processes

    run_job(job_id, ingest.keep_features)
