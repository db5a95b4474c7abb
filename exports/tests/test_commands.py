import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from projects.tests.factories import last_json_line, make_project
from videos.tests.factories import ingest

pytestmark = pytest.mark.django_db


def test_export_writes_json_segments_and_zip(capsys, tmp_path, video_files):
    project = make_project(name="Dashcam")
    ingest(project, video_files["cfr.mp4"])
    ingest(project, video_files["vp9.webm"])
    call_command("export", "dashcam", "--format", "json", "--out", str(tmp_path / "labels.json"), "--json")
    assert last_json_line(capsys)["videos"] == 2
    document = json.loads((tmp_path / "labels.json").read_text())
    assert [len(v["frames"]) for v in document["videos"]] == [48, 48]
    call_command("export", "dashcam", "--format", "segments", "--videos", "vp9.webm", "--out",
                 str(tmp_path / "segments.json"))
    document = json.loads((tmp_path / "segments.json").read_text())
    assert document["videos"][0]["segments"] == [{"start": 0, "end": 47, "class": "road"}]
    call_command("export", "dashcam", "--format", "zip", "--frame-skip", "16", "--split", "0.5", "--quality", "70",
                 "--out", str(tmp_path / "dataset.zip"), "--json")
    result = last_json_line(capsys)
    assert result["images"] == 6 and result["videos"] == 2
    names = zipfile.ZipFile(tmp_path / "dataset.zip").namelist()
    tops = ["README.txt", "accuracy.json", "labels.csv", "train", "val"]
    assert sorted({name.split("/")[0] for name in names}) == tops


def test_export_explains_bad_options(tmp_path, video_files):
    project = make_project()
    ingest(project, video_files["cfr.mp4"])
    with pytest.raises(CommandError, match="No folder"):
        call_command("export", str(project.pk), "--format", "json", "--out", str(tmp_path / "missing" / "x.json"))
    with pytest.raises(CommandError, match="two videos"):
        call_command("export", str(project.pk), "--format", "zip", "--split", "0.3", "--out", str(tmp_path / "d.zip"))
    with pytest.raises(CommandError, match="No frames"):
        call_command("export", str(project.pk), "--format", "zip", "--reviewed-only", "--out", str(tmp_path / "d.zip"))
