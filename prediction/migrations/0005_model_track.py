"""Label tracks (issue 33): a model answers one track; every model made so far answers its project's first."""

import django.db.models.deletion
from django.db import migrations, models


def to_first_tracks(apps, schema_editor):
    Model, Track = apps.get_model("prediction", "Model"), apps.get_model("projects", "Track")
    for project_id in Model.objects.values_list("project_id", flat=True).distinct():
        first = Track.objects.filter(project_id=project_id).order_by("order", "pk").values_list("pk", flat=True)[0]
        Model.objects.filter(project_id=project_id).update(track_id=first)


class Migration(migrations.Migration):
    dependencies = [("prediction", "0004_human_kind"), ("projects", "0010_tracks")]

    operations = [
        migrations.AddField(
            model_name="model", name="track",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="models",
                                    to="projects.track"),
        ),
        migrations.RunPython(to_first_tracks, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="model", name="track",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="models",
                                    to="projects.track"),
        ),
    ]
