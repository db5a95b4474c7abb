from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("settings/", views.preferences, name="preferences"),
    path("projects/new/", views.project_create, name="project-create"),
    path("projects/<id:project_id>/edit/", views.project_edit, name="project-edit"),
    path("projects/<id:project_id>/tracks/", views.track_add, name="track-add"),
    path("projects/<id:project_id>/tracks/<id:track_id>/", views.track_update, name="track-update"),
    path("projects/<id:project_id>/classes/", views.class_add, name="class-add"),
    path("projects/<id:project_id>/classes/<id:class_id>/", views.class_update, name="class-update"),
    path("projects/<id:project_id>/classes/<id:class_id>/delete/", views.class_delete, name="class-delete"),
    path("projects/<id:project_id>/members/", views.member_add, name="member-add"),
    path(
        "projects/<id:project_id>/members/<id:membership_id>/remove/",
        views.member_remove, name="member-remove",
    ),
    path("jobs/<id:job_id>/progress/", views.job_progress, name="job-progress"),
    path("jobs/<id:job_id>/cancel/", views.job_cancel, name="job-cancel"),
]
