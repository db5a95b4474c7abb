"""Label tracks through the API (issue 33): a class says which track a range labels; undo and reviewed take
?track= or "track" (the first track when left out); a project's answer lists its tracks."""

import pytest

from api.tests.helpers import TokenClient
from labelling.selectors import get_current_label_set
from labelling.services import create_initial_label_sets
from projects.tests.factories import UserFactory, add_track, make_project
from videos.models import Video, VideoStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tracks():
    manager = UserFactory()
    project = make_project(classes=["road", "junction"], manager=manager)
    weather = add_track(project, "weather", ["sunny", "rain"])
    video = Video.objects.create(project=project, name="v.mp4", frame_count=30, status=VideoStatus.READY)
    create_initial_label_sets(video=video)
    return TokenClient(manager), project, weather, video


def classes(video, track=None) -> list[str]:
    label_set = get_current_label_set(video, track)
    names = dict(video.project.classes.values_list("pk", "name"))
    return [names[c] for c in label_set.label_runs.to_frames()[0].tolist()]


def test_one_request_labels_each_range_on_its_class_track_and_undo_takes_a_track(two_tracks):
    api, project, weather, video = two_tracks
    answer = api.post(f"/videos/{video.pk}/labels/ranges", {"ranges": [
        {"start": 5, "end": 9, "class": "junction"}, {"start": 0, "end": 19, "class": "Rain"}]})
    assert answer.status_code == 200 and len(answer.json()["edits"]) == 2
    assert classes(video) == ["road"] * 5 + ["junction"] * 5 + ["road"] * 20
    assert classes(video, weather) == ["rain"] * 20 + ["sunny"] * 10
    assert api.post(f"/videos/{video.pk}/labels/undo?track=WEATHER").status_code == 200
    assert classes(video, weather) == ["sunny"] * 30 and classes(video)[5:10] == ["junction"] * 5
    assert api.post(f"/videos/{video.pk}/labels/undo").status_code == 200  # the first track's
    assert classes(video) == ["road"] * 30


def test_reviewed_takes_a_track_and_an_unknown_track_is_a_clear_400(two_tracks):
    api, project, weather, video = two_tracks
    assert api.post(f"/videos/{video.pk}/labels/reviewed", {"reviewed": True, "track": "weather"}).status_code == 200
    assert get_current_label_set(video, weather).reviewed and not get_current_label_set(video).reviewed
    refused = api.post(f"/videos/{video.pk}/labels/undo?track=mood")
    assert refused.status_code == 400 and refused.json()["detail"] == (
        "“mood” is not a track of this project; its tracks: class, weather.")


def test_the_project_lists_its_tracks_with_their_classes(two_tracks):
    api, project, _, _ = two_tracks
    tracks = api.get(f"/projects/{project.pk}").json()["tracks"]
    assert [(t["name"], t["default_class"], [c["name"] for c in t["classes"]]) for t in tracks] == [
        ("class", "road", ["road", "junction"]), ("weather", "sunny", ["sunny", "rain"])]


def test_imported_rows_label_their_class_track_and_a_wrong_track_is_refused(two_tracks):
    api, project, weather, video = two_tracks
    refused = api.post(f"/projects/{project.pk}/labels/import", {"rows": [
        {"video": "v.mp4", "start": 0, "end": 4, "class": "rain", "track": "class"}]})
    assert refused.status_code == 400 and "is on the track “weather”" in refused.json()["detail"]
    done = api.post(f"/projects/{project.pk}/labels/import", {"rows": [
        {"video": "v.mp4", "start": 0, "end": 4, "class": "rain", "track": "weather"},
        {"video": "v.mp4", "start": 2, "end": 3, "class": "junction"}]})
    assert done.status_code == 200 and done.json()["edits"] == 2
    assert classes(video, weather)[:6] == ["rain"] * 5 + ["sunny"]
    assert classes(video)[:5] == ["road", "road", "junction", "junction", "road"]


def test_a_project_is_made_with_tracks_and_a_track_added_later_labels_every_video(two_tracks):
    api, _, _, video = two_tracks
    made = api.post("/projects", {"name": "Lab", "tracks": [
        {"name": "grooming", "classes": ["grooming", "not grooming"], "default_class": "not grooming"},
        {"name": "rearing", "classes": ["rearing", "not rearing"]}]})
    assert made.status_code == 201, made.content
    assert [(t["name"], t["default_class"]) for t in made.json()["tracks"]] == [
        ("grooming", "not grooming"), ("rearing", "rearing")]

    project = video.project
    added = api.post(f"/projects/{project.pk}/tracks", {"name": "light", "classes": ["day", "night"],
                                                        "default_class": "night"})
    assert added.status_code == 201 and added.json()["default_class"] == "night"
    light = project.tracks.get(name="light")
    assert classes(video, light) == ["night"] * 30 and classes(video) == ["road"] * 30
    assert api.post(f"/projects/{project.pk}/classes", {"name": "dusk", "track": "LIGHT"}).status_code == 201
    assert list(light.classes.values_list("name", flat=True)) == ["day", "night", "dusk"]


@pytest.mark.parametrize("body, message", [
    ({"name": "weather", "classes": ["fog"]}, "already has a track called “weather”"),
    ({"name": "mood", "classes": ["rain"]}, "already has a class called “rain”"),
    ({"name": "mood", "classes": ["calm"], "default_class": "angry"}, "not one of the track's classes"),
])
def test_a_track_that_clashes_is_a_clear_400_and_nothing_is_made(two_tracks, body, message):
    api, project, _, video = two_tracks
    refused = api.post(f"/projects/{project.pk}/tracks", body)
    assert refused.status_code == 400 and message in refused.json()["detail"]
    assert project.tracks.count() == 2 and video.label_sets.count() == 2
    unknown = api.post(f"/projects/{project.pk}/classes", {"name": "dusk", "track": "mood"})
    assert unknown.status_code == 400 and "not a track of this project" in unknown.json()["detail"]
