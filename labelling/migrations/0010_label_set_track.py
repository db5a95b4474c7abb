"""Label tracks (issue 33): every label set answers its project's one track."""

import django.db.models.deletion
from django.db import migrations, models


def sets_onto_first_track(apps, schema_editor):
    Track, LabelSet = apps.get_model("projects", "Track"), apps.get_model("labelling", "LabelSet")
    for track in Track.objects.all():  # each project has just the one here
        LabelSet.objects.filter(video__project_id=track.project_id).update(track=track)


class Migration(migrations.Migration):
    dependencies = [("labelling", "0009_labelset_accuracy"), ("projects", "0010_tracks")]

    operations = [
        migrations.AddField(
            model_name="labelset",
            name="track",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="label_sets",
                                    to="projects.track"),
        ),
        migrations.RunPython(sets_onto_first_track, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="labelset",
            name="track",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="label_sets",
                                    to="projects.track"),
        ),
        migrations.RemoveConstraint(model_name="labelset", name="one_current_label_set_per_video"),
        migrations.AddConstraint(
            model_name="labelset",
            constraint=models.UniqueConstraint(condition=models.Q(("is_current", True)), fields=("video", "track"),
                                               name="one_current_label_set_per_video_and_track"),
        ),
    ]
