"""The audit and the accuracy estimate (issue 31): drawn from frames nobody labelled, answered blind, held out
from training, never replaced by a prediction, and the same from the command line."""

import json

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from aigva.errors import UserFacingError
from labelling.services import create_label_set, label_range
from learning.audits import accuracy_report, answer_audit_frame, pending_audit_frames, start_audit
from learning.estimates import project_accuracy
from learning.models import TrainingSample
from learning.selectors import list_doubtful_runs
from learning.tests.factories import predicted_project
from learning.training_data import labelled_ranges
from projects.tests.factories import last_json_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return predicted_project()


def answer_all(project, truth):
    for sample in pending_audit_frames(project):
        answer_audit_frame(sample=sample, label_class=truth(sample.frame), user=project.manager)


def test_an_audit_draws_frames_nobody_labelled_and_records_each_draw_s_chance(project):
    label_set = project.video.label_sets.get(is_current=True)
    road = project.classes.get(name="road")
    label_range(label_set=label_set, start=0, end=9, label_class=road, user=project.manager)
    audit = start_audit(project=project, draws=30, user=None, rng=np.random.default_rng(1))
    samples = list(audit.samples.all())
    assert sum(s.draws for s in samples) == 30 and audit.population == 90
    assert all(s.frame >= 10 and 0 < s.chance < 1 and s.label_id is None for s in samples)
    junction = [s for s in samples if 40 <= s.frame < 60]
    assert all(s.guess.name == "junction" and s.confidence == pytest.approx(0.6, abs=1e-3) for s in junction)
    # the unsure junction frames are drawn more often than their share of the frames (20 of 90)
    assert sum(s.draws for s in junction) / 30 > 20 / 90
    with pytest.raises(UserFacingError, match="Answer the open audit frames first"):
        start_audit(project=project, draws=5, user=None)


def test_an_audit_answer_wins_in_the_labels_never_trains_and_survives_a_new_prediction(project):
    start_audit(project=project, draws=10, user=None, rng=np.random.default_rng(2))
    junction = project.classes.get(name="junction")
    sample = pending_audit_frames(project).first()
    with pytest.raises(UserFacingError, match="cannot be skipped"):
        answer_audit_frame(sample=sample, label_class=None, user=project.manager)
    answer_audit_frame(sample=sample, label_class=junction, user=project.manager)
    video = project.video
    assert video.label_sets.get(is_current=True).label_runs.at(sample.frame) == (junction.pk, project.manager.pk)
    assert all(sample.frame not in range(start, end + 1)
               for start, end, _ in labelled_ranges(project, "human").get(video.pk, []))
    road = project.classes.get(name="road")
    create_label_set(video=video, class_ids=np.full(100, road.pk), confidences=np.full(100, 0.7), author=-1,
                     keep_people=True)
    assert video.label_sets.get(is_current=True).label_runs.at(sample.frame) == (junction.pk, project.manager.pk)
    sample.refresh_from_db()  # the new model's own label there, against which the answer is scored
    assert (sample.guess_id, round(sample.confidence, 2)) == (road.pk, 0.7)


def test_the_estimate_counts_people_s_frames_as_right_and_the_model_s_by_the_audit(project):
    junction, road = project.classes.get(name="junction"), project.classes.get(name="road")
    start_audit(project=project, draws=40, user=None, rng=np.random.default_rng(3))
    answer_all(project, lambda frame: junction if 40 <= frame < 50 else road)  # frames 50-59 are road
    estimate, videos, _ = project_accuracy(project, project.first_track)
    assert estimate.low <= 0.9 <= estimate.high and estimate.frames == 100
    assert estimate.audited == TrainingSample.objects.filter(project=project, source="audit").count()  # distinct
    assert videos[project.video.pk] == estimate
    label_set = project.video.label_sets.get(is_current=True)
    label_range(label_set=label_set, start=40, end=59, label_class=junction, user=project.manager)
    label_range(label_set=label_set, start=50, end=59, label_class=road, user=project.manager)
    fixed, _, _ = project_accuracy(project, project.first_track)
    assert fixed.right > estimate.right and fixed.high - fixed.low < estimate.high - estimate.low


def test_audit_and_accuracy_from_the_command_line(project, capsys, tmp_path):
    call_command("audit", "Dashcam", "--next", "12", "--json")
    frames = last_json_line(capsys)
    assert frames and {row["video"] for row in frames} == {"clip.mp4"} and len(frames) <= 12
    answers = tmp_path / "answers.csv"
    answers.write_text("video,frame,class\n" + "".join(
        f"clip.mp4,{row['frame']},{'junction' if 40 <= row['frame'] < 60 else 'road'}\n" for row in frames))
    call_command("audit", "Dashcam", "--answers", str(answers), "--json")
    assert last_json_line(capsys) == {"answers": len(frames), "open": 0}
    call_command("accuracy", "Dashcam", "--json")
    report = last_json_line(capsys)
    assert report["estimate"] > 0.97 and report["audited"] == len(frames) and report["frames"] == 100
    assert report["low"] < 1.0 and report["videos"][0]["video"] == "clip.mp4" and report["target"] == 0.99
    assert project.video.label_sets.get(is_current=True).accuracy["audited"] == len(frames)
    call_command("accuracy", "Dashcam")
    assert "Project: " in (out := capsys.readouterr().out) and "% right, 95 % CI" in out
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("video,frame,class\nclip.mp4,0,road\n")
    if 0 not in {row["frame"] for row in frames}:
        with pytest.raises(CommandError, match="no audit frame of the class's track at row 2"):
            call_command("audit", "Dashcam", "--answers", str(wrong))
    with pytest.raises(CommandError, match="--next is"):
        call_command("audit", "Dashcam", "--next", "-3")


def test_the_stopping_rule_asks_for_the_audit_first_then_says_done(project):
    report = accuracy_report(project)
    assert not report["done"] and report["audit_frames_to_answer"] >= 20 and "Answer the audit" in report["message"]
    project.target_accuracy = 0.5
    project.save()
    start_audit(project=project, draws=30, user=None, rng=np.random.default_rng(4))
    junction, road = project.classes.get(name="junction"), project.classes.get(name="road")
    answer_all(project, lambda frame: junction if 40 <= frame < 60 else road)
    report = accuracy_report(project)
    assert report["done"] and report["message"].startswith("Done: at least 50 % right")


def test_the_estimate_is_written_into_the_json_export_and_the_zip_s_readme(project):
    from exports.dataset import readme
    from exports.labels_json import stream_labels_json
    from exports.selectors import VideoPlan

    start_audit(project=project, draws=20, user=None, rng=np.random.default_rng(5))
    junction, road = project.classes.get(name="junction"), project.classes.get(name="road")
    answer_all(project, lambda frame: junction if 40 <= frame < 60 else road)
    report = accuracy_report(project)
    project.refresh_from_db()
    label_set = project.video.label_sets.get(is_current=True)
    document = json.loads("".join(stream_labels_json(project, [label_set], segments=True)))
    assert document["accuracy"]["estimate"] == report["estimate"] and document["accuracy"]["audited"] > 0
    assert document["videos"][0]["accuracy"]["low"] == report["videos"][0]["low"]
    text = readme([VideoPlan(label_set=label_set, frames=np.arange(3), class_ids=np.zeros(3), subset="", stem="clip")])
    assert f"project: {100 * report['estimate']:.1f} % right, 95 % CI" in text and "clip.mp4: " in text


def test_the_dashboard_and_each_video_row_show_the_estimate_the_review_page_worked_out(project, client):
    start_audit(project=project, draws=20, user=None, rng=np.random.default_rng(6))
    junction, road = project.classes.get(name="junction"), project.classes.get(name="road")
    answer_all(project, lambda frame: junction if 40 <= frame < 60 else road)
    client.force_login(project.manager)
    estimate = client.get(reverse("learning:review-estimate", args=[project.pk])).content.decode()
    report = accuracy_report(project)
    assert f"{100 * report['estimate']:.1f} % right, 95 % CI" in estimate and "frames audited" in estimate
    rows = client.get(reverse("videos:video-list", args=[project.pk])).content.decode()
    assert f"{100 * report['videos'][0]['estimate']:.1f} % right (CI " in rows and " audited" in rows
    dashboard = client.get(reverse("projects:dashboard")).content.decode()
    assert 'data-testid="project-estimate"' in dashboard and f"{report['audited']} frames audited" in dashboard
    assert client.get(reverse("learning:review-card", args=[project.pk]), {"video": "²", "start": "1",
                                                                          "end": "2"}).status_code == 404
    bad = client.post(reverse("learning:review-verdict", args=[project.pk]),
                      {"video": project.video.pk, "start": 0, "end": 5, "verdict": "nonsense"})
    assert bad.status_code == 200 and "not one of this project" in bad.content.decode()


def test_a_video_past_the_target_is_marked_reviewed_in_one_click_and_keeps_its_estimate(project, client):
    start_audit(project=project, draws=30, user=None, rng=np.random.default_rng(8))
    junction, road = project.classes.get(name="junction"), project.classes.get(name="road")
    answer_all(project, lambda frame: junction if 40 <= frame < 60 else road)
    client.force_login(project.manager)
    url = reverse("learning:mark-reviewed", args=[project.pk])
    refused = client.post(url, {"video": project.video.pk}).content.decode()
    assert "is not yet at least 99 % right" in refused
    assert not project.video.label_sets.get(is_current=True).reviewed
    project.target_accuracy = 0.6
    project.save()
    page = client.get(reverse("learning:review-estimate", args=[project.pk])).content.decode()
    assert 'data-testid="mark-reviewed"' in page
    client.post(url, {"video": project.video.pk})
    label_set = project.video.label_sets.get(is_current=True)
    assert label_set.reviewed and label_set.reviewed_by == project.manager and label_set.accuracy["by_estimate"]
    estimate = accuracy_report(project)
    assert estimate["videos"][0]["reviewed"] and estimate["estimate"] < 1.0  # still an estimate, not all checked
    assert client.post(url, {"video": "²"}).status_code == 404


def test_an_audit_answer_that_agrees_does_not_split_a_run_in_the_review_queue(project):
    start_audit(project=project, draws=10, user=None, rng=np.random.default_rng(9))
    junction, road = project.classes.get(name="junction"), project.classes.get(name="road")
    answer_all(project, lambda frame: junction if 40 <= frame < 60 else road)  # the model's classes
    runs = list_doubtful_runs(project, limit=10)
    assert sorted((run["start"], run["end"]) for run in runs) == [(0, 39), (40, 59), (60, 99)]
