# TrainingSample moved here from labelling: the table stays, only Django's state changes hands.

import django.db.models.deletion
import learning.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('labelling', '0007_label_edit_keeps_its_time'),
        ('projects', '0003_alter_job_kind'),
        ('videos', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='TrainingSample',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('frame', models.PositiveIntegerField()),
                        ('source', models.CharField(choices=[('sampled', 'Sampled frame'), ('uncertain', 'Uncertain frame'), ('reviewed', 'Reviewed video')], default='sampled', max_length=10)),
                        ('image', models.FileField(max_length=200, upload_to=learning.models.sample_image_path)),
                        ('skipped', models.BooleanField(default=False)),
                        ('labelled_at', models.DateTimeField(blank=True, null=True)),
                        ('confidence', models.FloatField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('label', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='samples', to='projects.labelclass')),
                        ('labelled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='samples', to='projects.project')),
                        ('guess', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='projects.labelclass')),
                        ('video', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='samples', to='videos.video')),
                    ],
                    options={
                        'db_table': 'labelling_trainingsample',
                        'ordering': ['pk'],
                        'indexes': [models.Index(fields=['project', 'source', 'label'], name='labelling_t_project_67a66c_idx')],
                        'constraints': [models.UniqueConstraint(fields=('video', 'frame', 'source'), name='one_sample_per_frame_and_source')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
