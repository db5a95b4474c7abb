from dataclasses import dataclass
from functools import cached_property

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404
from django.urls import reverse

from labelling.models import LabelSet
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
    current = (LabelSet.objects.filter(video_id=label_set.video_id, track_id=label_set.track_id, is_current=True)
               .select_related("video__project").defer(*HEAVY_FIELDS).first())
    return current or label_set


def get_current_label_set(video, track=None) -> LabelSet | None:
    """The video's current labels on `track`, by default the project's first."""
    return video.label_sets.current(track).defer("confidences", "margins").first()


def author_names(codes) -> dict[int, str]:
    """Display names for author codes: users by name, 0 the default, negative codes models."""
    codes = {int(code) for code in codes}
    users = dict(get_user_model().objects.filter(pk__in=[c for c in codes if c > 0]).values_list("pk", "username"))
    model_class = LabelSet._meta.get_field("source_model").related_model  # prediction's Model, not imported
    models = dict(model_class.objects.filter(pk__in=[-c for c in codes if c < 0]).values_list("pk", "name"))
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


def summarize_project_labels(project) -> dict:
    """Frames, labelled frames (by a person or model), reviewed frames and frames per class, over current sets."""
    sets = LabelSet.objects.current().filter(video__project=project).only("runs", "reviewed")
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


@dataclass(frozen=True)
class PlayerTrack:
    """One track's row in the player: its labels on the video and where the player reads and sends them."""

    label_set: LabelSet
    urls: dict[str, str]  # PLAYER_LABEL_ENDPOINTS' keys

    @property
    def name(self) -> str:
        return self.label_set.track.name

    @cached_property
    def classes(self) -> list[dict]:
        return list(self.label_set.track.classes.values("id", "name", "colour", "shortcut"))

    def as_json(self) -> dict:
        return {"name": self.name, "label_set": self.label_set.pk, "classes": self.classes, "urls": self.urls}


def member_player_tracks(video) -> list[PlayerTrack]:
    """Every track of the video's project that has labels on it, in order, with the members' URLs."""
    sets = (video.label_sets.filter(is_current=True).select_related("track", "reviewed_by")
            .defer("confidences", "margins").order_by("track__order", "track__pk"))
    return [PlayerTrack(label_set, {key: reverse(f"labelling:{name}", args=[label_set.pk])
                                    for key, name in PLAYER_LABEL_ENDPOINTS.items()}) for label_set in sets]


def member_player_urls(video) -> dict[str, str]:
    """Where the analysis page's player fetches the video and asks about it, for project members."""
    return {
        "media": reverse("videos:video-media", args=[video.pk]),
        "frame_times": reverse("videos:video-frame-times", args=[video.pk]),
        "similar": reverse("learning:similar-frames", args=[video.pk]),
        "retrain": reverse("learning:retrain", args=[video.project_id]),
    }


# urls-dict key -> URL name of the label-set endpoint (the same names under labelling: and reviews:share-).
PLAYER_LABEL_ENDPOINTS = {
    "timeline": "timeline", "confidences": "confidences", "range": "label-range", "undo": "undo",
    "review": "review", "history": "history", "edits": "edits",
}
