from django.urls import path

from videos import views

app_name = "videos"
urlpatterns = [
    path("projects/<id:project_id>/videos/", views.video_list, name="video-list"),
    path("projects/<id:project_id>/videos/upload/", views.video_upload, name="video-upload"),
    path("videos/<id:video_id>/row/", views.video_row, name="video-row"),
    path("videos/<id:video_id>/retry/", views.video_retry, name="video-retry"),
    path("videos/<id:video_id>/keep/", views.video_keep, name="video-keep"),
    path("videos/<id:video_id>/delete/", views.video_delete, name="video-delete"),
    path("videos/<id:video_id>/frame-times/", views.video_frame_times, name="video-frame-times"),
    path("videos/<id:video_id>/media/", views.video_media, name="video-media"),
    path("videos/<id:video_id>/frames/<id:frame>.jpg", views.video_frame_image, name="video-frame-image"),
]
