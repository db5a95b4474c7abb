"""The HTTP API for pipelines (Y-5), /api/v1/: the pages' services and selectors behind JSON, with a personal
token or the browser's session. Errors are {"detail": "..."} with the status a client can act on."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from aigva.errors import UserFacingError
from api.auth import SessionAuth, TokenAuth
from api.endpoints import audit, exports, jobs, labels, models, projects, review, videos

log = logging.getLogger(__name__)
api = NinjaAPI(
    title="AIGVA API", version="1", urls_namespace="api", auth=[TokenAuth(), SessionAuth()],
    description="Projects, videos, jobs, labels, models and exports of AIGVA. Send a personal token (made on "
                "your Settings page) as `Authorization: Bearer <token>`; from a logged-in browser the session "
                "works too, with the CSRF token on writes. Ids of projects you are not a member of answer 404.",
)


@api.exception_handler(UserFacingError)
def refused(request: HttpRequest, exc: UserFacingError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE, in JSON like every other refusal (not the site's HTML page)."""
    most = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2**20
    return api.create_response(request, {"detail": f"The request body is over {most} MB; send fewer rows at a "
                                                   "time."}, status=413)


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback, and told in JSON like every other answer (never the site's page)."""
    log.error("API %s %s failed", request.method, request.path, exc_info=exc)
    return api.create_response(request, {"detail": "Something went wrong that AIGVA did not expect; it was logged. "
                                                   "Retry; if it fails again, report it."}, status=500)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Your role does not allow this."}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": "Send a valid API token as `Authorization: Bearer <token>` "
                                                       "(make one on your Settings page); it may have expired or "
                                                       "been revoked."}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if refusal := getattr(request, "upload_refused", None):  # its body was never read, so no file came
        return api.create_response(request, {"detail": str(refusal)}, status=refusal.status)
    problems = "; ".join(f"{'.'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg', '')}"
                         for error in exc.errors[:10])
    return api.create_response(request, {"detail": f"Invalid request: {problems}."}, status=422)


for module in (projects, videos, jobs, labels, models, review, audit, exports):
    api.add_router("/", module.router)
