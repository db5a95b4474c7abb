import os

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from aigva.errors import UserFacingError
from aigva.params import parse_int
from prediction import registry, services
from prediction.forms import CustomModelForm, PredictForm, TrainForm
from prediction.selectors import describe_left_out, get_member_model
from projects.models import Job, JobStatus, Role
from projects.selectors import get_member_job, get_member_project, get_role


def model_list(request: HttpRequest, project_id: int) -> HttpResponse:
    """Models of the project, the predict form and recent prediction jobs (X-1)."""
    project = get_member_project(request.user, project_id)
    return render(request, "prediction/model_list.html", {
        "project": project, "role": get_role(request.user, project),
        "models": project.models.all(),
        "form": PredictForm(project=project, model_id=parse_int(request.GET.get("model"))),
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
    videos = list(data["videos"] or project.videos.all())
    try:
        jobs = services.start_predictions(model=data["model"], videos=videos,
                                          frame_skip=data["frame_skip"], smooth=data["smooth"],
                                          shots=data["shots"], overwrite_people=data["overwrite_people"],
                                          every_frame=data["every_frame"],
                                          started_by=request.user)
    except UserFacingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Predicting {len(jobs)} video{pluralize(len(jobs))} with {data['model'].name}.")
        left_out = describe_left_out(videos, overwrite_people=data["overwrite_people"])
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


@require_GET
def train_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """Train a model on the labelled frames and watch its loss and accuracy live (C-3, B-2)."""
    project = get_member_project(request.user, project_id)
    jobs = project.jobs.filter(kind=Job.Kind.TRAIN)
    job_id = parse_int(request.GET.get("job"))
    shown = jobs.filter(pk=job_id).first() if job_id is not None else jobs.first()
    counts = services.human_frame_counts(project)
    # The last training the page started (not a retrain, whose options are fixed) sets the form again.
    last = jobs.exclude(options__predict=True).first()
    return render(request, "prediction/train.html", {
        "project": project, "role": get_role(request.user, project),
        "form": TrainForm(last_options=last.options if last else None), "cores": os.cpu_count(),
        "device": settings.AIGVA_DEVICE,
        "human_counts": [{"class": c, "count": counts.get(c.pk, 0)} for c in project.classes.all()],
        "labelled_frames": sum(counts.values()),
        "jobs": jobs[:10], "job": shown, "collect_jobs": project.jobs.filter(kind=Job.Kind.COLLECT)[:1],
    })


@require_POST
def train(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.LABELLER)
    form = TrainForm(request.POST)
    try:
        if not form.is_valid():
            raise UserFacingError("Check the training options: epochs 1-500, validation split 0-0.5, patience 1-100.")
        job = services.start_training(project=project, started_by=request.user, **form.cleaned_data)
    except UserFacingError as exc:
        messages.error(request, str(exc))
        return redirect("prediction:train-page", project.pk)
    return redirect(f"{reverse('prediction:train-page', args=[project.pk])}?job={job.pk}")


RETRAIN = {"kind": "human", "head_only": True, "predict": True, "epochs": 30, "patience": 5, "val_split": 0.2}


@require_POST
def retrain(request: HttpRequest, project_id: int) -> HttpResponse:
    """Retrain a head on every human label and update every unreviewed video's predictions (C-3)."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    try:
        job = services.start_training(project=project, started_by=request.user, **RETRAIN)
    except UserFacingError as exc:
        if request.htmx:
            return render(request, "prediction/_retrain.html", {"error": str(exc), "project": project})
        messages.error(request, str(exc))
        return redirect("prediction:train-page", project.pk)
    if request.htmx:
        return render(request, "prediction/_retrain.html", {"job": job, "project": project})
    return redirect(f"{reverse('prediction:train-page', args=[project.pk])}?job={job.pk}")


def _training_job(request: HttpRequest, job_id: int) -> Job:
    job = get_member_job(request.user, job_id)
    if job.kind != Job.Kind.TRAIN:
        raise Http404("Not a training job.")
    return job


@require_GET
def retrain_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The player's retrain status, polled while it runs; once done it tells the page to reload its labels."""
    job = _training_job(request, job_id)
    response = render(request, "prediction/_retrain.html", {"job": job, "project": job.project})
    if job.status == JobStatus.SUCCEEDED:
        response["HX-Trigger"] = "labels-updated"
    return response


@require_GET
def train_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The live chart of one training job; polled while it runs."""
    job = _training_job(request, job_id)
    return render(request, "prediction/train.html#training-progress", {"job": job, "project": job.project})


@require_GET
def similar_frames(request: HttpRequest, video_id: int) -> HttpResponse:
    """Frames across the project that look like ?frame= of this video, from the embeddings cache (Y-2)."""
    from prediction import similar
    from videos.selectors import get_member_video

    video = get_member_video(request.user, video_id)
    frame = parse_int(request.GET.get("frame"))
    if frame is None or frame >= (video.frame_count or 0):
        raise Http404("No such frame.")
    matches, key = similar.find_similar(video, frame)
    return render(request, "prediction/_similar.html", {
        "video": video, "frame": frame, "matches": matches, "key": key, "classes": video.project.classes.all(),
        "can_label": get_role(request.user, video.project) != Role.VIEWER,
    })
