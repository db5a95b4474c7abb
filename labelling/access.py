"""Who may read or edit a label set through the player's endpoints: a project member by role, or
a share link (S-2). Each endpoint is written once, as a handler of (request, LabelSetAccess)."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse

from labelling.models import LabelSet
from labelling.selectors import follow_replacement, get_member_label_set
from projects.models import Role


@dataclass(frozen=True)
class LabelSetAccess:
    label_set: LabelSet
    user: AbstractBaseUser | None  # who edits are authored by; None where editing is not allowed


Handler = Callable[[HttpRequest, LabelSetAccess], HttpResponse]


def edits_labels(handler: Handler) -> Handler:
    """Marks a handler that changes labels: members need the labeller role, links the review permission."""
    handler.edits_labels = True
    return handler


def needs_editing(handler: Handler) -> bool:
    return getattr(handler, "edits_labels", False)


def for_members(handler: Handler):
    """The handler as a view of label_set_id for logged-in project members."""

    @wraps(handler)
    def view(request: HttpRequest, label_set_id: int) -> HttpResponse:
        role = Role.LABELLER if needs_editing(handler) else Role.VIEWER
        label_set = follow_replacement(get_member_label_set(request.user, label_set_id, role))
        return handler(request, LabelSetAccess(label_set, request.user))

    return view
