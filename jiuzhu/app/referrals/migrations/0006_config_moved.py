"""ResponsibilityList is config's now (config 0001): state only, the table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('config', '0001_initial'),
        ('referrals', '0005_regular_meetings'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(
                name='ResponsibilityList',
            ),
        ]),
    ]
