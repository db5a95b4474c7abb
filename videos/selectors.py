from django.contrib.auth.models import AbstractBaseUser
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse

from labelling.models import LabelSet
from projects.models import Job, Project, Role
from projects.selectors import require_role
from videos.models import Video


def get_member_video(user: AbstractBaseUser, video_id: int, min_role: Role = Role.VIEWER) -> Video:
    """404 unless the user may see the video's project (other projects' ids stay secret)."""
    video = Video.objects.filter(pk=video_id).select_related("project").defer("frame_pts").first()
    if video is None:
        raise Http404("No such video.")
    require_role(user, video.project, min_role)
    return video


def list_project_videos(project: Project) -> QuerySet[Video]:
    """Videos with their latest job and whether their current labels are reviewed."""
    latest_job = Job.objects.filter(video=OuterRef("pk")).order_by("-created_at")
    current = LabelSet.objects.filter(video=OuterRef("pk"), is_current=True)
    return project.videos.defer("frame_pts").annotate(
        latest_job_id=Subquery(latest_job.values("pk")[:1]),
        labels_reviewed=Subquery(current.values("reviewed")[:1]),
    )


def attach_latest_jobs(videos: list[Video]) -> list[Video]:
    """Put each video's latest job object on it as `latest_job` (one query)."""
    jobs = Job.objects.in_bulk([v.latest_job_id for v in videos if v.latest_job_id])
    for video in videos:
        video.latest_job = jobs.get(video.latest_job_id)
    return videos


def member_player_urls(video: Video, label_set) -> dict[str, str]:
    """Where the analysis page's player fetches and sends things, for project members."""
    if label_set is None:
        return {}
    return {
        "media": reverse("videos:video-media", args=[video.pk]),
        "frame_times": reverse("videos:video-frame-times", args=[video.pk]),
        "similar": reverse("prediction:similar-frames", args=[video.pk]),
        "retrain": reverse("prediction:retrain", args=[video.project_id]),
        **{key: reverse(f"labelling:{name}", args=[label_set.pk]) for key, name in PLAYER_LABEL_ENDPOINTS.items()},
    }


# urls-dict key -> URL name of the label-set endpoint (the same names under labelling: and reviews:share-).
PLAYER_LABEL_ENDPOINTS = {
    "timeline": "timeline", "confidences": "confidences", "range": "label-range", "undo": "undo",
    "review": "review", "history": "history", "edits": "edits",
}
