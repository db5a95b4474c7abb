from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from aigva.params import IdConverter
from aigva.views import favicon, healthz

register_converter(IdConverter, "id")  # before the apps' URLs, which use it

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("settings/api-tokens/", include("api.token_urls")),
    path("", include("projects.urls")),
    path("", include("videos.urls")),
    path("", include("labelling.urls")),
    path("", include("learning.urls")),
    path("", include("prediction.urls")),
    path("", include("exports.urls")),
    path("", include("reviews.urls")),
]
