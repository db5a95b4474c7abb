
import pytest
from django.core.management import call_command

from projects.tests.factories import (
    last_json_line,
    make_project,
)
from videos.models import Video


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
def test_import_videos_goes_on_past_bad_files_and_exits_1(capsys, bad_files, video_files):
    project = make_project()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_videos", str(project.pk), str(bad_files["zeroed.mp4"]), str(bad_files["empty.mp4"]),
                     str(bad_files["notes.mp4"]), str(video_files["vp9.webm"]), "--json")
    assert exit_info.value.code == 1
    results = {r["name"]: r for r in last_json_line(capsys)}
    assert results["zeroed.mp4"]["status"] == "failed" and "damaged" in results["zeroed.mp4"]["error"]
    assert results["empty.mp4"]["status"] == "rejected" and "empty" in results["empty.mp4"]["error"]
    assert results["notes.mp4"]["status"] == "rejected" and "not a video" in results["notes.mp4"]["error"]
    assert results["vp9.webm"]["frame_count"] == 48
    assert list(Video.objects.values_list("name", flat=True).order_by("pk")) == ["zeroed.mp4", "vp9.webm"]


@pytest.mark.django_db
def test_import_videos_goes_on_past_an_unexpected_failure(capsys, video_files, monkeypatch):
    from videos import media

    real_probe = media.probe

    def probe_failing_once(path, *args, **kwargs):
        if not getattr(probe_failing_once, "failed", False):
            probe_failing_once.failed = True
            raise RuntimeError("/srv/aigva/media/videos/1/abc/original is gone")
        return real_probe(path, *args, **kwargs)

    monkeypatch.setattr(media, "probe", probe_failing_once)
    project = make_project()
    with pytest.raises(SystemExit):
        call_command("import_videos", str(project.pk), str(video_files["cfr.mp4"]), str(video_files["vp9.webm"]),
                     "--json")
    first, second = last_json_line(capsys)
    assert first["status"] == "failed" and "RuntimeError: original is gone" in first["error"]
    assert "Retry" in first["error"] and "/srv" not in first["error"]
    assert second["status"] == "ready" and second["frame_count"] == 48


@pytest.mark.django_db
def test_import_videos_can_enqueue_instead(capsys, video_files, django_capture_on_commit_callbacks):
    project = make_project()
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("import_videos", str(project.pk), str(video_files["cfr.mp4"]), "--enqueue", "--json")
    assert last_json_line(capsys)[0]["status"] == "processing"
    assert len(callbacks) == 1
