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
]
