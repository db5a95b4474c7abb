from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Router, Status

from api.endpoints import ERRORS
from api.schemas import ExportIn, ExportOut, Id
from exports import services
from exports.jobs import EXPORT
from exports.models import Export
from exports.responses import serve_export
from exports.selectors import ExportOptions
from projects.models import Job, Role
from projects.selectors import get_member_job, get_member_project, get_track

router = Router(tags=["exports"])


@router.post("/projects/{project_id}/exports", response={202: ExportOut, **ERRORS})
def start_export(request: HttpRequest, project_id: Id, body: ExportIn):
    """Write the labelled frames as an ImageNet-style ZIP (class folders, optional train/ and val/) in the
    background; poll GET /exports/{job_id} until it has a download_url. The JSON labels need no job: GET
    /projects/{project_id}/labels (labellers)."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    options = ExportOptions(video_ids=tuple(body.video_ids or ()), reviewed_only=body.reviewed_only,
                            frame_skip=body.frame_skip or project.default_frame_skip, quality=body.quality,
                            split=body.split, track=get_track(project, body.track).pk)
    job = services.start_dataset_export(project=project, options=options, started_by=request.user)
    return Status(202, _export_out(job))


@router.get("/exports/{job_id}", response={200: ExportOut, **ERRORS})
def get_export(request: HttpRequest, job_id: Id):
    """An export job and, once it succeeded, where to download its ZIP."""
    return _export_out(_export_job(request, job_id))


@router.get("/exports/{job_id}/download", response={200: bytes, 302: None, **ERRORS},
            openapi_extra={"responses": {200: {"content": {"application/zip": {}}}}})
def download_export(request: HttpRequest, job_id: Id):
    """The dataset ZIP (on S3 storage: a redirect to a short-lived link to it)."""
    export = Export.objects.filter(job=_export_job(request, job_id)).first()
    if export is None:
        raise Http404("The export has no ZIP yet: poll GET /exports/{job_id} until it has a download_url.")
    return serve_export(export)


def _export_job(request: HttpRequest, job_id: int) -> Job:
    job = get_member_job(request.user, job_id, Role.LABELLER)
    if job.kind != EXPORT:
        raise Http404("No such export.")
    return job


def _export_out(job: Job) -> dict:
    export = Export.objects.filter(job=job).first()
    return {"job": job, "download_url": reverse("api:download_export", args=[job.pk]) if export else None,
            "size": export.size if export else None, "images": export.images if export else None}
