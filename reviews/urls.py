from django.urls import path

from labelling.handlers import HANDLERS
from reviews import views
from reviews.access import for_share_links

app_name = "reviews"
urlpatterns = [
    path("projects/<id:project_id>/reviews/", views.review_list, name="review-list"),
    path("label-sets/<id:label_set_id>/links/", views.share_links, name="share-links"),
    path("label-sets/<id:label_set_id>/share/", views.share_create, name="share-create"),
    path("links/<id:link_id>/revoke/", views.share_revoke, name="share-revoke"),
    path("s/<str:token>/", views.share_page, name="share-page"),
    path("s/<str:token>/name/", views.share_name, name="share-name"),
    path("s/<str:token>/media/", views.share_media, name="share-media"),
    path("s/<str:token>/frame-times/", views.share_frame_times, name="share-frame-times"),
    *(path(f"s/<str:token>/{name}/", for_share_links(handler), name=f"share-{name}")
      for name, handler in HANDLERS.items()),
]
