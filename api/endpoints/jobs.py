from enum import StrEnum

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from api.endpoints import ERRORS
from api.pagination import Page
from api.schemas import Id, JobOut
from projects import job_kinds
from projects.jobs import request_cancel
from projects.models import JobStatus, Role
from projects.selectors import get_member_job, get_member_project

router = Router(tags=["jobs"])


# The kinds the apps registered (projects.job_kinds), so the schema lists them and refuses others.
JobKind = StrEnum("JobKind", {kind.upper(): kind for kind in job_kinds.kinds()})


class JobFilter(Schema):
    kind: JobKind | None = None
    status: JobStatus | None = None


@router.get("/projects/{project_id}/jobs", response=list[JobOut])
@paginate(Page)
def list_jobs(request: HttpRequest, project_id: Id, filters: Query[JobFilter]):
    """The project's jobs, newest first; ?kind= and ?status= narrow them."""
    jobs = get_member_project(request.user, project_id).jobs.order_by("-created_at", "-pk")
    if filters.kind:
        jobs = jobs.filter(kind=filters.kind)
    if filters.status:
        jobs = jobs.filter(status=filters.status)
    return jobs


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS})
def get_job(request: HttpRequest, job_id: Id):
    """One job: poll it until its status is succeeded, failed or cancelled; `metrics` says what it made."""
    return get_member_job(request.user, job_id)


@router.post("/jobs/{job_id}/cancel", response={200: JobOut, **ERRORS})
def cancel_job(request: HttpRequest, job_id: Id):
    """Cancel a queued job at once, or ask a running one to stop at its next chunk (labellers)."""
    job = get_member_job(request.user, job_id, Role.LABELLER)
    request_cancel(job)
    job.refresh_from_db()
    return job
