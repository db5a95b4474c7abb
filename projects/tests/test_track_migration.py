"""Issue 33: a database made before tracks keeps every label, edit and its undo on the one track it gets, and its
models, audits and accuracy estimate are that track's."""

import numpy as np
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aigva.tests.on_sqlite import run_on_sqlite
from labelling.runs import LabelRuns

BEFORE = [("projects", "0009_job_message_and_worker"), ("labelling", "0009_labelset_accuracy"),
          ("prediction", "0004_human_kind"), ("learning", "0002_audits")]
ESTIMATE = {"estimate": 0.97, "low": 0.95, "high": 0.98, "frames": 10, "audited": 3, "wrong_frames": 0}

def migrate(targets):
    """Migrate to `targets` (all the latest when None); the models as they were there, other apps' latest."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    targets = targets or leaves
    executor.migrate(targets)
    moved = {app for app, _ in targets}
    return MigrationExecutor(connection).loader.project_state(
        targets + [(app, name) for app, name in leaves if app not in moved]).apps


def make_old_project(apps, name: str, with_default: bool) -> dict:
    """A project as today's main makes it: classes, a video, labels, one person's edit."""
    Project, LabelClass = apps.get_model("projects", "Project"), apps.get_model("projects", "LabelClass")
    Video, LabelSet = apps.get_model("videos", "Video"), apps.get_model("labelling", "LabelSet")
    user = apps.get_model("auth", "User").objects.create(username=f"old-{name}")
    project = Project.objects.create(name=name, accuracy=ESTIMATE)
    road, junction = (LabelClass.objects.create(project=project, name=n, shortcut=k, order=i)
                      for i, (n, k) in enumerate((("road", "1"), ("junction", "2"))))
    if with_default:
        project.default_class = junction
        project.save()
    video = Video.objects.create(project=project, name="old.mp4", frame_count=10, status="ready")
    before = LabelRuns.from_frames(np.full(10, road.pk), np.zeros(10, dtype=np.int64))
    after = before.paint(3, 5, junction.pk, user.pk)
    label_set = LabelSet.objects.create(video=video, frame_count=10, runs=after.to_bytes())
    label_set.edits.create(start=3, end=5, label_class=junction, author=user, previous=before.window(3, 5).to_bytes())
    old = LabelSet.objects.create(video=video, frame_count=10, runs=before.to_bytes(), is_current=False)
    apps.get_model("prediction", "Model").objects.create(project=project, name="cold", kind="cold",
                                                         classes=["road", "junction"])
    apps.get_model("learning", "Audit").objects.create(project=project, population=10, draws=3)
    return {"project": project.pk, "user": user.pk, "runs": after.to_bytes(), "sets": {label_set.pk, old.pk},
            "default": (junction if with_default else road).pk}


def round_trip() -> str:
    """Back to before tracks, make old projects, forward: every label, edit and undo is there on one track;
    back again: the default class is the project's again. Ends migrated to the latest."""
    try:
        apps = migrate(BEFORE)
        made = [make_old_project(apps, "Dashcam", with_default=True), make_old_project(apps, "Scans", False)]
        migrate(None)
        for old in made:
            check_on_one_track(old)
        apps = migrate(BEFORE)
        defaults = dict(apps.get_model("projects", "Project").objects.values_list("pk", "default_class_id"))
        assert defaults == {old["project"]: old["default"] for old in made}
        assert [p.accuracy for p in apps.get_model("projects", "Project").objects.all()] == [ESTIMATE] * 2
    finally:
        migrate(None)
    return "kept"


def check_on_one_track(old: dict) -> None:
    from django.contrib.auth import get_user_model

    from labelling.models import LabelSet
    from labelling.services import label_range, undo_last_edit
    from projects.models import Project

    project, user = Project.objects.get(pk=old["project"]), get_user_model().objects.get(pk=old["user"])
    (track,) = project.tracks.all()
    assert track.name == "class" and track.default_class_id == old["default"]
    assert set(track.classes.values_list("name", flat=True)) == {"road", "junction"}
    assert set(LabelSet.objects.filter(track=track).values_list("pk", flat=True)) == old["sets"]
    current = LabelSet.objects.get(track=track, is_current=True)
    assert bytes(current.runs) == old["runs"] and current.edits.count() == 1
    assert list(project.models.values_list("track", flat=True)) == [track.pk]  # models answer the one track
    assert list(project.audits.values_list("track", flat=True)) == [track.pk] and track.accuracy == ESTIMATE
    undo_last_edit(label_set=current, user=user)
    current.refresh_from_db()
    assert current.label_runs.to_frames()[0].tolist() == [track.classes.get(name="road").pk] * 10
    label_range(label_set=current, start=0, end=0, label_class=track.default_class, user=user)


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_tracks_keeps_everything_on_postgresql():
    assert round_trip() == "kept"


def test_a_database_from_before_tracks_keeps_everything_on_sqlite(tmp_path):
    assert run_on_sqlite(tmp_path, "projects.tests.test_track_migration:round_trip") == "kept"
