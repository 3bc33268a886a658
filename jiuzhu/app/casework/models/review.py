"""审查: the 审查报告 and the 联合研判 meetings that partner units join."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Proposal(models.TextChoices):
    GRANT = "grant", "建议救助"
    REFUSE = "refuse", "建议不予救助"


class ReviewReport(models.Model):
    case = models.OneToOneField("casework.Case", on_delete=models.CASCADE, related_name="report",
                                verbose_name="案件")
    facts = models.TextField("案件事实")
    hardship = models.TextField("生活困难情况")
    loss_fen = models.BigIntegerField("损失（分）", default=0)
    judged_compensation_fen = models.BigIntegerField("判决赔偿金额（分）", null=True, blank=True,
                                                     help_text="无判决时留空")
    compensation_received_fen = models.BigIntegerField("已获赔偿及其他救助（分）", default=0)
    other_help = models.TextField("已获其他救助情况", blank=True)
    wage_year = models.PositiveSmallIntegerField("工资基数年度")
    wage_fen = models.BigIntegerField("职工月平均工资（分）")
    proposed_amount_fen = models.BigIntegerField("系统建议金额（分）")
    proposal = models.CharField("审查意见", max_length=8, choices=Proposal.choices, default=Proposal.GRANT)
    amount_fen = models.BigIntegerField("拟救助金额（分）", default=0)
    exceptional = models.BooleanField("特别重大损失/特别困难", default=False,
                                      help_text="可超过36个月工资上限，须检察长审批")
    exceptional_reason = models.TextField("特别情况说明", blank=True)
    new_hardship = models.TextField("新的困难情况", blank=True,
                                    help_text="同一原案已获救助时，再次救助须记载新的、不同的困难并经审批")
    refusal_reason = models.CharField("不予救助理由", max_length=20, blank=True)
    refusal_text = models.TextField("不予救助理由说明", blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="承办人")
    submitted_on = models.DateField("提交日期", null=True, blank=True)

    class Meta:
        verbose_name = "审查报告"
        verbose_name_plural = "审查报告"

    def __str__(self) -> str:
        return f"审查报告 {self.case.number}"


class JointMeeting(models.Model):
    """联合研判: a meeting with the departments that join the case, and what it concluded."""

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="meetings",
                             verbose_name="案件")
    held_on = models.DateField("会议日期")
    place = models.CharField("地点", max_length=100, blank=True)
    units = models.ManyToManyField("accounts.Unit", related_name="+", verbose_name="参加单位")
    attendees = models.TextField("参会人员", blank=True)
    minutes = models.TextField("会议纪要")
    conclusion = models.TextField("研判意见", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="记录人")

    class Meta:
        verbose_name = "联合研判会议"
        verbose_name_plural = "联合研判会议"
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"联合研判 {self.held_on}"
