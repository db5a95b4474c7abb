from django.urls import path

from labelling import views

app_name = "labelling"
urlpatterns = [
    path("label-sets/<int:label_set_id>/timeline/", views.timeline, name="timeline"),
    path("label-sets/<int:label_set_id>/range/", views.label_range, name="label-range"),
    path("label-sets/<int:label_set_id>/undo/", views.undo, name="undo"),
    path("label-sets/<int:label_set_id>/review/", views.review, name="review"),
    path("label-sets/<int:label_set_id>/history/", views.history, name="history"),
    path("label-sets/<int:label_set_id>/confidences/", views.confidences, name="confidences"),
    path("label-sets/<int:label_set_id>/edits/", views.edits, name="edits"),
    path("projects/<int:project_id>/samples/", views.sample_list, name="sample-list"),
    path("projects/<int:project_id>/samples/start/", views.sample_start, name="sample-start"),
    path("projects/<int:project_id>/samples/label/", views.sample_label_page, name="sample-label-page"),
    path("samples/<int:sample_id>/label/", views.sample_label, name="sample-label"),
    path("samples/<int:sample_id>/card/", views.sample_card, name="sample-card"),
    path("samples/<int:sample_id>/image/", views.sample_image, name="sample-image"),
    path("projects/<int:project_id>/collect/preview/", views.collect_preview, name="collect-preview"),
    path("projects/<int:project_id>/collect/", views.collect, name="collect"),
    path("projects/<int:project_id>/uncertain/", views.uncertain_start, name="uncertain-start"),
    path("projects/<int:project_id>/apply-label/", views.apply_label, name="apply-label"),
]
