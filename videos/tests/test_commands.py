import json

import pytest
from django.core.management import call_command

from projects.tests.factories import make_project
from videos.models import Video


def last_json_line(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.mark.django_db
def test_import_videos_probes_files_and_folders(capsys, video_files):
    project = make_project(name="Dashcam")
    folder = video_files["cfr.mp4"].parent
    call_command("import_videos", "dashcam", str(folder / "cfr.mp4"), str(folder / "old.mpg"), "--json")
    results = last_json_line(capsys)
    assert [(r["name"], r["frame_count"], r["status"], r["error"]) for r in results] == [
        ("cfr.mp4", 48, "ready", None), ("old.mpg", 50, "ready", None)]
    assert results[1]["fps"] == "25"
    assert Video.objects.filter(project=project).count() == 2


@pytest.mark.django_db
def test_import_videos_reports_rejected_files_and_exits_1(capsys, bad_files, video_files):
    project = make_project()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_videos", str(project.pk), str(bad_files["empty.mp4"]), str(bad_files["notes.mp4"]),
                     str(video_files["vp9.webm"]), "--json")
    assert exit_info.value.code == 1
    results = {r["name"]: r for r in last_json_line(capsys)}
    assert results["empty.mp4"]["status"] == "rejected" and "empty" in results["empty.mp4"]["error"]
    assert results["notes.mp4"]["status"] == "failed" and "not a video" in results["notes.mp4"]["error"]
    assert results["vp9.webm"]["frame_count"] == 48


@pytest.mark.django_db
def test_import_videos_can_enqueue_instead(capsys, video_files, django_capture_on_commit_callbacks):
    project = make_project()
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("import_videos", str(project.pk), str(video_files["cfr.mp4"]), "--enqueue", "--json")
    assert last_json_line(capsys)[0]["status"] == "processing"
    assert len(callbacks) == 1
