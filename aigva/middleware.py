"""Pages show live state (jobs, tokens, labels): the browser must not keep them, so Back after a form post or
a job shows the page as it is now, not as it was (issue 29)."""

from django.utils.cache import add_never_cache_headers


def pages_never_cached(get_response):
    def middleware(request):
        response = get_response(request)
        if response.get("Content-Type", "").startswith("text/html") and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)  # no-store among them
        return response

    return middleware
