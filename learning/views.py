from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils.html import escape
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from aigva.errors import UserFacingError
from aigva.params import parse_int
from learning import selectors, services, uncertain
from learning.forms import SampleForm, SampleLabelForm
from learning.jobs import SAMPLE
from learning.selectors import get_member_sample
from projects.models import Role
from projects.selectors import get_member_project, get_role


@require_GET
def sample_list(request: HttpRequest, project_id: int) -> HttpResponse:
    """Cold Label: sample frames to label (C-1), see how far labelling has come."""
    project = get_member_project(request.user, project_id)
    # The last sampling's choices fill the form again (the uncertain queue's jobs have their own).
    last = project.jobs.filter(kind=SAMPLE).exclude(options__method="uncertain").first()
    initial = {k: v for k, v in last.options.items() if k != "videos"} if last else {}
    return render(request, "learning/sample_list.html", {
        "project": project, "role": get_role(request.user, project),
        "form": SampleForm(project=project, initial=initial),
        "progress": selectors.get_queue_progress(project), "counts": selectors.count_sample_labels(project),
        "jobs": project.jobs.filter(kind=SAMPLE)[:5],
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
    return redirect("learning:sample-list", project.pk)


@require_GET
def sample_label_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """One frame at a time, large, with a button and a key per class (C-2); ?sample= opens a given one."""
    project = get_member_project(request.user, project_id)
    sample_id = parse_int(request.GET.get("sample"))
    sample = get_member_sample(request.user, sample_id) if sample_id is not None else None
    if sample is not None and sample.project_id != project.pk:
        sample = None
    return _render_sample(request, project, sample or selectors.get_next_sample(project), page=True)


@require_POST
def sample_label(request: HttpRequest, sample_id: int) -> HttpResponse:
    """Answer one track of a sample (with no class, skip it); the next sample once every track is answered."""
    sample = get_member_sample(request.user, sample_id, Role.LABELLER)
    form = SampleLabelForm(request.POST)
    error = ""
    try:
        class_id = form.cleaned_data["class_id"] if form.is_valid() else None
        label_class = sample.project.classes.filter(pk=class_id).first() if class_id is not None else None
        if class_id is not None and label_class is None:
            raise UserFacingError("That class is not one of this project's.")
        complete = True
        if label_class is not None:
            complete = services.answer_sample(sample=sample, label_class=label_class, user=request.user)
        elif sample.label_id is None:  # skipping an answered sample leaves its answer
            services.label_sample(sample=sample, label_class=None, user=request.user)
        shown = selectors.get_next_sample(sample.project, after=sample) if complete else sample
    except UserFacingError as exc:
        error, shown = str(exc), sample
    return _render_sample(request, sample.project, shown, error=error)


@require_POST
def sample_accept(request: HttpRequest, sample_id: int) -> HttpResponse:
    """`Enter`: every track not answered yet takes what it says at the frame now; then the next sample."""
    sample = get_member_sample(request.user, sample_id, Role.LABELLER)
    try:
        services.accept_current_labels(sample=sample, user=request.user)
    except UserFacingError as exc:
        return _render_sample(request, sample.project, sample, error=str(exc))
    return _render_sample(request, sample.project, selectors.get_next_sample(sample.project, after=sample))


@require_GET
def sample_card(request: HttpRequest, sample_id: int) -> HttpResponse:
    """A sample's card, e.g. the previous one when the labeller goes back."""
    sample = get_member_sample(request.user, sample_id)
    return _render_sample(request, sample.project, sample)


def _render_sample(request, project, sample, *, page: bool = False, error: str = "") -> HttpResponse:
    context = {
        "project": project, "sample": sample, "error": error, "progress": selectors.get_queue_progress(project),
        "previous": selectors.get_previous_sample(project, sample),
        "tracks": selectors.sample_tracks(sample) if sample else [],
        "can_label": get_role(request.user, project) != Role.VIEWER,
    }
    template = "learning/sample_label.html" if page and not request.htmx else "learning/sample_label.html#sample-card"
    return render(request, template, context)


@require_GET
def sample_review(request: HttpRequest, project_id: int) -> HttpResponse:
    """Every answered and skipped sample with its thumbnail, answer and who gave it; any can be reopened."""
    project = get_member_project(request.user, project_id)
    show = request.GET.get("show", "all")
    show = show if show in selectors.SAMPLE_FILTERS else "all"
    page = Paginator(selectors.list_samples_for_review(project, show), 48).get_page(request.GET.get("page"))
    answers = selectors.answers_on_other_tracks(project, list(page))
    for sample in page:
        sample.other_answers = answers[sample.pk]
    return render(request, "learning/sample_review.html", {
        "project": project, "page": page, "show": show, "filters": list(selectors.SAMPLE_FILTERS),
        "progress": selectors.get_queue_progress(project), "can_label": get_role(request.user, project) != Role.VIEWER,
    })


@require_POST
def reopen_skipped(request: HttpRequest, project_id: int) -> HttpResponse:
    """Offer the skipped samples again: they go back to the labelling queue."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    count = services.reopen_skipped_samples(project=project)
    messages.success(request, f"{count} skipped sample{pluralize(count)} back in the queue.")
    return redirect("learning:sample-label-page", project.pk)


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
    frame_skip = parse_int(skip, limit=10_000) or None
    preview = selectors.preview_collection(project, frame_skip) if frame_skip else None
    return render(request, "learning/_collect_preview.html", {"preview": preview, "frame_skip": skip})


@require_POST
def collect(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.LABELLER)
    try:
        services.start_collecting(project=project, frame_skip=parse_int(request.POST.get("frame_skip")) or 0,
                                  started_by=request.user)
    except UserFacingError as exc:
        messages.error(request, str(exc))
    return redirect("learning:train-page", project.pk)


@require_POST
def uncertain_start(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.LABELLER)
    try:
        uncertain.start_uncertain(project=project, count=parse_int(request.POST.get("count")) or 0,
                                  started_by=request.user)
    except UserFacingError as exc:
        messages.error(request, str(exc))
    return redirect("learning:sample-list", project.pk)


@require_POST
def apply_label(request: HttpRequest, project_id: int) -> HttpResponse:
    """Give chosen frames (`frames` = "video:frame", several) one class, e.g. similar frames (Y-2)."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    frames = [tuple(parse_int(part) for part in value.split(":", 1)) for value in request.POST.getlist("frames")]
    class_id = parse_int(request.POST.get("class_id"))
    label_class = project.classes.filter(pk=class_id).first() if class_id is not None else None
    try:
        if not frames or label_class is None or any(len(pair) != 2 or None in pair for pair in frames):
            raise UserFacingError("Choose some frames and a class of this project.")
        count = services.label_frames(project=project, frames=frames, label_class=label_class, user=request.user)
    except UserFacingError as exc:
        return HttpResponse(f'<p class="job-error" role="alert">{escape(str(exc))}</p>')
    response = HttpResponse(f'<p data-testid="applied">Labelled {count} frame{pluralize(count)} '
                            f'“{escape(label_class.name)}”.</p>')
    # The player redraws its timeline and Recent edits.
    message = f"Labelled {count} similar frame{pluralize(count)}."
    return trigger_client_event(response, "labels-updated", {"message": message})
