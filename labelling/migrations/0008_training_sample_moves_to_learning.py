# TrainingSample now belongs to learning (its 0001 takes over the same table); this forgets it here only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('labelling', '0007_label_edit_keeps_its_time'),
        ('learning', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='TrainingSample')],
            database_operations=[],
        ),
    ]
