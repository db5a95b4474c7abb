from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from aigva.errors import UserFacingError
from labelling.selectors import PLAYER_LABEL_ENDPOINTS, PlayerTrack, get_member_label_set
from projects.models import Role
from projects.selectors import get_member_project, get_role
from reviews import services
from reviews.forms import ShareForm
from reviews.models import ShareLink
from reviews.selectors import (
    get_guest,
    get_project_agreement,
    get_share_link,
    list_review_label_sets,
    list_share_links,
)
from videos.responses import serve_frame_times, serve_media


@require_GET
def review_list(request: HttpRequest, project_id: int) -> HttpResponse:
    """Every video's labels with their review state, share links and reviewer agreement (S-1, Y-3)."""
    project = get_member_project(request.user, project_id)
    label_sets = list(list_review_label_sets(project, reviewed=request.GET.get("reviewed", ""),
                                             source=request.GET.get("source", "")))
    agreement = get_project_agreement(project)
    for label_set in label_sets:
        label_set.agreement = agreement["per_video"].get(label_set.video_id)
    return render(request, "reviews/review_list.html", {
        "project": project, "role": get_role(request.user, project), "label_sets": label_sets,
        "agreement": agreement, "filters": request.GET, "form": ShareForm(),
    })


@require_GET
def share_links(request: HttpRequest, label_set_id: int) -> HttpResponse:
    label_set = get_member_label_set(request.user, label_set_id, Role.LABELLER)
    return _render_links(request, label_set)


def _render_links(request: HttpRequest, label_set, **extra) -> HttpResponse:
    return render(request, "reviews/_share_links.html", {
        "label_set": label_set, "links": list_share_links(label_set), "form": ShareForm(), **extra,
    })


@require_POST
def share_create(request: HttpRequest, label_set_id: int) -> HttpResponse:
    """A new link; its URL is shown (and copied) once, since only a hash of the token is kept."""
    label_set = get_member_label_set(request.user, label_set_id, Role.LABELLER)
    form = ShareForm(request.POST)
    try:
        if not form.is_valid():
            raise UserFacingError("Choose view or review, and an expiry of 1-365 days or none.")
        link, token = services.create_share_link(label_set=label_set, created_by=request.user, **form.cleaned_data)
    except UserFacingError as exc:
        return _render_links(request, label_set, error=str(exc))
    url = request.build_absolute_uri(reverse("reviews:share-page", args=[token]))
    return _render_links(request, label_set, new_url=url, new_link=link)


@require_POST
def share_revoke(request: HttpRequest, link_id: int) -> HttpResponse:
    link = ShareLink.objects.filter(pk=link_id).select_related("label_set").first()
    label_set = get_member_label_set(request.user, link.label_set_id if link else 0, Role.LABELLER)
    services.revoke_share_link(link=link)
    return _render_links(request, label_set)


def _gone(request: HttpRequest, link: ShareLink) -> HttpResponse:
    return render(request, "reviews/share_gone.html", {"why": link.why_gone()}, status=410)


@login_not_required
@require_GET
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    """Only this link's video in the player (S-2); a reviewer gives their name once."""
    link = get_share_link(token)
    if not link.is_usable:
        return _gone(request, link)
    guest = get_guest(request.session, link)
    label_set, video = link.label_set, link.label_set.video
    if link.permission == ShareLink.Permission.REVIEW and guest is None:
        return render(request, "reviews/share_name.html", {"link": link, "video": video, "token": token})
    # A link shares one track's labels: the player shows that track alone.
    track = PlayerTrack(label_set, {key: reverse(f"reviews:share-{name}", args=[token])
                                    for key, name in PLAYER_LABEL_ENDPOINTS.items()})
    urls = {"media": reverse("reviews:share-media", args=[token]),
            "frame_times": reverse("reviews:share-frame-times", args=[token])}
    return render(request, "reviews/share_page.html", {
        "link": link, "video": video, "urls": urls, "guest": guest,
        "tracks": [track], "tracks_json": [track.as_json()],
        "can_edit": guest is not None and link.permission == ShareLink.Permission.REVIEW,
    })


@login_not_required
@require_POST
def share_name(request: HttpRequest, token: str) -> HttpResponse:
    link = get_share_link(token)
    if not link.is_usable:
        return _gone(request, link)
    if get_guest(request.session, link) is not None:  # this browser has joined already (a double submit)
        return redirect("reviews:share-page", token)
    try:
        user = services.join_as_guest(link=link, name=request.POST.get("name", ""))
    except UserFacingError as exc:
        return render(request, "reviews/share_name.html", {"link": link, "video": link.label_set.video,
                                                           "token": token, "error": str(exc)}, status=400)
    request.session[f"share-guest-{link.pk}"] = user.pk
    return redirect("reviews:share-page", token)


@login_not_required
@require_GET
def share_media(request: HttpRequest, token: str) -> HttpResponse:
    link = get_share_link(token)
    return serve_media(request, link.label_set.video) if link.is_usable else _gone(request, link)


@login_not_required
@require_GET
def share_frame_times(request: HttpRequest, token: str) -> HttpResponse:
    link = get_share_link(token)
    return serve_frame_times(link.label_set.video) if link.is_usable else _gone(request, link)
