import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from labelling.models import LabelEdit
from labelling.selectors import get_current_label_set
from labelling.services import create_initial_label_sets
from learning import actors, services
from projects.models import Role
from projects.tests.factories import add_member, add_track, last_json_line, make_project
from videos.tests.factories import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(video_files):
    project = make_project(name="Roads", classes=["road", "junction", "parking"])
    cfr = ingest(project, video_files["cfr.mp4"])
    ingest(project, video_files["vfr.mkv"])
    job = services.start_sampling(project=project, videos=[cfr], per_video=3, method="uniform", started_by=None,
                                     enqueue=False)
    actors.sample_frames(job.pk)  # frames 0, 24 and 47 of cfr.mp4
    return project


def frames_of(project, name):
    label_set = project.videos.get(name=name).label_sets.get(is_current=True)
    classes, authors = label_set.label_runs.to_frames()
    names = dict(project.classes.values_list("pk", "name"))
    return [names[c] for c in classes], authors, label_set


def test_import_labels_round_trip_csv_and_json(capsys, project, tmp_path):
    user = add_member(project, Role.MANAGER)
    csv_file = tmp_path / "labels.csv"
    csv_file.write_text("video,frame,class\ncfr.mp4,24,Junction\ncfr.mp4,5,parking\ncfr.mp4,6,parking\n")
    call_command("import_labels", "Roads", str(csv_file), "--json")
    assert last_json_line(capsys) == {"rows": 3, "samples": 1, "edits": 1, "videos": 1, "reviewed": 0}
    sample = project.samples.get(frame=24)
    assert sample.label.name == "junction" and sample.labelled_by == user
    classes, authors, _ = frames_of(project, "cfr.mp4")
    assert classes[5:7] == ["parking", "parking"] and classes[4] == classes[7] == "road" and authors[5] == user.pk

    json_file = tmp_path / "labels.json"
    json_file.write_text(json.dumps([{"video": "vfr.mkv", "start": 10, "end": 19, "class": "junction"},
                                     {"video": str(project.videos.get(name="vfr.mkv").pk), "start": 30, "end": 39,
                                      "class": "parking"}]))
    call_command("import_labels", "Roads", str(json_file), "--user", user.username, "--reviewed", "--json")
    assert last_json_line(capsys)["reviewed"] == 1
    classes, _, label_set = frames_of(project, "vfr.mkv")
    assert classes[10:20] == ["junction"] * 10 and classes[30:40] == ["parking"] * 10 and classes[20] == "road"
    assert label_set.reviewed and label_set.reviewed_by == user


@pytest.mark.parametrize(("content", "message"), [
    ("video,frame,class\ncfr.mp4,48,road\n", "not within 0-47"),
    ("video,frame,class\nmissing.mp4,1,road\n", "no ready video “missing.mp4”"),
    ("video,frame,class\ncfr.mp4,1,sky\n", "no class “sky”"),
    ("video,frame,class\ncfr.mp4,1,=HYPERLINK(\"x\")\n", "spreadsheet formula"),
    *[(f"video,frame,class\ncfr.mp4,1,\"{prefix}cmd|' /C calc'!A0\"\n", "spreadsheet formula")
      for prefix in ("+", "-", "@", "\t", "\r")],
    ("video,frame,class\ncfr.mp4,-1,road\n", "not a frame number"),
    ("video,frame,class\ncfr.mp4,²,road\n", "not a frame number"),
    ("video,frame,class,track\ncfr.mp4,1,road,weather\n", "is on the track “class”, not “weather”"),
    ("video,start,end,class\ncfr.mp4,9,3,road\n", "not within"),
    ("name,label\na,b\n", "columns must be"),
    ("video,frame,class\n", "no rows"),
    ("[{\"video\": 1", "cannot be read"),
])
def test_bad_label_files_name_the_problem_and_change_nothing(project, tmp_path, content, message):
    add_member(project, Role.MANAGER)
    path = tmp_path / ("bad.json" if content.startswith("[") else "bad.csv")
    if content.startswith("video,frame,class") and content.count("\n") > 1:
        good = "cfr.mp4,3,junction" + ",class" * ("track" in content)  # a good row first: it must not be applied
        content = content.replace("\n", f"\n{good}\n", 1)
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_labels", "Roads", str(path))
    assert not LabelEdit.objects.exists() and not project.samples.filter(label__isnull=False).exists()


def test_import_labels_needs_to_know_whose_labels_they_are(project, tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("video,frame,class\ncfr.mp4,3,junction\n")
    with pytest.raises(CommandError, match="--user"):
        call_command("import_labels", "Roads", str(path))


def test_rows_label_their_class_track_and_a_track_column_is_checked(capsys, project, tmp_path):
    user = add_member(project, Role.MANAGER)
    weather = add_track(project, "weather", ["sunny", "rain"])
    video = project.videos.get(name="vfr.mkv")
    create_initial_label_sets(video=video, only_missing=True)
    rows = tmp_path / "labels.csv"
    rows.write_text("video,start,end,class,track\nvfr.mkv,0,9,rain,Weather\nvfr.mkv,5,7,parking,\n")
    call_command("import_labels", "Roads", str(rows), "--reviewed", "--json")
    assert last_json_line(capsys) == {"rows": 2, "samples": 0, "edits": 2, "videos": 1, "reviewed": 1}
    names = dict(project.classes.values_list("pk", "name"))
    on_weather = get_current_label_set(video, weather)
    assert [names[c] for c in on_weather.label_runs.to_frames()[0][:11]] == ["rain"] * 10 + ["sunny"]
    assert [names[c] for c in get_current_label_set(video).label_runs.to_frames()[0][4:9]] == [
        "road", "parking", "parking", "parking", "road"]
    assert on_weather.reviewed and get_current_label_set(video).reviewed and on_weather.reviewed_by == user
