"""One router per area; each endpoint parses, calls the pages' service or selector, and returns it."""

from ninja.responses import codes_4xx

from api.schemas import Error

# Every endpoint may answer these with {"detail": ...}: refused (400), no token (401), role (403), id (404),
# malformed input (422).
ERRORS = {codes_4xx: Error}
