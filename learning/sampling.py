"""Cold Label sampling (C-1): which frames of each video a person should label first."""

from collections.abc import Callable, Iterable

import numpy as np
from django.core.files.base import ContentFile
from django.db import transaction

from labelling.models import LabelSet
from learning.models import TrainingSample
from learning.selectors import held_out_frames
from prediction import embeddings
from prediction.backbone_choices import check_backbone, project_backbone
from prediction.ml.frame_hash import HASH_STRIDE, grey_phash, hash_distance
from prediction.ml.selection import representative
from projects.jobs import JobReporter
from projects.models import Job
from videos.frames import THUMBNAIL_WIDTH, read_frames
from videos.models import Video
from videos.storage import local_copy

MAX_CANDIDATES = 1000  # frames of one video the representative method runs the model on, spread evenly
CANDIDATES_PER_SAMPLE = 4  # at least this many looked at per frame asked for, so there is a choice


def uniform_frames(frame_count: int, count: int) -> list[int]:
    """`count` frames spread evenly from the first to the last."""
    if count < 1 or frame_count < 1:
        return []
    return sorted(set(np.linspace(0, frame_count - 1, num=min(count, frame_count)).round().astype(int).tolist()))


def unique_frames(hashes: list[tuple[int, int]], threshold: int, count: int) -> list[int]:
    """Frames whose pHash is at least `threshold` bits from the last kept one; `count` of them, spread evenly."""
    kept, last = [], None
    for frame, frame_hash in hashes:
        if last is None or hash_distance(frame_hash, last) >= threshold:
            kept.append(frame)
            last = frame_hash
    return [kept[i] for i in uniform_frames(len(kept), count)]


def nearest(sorted_frames: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """(T,) for each target, the row of the nearest of `sorted_frames` (ascending, not empty)."""
    after = np.clip(np.searchsorted(sorted_frames, targets), 0, len(sorted_frames) - 1)
    before = np.clip(after - 1, 0, len(sorted_frames) - 1)
    return np.where(np.abs(sorted_frames[before] - targets) <= np.abs(sorted_frames[after] - targets), before, after)


def choose_frames(path: str, video: Video, options: dict, on_frame=None, features_of=None) -> list[int]:
    """The frames to sample from one video, by the job's method; `features_of(video, path, frames, on_frame)`
    gives backbone features for the representative method."""
    if options["method"] == "uniform":
        return uniform_frames(video.frame_count, options["per_video"])
    stride = max(1, round(options["stride_seconds"] * float(video.fps or 1)))
    if options["method"] == "representative":
        cached = features_of.cached(video)
        candidates = _representative_candidates(video, stride, options["per_video"],
                                                np.zeros(0, dtype=np.int64) if cached is None else cached.frames)
        features = features_of(video, path, candidates, on_frame, cached)
        return candidates[representative(features, options["per_video"])].tolist()
    return unique_frames(_stride_hashes(path, video, stride, on_frame), options["threshold"], options["per_video"])


def _representative_candidates(video: Video, stride: int, per_video: int, cached: np.ndarray) -> np.ndarray:
    """One frame per stride, at most MAX_CANDIDATES spread evenly; each moved to the nearest frame whose features
    the cache has (the probe's pass kept one at least every second), so none is decoded."""
    candidates = np.arange(0, video.frame_count, stride)
    if len(candidates) < CANDIDATES_PER_SAMPLE * per_video:  # a short video: look closer
        candidates = np.asarray(uniform_frames(video.frame_count, CANDIDATES_PER_SAMPLE * per_video))
    candidates = candidates[uniform_frames(len(candidates), MAX_CANDIDATES)]
    if len(cached) < len(candidates):  # too few to stand in for them (a very short video): decode
        return candidates
    return np.unique(cached[nearest(cached, candidates)])


def _stride_hashes(path: str, video: Video, stride: int, on_frame) -> list[tuple[int, int]]:
    """(frame, grey pHash) one per stride: the nearest of those the probe's pass kept, else decoded."""
    wanted = np.arange(0, video.frame_count, stride)
    stored = embeddings.load_grey_hashes(video)
    if stored is not None and len(stored[0]) and stride >= HASH_STRIDE:
        frames, hashes = stored
        rows = np.unique(nearest(frames, wanted))
        return list(zip(frames[rows].tolist(), hashes[rows].tolist(), strict=True))
    hashed = []
    for frame_index, frame_hash in read_frames(path, video.frame_pts_array(), wanted, grey_phash):
        hashed.append((frame_index, frame_hash))
        if on_frame:
            on_frame(frame_index)
    return hashed


def run_sampling(job: Job, reporter: JobReporter) -> dict:
    """Sample every video the job names; each video's samples are written together or not at all."""
    videos = list(Video.objects.filter(pk__in=job.options["videos"], project_id=job.project_id).order_by("pk"))
    created, features_of, notes = 0, None, []
    if job.options["method"] == "representative":
        from prediction.features import FrameFeatures  # torch loads only where a backbone runs

        reporter.progress(0.0, "Loading the model that tells pictures apart")
        features_of = FrameFeatures(check_backbone(project_backbone(job.project)))
    for position, video in enumerate(videos):
        def progress(frame: int, position=position, video=video) -> None:
            reporter.progress((position + frame / video.frame_count) / len(videos),
                              f"{video.name}: frame {frame} of {video.frame_count}")

        with local_copy(video.file) as path:
            frames = choose_frames(path, video, job.options, progress, features_of)
            known = set(video.samples.filter(source=TrainingSample.Source.SAMPLED).values_list("frame", flat=True))
            images = read_frames(path, video.frame_pts_array(), set(frames) - known, video.picture.jpeg)
            created += store_samples(video, images, lambda frame, video=video: TrainingSample(
                project_id=video.project_id, video=video, frame=frame))
        notes += shortfall(video, job.options, len(frames), len(set(frames) & known))
        reporter.progress((position + 1) / len(videos), f"Sampled {video.name}")
    return {"videos": len(videos), "samples": created, "asked": job.options["per_video"] * len(videos),
            "notes": notes}


def shortfall(video: Video, options: dict, chosen: int, known: int) -> list[str]:
    """Why a video gave fewer new samples than asked, in words for the job's row."""
    notes, asked = [], options["per_video"]
    if chosen < asked:
        why = {"uniform": "frames in all",
               "unique": f"frames {options['threshold']}+ pHash bits from the one before, one per "
                         f"{options['stride_seconds']:g} s",
               "representative": "kinds of picture that differ"}[options["method"]]
        notes.append(f"{video.name} has only {chosen} {why}")
    if known:
        notes.append(f"{known} of {video.name}'s were sampled already")
    return notes


def run_collecting(job: Job, reporter: JobReporter) -> dict:
    """Blitz Label (B-1): every k-th frame of each reviewed video becomes a labelled sample, replacing earlier ones."""
    frame_skip = job.options["frame_skip"]
    label_sets = list(LabelSet.objects.current().filter(video__project_id=job.project_id, reviewed=True)
                      .select_related("video").order_by("video_id"))
    created, held_out = 0, held_out_frames(job.project)  # audit frames test the model: never trained on
    for position, label_set in enumerate(label_sets):
        video = label_set.video
        classes = label_set.label_runs.to_frames()[0]
        frames = np.setdiff1d(np.arange(0, video.frame_count, frame_skip), held_out.get(video.pk, [])).tolist()

        def make(frame: int, label_set=label_set, classes=classes) -> TrainingSample:
            return TrainingSample(project_id=label_set.video.project_id, video=label_set.video, frame=frame,
                                  source=TrainingSample.Source.REVIEWED, label_id=int(classes[frame]),
                                  labelled_by_id=label_set.reviewed_by_id, labelled_at=label_set.reviewed_at)

        def progress(frame: int, position=position, video=video) -> None:
            reporter.progress((position + frame / video.frame_count) / len(label_sets),
                              f"{video.name}: frame {frame} of {video.frame_count}")

        with local_copy(video.file) as path:
            # Only trained on, at 224 px: a thumbnail is enough.
            images = read_frames(path, video.frame_pts_array(), frames,
                                 lambda f, picture=video.picture: picture.jpeg(f, THUMBNAIL_WIDTH))
            created += store_samples(video, _reporting(images, progress), make,
                                     replace=video.samples.filter(source=TrainingSample.Source.REVIEWED))
    return {"videos": len(label_sets), "samples": created}


def _reporting(images, progress):
    for frame, jpeg in images:
        progress(frame)
        yield frame, jpeg


def store_samples(video: Video, images: Iterable[tuple[int, bytes]], make: Callable[[int], TrainingSample],
                  replace=None) -> int:
    """Write each (frame, JPEG) as make(frame), all of a video or none; `replace` is deleted in the same step."""
    stored, written = [], False
    try:
        with transaction.atomic():
            if replace is not None:
                old = list(replace.values_list("image", flat=True))
                replace.delete()
                transaction.on_commit(lambda: [video.file.storage.delete(name) for name in old])
            for frame, jpeg in images:
                sample = make(frame)
                sample.image.save("sample.jpg", ContentFile(jpeg), save=False)
                stored.append(sample.image.name)
                sample.save()
        written = True
    finally:
        if not written:  # files are not transactional: remove those whose rows were rolled back
            for name in stored:
                video.file.storage.delete(name)
    return len(stored)
