"""TimeLimit and WageRate are config's now (config 0001): state only, the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0004_visit_needs'),
        ('config', '0001_initial'),
        ('referrals', '0002_time_limits_and_duties'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(
                name='TimeLimit',
            ),
            migrations.DeleteModel(
                name='WageRate',
            ),
        ]),
    ]
