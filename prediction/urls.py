from django.urls import path

from prediction import views

app_name = "prediction"
urlpatterns = [
    path("projects/<id:project_id>/models/", views.model_list, name="model-list"),
    path("projects/<id:project_id>/models/predict/", views.predict, name="predict"),
    path("projects/<id:project_id>/models/custom/", views.register_custom, name="register-custom"),
    path("projects/<id:project_id>/models/features/", views.keep_features, name="keep-features"),
    path("models/<id:model_id>/rename/", views.rename_model, name="model-rename"),
]
