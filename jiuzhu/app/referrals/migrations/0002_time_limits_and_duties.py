"""The referral time limits (workflow.md §3) as TimeLimit rows, and a 职责清单 for each existing unit."""

from django.db import migrations

from jiuzhu.app.referrals.defaults import TIME_LIMITS as LIMITS


def forward(apps, schema_editor):
    TimeLimit = apps.get_model("casework", "TimeLimit")
    for code, name, days, note in LIMITS:
        TimeLimit.objects.get_or_create(code=code, defaults={"name": name, "working_days": days, "note": note})
    from jiuzhu.app.config.models.kinds import DEFAULT_KINDS

    Unit = apps.get_model("accounts", "Unit")
    ResponsibilityList = apps.get_model("referrals", "ResponsibilityList")
    for unit in Unit.objects.all():
        ResponsibilityList.objects.get_or_create(unit=unit, defaults={
            "kinds": [str(k) for k in DEFAULT_KINDS.get(unit.code, ())],
            "answer_limit_code": "referral_answer_rural" if unit.code == "rural_revitalization" else "referral_answer",
        })


def backward(apps, schema_editor):
    apps.get_model("casework", "TimeLimit").objects.filter(code__in=[c for c, *_ in LIMITS]).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial"), ("casework", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
