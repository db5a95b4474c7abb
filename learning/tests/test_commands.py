import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from learning.forms import SampleForm
from learning.sampling import uniform_frames
from learning.services import default_sample_method
from projects.models import Job
from projects.tests.factories import last_json_line, make_project
from videos.tests.factories import ingest

pytestmark = pytest.mark.django_db


def test_sample_frames_prints_each_sample(capsys, video_files):
    project = make_project(name="Dashcam")
    cfr, vfr = ingest(project, video_files["cfr.mp4"]), ingest(project, video_files["vfr.mkv"])
    call_command("sample_frames", "dashcam", "--per-video", "4", "--method", "uniform", "--json")
    rows = last_json_line(capsys)["samples"]
    assert [(r["video"], r["frame"]) for r in rows] == (
        [("cfr.mp4", f) for f in uniform_frames(cfr.frame_count, 4)]
        + [("vfr.mkv", f) for f in uniform_frames(vfr.frame_count, 4)])
    call_command("sample_frames", "dashcam", "--per-video", "10", "--method", "unique", "--videos", "cfr.mp4")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines and all(line.split("\t")[1] == "cfr.mp4" for line in lines)


def test_sample_frames_samples_as_the_cold_label_page_does_by_default(capsys, video_files, settings):
    project = make_project(name="Dashcam")
    ingest(project, video_files["cfr.mp4"])
    call_command("sample_frames", "dashcam", "--per-video", "3", "--json")
    job = Job.objects.get(pk=last_json_line(capsys)["job"])
    assert job.options["method"] == SampleForm(project=project).fields["method"].initial == "representative"
    settings.AIGVA_ALLOW_RANDOM_INIT = False
    assert SampleForm(project=project).fields["method"].initial == default_sample_method()
    with pytest.raises(SystemExit):
        call_command("sample_frames", "--help")
    assert "representative (the default" in " ".join(capsys.readouterr().out.split())


def test_sample_frames_explains_bad_options(video_files):
    project = make_project()
    ingest(project, video_files["cfr.mp4"])
    with pytest.raises(CommandError, match="1-1000"):
        call_command("sample_frames", str(project.pk), "--per-video", "0")
    with pytest.raises(CommandError, match="no video"):
        call_command("sample_frames", str(project.pk), "--per-video", "3", "--videos", "missing.mp4")
