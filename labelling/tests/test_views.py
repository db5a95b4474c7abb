import pytest
from django.test import Client

from labelling.tests.factories import (
    make_labelled_video,
    url,
)
from projects.models import Role
from projects.tests.factories import add_member, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    video, label_set = make_labelled_video(frames=300)
    user = add_member(video.project, Role.LABELLER)
    client.force_login(user)
    return label_set, video.project.classes.all()[1], user


def test_labelling_a_range_returns_the_new_timeline(client, setup):
    label_set, junction, user = setup
    response = client.post(url("label-range", label_set), {"start": 10, "end": 20, "class_id": junction.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["starts"] == [0, 10, 21] and body["classes"][1] == junction.pk and body["authors"][1] == user.pk
    undo = client.post(url("undo", label_set)).json()
    assert undo["starts"] == [0]


@pytest.mark.parametrize(("start", "end", "known_class"), [(5, 300, True), (9, 3, True), ("x", 3, True), (1, 2, False)])
def test_bad_ranges_get_a_message_and_change_nothing(client, setup, start, end, known_class):
    label_set, junction, _ = setup
    payload = {"start": start, "end": end, "class_id": junction.pk if known_class else 0}
    response = client.post(url("label-range", label_set), payload)
    assert response.status_code == 400 and response.json()["error"]
    assert not label_set.edits.exists()


def test_another_projects_class_is_refused(client, setup):
    label_set, _, _ = setup
    foreign = make_project().classes.first()
    response = client.post(url("label-range", label_set), {"start": 1, "end": 2, "class_id": foreign.pk})
    assert response.status_code == 400 and "not one of this project" in response.json()["error"]


def test_viewers_cannot_edit_or_review(client, setup):
    label_set, junction, _ = setup
    client.force_login(add_member(label_set.video.project, Role.VIEWER))
    edit = {"start": 1, "end": 2, "class_id": junction.pk}
    assert client.post(url("label-range", label_set), edit).status_code == 403
    assert client.post(url("review", label_set), {"reviewed": "on"}).status_code == 403
    assert client.get(url("timeline", label_set)).status_code == 200
    assert not label_set.edits.exists()


def test_other_projects_label_sets_are_404(client, setup):
    _, other = make_labelled_video(frames=10)
    for name in ["timeline", "history"]:
        assert client.get(url(name, other)).status_code == 404
    for name in ["label-range", "undo", "review"]:
        assert client.post(url(name, other)).status_code == 404


def test_review_asks_first_where_frames_nobody_labelled_would_become_a_persons(client, setup):
    label_set, junction, user = setup
    client.post(url("label-range", label_set), {"start": 0, "end": 99, "class_id": junction.pk})
    asked = client.post(url("review", label_set), {"reviewed": "on"}).json()
    assert asked == {"reviewed": False, "confirm": "200 of 300 frames still have the default class “road”: nobody "
                     "labelled or predicted them. Reviewed, they count as a person's “road” labels in training, "
                     "and predictions leave this video alone. Mark it reviewed anyway?"}
    label_set.refresh_from_db()
    assert not label_set.reviewed
    done = client.post(url("review", label_set), {"reviewed": "on", "confirmed": "on"}).json()
    assert done["reviewed"] and done["reviewed_by"] == user.username
    assert client.post(url("review", label_set), {}).json()["reviewed"] is False  # un-reviewing never asks
    client.post(url("label-range", label_set), {"start": 100, "end": 299, "class_id": junction.pk})
    assert client.post(url("review", label_set), {"reviewed": "on"}).json()["reviewed"] is True  # all labelled


def test_review_and_history(client, setup):
    label_set, junction, user = setup
    assert client.post(url("review", label_set), {"reviewed": "on", "confirmed": "on"}).json()["reviewed_by"] \
        == user.username
    client.post(url("label-range", label_set), {"start": 0, "end": 5, "class_id": junction.pk})
    history = client.get(url("history", label_set), {"frame": 3}).json()["history"]
    assert history[0]["author"] == user.username and history[0]["class"] == junction.name
    assert client.get(url("history", label_set), {"frame": "-1"}).status_code == 400


def test_edits_need_csrf(setup):
    label_set, junction, user = setup
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.post(url("label-range", label_set), {"start": 1, "end": 2, "class_id": junction.pk})
    assert response.status_code == 403 and not label_set.edits.exists()
