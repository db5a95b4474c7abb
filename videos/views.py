import gzip

import numpy as np
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from aigva.errors import UserFacingError
from labelling.selectors import get_current_label_set
from projects.models import Role
from projects.selectors import get_member_project, get_role
from reviews.selectors import get_video_agreement
from videos import services
from videos.forms import VideoUploadForm
from videos.frames import THUMBNAIL_WIDTH, read_frames
from videos.ranges import RangeNotSatisfiable, parse_range
from videos.selectors import attach_latest_jobs, get_member_video, list_project_videos, member_player_urls
from videos.services import local_copy

CHUNK = 256 * 1024


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
        if getattr(request, "upload_too_large", False):
            raise UserFacingError(f"The file is over the upload limit ({settings.AIGVA_MAX_UPLOAD_BYTES} bytes).")
        if not form.is_valid():
            raise UserFacingError("Choose a video file to upload.")
        upload = form.cleaned_data["file"]
        video = services.create_video(project=project, upload=upload, name=upload.name, created_by=request.user)
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


def video_detail(request: HttpRequest, video_id: int) -> HttpResponse:
    """The analysis page: frame-exact player, timeline and labelling (SPEC L-1..L-5)."""
    video = get_member_video(request.user, video_id)
    role = get_role(request.user, video.project)
    label_set = get_current_label_set(video)
    return render(request, "videos/video_detail.html", {
        "video": video, "project": video.project, "label_set": label_set,
        "urls": member_player_urls(video, label_set), "agreement": get_video_agreement(video),
        "classes": list(video.project.classes.values("id", "name", "colour", "shortcut")),
        "can_edit": role != Role.VIEWER,
    })


def video_frame_times(request: HttpRequest, video_id: int) -> HttpResponse:
    """Each frame's duration to the next, in time-base units (X-Time-Base); the player sums them.

    Little-endian int64 steps, gzip-encoded on the wire: a constant frame rate is one repeated
    value, so a 10-hour video costs kilobytes, not megabytes.
    """
    return serve_frame_times(get_member_video(request.user, video_id))


def serve_frame_times(video) -> HttpResponse:
    if not video.is_ready:
        return HttpResponse("This video is not ready yet.", status=409, content_type="text/plain")
    pts = video.frame_pts_array()
    body = gzip.compress(np.diff(pts, prepend=pts[0]).astype("<i8").tobytes(), compresslevel=1)
    response = HttpResponse(body, content_type="application/octet-stream")
    response["Content-Encoding"] = "gzip"
    response["X-Time-Base"] = f"{video.time_base_num}/{video.time_base_den}"
    response["Cache-Control"] = "private, max-age=3600"
    return response


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


def serve_media(request: HttpRequest, video) -> HttpResponse:
    """The playable file of a video the caller has been checked for."""
    if not video.is_ready:
        return HttpResponse("This video is not ready yet.", status=409, content_type="text/plain")
    field = video.playback_file
    if settings.AWS_STORAGE_BUCKET_NAME:
        return HttpResponseRedirect(field.url)  # a presigned URL, issued after the check above
    size = field.size
    try:
        byte_range = parse_range(request.headers.get("Range"), size)
    except RangeNotSatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _media_headers(response, video)
    first, last = byte_range or (0, size - 1)
    if settings.AIGVA_MEDIA_ACCEL_PREFIX:
        response = HttpResponse()
        response["X-Accel-Redirect"] = settings.AIGVA_MEDIA_ACCEL_PREFIX + field.name
        return _media_headers(response, video)
    response = StreamingHttpResponse(_read(field, first, last), status=206 if byte_range else 200)
    response["Content-Length"] = str(last - first + 1)
    if byte_range:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return _media_headers(response, video)


def _media_headers(response: HttpResponse, video) -> HttpResponse:
    response["Content-Type"] = video.playback_mime
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _read(field, first: int, last: int):
    with field.storage.open(field.name, "rb") as handle:
        handle.seek(first)
        remaining = last - first + 1
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


@require_GET
def video_frame_image(request: HttpRequest, video_id: int, frame: int) -> HttpResponse:
    """One exact frame as a small JPEG (thumbnails of similar frames)."""
    video = get_member_video(request.user, video_id)
    if not video.is_ready or not 0 <= frame < video.frame_count:
        raise Http404("No such frame.")
    picture = video.picture
    with local_copy(video.file) as path:
        [(_, jpeg)] = read_frames(path, video.frame_pts_array(), [frame], lambda f: picture.jpeg(f, THUMBNAIL_WIDTH))
    response = HttpResponse(jpeg, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response
