"""The response that hands an export's ZIP to a caller already checked for access (the pages, the API)."""

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect

from exports.models import Export
from exports.selectors import safe_name


def serve_export(export: Export) -> HttpResponse:
    """The ZIP itself, or on S3 a redirect to it; the caller has checked the role."""
    if settings.AWS_STORAGE_BUCKET_NAME:
        return HttpResponseRedirect(export.file.url)  # a presigned URL, issued after the check above
    name = f"{safe_name(export.job.project.name)}-dataset-{export.pk}.zip"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name, content_type="application/zip")
