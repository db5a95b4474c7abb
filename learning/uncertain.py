"""Active learning (Y-2): the frames a model is least sure of, at most one per shot, to label next.

Sureness is the margin between the label's probability and the likeliest other class's (negative
where decoding shots overrode the frame's own best guess), over frames below UNSURE_BELOW.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from aigva.errors import UserFacingError
from labelling.models import LabelSet
from learning.jobs import SAMPLE
from learning.models import TrainingSample
from learning.sampling import choose_frames, store_samples
from projects.jobs import JobReporter, create_job, enqueue_job
from projects.models import Job, Project
from videos.frames import read_frames
from videos.storage import local_copy

UNSURE_BELOW = 0.9  # a shot whose least confident frame is surer than this is not worth a person's time


@dataclass(frozen=True)
class Pick:
    video_id: int
    frame: int
    margin: float


def least_sure_per_shot(margins: np.ndarray, shot_starts: list[int]) -> list[tuple[int, float]]:
    """(frame, margin) of the least sure frame in each shot; shots run from one start to the next. A frame
    whose margin is inf is never picked."""
    bounds = [*shot_starts, len(margins)]
    picks = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        if end > start:
            frame = start + int(np.argmin(margins[start:end]))
            if np.isfinite(margins[frame]):
                picks.append((frame, float(margins[frame])))
    return picks


def spread_picks(per_video: dict[int, list[tuple[int, float]]], count: int) -> list[Pick]:
    """The `count` least sure shots, taken in turns across videos so no video crowds the rest out."""
    queues = {video: sorted(picks, key=lambda p: p[1]) for video, picks in per_video.items() if picks}
    chosen: list[Pick] = []
    while queues and len(chosen) < count:
        for video in sorted(queues, key=lambda v: queues[v][0][1]):  # least confident video first this turn
            frame, confidence = queues[video].pop(0)
            chosen.append(Pick(video, frame, confidence))
            if not queues[video]:
                del queues[video]
            if len(chosen) == count:
                break
    return chosen


@transaction.atomic
def start_uncertain(*, project: Project, count: int, started_by, enqueue: bool = True) -> Job:
    """A job that queues the least confident frames of the project's latest predictions for labelling."""
    if not 1 <= count <= 1000:
        raise UserFacingError("Ask for 1-1000 uncertain frames.")
    if not _predicted_sets(project).exists():
        raise UserFacingError("No video has predicted labels yet; predict with a model first.")
    job = create_job(project_id=project.pk, kind=SAMPLE, created_by=started_by, options={
        "method": "uncertain", "count": count, "stride_seconds": 1.0, "threshold": 8, "per_video": 10**6})
    if enqueue:
        enqueue_job(job)
    return job


def _predicted_sets(project: Project):
    """Every track's current predicted labels that nobody reviewed (P-4: a card asks every track)."""
    return LabelSet.objects.filter(video__project=project, is_current=True, confidences__isnull=False,
                                   reviewed=False).select_related("video")


def _least_sure(label_sets: list[LabelSet]) -> tuple[np.ndarray, Callable[[int], tuple[int, float]]]:
    """A video's doubt per frame over its tracks' predictions: the least sure track's margin (inf where every
    track is settled: a person labelled it, or the model is sure), and guess(frame): that track's (class id,
    confidence) there."""
    ranked, guesses = [], []
    for label_set in label_sets:
        runs = label_set.label_runs
        confidences = label_set.model_confidences().astype(np.float32)
        margins = label_set.model_margins()
        # A frame a person labelled is settled: never offered, and never the least sure of its shot.
        settled = runs.person_frames() | (confidences >= UNSURE_BELOW)
        ranked.append(np.where(settled, np.inf, confidences if margins is None else margins.astype(np.float32)))
        guesses.append(lambda frame, runs=runs, confidences=confidences: (runs.at(frame)[0],
                                                                           float(confidences[frame])))
    doubt = np.minimum.reduce(ranked)
    least = np.argmin(np.stack(ranked), axis=0)
    return doubt, lambda frame: guesses[least[frame]](frame)


def run_uncertain(job: Job, reporter: JobReporter) -> dict:
    """Find each shot's least sure frame on any track (shots by pHash, as unique sampling), then keep the least
    sure."""
    by_video: dict[int, list[LabelSet]] = {}
    for label_set in _predicted_sets(job.project).order_by("video_id", "track__order"):
        by_video.setdefault(label_set.video_id, []).append(label_set)
    known = set(TrainingSample.objects.filter(project=job.project).values_list("video_id", "frame"))
    per_video, videos, guess_of = {}, {}, {}
    for position, label_sets in enumerate(by_video.values()):
        video = videos.setdefault(label_sets[0].video_id, label_sets[0].video)

        def progress(frame: int, position=position, video=video) -> None:
            reporter.progress(0.9 * (position + frame / video.frame_count) / len(by_video),
                              f"Finding shots in {video.name}")

        with local_copy(video.file) as path:
            starts = choose_frames(path, video, job.options | {"method": "unique"}, progress)
        ranked, guess_of[video.pk] = _least_sure(label_sets)
        per_video[video.pk] = [(f, m) for f, m in least_sure_per_shot(ranked, starts) if (video.pk, f) not in known]
    picks = spread_picks(per_video, job.options["count"])
    created = 0
    for video_id in sorted({pick.video_id for pick in picks}):
        video = videos[video_id]
        frames = sorted(pick.frame for pick in picks if pick.video_id == video_id)
        with local_copy(video.file) as path:
            images = read_frames(path, video.frame_pts_array(), frames, video.picture.jpeg)
            created += store_samples(video, images, lambda frame, video=video: TrainingSample(
                project_id=video.project_id, video=video, frame=frame, source=TrainingSample.Source.UNCERTAIN,
                guess_id=guess_of[video.pk](frame)[0], confidence=guess_of[video.pk](frame)[1]))
    return {"videos": len(by_video), "samples": created}
