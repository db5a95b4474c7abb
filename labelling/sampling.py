"""Cold Label sampling (C-1): which frames of each video a person should label first."""

import io

import av
import imagehash
import numpy as np
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from labelling.models import TrainingSample
from projects.jobs import JobReporter
from projects.models import Job
from videos.frames import read_frames
from videos.models import Video
from videos.services import local_copy

SAMPLE_WIDTH = 640  # big enough to label from, small enough to store thousands
HASH_SIZE = 64  # frames are reduced to this square before pHash (which takes 32 x 32 of it)


def uniform_frames(frame_count: int, count: int) -> list[int]:
    """`count` frames spread evenly from the first to the last."""
    if count < 1 or frame_count < 1:
        return []
    return sorted(set(np.linspace(0, frame_count - 1, num=min(count, frame_count)).round().astype(int).tolist()))


def unique_frames(hashes: list[tuple[int, imagehash.ImageHash]], threshold: int, count: int) -> list[int]:
    """Frames whose pHash is at least `threshold` bits from the last kept one; `count` of them, spread evenly."""
    kept, last = [], None
    for frame, frame_hash in hashes:
        if last is None or frame_hash - last >= threshold:
            kept.append(frame)
            last = frame_hash
    return [kept[i] for i in uniform_frames(len(kept), count)]


def phash_of(frame: av.VideoFrame) -> imagehash.ImageHash:
    return imagehash.phash(Image.fromarray(frame.to_ndarray(format="gray", width=HASH_SIZE, height=HASH_SIZE)))


def jpeg_of(frame: av.VideoFrame, width: int = SAMPLE_WIDTH, quality: int = 90) -> bytes:
    width = min(width, frame.width)
    height = max(2, round(frame.height * width / frame.width))
    buffer = io.BytesIO()
    frame.to_image(width=width, height=height).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def choose_frames(path: str, video: Video, options: dict, on_frame=None) -> list[int]:
    """The frames to sample from one video, by the job's method."""
    if options["method"] == "uniform":
        return uniform_frames(video.frame_count, options["per_video"])
    stride = max(1, round(options["stride_seconds"] * float(video.fps or 1)))
    hashes = []
    for frame_index, frame_hash in read_frames(path, video.frame_pts_array(), range(0, video.frame_count, stride),
                                                phash_of):
        hashes.append((frame_index, frame_hash))
        if on_frame:
            on_frame(frame_index)
    return unique_frames(hashes, options["threshold"], options["per_video"])


def run_sampling(job: Job, reporter: JobReporter) -> dict:
    """Sample every video the job names; each video's samples are written together or not at all."""
    videos = list(Video.objects.filter(pk__in=job.options["videos"], project_id=job.project_id).order_by("pk"))
    created = 0
    for position, video in enumerate(videos):
        def progress(frame: int, position=position, video=video) -> None:
            reporter.progress((position + frame / video.frame_count) / len(videos),
                              f"{video.name}: frame {frame} of {video.frame_count}")

        with local_copy(video.file) as path:
            frames = choose_frames(path, video, job.options, progress)
            known = set(video.samples.filter(source=TrainingSample.Source.SAMPLED).values_list("frame", flat=True))
            images = read_frames(path, video.frame_pts_array(), set(frames) - known, jpeg_of)
            created += _store_samples(video, dict(images))
        reporter.progress((position + 1) / len(videos), f"Sampled {video.name}")
    return {"videos": len(videos), "samples": created}


def _store_samples(video: Video, images: dict[int, bytes]) -> int:
    stored, written = [], False
    try:
        with transaction.atomic():
            for frame, jpeg in sorted(images.items()):
                sample = TrainingSample(project_id=video.project_id, video=video, frame=frame)
                sample.image.save("sample.jpg", ContentFile(jpeg), save=False)
                stored.append(sample.image.name)
                sample.save()
        written = True
    finally:
        if not written:  # files are not transactional: remove those whose rows were rolled back
            for name in stored:
                video.file.storage.delete(name)
    return len(stored)
