"""The player's label endpoints (L-2..L-5, Y-1), written once for members and share links (labelling.access)."""

import numpy as np
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from aigva.errors import UserFacingError
from aigva.params import parse_int
from labelling import services
from labelling.access import LabelSetAccess, edits_labels
from labelling.forms import LabelRangeForm, ReviewForm
from labelling.selectors import default_frames, get_frame_history, get_timeline


def _refused(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


@require_GET
def timeline(request: HttpRequest, access: LabelSetAccess) -> JsonResponse:
    return JsonResponse(get_timeline(access.label_set))


@require_GET
def confidences(request: HttpRequest, access: LabelSetAccess) -> HttpResponse:
    """The model's confidence per frame as one byte (0-255), or 204 when no model made the set."""
    # A set's confidences never change, but an old set's URL answers for the set that replaced it:
    # the browser keeps them and asks each time whether the set is still the same one.
    tag = f'"set-{access.label_set.pk}"'
    if request.headers.get("If-None-Match") == tag:
        response = HttpResponse(status=304)
    else:
        values = access.label_set.model_confidences()
        if values is None:
            return HttpResponse(status=204)
        quantised = np.round(np.clip(values.astype(np.float32), 0, 1) * 255).astype(np.uint8)
        response = HttpResponse(quantised.tobytes(), content_type="application/octet-stream")
    response["ETag"] = tag
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def edits(request: HttpRequest, access: LabelSetAccess) -> HttpResponse:
    """The latest edits of the set, newest first (HTMX partial beside the player)."""
    recent = access.label_set.edits.select_related("author", "label_class")[:15]
    return render(request, "labelling/_edit_log.html", {"edits": recent})


@require_POST
@edits_labels
def label_range(request: HttpRequest, access: LabelSetAccess) -> JsonResponse:
    """Set a frame range to a class (L-4); answers with the new timeline."""
    label_set = access.label_set
    form = LabelRangeForm(request.POST)
    if not form.is_valid():
        return _refused("Give a start frame, an end frame and a class.")
    label_class = label_set.video.project.classes.filter(pk=form.cleaned_data["class_id"]).first()
    if label_class is None:
        return _refused("That class is not one of this project's classes.")
    try:
        edit = services.label_range(label_set=label_set, start=form.cleaned_data["start"],
                                    end=form.cleaned_data["end"], label_class=label_class, user=access.user)
    except UserFacingError as exc:
        return _refused(str(exc))
    return JsonResponse({**get_timeline(edit.label_set), "edit": edit.pk})


@require_POST
@edits_labels
def undo(request: HttpRequest, access: LabelSetAccess) -> JsonResponse:
    label_set = access.label_set
    try:
        edit = services.undo_last_edit(label_set=label_set, user=access.user)
    except UserFacingError as exc:
        return _refused(str(exc))
    return JsonResponse({**get_timeline(edit.label_set), "undone": edit.pk})


@require_POST
@edits_labels
def review(request: HttpRequest, access: LabelSetAccess) -> JsonResponse:
    """Mark reviewed or not (L-5). Frames nobody labelled or predicted would become a person's labels: asked
    first, with how many."""
    form = ReviewForm(request.POST)
    form.is_valid()
    wanted = form.cleaned_data["reviewed"]
    if wanted and not access.label_set.reviewed and not form.cleaned_data["confirmed"]:
        question = _untouched_frames_question(access.label_set)
        if question:
            return JsonResponse({"reviewed": False, "confirm": question})
    label_set = services.set_reviewed(label_set=access.label_set, reviewed=wanted, user=access.user)
    return JsonResponse({
        "reviewed": label_set.reviewed,
        "reviewed_by": label_set.reviewed_by.username if label_set.reviewed_by else None,
        "reviewed_at": label_set.reviewed_at.isoformat() if label_set.reviewed_at else None,
    })


def _untouched_frames_question(label_set) -> str:
    count, class_ids = default_frames(label_set)
    if not count:
        return ""
    names = " / ".join(f"“{name}”" for name in label_set.video.project.classes.filter(pk__in=class_ids)
                       .values_list("name", flat=True))
    which = f"{count:,} of {label_set.frame_count:,} frames still have" if count < label_set.frame_count \
        else "Every frame still has"
    return (f"{which} the default class {names}: nobody labelled or predicted them. Reviewed, they count as a "
            f"person's {names} labels in training, and predictions leave this video alone. Mark it reviewed anyway?")


@require_GET
def history(request: HttpRequest, access: LabelSetAccess) -> JsonResponse:
    """Who or what set a frame's label, and when (Y-1): ?frame=N."""
    frame = parse_int(request.GET.get("frame"))
    if frame is None:
        return _refused("Give the frame as ?frame=N.")
    entries = get_frame_history(access.label_set, frame)
    if request.htmx:
        return render(request, "labelling/_frame_history.html", {"frame": frame, "history": entries})
    return JsonResponse({"frame": frame, "history": entries})




# URL name -> handler, for the members' URLs (labelling:) and the share links' (reviews:share-). Labels
# are never served from a cache (Back would show labels from before the last edit).
HANDLERS = {
    "timeline": never_cache(timeline), "confidences": confidences, "label-range": never_cache(label_range),
    "undo": never_cache(undo), "review": never_cache(review), "history": never_cache(history),
    "edits": never_cache(edits),
}
