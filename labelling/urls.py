from django.urls import path

from labelling import views
from labelling.access import for_members
from labelling.label_set_views import HANDLERS

app_name = "labelling"
urlpatterns = [
    path("label-sets/<id:label_set_id>/range/", for_members(HANDLERS["label-range"]), name="label-range"),
    *(path(f"label-sets/<id:label_set_id>/{name}/", for_members(handler), name=name)
      for name, handler in HANDLERS.items() if name != "label-range"),
    path("projects/<id:project_id>/samples/", views.sample_list, name="sample-list"),
    path("projects/<id:project_id>/samples/start/", views.sample_start, name="sample-start"),
    path("projects/<id:project_id>/samples/label/", views.sample_label_page, name="sample-label-page"),
    path("projects/<id:project_id>/samples/answers/", views.sample_review, name="sample-review"),
    path("projects/<id:project_id>/samples/reopen-skipped/", views.reopen_skipped, name="reopen-skipped"),
    path("samples/<id:sample_id>/label/", views.sample_label, name="sample-label"),
    path("samples/<id:sample_id>/card/", views.sample_card, name="sample-card"),
    path("samples/<id:sample_id>/image/", views.sample_image, name="sample-image"),
    path("projects/<id:project_id>/collect/preview/", views.collect_preview, name="collect-preview"),
    path("projects/<id:project_id>/collect/", views.collect, name="collect"),
    path("projects/<id:project_id>/uncertain/", views.uncertain_start, name="uncertain-start"),
    path("projects/<id:project_id>/apply-label/", views.apply_label, name="apply-label"),
]
