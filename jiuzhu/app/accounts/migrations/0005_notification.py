"""Notification moves here from referrals: a notice is to a user, and every part sends them. Its table stays
referrals_notification (state only), and its content type is relabelled so permissions keep their rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def relabel(apps, schema_editor, src="referrals", dst="accounts"):
    """The content type of notification takes the new app label (unless one already has it)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=dst, model="notification").exists():
        ContentType.objects.filter(app_label=src, model="notification").update(app_label=dst)


def unlabel(apps, schema_editor):
    relabel(apps, schema_editor, src="accounts", dst="referrals")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_unit_kind'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('referrals', '0006_config_moved'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='Notification',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('key', models.CharField(help_text='同一接收人同一键只通知一次', max_length=80, verbose_name='去重键')),
                    ('text', models.CharField(max_length=300, verbose_name='内容')),
                    ('link', models.CharField(blank=True, max_length=200, verbose_name='链接')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                    ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='已读时间')),
                    ('emailed', models.BooleanField(default=False, verbose_name='已发邮件')),
                    ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='接收人')),
                    ('referral', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='referrals.referral', verbose_name='移送')),
                ],
                options={
                    'verbose_name': '通知',
                    'verbose_name_plural': '通知',
                    'db_table': 'referrals_notification',
                    'ordering': ['-created_at', '-id'],
                    'constraints': [models.UniqueConstraint(fields=('recipient', 'key'), name='notification_once')],
                },
            ),
        ]),
        migrations.RunPython(relabel, unlabel),
    ]
