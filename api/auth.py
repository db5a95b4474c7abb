"""Who an API request comes from: a personal token (no CSRF: a browser never sends it by itself), or the
browser's session, which needs the CSRF token on writes as the pages do."""

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from api.selectors import user_of_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        user = user_of_token(token)
        if user is not None:
            request.user = user  # the services and selectors read request.user, as for the pages
        return user


class SessionAuth(NinjaSessionAuth):
    """The logged-in browser session; a share-link guest (an inactive account) is not let in."""

    def authenticate(self, request: HttpRequest, key: str | None) -> AbstractBaseUser | None:
        user = request.user
        return user if user.is_authenticated and user.is_active else None
