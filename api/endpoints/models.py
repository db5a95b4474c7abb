from pathlib import Path

from django.http import HttpRequest
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from aigva.errors import UserFacingError
from api.endpoints import ERRORS
from api.pagination import Page
from api.schemas import CheckpointIn, Id, JobOut, ModelOut, PredictIn, TrainIn
from learning import services as learning
from prediction import services
from prediction.selectors import get_member_model
from projects.models import Role
from projects.selectors import get_member_project, get_track

router = Router(tags=["models"])


@router.get("/projects/{project_id}/models", response=list[ModelOut])
@paginate(Page)
def list_models(request: HttpRequest, project_id: Id):
    """The project's models, newest first, with their training figures and any reason not to trust them."""
    return get_member_project(request.user, project_id).models.order_by("-created_at", "-pk")


@router.get("/models/{model_id}", response={200: ModelOut, **ERRORS})
def get_model(request: HttpRequest, model_id: Id):
    return get_member_model(request.user, model_id)


@router.post("/projects/{project_id}/models", response={201: ModelOut, **ERRORS})
def register_checkpoint(request: HttpRequest, project_id: Id, file: File[UploadedFile], form: Form[CheckpointIn]):
    """Register a checkpoint that AIGVA (or `train`) wrote, as multipart form data (`file`, optional `name`);
    its classes must be the project's (managers)."""
    project = get_member_project(request.user, project_id, Role.MANAGER)
    if not hasattr(file, "temporary_file_path"):
        raise UserFacingError("The checkpoint file is over the upload limit or empty.")
    model = services.register_checkpoint(project=project, path=Path(file.temporary_file_path()),
                                         name=form.name or Path(file.name or "model").stem, created_by=request.user)
    return Status(201, model)


@router.post("/projects/{project_id}/training", response={202: JobOut, **ERRORS})
def start_training(request: HttpRequest, project_id: Id, body: TrainIn):
    """Train a model on every frame people labelled (or the Cold / Blitz samples): poll the job; its metrics
    name the model it made. `head_only` with `predict` is the Train page's "Retrain and update" (labellers)."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    options = body.model_dump(exclude={"track"})
    return Status(202, learning.start_training(project=project, track=get_track(project, body.track),
                                               started_by=request.user, **options))


@router.post("/projects/{project_id}/predictions", response={202: list[JobOut], **ERRORS})
def start_predictions(request: HttpRequest, project_id: Id, body: PredictIn):
    """Predict every frame of the chosen videos (all of the project's when left out) with a model of the
    project, on its track (and with `more_model_ids`, on theirs in the same pass); one job per video. People's
    labels are kept unless `overwrite_people` (labellers)."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    model, *more_models = (project.models.filter(pk=pk).first() for pk in [body.model_id, *body.more_model_ids])
    if model is None or None in more_models:
        raise UserFacingError("That model is not one of this project's.")
    videos = project.videos.all()
    if body.video_ids is not None:
        videos = videos.filter(pk__in=body.video_ids)
        if len(videos) != len(set(body.video_ids)):
            raise UserFacingError("Some of those videos are not this project's.")
    options = body.model_dump(exclude={"model_id", "more_model_ids", "video_ids"})
    jobs = services.start_predictions(model=model, videos=list(videos), started_by=request.user,
                                      more_models=more_models, **options)
    return Status(202, jobs)
