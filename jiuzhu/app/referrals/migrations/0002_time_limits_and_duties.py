"""The referral time limits (workflow.md §3) as TimeLimit rows, and a 职责清单 for each existing unit."""

from django.db import migrations

LIMITS = (
    ("referral_receipt", "移送签收期限", 3, "workflow.md §3：自发送之日起"),
    ("referral_answer", "移送反馈期限", 15, "workflow.md §3：自签收之日起"),
    ("referral_answer_rural", "扶贫/乡村振兴移送反馈期限", 5, "workflow.md §3：自签收之日起"),
    ("plan_item", "救助方案事项落实期限", 15, "默认值，可按事项调整完成期限"),
)


def forward(apps, schema_editor):
    TimeLimit = apps.get_model("casework", "TimeLimit")
    for code, name, days, note in LIMITS:
        TimeLimit.objects.get_or_create(code=code, defaults={"name": name, "working_days": days, "note": note})
    from jiuzhu.app.referrals.models.kinds import DEFAULT_KINDS

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
