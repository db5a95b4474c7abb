"""The CSV and ActivityNet label exports (E-3), read back as their users read them: pandas and json."""

import io
import json

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command
from django.urls import reverse

from labelling.tests.factories import label_as
from projects.models import Role
from projects.tests.factories import add_member, add_track, make_project
from videos.tests.factories import ingest

pytestmark = pytest.mark.django_db

VFR_MS = [sum((33, 50)[k % 2] for k in range(i)) for i in range(40)]  # as conftest encodes vfr.mkv


@pytest.fixture
def two_tracks(video_files):
    """Road type and weather over the variable-rate video; a person labels a stretch on each track."""
    project = make_project(classes=["road", "=junction"], name="Dashcam")
    add_track(project, "weather", ["sunny", "rain"])
    video = ingest(project, video_files["vfr.mkv"])
    user = add_member(project, Role.LABELLER)
    label_as(user, video, "=junction", 10, 19)
    label_as(user, video, "rain", 15, 39)
    return project, video, user


def download(client, project, user, form: str):
    client.force_login(user)
    response = client.get(reverse("exports:export-labels", args=[project.pk]), {"form": form})
    assert response.status_code == 200
    return response, b"".join(response.streaming_content).decode()


def test_the_csv_has_a_row_per_frame_and_three_columns_per_track(client, two_tracks):
    project, video, user = two_tracks
    response, text = download(client, project, user, "csv")
    assert response["Content-Type"].startswith("text/csv") and "Dashcam-labels.csv" in response["Content-Disposition"]
    table = pd.read_csv(io.StringIO(text))
    assert list(table.columns) == ["video", "frame", "time", "class", "class_confidence", "class_author",
                                   "weather", "weather_confidence", "weather_author"]
    assert table["frame"].tolist() == list(range(40)) and (table["video"] == "vfr.mkv").all()
    assert np.allclose(table["time"], np.array(VFR_MS) / 1000, atol=1e-6)  # the frames' own times
    assert table["class"].tolist() == ["road"] * 10 + ["'=junction"] * 10 + ["road"] * 20  # never a formula
    assert table["weather"].tolist() == ["sunny"] * 15 + ["rain"] * 25
    assert table["class_confidence"].isna().sum() == 30 and (table["class_confidence"][10:20] == 1.0).all()
    assert set(table["weather_author"][15:]) == {user.username} and set(table["weather_author"][:15]) == {"default"}


def test_activitynet_segments_give_seconds_and_frames_on_every_track(client, two_tracks):
    project, video, user = two_tracks
    _, text = download(client, project, user, "activitynet")
    document = json.loads(text)
    assert document["taxonomy"] == [{"track": "class", "classes": ["road", "=junction"]},
                                    {"track": "weather", "classes": ["sunny", "rain"]}]
    entry = document["database"]["vfr.mkv"]
    assert entry["frame_count"] == 40
    segments = [(a["track"], a["label"], a["frames"], a["segment"]) for a in entry["annotations"]]
    seconds = [ms / 1000 for ms in VFR_MS]
    assert segments[:3] == [("class", "road", [0, 9], [0.0, seconds[10]]),
                            ("class", "=junction", [10, 19], [seconds[10], seconds[20]]),
                            ("class", "road", [20, 39], [seconds[20], pytest.approx(entry["duration"])])]
    assert segments[3:] == [("weather", "sunny", [0, 14], [0.0, seconds[15]]),
                            ("weather", "rain", [15, 39], [seconds[15], pytest.approx(entry["duration"])])]
    assert entry["duration"] >= seconds[-1]


def test_the_command_writes_both_forms(tmp_path, two_tracks):
    project, _, _ = two_tracks
    call_command("export", "Dashcam", "--format", "csv", "--out", str(tmp_path / "frames.csv"))
    call_command("export", "Dashcam", "--format", "activitynet", "--out", str(tmp_path / "activitynet.json"))
    assert len(pd.read_csv(tmp_path / "frames.csv")) == 40
    assert list(json.loads((tmp_path / "activitynet.json").read_text())["database"]) == ["vfr.mkv"]


def test_the_json_export_carries_every_track_on_each_frame_and_in_segments(client, two_tracks):
    project, _, user = two_tracks
    document = json.loads(download(client, project, user, "frames")[1])
    assert document["tracks"] == ["class", "weather"]
    frame = document["videos"][0]["frames"][16]
    assert (frame["class"], frame["author"]) == ("=junction", user.username)  # the first track's, as before
    assert frame["tracks"] == {"class": {"class": "=junction", "confidence": 1, "author": user.username},
                               "weather": {"class": "rain", "confidence": 1, "author": user.username}}
    assert document["videos"][0]["frames"][0]["tracks"]["weather"] == {"class": "sunny", "confidence": None,
                                                                       "author": "default"}
    segments = json.loads(download(client, project, user, "segments")[1])["videos"][0]
    assert segments["tracks"]["weather"] == [{"start": 0, "end": 14, "class": "sunny"},
                                             {"start": 15, "end": 39, "class": "rain"}]
    assert segments["tracks"]["class"] == segments["segments"]
