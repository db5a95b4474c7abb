"""Accuracy estimates per track (issue 33): the project's estimate becomes its first track's."""

from django.db import migrations, models


def estimate_to_first_track(apps, schema_editor):
    Project, Track = apps.get_model("projects", "Project"), apps.get_model("projects", "Track")
    for project in Project.objects.exclude(accuracy=None).iterator():
        first = Track.objects.filter(project=project).order_by("order", "pk").first()
        Track.objects.filter(pk=first.pk).update(accuracy=project.accuracy)


def estimate_back_to_project(apps, schema_editor):
    Project, Track = apps.get_model("projects", "Project"), apps.get_model("projects", "Track")
    for project in Project.objects.iterator():
        first = Track.objects.filter(project=project).order_by("order", "pk").first()
        if first is not None:
            Project.objects.filter(pk=project.pk).update(accuracy=first.accuracy)


class Migration(migrations.Migration):
    dependencies = [("projects", "0010_tracks")]

    operations = [
        migrations.AddField(model_name="track", name="accuracy",
                            field=models.JSONField(blank=True, editable=False, null=True)),
        migrations.RunPython(estimate_to_first_track, estimate_back_to_project),
        migrations.RemoveField(model_name="project", name="accuracy"),
    ]
