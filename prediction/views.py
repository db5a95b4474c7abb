
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from aigva.errors import UserFacingError
from aigva.params import parse_int
from prediction import registry, services
from prediction.backbone_choices import NAMES
from prediction.forms import BackboneForm, CustomModelForm, PredictForm
from prediction.jobs import PREDICT
from prediction.selectors import describe_left_out, get_member_model, kept_features
from projects.models import Role
from projects.selectors import get_member_project, get_role


def model_list(request: HttpRequest, project_id: int) -> HttpResponse:
    """Models of the project, the predict form and recent prediction jobs (X-1)."""
    project = get_member_project(request.user, project_id)
    return render(request, "prediction/model_list.html", {
        "project": project, "role": get_role(request.user, project),
        "models": project.models.select_related("track"), "several_tracks": project.tracks.count() > 1,
        "form": PredictForm(project=project, model_id=parse_int(request.GET.get("model"))),
        "custom_form": CustomModelForm(names=sorted(registry.available_custom_models())),
        "jobs": project.jobs.filter(kind=PREDICT).select_related("video", "model")[:20],
        "kept_features": kept_features(project), "backbone_form": BackboneForm(project=project),
    })


@require_POST
def predict(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.LABELLER)
    form = PredictForm(request.POST, project=project)
    if not form.is_valid():
        messages.error(request, "Choose a model, and whole numbers of at least 1 for skip and smoothing.")
        return redirect("prediction:model-list", project.pk)
    data = form.cleaned_data
    videos = list(data["videos"] or project.videos.all())
    try:
        jobs = services.start_predictions(model=data["model"], videos=videos,
                                          frame_skip=data["frame_skip"], smooth=data["smooth"],
                                          shots=data["shots"], overwrite_people=data["overwrite_people"],
                                          every_frame=data["every_frame"], more_models=list(data["more_models"]),
                                          started_by=request.user)
    except UserFacingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Predicting {len(jobs)} video{pluralize(len(jobs))} with {data['model'].name}.")
        left_out = describe_left_out(videos, overwrite_people=data["overwrite_people"], track=data["model"].track)
        if left_out:
            messages.warning(request, f"Left out: {left_out}.")
    return redirect("prediction:model-list", project.pk)


@require_POST
def rename_model(request: HttpRequest, model_id: int) -> HttpResponse:
    model = get_member_model(request.user, model_id, Role.LABELLER)
    try:
        services.rename_model(model=model, name=request.POST.get("name", ""))
    except UserFacingError as exc:
        messages.error(request, str(exc))
    return redirect("prediction:model-list", model.project_id)


@require_POST
def register_custom(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.MANAGER)
    form = CustomModelForm(request.POST, names=sorted(registry.available_custom_models()))
    try:
        if not form.is_valid():
            raise UserFacingError("Choose one of the registered custom models.")
        services.register_custom(project=project, custom_name=form.cleaned_data["custom_name"], created_by=request.user)
    except UserFacingError as exc:
        messages.error(request, str(exc))
    return redirect("prediction:model-list", project.pk)


@require_POST
def keep_features(request: HttpRequest, project_id: int) -> HttpResponse:
    """Choose the backbone whose features uploads keep; the videos without them get them in the background."""
    project = get_member_project(request.user, project_id, Role.MANAGER)
    form = BackboneForm(request.POST, project=project)
    try:
        if not form.is_valid():
            raise UserFacingError("Choose one of the backbones this server can run.")
        jobs = services.choose_backbone(project=project, backbone=form.cleaned_data["backbone"],
                                        started_by=request.user)
    except UserFacingError as exc:
        messages.error(request, str(exc))
    else:
        backbone = NAMES.get(form.cleaned_data["backbone"], form.cleaned_data["backbone"])
        messages.success(request, f"Keeping {backbone} features of {len(jobs)} video{pluralize(len(jobs))}: "
                                  "progress on the videos page." if jobs else
                                  f"Every ready video has its {backbone} features; new uploads keep them.")
    return redirect("prediction:model-list", project.pk)
