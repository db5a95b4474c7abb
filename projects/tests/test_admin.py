import pytest
from django.urls import reverse

from projects.tests.factories import UserFactory, make_project
from videos.models import Video, VideoStatus


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", ["projects_project", "projects_membership", "projects_job", "projects_preference", "videos_video",
              "labelling_labelset", "learning_trainingsample", "prediction_model", "exports_export",
              "reviews_sharelink"]
)
def test_admin_lists_and_searches_every_model(client, model):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    project = make_project(name="Searchable")
    Video.objects.create(project=project, name="clip.mp4", status=VideoStatus.READY, frame_count=3)
    url = reverse(f"admin:{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "Searchable"}).status_code == 200


@pytest.mark.django_db
def test_project_admin_shows_classes_inline(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    project = make_project(classes=["head", "femur"])
    body = client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    assert 'value="head"' in body and 'value="femur"' in body
