import pytest
from django.urls import reverse

from projects.models import Project
from projects.tests.factories import UserFactory, make_project
from videos.models import Video, VideoStatus


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", ["projects_project", "projects_track", "projects_membership", "projects_job", "projects_preference",
              "videos_video", "labelling_labelset", "learning_trainingsample", "prediction_model", "exports_export",
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
def test_project_admin_shows_its_track_whose_page_edits_the_classes(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    project = make_project(classes=["head", "femur"])
    track = project.first_track
    body = client.get(reverse("admin:projects_project_change", args=[project.pk])).content.decode()
    assert 'value="class"' in body and reverse("admin:projects_track_change", args=[track.pk]) in body
    url = reverse("admin:projects_track_change", args=[track.pk])
    body = client.get(url).content.decode()
    assert 'value="head"' in body and 'value="femur"' in body
    form = {"name": "class", "order": "0", "default_class": str(track.default_class_id),
            "classes-TOTAL_FORMS": "1", "classes-INITIAL_FORMS": "0", "classes-0-name": "abdomen",
            "classes-0-colour": "#123456", "classes-0-shortcut": "a", "classes-0-order": "5"}
    assert client.post(url, form).status_code == 302
    added = track.classes.get(name="abdomen")
    assert added.project_id == project.pk


@pytest.mark.django_db
def test_a_project_added_in_the_admin_gets_its_track(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    form = {"name": "From admin", "created_by": str(admin.pk), "description": "", "default_frame_skip": "1",
            "default_smoothing": "1", "decode_shots": "on", "target_accuracy": "0.99", "tracks-TOTAL_FORMS": "0",
            "tracks-INITIAL_FORMS": "0", "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}
    assert client.post(reverse("admin:projects_project_add"), form).status_code == 302
    assert list(Project.objects.get(name="From admin").tracks.values_list("name", flat=True)) == ["class"]
