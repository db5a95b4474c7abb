from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and compose; also the trivial baseline of bench/labels.py."""
    return HttpResponse("ok", content_type="text/plain")
