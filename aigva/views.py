from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and compose; also the trivial baseline of bench/labels.py."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and tools ask for /favicon.ico whatever the page links: send them to the icon."""
    return redirect(static("favicon.svg"), permanent=True)
