"""Label tracks (issue 33): every project's classes become its one track, named "class", which takes over
the project's default class."""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models

FIRST_TRACK = "class"


def classes_into_one_track(apps, schema_editor):
    Project, Track, LabelClass = (apps.get_model("projects", name) for name in ("Project", "Track", "LabelClass"))
    for project in Project.objects.all().iterator():
        default_id = project.default_class_id or (
            LabelClass.objects.filter(project=project).order_by("order", "pk").values_list("pk", flat=True).first())
        track = Track.objects.create(project=project, name=FIRST_TRACK, order=0, default_class_id=default_id)
        LabelClass.objects.filter(project=project).update(track=track)


def default_back_to_project(apps, schema_editor):
    Project, Track = apps.get_model("projects", "Project"), apps.get_model("projects", "Track")
    seen = set()
    for track in Track.objects.order_by("project", "order", "pk"):
        if track.project_id not in seen:  # a project's first track
            seen.add(track.project_id)
            Project.objects.filter(pk=track.project_id).update(default_class_id=track.default_class_id)


class Migration(migrations.Migration):
    dependencies = [("projects", "0009_job_message_and_worker")]

    operations = [
        migrations.CreateModel(
            name="Track",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=60)),
                ("order", models.PositiveIntegerField(default=0)),
                ("default_class", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                    to="projects.labelclass")),
                ("project", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="tracks", to="projects.project")),
            ],
            options={
                "ordering": ["order", "pk"],
                "constraints": [models.UniqueConstraint(
                    models.F("project"), django.db.models.functions.text.Lower("name"), name="track_name_unique_ci")],
            },
        ),
        migrations.AddField(
            model_name="labelclass",
            name="track",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="classes",
                                    to="projects.track"),
        ),
        migrations.RunPython(classes_into_one_track, default_back_to_project),
        migrations.RemoveField(model_name="project", name="default_class"),
        migrations.AlterField(
            model_name="labelclass",
            name="track",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="classes",
                                    to="projects.track"),
        ),
    ]
