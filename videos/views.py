
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from aigva.errors import UserFacingError
from projects.models import Role
from projects.selectors import get_member_project, get_role
from videos import services
from videos.forms import VideoUploadForm
from videos.frames import THUMBNAIL_WIDTH, read_frames
from videos.responses import serve_frame_times, serve_media
from videos.selectors import attach_latest_jobs, get_member_video, list_project_videos
from videos.storage import ranged_source
from videos.uploads import UploadRefused, check_upload_refused


def video_list(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id)
    page = Paginator(list_project_videos(project), 10).get_page(request.GET.get("page"))
    attach_latest_jobs(page.object_list)
    role = get_role(request.user, project)
    return render(request, "videos/video_list.html", {
        "project": project, "page": page, "role": role, "max_upload": settings.AIGVA_MAX_UPLOAD_BYTES,
    })


@require_POST
def video_upload(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.LABELLER)
    form = VideoUploadForm(request.POST, request.FILES)
    try:
        check_upload_refused(request)
        if not form.is_valid():
            raise UserFacingError("Choose a video file to upload.")
        upload = form.cleaned_data["file"]
        video = services.create_video(project=project, upload=upload, name=upload.name, created_by=request.user)
    except UploadRefused as exc:
        return render(request, "videos/video_list.html#upload-error", {"error": str(exc)}, status=exc.status)
    except UserFacingError as exc:
        return render(request, "videos/video_list.html#upload-error", {"error": str(exc)}, status=400)
    video.latest_job = video.probe_job
    context = {"video": video, "project": project, "role": get_role(request.user, project)}
    return render(request, "videos/video_list.html#video-row", context, status=201)


def video_row(request: HttpRequest, video_id: int) -> HttpResponse:
    video = get_member_video(request.user, video_id)
    video.latest_job = video.jobs.order_by("-created_at").first()
    context = {"video": video, "project": video.project, "role": get_role(request.user, video.project)}
    return render(request, "videos/video_list.html#video-row", context)


@require_POST
def video_retry(request: HttpRequest, video_id: int) -> HttpResponse:
    """Probe a failed video again (e.g. after a fix on the server); its row starts polling."""
    services.retry_video(video=get_member_video(request.user, video_id, Role.LABELLER), requested_by=request.user)
    return video_row(request, video_id)


@require_POST
def video_keep(request: HttpRequest, video_id: int) -> HttpResponse:
    """Keep a video beside the one of the same bytes it was uploaded again as."""
    services.keep_duplicate(video=get_member_video(request.user, video_id, Role.LABELLER))
    return video_row(request, video_id)


def video_frame_times(request: HttpRequest, video_id: int) -> HttpResponse:
    """Each frame's duration to the next, in time-base units (X-Time-Base); the player sums them.

    Little-endian int64 steps, gzip-encoded on the wire: a constant frame rate is one repeated
    value, so a 10-hour video costs kilobytes, not megabytes.
    """
    return serve_frame_times(get_member_video(request.user, video_id))


def video_delete(request: HttpRequest, video_id: int) -> HttpResponse:
    video = get_member_video(request.user, video_id, Role.MANAGER)
    if request.method == "POST":
        project = video.project
        services.delete_video(video=video)
        messages.success(request, f"Deleted “{video.name}” with its labels and files.")
        return redirect("videos:video-list", project.pk)
    return render(request, "videos/video_delete.html", {"video": video, "project": video.project})


def video_media(request: HttpRequest, video_id: int) -> HttpResponse:
    """The playable file, to members only, with single-range support so the player can seek."""
    return serve_media(request, get_member_video(request.user, video_id))


@require_GET
def video_frame_image(request: HttpRequest, video_id: int, frame: int) -> HttpResponse:
    """One exact frame as a small JPEG (thumbnails of similar frames)."""
    video = get_member_video(request.user, video_id)
    if not video.is_ready or not 0 <= frame < video.frame_count:
        raise Http404("No such frame.")
    picture = video.picture
    with ranged_source(video.file) as source:  # on S3, only the bytes this frame needs
        [(_, jpeg)] = read_frames(source, video.frame_pts_array(), [frame],
                                  lambda f: picture.jpeg(f, THUMBNAIL_WIDTH))
    response = HttpResponse(jpeg, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response
