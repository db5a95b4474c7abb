import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0007_job_kind_registered_by_apps'),
    ]

    operations = [
        migrations.AddField(
            model_name='project',
            name='target_accuracy',
            field=models.FloatField(default=0.99, help_text='Review is done when at least this share of frames is right with 95 % confidence.', validators=[django.core.validators.MinValueValidator(0.5), django.core.validators.MaxValueValidator(0.9999)]),
        ),
        migrations.AddField(
            model_name='project',
            name='accuracy',
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
    ]
