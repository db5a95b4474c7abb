from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

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
    """Videos with their latest job, whether their current labels are reviewed and how right they are
    estimated to be (issue 31)."""
    latest_job = Job.objects.filter(video=OuterRef("pk")).order_by("-created_at")
    current = Q(label_sets__is_current=True, label_sets__track=project.first_track)
    return project.videos.defer("frame_pts").annotate(
        latest_job_id=Subquery(latest_job.values("pk")[:1]),
        labels_reviewed=Count("label_sets", filter=current & Q(label_sets__reviewed=True)),
        current_labels=FilteredRelation("label_sets", condition=current),
        labels_accuracy=F("current_labels__accuracy"),
    ).order_by("-created_at", "-pk")  # as Meta says: a grouped query drops the default ordering


def attach_latest_jobs(videos: list[Video]) -> list[Video]:
    """Put each video's latest job object on it as `latest_job` (one query)."""
    jobs = Job.objects.in_bulk([v.latest_job_id for v in videos if v.latest_job_id])
    for video in videos:
        video.latest_job = jobs.get(video.latest_job_id)
    return videos
