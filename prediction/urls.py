from django.urls import path

from prediction import views

app_name = "prediction"
urlpatterns = [
    path("projects/<id:project_id>/models/", views.model_list, name="model-list"),
    path("projects/<id:project_id>/models/predict/", views.predict, name="predict"),
    path("projects/<id:project_id>/models/custom/", views.register_custom, name="register-custom"),
    path("models/<id:model_id>/rename/", views.rename_model, name="model-rename"),
    path("projects/<id:project_id>/train/", views.train_page, name="train-page"),
    path("projects/<id:project_id>/train/start/", views.train, name="train"),
    path("projects/<id:project_id>/train/retrain/", views.retrain, name="retrain"),
    path("jobs/<id:job_id>/training/", views.train_progress, name="train-progress"),
    path("jobs/<id:job_id>/retrain/", views.retrain_progress, name="retrain-progress"),
    path("videos/<id:video_id>/similar/", views.similar_frames, name="similar-frames"),
]
