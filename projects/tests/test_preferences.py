import pytest
from django.urls import reverse

from exports.forms import ExportForm
from prediction.forms import PredictForm
from projects.models import Preference, Role
from projects.tests.factories import add_member, make_project

pytestmark = pytest.mark.django_db


def test_the_theme_is_a_personal_setting(client):
    user = add_member(make_project(), Role.VIEWER)
    client.force_login(user)
    assert b'data-theme="light"' in client.get(reverse("projects:dashboard")).content
    assert client.post(reverse("projects:preferences"), {"theme": "dark"}).status_code == 302
    assert b'data-theme="dark"' in client.get(reverse("projects:dashboard")).content
    assert client.post(reverse("projects:preferences"), {"theme": "<script>"}).status_code == 200
    assert Preference.objects.get(user=user).theme == "dark"


def test_project_defaults_start_the_predict_and_export_forms(client):
    project = make_project()
    client.force_login(add_member(project, Role.MANAGER))
    data = {"name": project.name, "description": "", "default_class": project.classes.first().pk,
            "default_frame_skip": 5, "default_smoothing": 12, "prediction_batch_size": 32, "target_accuracy": 0.995}
    assert client.post(reverse("projects:project-edit", args=[project.pk]), data).status_code == 302
    project.refresh_from_db()
    assert (project.default_frame_skip, project.default_smoothing, project.prediction_batch_size) == (5, 12, 32)
    assert project.target_accuracy == 0.995  # the Review page's stopping rule (issue 31)
    assert not project.decode_shots  # an unticked box: predict frame by frame
    predict = PredictForm(project=project)
    assert predict["frame_skip"].initial == 5 and predict["smooth"].initial == 12
    assert predict["shots"].initial is False
    assert PredictForm(project=make_project(name="Other"))["shots"].initial is True  # shots by default
    assert ExportForm(project=project)["frame_skip"].initial == 5
    bad = client.post(reverse("projects:project-edit", args=[project.pk]), data | {"prediction_batch_size": 10_000})
    assert bad.status_code == 200
    too_high = client.post(reverse("projects:project-edit", args=[project.pk]), data | {"target_accuracy": 1})
    assert too_high.status_code == 200
    project.refresh_from_db()
    assert project.prediction_batch_size == 32
