"""The player's label endpoints reached through a share link (S-2): labelling.access for links."""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse

from labelling.access import Handler, LabelSetAccess, needs_editing
from labelling.selectors import follow_replacement
from reviews.models import ShareLink
from reviews.selectors import get_guest, get_share_link


def for_share_links(handler: Handler):
    """The handler as a view of a link token: 404 for unknown tokens, 410 once expired or revoked;
    editing needs a review link and the visitor's name."""

    @login_not_required
    @wraps(handler)
    def view(request: HttpRequest, token: str) -> HttpResponse:
        link = get_share_link(token)
        if not link.is_usable:
            return JsonResponse({"error": link.why_gone()}, status=410)  # the player says it
        user = get_guest(request.session, link)
        if needs_editing(handler) and (link.permission != ShareLink.Permission.REVIEW or user is None):
            raise PermissionDenied("This link does not allow labelling.")
        return handler(request, LabelSetAccess(follow_replacement(link.label_set), user))

    return view
