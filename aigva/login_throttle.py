"""Who is logging in from where, for django-axes' throttle (issue 32): settings.py configures it."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: behind AIGVA_TRUSTED_PROXIES proxies, the entry of X-Forwarded-For the farthest of
    them appended (entries before it are whatever the client sent); otherwise the socket's."""
    proxies = settings.AIGVA_TRUSTED_PROXIES
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
