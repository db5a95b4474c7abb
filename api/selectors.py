from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from aigva.tokens import hash_token
from api.models import ApiToken

LAST_USED_STEP = timedelta(minutes=1)  # last_used_at is written at most this often per token


def list_user_tokens(user: AbstractBaseUser) -> QuerySet[ApiToken]:
    return user.api_tokens.all()


def get_user_token(user: AbstractBaseUser, token_id: int) -> ApiToken:
    token = user.api_tokens.filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    return token


def user_of_token(text: str) -> AbstractBaseUser | None:
    """The active user a usable token belongs to, noting when it was used; None for any other text."""
    now = timezone.now()
    token = (ApiToken.objects.filter(token_hash=hash_token(text), revoked_at__isnull=True, user__is_active=True)
             .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)).select_related("user").first())
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_STEP:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
