from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from aigva.errors import UserFacingError
from prediction import registry, services
from prediction.forms import CustomModelForm, PredictForm
from projects.jobs import fail_stale_jobs
from projects.models import Job, Role
from projects.selectors import get_member_project, get_role


def model_list(request: HttpRequest, project_id: int) -> HttpResponse:
    """Models of the project, the predict form and recent prediction jobs (X-1)."""
    project = get_member_project(request.user, project_id)
    fail_stale_jobs()
    return render(request, "prediction/model_list.html", {
        "project": project, "role": get_role(request.user, project),
        "models": project.models.all(), "form": PredictForm(project=project),
        "custom_form": CustomModelForm(names=sorted(registry.available_custom_models())),
        "jobs": project.jobs.filter(kind=Job.Kind.PREDICT).select_related("video", "model")[:20],
    })


@require_POST
def predict(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.LABELLER)
    form = PredictForm(request.POST, project=project)
    if not form.is_valid():
        messages.error(request, "Choose a model, and whole numbers of at least 1 for skip and smoothing.")
        return redirect("prediction:model-list", project.pk)
    data = form.cleaned_data
    try:
        jobs = services.start_predictions(model=data["model"], videos=list(data["videos"] or project.videos.all()),
                                          frame_skip=data["frame_skip"], smooth=data["smooth"], started_by=request.user)
    except UserFacingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Predicting {len(jobs)} video(s) with {data['model'].name}.")
    return redirect("prediction:model-list", project.pk)


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
