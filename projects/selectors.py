from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from aigva.errors import UserFacingError
from aigva.params import parse_int
from projects.models import ROLE_RANK, Job, Membership, Project, Role, Track


def get_role(user: AbstractBaseUser, project: Project) -> Role | None:
    """The user's role in the project; superusers act as managers everywhere."""
    if user.is_superuser:
        return Role.MANAGER
    role = Membership.objects.filter(project=project, user=user).values_list("role", flat=True).first()
    return Role(role) if role else None


def require_role(user: AbstractBaseUser, project: Project, min_role: Role) -> Role:
    """404 for non-members (ids of other projects stay secret), 403 for too low a role."""
    role = get_role(user, project)
    if role is None:
        raise Http404("No such project.")
    if ROLE_RANK[role] < ROLE_RANK[min_role]:
        raise PermissionDenied(f"This needs the {min_role.label.lower()} role in {project.name}.")
    return role


def get_member_project(user: AbstractBaseUser, project_id: int, min_role: Role = Role.VIEWER) -> Project:
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        raise Http404("No such project.")
    require_role(user, project, min_role)
    return project


def list_user_projects(user: AbstractBaseUser) -> QuerySet[Project]:
    projects = Project.objects.all() if user.is_superuser else Project.objects.filter(memberships__user=user)
    return projects.annotate(video_count=Count("videos", distinct=True),
                             failed_videos=Count("videos", filter=Q(videos__status="failed"), distinct=True),
                             ).order_by("name")


def get_member_job(user: AbstractBaseUser, job_id: int, min_role: Role = Role.VIEWER) -> Job:
    job = Job.objects.filter(pk=job_id).select_related("project", "video").first()
    if job is None:
        raise Http404("No such job.")
    require_role(user, job.project, min_role)
    return job


def find_videos(project: Project, references: list[str]) -> list:
    """The project's videos named by id or file name, in order; 404 naming the first that is not one."""
    found = []
    for reference in references:
        pk = parse_int(reference)  # "²" is a digit to str.isdigit, not an id
        video = project.videos.filter(Q(name=reference) | (Q(pk=pk) if pk is not None else Q())).first()
        if video is None:
            raise Http404(f"Project “{project.name}” has no video “{reference}”.")
        found.append(video)
    return found


def get_track(project: Project, name: str | None) -> Track:
    """The project's track of that name (any case), or its first when none is named."""
    if name is None:
        return project.first_track
    tracks = list(project.tracks.all())
    track = next((track for track in tracks if track.name.casefold() == name.strip().casefold()), None)
    if track is None:
        raise UserFacingError(f"“{name[:60]}” is not a track of this project; its tracks: "
                              f"{', '.join(track.name for track in tracks)}.")
    return track
