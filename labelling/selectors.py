import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count
from django.http import Http404

from labelling.models import LabelSet, TrainingSample
from labelling.runs import covered_bins
from projects.models import Role
from projects.selectors import require_role

# Big blobs that most requests never read.
HEAVY_FIELDS = ("confidences", "margins", "video__frame_pts")


def get_member_label_set(user: AbstractBaseUser, label_set_id: int, min_role: Role = Role.VIEWER) -> LabelSet:
    """404 unless the user may see the set's project; 403 when the role is too low."""
    label_set = (
        LabelSet.objects.filter(pk=label_set_id).select_related("video__project")
        .defer(*HEAVY_FIELDS).first()
    )
    if label_set is None:
        raise Http404("No such label set.")
    require_role(user, label_set.video.project, min_role)
    return label_set


def follow_replacement(label_set: LabelSet) -> LabelSet:
    """The video's current set when `label_set` was replaced since (a prediction finished while the player
    was open); other sets, e.g. a reviewer's own copy, are themselves."""
    if label_set.replaced_by_id is None:
        return label_set
    current = (LabelSet.objects.filter(video_id=label_set.video_id, is_current=True)
               .select_related("video__project").defer(*HEAVY_FIELDS).first())
    return current or label_set


def get_current_label_set(video) -> LabelSet | None:
    return video.label_sets.filter(is_current=True).defer("confidences", "margins").first()


def author_names(codes) -> dict[int, str]:
    """Display names for author codes: users by name, 0 the default, negative codes models."""
    from prediction.models import Model

    codes = {int(code) for code in codes}
    users = dict(get_user_model().objects.filter(pk__in=[c for c in codes if c > 0]).values_list("pk", "username"))
    models = dict(Model.objects.filter(pk__in=[-c for c in codes if c < 0]).values_list("pk", "name"))
    names = {0: "default"} | users | {-pk: f"model {name}" for pk, name in models.items()}
    return {c: names.get(c, "deleted user" if c > 0 else f"model #{-c}") for c in codes}


def confidence_bins(label_set: LabelSet) -> list[float]:
    """The lowest confidence per stretch of the video, so weak spots stand out (L-3).

    Model minima are kept from when the set was made; stretches that people have labelled
    throughout count as certain.
    """
    if not label_set.confidence_bins:
        return []
    model = np.asarray(label_set.confidence_bins, dtype=np.float32)
    people = covered_bins(label_set.label_runs, len(model), lambda authors: authors > 0)
    return np.where(people, 1.0, model).round(3).tolist()


def get_timeline(label_set: LabelSet) -> dict:
    """What the player draws: run-length segments, author names and the confidence heat-map."""
    runs = label_set.label_runs
    return {
        "label_set": label_set.pk,
        "frame_count": runs.frame_count,
        "starts": runs.starts.tolist(),
        "classes": runs.class_ids.tolist(),
        "authors": runs.authors.tolist(),
        "author_names": author_names(runs.authors),
        "confidence": confidence_bins(label_set),
        "reviewed": label_set.reviewed,
    }


def default_frames(label_set: LabelSet) -> tuple[int, list[int]]:
    """How many frames nobody labelled or predicted (they keep the default class), and their class ids."""
    runs = label_set.label_runs
    untouched = runs.authors == 0
    return int((runs.ends - runs.starts + 1)[untouched].sum()), sorted(set(runs.class_ids[untouched].tolist()))


def get_frame_history(label_set: LabelSet, frame: int) -> list[dict]:
    """Who or what set this frame's label, and when: newest first, ending with the set's origin."""
    edits = label_set.edits.filter(start__lte=frame, end__gte=frame).select_related("author", "label_class")
    if not 0 <= frame < label_set.frame_count:
        return []
    history = [
        {"author": e.author.username if e.author else "deleted user", "class": e.label_class.name,
         "at": e.created_at, "start": e.start, "end": e.end, "undone": e.undone}
        for e in edits
    ]
    origin = label_set.created_by.username if label_set.created_by else "default"
    history.append({"author": origin, "class": None, "at": label_set.created_at, "start": 0,
                    "end": label_set.frame_count - 1, "undone": False})
    return history


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


def get_queue_progress(project) -> dict:
    queue = list_label_queue(project)
    total = queue.count()
    labelled = queue.filter(label__isnull=False).count()
    skipped = queue.filter(**SAMPLE_FILTERS["skipped"]).count()
    return {"total": total, "labelled": labelled, "skipped": skipped, "done": labelled + skipped,
            "percent": round(100 * (labelled + skipped) / total) if total else 0}


def count_sample_labels(project) -> list[dict]:
    """Labelled samples per class, in class order, for the Cold Label page."""
    counts = dict(list_label_queue(project).filter(label__isnull=False).values_list("label").annotate(n=Count("pk")))
    return [{"class": label_class, "count": counts.get(label_class.pk, 0)} for label_class in project.classes.all()]


def preview_collection(project, frame_skip: int) -> dict:
    """What collecting reviewed videos at this frame skip would give, per class, without decoding (B-1)."""
    counts: dict[int, int] = {}
    label_sets = LabelSet.objects.filter(video__project=project, is_current=True, reviewed=True).defer(*HEAVY_FIELDS)
    videos = 0
    for label_set in label_sets:
        videos += 1
        classes = label_set.label_runs.to_frames()[0][::frame_skip]
        for class_id, count in zip(*np.unique(classes, return_counts=True), strict=True):
            counts[int(class_id)] = counts.get(int(class_id), 0) + int(count)
    rows = [{"class": c, "count": counts.get(c.pk, 0)} for c in project.classes.all()]
    return {"videos": videos, "rows": rows, "total": sum(counts.values())}


def summarize_project_labels(project) -> dict:
    """Frames, labelled frames (by a person or model), reviewed frames and frames per class, over current sets."""
    sets = LabelSet.objects.filter(video__project=project, is_current=True).only("runs", "reviewed")
    per_class: dict[int, int] = {}
    frames = labelled = reviewed = 0
    for label_set in sets:
        runs = label_set.label_runs
        lengths = runs.ends - runs.starts + 1
        frames += runs.frame_count
        labelled += int(lengths[runs.authors != 0].sum())
        reviewed += runs.frame_count if label_set.reviewed else 0
        classes, inverse = np.unique(runs.class_ids, return_inverse=True)
        for class_id, count in zip(classes.tolist(), np.bincount(inverse, weights=lengths).tolist(), strict=True):
            per_class[class_id] = per_class.get(class_id, 0) + int(count)
    distribution = [{"name": c.name, "colour": c.colour, "frames": per_class.get(c.pk, 0)}
                    for c in project.classes.all()]
    return {"frames": frames, "labelled": labelled, "reviewed": reviewed, "classes": distribution}
