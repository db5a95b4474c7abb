from django.http import HttpRequest
from ninja import File, Router, Status, UploadedFile
from ninja.pagination import paginate

from aigva.errors import UserFacingError
from api.endpoints import ERRORS
from api.pagination import Page
from api.schemas import Id, JobOut, VideoOut
from projects.models import Role
from projects.selectors import get_member_project
from videos import services
from videos.selectors import get_member_video, list_project_videos

router = Router(tags=["videos"])


@router.get("/projects/{project_id}/videos", response=list[VideoOut])
@paginate(Page)
def list_videos(request: HttpRequest, project_id: Id):
    """The project's videos, newest first, with their status and exact frame count once probed."""
    return list_project_videos(get_member_project(request.user, project_id)).order_by("-created_at", "-pk")


@router.post("/projects/{project_id}/videos", response={201: VideoOut, **ERRORS})
def upload_video(request: HttpRequest, project_id: Id, file: File[UploadedFile]):
    """Upload one video as multipart form data (`file`); it is streamed to disk, checked as on the page, and
    probed in the background: poll the video (or its probe job) until its status is ready or failed."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    if sum(len(files) for _, files in request.FILES.lists()) > 1:  # one video per request, not the last of many
        raise UserFacingError("Send one file per request; nothing was kept.")
    video = services.create_video(project=project, upload=file, name=file.name or "video", created_by=request.user)
    return Status(201, video)


@router.get("/videos/{video_id}", response={200: VideoOut, **ERRORS})
def get_video(request: HttpRequest, video_id: Id):
    return get_member_video(request.user, video_id)


@router.delete("/videos/{video_id}", response={204: None, **ERRORS})
def delete_video(request: HttpRequest, video_id: Id):
    """Delete the video with its labels and jobs (managers)."""
    services.delete_video(video=get_member_video(request.user, video_id, Role.MANAGER))
    return Status(204, None)


@router.post("/videos/{video_id}/reprobe", response={202: JobOut, **ERRORS})
def reprobe_video(request: HttpRequest, video_id: Id):
    """Probe the video again, e.g. after it failed or after an upgrade (managers); labels survive when the
    frame count holds."""
    video = get_member_video(request.user, video_id, Role.MANAGER)
    return Status(202, services.reprobe_video(video=video, requested_by=request.user))
