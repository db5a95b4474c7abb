"""What an export holds: the chosen label sets, the frames per class and the names in the ZIP (E-1, E-2)."""

import re
from dataclasses import dataclass, field

import numpy as np
from django.http import Http404

from aigva.errors import UserFacingError
from exports.jobs import EXPORT
from exports.models import Export
from labelling.models import LabelSet
from labelling.selectors import HEAVY_FIELDS
from projects.models import Project, Role, Track
from projects.selectors import require_role
from videos.models import VideoStatus

NAME_LIMIT = 80
OPTIONS_ERROR = "Frame skip is 1 or more, JPEG quality 1-100 and the validation split 0-0.5."


@dataclass(frozen=True)
class ExportOptions:
    video_ids: tuple[int, ...] = ()  # none: every video
    reviewed_only: bool = False
    frame_skip: int = 1
    quality: int = 90
    split: float = 0.0  # share of videos held out as val/
    track: int | None = None  # the track whose classes name the folders (its pk); None: the first

    def check(self) -> None:
        if not 1 <= self.frame_skip <= 100_000 or not 1 <= self.quality <= 100 or not 0 <= self.split <= 0.5:
            raise UserFacingError(OPTIONS_ERROR)


@dataclass
class VideoPlan:
    """One video's part of a dataset: every frame_skip-th frame and its class."""

    label_set: LabelSet
    stem: str  # the video's name as used in file names
    subset: str  # "", "train/" or "val/"
    frames: np.ndarray = field(repr=False)  # (K,) frame indices
    class_ids: np.ndarray = field(repr=False)  # (K,) class of each


def safe_name(name: str) -> str:
    """A file or folder name that cannot climb out of its folder or confuse a shell."""
    cleaned = re.sub(r"[^\w.-]+", "_", name).strip("._-")[:NAME_LIMIT]
    return cleaned or "unnamed"


def unique_names(names: dict[int, str]) -> dict[int, str]:
    """Safe names, with a numeric suffix where two would be the same (case-insensitively)."""
    taken: set[str] = set()
    result = {}
    for key, name in names.items():
        candidate, number = safe_name(name), 2
        while candidate.lower() in taken:
            candidate, number = f"{safe_name(name)}_{number}", number + 1
        taken.add(candidate.lower())
        result[key] = candidate
    return result


def list_export_label_sets(project: Project, *, video_ids=(), reviewed_only: bool = False,
                           track: int | None = None) -> list[LabelSet]:
    """The current label set on a track (the first unless named) of each chosen ready video, in name order;
    other projects' ids never match."""
    sets = LabelSet.objects.current(track).filter(video__project=project, video__status=VideoStatus.READY)
    if video_ids:
        sets = sets.filter(video__pk__in=video_ids)
    if reviewed_only:
        sets = sets.filter(reviewed=True)
    sets = sets.select_related("video", "reviewed_by", "source_model").defer(*HEAVY_FIELDS)
    return list(sets.order_by("video__name", "pk"))


def sets_per_track(project: Project, label_sets: list[LabelSet]) -> list[tuple[Track, dict[int, LabelSet]]]:
    """Each track of the project with the current set, on it, of every chosen video (by video id)."""
    video_ids = [label_set.video_id for label_set in label_sets]
    return [(track, {s.video_id: s for s in LabelSet.objects.current(track).filter(video_id__in=video_ids)
                     .defer(*HEAVY_FIELDS)}) for track in project.tracks.all()]


def class_folders(project: Project) -> dict[int, str]:
    return unique_names(dict(project.classes.values_list("pk", "name")))


def plan_dataset(project: Project, options: ExportOptions) -> list[VideoPlan]:
    """The frames each chosen video gives, with held-out videos picked by a fixed shuffle."""
    options.check()
    if options.track is not None and not project.tracks.filter(pk=options.track).exists():
        raise UserFacingError("That track is not one of this project's.")
    label_sets = list_export_label_sets(project, video_ids=options.video_ids, reviewed_only=options.reviewed_only,
                                        track=options.track)
    held_out = _held_out(len(label_sets), options.split)
    stems = unique_names({s.pk: s.video.name.rsplit(".", 1)[0] for s in label_sets})
    plans = []
    for position, label_set in enumerate(label_sets):
        subset = ("val/" if position in held_out else "train/") if options.split else ""
        class_ids = label_set.label_runs.to_frames()[0][:: options.frame_skip]
        frames = np.arange(0, label_set.frame_count, options.frame_skip)
        plans.append(VideoPlan(label_set, stems[label_set.pk], subset, frames, class_ids))
    return plans


def _held_out(count: int, split: float) -> set[int]:
    if not split:
        return set()
    if count < 2:
        raise UserFacingError("A train/validation split by video needs at least two videos.")
    held = min(max(1, round(split * count)), count - 1)
    return set(np.random.default_rng(0).permutation(count)[:held].tolist())


def preview_dataset(project: Project, plans: list[VideoPlan]) -> dict:
    """The folder tree with the number of images per class, before anything is decoded."""
    folders = class_folders(project)
    tree: dict[str, dict[str, int]] = {}
    for plan in plans:
        ids, counts = np.unique(plan.class_ids, return_counts=True)
        subset = tree.setdefault(plan.subset.rstrip("/"), {})
        for class_id, count in zip(ids.tolist(), counts.tolist(), strict=True):
            name = folders.get(class_id, "unknown")
            subset[name] = subset.get(name, 0) + count
    return {
        "videos": len(plans),
        "images": sum(len(plan.frames) for plan in plans),
        "tree": {subset: dict(sorted(classes.items())) for subset, classes in sorted(tree.items())},
    }


def get_member_export(user, export_id: int, min_role: Role = Role.LABELLER):
    """404 unless the export exists and its project is the user's; 403 when the role is too low."""
    export = Export.objects.filter(pk=export_id).select_related("job__project").first()
    if export is None:
        raise Http404("No such export.")
    require_role(user, export.job.project, min_role)
    return export


def list_export_jobs(project: Project):
    """Recent dataset exports with their ZIPs (when done)."""
    jobs = project.jobs.filter(kind=EXPORT).select_related("created_by")[:20]
    exports = {e.job_id: e for e in Export.objects.filter(job__in=[job.pk for job in jobs])}
    for job in jobs:
        job.dataset = exports.get(job.pk)
    return jobs
