"""Audits and the accuracy estimate per track (issue 33): each track has its own audits, answered with its own
classes, and its own estimate; nothing of one track's audit touches another track."""

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse

from aigva.errors import UserFacingError
from labelling.services import create_label_set, label_range
from learning.audits import accuracy_report, answer_audit_frame, pending_audit_frames, start_audit
from learning.tests.factories import predicted_project
from learning.training_data import labelled_ranges
from prediction.models import Model
from projects.services import add_track
from projects.tests.factories import last_json_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    """The first track predicted road/junction (unsure of the junction); "weather" predicted sunny/rain."""
    project = predicted_project()
    project.weather = add_track(project=project, name="weather", class_names=["sunny", "rain"])
    sunny, rain = project.weather.classes.all()
    model = Model.objects.create(project=project, name="w", kind=Model.Kind.CUSTOM, track=project.weather)
    classes = np.repeat([sunny.pk, rain.pk], [70, 30])
    create_label_set(video=project.video, class_ids=classes, confidences=np.where(classes == rain.pk, 0.7, 0.98),
                     author=-model.pk, source_model=model)
    return project


def weather_truth(project):
    sunny, rain = project.weather.classes.all()
    return lambda frame: sunny if frame < 80 else rain  # frames 70-79 are sunny: the model is wrong there


def test_each_track_has_its_own_audit_answered_with_its_own_classes(project):
    first = start_audit(project=project, draws=20, user=None, rng=np.random.default_rng(1))
    weather = start_audit(project=project, draws=20, user=None, track=project.weather, rng=np.random.default_rng(1))
    assert first.track == project.first_track and weather.track == project.weather
    drawn = pending_audit_frames(project, project.weather)
    assert set(drawn) == set(weather.samples.all()) and not set(drawn) & set(pending_audit_frames(project))
    assert {s.guess.track for s in drawn} == {project.weather}
    assert {s.frame for s in drawn} & {s.frame for s in first.samples.all()}  # the same frame, on each track
    road = project.classes.get(name="road")
    with pytest.raises(UserFacingError, match="asks about “weather”"):
        answer_audit_frame(sample=drawn.first(), label_class=road, user=project.manager)
    sunny = project.weather.classes.get(name="sunny")
    label_range(label_set=project.video.label_sets.get(is_current=True, track=project.weather), start=0, end=59,
                label_class=sunny, user=project.manager)  # a person's range, partly under the audit's frames
    truth, label_set = weather_truth(project), project.video.label_sets.get(is_current=True, track=project.first_track)
    before = bytes(label_set.runs)
    for sample in pending_audit_frames(project, project.weather):
        answer_audit_frame(sample=sample, label_class=truth(sample.frame), user=project.manager)
    label_set.refresh_from_db()
    assert bytes(label_set.runs) == before  # the first track's labels are as they were
    weather_labels = project.video.label_sets.get(is_current=True, track=project.weather).label_runs
    assert all(weather_labels.at(s.frame) == (truth(s.frame).pk, project.manager.pk) for s in weather.samples.all())
    held = {frame for start, end, _ in labelled_ranges(project, "human", project.weather)[project.video.pk]
            for frame in range(start, end + 1)}
    audited = {s.frame for s in weather.samples.all()}
    assert held == set(range(60)) - audited and audited & set(range(60))  # the audit tests the head: never trained


def test_each_track_has_its_own_estimate_and_stopping_rule(project):
    weather = start_audit(project=project, draws=30, user=None, track=project.weather, rng=np.random.default_rng(2))
    truth = weather_truth(project)
    for sample in weather.samples.all():
        answer_audit_frame(sample=sample, label_class=truth(sample.frame), user=project.manager)
    report, first = accuracy_report(project, project.weather), accuracy_report(project)
    assert report["track"] == "weather" and report["audited"] == weather.samples.count()
    assert first["track"] == "class" and first["audited"] == 0 and "Answer the audit" in first["message"]
    assert report["low"] <= 0.9 <= report["high"]  # 10 of 100 frames wrong
    project.weather.refresh_from_db()
    assert project.weather.accuracy["audited"] == report["audited"]
    assert project.video.label_sets.get(is_current=True, track=project.weather).accuracy["audited"] == report[
        "audited"]
    assert project.first_track.accuracy["audited"] == 0


def test_the_review_page_the_audit_pages_and_the_commands_take_a_track(project, client, capsys, tmp_path):
    client.force_login(project.manager)
    weather = project.weather.pk
    response = client.post(reverse("learning:audit-start", args=[project.pk]), {"draws": "6", "track": weather})
    assert response.status_code == 302 and response.url.endswith(f"?track={weather}")
    page = client.get(response.url).content.decode()
    assert "Audit of “weather”" in page and ">sunny" in page and ">road" not in page
    sample = pending_audit_frames(project, project.weather).first()
    road = project.classes.get(name="road")
    refused = client.post(reverse("learning:audit-answer", args=[sample.pk]), {"class_id": road.pk})
    assert "one of the classes of “weather”" in refused.content.decode()
    rain = project.weather.classes.get(name="rain")
    client.post(reverse("learning:audit-answer", args=[sample.pk]), {"class_id": rain.pk})
    estimate = client.get(reverse("learning:review-estimate", args=[project.pk]), {"track": weather}).content.decode()
    still_open = pending_audit_frames(project, project.weather).count()  # 6 draws: a frame may be drawn twice
    assert "“weather”:" in estimate and f"/audit/?track={weather}" in estimate and f"({still_open} frames)" in estimate
    call_command("audit", "Dashcam", "--next", "--track", "weather", "--json")
    frames = last_json_line(capsys)
    assert len(frames) == still_open >= 2  # the open audit of the track, less the answer given
    answers = tmp_path / "answers.csv"
    answers.write_text("video,frame,class\n" + "".join(f"{row['video']},{row['frame']},sunny\n" for row in frames))
    call_command("audit", "Dashcam", "--answers", str(answers), "--json")
    assert last_json_line(capsys) == {"answers": still_open, "open": 0}
    call_command("accuracy", "Dashcam", "--track", "WEATHER", "--json")
    assert last_json_line(capsys)["audited"] == still_open + 1
