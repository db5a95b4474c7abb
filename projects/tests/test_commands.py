import json

import pytest
from django.core.management import CommandError, call_command

from projects.models import Project


@pytest.mark.django_db
def test_create_project_prints_json(capsys):
    call_command("create_project", "Dashcam", "--classes", "road, junction ,parking", "--default", "junction", "--json")
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    project = Project.objects.get()
    assert result == {"id": project.pk, "name": "Dashcam", "classes": ["road", "junction", "parking"],
                      "tracks": {"class": ["road", "junction", "parking"]}}
    assert project.first_track.default_class.name == "junction"


@pytest.mark.django_db
def test_create_project_makes_a_track_per_question(capsys):
    call_command("create_project", "Dashcam", "--track", "road type=road, junction", "--track", "weather=sunny,rain",
                 "--default", "rain")
    assert "with tracks road type: road, junction; weather: sunny, rain." in capsys.readouterr().out
    project = Project.objects.get()
    tracks = [(t.name, t.default_class.name) for t in project.tracks.all()]
    assert tracks == [("road type", "road"), ("weather", "rain")]
    assert [c.shortcut for c in project.classes.all()] == ["1", "2", "3", "4"]  # keys unique across the project


@pytest.mark.django_db
@pytest.mark.parametrize("arguments, message", [
    ([], "Give the classes"),
    (["--track", "weather"], "Write a track as"),
    (["--track", "w=a,b", "--track", "W=c"], "already has a track called “W”"),
    (["--track", "w=a,b", "--track", "x=b"], "already has a class called “b”"),
    (["--track", "w="], "at least one class"),
    (["--track", "w=a", "--default", "zz"], "not one of the classes"),
])
def test_create_project_refuses_unclear_tracks(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_project", "P", *arguments)
    assert not Project.objects.exists()


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
