"""Who is logging in from where, for django-axes' throttle (issue 32): settings.py configures it."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: behind our proxy, the one it appended to X-Forwarded-For (entries before it are
    whatever the client sent); otherwise the socket's."""
    if settings.AIGVA_BEHIND_HTTPS_PROXY and (forwarded := request.META.get("HTTP_X_FORWARDED_FOR", "")):
        return forwarded.rsplit(",", 1)[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
