from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from aigva.errors import UserFacingError
from exports import services
from exports.forms import ExportForm
from exports.jobs import EXPORT
from exports.label_forms import LABEL_FORMS
from exports.models import Export
from exports.responses import serve_export
from exports.selectors import (
    OPTIONS_ERROR,
    get_member_export,
    list_export_jobs,
    list_export_label_sets,
    plan_dataset,
    preview_dataset,
    safe_name,
)
from projects.models import Role
from projects.selectors import get_member_job, get_member_project, get_role


@require_GET
def export_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """Choose videos and options, preview the dataset, download labels or start a ZIP export (E-1, E-2)."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    return render(request, "exports/export_page.html", {
        "project": project, "role": get_role(request.user, project), "form": ExportForm(project=project),
        "jobs": list_export_jobs(project),
    })


@require_GET
def export_preview(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.LABELLER)
    form = ExportForm(request.GET, project=project)
    context = {"project": project}
    try:
        if not form.is_valid():
            raise UserFacingError(OPTIONS_ERROR)
        context["preview"] = preview_dataset(project, plan_dataset(project, form.options()))
    except UserFacingError as exc:
        context["error"] = str(exc)
    return render(request, "exports/export_page.html#preview", context)


@require_GET
def export_labels(request: HttpRequest, project_id: int) -> HttpResponse:
    """The labels as one streamed document: every frame as JSON (the default), ?form=segments, csv or
    activitynet."""
    project = get_member_project(request.user, project_id, Role.LABELLER)
    form = ExportForm(request.GET, project=project)
    if not form.is_valid():
        return HttpResponse("Choose videos of this project.", status=400, content_type="text/plain")
    label_form = LABEL_FORMS.get(request.GET.get("form", ""), LABEL_FORMS["frames"])
    label_sets = list_export_label_sets(project, video_ids=[v.pk for v in form.cleaned_data["videos"]],
                                        reviewed_only=form.cleaned_data["reviewed_only"])
    response = StreamingHttpResponse(label_form.stream(project, label_sets), content_type=label_form.content_type)
    response["Content-Disposition"] = f'attachment; filename="{safe_name(project.name)}-{label_form.suffix}"'
    return response


@require_POST
def export_start(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.LABELLER)
    form = ExportForm(request.POST, project=project)
    try:
        if not form.is_valid():
            raise UserFacingError(OPTIONS_ERROR)
        services.start_dataset_export(project=project, options=form.options(), started_by=request.user)
    except UserFacingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Exporting the dataset; the download appears below when it is done.")
    page = reverse("exports:export-page", args=[project.pk])
    return HttpResponseClientRedirect(page) if request.htmx else redirect(page)


@require_GET
def export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    return serve_export(get_member_export(request.user, export_id))


@require_POST
def export_delete(request: HttpRequest, export_id: int) -> HttpResponse:
    export = get_member_export(request.user, export_id)
    project = export.job.project
    services.delete_export(export=export)
    messages.success(request, "Deleted the export.")
    return redirect("exports:export-page", project.pk)


@require_GET
def export_row(request: HttpRequest, job_id: int) -> HttpResponse:
    """One export's table row; polled while the job runs, then it shows the download."""
    job = get_member_job(request.user, job_id, Role.LABELLER)
    if job.kind != EXPORT:
        raise Http404("Not an export job.")
    job.dataset = Export.objects.filter(job=job).first()
    return render(request, "exports/export_page.html#export-row", {"job": job, "project": job.project})
