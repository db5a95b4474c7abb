"""Responses that hand a video's bytes to a caller already checked for access (members, share links)."""

import gzip

import numpy as np
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse

from videos.ranges import RangeNotSatisfiable, parse_range

CHUNK = 256 * 1024


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
