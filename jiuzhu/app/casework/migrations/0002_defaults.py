"""The defaults of workflow.md: time limits, approval levels, and a starting wage table.
A county changes all of these in the admin."""

from django.db import migrations

TIME_LIMITS = [
    # code, name, working days, months, enforced, note
    ("clue_verify", "线索核查", 5, 0, True, "自分派之日起（workflow.md §1）"),
    ("case_review", "审查并完成审批", 10, 0, True, "自受理之日起，审批在此期限内完成（workflow.md §1）"),
    ("approval_target", "县院普通案件审批目标", 7, 0, False, "自受理至审批完成的考核目标，只统计不标逾期"),
    ("case_decide", "审批后作出决定", 2, 0, True, "规范未规定，本系统默认"),
    ("funds_request", "决定后申请救助资金", 5, 0, True, "规范未规定，本系统默认"),
    ("funds_notify", "资金到账后通知申请人", 2, 0, True, "workflow.md §1"),
    ("funds_pay", "资金到账后发放", 5, 0, True, "规范未规定，本系统默认"),
    ("follow_up_first", "发放后首次回访", 0, 1, True, "发放后一个月内（workflow.md §1）"),
    ("urgent_paperwork", "先行救助补办手续", 10, 0, True, "自先行审批之日起，规范未规定，本系统默认"),
    ("case_close", "回访后结案", 10, 0, True, "规范未规定，本系统默认"),
]

APPROVAL_LEVELS = [
    # order, name, role, min amount (分), for exceptional, for urgent
    (1, "部门负责人审核", "dept_head", 0, False, False),
    (2, "分管副检察长审批", "deputy_chief", 0, False, True),
    (3, "检察长（检察委员会）审批", "chief", 5_000_000, True, False),
]

# Placeholder figures to start from: the administrator enters the published 统计公报 figures.
WAGES = [(2023, "三明市", 760_000), (2024, "三明市", 780_000), (2025, "三明市", 800_000)]


def seed(apps, schema_editor):
    TimeLimit = apps.get_model("casework", "TimeLimit")
    ApprovalLevel = apps.get_model("casework", "ApprovalLevel")
    WageRate = apps.get_model("casework", "WageRate")
    for code, name, days, months, enforced, note in TIME_LIMITS:
        TimeLimit.objects.get_or_create(code=code, defaults={
            "name": name, "working_days": days, "months": months, "enforced": enforced, "note": note})
    for order, name, role, amount, exceptional, urgent in APPROVAL_LEVELS:
        ApprovalLevel.objects.get_or_create(order=order, defaults={
            "name": name, "role": role, "min_amount_fen": amount, "for_exceptional": exceptional,
            "for_urgent": urgent})
    for year, region, fen in WAGES:
        WageRate.objects.get_or_create(year=year, region=region, defaults={
            "monthly_wage_fen": fen, "source": "初始示例数据，请按统计公报核实"})


def unseed(apps, schema_editor):
    apps.get_model("casework", "TimeLimit").objects.filter(code__in=[t[0] for t in TIME_LIMITS]).delete()
    apps.get_model("casework", "ApprovalLevel").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
