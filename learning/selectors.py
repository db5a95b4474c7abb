"""The learning loop's reads: the answer queue, what collecting would give, what training learns from."""

from dataclasses import dataclass

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count
from django.http import Http404

from aigva.errors import UserFacingError
from labelling.models import LabelSet
from labelling.runs import LabelRuns
from labelling.selectors import HEAVY_FIELDS
from learning.doubt import doubtful_runs
from learning.models import TrainingSample
from prediction.models import Model
from projects.models import LabelClass, Project, Role, Track
from projects.selectors import require_role

# The samples a person labels one by one (C-2); frames of reviewed videos are labelled already.
QUEUE_SOURCES = (TrainingSample.Source.SAMPLED, TrainingSample.Source.UNCERTAIN)


def get_member_sample(user: AbstractBaseUser, sample_id: int, min_role: Role = Role.VIEWER) -> TrainingSample:
    """404 unless the user may see the sample's project; 403 when the role is too low."""
    sample = TrainingSample.objects.filter(pk=sample_id).select_related("project", "video", "label").first()
    if sample is None:
        raise Http404("No such sample.")
    require_role(user, sample.project, min_role)
    return sample


def list_label_queue(project):
    return TrainingSample.objects.filter(project=project, source__in=QUEUE_SOURCES).select_related("video", "label")


def get_next_sample(project, after: TrainingSample | None = None) -> TrainingSample | None:
    """The next sample nobody has labelled or skipped: after `after` first, then from the start."""
    pending = list_label_queue(project).filter(label__isnull=True, skipped=False)
    later = pending.filter(pk__gt=after.pk).first() if after else None
    return later or pending.first()


def get_previous_sample(project, before: TrainingSample | None) -> TrainingSample | None:
    """The sample before `before`; with None (every sample done), the last one, so Back still works."""
    queue = list_label_queue(project).order_by("-pk")
    return (queue.filter(pk__lt=before.pk) if before else queue).first()


SAMPLE_FILTERS = {"all": {}, "labelled": {"label__isnull": False}, "skipped": {"label__isnull": True, "skipped": True},
                  "open": {"label__isnull": True, "skipped": False}}


def list_samples_for_review(project, show: str):
    """The labelling queue with who answered what, newest answers first; `show` one of SAMPLE_FILTERS."""
    return (list_label_queue(project).filter(**SAMPLE_FILTERS[show]).select_related("labelled_by")
            .order_by("-labelled_at", "-pk"))


def answers_on_other_tracks(project, samples: list[TrainingSample]) -> dict[int, list[tuple[str, LabelClass]]]:
    """sample pk -> (track name, class) of a person's label at the sample's frame on each track after the first
    (a sample's own answer is its first track's): what the card took there, for the answers list."""
    frames: dict[int, set] = {}
    for sample in samples:
        frames.setdefault(sample.video_id, set()).add(sample.frame)
    classes = {label_class.pk: label_class for label_class in project.classes.all()}
    found: dict[int, list] = {sample.pk: [] for sample in samples}
    for track in list(project.tracks.all())[1:]:
        labels = {(video_id, frame): class_id for video_id, answers in people_labels_at(track, frames).items()
                  for frame, class_id in answers}
        for sample in samples:
            if (sample.video_id, sample.frame) in labels:
                found[sample.pk].append((track.name, classes[labels[sample.video_id, sample.frame]]))
    return found


def get_queue_progress(project) -> dict:
    queue = list_label_queue(project)
    total = queue.count()
    labelled = queue.filter(label__isnull=False).count()
    skipped = queue.filter(**SAMPLE_FILTERS["skipped"]).count()
    return {"total": total, "labelled": labelled, "skipped": skipped, "done": labelled + skipped,
            "percent": round(100 * (labelled + skipped) / total) if total else 0}


def count_sample_labels(project) -> list[dict]:
    """Labelled samples per class, in class order, for the Cold Label page: the sample's answer on the first
    track, a person's label of its frame on the others (where their answers are kept)."""
    queue = list_label_queue(project)
    counts = dict(queue.filter(label__isnull=False).values_list("label").annotate(n=Count("pk")))
    frames: dict[int, list[int]] = {}
    for video_id, frame in queue.values_list("video_id", "frame"):
        frames.setdefault(video_id, []).append(frame)
    others = LabelSet.objects.filter(video_id__in=frames, is_current=True).exclude(track=project.first_track)
    for label_set in others.only("video_id", "runs"):
        runs = label_set.label_runs
        for class_id, author in (runs.at(frame) for frame in frames[label_set.video_id]):
            if author > 0:
                counts[class_id] = counts.get(class_id, 0) + 1
    return [{"class": label_class, "count": counts.get(label_class.pk, 0)} for label_class in project.classes.all()]


def preview_collection(project, frame_skip: int) -> dict:
    """What collecting reviewed videos at this frame skip would give, per class, without decoding (B-1)."""
    counts: dict[int, int] = {}
    label_sets = LabelSet.objects.current().filter(video__project=project, reviewed=True).defer(*HEAVY_FIELDS)
    videos = 0
    for label_set in label_sets:
        videos += 1
        classes = label_set.label_runs.to_frames()[0][::frame_skip]
        for class_id, count in zip(*np.unique(classes, return_counts=True), strict=True):
            counts[int(class_id)] = counts.get(int(class_id), 0) + int(count)
    rows = [{"class": c, "count": counts.get(c.pk, 0)} for c in project.first_track.classes.all()]
    return {"videos": videos, "rows": rows, "total": sum(counts.values())}


def person_runs(label_set: LabelSet) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(starts, ends, class ids) of the runs a person gave: their own, or every run of a reviewed set."""
    runs = label_set.label_runs
    people = np.ones(len(runs), dtype=bool) if label_set.reviewed else runs.authors > 0
    return runs.starts[people], runs.ends[people], runs.class_ids[people]


def held_out_frames(project, track=None) -> dict[int, np.ndarray]:
    """video id -> the sorted frames the track's audits drew (every audit's unless a track is named): a test
    set, so never a training example (issue 31)."""
    held: dict[int, list] = {}
    audit = TrainingSample.objects.filter(project=project, source=TrainingSample.Source.AUDIT).order_by("frame")
    if track is not None:
        audit = audit.filter(audit__track=track)
    for video_id, frame in audit.values_list("video_id", "frame"):
        held.setdefault(video_id, []).append(frame)
    return {video_id: np.asarray(frames, dtype=np.int64) for video_id, frames in held.items()}


def without_frames(ranges: list[tuple[int, int, int]], frames: np.ndarray) -> list[tuple[int, int, int]]:
    """(start, end, class id) ranges with `frames` (sorted) cut out of them."""
    kept = []
    for start, end, class_id in ranges:
        inside = frames[(frames >= start) & (frames <= end)].tolist()
        for first, last in zip([start] + [f + 1 for f in inside], [f - 1 for f in inside] + [end], strict=True):
            if first <= last:
                kept.append((first, last, class_id))
    return kept


def count_human_frames(project, track=None) -> dict[int, int]:
    """Frames people labelled, per class id, over the project's current labels on a track (the first unless
    named)."""
    counts: dict[int, int] = {}
    for label_set in LabelSet.objects.current(track).filter(video__project=project).only("runs", "reviewed"):
        starts, ends, class_ids = person_runs(label_set)
        for class_id, length in zip(class_ids.tolist(), (ends - starts + 1).tolist(), strict=True):
            counts[class_id] = counts.get(class_id, 0) + length
    return counts


TRAIN_KINDS = (Model.Kind.HUMAN, Model.Kind.COLD, Model.Kind.BLITZ)


def sources_for(kind: str) -> list[str]:
    """Cold Label learns from sampled and uncertain frames; Blitz also from reviewed videos."""
    sources = [TrainingSample.Source.SAMPLED, TrainingSample.Source.UNCERTAIN]
    return sources + [TrainingSample.Source.REVIEWED] if kind == Model.Kind.BLITZ else sources


def human_frame_counts(project: Project, kind: str = Model.Kind.HUMAN, track=None) -> dict[int, int]:
    """Labelled frames per class id that training of this kind learns from: every frame people labelled on the
    track (the first unless named) anywhere in the project, or (cold, blitz) the answered samples of those
    sources."""
    if kind == Model.Kind.HUMAN:
        return count_human_frames(project, track)
    counts: dict[int, int] = {}
    for answers in sample_answers(project, kind, track).values():
        for _, class_id in answers:
            counts[class_id] = counts.get(class_id, 0) + 1
    return counts


def sample_answers(project: Project, kind: str, track=None) -> dict[int, list[tuple[int, int]]]:
    """video id -> (frame, class id) of each answered sample of the kind's sources on a track (or its id; the
    first unless named): a sample's own answer on the first track; on another, a person's label there at the
    sample's frame (what the card took on that track, or the reviewed video's label)."""
    samples = TrainingSample.objects.filter(project=project, source__in=sources_for(kind), skipped=False)
    found: dict[int, list] = {}
    track_id = getattr(track, "pk", track)  # a Track or its id
    if track_id is None or track_id == project.first_track.pk:
        for video_id, frame, class_id in samples.filter(label__isnull=False).values_list(
                "video_id", "frame", "label_id").order_by("video_id", "frame"):
            found.setdefault(video_id, []).append((frame, class_id))
        return found
    frames: dict[int, set] = {}
    for video_id, frame in samples.values_list("video_id", "frame"):
        frames.setdefault(video_id, set()).add(frame)
    return people_labels_at(track_id, frames)


def people_labels_at(track, frames: dict[int, set]) -> dict[int, list[tuple[int, int]]]:
    """video id -> (frame, class id) of the given frames (video id -> frames) that a person labelled on the
    track (or its id): their own label there, or any frame of a video reviewed there."""
    found: dict[int, list] = {}
    for label_set in LabelSet.objects.current(track).filter(video_id__in=frames).defer(*HEAVY_FIELDS):
        runs = label_set.label_runs
        for frame in sorted(frames[label_set.video_id]):
            class_id, author = runs.at(frame)
            if author > 0 or label_set.reviewed:
                found.setdefault(label_set.video_id, []).append((frame, class_id))
    return found


def training_classes(project: Project, kind: str, track=None) -> tuple[list, list]:
    """(classes of the track (the first unless named) the model learns, classes left out for want of labelled
    frames: fewer than 2, so one stray label does not stop the loop); refuses too little data."""
    track = track or project.first_track
    counts = human_frame_counts(project, kind, track)
    classes = list(track.classes.all())
    learnt = [c for c in classes if counts.get(c.pk, 0) >= 2]
    if len(learnt) < 2:
        have = f"only “{learnt[0].name}” has" if learnt else "none has"
        where = f" on “{track.name}”" if project.tracks.count() > 1 else ""
        raise UserFacingError(f"Training needs at least two classes with 2 or more labelled frames each{where}; "
                              f"{have}. Label more frames.")
    return learnt, [c for c in classes if counts.get(c.pk, 0) < 2]


def _through_audit_answers(runs: LabelRuns, audited: np.ndarray | None) -> LabelRuns:
    """The runs as if each audit answer that agrees with the model around it were the model's: a run is
    not two runs to look at because the audit happened to ask about one of its frames."""
    if audited is None:
        return runs
    classes, authors = runs.to_frames()
    for frame in audited[authors[audited] > 0].tolist():
        around = [authors[f] for f in (frame - 1, frame + 1) if 0 <= f < len(authors) and authors[f] < 0
                  and classes[f] == classes[frame]]
        if around:
            authors[frame] = around[0]
    return LabelRuns.from_frames(classes, authors)


def list_doubtful_runs(project: Project, *, limit: int, videos=None, track=None) -> list[dict]:
    """The `limit` runs a model labelled that are most likely wrong, over the project's unreviewed current
    labels on a track (the first unless named; or those of `videos`), most doubtful first (issue 31)."""
    label_sets = LabelSet.objects.current(track).filter(video__project=project, reviewed=False).select_related(
        "video").defer("margins", "video__frame_pts")
    if videos is not None:
        label_sets = label_sets.filter(video__in=videos)
    held_out = held_out_frames(project, track or project.first_track)
    found = [(run, label_set.video) for label_set in label_sets
             for run in doubtful_runs(_through_audit_answers(label_set.label_runs, held_out.get(label_set.video_id)),
                                      label_set.model_confidences())]
    found.sort(key=lambda pair: (-pair[0].doubt, pair[1].pk, pair[0].start))
    names = dict(project.classes.values_list("pk", "name"))
    return [{"video": video.name, "video_id": video.pk, "start": run.start, "end": run.end,
             "class": names.get(run.class_id), "doubt": run.doubt} for run, video in found[:limit]]


@dataclass(frozen=True)
class SampleTrack:
    """One question a sample's card asks: the track, its classes and the frame's label on it now."""

    track: Track
    classes: list[LabelClass]
    current: LabelClass | None  # the class the frame has on the track now (a person's, a model's or the default)
    answered: bool  # a person gave it


def sample_tracks(sample: TrainingSample) -> list[SampleTrack]:
    """Every track of the sample's project with the sample frame's label on it, in order."""
    sets = {s.track_id: s for s in LabelSet.objects.filter(video_id=sample.video_id, is_current=True).only(
        "track_id", "runs")}
    rows = []
    for track in sample.project.tracks.prefetch_related("classes"):
        classes = list(track.classes.all())
        label_set = sets.get(track.pk)
        class_id, author = label_set.label_runs.at(sample.frame) if label_set else (None, 0)
        rows.append(SampleTrack(track, classes, next((c for c in classes if c.pk == class_id), None), author > 0))
    return rows
