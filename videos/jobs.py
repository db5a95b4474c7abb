"""The jobs videos runs (J-1), and what becomes of a video whose job ends badly."""

from projects.job_kinds import register_kind
from projects.jobs import job_ended_badly
from videos.models import Video, VideoStatus

PROBE = "probe"


def register() -> None:
    register_kind(PROBE, label="Probe video", actor="videos.actors.probe_video")
    job_ended_badly.connect(release_videos, dispatch_uid="videos.release_videos")


def release_videos(*, job_ids: list[int], error: str, **_) -> None:
    """A video still being prepared by a job that ended badly is marked failed, never left processing."""
    Video.objects.filter(jobs__pk__in=job_ids).exclude(status=VideoStatus.READY).update(
        status=VideoStatus.FAILED, error=error
    )
