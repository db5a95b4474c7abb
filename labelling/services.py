import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from aigva.errors import UserFacingError
from labelling.models import LabelEdit, LabelSet
from labelling.runs import SYSTEM_AUTHOR, LabelRuns, floats_to_bytes, lowest_per_bin
from labelling.selectors import HEAVY_FIELDS
from labelling.signals import labels_predicted
from projects.models import LabelClass, Project

CONFIDENCE_BINS = 1000  # heat-map resolution; finer than any timeline is wide


@transaction.atomic
def create_label_set(
    *, video, class_ids: np.ndarray, confidences: np.ndarray | None = None, margins: np.ndarray | None = None,
    author: int = SYSTEM_AUTHOR, created_by: AbstractBaseUser | None = None, source_model=None,
    keep_people: bool = False,
) -> LabelSet:
    """Store per-frame classes (N,) and optional confidences and margins (N,) as the video's new current set
    on the classes' track.

    With keep_people every frame a person labelled in the current set keeps its class and author (L-6).
    """
    class_ids = np.asarray(class_ids, dtype=np.int64)
    if len(class_ids) != video.frame_count or any(
            values is not None and len(values) != len(class_ids) for values in (confidences, margins)):
        raise ValueError(f"labels for {len(class_ids)} frames given for a video of {video.frame_count} frames")
    track_id = _track_of(video.project, class_ids)
    current = (LabelSet.objects.select_for_update().filter(video=video, track_id=track_id, is_current=True)
               .only("runs").first())
    if keep_people and current is not None:
        runs = current.label_runs.keeping_people(class_ids, author)
    else:
        runs = LabelRuns.from_frames(class_ids, np.full(len(class_ids), author, dtype=np.int64))
    if current is not None:
        LabelSet.objects.filter(pk=current.pk).update(is_current=False)
    label_set = LabelSet.objects.create(
        video=video, track_id=track_id, frame_count=len(class_ids), runs=runs.to_bytes(), created_by=created_by,
        source_model=source_model,
        confidences=None if confidences is None else floats_to_bytes(confidences),
        margins=None if margins is None else floats_to_bytes(margins),
        confidence_bins=[] if confidences is None else lowest_per_bin(confidences, CONFIDENCE_BINS).round(3).tolist(),
    )
    if current is not None:
        LabelSet.objects.filter(pk=current.pk).update(replaced_by=label_set)
    if keep_people and current is not None:
        _carry_edits(current, label_set, class_ids, author)
    if confidences is not None:
        labels_predicted.send(sender=LabelSet, label_set=label_set, class_ids=class_ids, confidences=confidences)
    return label_set


def _track_of(project: Project, class_ids: np.ndarray) -> int:
    """The one track that all the classes belong to."""
    wanted = set(np.unique(class_ids).tolist())
    tracks = dict(project.classes.filter(pk__in=wanted).values_list("pk", "track_id"))
    if unknown := wanted - set(tracks):
        raise UserFacingError(f"Classes {sorted(unknown)} are not classes of the project “{project.name}”.")
    if len(set(tracks.values())) > 1:
        raise ValueError("one label set holds the classes of one track")
    return next(iter(tracks.values()))


def _carry_edits(old: LabelSet, new: LabelSet, class_ids: np.ndarray, author: int) -> None:
    """People's edits of the replaced set, copied to the new one so they can still be undone there; what
    each undo restores takes the new labels wherever no person had labelled before the edit."""
    edits = list(old.edits.order_by("pk"))
    LabelEdit.objects.bulk_create([
        LabelEdit(label_set=new, start=e.start, end=e.end, label_class_id=e.label_class_id, author_id=e.author_id,
                  undone=e.undone, created_at=e.created_at, previous=LabelRuns.from_bytes(bytes(e.previous))
                  .keeping_people(class_ids[e.start:e.end + 1], author).to_bytes()) for e in edits])


def create_initial_label_sets(*, video, only_missing: bool = False) -> list[LabelSet]:
    """On every track (with only_missing, every track with no current set of the video's length), every frame
    gets the track's default class (V-2)."""
    tracks = video.project.tracks.all()
    if only_missing:
        tracks = tracks.exclude(label_sets__video=video, label_sets__is_current=True,
                                label_sets__frame_count=video.frame_count)
    return [create_label_set(video=video, class_ids=np.full(video.frame_count, default.pk, dtype=np.int64))
            for default in (track.default_class or track.classes.first() for track in tracks)]


def label_track(*, track) -> list[LabelSet]:
    """The track's default class on every frame of each video of its project that has labels (it was probed) but
    none on this track yet; a video probed later gets them then."""
    videos = track.project.videos.filter(label_sets__is_current=True).exclude(label_sets__track=track).distinct()
    return [create_label_set(video=video, class_ids=np.full(video.frame_count, track.default_class_id, dtype=np.int64))
            for video in videos]


def _lock(label_set: LabelSet) -> LabelSet:
    """The set, row-locked for this transaction, so concurrent edits apply one after the other."""
    labels = LabelSet.objects.select_for_update(of=("self",)).select_related("video__project").defer(*HEAVY_FIELDS)
    locked = labels.filter(pk=label_set.pk).first()
    if locked is None:
        raise UserFacingError("These labels no longer exist (the video was deleted); nothing was changed.")
    if locked.replaced_by_id is not None:  # replaced since the page loaded: the edit goes to the current set
        locked = labels.filter(video_id=locked.video_id, track_id=locked.track_id, is_current=True).first() or locked
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
    if label_class.track_id != locked.track_id:
        raise UserFacingError(f"That class answers another track than these labels ({locked.track.name}).")
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
    for label_set in LabelSet.objects.select_for_update().filter(video__project=project, track_id=old.track_id):
        label_set.runs = label_set.label_runs.replace_class(old.pk, new.pk).to_bytes()
        label_set.save(update_fields=["runs"])
    for edit in LabelEdit.objects.filter(label_set__video__project=project, label_set__track_id=old.track_id):
        edit.previous = LabelRuns.from_bytes(bytes(edit.previous)).replace_class(old.pk, new.pk).to_bytes()
        edit.label_class_id = new.pk if edit.label_class_id == old.pk else edit.label_class_id
        edit.save(update_fields=["previous", "label_class"])


def fork_label_set(*, label_set: LabelSet, created_by: AbstractBaseUser | None) -> LabelSet:
    """A copy that is not current: one reviewer's own labels, to compare with others' (Y-3)."""
    source = LabelSet.objects.get(pk=label_set.pk)
    return LabelSet.objects.create(
        video_id=source.video_id, track_id=source.track_id, is_current=False, frame_count=source.frame_count,
        runs=source.runs, confidences=source.confidences, margins=source.margins,
        confidence_bins=source.confidence_bins, source_model=source.source_model,
        created_by=created_by,
    )
