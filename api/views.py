"""API tokens on one's Settings page: made (shown once), listed and revoked."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from aigva.errors import UserFacingError
from api import services
from api.forms import TokenForm
from api.selectors import get_user_token, list_user_tokens


def _render_tokens(request: HttpRequest, **extra) -> HttpResponse:
    return render(request, "api/_api_tokens.html", {
        "tokens": list_user_tokens(request.user), "form": TokenForm(),
        "api_root": request.build_absolute_uri(reverse("api:api-root")), **extra,
    })


@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    return _render_tokens(request)


@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """A new token; its text is shown (and copied) once, since only a hash of it is kept."""
    form = TokenForm(request.POST)
    try:
        if not form.is_valid():
            raise UserFacingError("Give the token a name, and an expiry of 1-3650 days or none.")
        token, text = services.create_token(user=request.user, **form.cleaned_data)
    except UserFacingError as exc:
        return _render_tokens(request, error=str(exc))
    return _render_tokens(request, new_token=token, new_text=text)


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    services.revoke_token(token=get_user_token(request.user, token_id))
    return _render_tokens(request)
