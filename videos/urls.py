from django.urls import path

from videos import views

app_name = "videos"
urlpatterns = [
    path("projects/<int:project_id>/videos/", views.video_list, name="video-list"),
    path("projects/<int:project_id>/videos/upload/", views.video_upload, name="video-upload"),
    path("videos/<int:video_id>/", views.video_detail, name="video-detail"),
    path("videos/<int:video_id>/row/", views.video_row, name="video-row"),
    path("videos/<int:video_id>/retry/", views.video_retry, name="video-retry"),
    path("videos/<int:video_id>/delete/", views.video_delete, name="video-delete"),
    path("videos/<int:video_id>/frame-times/", views.video_frame_times, name="video-frame-times"),
    path("videos/<int:video_id>/media/", views.video_media, name="video-media"),
    path("videos/<int:video_id>/frames/<int:frame>.jpg", views.video_frame_image, name="video-frame-image"),
]
