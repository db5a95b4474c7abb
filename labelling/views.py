import numpy as np
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils.html import escape
from django.views.decorators.http import require_GET, require_POST

from aigva.errors import UserFacingError
from labelling import selectors, services, uncertain
from labelling.forms import LabelRangeForm, ReviewForm, SampleForm, SampleLabelForm
from labelling.selectors import get_frame_history, get_member_label_set, get_member_sample, get_timeline
from projects.jobs import fail_stale_jobs
from projects.models import Job, Role
from projects.selectors import get_member_project, get_role


def _refused(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


@require_GET
def timeline(request: HttpRequest, label_set_id: int) -> JsonResponse:
    return JsonResponse(get_timeline(get_member_label_set(request.user, label_set_id)))


@require_GET
def confidences(request: HttpRequest, label_set_id: int) -> HttpResponse:
    """The model's confidence per frame as one byte (0-255), or 204 when no model made the set."""
    label_set = get_member_label_set(request.user, label_set_id)
    values = label_set.model_confidences()
    if values is None:
        return HttpResponse(status=204)
    quantised = np.round(np.clip(values.astype(np.float32), 0, 1) * 255).astype(np.uint8)
    response = HttpResponse(quantised.tobytes(), content_type="application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def edits(request: HttpRequest, label_set_id: int) -> HttpResponse:
    """The latest edits of the set, newest first (HTMX partial beside the player)."""
    label_set = get_member_label_set(request.user, label_set_id)
    recent = label_set.edits.select_related("author", "label_class")[:15]
    return render(request, "labelling/_edit_log.html", {"edits": recent})


@require_POST
def label_range(request: HttpRequest, label_set_id: int) -> JsonResponse:
    """Set a frame range to a class (L-4); answers with the new timeline."""
    label_set = get_member_label_set(request.user, label_set_id, Role.LABELLER)
    form = LabelRangeForm(request.POST)
    if not form.is_valid():
        return _refused("Give a start frame, an end frame and a class.")
    label_class = label_set.video.project.classes.filter(pk=form.cleaned_data["class_id"]).first()
    if label_class is None:
        return _refused("That class is not one of this project's classes.")
    try:
        edit = services.label_range(label_set=label_set, start=form.cleaned_data["start"],
                                    end=form.cleaned_data["end"], label_class=label_class, user=request.user)
    except UserFacingError as exc:
        return _refused(str(exc))
    label_set.refresh_from_db()
    return JsonResponse({**get_timeline(label_set), "edit": edit.pk})


@require_POST
def undo(request: HttpRequest, label_set_id: int) -> JsonResponse:
    label_set = get_member_label_set(request.user, label_set_id, Role.LABELLER)
    try:
        edit = services.undo_last_edit(label_set=label_set, user=request.user)
    except UserFacingError as exc:
        return _refused(str(exc))
    label_set.refresh_from_db()
    return JsonResponse({**get_timeline(label_set), "undone": edit.pk})


@require_POST
def review(request: HttpRequest, label_set_id: int) -> JsonResponse:
    """Mark reviewed or not (L-5)."""
    label_set = get_member_label_set(request.user, label_set_id, Role.LABELLER)
    form = ReviewForm(request.POST)
    form.is_valid()
    label_set = services.set_reviewed(label_set=label_set, reviewed=form.cleaned_data["reviewed"], user=request.user)
    return JsonResponse({
        "reviewed": label_set.reviewed,
        "reviewed_by": label_set.reviewed_by.username if label_set.reviewed_by else None,
        "reviewed_at": label_set.reviewed_at.isoformat() if label_set.reviewed_at else None,
    })


@require_GET
def history(request: HttpRequest, label_set_id: int) -> JsonResponse:
    """Who or what set a frame's label, and when (Y-1): ?frame=N."""
    label_set = get_member_label_set(request.user, label_set_id)
    frame = request.GET.get("frame", "")
    if not frame.isdigit():
        return _refused("Give the frame as ?frame=N.")
    entries = get_frame_history(label_set, int(frame))
    if request.htmx:
        return render(request, "labelling/_frame_history.html", {"frame": int(frame), "history": entries})
    return JsonResponse({"frame": int(frame), "history": entries})


@require_GET
def sample_list(request: HttpRequest, project_id: int) -> HttpResponse:
    """Cold Label: sample frames to label (C-1), see how far labelling has come."""
    project = get_member_project(request.user, project_id)
    fail_stale_jobs()
    return render(request, "labelling/sample_list.html", {
        "project": project, "role": get_role(request.user, project), "form": SampleForm(project=project),
        "progress": selectors.get_queue_progress(project), "counts": selectors.count_sample_labels(project),
        "jobs": project.jobs.filter(kind=Job.Kind.SAMPLE)[:5],
    })


@require_POST
def sample_start(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.LABELLER)
    form = SampleForm(request.POST, project=project)
    try:
        if not form.is_valid():
            raise UserFacingError("Check the sampling options: " + "; ".join(
                f"{form.fields[name].label or name}: {' '.join(errors)}" for name, errors in form.errors.items()))
        data = form.cleaned_data
        services.start_sampling(project=project, videos=list(data["videos"] or project.videos.all()),
                                per_video=data["per_video"], method=data["method"],
                                stride_seconds=data["stride_seconds"], threshold=data["threshold"],
                                started_by=request.user)
    except UserFacingError as exc:
        messages.error(request, str(exc))
    return redirect("labelling:sample-list", project.pk)


@require_GET
def sample_label_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """One frame at a time, large, with a button and a key per class (C-2); ?sample= opens a given one."""
    project = get_member_project(request.user, project_id)
    sample_id = request.GET.get("sample", "")
    sample = get_member_sample(request.user, int(sample_id)) if sample_id.isdigit() else None
    if sample is not None and sample.project_id != project.pk:
        sample = None
    return _render_sample(request, project, sample or selectors.get_next_sample(project), page=True)


@require_POST
def sample_label(request: HttpRequest, sample_id: int) -> HttpResponse:
    """Label (or, with no class, skip) one sample and show the next one."""
    sample = get_member_sample(request.user, sample_id, Role.LABELLER)
    form = SampleLabelForm(request.POST)
    error = ""
    try:
        class_id = form.cleaned_data["class_id"] if form.is_valid() else None
        label_class = sample.project.classes.filter(pk=class_id).first() if class_id is not None else None
        if class_id is not None and label_class is None:
            raise UserFacingError("That class is not one of this project's.")
        services.label_sample(sample=sample, label_class=label_class, user=request.user)
        shown = selectors.get_next_sample(sample.project, after=sample)
    except UserFacingError as exc:
        error, shown = str(exc), sample
    return _render_sample(request, sample.project, shown, error=error)


@require_GET
def sample_card(request: HttpRequest, sample_id: int) -> HttpResponse:
    """A sample's card, e.g. the previous one when the labeller goes back."""
    sample = get_member_sample(request.user, sample_id)
    return _render_sample(request, sample.project, sample)


def _render_sample(request, project, sample, *, page: bool = False, error: str = "") -> HttpResponse:
    context = {
        "project": project, "sample": sample, "error": error, "progress": selectors.get_queue_progress(project),
        "previous": sample and selectors.get_previous_sample(project, sample), "classes": project.classes.all(),
        "can_label": get_role(request.user, project) != Role.VIEWER,
    }
    template = "labelling/sample_label.html" if page and not request.htmx else "labelling/sample_label.html#sample-card"
    return render(request, template, context)


@require_GET
def sample_image(request: HttpRequest, sample_id: int) -> FileResponse:
    sample = get_member_sample(request.user, sample_id)
    response = FileResponse(sample.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def collect_preview(request: HttpRequest, project_id: int) -> HttpResponse:
    """Images per class that collecting reviewed videos at ?frame_skip= would give (B-1)."""
    project = get_member_project(request.user, project_id)
    skip = request.GET.get("frame_skip", "")
    frame_skip = int(skip) if skip.isdigit() and 1 <= int(skip) <= 10_000 else None
    preview = selectors.preview_collection(project, frame_skip) if frame_skip else None
    return render(request, "labelling/_collect_preview.html", {"preview": preview, "frame_skip": skip})


@require_POST
def collect(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.LABELLER)
    skip = request.POST.get("frame_skip", "")
    try:
        services.start_collecting(project=project, frame_skip=int(skip) if skip.isdigit() else 0,
                                  started_by=request.user)
    except UserFacingError as exc:
        messages.error(request, str(exc))
    return redirect("prediction:train-page", project.pk)


@require_POST
def uncertain_start(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.LABELLER)
    count = request.POST.get("count", "")
    try:
        uncertain.start_uncertain(project=project, count=int(count) if count.isdigit() else 0, started_by=request.user)
    except UserFacingError as exc:
        messages.error(request, str(exc))
    return redirect("labelling:sample-list", project.pk)


@require_POST
def apply_label(request: HttpRequest, project_id: int) -> HttpResponse:
    """Give chosen frames (`frames` = "video:frame", several) one class, e.g. similar frames (Y-2)."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    try:
        frames = [tuple(int(part) for part in value.split(":", 1)) for value in request.POST.getlist("frames")]
        label_class = project.classes.filter(pk=int(request.POST.get("class_id", ""))).first()
    except ValueError:
        frames, label_class = [], None
    try:
        if not frames or label_class is None or any(len(pair) != 2 for pair in frames):
            raise UserFacingError("Choose some frames and a class of this project.")
        count = services.label_frames(project=project, frames=frames, label_class=label_class, user=request.user)
    except UserFacingError as exc:
        return HttpResponse(f'<p class="job-error" role="alert">{escape(str(exc))}</p>')
    return HttpResponse(f'<p data-testid="applied">Labelled {count} frame{pluralize(count)} '
                        f'“{escape(label_class.name)}”.</p>')
