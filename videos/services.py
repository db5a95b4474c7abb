import hashlib
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from contextlib import suppress
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db import transaction

from aigva.errors import UserFacingError
from projects.jobs import JobReporter, create_job, enqueue_job, request_cancel
from projects.models import Job, Project
from videos import media
from videos.jobs import PROBE
from videos.models import Video, VideoStatus
from videos.signals import video_decoding, video_probed
from videos.storage import local_copy
from videos.uploads import size_text

log = logging.getLogger(__name__)
MAX_NAME = 120


def clean_file_name(name: str) -> str:
    """A display name safe anywhere: no path, no control characters, at most 120 characters."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".") or "video"
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 8 and len(name) > MAX_NAME:
        return stem[: MAX_NAME - len(ext) - 1] + "." + ext
    return name[:MAX_NAME]


@transaction.atomic
def create_video(
    *, project: Project, upload: File, name: str, created_by: AbstractBaseUser | None, enqueue: bool = True
) -> Video:
    """Store an upload and schedule probing; returns the video with its probe job as `probe_job`."""
    display_name = clean_file_name(name)
    if upload.size == 0:
        raise UserFacingError(f"“{display_name}” is empty (0 bytes).")
    if upload.size > settings.AIGVA_MAX_UPLOAD_BYTES:
        limit = size_text(settings.AIGVA_MAX_UPLOAD_BYTES)
        raise UserFacingError(f"“{display_name}” is larger than the {limit} limit.")
    _check_is_video(upload, display_name)
    _check_free_space(upload.size, display_name)
    video = Video(project=project, name=display_name, size=upload.size, created_by=created_by)
    name = video.file.field.generate_filename(video, "original")
    try:
        video.file = video.file.storage.save(name, upload, max_length=200)  # storage copies in chunks
    except (OSError, BotoCoreError, ClientError) as exc:  # the disk filled up meanwhile, the bucket is gone
        with suppress(OSError, BotoCoreError, ClientError):  # leave no partial file behind
            video.file.storage.delete(name)
        log.error("storing %s failed", name, exc_info=exc)
        raise UserFacingError(f"“{display_name}” could not be stored ({_storage_problem(exc)}); nothing was kept. "
                              "If it happens again, tell whoever runs AIGVA.") from exc
    video.save()
    video.probe_job = _schedule_probe(video, created_by, enqueue)
    return video


def _storage_problem(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        return f"the storage answered {exc.response.get('Error', {}).get('Code', 'an error')}"
    return getattr(exc, "strerror", None) or str(exc)


def _check_is_video(upload: File, display_name: str) -> None:
    """Refuse audio, pictures and other non-videos before anything is stored (their header says)."""
    try:
        source = upload.temporary_file_path()
    except AttributeError:  # an upload held in memory, or an open file
        source = upload.file
    try:
        upload.seek(0)
        media.check_video(source, settings.AIGVA_MAX_FRAME_PIXELS)
    except media.MediaError as exc:
        raise UserFacingError(f"“{display_name}”: {exc}") from exc
    finally:
        upload.seek(0)


def _check_free_space(size: int, display_name: str) -> None:
    """Refuse an upload that would leave the media disk nearly full (file-system storage only)."""
    if settings.AWS_STORAGE_BUCKET_NAME:
        return
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(root).free
    if free - size < settings.AIGVA_MIN_FREE_BYTES:
        raise UserFacingError(f"Not enough disk space for “{display_name}” ({size_text(size)}): {size_text(free)} is "
                              f"free and {size_text(settings.AIGVA_MIN_FREE_BYTES)} must stay free. Free some space or "
                              "ask whoever runs AIGVA to.")


def _schedule_probe(video: Video, requested_by: AbstractBaseUser | None, enqueue: bool) -> Job:
    job = create_job(project_id=video.project_id, video=video, kind=PROBE, options={},
                     created_by=requested_by)
    if enqueue:
        enqueue_job(job)
    return job


@transaction.atomic
def reprobe_video(*, video: Video, requested_by: AbstractBaseUser | None) -> Job:
    """Probe again (e.g. after a decoder upgrade); labels survive when the frame count holds. Refused while
    a probe of the video is queued or running."""
    job = _schedule_probe(video, requested_by, enqueue=True)
    Video.objects.filter(pk=video.pk).update(status=VideoStatus.PROCESSING, error="")
    return job


@transaction.atomic
def retry_video(*, video: Video, requested_by: AbstractBaseUser | None) -> Job | None:
    """Probe a failed video again; None when it is not failed any more (a second click, another user)."""
    if not Video.objects.filter(pk=video.pk, status=VideoStatus.FAILED).update(status=VideoStatus.PROCESSING, error=""):
        return None
    return _schedule_probe(video, requested_by, enqueue=True)


def probe_video(job: Job, reporter: JobReporter) -> dict:
    """Probe frame-exactly, make a rendition when browsers cannot play the file, create the labels."""
    video = Video.objects.select_related("project").get(pk=job.video_id)
    Video.objects.filter(pk=video.pk).update(status=VideoStatus.PROCESSING, error="")
    with local_copy(video.file) as path:
        try:
            media.check_video(path, settings.AIGVA_MAX_FRAME_PIXELS)  # before any decode
            probed = media.probe(path, on_progress=lambda f: reporter.progress(f * 0.5, "Reading every frame"),
                                 watchers_for=lambda header: _watchers(video, header))
            damaged_audio = _store_rendition(video, path, probed, reporter) if not probed.browser_playable else 0
        except media.MediaError as exc:
            raise UserFacingError(str(exc)) from exc
        with open(path, "rb") as handle:  # so an upload of bytes the project has already can say so
            content_hash = hashlib.file_digest(handle, "sha256").hexdigest()
    Video.objects.filter(pk=video.pk).update(content_hash=content_hash)
    _store_probe(video, probed, _audio_note(damaged_audio))
    video_probed.send(sender=Video, video=video, frame_count=probed.frame_count)
    Video.objects.filter(pk=video.pk).update(status=VideoStatus.READY)
    return {"frame_count": probed.frame_count, "fps": str(probed.fps), "rendition": bool(video.playback)}


def _watchers(video: Video, header: media.Header) -> list:
    """What other apps watch the probe's decode with (V-5: prediction keeps the backbone's features); one that
    cannot start is left out (logged): the video comes in without what it would have kept."""
    answers = video_decoding.send_robust(sender=Video, video=video, header=header)
    for receiver, answer in answers:
        if isinstance(answer, Exception):
            log.error("%s could not watch the probe of video %s", receiver, video.pk, exc_info=answer)
    return [answer for _, answer in answers if answer is not None and not isinstance(answer, Exception)]


def _store_rendition(video: Video, path: str, probed: media.ProbeResult, reporter: JobReporter) -> int:
    """Make and store the playback copy; returns how many damaged audio packets it left out."""
    with tempfile.TemporaryDirectory() as folder:
        out_path = os.path.join(folder, "playback.mp4")
        damaged_audio = media.make_rendition(path, out_path, probed,
                                             lambda f: reporter.progress(0.5 + f * 0.5, "Converting"))
        with open(out_path, "rb") as rendition:
            video.playback.save("playback.mp4", File(rendition), save=False)
    Video.objects.filter(pk=video.pk).update(playback=video.playback.name)
    return damaged_audio


def _audio_note(damaged_packets: int) -> str:
    if not damaged_packets:
        return ""
    packets = "1 damaged audio packet was" if damaged_packets == 1 else f"{damaged_packets} damaged audio packets were"
    return f"{packets} left out of the sound while playing; every frame of the picture is there."


def _store_probe(video: Video, probed: media.ProbeResult, note: str) -> None:
    video.frame_count = probed.frame_count
    video.fps_num, video.fps_den = probed.fps.numerator, probed.fps.denominator
    video.time_base_num, video.time_base_den = probed.time_base.numerator, probed.time_base.denominator
    video.set_frame_pts(probed.pts)
    video.duration = probed.duration_seconds
    video.width, video.height = probed.width, probed.height
    picture = probed.picture
    video.display_width, video.display_height = picture.width, picture.height
    video.quarter_turns = picture.quarter_turns
    video.codec, video.mime_type, video.note = probed.codec, probed.mime_type, note
    video.save(update_fields=[
        "frame_count", "fps_num", "fps_den", "time_base_num", "time_base_den", "frame_pts", "duration",
        "width", "height", "display_width", "display_height", "quarter_turns", "codec", "mime_type", "note",
    ])


@transaction.atomic
def keep_duplicate(*, video: Video) -> None:
    """Keep a video beside one of the same bytes (e.g. to label it twice); it stops saying so."""
    Video.objects.filter(pk=video.pk).update(duplicate_kept=True)


def delete_video(*, video: Video) -> None:
    """Delete the video, its labels and jobs, then its files once the rows are gone."""
    for job in video.jobs.all():
        request_cancel(job)
    files = [f.name for f in (video.file, video.playback) if f]
    storage = video.file.storage
    video.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in files])


def import_path_list(paths: list[str]) -> list[Path]:
    """Expand folders into the files under them, sorted, hidden files left out."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            found.append(path)
    return found
