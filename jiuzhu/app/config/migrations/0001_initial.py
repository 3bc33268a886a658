"""The configuration models move here from casework (TimeLimit, WageRate) and referrals (ResponsibilityList).
Their tables stay as they are (db_table keeps the old names): only Django's state moves, and the content
types are relabelled so that permissions and admin history keep pointing at the same rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = {"timelimit": "casework", "wagerate": "casework", "responsibilitylist": "referrals"}


def relabel(apps, schema_editor, forward=True):
    """The content type of each moved model takes the new app label (unless one already has it)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, old in MOVED.items():
        src, dst = (old, "config") if forward else ("config", old)
        if not ContentType.objects.filter(app_label=dst, model=model).exists():
            ContentType.objects.filter(app_label=src, model=model).update(app_label=dst)


def unlabel(apps, schema_editor):
    relabel(apps, schema_editor, forward=False)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0004_unit_kind'),
        ('casework', '0004_visit_needs'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('referrals', '0005_regular_meetings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='TimeLimit',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.SlugField(max_length=40, unique=True, verbose_name='代码')),
                    ('name', models.CharField(max_length=60, verbose_name='名称')),
                    ('working_days', models.PositiveSmallIntegerField(default=0, verbose_name='工作日数')),
                    ('months', models.PositiveSmallIntegerField(default=0, help_text='按自然月计的期限填写此项，工作日数填0', verbose_name='自然月数')),
                    ('enforced', models.BooleanField(default=True, help_text='不勾选表示只作考核目标统计（如县院7个工作日审批目标），不标逾期', verbose_name='作为期限')),
                    ('note', models.CharField(blank=True, max_length=200, verbose_name='依据/说明')),
                ],
                options={
                    'verbose_name': '期限设置',
                    'verbose_name_plural': '期限设置',
                    'db_table': 'casework_timelimit',
                    'ordering': ['code'],
                },
            ),
            migrations.CreateModel(
                name='ResponsibilityList',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kinds', models.JSONField(blank=True, default=list, help_text='该单位承接的移送和救助方案事项种类（代码列表），决定事项分派到哪个单位', verbose_name='承接事项')),
                    ('duties', models.TextField(blank=True, verbose_name='职责说明')),
                    ('receipt_limit_code', models.CharField(default='referral_receipt', help_text='期限配置表中的代码', max_length=40, verbose_name='签收时限')),
                    ('answer_limit_code', models.CharField(default='referral_answer', help_text='期限配置表中的代码；扶贫/乡村振兴为 referral_answer_rural', max_length=40, verbose_name='反馈时限')),
                    ('active', models.BooleanField(default=True, verbose_name='启用')),
                    ('leader', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='leads_units', to=settings.AUTH_USER_MODEL, verbose_name='负责人')),
                    ('liaisons', models.ManyToManyField(blank=True, related_name='liaison_for', to=settings.AUTH_USER_MODEL, verbose_name='联络员')),
                    ('unit', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='responsibilities', to='accounts.unit', verbose_name='单位')),
                ],
                options={
                    'verbose_name': '职责清单',
                    'verbose_name_plural': '职责清单',
                    'db_table': 'referrals_responsibilitylist',
                    'ordering': ['unit_id'],
                },
            ),
            migrations.CreateModel(
                name='WageRate',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                    ('region', models.CharField(max_length=30, verbose_name='设区市')),
                    ('monthly_wage_fen', models.BigIntegerField(verbose_name='职工月平均工资（分）')),
                    ('source', models.CharField(blank=True, max_length=200, verbose_name='数据来源')),
                ],
                options={
                    'verbose_name': '职工月平均工资',
                    'verbose_name_plural': '职工月平均工资',
                    'db_table': 'casework_wagerate',
                    'ordering': ['-year', 'region'],
                    'constraints': [models.UniqueConstraint(fields=('year', 'region'), name='wage_rate_year_region')],
                },
            ),
        ]),
        migrations.RunPython(relabel, unlabel),
    ]
