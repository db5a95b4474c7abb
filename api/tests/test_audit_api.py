"""The audit and the accuracy estimate through the API (issue 31): draw, answer blind, read the estimate."""

import pytest

from api.tests.helpers import TokenClient
from learning.tests.factories import predicted_video
from projects.models import Role
from projects.tests.factories import UserFactory, add_member, make_project

pytestmark = pytest.mark.django_db


def test_an_audit_is_drawn_answered_and_turned_into_an_estimate():
    manager = UserFactory(username="mia")
    project = make_project(name="Dashcam", manager=manager, classes=["road", "junction"])
    video = predicted_video(project)
    api, base = TokenClient(manager), f"/projects/{project.pk}"
    assert api.get(f"{base}/accuracy").json()["audit_frames_to_answer"] >= 20
    assert api.post(f"{base}/audit", {"draws": 0}).status_code == 422
    frames = api.post(f"{base}/audit", {"draws": 15}).json()
    assert frames and all(row["video_id"] == video.pk for row in frames)
    assert api.get(f"{base}/audit").json() == frames
    again = api.post(f"{base}/audit", {"draws": 5})
    assert again.status_code == 400 and "open audit frames" in again.json()["detail"]
    viewer = TokenClient(add_member(project, Role.VIEWER))
    answers = [{"video": "clip.mp4", "frame": row["frame"], "class": "junction" if 40 <= row["frame"] < 60 else "road"}
               for row in frames]
    assert viewer.post(f"{base}/audit/answers", {"answers": answers}).status_code == 403
    stray = api.post(f"{base}/audit/answers", {"answers": answers + [{"video": "²", "frame": 1, "class": "road"}]})
    assert stray.status_code == 400 and api.get(f"{base}/audit").json() == frames  # nothing written
    assert api.post(f"{base}/audit/answers", {"answers": answers}).json() == {"answers": len(frames), "open": 0}
    report = api.get(f"{base}/accuracy").json()
    assert report["audited"] == len(frames) and report["low"] <= report["estimate"] <= report["high"]
    assert report["videos"][0]["video"] == "clip.mp4" and report["done"] == (report["low"] >= 0.99)
    assert viewer.get(f"{base}/accuracy").status_code == 200
    assert TokenClient(UserFactory()).get(f"{base}/accuracy").status_code == 404


def test_a_body_over_the_size_limit_is_refused_in_json():
    manager = UserFactory(username="mia")
    project = make_project(name="Dashcam", manager=manager)
    answers = [{"video": "x" * 200, "frame": 1, "class": "road"}] * 20_000  # about 5 MB of JSON, then twice that
    refused = TokenClient(manager).post(f"/projects/{project.pk}/audit/answers", {"answers": answers * 2})
    assert refused.status_code == 413 and "over 8 MB" in refused.json()["detail"]


def test_the_audit_and_the_estimate_take_a_track():
    from projects.services import add_track

    manager = UserFactory(username="mia")
    project = make_project(name="Dashcam", manager=manager, classes=["road", "junction"])
    predicted_video(project)
    add_track(project=project, name="weather", class_names=["sunny", "rain"])
    api, base = TokenClient(manager), f"/projects/{project.pk}"
    assert api.post(f"{base}/audit", {"draws": 5}).status_code == 200  # the first track's
    refused = api.post(f"{base}/audit", {"draws": 3, "track": "weather"})
    assert refused.status_code == 400 and "on “weather”: predict the videos first" in refused.json()["detail"]
    assert api.get(f"{base}/audit", track="weather").json() == []
    report = api.get(f"{base}/accuracy", track="WEATHER").json()
    assert report["track"] == "weather" and report["audited"] == 0
    assert api.get(f"{base}/accuracy").json()["track"] == "class"
    unknown = api.get(f"{base}/accuracy", track="nope")
    assert unknown.status_code == 400 and "its tracks: class, weather" in unknown.json()["detail"]
