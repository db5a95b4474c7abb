"""The Review page (issue 31): the most doubtful run a model labelled, checked with one key, beside the
accuracy estimate, the stopping rule and the audit; and the audit's blind cards."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from aigva.errors import UserFacingError
from aigva.params import parse_int
from labelling.selectors import get_current_label_set
from labelling.services import label_range
from learning import audits, imports
from learning.models import TrainingSample
from learning.selectors import get_member_sample, list_doubtful_runs
from projects.models import Role
from projects.selectors import get_member_project, get_role
from videos.models import Video

HISTORY = 50  # runs Backspace can go back through


def _history(value: str) -> list[tuple[int, int, int]]:
    """`video:start:end,…` as the card carries it; anything else is dropped."""
    runs = []
    for item in value.split(",")[-HISTORY:]:
        parts = [parse_int(part) for part in item.split(":")]
        if len(parts) == 3 and None not in parts:
            runs.append(tuple(parts))
    return runs


def _track(request: HttpRequest, project):
    """The track the queue checks (P-4): ?track= or a verdict's track (its pk), else the project's first."""
    chosen = parse_int(request.POST.get("track") or request.GET.get("track"))
    found = project.tracks.filter(pk=chosen).first() if chosen is not None else None
    return found or project.first_track


def _run(project, track, video_id: int | None, start: int | None, end: int | None) -> dict:
    """A range of a video of the project as the card shows it: its class on the track (at its first frame) now."""
    video = Video.objects.filter(pk=video_id or 0, project=project, status="ready").first()
    if video is None or start is None or end is None or not start <= end < video.frame_count:
        raise Http404("No such run.")
    class_id, author = get_current_label_set(video, track).label_runs.at(start)
    return {"video": video.name, "video_id": video.pk, "start": start, "end": end, "checked": author > 0,
            "class": project.classes.filter(pk=class_id).values_list("name", flat=True).first(), "doubt": None}


def _card(request: HttpRequest, project, track, run: dict | None, history: list, error: str = "",
          template: str = "learning/review.html#review-card") -> HttpResponse:
    classes = list(track.classes.all())
    trail = ",".join(":".join(map(str, item)) for item in history[-HISTORY:])
    if run is not None:
        run = run | {"label_class": next((c for c in classes if c.name == run["class"]), None),
                     "frames": sorted({run["start"], (run["start"] + run["end"]) // 2, run["end"]}),
                     "length": run["end"] - run["start"] + 1,
                     "values": json.dumps({"video": run["video_id"], "start": run["start"], "end": run["end"],
                                           "history": trail, "track": track.pk})}
    back = None
    if history:
        video, start, end = history[-1]
        back = f"{reverse('learning:review-card', args=[project.pk])}?" + urlencode(
            {"video": video, "start": start, "end": end, "history": trail, "track": track.pk})
    keys = "".join(c.shortcut for c in classes if c.shortcut)
    return render(request, template, {
        "project": project, "run": run, "classes": classes, "error": error, "back": back, "class_keys": keys,
        "trail": trail, "track": track, "tracks": list(project.tracks.all()),
        "open_key": "o" if "s" in keys else "s", "can_label": get_role(request.user, project) != Role.VIEWER,
    })


def _next_run(project, track) -> dict | None:
    return next(iter(list_doubtful_runs(project, limit=1, track=track)), None)


@require_GET
def review_page(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id)
    track = _track(request, project)
    return _card(request, project, track, _next_run(project, track), [], template="learning/review.html")


@require_GET
def review_estimate(request: HttpRequest, project_id: int) -> HttpResponse:
    """The estimate, the stopping rule and the videos' rows; refreshed after a retrain."""
    project = get_member_project(request.user, project_id)
    return render(request, "learning/_estimate.html", _estimate_context(request, project, _track(request, project)))


def _estimate_context(request: HttpRequest, project, track) -> dict:
    role = get_role(request.user, project)
    return {"project": project, "track": track, "report": audits.accuracy_report(project, track),
            "many_tracks": project.tracks.count() > 1, "can_label": role != Role.VIEWER,
            "can_manage": role == Role.MANAGER}


@require_GET
def review_card(request: HttpRequest, project_id: int) -> HttpResponse:
    """A run's card: the next most doubtful one, or (going back) a run given by video, start and end."""
    project = get_member_project(request.user, project_id)
    track, history = _track(request, project), _history(request.GET.get("history", ""))
    if "video" not in request.GET:
        return _card(request, project, track, _next_run(project, track), history)
    run = _run(project, track, *(parse_int(request.GET.get(key)) for key in ("video", "start", "end")))
    shown = (run["video_id"], run["start"], run["end"])
    return _card(request, project, track, run, history[:-1] if history and history[-1] == shown else history)


@require_POST
def review_verdict(request: HttpRequest, project_id: int) -> HttpResponse:
    """Right (the run becomes the person's label as it is), or a class for the whole run; then the next run."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    track = _track(request, project)
    run = _run(project, track, *(parse_int(request.POST.get(key)) for key in ("video", "start", "end")))
    history = _history(request.POST.get("history", ""))
    verdict = request.POST.get("verdict", "")
    try:
        if verdict == "right":
            checked = {"video": str(run["video_id"]), "start": str(run["start"]), "end": str(run["end"])}
            rows = imports.accepted_rows(project, [checked], track)
            imports.accept_runs(project=project, rows=imports.check_rows(project, rows), user=request.user)
        else:
            label_class = track.classes.filter(pk=parse_int(verdict) or 0).first()
            if label_class is None:
                raise UserFacingError("That class is not one of this project's.")
            label_range(label_set=get_current_label_set(Video.objects.get(pk=run["video_id"]), track),
                        start=run["start"], end=run["end"], label_class=label_class, user=request.user)
    except UserFacingError as exc:
        return _card(request, project, track, run, history, error=str(exc))
    return _card(request, project, track, _next_run(project, track),
                 history + [(run["video_id"], run["start"], run["end"])])


@require_POST
def mark_reviewed(request: HttpRequest, project_id: int) -> HttpResponse:
    """Mark a video reviewed on a track on the strength of its estimate (its low end reached the target)."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    track = _track(request, project)
    video = Video.objects.filter(pk=parse_int(request.POST.get("video")) or 0, project=project).first()
    if video is None:
        raise Http404("No such video.")
    error = ""
    try:
        audits.mark_reviewed_by_estimate(video=video, user=request.user, track=track)
    except UserFacingError as exc:
        error = str(exc)
    return render(request, "learning/_estimate.html", _estimate_context(request, project, track) | {"error": error})


@require_POST
def audit_start(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.LABELLER)
    track = _track(request, project)
    try:  # the size the page suggested (the stopping rule's), or the suggested audit
        audits.start_audit(project=project, draws=parse_int(request.POST.get("draws", ""), limit=audits.MOST_DRAWS),
                           user=request.user, track=track)
    except UserFacingError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('learning:review', args=[project.pk])}?track={track.pk}")
    return redirect(f"{reverse('learning:audit', args=[project.pk])}?track={track.pk}")


@require_GET
def audit_page(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id)
    track = _track(request, project)
    return _audit_card(request, project, track, audits.pending_audit_frames(project, track).order_by("pk").first(),
                       page=True)


def _audit_card(request: HttpRequest, project, track, sample: TrainingSample | None, *, page: bool = False,
                error: str = "") -> HttpResponse:
    audit = TrainingSample.objects.filter(project=project, source=TrainingSample.Source.AUDIT, audit__track=track)
    earlier = audit.filter(label__isnull=False).order_by("-labelled_at", "-pk")
    if sample is not None and sample.labelled_at:  # going back: the answer before this one
        earlier = earlier.filter(labelled_at__lt=sample.labelled_at)
    return render(request, "learning/audit.html" if page and not request.htmx else "learning/audit.html#audit-card", {
        "project": project, "track": track, "many_tracks": project.tracks.count() > 1, "sample": sample,
        "error": error, "classes": track.classes.all(), "answered": audit.filter(label__isnull=False).count(),
        "total": audit.count(), "previous": earlier.first(),
        "can_label": get_role(request.user, project) != Role.VIEWER,
    })


def _audit_sample(request: HttpRequest, sample_id: int, role: Role = Role.VIEWER) -> TrainingSample:
    sample = get_member_sample(request.user, sample_id, role)
    if sample.source != TrainingSample.Source.AUDIT:
        raise Http404("Not an audit frame.")
    return sample


@require_GET
def audit_card(request: HttpRequest, sample_id: int) -> HttpResponse:
    """An audit frame's card, e.g. the one answered before when the person goes back."""
    sample = _audit_sample(request, sample_id)
    return _audit_card(request, sample.project, sample.audit.track, sample)


@require_POST
def audit_answer(request: HttpRequest, sample_id: int) -> HttpResponse:
    """A blind answer to an audit frame; then the next open one."""
    sample = _audit_sample(request, sample_id, Role.LABELLER)
    project, track = sample.project, sample.audit.track
    label_class = track.classes.filter(pk=parse_int(request.POST.get("class_id")) or 0).first()
    try:
        if label_class is None:
            raise UserFacingError(f"Answer with one of the classes of “{track.name}”.")
        audits.answer_audit_frame(sample=sample, label_class=label_class, user=request.user)
    except UserFacingError as exc:
        return _audit_card(request, project, track, sample, error=str(exc))
    return _audit_card(request, project, track, audits.pending_audit_frames(project, track).order_by("pk").first())
