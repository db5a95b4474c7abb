import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from aigva.errors import UserFacingError
from aigva.tokens import hash_token
from labelling.models import LabelSet
from labelling.services import fork_label_set
from reviews.models import ShareGuest, ShareLink


@transaction.atomic
def create_share_link(
    *, label_set: LabelSet, permission: str, expires_in_days: int | None = None, independent: bool = False,
    created_by: AbstractBaseUser | None,
) -> tuple[ShareLink, str]:
    """A new link to the set (or to a copy of it, for an independent reviewer) and its token, shown once."""
    if permission not in ShareLink.Permission.values:
        raise UserFacingError("A link lets people view, or review and label.")
    if expires_in_days is not None and not 1 <= expires_in_days <= 365:
        raise UserFacingError("A link expires after 1-365 days, or never.")
    if independent and permission != ShareLink.Permission.REVIEW:
        raise UserFacingError("Only a review link labels a copy of its own.")
    target = fork_label_set(label_set=label_set, created_by=created_by) if independent else label_set
    token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    link = ShareLink.objects.create(label_set=target, token_hash=hash_token(token), permission=permission,
                                    independent=independent, expires_at=expires_at, created_by=created_by)
    return link, token


def revoke_share_link(*, link: ShareLink) -> ShareLink:
    """The link stops working at once; its reviewers' edits stay."""
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    link.refresh_from_db()
    return link


def clean_guest_name(name: str) -> str:
    name = " ".join(name.split())
    if not 1 <= len(name) <= 60 or any(not ch.isprintable() for ch in name):
        raise UserFacingError("Give your name (1-60 characters) so your labels carry it.")
    return name


GUESTS_PER_LINK_PER_HOUR = 20


def _unused_name(link: ShareLink, name: str) -> str:
    taken = {n.casefold() for n in ShareGuest.objects.filter(link=link).values_list("name", flat=True)}
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{name[:53]} ({number})"
    return candidate


@transaction.atomic
def join_as_guest(*, link: ShareLink, name: str) -> AbstractBaseUser:
    """A new account, which cannot log in, for one visitor of a review link. The visitor's browser keeps it
    (their session); a name is never a way in, so a second "Ada" becomes "Ada (2)", not Ada."""
    if link.permission != ShareLink.Permission.REVIEW:
        raise UserFacingError("This link is for watching only; nobody labels through it.")
    ShareLink.objects.select_for_update().filter(pk=link.pk).first()  # one join of this link at a time
    recent = ShareGuest.objects.filter(link=link, user__date_joined__gte=timezone.now() - timedelta(hours=1))
    if recent.count() >= GUESTS_PER_LINK_PER_HOUR:
        raise UserFacingError("Too many people joined through this link in the last hour; try again later, or ask "
                              "for a link of your own.")
    name = _unused_name(link, clean_guest_name(name))
    # Spaces and brackets never pass the username validator, so no real account can be impersonated.
    user = get_user_model()(username=f"{name} (link {link.pk})", is_active=False)
    user.set_unusable_password()
    user.save()
    ShareGuest.objects.create(link=link, name=name, user=user)
    return user
