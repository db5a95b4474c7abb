import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from aigva.errors import UserFacingError
from aigva.tokens import hash_token
from api.models import ApiToken

MAX_TOKENS = 50  # per person: more than any pipeline needs, few enough that a leaked session cannot mint many
MAX_EXPIRY_DAYS = 3650


def create_token(*, user: AbstractBaseUser, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for the user and its text, which is shown once and never stored."""
    name = " ".join(name.split())[:60]
    if not name:
        raise UserFacingError("Give the token a name, e.g. the machine or script that will use it.")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise UserFacingError(f"A token expires after 1 to {MAX_EXPIRY_DAYS} days, or never.")
    if user.api_tokens.filter(revoked_at__isnull=True).count() >= MAX_TOKENS:
        raise UserFacingError(f"You have {MAX_TOKENS} tokens; revoke one you no longer use first.")
    text = "aigva_" + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken.objects.create(user=user, name=name, token_hash=hash_token(text), prefix=text[:12],
                                    expires_at=expires_at)
    return token, text


def revoke_token(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
