import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db import transaction

from aigva.errors import UserFacingError
from prediction import registry
from prediction.backbone_choices import available_backbones, ingest_backbone
from prediction.jobs import FEATURES, PREDICT
from prediction.models import Model, VideoFeatures
from prediction.selectors import REVIEWED, reasons_not_to_predict
from projects.jobs import active_duplicate, create_job, enqueue_job
from projects.models import Job, Project, Track
from videos.models import Video, VideoStatus


def rename_model(*, model: Model, name: str) -> Model:
    """Give a model the name people will know it by (1-120 characters, no control characters)."""
    name = " ".join(name.split())
    if not 1 <= len(name) <= 120 or re.search(r"[\x00-\x1f\x7f]", name):
        raise UserFacingError("A model's name is 1-120 characters, with no control characters.")
    model.name = name
    model.save(update_fields=["name"])
    return model


def trained_model_name(project: Project, kind: str, accuracy: float, head_only: bool, track: Track) -> str:
    """“Cold Label #3 · 96.4 %” (“· head” for a head on frozen features; “· weather” for a track other than the
    first): which, how many, how good."""
    number = project.models.filter(kind=kind).count() + 1
    where = f" · {track.name}" if track.pk != project.first_track.pk else ""
    return f"{Model.Kind(kind).label} #{number}{where} · {accuracy * 100:.1f} %" + (" · head" if head_only else "")


def _track_of_classes(project: Project, names: list[str]) -> Track:
    """The track whose classes the model predicts (class names say which: they are unique in a project)."""
    tracks = list(project.tracks.prefetch_related("classes"))
    for track in tracks:
        if set(names) <= {c.name for c in track.classes.all()}:
            return track
    first = {c.name for c in tracks[0].classes.all()}
    missing = ", ".join(sorted(set(names) - first))
    if len(tracks) == 1:
        raise UserFacingError(f"The model predicts classes the project lacks: {missing}.")
    raise UserFacingError(f"The model predicts classes no one track of the project has together (the first track "
                          f"“{tracks[0].name}” lacks: {missing}).")


def register_checkpoint(*, project: Project, path: Path, name: str = "", created_by: AbstractBaseUser | None) -> Model:
    """Store a checkpoint file as a model of the project after checking it loads and fits the classes."""
    from prediction.ml.backbones import WeightsUnavailable  # torch loads only when a checkpoint is registered
    from prediction.ml.checkpoint import CheckpointError, load_checkpoint  # torch
    from prediction.ml.model import backbone_digest  # torch

    try:
        classifier = load_checkpoint(path, allow_random=settings.AIGVA_ALLOW_RANDOM_INIT)
    except (CheckpointError, WeightsUnavailable) as exc:
        raise UserFacingError(str(exc)) from exc
    classes = list(classifier.config.classes)
    model = Model(project=project, track=_track_of_classes(project, classes), name=name or path.stem,
                  kind=Model.Kind.CHECKPOINT, created_by=created_by,
                  backbone=classifier.config.backbone, backbone_digest=backbone_digest(classifier),
                  classes=classes, size=path.stat().st_size)
    with path.open("rb") as handle:
        model.file.save(f"{project.pk}-{path.stem}.pt", File(handle), save=False)
    model.save()
    return model


def register_custom(*, project: Project, custom_name: str, created_by: AbstractBaseUser | None) -> Model:
    """Make a registered custom function available to the project; it may name any class of the first track."""
    registry.load_custom_model(custom_name)  # fails now, not at prediction time
    return Model.objects.create(
        project=project, name=custom_name, kind=Model.Kind.CUSTOM, custom_name=custom_name,
        classes=list(project.first_track.classes.values_list("name", flat=True)), created_by=created_by,
    )


def _check_one_per_track(models: list[Model]) -> None:
    if any(model.project_id != models[0].project_id for model in models):
        raise UserFacingError("The models belong to different projects.")
    if len({model.track_id for model in models}) < len(models):
        raise UserFacingError("Choose one model per track: two of these label the same track.")


@transaction.atomic
def start_predictions(
    *, model: Model, videos: list[Video], frame_skip: int = 1, smooth: int = 1, shots: bool = True,
    overwrite_people: bool = False, every_frame: bool = False, started_by: AbstractBaseUser | None,
    enqueue: bool = True, more_models: list[Model] = (),
) -> list[Job]:
    """One prediction job per ready video of the model's project (X-1), labelling the model's track and those
    of more_models (one per track) in one pass over the video. People's labels are kept, and reviewed videos
    left alone, unless overwrite_people (L-6). With shots, labels are decoded as shots (Viterbi) rather than
    frame by frame. The model sees only the frames change gating picks, unless every_frame (or a frame skip)."""
    if frame_skip < 1 or smooth < 1:
        raise UserFacingError("Frame skip and smoothing are whole numbers of at least 1.")
    if any(video.project_id != model.project_id for video in videos):
        raise UserFacingError("The model and the videos belong to different projects.")
    _check_one_per_track([model, *more_models])
    left_out = reasons_not_to_predict(videos, overwrite_people=overwrite_people, track=model.track)
    ready = [video for video in videos if video.pk not in left_out]
    if not ready and REVIEWED in left_out.values():
        raise UserFacingError("These videos are all reviewed, so a person has checked every frame; "
                              "choose “overwrite people's labels” to predict them anyway.")
    if not ready:
        raise UserFacingError("None of these videos is ready to predict.")
    options = {"frame_skip": frame_skip, "smooth": smooth, "shots": shots, "overwrite_people": overwrite_people,
               "every_frame": every_frame, **({"more_models": [m.pk for m in more_models]} if more_models else {})}
    # Videos this model is predicting this way already are left to that job; all of them: refused.
    fresh = [video for video in ready if active_duplicate(
        project_id=model.project_id, kind=PREDICT, options=options, video=video, model=model) is None]
    jobs = [create_job(project_id=model.project_id, video=video, model=model, kind=PREDICT,
                       created_by=started_by, options=options) for video in fresh or ready[:1]]
    if enqueue:
        for job in jobs:
            enqueue_job(job)
    return jobs


@transaction.atomic
def start_feature_fills(*, project: Project, started_by: AbstractBaseUser | None = None) -> list[Job]:
    """A features job for each ready video of the project that lacks its backbone's features (V-5: uploaded
    before the backbone was chosen, or before its features were kept at all), unless one is under way."""
    backbone = ingest_backbone(project)
    if backbone is None:
        return []
    options = {"backbone": backbone}
    kept = VideoFeatures.objects.filter(backbone=backbone).values("video_id")
    jobs = []
    for video in project.videos.filter(status=VideoStatus.READY).exclude(pk__in=kept).order_by("pk"):
        if active_duplicate(project_id=project.pk, kind=FEATURES, options=options, video=video) is None:
            jobs.append(create_job(project_id=project.pk, kind=FEATURES, options=options, created_by=started_by,
                                   video=video))
    for job in jobs:
        enqueue_job(job)
    return jobs


@transaction.atomic
def choose_backbone(*, project: Project, backbone: str, started_by: AbstractBaseUser | None) -> list[Job]:
    """The backbone whose features the project's uploads keep; the videos uploaded before get theirs in the
    background (a features job each)."""
    if backbone not in available_backbones():
        raise UserFacingError(f"The backbone is one of {', '.join(available_backbones())}.")
    Project.objects.filter(pk=project.pk).update(backbone=backbone)
    project.backbone = backbone
    return start_feature_fills(project=project, started_by=started_by)
