import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from aigva.errors import UserFacingError
from labelling.models import LabelEdit, LabelSet, TrainingSample
from labelling.runs import SYSTEM_AUTHOR, LabelRuns, floats_to_bytes, lowest_per_bin
from labelling.selectors import HEAVY_FIELDS, SAMPLE_FILTERS, list_label_queue
from projects.jobs import create_job
from projects.models import Job, LabelClass, Project

CONFIDENCE_BINS = 1000  # heat-map resolution; finer than any timeline is wide


@transaction.atomic
def create_label_set(
    *, video, class_ids: np.ndarray, confidences: np.ndarray | None = None, margins: np.ndarray | None = None,
    author: int = SYSTEM_AUTHOR, created_by: AbstractBaseUser | None = None, source_model=None,
    keep_people: bool = False,
) -> LabelSet:
    """Store per-frame classes (N,) and optional confidences and margins (N,) as the video's new current set.

    With keep_people every frame a person labelled in the current set keeps its class and author (L-6).
    """
    class_ids = np.asarray(class_ids, dtype=np.int64)
    if len(class_ids) != video.frame_count or any(
            values is not None and len(values) != len(class_ids) for values in (confidences, margins)):
        raise ValueError(f"labels for {len(class_ids)} frames given for a video of {video.frame_count} frames")
    unknown = set(np.unique(class_ids).tolist()) - set(video.project.classes.values_list("pk", flat=True))
    if unknown:
        raise UserFacingError(f"Classes {sorted(unknown)} are not classes of the project “{video.project.name}”.")
    current = LabelSet.objects.select_for_update().filter(video=video, is_current=True).only("runs").first()
    if keep_people and current is not None:
        runs = current.label_runs.keeping_people(class_ids, author)
    else:
        runs = LabelRuns.from_frames(class_ids, np.full(len(class_ids), author, dtype=np.int64))
    if current is not None:
        LabelSet.objects.filter(pk=current.pk).update(is_current=False)
    label_set = LabelSet.objects.create(
        video=video, frame_count=len(class_ids), runs=runs.to_bytes(), created_by=created_by, source_model=source_model,
        confidences=None if confidences is None else floats_to_bytes(confidences),
        margins=None if margins is None else floats_to_bytes(margins),
        confidence_bins=[] if confidences is None else lowest_per_bin(confidences, CONFIDENCE_BINS).round(3).tolist(),
    )
    if current is not None:
        LabelSet.objects.filter(pk=current.pk).update(replaced_by=label_set)
    if keep_people and current is not None:
        _carry_edits(current, label_set, class_ids, author)
    return label_set


def _carry_edits(old: LabelSet, new: LabelSet, class_ids: np.ndarray, author: int) -> None:
    """People's edits of the replaced set, copied to the new one so they can still be undone there; what
    each undo restores takes the new labels wherever no person had labelled before the edit."""
    edits = list(old.edits.order_by("pk"))
    LabelEdit.objects.bulk_create([
        LabelEdit(label_set=new, start=e.start, end=e.end, label_class_id=e.label_class_id, author_id=e.author_id,
                  undone=e.undone, created_at=e.created_at, previous=LabelRuns.from_bytes(bytes(e.previous))
                  .keeping_people(class_ids[e.start:e.end + 1], author).to_bytes()) for e in edits])


def create_initial_label_set(*, video) -> LabelSet:
    """Every frame gets the project's default class (V-2)."""
    default = video.project.default_class or video.project.classes.first()
    return create_label_set(video=video, class_ids=np.full(video.frame_count, default.pk, dtype=np.int64))


def _lock(label_set: LabelSet) -> LabelSet:
    """The set, row-locked for this transaction, so concurrent edits apply one after the other."""
    labels = LabelSet.objects.select_for_update(of=("self",)).select_related("video__project").defer(*HEAVY_FIELDS)
    locked = labels.filter(pk=label_set.pk).first()
    if locked is None:
        raise UserFacingError("These labels no longer exist (the video was deleted); nothing was changed.")
    if locked.replaced_by_id is not None:  # replaced since the page loaded: the edit goes to the current set
        locked = labels.filter(video_id=locked.video_id, is_current=True).first() or locked
    return locked


@transaction.atomic
def label_range(
    *, label_set: LabelSet, start: int, end: int, label_class: LabelClass, user: AbstractBaseUser
) -> LabelEdit:
    """Set frames start..end (inclusive) to a class, authored by the user, and log the edit."""
    locked = _lock(label_set)
    if not 0 <= start <= end < locked.frame_count:
        raise UserFacingError(f"Frames {start}-{end} are outside 0-{locked.frame_count - 1} or reversed.")
    if label_class.project_id != locked.video.project_id:
        raise UserFacingError("That class belongs to another project.")
    runs = locked.label_runs
    edit = LabelEdit.objects.create(
        label_set=locked, start=start, end=end, label_class=label_class, author=user,
        previous=runs.window(start, end).to_bytes(),
    )
    locked.runs = runs.paint(start, end, label_class.pk, user.pk).to_bytes()
    locked.save(update_fields=["runs"])
    return edit


@transaction.atomic
def undo_last_edit(*, label_set: LabelSet, user: AbstractBaseUser) -> LabelEdit:
    """Undo the user's latest edit of this set, unless someone has since relabelled those frames."""
    locked = _lock(label_set)
    edit = locked.edits.filter(author=user, undone=False).first()
    if edit is None:
        raise UserFacingError("There is no change of yours left to undo here.")
    overlapping = locked.edits.filter(pk__gt=edit.pk, undone=False, start__lte=edit.end, end__gte=edit.start)
    if overlapping.exists():
        raise UserFacingError("Someone else has relabelled these frames since; undoing would overwrite their work.")
    previous = LabelRuns.from_bytes(bytes(edit.previous))
    locked.runs = locked.label_runs.assign(edit.start, edit.end, previous).to_bytes()
    locked.save(update_fields=["runs"])
    edit.undone = True
    edit.save(update_fields=["undone"])
    return edit


def set_reviewed(*, label_set: LabelSet, reviewed: bool, user: AbstractBaseUser) -> LabelSet:
    """Mark a set reviewed (Blitz Label training data, L-5) or not, recording who and when."""
    label_set.reviewed = reviewed
    label_set.reviewed_by = user if reviewed else None
    label_set.reviewed_at = timezone.now() if reviewed else None
    label_set.save(update_fields=["reviewed", "reviewed_by", "reviewed_at"])
    return label_set


def count_class_frames(*, project: Project, label_class: LabelClass) -> int:
    """How many frames of the project's label sets carry the class."""
    total = 0
    for label_set in LabelSet.objects.filter(video__project=project).only("runs"):
        runs = label_set.label_runs
        hits = runs.class_ids == label_class.pk
        total += int((runs.ends[hits] - runs.starts[hits] + 1).sum())
    return total


@transaction.atomic
def remap_class(*, project: Project, old: LabelClass, new: LabelClass) -> None:
    """Relabel every frame of `old` as `new`, in current and previous sets and in undo history."""
    for label_set in LabelSet.objects.select_for_update().filter(video__project=project):
        label_set.runs = label_set.label_runs.replace_class(old.pk, new.pk).to_bytes()
        label_set.save(update_fields=["runs"])
    for edit in LabelEdit.objects.filter(label_set__video__project=project):
        edit.previous = LabelRuns.from_bytes(bytes(edit.previous)).replace_class(old.pk, new.pk).to_bytes()
        edit.label_class_id = new.pk if edit.label_class_id == old.pk else edit.label_class_id
        edit.save(update_fields=["previous", "label_class"])
    TrainingSample.objects.filter(project=project, label=old).update(label=new)


SAMPLE_METHODS = ("uniform", "unique", "representative")


def default_sample_method() -> str:
    """Representative where a backbone can run here: it labels best (bench/loop.py, development set, first
    training: 90.2 % of frames right from 5 answers a video, uniform 86.0 %, unique 79.7 %); else unique."""
    from prediction.backbone_choices import default_backbone

    return "representative" if default_backbone() else "unique"


@transaction.atomic
def start_sampling(
    *, project: Project, videos: list, per_video: int, method: str | None = None, stride_seconds: float = 1.0,
    threshold: int = 8, started_by: AbstractBaseUser | None, enqueue: bool = True,
) -> Job:
    """One job that samples frames to label from each ready video (C-1); by default_sample_method()."""
    from videos.models import VideoStatus

    method = method or default_sample_method()
    if method not in SAMPLE_METHODS:
        raise UserFacingError(f"Sampling method is one of {', '.join(SAMPLE_METHODS)}.")
    if not 1 <= per_video <= 1000 or not 0 < stride_seconds <= 3600 or not 0 <= threshold <= 64:
        raise UserFacingError("Sample 1-1000 frames per video, at a stride of up to an hour, threshold 0-64 bits.")
    if any(video.project_id != project.pk for video in videos):
        raise UserFacingError("Those videos belong to another project.")
    ready = [video.pk for video in videos if video.status == VideoStatus.READY]
    if not ready:
        raise UserFacingError("None of these videos is ready to sample.")
    job = create_job(project_id=project.pk, kind=Job.Kind.SAMPLE, created_by=started_by, options={
        "videos": ready, "per_video": per_video, "method": method, "stride_seconds": stride_seconds,
        "threshold": threshold,
    })
    if enqueue:
        from labelling import actors

        transaction.on_commit(lambda: actors.sample_frames.send(job.pk))
    return job


@transaction.atomic
def label_sample(*, sample: TrainingSample, label_class: LabelClass | None, user: AbstractBaseUser) -> TrainingSample:
    """Give a sample its class (C-2), which is also that person's label of the frame in the video's current
    labels (L-6); None skips it for now."""
    if label_class is not None and label_class.project_id != sample.project_id:
        raise UserFacingError("That class belongs to another project.")
    if label_class is not None:
        label_set = LabelSet.objects.filter(video_id=sample.video_id, is_current=True).defer(*HEAVY_FIELDS).first()
        if label_set is None:
            raise UserFacingError("This video has no labels yet; it is still being prepared.")
        label_range(label_set=label_set, start=sample.frame, end=sample.frame, label_class=label_class, user=user)
    sample.label, sample.skipped = label_class, label_class is None
    sample.labelled_by, sample.labelled_at = user, timezone.now()
    sample.save(update_fields=["label", "skipped", "labelled_by", "labelled_at"])
    return sample


def reopen_skipped_samples(*, project: Project) -> int:
    """Put every skipped sample back in the labelling queue; returns how many."""
    return list_label_queue(project).filter(**SAMPLE_FILTERS["skipped"]).update(
        skipped=False, labelled_by=None, labelled_at=None)


@transaction.atomic
def start_collecting(*, project: Project, frame_skip: int, started_by: AbstractBaseUser | None,
                     enqueue: bool = True) -> Job:
    """One job that turns every k-th frame of each reviewed video into a training sample (B-1)."""
    if not 1 <= frame_skip <= 10_000:
        raise UserFacingError("The frame skip is a whole number from 1 to 10000.")
    if not LabelSet.objects.filter(video__project=project, is_current=True, reviewed=True).exists():
        raise UserFacingError("No video of this project is reviewed yet; review some in the player first.")
    job = create_job(project_id=project.pk, kind=Job.Kind.COLLECT, created_by=started_by,
                     options={"frame_skip": frame_skip})
    if enqueue:
        from labelling import actors

        transaction.on_commit(lambda: actors.collect_reviewed_frames.send(job.pk))
    return job


@transaction.atomic
def label_frames(*, project: Project, frames: list[tuple[int, int]], label_class: LabelClass,
                 user: AbstractBaseUser) -> int:
    """Label single frames given as (video id, frame) across the project, e.g. chosen similar frames (Y-2)."""
    if label_class.project_id != project.pk:
        raise UserFacingError("That class belongs to another project.")
    label_sets = {s.video_id: s for s in LabelSet.objects.filter(
        video__project=project, video_id__in={video for video, _ in frames}, is_current=True).defer(*HEAVY_FIELDS)}
    for video_id, frame in frames:
        if video_id not in label_sets:
            raise UserFacingError("Those frames are not all from videos of this project; nothing was labelled.")
        label_range(label_set=label_sets[video_id], start=frame, end=frame, label_class=label_class, user=user)
    return len(frames)


def fork_label_set(*, label_set: LabelSet, created_by: AbstractBaseUser | None) -> LabelSet:
    """A copy that is not current: one reviewer's own labels, to compare with others' (Y-3)."""
    source = LabelSet.objects.get(pk=label_set.pk)
    return LabelSet.objects.create(
        video_id=source.video_id, is_current=False, frame_count=source.frame_count, runs=source.runs,
        confidences=source.confidences, margins=source.margins, confidence_bins=source.confidence_bins,
        source_model=source.source_model,
        created_by=created_by,
    )
