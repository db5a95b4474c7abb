from django.urls import path

from prediction import views

app_name = "prediction"
urlpatterns = [
    path("projects/<int:project_id>/models/", views.model_list, name="model-list"),
    path("projects/<int:project_id>/models/predict/", views.predict, name="predict"),
    path("projects/<int:project_id>/models/custom/", views.register_custom, name="register-custom"),
]
