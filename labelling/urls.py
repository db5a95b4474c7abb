from django.urls import path

from labelling import views
from labelling.access import for_members
from labelling.handlers import HANDLERS

app_name = "labelling"
urlpatterns = [
    path("label-sets/<id:label_set_id>/range/", for_members(HANDLERS["label-range"]), name="label-range"),
    *(path(f"label-sets/<id:label_set_id>/{name}/", for_members(handler), name=name)
      for name, handler in HANDLERS.items() if name != "label-range"),
    path("videos/<id:video_id>/", views.video_detail, name="video-detail"),
]
