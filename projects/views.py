from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from aigva.errors import UserFacingError
from aigva.params import parse_int
from projects import services
from projects.forms import (
    ClassAddForm,
    ClassDeleteForm,
    ClassForm,
    MemberForm,
    PreferenceForm,
    ProjectCreateForm,
    ProjectEditForm,
    TrackAddForm,
    TrackForm,
)
from projects.jobs import request_cancel
from projects.models import Preference, Role
from projects.selectors import get_member_job, get_member_project, list_user_projects


def dashboard(request: HttpRequest) -> HttpResponse:
    """The current project's counts, class distribution and recent jobs, and every project (P-1)."""
    projects = list_user_projects(request.user)
    if (chosen := parse_int(request.GET.get("project"))) is not None:
        request.session["current_project"] = get_member_project(request.user, chosen).pk
        return redirect("projects:dashboard")
    current = projects.filter(pk=request.session.get("current_project")).first() or projects.first()
    context = {"projects": projects, "project": current}
    if current:
        context |= {"models": current.models.count(),
                    "jobs": current.jobs.select_related("video")[:8]}
    return render(request, "projects/project_list.html", context)


def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.create_project(
                name=data["name"], description=data["description"], created_by=request.user,
                class_names=services.parse_class_names(data["classes"]),
                tracks=services.parse_tracks(data["tracks"]), default_class_name=data["default_class"] or None,
            )
        except UserFacingError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("videos:video-list", project.pk)
    return render(request, "projects/project_create.html", {"form": form})


def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.MANAGER)
    form = ProjectEditForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(project=project, **form.cleaned_data)
        except UserFacingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Project saved.")
            return redirect("projects:project-edit", project.pk)
    project.refresh_from_db()
    return render(request, "projects/project_edit.html", _edit_context(project, form=form))


def _edit_context(project, **extra) -> dict:
    return {
        "project": project,
        "tracks": [(track, TrackForm(track=track)) for track in project.tracks.prefetch_related("classes")],
        "track_add_form": TrackAddForm(),
        "classes": [(c, ClassForm(initial={"name": c.name, "colour": c.colour, "shortcut": c.shortcut},
                                  form_id=f"class-{c.pk}")) for c in project.classes.select_related("track")],
        "memberships": project.memberships.select_related("user").order_by("user__username"),
        "form": ProjectEditForm(instance=project),
        "class_form": ClassAddForm(project=project, initial={"colour": services.suggest_class_style(project)[0]}),
        "member_form": MemberForm(),
        **extra,
    }


@require_POST
def class_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.MANAGER)
    form = ClassAddForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.add_class(project=project, name=form.cleaned_data["name"], track=form.cleaned_data["track"],
                               colour=form.cleaned_data["colour"], shortcut=form.cleaned_data["shortcut"] or None)
        except UserFacingError as exc:
            form.add_error(None, str(exc))
    if form.errors:
        return render(request, "projects/project_edit.html", _edit_context(project, class_form=form), status=400)
    return redirect("projects:project-edit", project.pk)


@require_POST
def track_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.MANAGER)
    form = TrackAddForm(request.POST)
    try:
        if not form.is_valid():
            raise UserFacingError("Give the track a name and its classes, e.g. “weather” and “sunny, rain”.")
        track = services.add_track(project=project, name=form.cleaned_data["name"],
                                   class_names=services.parse_class_names(form.cleaned_data["classes"]))
    except UserFacingError as exc:
        form.add_error(None, str(exc))
        return render(request, "projects/project_edit.html", _edit_context(project, track_add_form=form), status=400)
    messages.success(request, f"Track “{track.name}” added: every video's frames start as “{track.default_class}”.")
    return redirect("projects:project-edit", project.pk)


@require_POST
def track_update(request: HttpRequest, project_id: int, track_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.MANAGER)
    track = get_object_or_404(project.tracks, pk=track_id)
    return _save_row(request, project, TrackForm(request.POST, track=track), "Track",
                     "Give the track a name of at most 60 characters and one of its classes.",
                     lambda **fields: services.update_track(track=track, **fields))


@require_POST
def class_update(request: HttpRequest, project_id: int, class_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.MANAGER)
    label_class = get_object_or_404(project.classes, pk=class_id)
    return _save_row(request, project, ClassForm(request.POST), "Class",
                     "Give the class a name of at most 60 characters.",
                     lambda **fields: services.update_class(label_class=label_class, **fields))


def _save_row(request: HttpRequest, project, form, what: str, invalid: str, save) -> HttpResponse:
    """A settings table row's Save: what the service saved, or why not, in a message on the settings page."""
    try:
        if not form.is_valid():
            raise UserFacingError(invalid)
        saved = save(**form.cleaned_data)
    except UserFacingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{what} “{saved.name}” saved.")
    return redirect("projects:project-edit", project.pk)


def class_delete(request: HttpRequest, project_id: int, class_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.MANAGER)
    label_class = get_object_or_404(project.classes, pk=class_id)
    form = ClassDeleteForm(request.POST or None, label_class=label_class)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_class(label_class=label_class, map_to=form.cleaned_data["map_to"])
        except UserFacingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Class “{label_class.name}” deleted.")
            return redirect("projects:project-edit", project.pk)
    return render(request, "projects/class_delete.html", {"project": project, "label_class": label_class, "form": form})


@require_POST
def member_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.MANAGER)
    form = MemberForm(request.POST)
    if form.is_valid():
        services.set_membership(project=project, user=form.cleaned_data["username"], role=form.cleaned_data["role"])
        messages.success(request, f"{form.cleaned_data['username']} is now a {form.cleaned_data['role']}.")
    else:
        messages.error(request, " ".join(form.errors.get("username", ["Check the form."])))
    return redirect("projects:project-edit", project.pk)


@require_POST
def member_remove(request: HttpRequest, project_id: int, membership_id: int) -> HttpResponse:
    project = get_member_project(request.user, project_id, Role.MANAGER)
    membership = get_object_or_404(project.memberships, pk=membership_id)
    try:
        services.remove_membership(membership=membership)
    except UserFacingError as exc:
        messages.error(request, str(exc))
    return redirect("projects:project-edit", project.pk)


def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_member_job(request.user, job_id)
    response = render(request, "projects/_job_progress.html", {"job": job})
    if not job.is_active:  # the last poll: pages showing what the job made can refresh
        trigger_client_event(response, "job-finished", {"job": job.pk, "status": job.status})
    return response


@require_POST
def job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_member_job(request.user, job_id, Role.LABELLER)
    request_cancel(job)
    job.refresh_from_db()
    return render(request, "projects/_job_progress.html", {"job": job})


def preferences(request: HttpRequest) -> HttpResponse:
    """One's own settings: the theme (P-3). Projects' defaults are on their settings pages."""
    preference = Preference.objects.filter(user=request.user).first() or Preference(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.set_theme(user=request.user, theme=form.cleaned_data["theme"])
        messages.success(request, "Settings saved.")
        return redirect("projects:preferences")
    return render(request, "projects/preferences.html", {"form": form})
