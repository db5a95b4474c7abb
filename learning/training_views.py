"""The Train page, the player's Retrain and update, and similar frames (C-3, B-2, Y-2)."""

import os

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from aigva.errors import UserFacingError
from aigva.params import parse_int
from learning import selectors, services, similar
from learning.forms import TrainForm
from learning.jobs import COLLECT, TRAIN
from projects.models import Job, JobStatus, Role
from projects.selectors import get_member_job, get_member_project, get_role
from videos.selectors import get_member_video


@require_GET
def train_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """Train a model on the labelled frames and watch its loss and accuracy live (C-3, B-2)."""
    project = get_member_project(request.user, project_id)
    jobs = project.jobs.filter(kind=TRAIN)
    job_id = parse_int(request.GET.get("job"))
    shown = jobs.filter(pk=job_id).first() if job_id is not None else jobs.first()
    counts = {}  # every track's classes, each counted on its own track
    for track in project.tracks.all():
        counts |= selectors.human_frame_counts(project, track=track)
    # The last training the page started (not a retrain, whose options are fixed) sets the form again.
    last = jobs.exclude(options__predict=True).first()
    recent = list(jobs[:10])
    if project.tracks.count() > 1:  # each job says which track it trains
        names = dict(project.tracks.values_list("pk", "name"))
        for row in [*recent, *([shown] if shown else [])]:
            row.track_name = "every track" if row.options.get("tracks") else names.get(row.options.get("track"), "")
    return render(request, "learning/train.html", {
        "project": project, "role": get_role(request.user, project),
        "form": TrainForm(project=project, last_options=last.options if last else None), "cores": os.cpu_count(),
        "device": settings.AIGVA_DEVICE,
        "human_counts": [{"class": c, "count": counts.get(c.pk, 0)} for c in project.classes.all()],
        "labelled_frames": sum(counts.values()),
        "jobs": recent, "job": shown, "collect_jobs": project.jobs.filter(kind=COLLECT)[:1],
    })


@require_POST
def train(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.LABELLER)
    form = TrainForm(request.POST, project=project)
    try:
        if not form.is_valid():
            raise UserFacingError("Check the training options: epochs 1-500, validation split 0-0.5, patience 1-100.")
        job = services.start_training(project=project, started_by=request.user, **form.cleaned_data)
    except UserFacingError as exc:
        messages.error(request, str(exc))
        return redirect("learning:train-page", project.pk)
    return redirect(f"{reverse('learning:train-page', args=[project.pk])}?job={job.pk}")


RETRAIN = {"kind": "human", "head_only": True, "predict": True, "epochs": 30, "patience": 5, "val_split": 0.2}


@require_POST
def retrain(request: HttpRequest, project_id: int) -> HttpResponse:
    """Retrain a head per track on every human label there and update every unreviewed video's predictions
    (C-3)."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    try:
        jobs, waiting = services.start_retraining(project=project, started_by=request.user, **RETRAIN)
    except UserFacingError as exc:
        if request.htmx:
            return render(request, "learning/_retrain.html", {"error": str(exc), "project": project})
        messages.error(request, str(exc))
        return redirect("learning:train-page", project.pk)
    if request.htmx:
        return render(request, "learning/_retrain.html", {"jobs": jobs, "waiting": waiting, "project": project})
    for reason in waiting:
        messages.info(request, reason)
    return redirect(f"{reverse('learning:train-page', args=[project.pk])}?job={jobs[0].pk}")


def _training_job(request: HttpRequest, job_id: int) -> Job:
    job = get_member_job(request.user, job_id)
    if job.kind != TRAIN:
        raise Http404("Not a training job.")
    return job


@require_GET
def retrain_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The player's retrain status, polled while it runs; once done it tells the page to reload its labels."""
    job = _training_job(request, job_id)
    response = render(request, "learning/_retrain_job.html", {"job": job})
    if job.status == JobStatus.SUCCEEDED:
        response["HX-Trigger"] = "labels-updated"
    return response


@require_GET
def train_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The live chart of one training job; polled while it runs."""
    job = _training_job(request, job_id)
    return render(request, "learning/train.html#training-progress", {"job": job, "project": job.project})


@require_GET
def similar_frames(request: HttpRequest, video_id: int) -> HttpResponse:
    """Frames across the project that look like ?frame= of this video, from the embeddings cache (Y-2)."""
    video = get_member_video(request.user, video_id)
    frame = parse_int(request.GET.get("frame"))
    if frame is None or frame >= (video.frame_count or 0):
        raise Http404("No such frame.")
    matches, key = similar.find_similar(video, frame)
    return render(request, "learning/_similar.html", {
        "video": video, "frame": frame, "matches": matches, "key": key, "classes": video.project.classes.all(),
        "can_label": get_role(request.user, video.project) != Role.VIEWER,
    })
