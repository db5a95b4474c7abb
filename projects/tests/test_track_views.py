"""Tracks on the web pages (issue 33): made with the project, added and renamed in its settings, each with its own
default class; a class is added to the track chosen."""

import pytest
from django.urls import reverse

from labelling.services import create_initial_label_sets
from projects.models import Project
from projects.tests.factories import add_track, make_project
from videos.models import Video, VideoStatus

pytestmark = pytest.mark.django_db


def test_the_create_form_makes_further_tracks_from_their_lines(manager_client):
    response = manager_client.post(reverse("projects:project-create"), {
        "name": "Dashcam", "classes": "road, junction", "tracks": "weather: sunny, rain\n\n  event: none, crash"})
    assert response.status_code == 302
    project = Project.objects.get()
    assert [(t.name, [c.name for c in t.classes.all()]) for t in project.tracks.all()] == [
        ("class", ["road", "junction"]), ("weather", ["sunny", "rain"]), ("event", ["none", "crash"])]

    refused = manager_client.post(reverse("projects:project-create"), {
        "name": "Other", "classes": "road", "tracks": "weather sunny"})
    assert refused.status_code == 200 and "Write a track as “name: class, class”" in refused.content.decode()
    assert Project.objects.count() == 1


def test_a_track_added_in_the_settings_labels_every_video_and_its_row_renames_it(manager_client):
    project = make_project(classes=["road", "junction"], manager=manager_client.user)
    video = Video.objects.create(project=project, name="v.mp4", frame_count=12, status=VideoStatus.READY)
    create_initial_label_sets(video=video)
    edit = reverse("projects:project-edit", args=[project.pk])
    response = manager_client.post(reverse("projects:track-add", args=[project.pk]),
                                   {"name": "weather", "classes": "sunny, rain"}, follow=True)
    assert "Track “weather” added: every video&#x27;s frames start as “sunny”." in response.content.decode()
    weather = project.tracks.get(name="weather")
    assert video.label_sets.filter(track=weather, is_current=True).count() == 1
    page = manager_client.get(edit).content.decode()
    assert 'aria-label="Name of weather"' in page and "default_class" not in page.split("Tracks")[0]

    rain = weather.classes.get(name="rain")
    manager_client.post(reverse("projects:track-update", args=[project.pk, weather.pk]),
                        {"name": "sky", "default_class": rain.pk})
    weather.refresh_from_db()
    assert (weather.name, weather.default_class) == ("sky", rain)
    road = project.classes.get(name="road")
    response = manager_client.post(reverse("projects:track-update", args=[project.pk, weather.pk]),
                                   {"name": "sky", "default_class": road.pk}, follow=True)
    assert "one of its classes" in response.content.decode()

    manager_client.post(reverse("projects:class-add", args=[project.pk]), {"name": "fog", "track": weather.pk})
    assert list(weather.classes.values_list("name", flat=True)) == ["sunny", "rain", "fog"]


def test_a_clashing_track_is_refused_on_the_settings_page(manager_client):
    project = make_project(classes=["road", "junction"], manager=manager_client.user)
    add_track(project, "weather", ["sunny", "rain"])
    for body, message in [({"name": "Weather", "classes": "fog"}, "already has a track called “Weather”"),
                          ({"name": "mood", "classes": "road"}, "already has a class called “road”"),
                          ({"name": "mood", "classes": ""}, "Give the track a name and its classes")]:
        response = manager_client.post(reverse("projects:track-add", args=[project.pk]), body)
        assert response.status_code == 400 and message in response.content.decode()
    assert project.tracks.count() == 2


def test_tracks_of_another_project_are_404(manager_client):
    other = make_project(classes=["a", "b"])
    mine = make_project(classes=["c", "d"], manager=manager_client.user)
    track = other.first_track
    assert manager_client.post(reverse("projects:track-update", args=[mine.pk, track.pk]),
                               {"name": "x", "default_class": track.default_class_id}).status_code == 404
    assert manager_client.post(reverse("projects:track-add", args=[other.pk]),
                               {"name": "x", "classes": "y"}).status_code == 404
