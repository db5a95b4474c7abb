import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from labelling.frames import FrameLabels
from labelling.models import LabelSet
from projects.models import LabelClass, Project


@transaction.atomic
def create_label_set(
    *, video, labels: FrameLabels, created_by: AbstractBaseUser | None = None
) -> LabelSet:
    """Store a new label set for the video and make it the current one."""
    if len(labels) != video.frame_count:
        raise ValueError(f"{len(labels)} labels for a video of {video.frame_count} frames")
    LabelSet.objects.select_for_update().filter(video=video, is_current=True).update(is_current=False)
    return LabelSet.objects.create(
        video=video, frame_count=len(labels), data=labels.to_bytes(), created_by=created_by
    )


def create_initial_label_set(*, video) -> LabelSet:
    """Every frame gets the project's default class (V-2)."""
    default = video.project.default_class or video.project.classes.first()
    return create_label_set(video=video, labels=FrameLabels.filled(video.frame_count, default.pk))


def count_class_frames(*, project: Project, label_class: LabelClass) -> int:
    """How many frames of the project's label sets carry the class."""
    return sum(
        int(np.count_nonzero(label_set.labels.class_ids == label_class.pk))
        for label_set in LabelSet.objects.filter(video__project=project)
    )


@transaction.atomic
def remap_class(*, project: Project, old: LabelClass, new: LabelClass) -> None:
    """Relabel every frame of `old` as `new`, in current and previous sets alike."""
    for label_set in LabelSet.objects.select_for_update().filter(video__project=project):
        labels = label_set.labels
        hits = labels.class_ids == old.pk
        if hits.any():
            labels.class_ids[hits] = new.pk
            label_set.data = labels.to_bytes()
            label_set.save(update_fields=["data"])
