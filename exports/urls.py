from django.urls import path

from exports import views

app_name = "exports"
urlpatterns = [
    path("projects/<id:project_id>/export/", views.export_page, name="export-page"),
    path("projects/<id:project_id>/export/preview/", views.export_preview, name="export-preview"),
    path("projects/<id:project_id>/export/labels.json", views.export_labels, name="export-labels"),
    path("projects/<id:project_id>/export/dataset/", views.export_start, name="export-start"),
    path("exports/<id:export_id>/download/", views.export_download, name="export-download"),
    path("exports/<id:export_id>/delete/", views.export_delete, name="export-delete"),
    path("jobs/<id:job_id>/export-row/", views.export_row, name="export-row"),
]
