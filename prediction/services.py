from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db import transaction

from aigva.errors import UserFacingError
from prediction import registry
from prediction.models import Model
from projects.models import Job, Project
from videos.models import Video, VideoStatus


def _check_classes(project: Project, names: list[str]) -> None:
    missing = sorted(set(names) - set(project.classes.values_list("name", flat=True)))
    if missing:
        raise UserFacingError(f"The model predicts classes the project lacks: {', '.join(missing)}.")


def register_checkpoint(*, project: Project, path: Path, name: str = "", created_by: AbstractBaseUser | None) -> Model:
    """Store a checkpoint file as a model of the project after checking it loads and fits the classes."""
    # torch stays out of web processes
    from prediction.ml.backbones import WeightsUnavailable
    from prediction.ml.checkpoint import CheckpointError, load_checkpoint
    from prediction.ml.model import backbone_digest

    try:
        classifier = load_checkpoint(path, allow_random=settings.AIGVA_ALLOW_RANDOM_INIT)
    except (CheckpointError, WeightsUnavailable) as exc:
        raise UserFacingError(str(exc)) from exc
    classes = list(classifier.config.classes)
    _check_classes(project, classes)
    model = Model(project=project, name=name or path.stem, kind=Model.Kind.CHECKPOINT, created_by=created_by,
                  backbone=classifier.config.backbone, backbone_digest=backbone_digest(classifier),
                  classes=classes, size=path.stat().st_size)
    with path.open("rb") as handle:
        model.file.save(f"{project.pk}-{path.stem}.pt", File(handle), save=False)
    model.save()
    return model


def register_custom(*, project: Project, custom_name: str, created_by: AbstractBaseUser | None) -> Model:
    """Make a registered custom function available to the project; it may name any project class."""
    registry.load_custom_model(custom_name)  # fails now, not at prediction time
    return Model.objects.create(
        project=project, name=custom_name, kind=Model.Kind.CUSTOM, custom_name=custom_name,
        classes=list(project.classes.values_list("name", flat=True)), created_by=created_by,
    )


@transaction.atomic
def start_predictions(
    *, model: Model, videos: list[Video], frame_skip: int = 1, smooth: int = 1,
    started_by: AbstractBaseUser | None, enqueue: bool = True,
) -> list[Job]:
    """One prediction job per ready video of the model's project (X-1)."""
    if frame_skip < 1 or smooth < 1:
        raise UserFacingError("Frame skip and smoothing are whole numbers of at least 1.")
    if any(video.project_id != model.project_id for video in videos):
        raise UserFacingError("The model and the videos belong to different projects.")
    ready = [video for video in videos if video.status == VideoStatus.READY]
    if not ready:
        raise UserFacingError("None of these videos is ready to predict.")
    jobs = [
        Job.objects.create(project_id=model.project_id, video=video, model=model, kind=Job.Kind.PREDICT,
                           created_by=started_by, options={"frame_skip": frame_skip, "smooth": smooth})
        for video in ready
    ]
    if enqueue:
        from prediction import actors

        transaction.on_commit(lambda: [actors.predict_video.send(job.pk) for job in jobs])
    return jobs
