"""Audits per track (issue 33): every audit so far tested its project's first track."""

import django.db.models.deletion
from django.db import migrations, models


def audits_on_first_track(apps, schema_editor):
    Audit, Track = apps.get_model("learning", "Audit"), apps.get_model("projects", "Track")
    for audit in Audit.objects.iterator():
        first = Track.objects.filter(project_id=audit.project_id).order_by("order", "pk").first()
        Audit.objects.filter(pk=audit.pk).update(track=first)


class Migration(migrations.Migration):
    dependencies = [("learning", "0002_audits"), ("projects", "0010_tracks")]

    operations = [
        migrations.AddField(model_name="audit", name="track", field=models.ForeignKey(
            null=True, on_delete=django.db.models.deletion.CASCADE, related_name="audits", to="projects.track")),
        migrations.RunPython(audits_on_first_track, migrations.RunPython.noop),
        migrations.AlterField(model_name="audit", name="track", field=models.ForeignKey(
            on_delete=django.db.models.deletion.CASCADE, related_name="audits", to="projects.track")),
        migrations.RemoveConstraint(model_name="trainingsample", name="one_sample_per_frame_and_source"),
        migrations.AddConstraint(model_name="trainingsample", constraint=models.UniqueConstraint(
            condition=models.Q(("source", "audit"), _negated=True), fields=("video", "frame", "source"),
            name="one_sample_per_frame_and_source")),
        migrations.AddConstraint(model_name="trainingsample", constraint=models.UniqueConstraint(
            condition=models.Q(("source", "audit")), fields=("audit", "video", "frame"),
            name="one_draw_per_frame_and_audit")),
    ]
