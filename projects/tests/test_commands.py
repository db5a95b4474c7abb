import json

import pytest
from django.core.management import CommandError, call_command

from projects.models import Project


@pytest.mark.django_db
def test_create_project_prints_json(capsys):
    call_command("create_project", "Dashcam", "--classes", "road, junction ,parking", "--default", "junction", "--json")
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    project = Project.objects.get()
    assert result == {"id": project.pk, "name": "Dashcam", "classes": ["road", "junction", "parking"]}
    assert project.first_track.default_class.name == "junction"


@pytest.mark.django_db
def test_create_project_refuses_duplicate_classes():
    with pytest.raises(CommandError, match="listed twice"):
        call_command("create_project", "P", "--classes", "a,A")
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_ensure_admin_makes_the_first_admin_once_and_shows_its_password_once(capsys):
    from django.contrib.auth import get_user_model

    call_command("ensure_admin")
    shown = capsys.readouterr().out
    password = shown.split("Password: ")[1].split()[0]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
    call_command("ensure_admin")
    assert "existing admin account" in capsys.readouterr().out and get_user_model().objects.count() == 1
